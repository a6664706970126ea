// RUN: spc-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// spa.constant
//===----------------------------------------------------------------------===//

func.func @constant_type_mismatch() -> tensor<3xf32> {
  // expected-error @+1 {{failed to verify that all of {value, result} have same type}}
  %0 = "spa.constant"() <{value = dense<1.0> : tensor<4xf32>}> : () -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

//===----------------------------------------------------------------------===//
// spa.conv2d
//===----------------------------------------------------------------------===//

func.func @conv2d_input_rank(%x: tensor<3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{expects an NCHW input of rank 4, got 'tensor<3x8x8xf32>'}}
  %0 = spa.conv2d %x, %w : (tensor<3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_weight_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{expects an OIHW weight of rank 4, got 'tensor<4x3x3xf32>'}}
  %0 = spa.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_mixed_float_types(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf16>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{float operands, bias and result must share one element type}}
  %0 = spa.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf16>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_float_bias_type(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf16>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{float operands, bias and result must share one element type}}
  %0 = spa.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf16>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_int8_result_not_i32(%x: tensor<1x3x8x8xi8>, %w: tensor<4x3x3x3xi8>) -> tensor<1x4x6x6xi8> {
  // expected-error @+1 {{expects float operands, or 8-bit integer operands with a 32-bit integer result and bias}}
  %0 = spa.conv2d %x, %w : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi8>) -> tensor<1x4x6x6xi8>
  return %0 : tensor<1x4x6x6xi8>
}

// -----

func.func @conv2d_int8_bias_not_i32(%x: tensor<1x3x8x8xi8>, %w: tensor<4x3x3x3xi8>, %b: tensor<4xi8>) -> tensor<1x4x6x6xi32> {
  // expected-error @+1 {{expects float operands, or 8-bit integer operands with a 32-bit integer result and bias}}
  %0 = spa.conv2d %x, %w, %b : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi8>, tensor<4xi8>) -> tensor<1x4x6x6xi32>
  return %0 : tensor<1x4x6x6xi32>
}

// -----

