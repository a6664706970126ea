// spc-run end to end on a small FC + bias + ReLU program: outputs.json names
// each output's file, the output equals the ISA §4.1 reference exactly, the
// stats JSON holds the documented keys, and the trace has one line per
// executed instruction (ISA §5, docs/Emulator.md).
// RUN: rm -rf %t && mkdir -p %t
// RUN: spc-translate --emit-binary %S/Inputs/fc.mlir -o %t/fc.spab
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', (np.arange(64, dtype=np.float32).reshape(4, 16) - 30) / 10)"
// RUN: spc-run %t/fc.spab --input=x=%t/x.npy --output-dir=%t/out --stats=%t/stats.json --trace=%t/trace.txt
// RUN: FileCheck %s --check-prefix=MAP < %t/out/outputs.json
// RUN: %python %S/Inputs/check_fc.py %S/Inputs/fc.mlir %t/x.npy %t/out/y.npy | FileCheck %s --check-prefix=EXACT
// RUN: FileCheck %s --check-prefix=STATS < %t/stats.json
// RUN: FileCheck %s --check-prefix=TRACE < %t/trace.txt
// A second run replaces the output directory; `--stats FILE` also works.
// RUN: spc-run %t/fc.spab --input=x=%t/x.npy --output-dir=%t/out --stats %t/stats2.json
// RUN: cmp %t/stats.json %t/stats2.json
// RUN: ls %t | FileCheck %s --check-prefix=LS

// MAP: "y": "y.npy"
// EXACT: outputs exact

// STATS-DAG: "cycles":
// STATS-DAG: "energy_pj":
// STATS-DAG: "macs": 512
// STATS-DAG: "dram_bytes":
// STATS-DAG: "sram_bytes":
// STATS-DAG: "layers": [
// STATS-DAG: "name": "fc"
// STATS-DAG: "name": "relu"
// STATS-DAG: "utilization":
// STATS-DAG: "target": "dense-systolic"

// TRACE: # queue index mnemonic unit start end layer
// TRACE-NEXT: load 0 LOAD load-dma 0 {{[0-9]+}} fc
// TRACE: compute 0 GEMM matrix {{[0-9]+ [0-9]+}} fc
// TRACE: compute 2 VEC vector {{[0-9]+ [0-9]+}} relu
// TRACE: store 0 STORE store-dma {{[0-9]+ [0-9]+}} relu

// LS-NOT: tmp
// LS-NOT: .old
