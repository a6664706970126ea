// RUN: spc-opt %s | spc-opt | FileCheck %s
// RUN: spc-opt %s --mlir-print-op-generic | spc-opt | FileCheck %s

// Every `spa` op and attribute prints in a form that parses back to itself.

// CHECK-LABEL: func.func @constants
func.func @constants() -> (tensor<2x2xf32>, tensor<f32>, tensor<4xi8>) {
  // CHECK: spa.constant dense_resource<weight> : tensor<2x2xf32>
  %w = spa.constant dense_resource<weight> : tensor<2x2xf32>
  // CHECK: spa.constant dense<1.000000e+00> : tensor<f32>
  %s = spa.constant dense<1.0> : tensor<f32>
  // CHECK: spa.constant dense<[1, -2, 0, 127]> : tensor<4xi8>
  %q = spa.constant dense<[1, -2, 0, 127]> : tensor<4xi8>
  return %w, %s, %q : tensor<2x2xf32>, tensor<f32>, tensor<4xi8>
}

// CHECK-LABEL: func.func @conv2d
func.func @conv2d(%x: tensor<1x3x224x224xf32>, %w: tensor<64x3x7x7xf32>,
                  %b: tensor<64xf32>, %dw: tensor<32x1x3x3xf32>,
                  %y: tensor<1x32x56x56xf32>, %xq: tensor<1x8x8x8xi8>,
                  %wq: tensor<4x8x1x1xi8>, %bq: tensor<4xi32>,
                  %xd: tensor<?x3x?x?xf32>)
    -> (tensor<1x64x112x112xf32>, tensor<1x32x28x28xf32>, tensor<1x4x8x8xi32>,
        tensor<?x64x?x?xf32>) {
  // CHECK: spa.conv2d %{{.*}}, %{{.*}}, %{{.*}} strides [2, 2] pads [3, 3, 3, 3] :
  // CHECK-SAME: (tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>) -> tensor<1x64x112x112xf32>
  %0 = spa.conv2d %x, %w, %b strides [2, 2] pads [3, 3, 3, 3]
      : (tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>)
      -> tensor<1x64x112x112xf32>
  // CHECK: spa.conv2d %{{.*}}, %{{.*}} strides [2, 2] pads [2, 2, 2, 2] dilations [2, 2] groups 32 :
  %1 = spa.conv2d %y, %dw strides [2, 2] pads [2, 2, 2, 2] dilations [2, 2] groups 32
      : (tensor<1x32x56x56xf32>, tensor<32x1x3x3xf32>) -> tensor<1x32x28x28xf32>
  // CHECK: spa.conv2d %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x8x8x8xi8>, tensor<4x8x1x1xi8>, tensor<4xi32>) -> tensor<1x4x8x8xi32>
  %2 = spa.conv2d %xq, %wq, %bq
      : (tensor<1x8x8x8xi8>, tensor<4x8x1x1xi8>, tensor<4xi32>) -> tensor<1x4x8x8xi32>
  // CHECK: spa.conv2d %{{.*}}, %{{.*}} strides [2, 2] pads [3, 3, 3, 3] : (tensor<?x3x?x?xf32>, tensor<64x3x7x7xf32>) -> tensor<?x64x?x?xf32>
  %3 = spa.conv2d %xd, %w strides [2, 2] pads [3, 3, 3, 3]
      : (tensor<?x3x?x?xf32>, tensor<64x3x7x7xf32>) -> tensor<?x64x?x?xf32>
  return %0, %1, %2, %3 : tensor<1x64x112x112xf32>, tensor<1x32x28x28xf32>,
                          tensor<1x4x8x8xi32>, tensor<?x64x?x?xf32>
}

