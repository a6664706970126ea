// The compile pipeline in spc-opt, the spt program it produces, the report,
// and the layer table naming ONNX nodes with fused epilogues.
// RUN: rm -rf %t && mkdir -p %t
// RUN: spc-translate --import-onnx %S/Inputs/dynamic.onnxtxt --input-shape=x=2,4 --mlir-print-debuginfo -o %t/m.mlir
// RUN: spc-opt %t/m.mlir --spc-compile-pipeline="target=sparse-2of4 report=%t/r.json" | FileCheck %s
// CHECK: spt.program @main target "sparse-2of4" dram_size
// CHECK: spt.tensor input "x" f32 [2, 4] at
// CHECK: spt.tensor output "y" f32 [2, 4] at
// CHECK: spt.layer "y" load [0, 1) compute [0, 1) store [0, 1)
// CHECK: spt.queue load {
// CHECK-NEXT: spt.load f32 {{.*}} deps(push_next)
// CHECK: spt.vec relu f32 {{.*}} deps(pop_prev, push_next)
// CHECK: spt.store f32 {{.*}} deps(pop_prev)
// RUN: %python -c "import json, sys; r = json.load(open(sys.argv[1])); print(r['target'], r['instructions']['tokens'], r['layers'][0]['ops'])" %t/r.json | FileCheck %s --check-prefix=REPORT
// REPORT: sparse-2of4 2 ['spa.relu']

// The same through spc-compile --emit=mlir and --emit=asm.
// RUN: spc-compile %S/Inputs/dynamic.onnxtxt --input-shape=x=2,4 --emit=asm | FileCheck %s --check-prefix=ASM
// ASM: layers (1):
// ASM-NEXT: "y" load [0, 1) compute [0, 1) store [0, 1)
// ASM: VEC{{ +}}RELU f32 rows 1 cols 8

// A binary element-wise op takes the activations that alone use its result
// as an epilogue, like a contraction: one layer, the sum never stored.
// RUN: spc-compile %S/Inputs/add-relu.onnxtxt --emit=asm | FileCheck %s --check-prefix=FUSED
// FUSED: layers (1):
// FUSED-NEXT: "s+y" load [0, 2) compute [0, 2) store [0, 1)
// FUSED: VEC{{ +}}ADD f32
// FUSED-NEXT: VEC{{ +}}RELU f32
// FUSED: store queue (2 instructions):
