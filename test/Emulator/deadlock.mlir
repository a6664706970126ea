// A deadlock stops the run with an error naming each blocked queue and
// instruction (ISA §1.2); no output directory is written.
// RUN: rm -rf %t && mkdir -p %t
// RUN: spc-translate --emit-binary %S/Inputs/deadlock.mlir -o %t/dl.spab
// RUN: not spc-run %t/dl.spab --output-dir=%t/out 2>&1 | FileCheck %s
// RUN: test ! -e %t/out

// CHECK: spc-run: error: deadlock: every unfinished queue waits for a token that is never pushed:
// CHECK-NEXT: load queue instruction 0 (SYNC, layer 'stuck') waits for a C->L token
// CHECK-NEXT: compute queue instruction 0 (SYNC, layer 'stuck') waits for a L->C token
