// spc-compile's errors name the node or input and the reason, and leave no
// output file and no report behind.
// RUN: rm -rf %t && mkdir -p %t

// A dynamic dimension must be fixed.
// RUN: not spc-compile %S/Inputs/dynamic.onnxtxt -o %t/a.spab --report=%t/a.json 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// RUN: not test -e %t/a.spab
// RUN: not test -e %t/a.json
// DYNAMIC: error: input 'x' has a dynamic dimension 0; fix it with --input-shape=x=...
// RUN: spc-compile %S/Inputs/dynamic.onnxtxt --input-shape=x=2,4 -o %t/b.spab
// RUN: spc-objdump %t/b.spab | FileCheck %s --check-prefix=FIXED
// FIXED: input  "x" f32 [2, 4]

// An element type the ISA lacks.
// RUN: not spc-compile %S/Inputs/float64.onnxtxt -o %t/c.spab 2>&1 | FileCheck %s --check-prefix=F64
// RUN: not test -e %t/c.spab
// F64: error: input 'x' has type 'tensor<2x4xf64>', which the accelerator has no element type for (ISA §1.1: f32, i8 and i32)

// An op the vector unit cannot run names the node.
// RUN: not spc-compile %S/Inputs/cast-to-int.onnxtxt -o %t/d.spab 2>&1 | FileCheck %s --check-prefix=CAST
// CAST: error: node 'y' (spa.cast): casting f32 to i32 truncates toward zero

// A bad target, and a missing output file for the binary.
// RUN: not spc-compile %S/Inputs/dynamic.onnxtxt --input-shape=x=2,4 --target=no-such-target -o %t/e.spab 2>&1 | FileCheck %s --check-prefix=TARGET
// TARGET: error: {{.*}}no-such-target
// RUN: not spc-compile %S/Inputs/dynamic.onnxtxt --input-shape=x=2,4 2>&1 | FileCheck %s --check-prefix=OUTPUT
// OUTPUT: error: --emit=bin needs an output file: -o FILE.spab

// A malformed model.
// RUN: not spc-compile %S/Inputs/elementwise.py -o %t/f.spab 2>&1 | FileCheck %s --check-prefix=MODEL
// MODEL: not an ONNX model

// A malformed pruning request or override file names what is wrong; a
// forced format the target cannot run names the layer, the format and the
// target's modes.
// RUN: not spc-compile %S/Inputs/matmul-tiny-target.onnxtxt --prune=nm:2:300 -o %t/p.spab --report=%t/p.json 2>&1 | FileCheck %s --check-prefix=PRUNE
// RUN: not test -e %t/p.spab
// RUN: not test -e %t/p.json
// PRUNE: error: spa-permute-channels pattern 'nm:2:300': N:M needs 1 <= N <= M <= 256 (ISA §4.3)
// RUN: not spc-compile %S/Inputs/matmul-tiny-target.onnxtxt --prune=nm:2:300 --permute-channels=none -o %t/p.spab 2>&1 | FileCheck %s --check-prefix=PRUNE-ONLY
// PRUNE-ONLY: error: spa-prune mode 'nm:2:300': N:M needs 1 <= N <= M <= 256 (ISA §4.3)
// RUN: not spc-compile %S/Inputs/matmul-tiny-target.onnxtxt --permute-channels=unstructured:0.5 -o %t/p.spab 2>&1 | FileCheck %s --check-prefix=PERMUTE
// RUN: not test -e %t/p.spab
// PERMUTE: error: spa-permute-channels pattern 'unstructured:0.5': channel permutation is for N:M patterns (nm:N:M or none)
// RUN: echo '{"mm": {"prune": "nm:2"}}' > %t/bad.json
// RUN: not spc-compile %S/Inputs/matmul-tiny-target.onnxtxt --layer-overrides=%t/bad.json -o %t/q.spab 2>&1 | FileCheck %s --check-prefix=OVERRIDES
// RUN: not test -e %t/q.spab
// OVERRIDES: error: {{.*}}bad.json: key 'mm'.prune: 'nm:2': expected nm:N:M with integers N and M
