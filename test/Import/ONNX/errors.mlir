// Bad input gives one clear error per problem, a non-zero exit, and no
// output file.
// RUN: rm -rf %t && %python %S/Inputs/make_models.py %t
// RUN: not spc-translate --import-onnx %t/truncated.onnx -o %t/out.mlir 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// RUN: not test -e %t/out.mlir
// TRUNCATED: truncated.onnx:0:0: error: not an ONNX model: the {{[0-9]+}}-byte file does not parse as a ModelProto (truncated, corrupt or another format)
// RUN: not spc-translate --import-onnx %t/garbage.onnx 2>&1 | FileCheck %s --check-prefix=GARBAGE
// GARBAGE: error: not an ONNX model: the 200-byte file does not parse as a ModelProto
// RUN: not spc-translate --import-onnx %t/empty.onnx 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: empty.onnx:0:0: error: not an ONNX model: no IR version or graph
// RUN: not spc-translate --import-onnx %t/no-such-file.onnx 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: no-such-file.onnx{{.*}}No such file or directory

// Every unsupported operator is listed in one run, with its name, operator,
// domain and opset.
// RUN: not spc-translate --import-onnx %t/unsupported.onnx -o %t/out.mlir 2>&1 | FileCheck %s --check-prefix=UNHANDLED
// RUN: not test -e %t/out.mlir
// UNHANDLED: error: unsupported operator: node 'find_nonzero' (NonZero, opset 13)
// UNHANDLED-NEXT: error: unsupported operator: node 'encoder_lstm' (LSTM, opset 13)
// UNHANDLED-NEXT: error: unsupported operator: node 'vendor' (CustomOp, domain 'com.vendor', opset 1)
// UNHANDLED-NEXT: error: 3 of 4 nodes use operators SPC does not support

// RUN: not spc-translate --import-onnx %t/future-opset.onnx 2>&1 | FileCheck %s --check-prefix=FUTURE
// FUTURE: error: model uses ONNX opset 99, newer than the ONNX library knows (17)

// The ONNX checker and shape inference report what they find.
// RUN: not spc-translate --import-onnx %t/missing-input.onnx 2>&1 | FileCheck %s --check-prefix=CHECKER
// CHECKER: error: model fails the ONNX checker: Nodes in a graph must be topologically sorted
// RUN: not spc-translate --import-onnx %t/missing-input.onnx --onnx-no-checker 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: node 'add_bias' (Add, opset 13): input 'bias' is not produced by any node, graph input or initializer
// RUN: not spc-translate --import-onnx %t/type-mismatch.onnx 2>&1 | FileCheck %s --check-prefix=MISMATCH
// MISMATCH: error: ONNX shape inference failed: {{.*}}mixed_add{{.*}}

// RUN: not spc-translate --import-onnx %t/complex.onnx 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: error: value 'x' has data type COMPLEX64, which SPC does not support
// RUN: not spc-translate --import-onnx %t/short-initializer.onnx 2>&1 | FileCheck %s --check-prefix=SHORT
// SHORT: error: {{.*}}conv.weight

// External data is read from beside the model, and only from there.
// RUN: spc-translate --import-onnx %t/ext/model.onnx --mlir-elide-resource-strings-if-larger=100000 | FileCheck %s --check-prefix=EXTERNAL
// EXTERNAL: spa.constant dense_resource<conv_weight> : tensor<4x3x3x3xf32>
// EXTERNAL: conv_weight: "0x08000000000000000AD7233C0AD7A33C{{.*}}"
// RUN: not spc-translate --import-onnx %t/ext-missing.onnx 2>&1 | FileCheck %s --check-prefix=EXTMISSING
// EXTMISSING: error: cannot read external data '{{.*}}missing.bin' of tensor 'conv.weight': No such file or directory
// RUN: not spc-translate --import-onnx %t/ext-escape.onnx 2>&1 | FileCheck %s --check-prefix=ESCAPE
// ESCAPE: error: tensor 'conv.weight' has an invalid external-data location '../../etc/passwd'

// Old opsets go through the ONNX version converter.
// RUN: spc-translate --import-onnx %t/old-opset.onnx | FileCheck %s --check-prefix=OLD
// OLD: spa.conv2d
// OLD: spa.relu

