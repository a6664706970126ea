// GEMM.SP on the high-sparsity engine: the output equals the sum over the
// stored CSR entries (ISA §4.4), the useful MACs count only the non-zeros,
// and the binary is tied to its target (ISA §6.5).
// RUN: rm -rf %t && mkdir -p %t
// RUN: spc-translate --emit-binary %S/Inputs/sparse-fc.mlir -o %t/sp.spab
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.random.default_rng(3).standard_normal((4, 16)).astype(np.float32))"
// RUN: spc-run %t/sp.spab --input=x=%t/x.npy --output-dir=%t/out --stats=%t/stats.json
// RUN: %python %S/Inputs/check_fc.py %S/Inputs/sparse-fc.mlir %t/x.npy %t/out/y.npy | FileCheck %s --check-prefix=EXACT
// RUN: FileCheck %s < %t/stats.json
// RUN: not spc-run %t/sp.spab --target=dense-systolic --input=x=%t/x.npy --output-dir=%t/out2 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: test ! -e %t/out2

// EXACT: outputs exact
// CHECK-DAG: "GEMM.SP": 1
// CHECK-DAG: "macs": 64
// CHECK-DAG: "target": "high-sparsity"
// TARGET: spc-run: error: {{.*}}target 'dense-systolic'
