// Convolutions, transposed convolutions, matrix products and Gemm compiled
// with spc-compile and run on the emulator against float64 numpy references
// (test/Compiler/Inputs/contraction.py): strides, asymmetric pads, pads
// beyond the DMA's 255, dilations, groups, depthwise (vector unit), a
// run-time weight, a fused ReLU epilogue, stride phases of ConvTranspose
// including one no tap reaches, batched and broadcast MatMul with 1-D
// operands, Gemm with transposes, alpha, beta and broadcast C, int8, and QDQ groups.
// RUN: rm -rf %t && %python %S/Inputs/contraction.py %spc_tools dense-systolic %t/dense | FileCheck %s
// CHECK-NOT: FAIL
// CHECK-COUNT-27: PASS
// CHECK-NOT: FAIL

// A few on a sparse preset (its dense mode runs them).
// RUN: %python %S/Inputs/contraction.py %spc_tools high-sparsity %t/hs conv_stride_asym_pad,conv_depthwise,conv_transpose_stride_pads_outpad,matmul_batched_broadcast,gemm_trans_alpha_beta,matmul_integer_i8 | FileCheck %s --check-prefix=SPARSE
// SPARSE-NOT: FAIL
// SPARSE-COUNT-6: PASS
// SPARSE-NOT: FAIL

// An operand the matrix unit has no type for names the node.
// RUN: not spc-compile %S/Inputs/matmul-integer-u8.onnxtxt -o %t/u8.spab 2>&1 | FileCheck %s --check-prefix=UINT8
// UINT8: error: node 'y' (spa.matmul): the accelerator has no element type for 'tensor<5x3xui8>'

// Scratchpads too small for one array pass of K and N: the error says what
// the smallest tiles need.
// RUN: not spc-compile %S/Inputs/matmul-tiny-target.onnxtxt --target=%S/Inputs/tiny-scratchpads.json -o %t/tiny.spab 2>&1 | FileCheck %s --check-prefix=TINY
// TINY: error: node 'y' (spa.matmul): cannot tile the product: the smallest tiles (1 x 32 of A, 32 x 32 of W, 1 x 32 of C) need 128, 4096 and 128 bytes; the tile budgets (half of each scratchpad) are 1024 (act), 1024 (wgt) and 1024 (acc)
