// The hand-written program examples/programs/tasd-a.mlir runs on the emulator with
// outputs equal to the ISA reference and the matrix cycles of the documented
// model (docs/CycleModel.md).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %spc_src/utils/spt-programs.py prepare tasd-a %spc_src/examples/programs/tasd-a.mlir %t
// RUN: spc-translate --emit-binary %t/program.mlir -o %t/program.spab
// RUN: spc-run %t/program.spab --input=x=%t/x.npy --output-dir=%t/out --stats=%t/stats.json
// RUN: %python %spc_src/utils/spt-programs.py check tasd-a %t %t/stats.json %spc_src/targets/flexible-nm.json | FileCheck %s
// CHECK: tasd-a: outputs exact
