// Real architectures exported from torch/torchvision (random weights) and
// small models for the cases the importer must get right (weights as Constant
// nodes, an NHWC input, a Conv1d audio front-end with a MatMul projection),
// compiled with spc-compile, run with spc-run and compared with PyTorch on a
// seeded input (np.allclose, rtol 1e-3, atol 1e-4). Small inputs keep it fast:
// 1x3x64x64 images, 16 tokens, 1 s of 16 kHz audio.
// REQUIRES: torch
// RUN: rm -rf %t && %python %spc_src/utils/compare-torch.py --spc-compile %spc_tools/spc-compile --spc-run %spc_tools/spc-run --size small --target dense-systolic --work %t/dense resnet18 mobilenet_v2 transformer constant-weights nhwc audio | FileCheck %s --check-prefix=DENSE
// DENSE: resnet18 small dense-systolic: {{.*}}: PASS
// DENSE-NEXT: mobilenet_v2 small dense-systolic: {{.*}}: PASS
// DENSE-NEXT: transformer small dense-systolic: {{.*}}: PASS
// DENSE-NEXT: constant-weights small dense-systolic: {{.*}}: PASS
// DENSE-NEXT: nhwc small dense-systolic: {{.*}}: PASS
// DENSE-NEXT: audio small dense-systolic: {{.*}}: PASS

// RUN: %python %spc_src/utils/compare-torch.py --spc-compile %spc_tools/spc-compile --spc-run %spc_tools/spc-run --size small --target sparse-2of4 --work %t/sparse resnet18 | FileCheck %s --check-prefix=SPARSE
// SPARSE: resnet18 small sparse-2of4: {{.*}}: PASS

// Pruned models (the weights pruned in PyTorch, so that the reference is the
// pruned model): spc-compile finds each weight's sparsity and picks the
// target's engine, and the outputs still match. Every layer whose input
// channels the pattern fits is stored sparse; the first convolution (3
// input channels) and, for 16:128, the layers with 64 input channels stay
// dense.
// RUN: %python %spc_src/utils/compare-torch.py --spc-compile %spc_tools/spc-compile --spc-run %spc_tools/spc-run --size small --target sparse-2of4 --prune nm:2:4 --report --work %t/p24 resnet18 transformer | FileCheck %s --check-prefix=PRUNED24
// PRUNED24: resnet18 small sparse-2of4 nm:2:4: {{.*}}, formats dense=1 nm 2:4=20: PASS
// PRUNED24: transformer small sparse-2of4 nm:2:4: {{.*}}, formats {{.*}}nm 2:4={{[0-9]+}}: PASS
// RUN: %python %spc_src/utils/compare-torch.py --spc-compile %spc_tools/spc-compile --spc-run %spc_tools/spc-run --size small --target flexible-nm --prune nm:1:4 --report --work %t/p14 resnet18 | FileCheck %s --check-prefix=PRUNED14
// PRUNED14: resnet18 small flexible-nm nm:1:4: {{.*}}, formats dense=1 nm 1:4=20: PASS
// RUN: %python %spc_src/utils/compare-torch.py --spc-compile %spc_tools/spc-compile --spc-run %spc_tools/spc-run --size small --target relaxed-nm --prune nm:16:128 --report --work %t/p16 resnet18 | FileCheck %s --check-prefix=PRUNED16
// PRUNED16: resnet18 small relaxed-nm nm:16:128: {{.*}}, formats dense=7 nm 16:128=14: PASS
// RUN: %python %spc_src/utils/compare-torch.py --spc-compile %spc_tools/spc-compile --spc-run %spc_tools/spc-run --size small --target high-sparsity --prune unstructured:0.9 --report --work %t/p90 resnet18 | FileCheck %s --check-prefix=PRUNED90
// PRUNED90: resnet18 small high-sparsity unstructured:0.9: {{.*}}, formats {{.*}}csr={{[0-9]+}}: PASS
// RUN: %python %spc_src/utils/compare-torch.py --spc-compile %spc_tools/spc-compile --spc-run %spc_tools/spc-run --size small --target dense-systolic --prune unstructured:0.9 --report --work %t/p90d resnet18 | FileCheck %s --check-prefix=PRUNED90D
// PRUNED90D: resnet18 small dense-systolic unstructured:0.9: {{.*}}, formats bitmap=21: PASS

// Channel permutation is function-preserving: each dense model compiled
// with --permute-channels=nm:2:4 (permutation folded into the weights,
// biases, BN parameters and embedding table, no pruning) still matches
// PyTorch. branchy folds it through a concatenation, a batch normalization,
// a depthwise convolution and a residual add.
// RUN: %python %spc_src/utils/compare-torch.py --spc-compile %spc_tools/spc-compile --spc-run %spc_tools/spc-run --size small --target sparse-2of4 --compile-arg=--permute-channels=nm:2:4 --report --work %t/perm branchy resnet18 transformer | FileCheck %s --check-prefix=PERMUTED
// PERMUTED: branchy small sparse-2of4 --permute-channels=nm:2:4: {{.*}}, permuted 4 of 4 layers, mean retained {{.*}}: PASS
// PERMUTED: resnet18 small sparse-2of4 --permute-channels=nm:2:4: {{.*}}, permuted 20 of 20 layers, mean retained {{.*}}: PASS
// PERMUTED: transformer small sparse-2of4 --permute-channels=nm:2:4: {{.*}}, permuted {{[1-9][0-9]*}} of {{[0-9]+}} layers, mean retained {{.*}}: PASS
