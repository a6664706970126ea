// Data movement compiled with spc-compile and run on the emulator, against
// numpy: transpose (and one larger than a tile), concat, slices with negative
// and gapped steps, constant padding (DMA padding, and borders wider than the
// DMA's 255), reflect and edge padding (scratchpad gathers), expand, tile,
// nearest resize (regular and irregular index maps), linear resize on the
// matrix unit (and one over several tiles), gathers with constant indices and
// with run-time indices (one-hot GEMM, f32 and i8, negative indices), split
// and reshape feeding a transpose.
// RUN: rm -rf %t && %python %S/Inputs/data_movement.py %spc_tools dense-systolic %t/dense | FileCheck %s
// RUN: %python %S/Inputs/data_movement.py %spc_tools sparse-2of4 %t/nm | FileCheck %s
// CHECK-NOT: FAIL
// CHECK-COUNT-20: PASS
// CHECK-NOT: FAIL

// Errors name the node and the reason.
// RUN: %python %S/Inputs/data_movement.py --errors %t/errors
// RUN: not spc-compile %t/errors/gather-i32.onnx -o %t/errors/a.spab 2>&1 | FileCheck %s --check-prefix=GATHER
// RUN: not spc-compile %t/errors/resize-outer.onnx -o %t/errors/b.spab 2>&1 | FileCheck %s --check-prefix=RESIZE
// GATHER: error: node 'lookup' (spa.gather): gathering i32 data with run-time indices needs an i32 matrix product, which the accelerator lacks (the indices must be constant)
// RESIZE: error: node 'upsample' (spa.resize): linear resize of dimension 0 is not supported: the accelerator interpolates the two innermost dimensions
