// RUN: spc-opt %s --canonicalize --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @reshape_of_reshape
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[R:.*]] = spa.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<4x6xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_of_reshape(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = spa.reshape %x : tensor<2x3x4xf32> -> tensor<24xf32>
  %1 = spa.reshape %0 : tensor<24xf32> -> tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_round_trip_folds
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @reshape_round_trip_folds(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = spa.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  %1 = spa.reshape %0 : tensor<6xf32> -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_of_constants
// CHECK-DAG: spa.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-DAG: spa.constant dense_resource<weight> : tensor<6xf32>
// CHECK-NOT: spa.reshape
func.func @reshape_of_constants() -> (tensor<2x3xf32>, tensor<6xf32>) {
  %c = spa.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]> : tensor<6xf32>
  %0 = spa.reshape %c : tensor<6xf32> -> tensor<2x3xf32>
  %w = spa.constant dense_resource<weight> : tensor<2x3xf32>
  %1 = spa.reshape %w : tensor<2x3xf32> -> tensor<6xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<6xf32>
}

{-#
  dialect_resources: {
    builtin: {
      weight: "0x040000000000803F0000004000004040000080400000A0400000C040"
    }
  }
#-}

// -----

// CHECK-LABEL: func.func @transpose_of_transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[T:.*]] = spa.transpose %[[X]] perm [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
// CHECK-NEXT: return %[[T]]
func.func @transpose_of_transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = spa.transpose %x perm [1, 0, 2] : tensor<2x3x4xf32> -> tensor<3x2x4xf32>
  %1 = spa.transpose %0 perm [2, 1, 0] : tensor<3x2x4xf32> -> tensor<4x2x3xf32>
  return %1 : tensor<4x2x3xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_inverse_pair
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @transpose_inverse_pair(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = spa.transpose %x perm [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %1 = spa.transpose %0 perm [2, 0, 1] : tensor<3x4x2xf32> -> tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_of_constants
// CHECK-DAG: spa.constant dense<{{\[}}[1, 4], [2, 5], [3, 6]]> : tensor<3x2xi8>
// CHECK-DAG: spa.constant dense<7.000000e+00> : tensor<3x2xf32>
// CHECK-DAG: spa.constant dense_resource<[[BLOB:weight.*]]> : tensor<3x2xf32>
// CHECK-NOT: spa.transpose
// The transposed weight stays a blob: 1, 4, 2, 5, 3, 6.
// CHECK: [[BLOB]]: "0x{{........}}0000803F00008040000000400000A040000040400000C040"
func.func @transpose_of_constants()
    -> (tensor<3x2xi8>, tensor<3x2xf32>, tensor<3x2xf32>) {
  %c = spa.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8>
  %0 = spa.transpose %c perm [1, 0] : tensor<2x3xi8> -> tensor<3x2xi8>
  %s = spa.constant dense<7.0> : tensor<2x3xf32>
  %1 = spa.transpose %s perm [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %w = spa.constant dense_resource<weight> : tensor<2x3xf32>
  %2 = spa.transpose %w perm [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  return %0, %1, %2 : tensor<3x2xi8>, tensor<3x2xf32>, tensor<3x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      weight: "0x040000000000803F0000004000004040000080400000A0400000C040"
    }
  }
#-}

// -----

// CHECK-LABEL: func.func @identity_elementwise
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xf32>, %[[I:.*]]: tensor<4xi32>)
// CHECK-NOT: spa.
// CHECK: return %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[I]], %[[I]]
func.func @identity_elementwise(%x: tensor<2x4xf32>, %i: tensor<4xi32>)
    -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>,
        tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>,
        tensor<4xi32>, tensor<4xi32>) {
  %zero = spa.constant dense<0.0> : tensor<4xf32>
  %one = spa.constant dense<1.0> : tensor<f32>
  %izero = spa.constant dense<0> : tensor<4xi32>
  %ione = spa.constant dense<1> : tensor<4xi32>
  %0 = spa.add %x, %zero : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %1 = spa.add %zero, %x : (tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %2 = spa.sub %x, %zero : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %3 = spa.mul %one, %x : (tensor<f32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %4 = spa.div %x, %one : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
  %5 = spa.pow %x, %one : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
  %6 = spa.max %x, %x : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %7 = spa.min %x, %x : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %8 = spa.add %i, %izero : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %9 = spa.mul %i, %ione : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9
      : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>,
        tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>,
        tensor<4xi32>, tensor<4xi32>
}

// -----

// Identities that broadcast the other operand to a larger shape, or that do
// not hold (x - 0 on the left, 0 / x), are kept.
// CHECK-LABEL: func.func @non_identity_elementwise
// CHECK: spa.add
// CHECK: spa.sub
// CHECK: spa.div
// CHECK: spa.mul
func.func @non_identity_elementwise(%x: tensor<4xf32>)
    -> (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %zero = spa.constant dense<0.0> : tensor<2x4xf32>
  %one = spa.constant dense<1.0> : tensor<4xf32>
  %two = spa.constant dense<2.0> : tensor<4xf32>
  %0 = spa.add %x, %zero : (tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %1 = spa.sub %one, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %2 = spa.div %one, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = spa.mul %x, %two : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0, %1, %2, %3 : tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @idempotent_unary
// CHECK-SAME: (%[[X:.*]]: tensor<8xf32>)
// CHECK-NEXT: %[[R:.*]] = spa.relu %[[X]]
// CHECK-NEXT: %[[A:.*]] = spa.abs %[[X]]
// CHECK-NEXT: return %[[R]], %[[A]], %[[X]]
func.func @idempotent_unary(%x: tensor<8xf32>)
    -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %0 = spa.relu %x : tensor<8xf32>
  %1 = spa.relu %0 : tensor<8xf32>
  %2 = spa.abs %x : tensor<8xf32>
  %3 = spa.abs %2 : tensor<8xf32>
  %4 = spa.neg %x : tensor<8xf32>
  %5 = spa.neg %4 : tensor<8xf32>
  return %1, %3, %5 : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}

// -----

// CHECK-LABEL: func.func @no_op_data_movement
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]], %[[X]], %[[X]], %[[X]]
func.func @no_op_data_movement(%x: tensor<2x3xf32>)
    -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = spa.concat %x axis 0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = spa.slice %x starts [0, 0] steps [1, 1] : tensor<2x3xf32> -> tensor<2x3xf32>
  %2 = spa.pad %x pads [0, 0, 0, 0] : tensor<2x3xf32> -> tensor<2x3xf32>
  %3 = spa.transpose %x perm [0, 1] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0, %1, %2, %3 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// A slice that reverses, or a pad that adds elements, is kept.
// CHECK-LABEL: func.func @data_movement_kept
// CHECK: spa.slice
// CHECK: spa.pad
func.func @data_movement_kept(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x5xf32>) {
  %0 = spa.slice %x starts [0, 2] steps [1, -1] : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = spa.pad %x pads [0, 1, 0, 1] : tensor<2x3xf32> -> tensor<2x5xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x5xf32>
}

// -----

// quantize(dequantize(q)) with the same scale and zero point is q; with
// another scale it is a requantization and stays.
// CHECK-LABEL: func.func @requantize
// CHECK-SAME: (%[[Q:.*]]: tensor<8xi8>, %[[S:.*]]: tensor<f32>, %[[S2:.*]]: tensor<f32>, %[[Z:.*]]: tensor<i8>)
// CHECK-NEXT: %[[D:.*]] = spa.dequantize %[[Q]], %[[S]], %[[Z]]
// CHECK-NEXT: %[[R:.*]] = spa.quantize %[[D]], %[[S2]], %[[Z]]
// CHECK-NEXT: return %[[Q]], %[[R]]
func.func @requantize(%q: tensor<8xi8>, %s: tensor<f32>, %s2: tensor<f32>,
                      %z: tensor<i8>) -> (tensor<8xi8>, tensor<8xi8>) {
  %d = spa.dequantize %q, %s, %z : (tensor<8xi8>, tensor<f32>, tensor<i8>) -> tensor<8xf32>
  %0 = spa.quantize %d, %s, %z : (tensor<8xf32>, tensor<f32>, tensor<i8>) -> tensor<8xi8>
  %1 = spa.quantize %d, %s2, %z : (tensor<8xf32>, tensor<f32>, tensor<i8>) -> tensor<8xi8>
  return %0, %1 : tensor<8xi8>, tensor<8xi8>
}

// -----

// A cast to the same type is the input; a real conversion stays.
// CHECK-LABEL: func.func @cast
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[C:.*]] = spa.cast %[[X]] : tensor<4xf32> -> tensor<4xi32>
// CHECK-NEXT: return %[[X]], %[[C]]
func.func @cast(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi32>) {
  %0 = spa.cast %x : tensor<4xf32> -> tensor<4xf32>
  %1 = spa.cast %x : tensor<4xf32> -> tensor<4xi32>
  return %0, %1 : tensor<4xf32>, tensor<4xi32>
}

// -----

// expand and tile that do not change the type are the input; an expanded
// splat is a larger splat; a non-splat constant is not expanded at compile
// time.
// CHECK-LABEL: func.func @expand_and_tile
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-DAG: %[[S:.*]] = spa.constant dense<5> : tensor<2x3x4xi64>
// CHECK-DAG: %[[C:.*]] = spa.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK: %[[E:.*]] = spa.expand %[[C]] : tensor<3xf32> -> tensor<2x3xf32>
// CHECK-NEXT: return %[[X]], %[[X]], %[[S]], %[[E]]
func.func @expand_and_tile(%x: tensor<2x3xf32>)
    -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3x4xi64>, tensor<2x3xf32>) {
  %0 = spa.expand %x : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = spa.tile %x repeats [1, 1] : tensor<2x3xf32> -> tensor<2x3xf32>
  %five = spa.constant dense<5> : tensor<1x4xi64>
  %2 = spa.expand %five : tensor<1x4xi64> -> tensor<2x3x4xi64>
  %c = spa.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %3 = spa.expand %c : tensor<3xf32> -> tensor<2x3xf32>
  return %0, %1, %2, %3 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3x4xi64>, tensor<2x3xf32>
}

// -----

// A splat condition picks one value, if that value already has the result
// type; so does a select between a value and itself.
// CHECK-LABEL: func.func @select
// CHECK-SAME: (%[[C:.*]]: tensor<4xi1>, %[[A:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>, %[[S:.*]]: tensor<f32>)
// CHECK: %[[T:.*]] = spa.constant dense<true> : tensor<4xi1>
// CHECK: %[[BROADCAST:.*]] = spa.select %[[T]], %[[S]], %[[B]]
// CHECK-NEXT: %[[KEPT:.*]] = spa.select %[[C]], %[[A]], %[[B]]
// CHECK-NEXT: return %[[A]], %[[B]], %[[A]], %[[BROADCAST]], %[[KEPT]]
func.func @select(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xf32>,
                  %s: tensor<f32>)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
        tensor<4xf32>) {
  %true = spa.constant dense<true> : tensor<4xi1>
  %false = spa.constant dense<false> : tensor<i1>
  %0 = spa.select %true, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = spa.select %false, %a, %b : (tensor<i1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %2 = spa.select %c, %a, %a : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  // The chosen scalar is broadcast, so it cannot stand for the result.
  %3 = spa.select %true, %s, %b : (tensor<4xi1>, tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %4 = spa.select %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0, %1, %2, %3, %4 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// batch_norm folds into the convolution that feeds it. With
// k = scale / sqrt(variance + epsilon) = [4 / 2, 0.5 / 4] = [2, 0.125]:
//   W' = W * k per filter = [[2, 4], [0.375, 0.5]]
//   b' = (b - mean) * k + bias = [(1 - 3) * 2 + 0.25, (-1 + 9) * 0.125 + 1]
//      = [-3.75, 2]
// CHECK-LABEL: func.func @fold_batch_norm_into_conv
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xf32>)
// CHECK-DAG: %[[W:.*]] = spa.constant dense<{{\[\[\[\[}}2.000000e+00]], {{\[\[}}4.000000e+00]]], {{\[\[\[}}3.750000e-01]], {{\[\[}}5.000000e-01]]]]> : tensor<2x2x1x1xf32>
// CHECK-DAG: %[[B:.*]] = spa.constant dense<[-3.750000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-NOT: spa.batch_norm
// CHECK: %[[Y:.*]] = spa.conv2d %[[X]], %[[W]], %[[B]] strides [2, 2] : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @fold_batch_norm_into_conv(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %w = spa.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  %b = spa.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %scale = spa.constant dense<[4.0, 0.5]> : tensor<2xf32>
  %shift = spa.constant dense<[0.25, 1.0]> : tensor<2xf32>
  %mean = spa.constant dense<[3.0, -9.0]> : tensor<2xf32>
  %var = spa.constant dense<[3.75, 15.75]> : tensor<2xf32>
  %0 = spa.conv2d %x, %w, %b strides [2, 2]
      : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %1 = spa.batch_norm %0, %scale, %shift, %mean, %var epsilon 0.25
      : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>,
         tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %1 : tensor<1x2x2x2xf32>
}

// -----

// A blob weight becomes a new blob, here [1, 2] * k = [2, 0.25]. Without a
// convolution bias, b' = -mean * k + bias = [-1 * 2 + 0.5, 8 * 0.125 + 0]. The
// dynamic batch does not matter: only the constants are rewritten.
// CHECK-LABEL: func.func @fold_batch_norm_into_blob_conv
// CHECK-SAME: (%[[X:.*]]: tensor<?x1x4x4xf32>)
// CHECK-DAG: %[[W:.*]] = spa.constant dense_resource<[[BLOB:conv_w.*]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = spa.constant dense<[-1.500000e+00, 1.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = spa.conv2d %[[X]], %[[W]], %[[B]] : (tensor<?x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<?x2x4x4xf32>
// CHECK-NEXT: return %[[Y]]
// CHECK: [[BLOB]]: "0x{{........}}000000400000803E"
func.func @fold_batch_norm_into_blob_conv(%x: tensor<?x1x4x4xf32>) -> tensor<?x2x4x4xf32> {
  %w = spa.constant dense_resource<conv_w> : tensor<2x1x1x1xf32>
  %scale = spa.constant dense<[4.0, 0.5]> : tensor<2xf32>
  %shift = spa.constant dense<[0.5, 0.0]> : tensor<2xf32>
  %mean = spa.constant dense<[1.0, -8.0]> : tensor<2xf32>
  %var = spa.constant dense<[3.75, 15.75]> : tensor<2xf32>
  %0 = spa.conv2d %x, %w : (tensor<?x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<?x2x4x4xf32>
  %1 = spa.batch_norm %0, %scale, %shift, %mean, %var epsilon 0.25
      : (tensor<?x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>,
         tensor<2xf32>) -> tensor<?x2x4x4xf32>
  return %1 : tensor<?x2x4x4xf32>
}

{-#
  dialect_resources: {
    builtin: {
      conv_w: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// Splat constants stand for every element: W' = 1 * k = [2, 0.25] with
// k = [4, 0.5] / sqrt(3.75 + 0.25), and b' = 0.
// CHECK-LABEL: func.func @fold_batch_norm_splats
// CHECK-DAG: %[[W:.*]] = spa.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}2.500000e-01]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = spa.constant dense<0.000000e+00> : tensor<2xf32>
// CHECK: spa.conv2d %{{.*}}, %[[W]], %[[B]] groups 2 :
// CHECK-NOT: spa.batch_norm
func.func @fold_batch_norm_splats(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = spa.constant dense<1.0> : tensor<2x1x1x1xf32>
  %scale = spa.constant dense<[4.0, 0.5]> : tensor<2xf32>
  %zero = spa.constant dense<0.0> : tensor<2xf32>
  %var = spa.constant dense<3.75> : tensor<2xf32>
  %0 = spa.conv2d %x, %w groups 2
      : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = spa.batch_norm %0, %scale, %zero, %zero, %var epsilon 0.25
      : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>,
         tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// -----

// The unnormalized convolution is still used, so folding would keep two
// convolutions.
// CHECK-LABEL: func.func @batch_norm_conv_used_twice
// CHECK: %[[Y:.*]] = spa.conv2d
// CHECK: %[[N:.*]] = spa.batch_norm %[[Y]]
// CHECK: return %[[Y]], %[[N]]
func.func @batch_norm_conv_used_twice(%x: tensor<1x2x4x4xf32>)
    -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = spa.constant dense<1.0> : tensor<2x2x1x1xf32>
  %p = spa.constant dense<1.0> : tensor<2xf32>
  %0 = spa.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = spa.batch_norm %0, %p, %p, %p, %p
      : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>,
         tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %0, %1 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @batch_norm_variable_variance
// CHECK: %[[Y:.*]] = spa.conv2d
// CHECK: spa.batch_norm %[[Y]]
func.func @batch_norm_variable_variance(%x: tensor<1x2x4x4xf32>, %var: tensor<2xf32>)
    -> tensor<1x2x4x4xf32> {
  %w = spa.constant dense<1.0> : tensor<2x2x1x1xf32>
  %p = spa.constant dense<1.0> : tensor<2xf32>
  %0 = spa.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = spa.batch_norm %0, %p, %p, %p, %var
      : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>,
         tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// -----

// Only f32 is folded.
// CHECK-LABEL: func.func @batch_norm_f16
// CHECK: %[[Y:.*]] = spa.conv2d
// CHECK: spa.batch_norm %[[Y]]
func.func @batch_norm_f16(%x: tensor<1x2x4x4xf16>) -> tensor<1x2x4x4xf16> {
  %w = spa.constant dense<1.0> : tensor<2x2x1x1xf16>
  %p = spa.constant dense<1.0> : tensor<2xf16>
  %0 = spa.conv2d %x, %w : (tensor<1x2x4x4xf16>, tensor<2x2x1x1xf16>) -> tensor<1x2x4x4xf16>
  %1 = spa.batch_norm %0, %p, %p, %p, %p
      : (tensor<1x2x4x4xf16>, tensor<2xf16>, tensor<2xf16>, tensor<2xf16>,
         tensor<2xf16>) -> tensor<1x2x4x4xf16>
  return %1 : tensor<1x2x4x4xf16>
}