func.func @conv2d_strides_count(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{attribute 'strides' failed to satisfy constraint: i64 dense array attribute with exactly 2 elements}}
  %0 = spa.conv2d %x, %w strides [1, 1, 1] : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_pads_count(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{attribute 'pads' failed to satisfy constraint: i64 dense array attribute with exactly 4 elements}}
  %0 = spa.conv2d %x, %w pads [1, 1] : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @conv2d_groups_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{attribute 'groups' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %0 = spa.conv2d %x, %w groups 0 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_zero_stride(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{strides must be positive}}
  %0 = spa.conv2d %x, %w strides [0, 1] : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_negative_pad(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{pads must be non-negative}}
  %0 = spa.conv2d %x, %w pads [0, -1, 0, 0] : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_zero_dilation(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{dilations must be positive}}
  %0 = spa.conv2d %x, %w dilations [1, 0] : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_channel_mismatch(%x: tensor<1x4x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{input has 4 channels, but the weight expects 3 per group x 1 groups}}
  %0 = spa.conv2d %x, %w : (tensor<1x4x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_grouped_channel_mismatch(%x: tensor<1x8x8x8xf32>, %w: tensor<8x2x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{input has 8 channels, but the weight expects 2 per group x 2 groups}}
  %0 = spa.conv2d %x, %w groups 2 : (tensor<1x8x8x8xf32>, tensor<8x2x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}

// -----

func.func @conv2d_filters_not_divisible_by_groups(%x: tensor<1x4x8x8xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32> {
  // expected-error @+1 {{output channels (3) are not divisible by groups (2)}}
  %0 = spa.conv2d %x, %w groups 2 : (tensor<1x4x8x8xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32>
  return %0 : tensor<1x3x6x6xf32>
}

// -----

func.func @conv2d_bias_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<5xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{bias has shape [5], expected [4]}}
  %0 = spa.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<5xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_kernel_larger_than_input(%x: tensor<1x3x2x2xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32> {
  // expected-error @+1 {{dilated kernel is larger than the padded input}}
  %0 = spa.conv2d %x, %w : (tensor<1x3x2x2xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32>
  return %0 : tensor<1x4x1x1xf32>
}

// -----

func.func @conv2d_dilated_kernel_larger_than_input(%x: tensor<1x3x4x4xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32> {
  // expected-error @+1 {{dilated kernel is larger than the padded input}}
  %0 = spa.conv2d %x, %w dilations [2, 2] : (tensor<1x3x4x4xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32>
  return %0 : tensor<1x4x1x1xf32>
}

// -----

func.func @conv2d_result_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x5x5xf32> {
  // expected-error @+1 {{result has shape [1, 4, 5, 5], expected [1, 4, 6, 6]}}
  %0 = spa.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x5x5xf32>
  return %0 : tensor<1x4x5x5xf32>
}

// -----

func.func @conv2d_strided_padded_result_shape(%x: tensor<1x3x224x224xf32>, %w: tensor<64x3x7x7xf32>) -> tensor<1x64x111x111xf32> {
  // expected-error @+1 {{result has shape [1, 64, 111, 111], expected [1, 64, 112, 112]}}
  %0 = spa.conv2d %x, %w strides [2, 2] pads [3, 3, 3, 3] : (tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>) -> tensor<1x64x111x111xf32>
  return %0 : tensor<1x64x111x111xf32>
}

// -----

//===----------------------------------------------------------------------===//
// spa.conv_transpose2d
//===----------------------------------------------------------------------===//

func.func @conv_transpose2d_input_rank(%x: tensor<4x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x10x10xf32> {
  // expected-error @+1 {{expects an NCHW input of rank 4, got 'tensor<4x8x8xf32>'}}
  %0 = spa.conv_transpose2d %x, %w : (tensor<4x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x10x10xf32>
  return %0 : tensor<1x2x10x10xf32>
}

// -----

func.func @conv_transpose2d_weight_rank(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3xf32>) -> tensor<1x2x10x10xf32> {
  // expected-error @+1 {{expects an IOHW weight of rank 4, got 'tensor<4x2x3xf32>'}}
  %0 = spa.conv_transpose2d %x, %w : (tensor<1x4x8x8xf32>, tensor<4x2x3xf32>) -> tensor<1x2x10x10xf32>
  return %0 : tensor<1x2x10x10xf32>
}

// -----

func.func @conv_transpose2d_mixed_float_types(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x10x10xbf16> {
  // expected-error @+1 {{float operands, bias and result must share one element type}}
  %0 = spa.conv_transpose2d %x, %w : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x10x10xbf16>
  return %0 : tensor<1x2x10x10xbf16>
}

// -----

func.func @conv_transpose2d_int16_operands(%x: tensor<1x4x8x8xi16>, %w: tensor<4x2x3x3xi16>) -> tensor<1x2x10x10xi32> {
  // expected-error @+1 {{expects float operands, or 8-bit integer operands with a 32-bit integer result and bias}}
  %0 = spa.conv_transpose2d %x, %w : (tensor<1x4x8x8xi16>, tensor<4x2x3x3xi16>) -> tensor<1x2x10x10xi32>
  return %0 : tensor<1x2x10x10xi32>
}

// -----

func.func @conv_transpose2d_output_padding_count(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x10x10xf32> {
  // expected-error @+1 {{attribute 'output_padding' failed to satisfy constraint: i64 dense array attribute with exactly 2 elements}}
  %0 = spa.conv_transpose2d %x, %w output_padding [0] : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x10x10xf32>
  return %0 : tensor<1x2x10x10xf32>
}

// -----

func.func @conv_transpose2d_zero_stride(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x10x10xf32> {
  // expected-error @+1 {{strides must be positive}}
  %0 = spa.conv_transpose2d %x, %w strides [1, 0] : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x10x10xf32>
  return %0 : tensor<1x2x10x10xf32>
}

// -----

func.func @conv_transpose2d_negative_pad(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x10x10xf32> {
  // expected-error @+1 {{pads must be non-negative}}
  %0 = spa.conv_transpose2d %x, %w pads [0, 0, -1, 0] : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x10x10xf32>
  return %0 : tensor<1x2x10x10xf32>
}

// -----

func.func @conv_transpose2d_zero_dilation(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x10x10xf32> {
  // expected-error @+1 {{dilations must be positive}}
  %0 = spa.conv_transpose2d %x, %w dilations [0, 1] : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x10x10xf32>
  return %0 : tensor<1x2x10x10xf32>
}

// -----

func.func @conv_transpose2d_negative_output_padding(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x10x10xf32> {
  // expected-error @+1 {{output_padding must be non-negative}}
  %0 = spa.conv_transpose2d %x, %w output_padding [-1, 0] : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x10x10xf32>
  return %0 : tensor<1x2x10x10xf32>
}

// -----

func.func @conv_transpose2d_output_padding_too_large(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x19x17xf32> {
  // expected-error @+1 {{output_padding must be smaller than the stride or the dilation}}
  %0 = spa.conv_transpose2d %x, %w strides [2, 2] output_padding [2, 0] : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x19x17xf32>
  return %0 : tensor<1x2x19x17xf32>
}

// -----

func.func @conv_transpose2d_channel_mismatch(%x: tensor<1x4x8x8xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x2x10x10xf32> {
  // expected-error @+1 {{input has 4 channels, but the weight expects 3}}
  %0 = spa.conv_transpose2d %x, %w : (tensor<1x4x8x8xf32>, tensor<3x2x3x3xf32>) -> tensor<1x2x10x10xf32>
  return %0 : tensor<1x2x10x10xf32>
}

// -----

func.func @conv_transpose2d_channels_not_divisible_by_groups(%x: tensor<1x3x8x8xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x4x10x10xf32> {
  // expected-error @+1 {{input channels (3) are not divisible by groups (2)}}
  %0 = spa.conv_transpose2d %x, %w groups 2 : (tensor<1x3x8x8xf32>, tensor<3x2x3x3xf32>) -> tensor<1x4x10x10xf32>
  return %0 : tensor<1x4x10x10xf32>
}

// -----

func.func @conv_transpose2d_bias_shape(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>, %b: tensor<3xf32>) -> tensor<1x2x10x10xf32> {
  // expected-error @+1 {{bias has shape [3], expected [2]}}
  %0 = spa.conv_transpose2d %x, %w, %b : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>, tensor<3xf32>) -> tensor<1x2x10x10xf32>
  return %0 : tensor<1x2x10x10xf32>
}

// -----

func.func @conv_transpose2d_grouped_bias_shape(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>, %b: tensor<2xf32>) -> tensor<1x4x10x10xf32> {
  // expected-error @+1 {{bias has shape [2], expected [4]}}
  %0 = spa.conv_transpose2d %x, %w, %b groups 2 : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>, tensor<2xf32>) -> tensor<1x4x10x10xf32>
  return %0 : tensor<1x4x10x10xf32>
}

// -----

func.func @conv_transpose2d_pads_remove_output(%x: tensor<1x4x1x1xf32>, %w: tensor<4x2x1x1xf32>) -> tensor<1x2x1x1xf32> {
  // expected-error @+1 {{pads remove the whole output}}
  %0 = spa.conv_transpose2d %x, %w pads [1, 0, 0, 0] : (tensor<1x4x1x1xf32>, tensor<4x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  return %0 : tensor<1x2x1x1xf32>
}

// -----

func.func @conv_transpose2d_result_shape(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x16x16xf32> {
  // expected-error @+1 {{result has shape [1, 2, 16, 16], expected [1, 2, 17, 17]}}
  %0 = spa.conv_transpose2d %x, %w strides [2, 2] : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x16x16xf32>
  return %0 : tensor<1x2x16x16xf32>
}

// -----

//===----------------------------------------------------------------------===//
// spa.matmul
//===----------------------------------------------------------------------===//

func.func @matmul_rank0_operand(%a: tensor<f32>, %b: tensor<4x5xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{operands must have rank 1 or more}}
  %0 = spa.matmul %a, %b : (tensor<f32>, tensor<4x5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @matmul_mixed_float_types(%a: tensor<4x8xf32>, %b: tensor<8x5xf16>) -> tensor<4x5xf32> {
  // expected-error @+1 {{float operands, bias and result must share one element type}}
  %0 = spa.matmul %a, %b : (tensor<4x8xf32>, tensor<8x5xf16>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @matmul_int8_result_not_i32(%a: tensor<4x8xi8>, %b: tensor<8x5xi8>) -> tensor<4x5xi8> {
  // expected-error @+1 {{expects float operands, or 8-bit integer operands with a 32-bit integer result and bias}}
  %0 = spa.matmul %a, %b : (tensor<4x8xi8>, tensor<8x5xi8>) -> tensor<4x5xi8>
  return %0 : tensor<4x5xi8>
}

// -----

func.func @matmul_contracting_mismatch(%a: tensor<4x8xf32>, %b: tensor<7x5xf32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{contracting dimensions differ: 8 vs 7}}
  %0 = spa.matmul %a, %b : (tensor<4x8xf32>, tensor<7x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @matmul_vector_contracting_mismatch(%a: tensor<8xf32>, %b: tensor<7xf32>) -> tensor<f32> {
  // expected-error @+1 {{contracting dimensions differ: 8 vs 7}}
  %0 = spa.matmul %a, %b : (tensor<8xf32>, tensor<7xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @matmul_batch_mismatch(%a: tensor<2x4x8xf32>, %b: tensor<3x8x5xf32>) -> tensor<2x4x5xf32> {
  // expected-error @+1 {{batch dimensions [2] and [3] do not broadcast}}
  %0 = spa.matmul %a, %b : (tensor<2x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x4x5xf32>
  return %0 : tensor<2x4x5xf32>
}

// -----

func.func @matmul_result_shape(%a: tensor<4x8xf32>, %b: tensor<8x5xf32>) -> tensor<4x6xf32> {
  // expected-error @+1 {{result has shape [4, 6], expected [4, 5]}}
  %0 = spa.matmul %a, %b : (tensor<4x8xf32>, tensor<8x5xf32>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

func.func @matmul_vector_lhs_result_shape(%a: tensor<8xf32>, %b: tensor<8x5xf32>) -> tensor<1x5xf32> {
  // expected-error @+1 {{result has shape [1, 5], expected [5]}}
  %0 = spa.matmul %a, %b : (tensor<8xf32>, tensor<8x5xf32>) -> tensor<1x5xf32>
  return %0 : tensor<1x5xf32>
}

// -----

func.func @matmul_broadcast_result_shape(%a: tensor<2x1x4x8xf32>, %b: tensor<3x8x5xf32>) -> tensor<2x4x5xf32> {
  // expected-error @+1 {{result has shape [2, 4, 5], expected [2, 3, 4, 5]}}
  %0 = spa.matmul %a, %b : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x4x5xf32>
  return %0 : tensor<2x4x5xf32>
}

// -----

//===----------------------------------------------------------------------===//
// spa.gemm
//===----------------------------------------------------------------------===//

func.func @gemm_a_rank(%a: tensor<1x4x8xf32>, %b: tensor<8x5xf32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{expects A of rank 2, got 'tensor<1x4x8xf32>'}}
  %0 = spa.gemm %a, %b : (tensor<1x4x8xf32>, tensor<8x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @gemm_b_rank(%a: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<4x1xf32> {
  // expected-error @+1 {{expects B of rank 2, got 'tensor<8xf32>'}}
  %0 = spa.gemm %a, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----

func.func @gemm_c_element_type(%a: tensor<4x8xf32>, %b: tensor<8x5xf32>, %c: tensor<5xf16>) -> tensor<4x5xf32> {
  // expected-error @+1 {{float operands, bias and result must share one element type}}
  %0 = spa.gemm %a, %b, %c : (tensor<4x8xf32>, tensor<8x5xf32>, tensor<5xf16>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @gemm_int8_with_float_rhs(%a: tensor<4x8xi8>, %b: tensor<8x5xf32>) -> tensor<4x5xi32> {
  // expected-error @+1 {{expects float operands, or 8-bit integer operands with a 32-bit integer result and bias}}
  %0 = spa.gemm %a, %b : (tensor<4x8xi8>, tensor<8x5xf32>) -> tensor<4x5xi32>
  return %0 : tensor<4x5xi32>
}

// -----

func.func @gemm_contracting_mismatch(%a: tensor<4x8xf32>, %b: tensor<5x7xf32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{contracting dimensions differ: 8 vs 7}}
  %0 = spa.gemm %a, %b trans_b : (tensor<4x8xf32>, tensor<5x7xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @gemm_c_not_broadcastable(%a: tensor<4x8xf32>, %b: tensor<8x5xf32>, %c: tensor<3xf32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{C of shape [3] does not broadcast to [4, 5]}}
  %0 = spa.gemm %a, %b, %c : (tensor<4x8xf32>, tensor<8x5xf32>, tensor<3xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @gemm_c_rank3(%a: tensor<4x8xf32>, %b: tensor<8x5xf32>, %c: tensor<1x4x5xf32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{C of shape [1, 4, 5] does not broadcast to [4, 5]}}
  %0 = spa.gemm %a, %b, %c : (tensor<4x8xf32>, tensor<8x5xf32>, tensor<1x4x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @gemm_result_shape(%a: tensor<8x4xf32>, %b: tensor<8x5xf32>) -> tensor<8x5xf32> {
  // expected-error @+1 {{result has shape [8, 5], expected [4, 5]}}
  %0 = spa.gemm %a, %b trans_a : (tensor<8x4xf32>, tensor<8x5xf32>) -> tensor<8x5xf32>
  return %0 : tensor<8x5xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Element-wise binary operations
//===----------------------------------------------------------------------===//

func.func @add_not_broadcastable(%a: tensor<4x3xf32>, %b: tensor<4x5xf32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{operands don't have broadcast-compatible shapes}}
  %0 = spa.add %a, %b : (tensor<4x3xf32>, tensor<4x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @sub_result_not_broadcast_shape(%a: tensor<4x1xf32>, %b: tensor<1x5xf32>) -> tensor<4x6xf32> {
  // expected-error @+1 {{result type '4x6' not broadcast compatible with broadcasted operands's shapes '4x5'}}
  %0 = spa.sub %a, %b : (tensor<4x1xf32>, tensor<1x5xf32>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

func.func @mul_element_type_mismatch(%a: tensor<4xf32>, %b: tensor<4xf16>) -> tensor<4xf32> {
  // expected-error @+1 {{requires the same element type for all operands and results}}
  %0 = spa.mul %a, %b : (tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @div_unranked_operand(%a: tensor<*xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point or integer values, but got 'tensor<*xf32>'}}
  %0 = spa.div %a, %b : (tensor<*xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// spa.prelu
//===----------------------------------------------------------------------===//

func.func @prelu_slope_not_broadcastable(%x: tensor<1x64x8x8xf32>, %s: tensor<32x1x1xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{slope of shape [32, 1, 1] does not broadcast to the input shape [1, 64, 8, 8]}}
  %0 = spa.prelu %x, %s : (tensor<1x64x8x8xf32>, tensor<32x1x1xf32>) -> tensor<1x64x8x8xf32>
  return %0 : tensor<1x64x8x8xf32>
}

// -----

func.func @prelu_slope_higher_rank(%x: tensor<8x8xf32>, %s: tensor<1x8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{slope of shape [1, 8, 8] does not broadcast to the input shape [8, 8]}}
  %0 = spa.prelu %x, %s : (tensor<8x8xf32>, tensor<1x8x8xf32>) -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @prelu_integer_input(%x: tensor<8xi32>, %s: tensor<8xi32>) -> tensor<8xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values, but got 'tensor<8xi32>'}}
  %0 = spa.prelu %x, %s : (tensor<8xi32>, tensor<8xi32>) -> tensor<8xi32>
  return %0 : tensor<8xi32>
}

// -----

//===----------------------------------------------------------------------===//
// spa.select
//===----------------------------------------------------------------------===//

func.func @select_not_broadcastable(%c: tensor<3xi1>, %a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{operands don't have broadcast-compatible shapes}}
  %0 = spa.select %c, %a, %b : (tensor<3xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @select_result_adds_dimensions(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{result has rank 2, but the operands broadcast to rank 1}}
  %0 = spa.select %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @select_value_types(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xf16>) -> tensor<4xf32> {
  // expected-error @+1 {{failed to verify that all of {true_value, false_value, result} have same element type}}
  %0 = spa.select %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @select_result_type(%c: tensor<4xi1>, %a: tensor<4xi64>, %b: tensor<4xi64>) -> tensor<4xi32> {
  // expected-error @+1 {{failed to verify that all of {true_value, false_value, result} have same element type}}
  %0 = spa.select %c, %a, %b : (tensor<4xi1>, tensor<4xi64>, tensor<4xi64>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @select_condition_not_i1(%c: tensor<4xi8>, %a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<4xi8>'}}
  %0 = spa.select %c, %a, %b : (tensor<4xi8>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Element-wise unary operations
//===----------------------------------------------------------------------===//

func.func @sigmoid_integer_input(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = spa.sigmoid %x : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @relu_type_mismatch(%x: tensor<4xf32>) -> tensor<4xf16> {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "spa.relu"(%x) : (tensor<4xf32>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

func.func @clip_min_greater_than_max(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{min 6.000000e+00 is greater than max 0.000000e+00}}
  %0 = spa.clip %x min 6.0 max 0.0 : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// spa.cast
//===----------------------------------------------------------------------===//

func.func @cast_result_shape(%x: tensor<2x3xf32>) -> tensor<3x2xi8> {
  // expected-error @+1 {{result has shape [3, 2], expected [2, 3]}}
  %0 = spa.cast %x : tensor<2x3xf32> -> tensor<3x2xi8>
  return %0 : tensor<3x2xi8>
}

// -----

func.func @cast_result_rank(%x: tensor<6xi1>) -> tensor<2x3xf32> {
  // expected-error @+1 {{result has shape [2, 3], expected [6]}}
  %0 = spa.cast %x : tensor<6xi1> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

func.func @softmax_axis_out_of_range(%x: tensor<1x12x128x128xf32>) -> tensor<1x12x128x128xf32> {
  // expected-error @+1 {{axis 4 is out of range for a rank-4 tensor}}
  %0 = spa.softmax %x axis 4 : tensor<1x12x128x128xf32>
  return %0 : tensor<1x12x128x128xf32>
}

// -----

func.func @softmax_negative_axis(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{axis -1 is out of range for a rank-2 tensor}}
  %0 = spa.softmax %x axis -1 : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @log_softmax_axis_out_of_range(%x: tensor<1x1000xf32>) -> tensor<1x1000xf32> {
  // expected-error @+1 {{axis 2 is out of range for a rank-2 tensor}}
  %0 = spa.log_softmax %x axis 2 : tensor<1x1000xf32>
  return %0 : tensor<1x1000xf32>
}

// -----

func.func @log_softmax_negative_axis(%x: tensor<1x1000xf32>) -> tensor<1x1000xf32> {
  // expected-error @+1 {{axis -1 is out of range for a rank-2 tensor}}
  %0 = spa.log_softmax %x axis -1 : tensor<1x1000xf32>
  return %0 : tensor<1x1000xf32>
}

// -----

func.func @log_softmax_integer(%x: tensor<1x1000xi32>) -> tensor<1x1000xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values, but got 'tensor<1x1000xi32>'}}
  %0 = spa.log_softmax %x axis 1 : tensor<1x1000xi32>
  return %0 : tensor<1x1000xi32>
}

// -----

func.func @layer_norm_axis_out_of_range(%x: tensor<1x128x768xf32>, %g: tensor<768xf32>) -> tensor<1x128x768xf32> {
  // expected-error @+1 {{axis 3 is out of range for a rank-3 tensor}}
  %0 = spa.layer_norm %x, %g axis 3 : (tensor<1x128x768xf32>, tensor<768xf32>) -> tensor<1x128x768xf32>
  return %0 : tensor<1x128x768xf32>
}

// -----

func.func @layer_norm_scale_shape(%x: tensor<1x128x768xf32>, %g: tensor<512xf32>) -> tensor<1x128x768xf32> {
  // expected-error @+1 {{scale has shape [512], expected [768]}}
  %0 = spa.layer_norm %x, %g axis 2 : (tensor<1x128x768xf32>, tensor<512xf32>) -> tensor<1x128x768xf32>
  return %0 : tensor<1x128x768xf32>
}

// -----

func.func @layer_norm_bias_shape(%x: tensor<1x128x768xf32>, %g: tensor<128x768xf32>, %b: tensor<768xf32>) -> tensor<1x128x768xf32> {
  // expected-error @+1 {{bias has shape [768], expected [128, 768]}}
  %0 = spa.layer_norm %x, %g, %b axis 1 : (tensor<1x128x768xf32>, tensor<128x768xf32>, tensor<768xf32>) -> tensor<1x128x768xf32>
  return %0 : tensor<1x128x768xf32>
}

// -----

func.func @layer_norm_element_type(%x: tensor<1x128x768xf32>, %g: tensor<768xf16>) -> tensor<1x128x768xf32> {
  // expected-error @+1 {{requires the same element type for all operands}}
  %0 = spa.layer_norm %x, %g axis 2 : (tensor<1x128x768xf32>, tensor<768xf16>) -> tensor<1x128x768xf32>
  return %0 : tensor<1x128x768xf32>
}

// -----

func.func @batch_norm_input_rank(%x: tensor<64xf32>, %s: tensor<64xf32>, %b: tensor<64xf32>, %m: tensor<64xf32>, %v: tensor<64xf32>) -> tensor<64xf32> {
  // expected-error @+1 {{expects an input of rank 2 or more, got 'tensor<64xf32>'}}
  %0 = spa.batch_norm %x, %s, %b, %m, %v : (tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<64xf32>
  return %0 : tensor<64xf32>
}

// -----

func.func @batch_norm_scale_shape(%x: tensor<1x64x8x8xf32>, %s: tensor<32xf32>, %b: tensor<64xf32>, %m: tensor<64xf32>, %v: tensor<64xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{scale has shape [32], expected [64]}}
  %0 = spa.batch_norm %x, %s, %b, %m, %v : (tensor<1x64x8x8xf32>, tensor<32xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x64x8x8xf32>
  return %0 : tensor<1x64x8x8xf32>
}

// -----

func.func @batch_norm_bias_shape(%x: tensor<1x64x8x8xf32>, %s: tensor<64xf32>, %b: tensor<1x64xf32>, %m: tensor<64xf32>, %v: tensor<64xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{bias has shape [1, 64], expected [64]}}
  %0 = spa.batch_norm %x, %s, %b, %m, %v : (tensor<1x64x8x8xf32>, tensor<64xf32>, tensor<1x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x64x8x8xf32>
  return %0 : tensor<1x64x8x8xf32>
}

// -----

func.func @batch_norm_mean_shape(%x: tensor<1x64x8x8xf32>, %s: tensor<64xf32>, %b: tensor<64xf32>, %m: tensor<8xf32>, %v: tensor<64xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{mean has shape [8], expected [64]}}
  %0 = spa.batch_norm %x, %s, %b, %m, %v : (tensor<1x64x8x8xf32>, tensor<64xf32>, tensor<64xf32>, tensor<8xf32>, tensor<64xf32>) -> tensor<1x64x8x8xf32>
  return %0 : tensor<1x64x8x8xf32>
}

// -----

func.func @batch_norm_variance_shape(%x: tensor<1x64x8x8xf32>, %s: tensor<64xf32>, %b: tensor<64xf32>, %m: tensor<64xf32>, %v: tensor<f32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{variance has shape [], expected [64]}}
  %0 = spa.batch_norm %x, %s, %b, %m, %v : (tensor<1x64x8x8xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<f32>) -> tensor<1x64x8x8xf32>
  return %0 : tensor<1x64x8x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

func.func @max_pool2d_input_rank(%x: tensor<64x8x8xf32>) -> tensor<1x64x4x4xf32> {
  // expected-error @+1 {{expects an NCHW input of rank 4, got 'tensor<64x8x8xf32>'}}
  %0 = spa.max_pool2d %x kernel [2, 2] strides [2, 2] : tensor<64x8x8xf32> -> tensor<1x64x4x4xf32>
  return %0 : tensor<1x64x4x4xf32>
}

// -----

func.func @max_pool2d_kernel_count(%x: tensor<1x64x8x8xf32>) -> tensor<1x64x4x4xf32> {
  // expected-error @+1 {{attribute 'kernel' failed to satisfy constraint: i64 dense array attribute with exactly 2 elements}}
  %0 = spa.max_pool2d %x kernel [2] : tensor<1x64x8x8xf32> -> tensor<1x64x4x4xf32>
  return %0 : tensor<1x64x4x4xf32>
}

// -----

func.func @max_pool2d_zero_kernel(%x: tensor<1x64x8x8xf32>) -> tensor<1x64x8x7xf32> {
  // expected-error @+1 {{kernel must be positive}}
  %0 = spa.max_pool2d %x kernel [0, 2] : tensor<1x64x8x8xf32> -> tensor<1x64x8x7xf32>
  return %0 : tensor<1x64x8x7xf32>
}

// -----

func.func @max_pool2d_zero_stride(%x: tensor<1x64x8x8xf32>) -> tensor<1x64x4x4xf32> {
  // expected-error @+1 {{strides must be positive}}
  %0 = spa.max_pool2d %x kernel [2, 2] strides [2, -2] : tensor<1x64x8x8xf32> -> tensor<1x64x4x4xf32>
  return %0 : tensor<1x64x4x4xf32>
}

// -----

func.func @max_pool2d_negative_pad(%x: tensor<1x64x8x8xf32>) -> tensor<1x64x4x4xf32> {
  // expected-error @+1 {{pads must be non-negative}}
  %0 = spa.max_pool2d %x kernel [2, 2] strides [2, 2] pads [-1, 0, 0, 0] : tensor<1x64x8x8xf32> -> tensor<1x64x4x4xf32>
  return %0 : tensor<1x64x4x4xf32>
}

// -----

func.func @max_pool2d_zero_dilation(%x: tensor<1x64x8x8xf32>) -> tensor<1x64x4x4xf32> {
  // expected-error @+1 {{dilations must be positive}}
  %0 = spa.max_pool2d %x kernel [2, 2] strides [2, 2] dilations [0, 0] : tensor<1x64x8x8xf32> -> tensor<1x64x4x4xf32>
  return %0 : tensor<1x64x4x4xf32>
}

// -----

func.func @max_pool2d_pads_not_smaller_than_kernel(%x: tensor<1x64x8x8xf32>) -> tensor<1x64x7x5xf32> {
  // expected-error @+1 {{pads must be smaller than the kernel}}
  %0 = spa.max_pool2d %x kernel [3, 3] strides [2, 2] pads [1, 1, 1, 3] : tensor<1x64x8x8xf32> -> tensor<1x64x7x5xf32>
  return %0 : tensor<1x64x7x5xf32>
}

// -----

func.func @max_pool2d_kernel_larger_than_input(%x: tensor<1x64x2x2xf32>) -> tensor<1x64x1x1xf32> {
  // expected-error @+1 {{kernel is larger than the padded input}}
  %0 = spa.max_pool2d %x kernel [3, 3] : tensor<1x64x2x2xf32> -> tensor<1x64x1x1xf32>
  return %0 : tensor<1x64x1x1xf32>
}

// -----

func.func @max_pool2d_result_shape(%x: tensor<1x64x112x112xf32>) -> tensor<1x64x55x55xf32> {
  // expected-error @+1 {{result has shape [1, 64, 55, 55], expected [1, 64, 56, 56]}}
  %0 = spa.max_pool2d %x kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] : tensor<1x64x112x112xf32> -> tensor<1x64x55x55xf32>
  return %0 : tensor<1x64x55x55xf32>
}

// -----

func.func @max_pool2d_ceil_mode_result_shape(%x: tensor<1x64x6x6xf32>) -> tensor<1x64x2x2xf32> {
  // expected-error @+1 {{result has shape [1, 64, 2, 2], expected [1, 64, 3, 3]}}
  %0 = spa.max_pool2d %x kernel [3, 3] strides [2, 2] ceil_mode : tensor<1x64x6x6xf32> -> tensor<1x64x2x2xf32>
  return %0 : tensor<1x64x2x2xf32>
}

// -----

func.func @max_pool2d_element_type(%x: tensor<1x64x8x8xf32>) -> tensor<1x64x4x4xf16> {
  // expected-error @+1 {{requires the same element type for all operands and results}}
  %0 = spa.max_pool2d %x kernel [2, 2] strides [2, 2] : tensor<1x64x8x8xf32> -> tensor<1x64x4x4xf16>
  return %0 : tensor<1x64x4x4xf16>
}

// -----

func.func @avg_pool2d_integer_input(%x: tensor<1x64x8x8xi32>) -> tensor<1x64x4x4xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values, but got 'tensor<1x64x8x8xi32>'}}
  %0 = spa.avg_pool2d %x kernel [2, 2] strides [2, 2] : tensor<1x64x8x8xi32> -> tensor<1x64x4x4xi32>
  return %0 : tensor<1x64x4x4xi32>
}

// -----

func.func @avg_pool2d_input_rank(%x: tensor<1x64x8xf32>) -> tensor<1x64x4x4xf32> {
  // expected-error @+1 {{expects an NCHW input of rank 4, got 'tensor<1x64x8xf32>'}}
  %0 = spa.avg_pool2d %x kernel [2, 2] strides [2, 2] : tensor<1x64x8xf32> -> tensor<1x64x4x4xf32>
  return %0 : tensor<1x64x4x4xf32>
}

// -----

func.func @avg_pool2d_zero_kernel(%x: tensor<1x64x8x8xf32>) -> tensor<1x64x4x4xf32> {
  // expected-error @+1 {{kernel must be positive}}
  %0 = spa.avg_pool2d %x kernel [2, 0] strides [2, 2] : tensor<1x64x8x8xf32> -> tensor<1x64x4x4xf32>
  return %0 : tensor<1x64x4x4xf32>
}

// -----

func.func @avg_pool2d_pads_count(%x: tensor<1x64x8x8xf32>) -> tensor<1x64x4x4xf32> {
  // expected-error @+1 {{attribute 'pads' failed to satisfy constraint: i64 dense array attribute with exactly 4 elements}}
  %0 = spa.avg_pool2d %x kernel [2, 2] strides [2, 2] pads [0, 0] : tensor<1x64x8x8xf32> -> tensor<1x64x4x4xf32>
  return %0 : tensor<1x64x4x4xf32>
}

// -----

func.func @avg_pool2d_pads_not_smaller_than_kernel(%x: tensor<1x64x8x8xf32>) -> tensor<1x64x5x5xf32> {
  // expected-error @+1 {{pads must be smaller than the kernel}}
  %0 = spa.avg_pool2d %x kernel [2, 2] strides [2, 2] pads [2, 2, 0, 0] : tensor<1x64x8x8xf32> -> tensor<1x64x5x5xf32>
  return %0 : tensor<1x64x5x5xf32>
}

// -----

func.func @avg_pool2d_kernel_larger_than_input(%x: tensor<1x64x8x1xf32>) -> tensor<1x64x4x1xf32> {
  // expected-error @+1 {{kernel is larger than the padded input}}
  %0 = spa.avg_pool2d %x kernel [2, 2] strides [2, 2] : tensor<1x64x8x1xf32> -> tensor<1x64x4x1xf32>
  return %0 : tensor<1x64x4x1xf32>
}

// -----

func.func @avg_pool2d_result_shape(%x: tensor<1x64x56x56xf32>) -> tensor<1x64x27x27xf32> {
  // expected-error @+1 {{result has shape [1, 64, 27, 27], expected [1, 64, 28, 28]}}
  %0 = spa.avg_pool2d %x kernel [2, 2] strides [2, 2] : tensor<1x64x56x56xf32> -> tensor<1x64x27x27xf32>
  return %0 : tensor<1x64x27x27xf32>
}

// -----

func.func @global_avg_pool2d_input_rank(%x: tensor<2048x7x7xf32>) -> tensor<1x2048x1x1xf32> {
  // expected-error @+1 {{expects an NCHW input of rank 4, got 'tensor<2048x7x7xf32>'}}
  %0 = spa.global_avg_pool2d %x : tensor<2048x7x7xf32> -> tensor<1x2048x1x1xf32>
  return %0 : tensor<1x2048x1x1xf32>
}

// -----

func.func @global_avg_pool2d_result_shape(%x: tensor<1x2048x7x7xf32>) -> tensor<1x2048xf32> {
  // expected-error @+1 {{result has shape [1, 2048], expected [1, 2048, 1, 1]}}
  %0 = spa.global_avg_pool2d %x : tensor<1x2048x7x7xf32> -> tensor<1x2048xf32>
  return %0 : tensor<1x2048xf32>
}

// -----

func.func @global_max_pool2d_input_rank(%x: tensor<1x2048x49xf32>) -> tensor<1x2048x1x1xf32> {
  // expected-error @+1 {{expects an NCHW input of rank 4, got 'tensor<1x2048x49xf32>'}}
  %0 = spa.global_max_pool2d %x : tensor<1x2048x49xf32> -> tensor<1x2048x1x1xf32>
  return %0 : tensor<1x2048x1x1xf32>
}

// -----

func.func @global_max_pool2d_result_shape(%x: tensor<1x2048x7x7xf32>) -> tensor<1x1024x1x1xf32> {
  // expected-error @+1 {{result has shape [1, 1024, 1, 1], expected [1, 2048, 1, 1]}}
  %0 = spa.global_max_pool2d %x : tensor<1x2048x7x7xf32> -> tensor<1x1024x1x1xf32>
  return %0 : tensor<1x1024x1x1xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

func.func @reduce_mean_empty_axes(%x: tensor<1x64x8x8xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{axes must not be empty}}
  %0 = spa.reduce_mean %x axes [] : tensor<1x64x8x8xf32> -> tensor<1x64x8x8xf32>
  return %0 : tensor<1x64x8x8xf32>
}

// -----

func.func @reduce_sum_axis_out_of_range(%x: tensor<1x64x8x8xf32>) -> tensor<1x64x8xf32> {
  // expected-error @+1 {{axis 4 is out of range for a rank-4 tensor}}
  %0 = spa.reduce_sum %x axes [4] : tensor<1x64x8x8xf32> -> tensor<1x64x8xf32>
  return %0 : tensor<1x64x8xf32>
}

// -----

func.func @reduce_sum_negative_axis(%x: tensor<1x64x8x8xf32>) -> tensor<1x64x8xf32> {
  // expected-error @+1 {{axis -1 is out of range for a rank-4 tensor}}
  %0 = spa.reduce_sum %x axes [-1] : tensor<1x64x8x8xf32> -> tensor<1x64x8xf32>
  return %0 : tensor<1x64x8xf32>
}

// -----

func.func @reduce_max_unsorted_axes(%x: tensor<1x64x8x8xf32>) -> tensor<1x64xf32> {
  // expected-error @+1 {{axes must be sorted and unique}}
  %0 = spa.reduce_max %x axes [3, 2] : tensor<1x64x8x8xf32> -> tensor<1x64xf32>
  return %0 : tensor<1x64xf32>
}

// -----

func.func @reduce_max_duplicate_axes(%x: tensor<1x64x8x8xf32>) -> tensor<1x64x8xf32> {
  // expected-error @+1 {{axes must be sorted and unique}}
  %0 = spa.reduce_max %x axes [2, 2] : tensor<1x64x8x8xf32> -> tensor<1x64x8xf32>
  return %0 : tensor<1x64x8xf32>
}

// -----

func.func @reduce_mean_keepdims_result_shape(%x: tensor<1x64x8x8xf32>) -> tensor<1x64xf32> {
  // expected-error @+1 {{result has shape [1, 64], expected [1, 64, 1, 1]}}
  %0 = spa.reduce_mean %x axes [2, 3] keepdims : tensor<1x64x8x8xf32> -> tensor<1x64xf32>
  return %0 : tensor<1x64xf32>
}

// -----

func.func @reduce_sum_result_shape(%x: tensor<1x64x8x8xf32>) -> tensor<1x64x1x1xf32> {
  // expected-error @+1 {{result has shape [1, 64, 1, 1], expected [1, 64]}}
  %0 = spa.reduce_sum %x axes [2, 3] : tensor<1x64x8x8xf32> -> tensor<1x64x1x1xf32>
  return %0 : tensor<1x64x1x1xf32>
}

// -----

func.func @reduce_min_axis_out_of_range(%x: tensor<1x64x8x8xf32>) -> tensor<1x64x8xf32> {
  // expected-error @+1 {{axis 4 is out of range for a rank-4 tensor}}
  %0 = spa.reduce_min %x axes [4] : tensor<1x64x8x8xf32> -> tensor<1x64x8xf32>
  return %0 : tensor<1x64x8xf32>
}

// -----

func.func @reduce_min_result_shape(%x: tensor<1x64x8x8xf32>) -> tensor<1x64x8xf32> {
  // expected-error @+1 {{result has shape [1, 64, 8], expected [1, 64, 8, 1]}}
  %0 = spa.reduce_min %x axes [3] keepdims : tensor<1x64x8x8xf32> -> tensor<1x64x8xf32>
  return %0 : tensor<1x64x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// spa.transpose
//===----------------------------------------------------------------------===//

func.func @transpose_repeated_perm(%x: tensor<2x3x4xf32>) -> tensor<2x2x3xf32> {
  // expected-error @+1 {{perm [0, 0, 1] is not a permutation of the 3 input dimensions}}
  %0 = spa.transpose %x perm [0, 0, 1] : tensor<2x3x4xf32> -> tensor<2x2x3xf32>
  return %0 : tensor<2x2x3xf32>
}

// -----

func.func @transpose_perm_length(%x: tensor<2x3x4xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{perm [1, 0] is not a permutation of the 3 input dimensions}}
  %0 = spa.transpose %x perm [1, 0] : tensor<2x3x4xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_perm_out_of_range(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{perm [2, 0] is not a permutation of the 2 input dimensions}}
  %0 = spa.transpose %x perm [2, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_result_shape(%x: tensor<1x128x12x64xf32>) -> tensor<1x128x12x64xf32> {
  // expected-error @+1 {{result has shape [1, 128, 12, 64], expected [1, 12, 128, 64]}}
  %0 = spa.transpose %x perm [0, 2, 1, 3] : tensor<1x128x12x64xf32> -> tensor<1x128x12x64xf32>
  return %0 : tensor<1x128x12x64xf32>
}

// -----

//===----------------------------------------------------------------------===//
// spa.reshape
//===----------------------------------------------------------------------===//

func.func @reshape_element_count(%x: tensor<2x3xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{cannot reshape 6 elements into 7}}
  %0 = spa.reshape %x : tensor<2x3xf32> -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

func.func @reshape_element_type(%x: tensor<2x3xf32>) -> tensor<6xi32> {
  // expected-error @+1 {{requires the same element type for all operands and results}}
  %0 = spa.reshape %x : tensor<2x3xf32> -> tensor<6xi32>
  return %0 : tensor<6xi32>
}

// -----

//===----------------------------------------------------------------------===//
// spa.concat
//===----------------------------------------------------------------------===//

func.func @concat_no_inputs() -> tensor<4xf32> {
  // The SameOperandsAndResultElementType trait rejects an empty operand list.
  // expected-error @+1 {{expected 1 or more operands, but found 0}}
  %0 = spa.concat axis 0 : () -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @concat_axis_out_of_range(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{axis 2 is out of range for a rank-2 tensor}}
  %0 = spa.concat %a, %b axis 2 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @concat_rank_mismatch(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{inputs must all have rank 2, got 'tensor<3xf32>'}}
  %0 = spa.concat %a, %b axis 1 : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @concat_dim_mismatch(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{input 'tensor<2x4xf32>' differs from the result in dimension 1}}
  %0 = spa.concat %a, %b axis 0 : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @concat_result_shape(%a: tensor<1x64x28x28xf32>, %b: tensor<1x32x28x28xf32>) -> tensor<1x64x28x28xf32> {
  // expected-error @+1 {{result has shape [1, 64, 28, 28], expected [1, 96, 28, 28]}}
  %0 = spa.concat %a, %b axis 1 : (tensor<1x64x28x28xf32>, tensor<1x32x28x28xf32>) -> tensor<1x64x28x28xf32>
  return %0 : tensor<1x64x28x28xf32>
}

// -----

func.func @concat_element_type(%a: tensor<2x3xf32>, %b: tensor<2x3xi32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{requires the same element type for all operands and results}}
  %0 = spa.concat %a, %b axis 0 : (tensor<2x3xf32>, tensor<2x3xi32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

//===----------------------------------------------------------------------===//
// spa.slice
//===----------------------------------------------------------------------===//

func.func @slice_starts_count(%x: tensor<8x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{expects one start and one step per dimension (2)}}
  %0 = spa.slice %x starts [0] steps [2, 1] : tensor<8x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @slice_steps_count(%x: tensor<8x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{expects one start and one step per dimension (2)}}
  %0 = spa.slice %x starts [0, 0] steps [2, 1, 1] : tensor<8x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @slice_result_rank(%x: tensor<8x8xf32>) -> tensor<32xf32> {
  // expected-error @+1 {{result must have rank 2}}
  %0 = spa.slice %x starts [0, 0] steps [2, 1] : tensor<8x8xf32> -> tensor<32xf32>
  return %0 : tensor<32xf32>
}

// -----

func.func @slice_zero_step(%x: tensor<8x8xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{step of dimension 1 is zero}}
  %0 = spa.slice %x starts [0, 0] steps [1, 0] : tensor<8x8xf32> -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

func.func @slice_past_end(%x: tensor<8xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{dimension 0 reads indices 2 to 8, outside [0, 8)}}
  %0 = spa.slice %x starts [2] steps [2] : tensor<8xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @slice_negative_step_past_start(%x: tensor<4x8xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{dimension 1 reads indices 5 to -1, outside [0, 8)}}
  %0 = spa.slice %x starts [0, 5] steps [1, -2] : tensor<4x8xf32> -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @slice_negative_start(%x: tensor<8xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{dimension 0 reads indices -1 to 0, outside [0, 8)}}
  %0 = spa.slice %x starts [-1] steps [1] : tensor<8xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

//===----------------------------------------------------------------------===//
// spa.pad
//===----------------------------------------------------------------------===//

func.func @pad_count(%x: tensor<3x4xf32>) -> tensor<5x4xf32> {
  // expected-error @+1 {{expects 4 pads, got 2}}
  %0 = spa.pad %x pads [1, 1] : tensor<3x4xf32> -> tensor<5x4xf32>
  return %0 : tensor<5x4xf32>
}

// -----

func.func @pad_negative(%x: tensor<3x4xf32>) -> tensor<3x3xf32> {
  // expected-error @+1 {{pads must be non-negative}}
  %0 = spa.pad %x pads [0, 0, 0, -1] : tensor<3x4xf32> -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @pad_reflect_too_wide(%x: tensor<1x3xf32>) -> tensor<1x6xf32> {
  // expected-error @+1 {{reflect padding of dimension 1 must be smaller than its extent 3}}
  %0 = spa.pad %x pads [0, 3, 0, 0] mode reflect : tensor<1x3xf32> -> tensor<1x6xf32>
  return %0 : tensor<1x6xf32>
}

// -----

func.func @pad_result_shape(%x: tensor<1x3x224x224xf32>) -> tensor<1x3x225x226xf32> {
  // expected-error @+1 {{result has shape [1, 3, 225, 226], expected [1, 3, 226, 226]}}
  %0 = spa.pad %x pads [0, 0, 1, 1, 0, 0, 1, 1] : tensor<1x3x224x224xf32> -> tensor<1x3x225x226xf32>
  return %0 : tensor<1x3x225x226xf32>
}

// -----

//===----------------------------------------------------------------------===//
// spa.expand
//===----------------------------------------------------------------------===//

func.func @expand_result_rank(%x: tensor<2x3xf32>) -> tensor<6xf32> {
  // expected-error @+1 {{result rank 1 is smaller than the input rank 2}}
  %0 = spa.expand %x : tensor<2x3xf32> -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

func.func @expand_not_broadcastable(%x: tensor<3x4xf32>) -> tensor<2x5x4xf32> {
  // expected-error @+1 {{input of shape [3, 4] does not broadcast to the result shape [2, 5, 4]}}
  %0 = spa.expand %x : tensor<3x4xf32> -> tensor<2x5x4xf32>
  return %0 : tensor<2x5x4xf32>
}

// -----

// ONNX broadcasts a target extent of 1 up to the input's, but the result type
// holds that broadcast shape, so it never shrinks the input.
func.func @expand_shrinks(%x: tensor<3x4xf32>) -> tensor<3x1xf32> {
  // expected-error @+1 {{input of shape [3, 4] does not broadcast to the result shape [3, 1]}}
  %0 = spa.expand %x : tensor<3x4xf32> -> tensor<3x1xf32>
  return %0 : tensor<3x1xf32>
}

// -----

func.func @expand_element_type(%x: tensor<4xf32>) -> tensor<2x4xf16> {
  // expected-error @+1 {{requires the same element type for all operands and results}}
  %0 = spa.expand %x : tensor<4xf32> -> tensor<2x4xf16>
  return %0 : tensor<2x4xf16>
}

// -----

//===----------------------------------------------------------------------===//
// spa.tile
//===----------------------------------------------------------------------===//

func.func @tile_repeats_count(%x: tensor<2x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{expects one repeat per dimension (2)}}
  %0 = spa.tile %x repeats [2] : tensor<2x3xf32> -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @tile_zero_repeat(%x: tensor<2x3xf32>) -> tensor<0x3xf32> {
  // expected-error @+1 {{repeats must be positive}}
  %0 = spa.tile %x repeats [0, 1] : tensor<2x3xf32> -> tensor<0x3xf32>
  return %0 : tensor<0x3xf32>
}

// -----

func.func @tile_result_shape(%x: tensor<2x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{result has shape [4, 3], expected [4, 6]}}
  %0 = spa.tile %x repeats [2, 2] : tensor<2x3xf32> -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @tile_result_rank(%x: tensor<2x3xf32>) -> tensor<12xf32> {
  // expected-error @+1 {{result has shape [12], expected [4, 3]}}
  %0 = spa.tile %x repeats [2, 1] : tensor<2x3xf32> -> tensor<12xf32>
  return %0 : tensor<12xf32>
}

// -----

//===----------------------------------------------------------------------===//
// spa.resize
//===----------------------------------------------------------------------===//

func.func @resize_result_rank(%x: tensor<1x3x8x8xf32>) -> tensor<3x16x16xf32> {
  // expected-error @+1 {{result must have the input's rank 4}}
  %0 = spa.resize %x nearest : tensor<1x3x8x8xf32> -> tensor<3x16x16xf32>
  return %0 : tensor<3x16x16xf32>
}

// -----

func.func @resize_linear_integer(%x: tensor<1x3x8x8xi8>) -> tensor<1x3x16x16xi8> {
  // expected-error @+1 {{linear resize needs float elements}}
  %0 = spa.resize %x linear : tensor<1x3x8x8xi8> -> tensor<1x3x16x16xi8>
  return %0 : tensor<1x3x16x16xi8>
}

// -----

func.func @resize_scales_count(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x16x16xf32> {
  // expected-error @+1 {{expects one scale per dimension (4)}}
  %0 = spa.resize %x nearest scales [2.0, 2.0] : tensor<1x3x8x8xf32> -> tensor<1x3x16x16xf32>
  return %0 : tensor<1x3x16x16xf32>
}

// -----

func.func @resize_zero_scale(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x16x16xf32> {
  // expected-error @+1 {{scales must be positive}}
  %0 = spa.resize %x nearest scales [1.0, 1.0, 0.0, 2.0] : tensor<1x3x8x8xf32> -> tensor<1x3x16x16xf32>
  return %0 : tensor<1x3x16x16xf32>
}

// -----

func.func @resize_result_shape(%x: tensor<1x256x13x13xf32>) -> tensor<1x256x26x27xf32> {
  // expected-error @+1 {{result has shape [1, 256, 26, 27], expected [1, 256, 26, 26]}}
  %0 = spa.resize %x nearest coordinate_transform asymmetric nearest_rounding floor scales [1.0, 1.0, 2.0, 2.0] : tensor<1x256x13x13xf32> -> tensor<1x256x26x27xf32>
  return %0 : tensor<1x256x26x27xf32>
}

// -----

//===----------------------------------------------------------------------===//
// spa.gather
//===----------------------------------------------------------------------===//

func.func @gather_axis_out_of_range(%t: tensor<100x16xf32>, %i: tensor<4xi64>) -> tensor<4x16xf32> {
  // expected-error @+1 {{axis 2 is out of range for a rank-2 tensor}}
  %0 = spa.gather %t[%i] axis 2 : (tensor<100x16xf32>, tensor<4xi64>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

func.func @gather_element_type(%t: tensor<100x16xf32>, %i: tensor<4xi64>) -> tensor<4x16xf16> {
  // expected-error @+1 {{result element type must match the data}}
  %0 = spa.gather %t[%i] axis 0 : (tensor<100x16xf32>, tensor<4xi64>) -> tensor<4x16xf16>
  return %0 : tensor<4x16xf16>
}

// -----

func.func @gather_result_shape(%t: tensor<30522x768xf32>, %i: tensor<1x128xi64>) -> tensor<128x768xf32> {
  // expected-error @+1 {{result has shape [128, 768], expected [1, 128, 768]}}
  %0 = spa.gather %t[%i] axis 0 : (tensor<30522x768xf32>, tensor<1x128xi64>) -> tensor<128x768xf32>
  return %0 : tensor<128x768xf32>
}

// -----

func.func @gather_float_indices(%t: tensor<100x16xf32>, %i: tensor<4xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<4xf32>'}}
  %0 = spa.gather %t[%i] axis 0 : (tensor<100x16xf32>, tensor<4xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

//===----------------------------------------------------------------------===//
// spa.quantize / spa.dequantize
//===----------------------------------------------------------------------===//

func.func @quantize_zero_point_type(%x: tensor<1x64x8x8xf32>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<1x64x8x8xi8> {
  // expected-error @+1 {{zero point element type must match the result}}
  %0 = spa.quantize %x, %s, %z : (tensor<1x64x8x8xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x64x8x8xi8>
  return %0 : tensor<1x64x8x8xi8>
}

// -----

func.func @quantize_result_shape(%x: tensor<1x64x8x8xf32>, %s: tensor<f32>, %z: tensor<i8>) -> tensor<1x64x8xi8> {
  // expected-error @+1 {{result has shape [1, 64, 8], expected [1, 64, 8, 8]}}
  %0 = spa.quantize %x, %s, %z : (tensor<1x64x8x8xf32>, tensor<f32>, tensor<i8>) -> tensor<1x64x8xi8>
  return %0 : tensor<1x64x8xi8>
}

// -----

func.func @quantize_scale_rank(%x: tensor<1x64x8x8xf32>, %s: tensor<1x64xf32>, %z: tensor<1x64xi8>) -> tensor<1x64x8x8xi8> {
  // expected-error @+1 {{scale must be a scalar or 1-D, got 'tensor<1x64xf32>'}}
  %0 = spa.quantize %x, %s, %z : (tensor<1x64x8x8xf32>, tensor<1x64xf32>, tensor<1x64xi8>) -> tensor<1x64x8x8xi8>
  return %0 : tensor<1x64x8x8xi8>
}

// -----

func.func @quantize_zero_point_shape(%x: tensor<1x64x8x8xf32>, %s: tensor<64xf32>, %z: tensor<i8>) -> tensor<1x64x8x8xi8> {
  // expected-error @+1 {{zero point has shape [], expected [64]}}
  %0 = spa.quantize %x, %s, %z : (tensor<1x64x8x8xf32>, tensor<64xf32>, tensor<i8>) -> tensor<1x64x8x8xi8>
  return %0 : tensor<1x64x8x8xi8>
}

// -----

func.func @quantize_axis_out_of_range(%x: tensor<1x64x8x8xf32>, %s: tensor<64xf32>, %z: tensor<64xi8>) -> tensor<1x64x8x8xi8> {
  // expected-error @+1 {{axis 4 is out of range for a rank-4 tensor}}
  %0 = spa.quantize %x, %s, %z axis 4 : (tensor<1x64x8x8xf32>, tensor<64xf32>, tensor<64xi8>) -> tensor<1x64x8x8xi8>
  return %0 : tensor<1x64x8x8xi8>
}

// -----

func.func @quantize_per_channel_scale_shape(%x: tensor<1x64x8x8xf32>, %s: tensor<32xf32>, %z: tensor<32xi8>) -> tensor<1x64x8x8xi8> {
  // expected-error @+1 {{per-channel scale has shape [32], expected [64]}}
  %0 = spa.quantize %x, %s, %z : (tensor<1x64x8x8xf32>, tensor<32xf32>, tensor<32xi8>) -> tensor<1x64x8x8xi8>
  return %0 : tensor<1x64x8x8xi8>
}

// -----

func.func @quantize_float_result(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<i8>) -> tensor<4xf32> {
  // expected-error @+1 {{result #0 must be ranked tensor of 8-bit signless integer or 8-bit unsigned integer or 8-bit signed integer values, but got 'tensor<4xf32>'}}
  %0 = spa.quantize %x, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @dequantize_zero_point_type(%q: tensor<64x3x3x3xi8>, %s: tensor<64xf32>, %z: tensor<64xui8>) -> tensor<64x3x3x3xf32> {
  // expected-error @+1 {{zero point element type must match the input}}
  %0 = spa.dequantize %q, %s, %z axis 0 : (tensor<64x3x3x3xi8>, tensor<64xf32>, tensor<64xui8>) -> tensor<64x3x3x3xf32>
  return %0 : tensor<64x3x3x3xf32>
}

// -----

func.func @dequantize_scale_type(%q: tensor<64x3x3x3xi8>, %s: tensor<64xf16>, %z: tensor<64xi8>) -> tensor<64x3x3x3xf32> {
  // expected-error @+1 {{scale element type must match the result}}
  %0 = spa.dequantize %q, %s, %z axis 0 : (tensor<64x3x3x3xi8>, tensor<64xf16>, tensor<64xi8>) -> tensor<64x3x3x3xf32>
  return %0 : tensor<64x3x3x3xf32>
}

// -----

func.func @dequantize_result_shape(%q: tensor<64x3x3x3xi8>, %s: tensor<64xf32>, %z: tensor<64xi8>) -> tensor<64x27xf32> {
  // expected-error @+1 {{result has shape [64, 27], expected [64, 3, 3, 3]}}
  %0 = spa.dequantize %q, %s, %z axis 0 : (tensor<64x3x3x3xi8>, tensor<64xf32>, tensor<64xi8>) -> tensor<64x27xf32>
  return %0 : tensor<64x27xf32>
}

// -----

func.func @dequantize_scale_rank(%q: tensor<64x3x3x3xi8>, %s: tensor<64x1xf32>, %z: tensor<64x1xi8>) -> tensor<64x3x3x3xf32> {
  // expected-error @+1 {{scale must be a scalar or 1-D, got 'tensor<64x1xf32>'}}
  %0 = spa.dequantize %q, %s, %z axis 0 : (tensor<64x3x3x3xi8>, tensor<64x1xf32>, tensor<64x1xi8>) -> tensor<64x3x3x3xf32>
  return %0 : tensor<64x3x3x3xf32>
}

// -----

func.func @dequantize_zero_point_shape(%q: tensor<64x3x3x3xi8>, %s: tensor<f32>, %z: tensor<64xi8>) -> tensor<64x3x3x3xf32> {
  // expected-error @+1 {{zero point has shape [64], expected []}}
  %0 = spa.dequantize %q, %s, %z axis 0 : (tensor<64x3x3x3xi8>, tensor<f32>, tensor<64xi8>) -> tensor<64x3x3x3xf32>
  return %0 : tensor<64x3x3x3xf32>
}

// -----

func.func @dequantize_negative_axis(%q: tensor<64x3x3x3xi8>, %s: tensor<64xf32>, %z: tensor<64xi8>) -> tensor<64x3x3x3xf32> {
  // expected-error @+1 {{axis -4 is out of range for a rank-4 tensor}}
  %0 = spa.dequantize %q, %s, %z axis -4 : (tensor<64x3x3x3xi8>, tensor<64xf32>, tensor<64xi8>) -> tensor<64x3x3x3xf32>
  return %0 : tensor<64x3x3x3xf32>
}

// -----

func.func @dequantize_per_channel_scale_shape(%q: tensor<64x3x3x3xi8>, %s: tensor<3xf32>, %z: tensor<3xi8>) -> tensor<64x3x3x3xf32> {
  // expected-error @+1 {{per-channel scale has shape [3], expected [64]}}
  %0 = spa.dequantize %q, %s, %z axis 0 : (tensor<64x3x3x3xi8>, tensor<3xf32>, tensor<3xi8>) -> tensor<64x3x3x3xf32>
  return %0 : tensor<64x3x3x3xf32>
}

// -----

func.func @dequantize_float_input(%q: tensor<4xf32>, %s: tensor<f32>, %z: tensor<i8>) -> tensor<4xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of 8-bit signless integer or 8-bit unsigned integer or 8-bit signed integer or 32-bit signless integer or 32-bit signed integer values, but got 'tensor<4xf32>'}}
  %0 = spa.dequantize %q, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// #spa.encoding: parsing and attribute verification
//===----------------------------------------------------------------------===//

// expected-error @+1 {{unknown sparse format 'sparse', expected one of dense, nm, bitmap, csr, tasd}}
func.func @encoding_unknown_format(%w: tensor<8x8xf32, #spa.encoding<sparse>>) {
  return
}

// -----

// expected-error @+1 {{'nm' encoding takes exactly one N:M pattern, got 2}}
func.func @encoding_nm_two_patterns(%w: tensor<8x8xf32, #spa.encoding<nm<2:4, 1:4>, dim = 1>>) {
  return
}

// -----

// expected-error @+1 {{'tasd' encoding takes 2 to 8 N:M terms, got 1}}
func.func @encoding_tasd_one_term(%w: tensor<8x8xf32, #spa.encoding<tasd<2:4>, dim = 1>>) {
  return
}

// -----

// expected-error @+1 {{'tasd' encoding takes 2 to 8 N:M terms, got 9}}
func.func @encoding_tasd_too_many_terms(%w: tensor<8x256xf32, #spa.encoding<tasd<1:256, 1:256, 1:256, 1:256, 1:256, 1:256, 1:256, 1:256, 1:256>, dim = 1>>) {
  return
}

// -----

// expected-error @+1 {{group size M = 512 is out of range [1, 256]}}
func.func @encoding_group_size_too_large(%w: tensor<8x512xf32, #spa.encoding<nm<2:512>, dim = 1>>) {
  return
}

// -----

// expected-error @+1 {{group size M = 0 is out of range [1, 256]}}
func.func @encoding_group_size_zero(%w: tensor<8x8xf32, #spa.encoding<nm<0:0>, dim = 1>>) {
  return
}

// -----

// expected-error @+1 {{N:M pattern 0:4 must keep at least one value per group}}
func.func @encoding_n_zero(%w: tensor<8x8xf32, #spa.encoding<nm<0:4>, dim = 1>>) {
  return
}

// -----

// expected-error @+1 {{N:M pattern 5:4 has N > M}}
func.func @encoding_n_greater_than_m(%w: tensor<8x8xf32, #spa.encoding<nm<5:4>, dim = 1>>) {
  return
}

// -----

// expected-error @+1 {{N:M pattern 9:8 has N > M}}
func.func @encoding_tasd_bad_term(%w: tensor<8x8xf32, #spa.encoding<tasd<2:4, 9:8>, dim = 1>>) {
  return
}

// -----

// expected-error @+1 {{TASD terms can hold 1.250000e+00 of the values; a series holds at most all of them}}
func.func @encoding_tasd_too_dense(%w: tensor<8x8xf32, #spa.encoding<tasd<3:4, 2:4>, dim = 1>>) {
  return
}

// -----

// expected-error @+1 {{structured encoding needs a dimension, got dim = -1}}
func.func @encoding_negative_dim(%w: tensor<8x8xf32, #spa.encoding<nm<2:4>, dim = -1>>) {
  return
}

// -----

// expected-error @+1 {{padded extent must be non-negative, got -8}}
func.func @encoding_negative_padded(%w: tensor<8x6xf32, #spa.encoding<nm<2:4>, dim = 1, padded = -8>>) {
  return
}

// -----

// expected-error @+1 {{group size 4 does not divide the padded extent 6}}
func.func @encoding_padded_not_multiple(%w: tensor<8x5xf32, #spa.encoding<nm<2:4>, dim = 1, padded = 6>>) {
  return
}

// -----

// expected-error @+1 {{group size 8 does not divide the padded extent 12}}
func.func @encoding_tasd_padded_not_multiple(%w: tensor<8x10xf32, #spa.encoding<tasd<2:4, 1:8>, dim = 1, padded = 12>>) {
  return
}

// -----

// The parser reads no patterns, dim or padding for unstructured formats, so
// the verifier's "'dense' encoding takes no N:M patterns, dim or padding"
// cannot be reached from text.
// expected-error @+1 {{expected '>'}}
func.func @encoding_dense_with_dim(%w: tensor<8x8xf32, #spa.encoding<dense, dim = 1>>) {
  return
}

// -----

//===----------------------------------------------------------------------===//
// #spa.encoding: verification against the tensor type
//===----------------------------------------------------------------------===//

// expected-error @+1 {{sparse encoding needs integer or float elements}}
func.func @encoding_index_elements(%w: tensor<8xindex, #spa.encoding<dense>>) {
  return
}

// -----

// expected-error @+1 {{sparse encoding needs integer or float elements}}
func.func @encoding_complex_elements(%w: tensor<8x8xcomplex<f32>, #spa.encoding<nm<2:4>, dim = 1>>) {
  return
}

// -----

// expected-error @+1 {{bitmap encoding needs a tensor of rank 1 or more}}
func.func @encoding_bitmap_rank0(%w: tensor<f32, #spa.encoding<bitmap>>) {
  return
}

// -----

// expected-error @+1 {{csr encoding needs a tensor of rank 2 or more}}
func.func @encoding_csr_rank1(%w: tensor<8xf32, #spa.encoding<csr>>) {
  return
}

// -----

// expected-error @+1 {{encoding dim 2 is out of range for a rank-2 tensor}}
func.func @encoding_dim_out_of_range(%w: tensor<8x8xf32, #spa.encoding<nm<2:4>, dim = 2>>) {
  return
}

// -----

// expected-error @+1 {{padded extent 4 is smaller than dimension 1 (6)}}
func.func @encoding_padded_smaller_than_dim(%w: tensor<8x6xf32, #spa.encoding<nm<2:4>, dim = 1, padded = 4>>) {
  return
}

// -----

// expected-error @+1 {{group size 4 does not divide dimension 1 (6); set 'padded' to a multiple of 4}}
func.func @encoding_group_does_not_divide_dim(%w: tensor<8x6xf32, #spa.encoding<nm<2:4>, dim = 1>>) {
  return
}

// -----

// expected-error @+1 {{group size 8 does not divide dimension 0 (12); set 'padded' to a multiple of 8}}
func.func @encoding_tasd_group_does_not_divide_dim(%w: tensor<12x8xf32, #spa.encoding<tasd<2:4, 1:8>, dim = 0>>) {
  return
}

// -----

//===----------------------------------------------------------------------===//
// #spa.sparsity
//===----------------------------------------------------------------------===//

func.func @sparsity_density_above_one() -> tensor<4xf32> {
  // expected-error @+1 {{density 1.500000e+00 is outside [0, 1]}}
  %0 = spa.constant {spa.sparsity = #spa.sparsity<density = 1.5, dim = 0, nm = [4:4]>} dense<1.0> : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @sparsity_density_negative() -> tensor<4xf32> {
  // expected-error @+1 {{density -2.500000e-01 is outside [0, 1]}}
  %0 = spa.constant {spa.sparsity = #spa.sparsity<density = -0.25, dim = 0, nm = [4:4]>} dense<1.0> : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @sparsity_negative_dim() -> tensor<4xf32> {
  // expected-error @+1 {{profile dim must be non-negative, got -1}}
  %0 = spa.constant {spa.sparsity = #spa.sparsity<density = 1.0, dim = -1, nm = [4:4]>} dense<1.0> : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @sparsity_n_greater_than_m() -> tensor<4xf32> {
  // expected-error @+1 {{invalid measured N:M entry 5:4}}
  %0 = spa.constant {spa.sparsity = #spa.sparsity<density = 1.0, dim = 0, nm = [5:4]>} dense<1.0> : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @sparsity_negative_n() -> tensor<4xf32> {
  // expected-error @+1 {{invalid measured N:M entry -1:4}}
  %0 = spa.constant {spa.sparsity = #spa.sparsity<density = 0.0, dim = 0, nm = [-1:4]>} dense<0.0> : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @sparsity_group_size_too_large() -> tensor<4xf32> {
  // expected-error @+1 {{invalid measured N:M entry 2:512}}
  %0 = spa.constant {spa.sparsity = #spa.sparsity<density = 1.0, dim = 0, nm = [4:4, 2:512]>} dense<1.0> : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @sparsity_empty_nm() -> tensor<4xf32> {
  // The parser requires at least one entry, so the verifier's "sparsity
  // profile needs at least one N:M entry" cannot be reached from text.
  // expected-error @+1 {{expected integer value}}
  %0 = spa.constant {spa.sparsity = #spa.sparsity<density = 1.0, dim = 0, nm = []>} dense<1.0> : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// The padding hint names a multiple of every group size of the series.
// expected-error @+1 {{group size 4 does not divide dimension 1 (6); set 'padded' to a multiple of 12}}
func.func @encoding_tasd_padding_hint(%w: tensor<8x6xf32, #spa.encoding<tasd<1:3, 1:4>, dim = 1>>) {
  return
}

// -----

func.func @resize_scale_overflow(%x: tensor<1x5xf32>) -> tensor<1x5xf32> {
  // expected-error @+1 {{scale 1.000000e+30 makes dimension 1 too large}}
  %0 = spa.resize %x nearest scales [1.0, 1.0e30] : tensor<1x5xf32> -> tensor<1x5xf32>
  return %0 : tensor<1x5xf32>
}

// -----

func.func @conv_transpose2d_overflow(%x: tensor<1x4x5x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x3x10xf32> {
  // expected-error @+1 {{window sizes overflow 64-bit arithmetic}}
  %0 = spa.conv_transpose2d %x, %w strides [4611686018427387904, 1] : (tensor<1x4x5x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x3x10xf32>
  return %0 : tensor<1x2x3x10xf32>
}

// -----

func.func @conv2d_overflow(%x: tensor<1x4x5x8xf32>, %w: tensor<2x4x3x3xf32>) -> tensor<1x2x3x6xf32> {
  // expected-error @+1 {{window sizes overflow 64-bit arithmetic}}
  %0 = spa.conv2d %x, %w pads [9223372036854775807, 0, 9223372036854775807, 0] : (tensor<1x4x5x8xf32>, tensor<2x4x3x3xf32>) -> tensor<1x2x3x6xf32>
  return %0 : tensor<1x2x3x6xf32>
}

// -----

func.func @max_pool2d_overflow(%x: tensor<1x4x5x8xf32>) -> tensor<1x4x3x6xf32> {
  // expected-error @+1 {{window sizes overflow 64-bit arithmetic}}
  %0 = spa.max_pool2d %x kernel [3, 3] dilations [4611686018427387904, 1] : tensor<1x4x5x8xf32> -> tensor<1x4x3x6xf32>
  return %0 : tensor<1x4x3x6xf32>
}

// -----

func.func @quantize_scale_type(%x: tensor<4xf32>, %s: tensor<f16>, %z: tensor<i8>) -> tensor<4xi8> {
  // expected-error @+1 {{scale element type must match the input}}
  %0 = spa.quantize %x, %s, %z : (tensor<4xf32>, tensor<f16>, tensor<i8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

//===----------------------------------------------------------------------===//
// The spa.sparsity annotation
//===----------------------------------------------------------------------===//

func.func @sparsity_attr_wrong_kind() -> tensor<4xf32> {
  // expected-error @+1 {{'spa.sparsity' must be a #spa.sparsity attribute}}
  %0 = spa.constant {spa.sparsity = 1 : i64} dense<1.0> : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @sparsity_attr_dim_out_of_range() -> tensor<4xf32> {
  // expected-error @+1 {{sparsity profile dim 7 is out of range for a rank-1 constant}}
  %0 = spa.constant {spa.sparsity = #spa.sparsity<density = 1.0, dim = 7, nm = [4:4]>} dense<1.0> : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @sparsity_attr_on_other_op(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'spa.sparsity' annotates only spa.constant}}
  %0 = spa.relu %x {spa.sparsity = #spa.sparsity<density = 1.0, dim = 0, nm = [4:4]>} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @sparsity_attr_group_order() -> tensor<8xf32> {
  // expected-error @+1 {{measured group sizes must increase, got 4 then 4}}
  %0 = spa.constant {spa.sparsity = #spa.sparsity<density = 1.0, dim = 0, nm = [4:4, 4:4]>} dense<1.0> : tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @unknown_spa_attr() -> tensor<4xf32> {
  // expected-error @+1 {{unknown 'spa' attribute 'spa.density'}}
  %0 = spa.constant {spa.density = 1.0 : f32} dense<1.0> : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Shape arithmetic that would overflow 64 bits is rejected, not wrapped.
//===----------------------------------------------------------------------===//

func.func @pad_overflow(%x: tensor<4xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{padded extent of dimension 0 overflows 64-bit arithmetic}}
  %0 = spa.pad %x pads [9223372036854775807, 1] : tensor<4xf32> -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @slice_overflow(%x: tensor<8xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{dimension 0 steps beyond 64-bit indices}}
  %0 = spa.slice %x starts [0] steps [9223372036854775807] : tensor<8xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @concat_overflow(%a: tensor<9223372036854775807xf32>, %b: tensor<2xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{concatenated extent overflows 64-bit arithmetic}}
  %0 = spa.concat %a, %b axis 0 : (tensor<9223372036854775807xf32>, tensor<2xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @reshape_overflow(%x: tensor<4611686018427387904x4xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{element count overflows 64-bit arithmetic}}
  %0 = spa.reshape %x : tensor<4611686018427387904x4xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @conv_transpose2d_channels_overflow(%x: tensor<1x2x4x4xf32>, %w: tensor<2x4611686018427387904x1x1xf32>) -> tensor<1x?x4x4xf32> {
  // expected-error @+1 {{output channels overflow 64-bit arithmetic}}
  %0 = spa.conv_transpose2d %x, %w groups 2 : (tensor<1x2x4x4xf32>, tensor<2x4611686018427387904x1x1xf32>) -> tensor<1x?x4x4xf32>
  return %0 : tensor<1x?x4x4xf32>
}

// -----

func.func @tile_overflow(%x: tensor<4611686018427387904x2xf32>) -> tensor<?x2xf32> {
  // expected-error @+1 {{tiled extent of dimension 0 overflows 64-bit arithmetic}}
  %0 = spa.tile %x repeats [2, 1] : tensor<4611686018427387904x2xf32> -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}
