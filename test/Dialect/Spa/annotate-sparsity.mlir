// RUN: spc-opt %s --split-input-file --spa-annotate-sparsity | FileCheck %s

// A 2:4 weight of a matmul: groups run along K, dimension 0 of the right
// operand. Every group of 4 holds 2 non-zeros, every group of 8 holds 4;
// groups longer than the 8-long dimension are not measured. -0.0 counts as
// zero.
// CHECK-LABEL: func.func @matmul_rhs_2of4
// CHECK: spa.constant {spa.sparsity = #spa.sparsity<density = 5.000000e-01, dim = 0, nm = [2:4, 4:8]>}
func.func @matmul_rhs_2of4(%x: tensor<2x8xf32>) -> tensor<2x2xf32> {
  %w = spa.constant dense<[[1.0, 2.0], [3.0, -4.0], [0.0, -0.0], [0.0, 0.0],
                           [5.0, 6.0], [7.0, 8.0], [-0.0, 0.0], [0.0, 0.0]]>
      : tensor<8x2xf32>
  %y = spa.matmul %x, %w : (tensor<2x8xf32>, tensor<8x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// The same values on the left operand are grouped along its last dimension,
// where they are not 2:4.
// CHECK-LABEL: func.func @matmul_lhs
// CHECK: spa.constant {spa.sparsity = #spa.sparsity<density = 5.000000e-01, dim = 1, nm = [4:4, 4:8]>}
func.func @matmul_lhs(%x: tensor<8x2xf32>) -> tensor<2x2xf32> {
  %w = spa.constant dense<[[1.0, 2.0, 3.0, 4.0, 0.0, 0.0, 0.0, 0.0],
                           [5.0, 6.0, 7.0, 8.0, 0.0, 0.0, 0.0, 0.0]]>
      : tensor<2x8xf32>
  %y = spa.matmul %w, %x : (tensor<2x8xf32>, tensor<8x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// Convolution weights are grouped along input channels (OIHW dimension 1),
// with the kernel position fixed. Here every (o, h, w) has 1 non-zero among
// its 4 input channels. The bias is not a multiplied operand and is skipped.
// CHECK-LABEL: func.func @conv2d_1of4
// CHECK: spa.constant {spa.sparsity = #spa.sparsity<density = 2.500000e-01, dim = 1, nm = [1:4]>} dense<{{.*}}> : tensor<2x4x1x2xf32>
// CHECK: spa.constant dense<1.000000e+00> : tensor<2xf32>
func.func @conv2d_1of4(%x: tensor<1x4x4x4xf32>) -> tensor<1x2x4x3xf32> {
  %w = spa.constant dense<[[[[1.0, 0.0]], [[0.0, 2.0]], [[0.0, 0.0]], [[0.0, 0.0]]],
                           [[[0.0, 0.0]], [[0.0, 0.0]], [[3.0, 0.0]], [[0.0, 4.0]]]]>
      : tensor<2x4x1x2xf32>
  %b = spa.constant dense<1.0> : tensor<2xf32>
  %y = spa.conv2d %x, %w, %b
      : (tensor<1x4x4x4xf32>, tensor<2x4x1x2xf32>, tensor<2xf32>) -> tensor<1x2x4x3xf32>
  return %y : tensor<1x2x4x3xf32>
}

// -----

// A fully-connected weight stored N x K (trans_b) is grouped along dimension
// 1. An int8 weight held in a resource blob is read from its bytes.
// CHECK-LABEL: func.func @gemm_trans_b_int8_blob
// CHECK: spa.constant {spa.sparsity = #spa.sparsity<density = 2.500000e-01, dim = 1, nm = [1:4, 2:8]>} dense_resource<fc>
func.func @gemm_trans_b_int8_blob(%x: tensor<1x8xi8>) -> tensor<1x2xi32> {
  %w = spa.constant dense_resource<fc> : tensor<2x8xi8>
  %y = spa.gemm %x, %w trans_b : (tensor<1x8xi8>, tensor<2x8xi8>) -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}

{-#
  dialect_resources: {
    builtin: {
      fc: "0x0100000007000000000000FF0000800000020000"
    }
  }
#-}

// -----

// Relaxed wide-block structure: one non-zero in every 16 values along K is
// 1:16 exactly, the tightest pattern (16:256 has the same ratio, and the
// smaller group wins).
// CHECK-LABEL: func.func @wide_block
// CHECK: spa.constant {spa.sparsity = #spa.sparsity<density = 6.250000e-02, dim = 0, nm = [1:4, 1:8, 1:16, 2:32, 4:64, 8:128, 16:256]>}
func.func @wide_block(%x: tensor<1x256xf32>) -> tensor<1x1xf32> {
  %w = spa.constant dense<[[1.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [1.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [1.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [1.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [1.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [1.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [1.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [1.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [1.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [1.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [1.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [1.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [1.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [1.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [1.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [1.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0]]> : tensor<256x1xf32>
  %y = spa.matmul %x, %w : (tensor<1x256xf32>, tensor<256x1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

// A splat of zeros has density 0 and satisfies 0:M.
// CHECK-LABEL: func.func @zero_splat
// CHECK: spa.constant {spa.sparsity = #spa.sparsity<density = 0.000000e+00, dim = 0, nm = [0:4, 0:8, 0:16]>}
func.func @zero_splat(%x: tensor<2x16xf32>) -> tensor<2x4xf32> {
  %w = spa.constant dense<0.0> : tensor<16x4xf32>
  %y = spa.matmul %x, %w : (tensor<2x16xf32>, tensor<16x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// Transposed convolution weights (IOHW) reduce over dimension 0. A first
// layer with 3 input channels is measured at M = 4 only, zero-padded.
// CHECK-LABEL: func.func @conv_transpose_weight
// CHECK: spa.constant {spa.sparsity = #spa.sparsity<density = 1.000000e+00, dim = 0, nm = [4:4]>}
// CHECK: spa.constant {spa.sparsity = #spa.sparsity<density = 1.000000e+00, dim = 0, nm = [3:4]>}
func.func @conv_transpose_weight(%x: tensor<1x4x2x2xf32>, %x3: tensor<1x3x2x2xf32>)
    -> (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) {
  %w = spa.constant dense<1.0> : tensor<4x1x2x2xf32>
  %y = spa.conv_transpose2d %x, %w
      : (tensor<1x4x2x2xf32>, tensor<4x1x2x2xf32>) -> tensor<1x1x3x3xf32>
  %w3 = spa.constant dense<1.0> : tensor<3x1x2x2xf32>
  %y3 = spa.conv_transpose2d %x3, %w3
      : (tensor<1x3x2x2xf32>, tensor<3x1x2x2xf32>) -> tensor<1x1x3x3xf32>
  return %y, %y3 : tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>
}

// -----

// Not annotated: a constant that two contractions reduce along different
// dimensions, a constant no contraction multiplies, and a blob whose data
// was elided.
// CHECK-LABEL: func.func @skipped
// CHECK-NOT: spa.sparsity
func.func @skipped(%x: tensor<8x8xf32>) -> (tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) {
  %w = spa.constant dense<1.0> : tensor<8x8xf32>
  %0 = spa.matmul %x, %w : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32>
  %1 = spa.matmul %w, %x : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32>
  %c = spa.constant dense<2.0> : tensor<8x8xf32>
  %2 = spa.add %x, %c : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32>
  %e = spa.constant dense_resource<__elided__> : tensor<8x8xf32>
  %3 = spa.matmul %x, %e : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32>
  return %0, %1, %2, %3 : tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>
}