// CHECK-LABEL: func.func @conv_transpose2d
func.func @conv_transpose2d(%x: tensor<1x64x28x28xf32>, %w: tensor<64x32x3x3xf32>,
                            %b: tensor<32xf32>, %wg: tensor<64x8x4x4xf32>)
    -> (tensor<1x32x56x56xf32>, tensor<1x32x58x58xf32>) {
  // CHECK: spa.conv_transpose2d %{{.*}}, %{{.*}}, %{{.*}} strides [2, 2] pads [1, 1, 1, 1] output_padding [1, 1] :
  %0 = spa.conv_transpose2d %x, %w, %b strides [2, 2] pads [1, 1, 1, 1]
      output_padding [1, 1]
      : (tensor<1x64x28x28xf32>, tensor<64x32x3x3xf32>, tensor<32xf32>)
      -> tensor<1x32x56x56xf32>
  // CHECK: spa.conv_transpose2d %{{.*}}, %{{.*}} strides [2, 2] groups 4 :
  %1 = spa.conv_transpose2d %x, %wg strides [2, 2] groups 4
      : (tensor<1x64x28x28xf32>, tensor<64x8x4x4xf32>) -> tensor<1x32x58x58xf32>
  return %0, %1 : tensor<1x32x56x56xf32>, tensor<1x32x58x58xf32>
}

// CHECK-LABEL: func.func @matmul
func.func @matmul(%a: tensor<8x128x768xf32>, %b: tensor<768x3072xf32>,
                  %c: tensor<2x1x4x5xf32>, %d: tensor<3x5x6xf32>,
                  %v: tensor<768xf32>, %qa: tensor<4x16xi8>, %qb: tensor<16x8xi8>)
    -> (tensor<8x128x3072xf32>, tensor<2x3x4x6xf32>, tensor<3072xf32>,
        tensor<8x128xf32>, tensor<4x8xi32>) {
  // CHECK: spa.matmul %{{.*}}, %{{.*}} : (tensor<8x128x768xf32>, tensor<768x3072xf32>) -> tensor<8x128x3072xf32>
  %0 = spa.matmul %a, %b
      : (tensor<8x128x768xf32>, tensor<768x3072xf32>) -> tensor<8x128x3072xf32>
  // CHECK: spa.matmul {{.*}} -> tensor<2x3x4x6xf32>
  %1 = spa.matmul %c, %d
      : (tensor<2x1x4x5xf32>, tensor<3x5x6xf32>) -> tensor<2x3x4x6xf32>
  // CHECK: spa.matmul {{.*}} -> tensor<3072xf32>
  %2 = spa.matmul %v, %b : (tensor<768xf32>, tensor<768x3072xf32>) -> tensor<3072xf32>
  // CHECK: spa.matmul {{.*}} -> tensor<8x128xf32>
  %3 = spa.matmul %a, %v : (tensor<8x128x768xf32>, tensor<768xf32>) -> tensor<8x128xf32>
  // CHECK: spa.matmul {{.*}} -> tensor<4x8xi32>
  %4 = spa.matmul %qa, %qb : (tensor<4x16xi8>, tensor<16x8xi8>) -> tensor<4x8xi32>
  return %0, %1, %2, %3, %4 : tensor<8x128x3072xf32>, tensor<2x3x4x6xf32>,
                              tensor<3072xf32>, tensor<8x128xf32>, tensor<4x8xi32>
}

// CHECK-LABEL: func.func @gemm
func.func @gemm(%x: tensor<1x2048xf32>, %w: tensor<1000x2048xf32>,
                %b: tensor<1000xf32>, %xt: tensor<2048x1xf32>,
                %wt: tensor<2048x1000xf32>)
    -> (tensor<1x1000xf32>, tensor<1x1000xf32>) {
  // CHECK: spa.gemm %{{.*}}, %{{.*}}, %{{.*}} trans_b :
  %0 = spa.gemm %x, %w, %b trans_b
      : (tensor<1x2048xf32>, tensor<1000x2048xf32>, tensor<1000xf32>)
      -> tensor<1x1000xf32>
  // CHECK: spa.gemm %{{.*}}, %{{.*}} alpha 5.000000e-01 beta 0.000000e+00 trans_a :
  %1 = spa.gemm %xt, %wt alpha 0.5 beta 0.0 trans_a
      : (tensor<2048x1xf32>, tensor<2048x1000xf32>) -> tensor<1x1000xf32>
  return %0, %1 : tensor<1x1000xf32>, tensor<1x1000xf32>
}

