// Imports the model of every ONNX backend node test (Debian's
// libonnx-testdata) whose operators are in the coverage table, and checks
// the imported signature against the test's tensors. Unexpected failures,
// and expected failures that now pass, fail the test.
// RUN: %python %spc_src/utils/onnx-node-tests.py --spc-translate %spc_tools/spc-translate --xfail %S/node-tests-xfail.txt | FileCheck %s
// CHECK-NOT: UNEXPECTED
// CHECK: ONNX node tests: {{[0-9]+}} total, {{[0-9]+}} imported
