// Invalid IR gives a located diagnostic and a non-zero exit, never a crash.
// RUN: not spc-opt %s 2>&1 | FileCheck %s
// RUN: not spc-opt %s.missing 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not spc-opt %s --spa-no-such-pass 2>&1 | FileCheck %s --check-prefix=FLAG

// CHECK: errors.mlir:[[@LINE+2]]:8: error: 'spa.conv2d' op input has 4 channels, but the weight expects 3 per group x 1 groups
func.func @bad(%x: tensor<1x4x8x8xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<1x8x6x6xf32> {
  %0 = spa.conv2d %x, %w : (tensor<1x4x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}

// MISSING: cannot open input file '{{.*}}errors.mlir.missing': No such file or directory
// FLAG: Unknown command line argument '--spa-no-such-pass'