// CHECK-LABEL: func.func @binary
func.func @binary(%a: tensor<1x64x56x56xf32>, %b: tensor<64x1x1xf32>,
                  %i: tensor<4xi32>)
    -> (tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>,
        tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>,
        tensor<1x64x56x56xf32>, tensor<4xi32>) {
  // CHECK: spa.add %{{.*}}, %{{.*}} : (tensor<1x64x56x56xf32>, tensor<64x1x1xf32>) -> tensor<1x64x56x56xf32>
  %0 = spa.add %a, %b : (tensor<1x64x56x56xf32>, tensor<64x1x1xf32>) -> tensor<1x64x56x56xf32>
  // CHECK: spa.sub
  %1 = spa.sub %a, %b : (tensor<1x64x56x56xf32>, tensor<64x1x1xf32>) -> tensor<1x64x56x56xf32>
  // CHECK: spa.mul
  %2 = spa.mul %b, %a : (tensor<64x1x1xf32>, tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32>
  // CHECK: spa.div
  %3 = spa.div %a, %b : (tensor<1x64x56x56xf32>, tensor<64x1x1xf32>) -> tensor<1x64x56x56xf32>
  // CHECK: spa.max
  %4 = spa.max %a, %b : (tensor<1x64x56x56xf32>, tensor<64x1x1xf32>) -> tensor<1x64x56x56xf32>
  // CHECK: spa.min
  %5 = spa.min %a, %b : (tensor<1x64x56x56xf32>, tensor<64x1x1xf32>) -> tensor<1x64x56x56xf32>
  // CHECK: spa.pow
  %6 = spa.pow %a, %b : (tensor<1x64x56x56xf32>, tensor<64x1x1xf32>) -> tensor<1x64x56x56xf32>
  // CHECK: spa.add %{{.*}}, %{{.*}} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %7 = spa.add %i, %i : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0, %1, %2, %3, %4, %5, %6, %7
      : tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>,
        tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>,
        tensor<1x64x56x56xf32>, tensor<4xi32>
}

// CHECK-LABEL: func.func @unary
func.func @unary(%x: tensor<2x8xf32>, %s: tensor<8xf32>, %q: tensor<4xi8>)
    -> tensor<2x8xf32> {
  // CHECK: spa.relu %{{.*}} : tensor<2x8xf32>
  %0 = spa.relu %x : tensor<2x8xf32>
  // CHECK: spa.relu %{{.*}} : tensor<4xi8>
  %q0 = spa.relu %q : tensor<4xi8>
  // CHECK: spa.leaky_relu %{{.*}} : tensor<2x8xf32>
  %1 = spa.leaky_relu %0 : tensor<2x8xf32>
  // CHECK: spa.leaky_relu %{{.*}} alpha 1.000000e-01 : tensor<2x8xf32>
  %2 = spa.leaky_relu %1 alpha 0.1 : tensor<2x8xf32>
  // CHECK: spa.prelu %{{.*}}, %{{.*}} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %3 = spa.prelu %2, %s : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  // CHECK: spa.clip %{{.*}} min 0.000000e+00 max 6.000000e+00 : tensor<2x8xf32>
  %4 = spa.clip %3 min 0.0 max 6.0 : tensor<2x8xf32>
  // CHECK: spa.clip %{{.*}} max 1.000000e+00 : tensor<2x8xf32>
  %5 = spa.clip %4 max 1.0 : tensor<2x8xf32>
  // CHECK: spa.sigmoid
  %6 = spa.sigmoid %5 : tensor<2x8xf32>
  // CHECK: spa.hard_sigmoid %{{.*}} : tensor<2x8xf32>
  %7 = spa.hard_sigmoid %6 : tensor<2x8xf32>
  // CHECK: spa.hard_sigmoid %{{.*}} alpha 2.500000e-01 beta 7.500000e-01 : tensor<2x8xf32>
  %8 = spa.hard_sigmoid %7 alpha 0.25 beta 0.75 : tensor<2x8xf32>
  // CHECK: spa.hard_swish
  %9 = spa.hard_swish %8 : tensor<2x8xf32>
  // CHECK: spa.tanh
  %10 = spa.tanh %9 : tensor<2x8xf32>
  // CHECK: spa.gelu %{{.*}} : tensor<2x8xf32>
  %11 = spa.gelu %10 : tensor<2x8xf32>
  // CHECK: spa.gelu %{{.*}} approximate tanh : tensor<2x8xf32>
  %12 = spa.gelu %11 approximate tanh : tensor<2x8xf32>
  // CHECK: spa.erf
  %13 = spa.erf %12 : tensor<2x8xf32>
  // CHECK: spa.exp
  %14 = spa.exp %13 : tensor<2x8xf32>
  // CHECK: spa.log
  %15 = spa.log %14 : tensor<2x8xf32>
  // CHECK: spa.sqrt
  %16 = spa.sqrt %15 : tensor<2x8xf32>
  // CHECK: spa.reciprocal
  %17 = spa.reciprocal %16 : tensor<2x8xf32>
  // CHECK: spa.neg
  %18 = spa.neg %17 : tensor<2x8xf32>
  // CHECK: spa.abs
  %19 = spa.abs %18 : tensor<2x8xf32>
  return %19 : tensor<2x8xf32>
}

// CHECK-LABEL: func.func @cast
func.func @cast(%ids: tensor<1x128xi64>, %x: tensor<2x?xf32>, %b: tensor<4xi1>)
    -> (tensor<1x128xf32>, tensor<2x?xi8>, tensor<4xf16>, tensor<4xi1>) {
  // CHECK: spa.cast %{{.*}} : tensor<1x128xi64> -> tensor<1x128xf32>
  %0 = spa.cast %ids : tensor<1x128xi64> -> tensor<1x128xf32>
  // CHECK: spa.cast %{{.*}} : tensor<2x?xf32> -> tensor<2x?xi8>
  %1 = spa.cast %x : tensor<2x?xf32> -> tensor<2x?xi8>
  // CHECK: spa.cast %{{.*}} : tensor<4xi1> -> tensor<4xf16>
  %2 = spa.cast %b : tensor<4xi1> -> tensor<4xf16>
  // CHECK: spa.cast %{{.*}} : tensor<4xf16> -> tensor<4xi1>
  %3 = spa.cast %2 : tensor<4xf16> -> tensor<4xi1>
  return %0, %1, %2, %3 : tensor<1x128xf32>, tensor<2x?xi8>, tensor<4xf16>, tensor<4xi1>
}

// CHECK-LABEL: func.func @select
func.func @select(%mask: tensor<1x1x128x128xi1>, %scores: tensor<1x12x128x128xf32>,
                  %fill: tensor<f32>, %c: tensor<4xi1>, %i: tensor<4xi64>,
                  %j: tensor<2x1xi64>)
    -> (tensor<1x12x128x128xf32>, tensor<2x4xi64>) {
  // CHECK: spa.select %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x1x128x128xi1>, tensor<1x12x128x128xf32>, tensor<f32>) -> tensor<1x12x128x128xf32>
  %0 = spa.select %mask, %scores, %fill
      : (tensor<1x1x128x128xi1>, tensor<1x12x128x128xf32>, tensor<f32>)
      -> tensor<1x12x128x128xf32>
  // CHECK: spa.select %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4xi1>, tensor<4xi64>, tensor<2x1xi64>) -> tensor<2x4xi64>
  %1 = spa.select %c, %i, %j
      : (tensor<4xi1>, tensor<4xi64>, tensor<2x1xi64>) -> tensor<2x4xi64>
  return %0, %1 : tensor<1x12x128x128xf32>, tensor<2x4xi64>
}

// CHECK-LABEL: func.func @normalization
func.func @normalization(%x: tensor<1x128x768xf32>, %g: tensor<768xf32>,
                         %b: tensor<768xf32>, %img: tensor<1x64x7x7xf32>,
                         %c: tensor<64xf32>)
    -> (tensor<1x128x768xf32>, tensor<1x128x768xf32>, tensor<1x128x768xf32>,
        tensor<1x64x7x7xf32>) {
  // CHECK: spa.softmax %{{.*}} axis 2 : tensor<1x128x768xf32>
  %0 = spa.softmax %x axis 2 : tensor<1x128x768xf32>
  // CHECK: spa.log_softmax %{{.*}} axis 1 : tensor<1x128x768xf32>
  %ls = spa.log_softmax %0 axis 1 : tensor<1x128x768xf32>
  // CHECK: spa.layer_norm %{{.*}}, %{{.*}}, %{{.*}} axis 2 epsilon 9.99999996E-13 :
  %1 = spa.layer_norm %ls, %g, %b axis 2 epsilon 1.0e-12
      : (tensor<1x128x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<1x128x768xf32>
  // CHECK: spa.layer_norm %{{.*}}, %{{.*}} axis 2 : (tensor<1x128x768xf32>, tensor<768xf32>) -> tensor<1x128x768xf32>
  %2 = spa.layer_norm %x, %g axis 2
      : (tensor<1x128x768xf32>, tensor<768xf32>) -> tensor<1x128x768xf32>
  // CHECK: spa.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} epsilon 1.000000e-03 :
  %3 = spa.batch_norm %img, %c, %c, %c, %c epsilon 1.0e-3
      : (tensor<1x64x7x7xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>,
         tensor<64xf32>) -> tensor<1x64x7x7xf32>
  return %0, %1, %2, %3 : tensor<1x128x768xf32>, tensor<1x128x768xf32>,
                          tensor<1x128x768xf32>, tensor<1x64x7x7xf32>
}

// CHECK-LABEL: func.func @pooling
func.func @pooling(%x: tensor<1x64x112x112xf32>, %y: tensor<1x8x5x5xf32>)
    -> (tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>, tensor<1x8x3x3xf32>,
        tensor<1x64x1x1xf32>, tensor<1x64x1x1xf32>, tensor<1x8x2x2xf32>) {
  // CHECK: spa.max_pool2d %{{.*}} kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] : tensor<1x64x112x112xf32> -> tensor<1x64x56x56xf32>
  %0 = spa.max_pool2d %x kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1]
      : tensor<1x64x112x112xf32> -> tensor<1x64x56x56xf32>
  // CHECK: spa.avg_pool2d %{{.*}} kernel [2, 2] strides [2, 2] : tensor<1x64x112x112xf32> -> tensor<1x64x56x56xf32>
  %1 = spa.avg_pool2d %x kernel [2, 2] strides [2, 2]
      : tensor<1x64x112x112xf32> -> tensor<1x64x56x56xf32>
  // CHECK: spa.avg_pool2d %{{.*}} kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] ceil_mode count_include_pad :
  %2 = spa.avg_pool2d %y kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] ceil_mode
      count_include_pad : tensor<1x8x5x5xf32> -> tensor<1x8x3x3xf32>
  // CHECK: spa.global_avg_pool2d %{{.*}} : tensor<1x64x112x112xf32> -> tensor<1x64x1x1xf32>
  %3 = spa.global_avg_pool2d %x : tensor<1x64x112x112xf32> -> tensor<1x64x1x1xf32>
  // CHECK: spa.global_max_pool2d
  %4 = spa.global_max_pool2d %x : tensor<1x64x112x112xf32> -> tensor<1x64x1x1xf32>
  // CHECK: spa.max_pool2d %{{.*}} kernel [2, 2] strides [2, 2] dilations [2, 2] ceil_mode :
  %5 = spa.max_pool2d %y kernel [2, 2] strides [2, 2] dilations [2, 2] ceil_mode
      : tensor<1x8x5x5xf32> -> tensor<1x8x2x2xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>,
      tensor<1x8x3x3xf32>, tensor<1x64x1x1xf32>, tensor<1x64x1x1xf32>,
      tensor<1x8x2x2xf32>
}

