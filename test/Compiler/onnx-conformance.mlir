// Compiles a fixed sample of the ONNX backend node tests (utils/onnx-conformance.py
// --subset ci: one in three, by a hash of the name) for every target preset,
// runs each binary on the emulator and compares the outputs with the tests'
// expected outputs at the ONNX backend-test tolerances. Unexpected failures,
// and expected failures that now pass, fail the test. The full set:
//   utils/onnx-conformance.py --spc-compile build/bin/spc-compile \
//     --spc-run build/bin/spc-run --xfail test/Compiler/conformance-xfail.txt
// RUN: %python %spc_src/utils/onnx-conformance.py --spc-compile %spc_tools/spc-compile --spc-run %spc_tools/spc-run --subset ci --jobs 2 --xfail %S/conformance-xfail.txt | FileCheck %s
// CHECK-NOT: UNEXPECTED
// CHECK: conformance: {{[0-9]+}} passed, 0 failed, {{[0-9]+}} expected failures
