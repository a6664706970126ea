// Pass statistics are compiled out of release (NDEBUG) builds of MLIR, such as
// Debian's packages; this test runs against an MLIR built with assertions.
// REQUIRES: asserts
// RUN: spc-opt %s --spa-annotate-sparsity --mlir-pass-statistics -o /dev/null 2>&1 | FileCheck %s

// CHECK: SpaAnnotateSparsity
// CHECK-DAG: (S) 1 num-ambiguous
// CHECK-DAG: (S) 2 num-sparse
// CHECK-DAG: (S) 1 num-structured
// CHECK-DAG: (S) 1 num-unreadable
// CHECK-DAG: (S) 3 num-weights

func.func @stats(%x: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>,
                                          tensor<4x4xf32>, tensor<4x4xf32>,
                                          tensor<4x4xf32>) {
  // Dense: counted as a weight only.
  %dense = spa.constant dense<1.0> : tensor<4x4xf32>
  %0 = spa.matmul %x, %dense : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  // 2:4 along K: sparse and structured.
  %half = spa.constant dense<[[1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0],
                              [1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]]> : tensor<4x4xf32>
  %1 = spa.matmul %x, %half : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  // 3:4 along K: sparse, not structured.
  %most = spa.constant dense<[[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0],
                              [1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]]> : tensor<4x4xf32>
  %2 = spa.matmul %x, %most : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  // Reduced along dimension 0 and 1.
  %both = spa.constant dense<2.0> : tensor<4x4xf32>
  %3 = spa.matmul %both, %both : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %elided = spa.constant dense_resource<__elided__> : tensor<4x4xf32>
  %4 = spa.matmul %x, %elided : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0, %1, %2, %3, %4 : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>,
                              tensor<4x4xf32>, tensor<4x4xf32>
}