// CHECK-LABEL: func.func @reductions
func.func @reductions(%x: tensor<1x64x7x7xf32>)
    -> (tensor<1x64x1x1xf32>, tensor<1x64xf32>, tensor<64x7x7xf32>,
        tensor<1x64x7x1xf32>) {
  // CHECK: spa.reduce_mean %{{.*}} axes [2, 3] keepdims : tensor<1x64x7x7xf32> -> tensor<1x64x1x1xf32>
  %0 = spa.reduce_mean %x axes [2, 3] keepdims : tensor<1x64x7x7xf32> -> tensor<1x64x1x1xf32>
  // CHECK: spa.reduce_sum %{{.*}} axes [2, 3] : tensor<1x64x7x7xf32> -> tensor<1x64xf32>
  %1 = spa.reduce_sum %x axes [2, 3] : tensor<1x64x7x7xf32> -> tensor<1x64xf32>
  // CHECK: spa.reduce_max %{{.*}} axes [0] : tensor<1x64x7x7xf32> -> tensor<64x7x7xf32>
  %2 = spa.reduce_max %x axes [0] : tensor<1x64x7x7xf32> -> tensor<64x7x7xf32>
  // CHECK: spa.reduce_min %{{.*}} axes [3] keepdims : tensor<1x64x7x7xf32> -> tensor<1x64x7x1xf32>
  %3 = spa.reduce_min %x axes [3] keepdims : tensor<1x64x7x7xf32> -> tensor<1x64x7x1xf32>
  return %0, %1, %2, %3 : tensor<1x64x1x1xf32>, tensor<1x64xf32>, tensor<64x7x7xf32>,
                          tensor<1x64x7x1xf32>
}

