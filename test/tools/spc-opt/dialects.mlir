// spc-opt loads the upstream dialects SPC's pipeline lowers through, next to
// `spa`.
// RUN: spc-opt %s | FileCheck %s

// CHECK-LABEL: func.func @upstream
func.func @upstream(%t: tensor<4xf32>, %m: memref<4xf32>) -> tensor<4xf32> {
  // CHECK: arith.constant
  %c0 = arith.constant 0 : index
  // CHECK: tensor.extract
  %e = tensor.extract %t[%c0] : tensor<4xf32>
  // CHECK: math.exp
  %x = math.exp %e : f32
  // CHECK: memref.store
  memref.store %x, %m[%c0] : memref<4xf32>
  // CHECK: scf.for
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    memref.store %x, %m[%i] : memref<4xf32>
  }
  // CHECK: affine.for
  affine.for %j = 0 to 4 {
    %v = affine.load %m[%j] : memref<4xf32>
  }
  // CHECK: linalg.exp
  %empty = tensor.empty() : tensor<4xf32>
  %r = linalg.exp ins(%t : tensor<4xf32>) outs(%empty : tensor<4xf32>) -> tensor<4xf32>
  // CHECK: bufferization.to_tensor
  %b = bufferization.to_tensor %m : memref<4xf32> to tensor<4xf32>
  %s = spa.add %r, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %s : tensor<4xf32>
}
