// Bad inputs give one clear message naming the tensor or file, exit 1, and
// leave no output directory (docs/Emulator.md).
// RUN: rm -rf %t && mkdir -p %t
// RUN: spc-translate --emit-binary %S/Inputs/fc.mlir -o %t/fc.spab
// RUN: %python -c "import numpy as np; np.save('%t/f64.npy', np.zeros((4, 16))); np.save('%t/shape.npy', np.zeros((4, 15), np.float32)); np.save('%t/ok.npy', np.zeros((4, 16), np.float32)); np.save('%t/fortran.npy', np.asfortranarray(np.zeros((4, 16), np.float32)))"
// RUN: head -c 160 %t/ok.npy > %t/trunc.npy
// RUN: echo garbage > %t/corrupt.npy

// RUN: not spc-run %t/fc.spab --input=x=%t/f64.npy --output-dir=%t/out 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: spc-run: error: input 'x': {{.*}}f64.npy: unsupported dtype '<f8'
// RUN: not spc-run %t/fc.spab --input=x=%t/shape.npy --output-dir=%t/out 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: spc-run: error: input 'x' has shape [4x15], the model expects [4x16] (from {{.*}}shape.npy)
// RUN: not spc-run %t/fc.spab --input=y=%t/ok.npy --output-dir=%t/out 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: spc-run: error: unknown input 'y' (the model's inputs are 'x')
// RUN: not spc-run %t/fc.spab --output-dir=%t/out 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: spc-run: error: missing input 'x' (f32 [4x16])
// RUN: not spc-run %t/fc.spab --input=x=%t/trunc.npy --output-dir=%t/out 2>&1 | FileCheck %s --check-prefix=TRUNC
// TRUNC: spc-run: error: input 'x': {{.*}}trunc.npy: truncated data
// RUN: not spc-run %t/fc.spab --input=x=%t/corrupt.npy --output-dir=%t/out 2>&1 | FileCheck %s --check-prefix=CORRUPT
// CORRUPT: spc-run: error: input 'x': {{.*}}corrupt.npy: not an .npy file
// RUN: not spc-run %t/fc.spab --input=x=%t/fortran.npy --output-dir=%t/out 2>&1 | FileCheck %s --check-prefix=FORTRAN
// FORTRAN: spc-run: error: input 'x': {{.*}}fortran.npy: fortran_order arrays are not supported
// RUN: not spc-run %t/fc.spab --input=x=%t/missing.npy --output-dir=%t/out 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: spc-run: error: input 'x': {{.*}}missing.npy: cannot read
// RUN: not spc-run %t/fc.spab --input=x --output-dir=%t/out 2>&1 | FileCheck %s --check-prefix=SYNTAX
// SYNTAX: spc-run: error: --input expects NAME=FILE.npy, got 'x'
// A corrupt binary names the file and the offset (ISA §7).
// RUN: head -c 100 %t/fc.spab > %t/cut.spab
// RUN: not spc-run %t/cut.spab --input=x=%t/ok.npy --output-dir=%t/out 2>&1 | FileCheck %s --check-prefix=CUT
// CUT: spc-run: error: {{.*}}cut.spab: offset 0x18: header: truncated
// An impossible target file names the field.
// RUN: echo '{"name": "broken"}' > %t/broken.json
// RUN: not spc-run %t/fc.spab --target=%t/broken.json --input=x=%t/ok.npy --output-dir=%t/out 2>&1 | FileCheck %s --check-prefix=TARGET
// TARGET: broken.json: clock_mhz: missing
// RUN: test ! -e %t/out
// RUN: ls %t | FileCheck %s --check-prefix=LS
// LS-NOT: tmp