// CHECK-LABEL: func.func @data_movement
func.func @data_movement(%x: tensor<1x128x12x64xf32>, %a: tensor<1x64x28x28xf32>,
                         %b: tensor<1x32x28x28xf32>, %ids: tensor<1x128xi64>,
                         %table: tensor<30522x768xf32>)
    -> (tensor<1x12x128x64xf32>, tensor<128x768xf32>, tensor<1x96x28x28xf32>,
        tensor<1x64x14x14xf32>, tensor<1x64x30x30xf32>, tensor<1x64x30x30xf32>,
        tensor<1x128x768xf32>, tensor<1x64x28x28xf32>) {
  // CHECK: spa.transpose %{{.*}} perm [0, 2, 1, 3] : tensor<1x128x12x64xf32> -> tensor<1x12x128x64xf32>
  %0 = spa.transpose %x perm [0, 2, 1, 3] : tensor<1x128x12x64xf32> -> tensor<1x12x128x64xf32>
  // CHECK: spa.reshape %{{.*}} : tensor<1x128x12x64xf32> -> tensor<128x768xf32>
  %1 = spa.reshape %x : tensor<1x128x12x64xf32> -> tensor<128x768xf32>
  // CHECK: spa.concat %{{.*}}, %{{.*}} axis 1 : (tensor<1x64x28x28xf32>, tensor<1x32x28x28xf32>) -> tensor<1x96x28x28xf32>
  %2 = spa.concat %a, %b axis 1
      : (tensor<1x64x28x28xf32>, tensor<1x32x28x28xf32>) -> tensor<1x96x28x28xf32>
  // CHECK: spa.slice %{{.*}} starts [0, 0, 27, 1] steps [1, 1, -2, 2] : tensor<1x64x28x28xf32> -> tensor<1x64x14x14xf32>
  %3 = spa.slice %a starts [0, 0, 27, 1] steps [1, 1, -2, 2]
      : tensor<1x64x28x28xf32> -> tensor<1x64x14x14xf32>
  // CHECK: spa.pad %{{.*}} pads [0, 0, 1, 1, 0, 0, 1, 1] : tensor<1x64x28x28xf32> -> tensor<1x64x30x30xf32>
  %4 = spa.pad %a pads [0, 0, 1, 1, 0, 0, 1, 1]
      : tensor<1x64x28x28xf32> -> tensor<1x64x30x30xf32>
  // CHECK: spa.pad %{{.*}} pads [0, 0, 1, 1, 0, 0, 1, 1] mode reflect value 1.000000e+00 :
  %5 = spa.pad %a pads [0, 0, 1, 1, 0, 0, 1, 1] mode reflect value 1.0
      : tensor<1x64x28x28xf32> -> tensor<1x64x30x30xf32>
  // CHECK: spa.gather %{{.*}}[%{{.*}}] axis 0 : (tensor<30522x768xf32>, tensor<1x128xi64>) -> tensor<1x128x768xf32>
  %6 = spa.gather %table[%ids] axis 0
      : (tensor<30522x768xf32>, tensor<1x128xi64>) -> tensor<1x128x768xf32>
  // CHECK: spa.pad %{{.*}} pads [0, 0, 0, 0, 0, 0, 0, 0] mode edge :
  %7 = spa.pad %a pads [0, 0, 0, 0, 0, 0, 0, 0] mode edge
      : tensor<1x64x28x28xf32> -> tensor<1x64x28x28xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7
      : tensor<1x12x128x64xf32>, tensor<128x768xf32>, tensor<1x96x28x28xf32>,
        tensor<1x64x14x14xf32>, tensor<1x64x30x30xf32>, tensor<1x64x30x30xf32>,
        tensor<1x128x768xf32>, tensor<1x64x28x28xf32>
}

