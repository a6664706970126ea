// Element-wise ops compiled with spc-compile and run on the emulator, against
// numpy (broadcasting, scalar immediates, multi-chunk tensors, activations
// fused into binary ops, prelu, clip, unfolded batch_norm, where with a
// constant condition, casts, int32).
// RUN: rm -rf %t && %python %S/Inputs/elementwise.py %spc_tools dense-systolic %t/dense | FileCheck %s
// RUN: %python %S/Inputs/elementwise.py %spc_tools high-sparsity %t/hs | FileCheck %s
// CHECK-NOT: FAIL
// CHECK-COUNT-12: PASS
// CHECK-NOT: FAIL