// Graph inputs keep their names; dynamic dimensions stay dynamic until fixed.
// RUN: spc-translate --import-onnx %t/valid.onnx --mlir-print-debuginfo | FileCheck %s --check-prefix=DYNAMIC
// DYNAMIC: func.func @main(%{{.*}}: tensor<?x3x8x8xf32> {onnx.name = "x"}{{.*}}) -> (tensor<?x4x8x8xf32> {onnx.name = "y"})
// DYNAMIC: spa.conv2d {{.*}} loc(#[[CONV:loc[0-9]+]])
// DYNAMIC: #[[CONV]] = loc("conv1"(
// RUN: spc-translate --import-onnx %t/valid.onnx --input-shape=x=2,3,8,8 | FileCheck %s --check-prefix=FIXED
// FIXED: func.func @main(%{{.*}}: tensor<2x3x8x8xf32> {onnx.name = "x"}) -> (tensor<2x4x8x8xf32> {onnx.name = "y"})
// RUN: not spc-translate --import-onnx %t/valid.onnx --input-shape=input=2,3,8,8 2>&1 | FileCheck %s --check-prefix=BADNAME
// BADNAME: error: --input-shape names 'input', but the graph inputs are 'x'
// RUN: not spc-translate --import-onnx %t/valid.onnx --input-shape=x=2,3,8 2>&1 | FileCheck %s --check-prefix=BADRANK
// BADRANK: error: --input-shape gives 'x' rank 3, but the model gives it rank 4
// RUN: not spc-translate --import-onnx %t/valid.onnx --input-shape=x=2,4,8,8 2>&1 | FileCheck %s --check-prefix=CONFLICT
// CONFLICT: error: --input-shape gives dimension 1 of 'x' as 4, but the model fixes it to 3
// RUN: not spc-translate --import-onnx %t/valid.onnx --input-shape=x=2,three 2>&1 | FileCheck %s --check-prefix=SYNTAX
// SYNTAX: error: --input-shape=x=2,three: 'three' is not a non-negative dimension
// RUN: not spc-translate --import-onnx %t/valid.onnx --input-shape=x 2>&1 | FileCheck %s --check-prefix=NOEQ
// NOEQ: error: --input-shape expects NAME=D0,D1,..., got 'x'

// A graph output nothing produces is reported before the version converter
// sees the model (it crashed the converter; found by spc-fuzz-onnx).
// RUN: not spc-translate --import-onnx %t/orphan-output.onnx --onnx-no-checker 2>&1 | FileCheck %s --check-prefix=ORPHAN
// ORPHAN: error: graph output 'not' is not produced by any node, graph input or initializer

// ONNX's own shape inference crashes on a rank-2 ConvTranspose input; the
// importer rejects it first (found by spc-fuzz-onnx).
// RUN: not spc-translate --import-onnx %t/rank2-conv-transpose.onnx 2>&1 | FileCheck %s --check-prefix=RANK2
// RANK2: error: node 'deconv' (ConvTranspose): input 'X' has rank 2, but the operator needs (N, C, spatial...) of rank 3 or more

// ONNX's convolution and pooling inference divide by strides (found by
// spc-fuzz-onnx); zero and negative window attributes are rejected first.
// RUN: split-file %s %t.split
// RUN: not spc-translate --import-onnx %t.split/zero-stride.onnxtxt 2>&1 | FileCheck %s --check-prefix=ZEROSTRIDE
// ZEROSTRIDE: error: node producing 'y' (AveragePool): strides must be positive
// RUN: not spc-translate --import-onnx %t.split/zero-group.onnxtxt 2>&1 | FileCheck %s --check-prefix=ZEROGROUP
// ZEROGROUP: error: node producing 'y' (Conv): group must be positive, got 0

//--- zero-stride.onnxtxt
<
  ir_version: 8,
  opset_import: ["" : 17]
>
g (float[1, 3, 8, 8] x) => (float[1, 3, 4, 4] y)
{
  y = AveragePool<kernel_shape = [2, 2], strides = [0, 2]>(x)
}

//--- zero-group.onnxtxt
<
  ir_version: 8,
  opset_import: ["" : 17]
>
g (float[1, 4, 8, 8] x, float[4, 1, 3, 3] w) => (float[1, 4, 6, 6] y)
{
  y = Conv<group = 0>(x, w)
}
