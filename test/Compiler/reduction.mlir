// Softmax, log-softmax, layer normalization, reductions and pooling compiled
// with spc-compile and run on the emulator, against numpy: tensors larger
// than one tile, reduced axes that are not innermost, rows longer than a
// tile (two-pass softmax and layer normalization), i8 and i32 reductions,
// dilated and ceil-mode max pooling, average pooling with either divisor,
// and global pooling.
// RUN: rm -rf %t && %python %S/Inputs/reduction.py %spc_tools dense-systolic %t/dense | FileCheck %s
// RUN: %python %S/Inputs/reduction.py %spc_tools high-sparsity %t/hs | FileCheck %s
// CHECK-NOT: FAIL
// CHECK-COUNT-19: PASS
// CHECK-NOT: FAIL

// Everything runs on the vector unit; a softmax over a strided axis is one
// DMA that scatters the reduced axis into SRAM rows, then RMAX, SUB of the
// broadcast maximum, EXP, RSUM, RECIP and MUL.
// RUN: spc-compile %S/Inputs/softmax-axis1.onnxtxt --emit=asm | FileCheck %s --check-prefix=ASM
// ASM: LOAD {{.*}} size [1, 2, 300, 7] dram_stride [0, 2100, 7, 1] sram_stride [0, 2100, 1, 300]
// ASM: VEC RMAX f32 rows 14 cols 300
// ASM-NEXT: VEC SUB f32 rows 14 cols 300 {{.*}} src2 wgt[{{[0-9]+}}, 1, 0]
// ASM-NEXT: VEC EXP
// ASM-NEXT: VEC RSUM
// ASM-NEXT: VEC RECIP f32 rows 14 cols 1
// ASM-NEXT: VEC MUL
// ASM: STORE

// What the accelerator cannot do names the node and the reason.
// RUN: not spc-compile %S/Inputs/reduce-mean-int.onnxtxt -o %t/a.spab 2>&1 | FileCheck %s --check-prefix=MEAN
// MEAN: error: node 'y' (spa.reduce_mean): a mean of i32 needs an integer division, which the vector unit does not have (its DIV takes f32, ISA §4.7)
// RUN: not spc-compile %S/Inputs/maxpool-wide-pad.onnxtxt -o %t/b.spab 2>&1 | FileCheck %s --check-prefix=PAD
// PAD: error: node 'y' (spa.max_pool2d): needs more than 255 elements of padding, more than a DMA pads (ISA §3.1)
