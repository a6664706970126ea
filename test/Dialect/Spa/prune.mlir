// RUN: spc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(spa-prune{mode=nm:2:4}))' 2>/dev/null | FileCheck %s --check-prefix=NM
// RUN: spc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(spa-prune{mode=nm:2:4}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=NM-DIAG
// RUN: spc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(spa-prune{mode=unstructured:0.5}))' 2>/dev/null | FileCheck %s --check-prefix=UNS
// RUN: spc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(spa-prune{mode=nm:2:4 overrides=%S/Inputs/prune-overrides.json}))' 2>/dev/null | FileCheck %s --check-prefix=OVR

// Bad requests are errors that say what is accepted, or name the key.
// RUN: not spc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(spa-prune{mode=nm:4:2}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-MODE
// BAD-MODE: error: spa-prune mode 'nm:4:2': N:M needs 1 <= N <= M <= 256 (ISA §4.3)
// RUN: not spc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(spa-prune{mode=sparse:0.5}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-KIND
// BAD-KIND: error: spa-prune mode 'sparse:0.5': expected nm:N:M, unstructured:S or none
// RUN: not spc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(spa-prune{mode=nm:2:4 overrides=%S/Inputs/bad-overrides.json}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-FILE
// BAD-FILE: error: {{.*}}bad-overrides.json: key 'conv'.prune: 'unstructured:1.5': expected unstructured:S with a sparsity 0 <= S < 1
// RUN: not spc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(spa-prune{mode=none overrides=%S/Inputs/bad-format.json}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-FORMAT
// BAD-FORMAT: error: {{.*}}bad-format.json: key 'mm'.format: 'sparse' is not a format (auto, dense, nm, bitmap, csr)

// 2:4 keeps the two largest magnitudes of every 4 values along K (dim 0 of
// a matmul's right operand); the relative error is
// sqrt((1 + 0.5^2 + 0.5^2 + 1) / (1 + 9 + 0.25 + 4 + 25 + 4 + 0.25 + 1)).
// Unstructured 0.5 drops the half of smallest magnitude, over the whole
// weight.
// NM-DIAG: warning: pruning is lossy: 1 weights pruned; the largest relative weight error is 0.2370 (layer 'mm')
// NM-LABEL: func.func @matmul
// NM: spa.constant {spa.pruned = {error = 0.23702{{[0-9]*}} : f64, pattern = "nm:2:4"}} dense<{{\[}}[0.000000e+00, 5.000000e+00], [3.000000e+00, 2.000000e+00], [0.000000e+00, 0.000000e+00], [-2.000000e+00, 0.000000e+00]]>
// UNS-LABEL: func.func @matmul
// UNS: spa.constant {spa.pruned = {error = {{.*}} : f64, pattern = "unstructured:0.5"}} dense<{{\[}}[0.000000e+00, 5.000000e+00], [3.000000e+00, 2.000000e+00], [0.000000e+00, 0.000000e+00], [-2.000000e+00, 0.000000e+00]]>
// OVR-LABEL: func.func @matmul
// OVR: spa.constant dense<{{\[}}[-1.000000e+00, 5.000000e+00]
func.func @matmul(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %w = spa.constant dense<[[-1.0, 5.0], [3.0, 2.0], [0.5, 0.5], [-2.0, 1.0]]>
      : tensor<4x2xf32>
  %y = spa.matmul %x, %w : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32> loc("mm")
  return %y : tensor<3x2xf32>
}

// -----

// A convolution groups along its input channels (dim 1): 6 channels are not
// a multiple of 4, so 2:4 leaves the layer dense and says why; the bias is
// never pruned.
// NM-DIAG: remark: layer 'conv' left dense: its reduced dimension (6) is not a multiple of 4
// NM-LABEL: func.func @conv
// NM-NOT: spa.pruned
// UNS-LABEL: func.func @conv
// UNS: spa.constant {spa.pruned = {{.*}}pattern = "unstructured:0.5"
// UNS-NOT: spa.pruned
// OVR-LABEL: func.func @conv
// OVR: spa.constant {spa.pruned = {{.*}}pattern = "unstructured:0.5"
func.func @conv(%x: tensor<1x6x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = spa.constant dense<[[[[1.0]], [[2.0]], [[3.0]], [[4.0]], [[5.0]], [[6.0]]],
                           [[[6.0]], [[5.0]], [[4.0]], [[3.0]], [[2.0]], [[1.0]]]]>
      : tensor<2x6x1x1xf32>
  %b = spa.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %y = spa.conv2d %x, %w, %b
      : (tensor<1x6x4x4xf32>, tensor<2x6x1x1xf32>, tensor<2xf32>)
      -> tensor<1x2x4x4xf32> loc("conv")
  return %y : tensor<1x2x4x4xf32>
}
