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