// CHECK-LABEL: func.func @expand_and_tile
func.func @expand_and_tile(%x: tensor<64x1x1xf32>, %y: tensor<1x3x4xi8>,
                           %d: tensor<?x4xf32>)
    -> (tensor<1x64x56x56xf32>, tensor<2x3x4xf32>, tensor<1x6x4xi8>,
        tensor<?x12xf32>) {
  // CHECK: spa.expand %{{.*}} : tensor<64x1x1xf32> -> tensor<1x64x56x56xf32>
  %0 = spa.expand %x : tensor<64x1x1xf32> -> tensor<1x64x56x56xf32>
  // CHECK: spa.expand %{{.*}} : tensor<?x4xf32> -> tensor<2x3x4xf32>
  %1 = spa.expand %d : tensor<?x4xf32> -> tensor<2x3x4xf32>
  // CHECK: spa.tile %{{.*}} repeats [1, 2, 1] : tensor<1x3x4xi8> -> tensor<1x6x4xi8>
  %2 = spa.tile %y repeats [1, 2, 1] : tensor<1x3x4xi8> -> tensor<1x6x4xi8>
  // CHECK: spa.tile %{{.*}} repeats [2, 3] : tensor<?x4xf32> -> tensor<?x12xf32>
  %3 = spa.tile %d repeats [2, 3] : tensor<?x4xf32> -> tensor<?x12xf32>
  return %0, %1, %2, %3 : tensor<1x64x56x56xf32>, tensor<2x3x4xf32>,
                          tensor<1x6x4xi8>, tensor<?x12xf32>
}

