// spc-opt registers SPC's passes and the upstream passes the pipeline uses.
// RUN: spc-opt --help | FileCheck %s
// RUN: spc-opt --help | FileCheck %s --check-prefix=UPSTREAM

// CHECK: --spa-annotate-sparsity
// CHECK-SAME: Measure the density and N:M structure of constant weights

// UPSTREAM-DAG: --canonicalize
// UPSTREAM-DAG: --one-shot-bufferize
// UPSTREAM-DAG: --linalg-generalize-named-ops
