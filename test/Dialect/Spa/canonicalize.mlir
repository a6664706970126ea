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