// CHECK-LABEL: func.func @resize
func.func @resize(%x: tensor<1x256x13x13xf32>, %y: tensor<1x3x5x5xf32>)
    -> (tensor<1x256x26x26xf32>, tensor<1x3x10x10xf32>, tensor<1x3x7x7xf32>) {
  // CHECK: spa.resize %{{.*}} nearest coordinate_transform asymmetric nearest_rounding floor : tensor<1x256x13x13xf32> -> tensor<1x256x26x26xf32>
  %0 = spa.resize %x nearest coordinate_transform asymmetric nearest_rounding floor
      : tensor<1x256x13x13xf32> -> tensor<1x256x26x26xf32>
  // CHECK: spa.resize %{{.*}} linear : tensor<1x3x5x5xf32> -> tensor<1x3x10x10xf32>
  %1 = spa.resize %y linear : tensor<1x3x5x5xf32> -> tensor<1x3x10x10xf32>
  // CHECK: spa.resize %{{.*}} linear coordinate_transform align_corners scales [1.000000e+00, 1.000000e+00, 1.500000e+00, 1.500000e+00] :
  %2 = spa.resize %y linear coordinate_transform align_corners
      scales [1.0, 1.0, 1.5, 1.5] : tensor<1x3x5x5xf32> -> tensor<1x3x7x7xf32>
  return %0, %1, %2 : tensor<1x256x26x26xf32>, tensor<1x3x10x10xf32>, tensor<1x3x7x7xf32>
}

