// TASD end to end (test/Compiler/Inputs/tasd.py): forced series and
// activation structuring match a numpy model of the decomposition (an MLP,
// and a 3x3 convolution whose K runs tap-major), and searched
// configurations on sparse-2of4 and flexible-nm keep the output cosine to
// the dense model within the budget; a saved configuration reproduces the
// search's binary; where every budget misses with all layers decomposed,
// the refinement keeps the one layer that passes. The terms of a sparse
// weight cross DRAM compressed.
// RUN: rm -rf %t && %python %S/Inputs/tasd.py %spc_tools %t | FileCheck %s
// CHECK-NOT: FAIL
// CHECK-COUNT-6: PASS
// CHECK-NOT: FAIL

// Bad requests name the layer and say why.
// RUN: echo '{"conv2": {"tasd_weights": "1:8"}}' > %t/bad-series.json
// RUN: not spc-compile %spc_src/examples/resnet_block.onnx --input-shape=input=1,32,16,16 --target=sparse-2of4 --tasd=search --layer-overrides=%t/bad-series.json -o %t/x.spab 2>&1 | FileCheck %s --check-prefix=SERIES
// SERIES: error: layer 'conv2': TASD override 1:8 / activations none: target 'sparse-2of4' runs no GEMM.NM 1:8
// RUN: not spc-compile %spc_src/examples/resnet_block.onnx --input-shape=input=1,32,16,16 --target=sparse-2of4 --tasd=search --tasd-activations -o %t/x.spab 2>&1 | FileCheck %s --check-prefix=ACT
// ACT: error: spa-tasd-search: activations=auto needs a target with a structuring unit, dual-side sparsity and an N:M mode; 'sparse-2of4' has no structuring unit
// RUN: echo '{"conv2": {"tasd_weights": "1:4"}}' > %t/over-budget.json
// RUN: not spc-compile %spc_src/examples/resnet_block.onnx --input-shape=input=1,32,16,16 --target=flexible-nm --tasd=search --tasd-max-error=0.01 --layer-overrides=%t/over-budget.json -o %t/x.spab 2>&1 | FileCheck %s --check-prefix=BUDGET
// BUDGET: error: layer 'conv2': TASD override 1:4 has relative weight error 0.3549, above the budget 0.0100; the best configuration within the budget is 2:4+1:4 (error 0.0000, activations none)
// A saved configuration that misses the output check is an error, and
// leaves no binary or report behind.
// RUN: echo '{"conv1": {"tasd_weights": "1:4"}, "conv2": {"tasd_weights": "1:4"}}' > %t/lossy.json
// RUN: not spc-compile %spc_src/examples/resnet_block.onnx --input-shape=input=1,32,16,16 --target=flexible-nm --tasd=%t/lossy.json --tasd-min-cosine=0.9999 --report=%t/lossy-report.json -o %t/lossy.spab 2>&1 | FileCheck %s --check-prefix=MISS
// MISS: error: TASD configuration '{{.*}}lossy.json' misses the output check on the calibration inputs: cosine 0.{{[0-9]+}} (least allowed 0.9999)
// RUN: not ls %t/lossy.spab %t/lossy-report.json
// RUN: echo '{"conv2": {"tasd_weights": "2:4+x"}}' > %t/malformed.json
// RUN: not spc-compile %spc_src/examples/resnet_block.onnx --input-shape=input=1,32,16,16 --target=flexible-nm --tasd=%t/malformed.json -o %t/x.spab 2>&1 | FileCheck %s --check-prefix=MALFORMED
// MALFORMED: error: {{.*}}malformed.json: key 'conv2'.tasd_weights: 'x' is not a pattern N:M