// CHECK-LABEL: func.func @quantization
func.func @quantization(%x: tensor<1x64x56x56xf32>, %s: tensor<f32>,
                        %zp: tensor<i8>, %w: tensor<64x3x3x3xi8>,
                        %cs: tensor<64xf32>, %czp: tensor<64xi8>,
                        %uzp: tensor<ui8>, %acc: tensor<64xi32>,
                        %azp: tensor<i32>)
    -> (tensor<1x64x56x56xi8>, tensor<64x3x3x3xf32>, tensor<1x64x56x56xui8>,
        tensor<64xf32>) {
  // CHECK: spa.quantize %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x64x56x56xf32>, tensor<f32>, tensor<i8>) -> tensor<1x64x56x56xi8>
  %0 = spa.quantize %x, %s, %zp
      : (tensor<1x64x56x56xf32>, tensor<f32>, tensor<i8>) -> tensor<1x64x56x56xi8>
  // CHECK: spa.dequantize %{{.*}}, %{{.*}}, %{{.*}} axis 0 : (tensor<64x3x3x3xi8>, tensor<64xf32>, tensor<64xi8>) -> tensor<64x3x3x3xf32>
  %1 = spa.dequantize %w, %cs, %czp axis 0
      : (tensor<64x3x3x3xi8>, tensor<64xf32>, tensor<64xi8>) -> tensor<64x3x3x3xf32>
  // CHECK: spa.quantize {{.*}} -> tensor<1x64x56x56xui8>
  %2 = spa.quantize %x, %s, %uzp
      : (tensor<1x64x56x56xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x64x56x56xui8>
  // CHECK: spa.dequantize {{.*}} : (tensor<64xi32>, tensor<f32>, tensor<i32>) -> tensor<64xf32>
  %3 = spa.dequantize %acc, %s, %azp
      : (tensor<64xi32>, tensor<f32>, tensor<i32>) -> tensor<64xf32>
  return %0, %1, %2, %3 : tensor<1x64x56x56xi8>, tensor<64x3x3x3xf32>,
                          tensor<1x64x56x56xui8>, tensor<64xf32>
}

// CHECK-LABEL: func.func @encodings
// CHECK-SAME: tensor<64x128x3x3xf32, #spa.encoding<nm<2:4>, dim = 1>>
// CHECK-SAME: tensor<64x3x7x7xf32, #spa.encoding<nm<1:4>, dim = 1, padded = 4>>
// CHECK-SAME: tensor<768x768xf32, #spa.encoding<tasd<2:4, 1:8>, dim = 0>>
// CHECK-SAME: tensor<512x512xf32, #spa.encoding<nm<16:128>, dim = 1>>
// CHECK-SAME: tensor<512x512xf32, #spa.encoding<nm<8:256>, dim = 0>>
// CHECK-SAME: tensor<64x64xf32, #spa.encoding<dense>>
// CHECK-SAME: tensor<64x64xi8, #spa.encoding<bitmap>>
// CHECK-SAME: tensor<64x64x3x3xf32, #spa.encoding<csr>>
func.func @encodings(
    %a: tensor<64x128x3x3xf32, #spa.encoding<nm<2:4>, dim = 1>>,
    %b: tensor<64x3x7x7xf32, #spa.encoding<nm<1:4>, dim = 1, padded = 4>>,
    %c: tensor<768x768xf32, #spa.encoding<tasd<2:4, 1:8>, dim = 0>>,
    %d: tensor<512x512xf32, #spa.encoding<nm<16:128>, dim = 1>>,
    %e: tensor<512x512xf32, #spa.encoding<nm<8:256>, dim = 0>>,
    %f: tensor<64x64xf32, #spa.encoding<dense>>,
    %g: tensor<64x64xi8, #spa.encoding<bitmap>>,
    %h: tensor<64x64x3x3xf32, #spa.encoding<csr>>) {
  return
}

// CHECK-LABEL: func.func @sparsity_profile
// CHECK: spa.constant {spa.sparsity = #spa.sparsity<density = 5.000000e-01, dim = 0, nm = [2:4, 4:8]>} dense_resource<weight> : tensor<2x2xf32>
func.func @sparsity_profile() -> tensor<2x2xf32> {
  %w = spa.constant {spa.sparsity = #spa.sparsity<density = 0.5, dim = 0,
      nm = [2:4, 4:8]>}
      dense_resource<weight> : tensor<2x2xf32>
  return %w : tensor<2x2xf32>
}

// The blob is printed back as a resource section, never as a text attribute.
// CHECK: dialect_resources
// CHECK-NEXT: builtin
// CHECK-NEXT: weight: "0x040000000000803F0000000000000000000080BF"
{-#
  dialect_resources: {
    builtin: {
      weight: "0x040000000000803F0000000000000000000080BF"
    }
  }
#-}
