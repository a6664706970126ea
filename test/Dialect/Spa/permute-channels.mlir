// RUN: spc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(spa-permute-channels{pattern=nm:2:4}))' --mlir-print-op-on-diagnostic=false 2>%t.diag | FileCheck %s
// RUN: FileCheck %s --check-prefix=REMARK < %t.diag

// Bad requests name what is accepted.
// RUN: not spc-opt %s --pass-pipeline='builtin.module(func.func(spa-permute-channels{pattern=unstructured:0.5}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-KIND
// BAD-KIND: error: spa-permute-channels pattern 'unstructured:0.5': channel permutation is for N:M patterns (nm:N:M or none)
// RUN: not spc-opt %s --pass-pipeline='builtin.module(func.func(spa-permute-channels{pattern=nm:5:4}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-NM
// BAD-NM: error: spa-permute-channels pattern 'nm:5:4': N:M needs 1 <= N <= M <= 256 (ISA §4.3)

// A producer (matmul + bias + relu) feeds a consumer whose large rows are
// channels 0-3: 2:4 keeps 9+9 and 1+1 of its first column. The best
// permutation (by exhaustive search too: 58 of 68) puts two of channels 0-3
// in each group. The producer's columns, the bias and the consumer's rows
// move together: position p reads channel P(p) everywhere. The producer
// reads the model input, whose channels cannot move.
// CHECK-LABEL: func.func @chain
// CHECK: spa.constant {spa.permuted = {pattern = "nm:2:4", reason = "it is a model input", retained_after = 0.5{{0*[0-9]*}} : f64, retained_before = 0.5{{0*[0-9]*}} : f64}}
// CHECK-SAME: dense<{{\[\[}}[[P0:[0-7]]].000000e+00, [[P1:[0-7]]].000000e+00, [[P2:[0-7]]].000000e+00, [[P3:[0-7]]].000000e+00, [[P4:[0-7]]].000000e+00, [[P5:[0-7]]].000000e+00, [[P6:[0-7]]].000000e+00, [[P7:[0-7]]].000000e+00], {{\[}}[[P0]].0
// CHECK-NEXT: spa.constant dense<[1.[[P0]]00000e+01, 1.[[P1]]00000e+01, 1.[[P2]]00000e+01, 1.[[P3]]00000e+01, 1.[[P4]]00000e+01, 1.[[P5]]00000e+01, 1.[[P6]]00000e+01, 1.[[P7]]00000e+01]> : tensor<8xf32>
// CHECK-NEXT: spa.constant {spa.permuted = {pattern = "nm:2:4", retained_after = 0.852941{{[0-9]*}} : f64, retained_before = 0.558823{{[0-9]*}} : f64}}
// CHECK-SAME: dense<{{\[\[}}{{[19]}}.000000e+00, [[P0]].000000e+00], {{\[}}{{[19]}}.000000e+00, [[P1]].000000e+00], {{\[}}{{[19]}}.000000e+00, [[P2]].000000e+00], {{\[}}{{[19]}}.000000e+00, [[P3]].000000e+00], {{\[}}{{[19]}}.000000e+00, [[P4]].000000e+00], {{\[}}{{[19]}}.000000e+00, [[P5]].000000e+00], {{\[}}{{[19]}}.000000e+00, [[P6]].000000e+00], {{\[}}{{[19]}}.000000e+00, [[P7]].000000e+00]]>
// REMARK: remark: {{.*}}input channels of layer 'in_proj' are not permuted: it is a model input
func.func @chain(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %w1 = spa.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
                            [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
                            [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
                            [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]]> : tensor<4x8xf32>
  %b1 = spa.constant dense<[10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0]> : tensor<8xf32>
  %w2 = spa.constant dense<[[9.0, 0.0], [9.0, 1.0], [9.0, 2.0], [9.0, 3.0],
                            [1.0, 4.0], [1.0, 5.0], [1.0, 6.0], [1.0, 7.0]]> : tensor<8x2xf32>
  %y = spa.matmul %x, %w1 : (tensor<2x4xf32>, tensor<4x8xf32>) -> tensor<2x8xf32> loc("in_proj")
  %z = spa.add %y, %b1 : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %r = spa.relu %z : tensor<2x8xf32>
  %o = spa.matmul %r, %w2 : (tensor<2x8xf32>, tensor<8x2xf32>) -> tensor<2x2xf32> loc("out_proj")
  return %o : tensor<2x2xf32>
}

// -----

// A residual block: %w1 both consumes and produces the space (the add joins
// its output to its input), so its rows and columns move by the same
// permutation and its diagonal stays a diagonal. The shared bias is cloned
// for each of its two users, both permuted.
// CHECK-LABEL: func.func @residual
// CHECK: spa.constant dense<{{\[\[}}[[P0:[1-8]]].000000e+00, [[P1:[1-8]]].000000e+00, [[P2:[1-8]]].000000e+00, [[P3:[1-8]]].000000e+00, [[P4:[1-8]]].000000e+00, [[P5:[1-8]]].000000e+00, [[P6:[1-8]]].000000e+00, [[P7:[1-8]]].000000e+00]]> : tensor<1x8xf32>
// CHECK-NEXT: spa.constant dense<[1.[[P0]]00000e+01, 1.[[P1]]00000e+01, 1.[[P2]]00000e+01, 1.[[P3]]00000e+01, 1.[[P4]]00000e+01, 1.[[P5]]00000e+01, 1.[[P6]]00000e+01, 1.[[P7]]00000e+01]>
// CHECK-NEXT: spa.constant dense<[1.[[P0]]00000e+01, 1.[[P1]]00000e+01, 1.[[P2]]00000e+01, 1.[[P3]]00000e+01, 1.[[P4]]00000e+01, 1.[[P5]]00000e+01, 1.[[P6]]00000e+01, 1.[[P7]]00000e+01]>
// CHECK: spa.constant {spa.permuted = {pattern = "nm:2:4", retained_after = 1.0{{0*[0-9]*}} : f64, retained_before = 1.0{{0*[0-9]*}} : f64}}
// CHECK-SAME: dense<{{\[\[}}[[P0]].000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], {{\[}}0.000000e+00, [[P1]].000000e+00, 0.000000e+00,
// CHECK-SAME: {{\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, [[P7]].000000e+00]]>
// CHECK: spa.constant {spa.permuted = {pattern = "nm:2:4", retained_after = 0.9{{0*[0-9]*}} : f64, retained_before = 0.5{{0*[0-9]*}} : f64}}
func.func @residual(%x: tensor<2x1xf32>) -> tensor<2x2xf32> {
  %w0 = spa.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]]> : tensor<1x8xf32>
  %b0 = spa.constant dense<[11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0]> : tensor<8xf32>
  %w1 = spa.constant dense<[[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                            [0.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                            [0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                            [0.0, 0.0, 0.0, 4.0, 0.0, 0.0, 0.0, 0.0],
                            [0.0, 0.0, 0.0, 0.0, 5.0, 0.0, 0.0, 0.0],
                            [0.0, 0.0, 0.0, 0.0, 0.0, 6.0, 0.0, 0.0],
                            [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 7.0, 0.0],
                            [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 8.0]]> : tensor<8x8xf32>
  %w2 = spa.constant dense<[[9.0, 9.0], [9.0, 9.0], [9.0, 9.0], [9.0, 9.0],
                            [1.0, 1.0], [1.0, 1.0], [1.0, 1.0], [1.0, 1.0]]> : tensor<8x2xf32>
  %t0 = spa.matmul %x, %w0 : (tensor<2x1xf32>, tensor<1x8xf32>) -> tensor<2x8xf32>
  %t = spa.add %t0, %b0 : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %r = spa.relu %t : tensor<2x8xf32>
  %u0 = spa.matmul %r, %w1 : (tensor<2x8xf32>, tensor<8x8xf32>) -> tensor<2x8xf32>
  %u = spa.add %u0, %b0 : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %v = spa.add %u, %t : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %o = spa.matmul %v, %w2 : (tensor<2x8xf32>, tensor<8x2xf32>) -> tensor<2x2xf32>
  return %o : tensor<2x2xf32>
}

// -----

// A concatenation along the channels, then a batch_norm: the consumer's
// groups in the first block (channels 0-7) are optimized by permuting that
// block, which folds into conv_a's bias and the first 8 BN scales; the
// second block (one group of 4) stays in place.
// CHECK-LABEL: func.func @concat
// CHECK: spa.constant dense<[[[A0:[0-7]]].000000e+00, [[A1:[0-7]]].000000e+00, [[A2:[0-7]]].000000e+00, [[A3:[0-7]]].000000e+00, [[A4:[0-7]]].000000e+00, [[A5:[0-7]]].000000e+00, [[A6:[0-7]]].000000e+00, [[A7:[0-7]]].000000e+00]> : tensor<8xf32>
// CHECK: spa.constant dense<[1.[[A0]]00000e+01, 1.[[A1]]00000e+01, 1.[[A2]]00000e+01, 1.[[A3]]00000e+01, 1.[[A4]]00000e+01, 1.[[A5]]00000e+01, 1.[[A6]]00000e+01, 1.[[A7]]00000e+01, 1.800000e+01, 1.900000e+01, 2.000000e+01, 2.100000e+01]> : tensor<12xf32>
// CHECK: spa.batch_norm
// CHECK: spa.constant {spa.permuted = {pattern = "nm:2:4", retained_after = 0.8{{[0-9]*}} : f64, retained_before = 0.5{{[0-9]*}} : f64}}
// REMARK: remark: {{.*}}input channels of layers 'conv_a', 'conv_b' are not permuted: it is a model input
func.func @concat(%x: tensor<1x4x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %wa = spa.constant dense<1.0> : tensor<8x4x1x1xf32>
  %ba = spa.constant dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]> : tensor<8xf32>
  %wb = spa.constant dense<2.0> : tensor<4x4x1x1xf32>
  %bb = spa.constant dense<[8.0, 9.0, 10.0, 11.0]> : tensor<4xf32>
  %a = spa.conv2d %x, %wa, %ba : (tensor<1x4x2x2xf32>, tensor<8x4x1x1xf32>, tensor<8xf32>) -> tensor<1x8x2x2xf32> loc("conv_a")
  %b = spa.conv2d %x, %wb, %bb : (tensor<1x4x2x2xf32>, tensor<4x4x1x1xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32> loc("conv_b")
  %c = spa.concat %a, %b axis 1 : (tensor<1x8x2x2xf32>, tensor<1x4x2x2xf32>) -> tensor<1x12x2x2xf32>
  %s = spa.constant dense<[10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0]> : tensor<12xf32>
  %z = spa.constant dense<0.0> : tensor<12xf32>
  %one = spa.constant dense<1.0> : tensor<12xf32>
  %n = spa.batch_norm %c, %s, %z, %z, %one : (tensor<1x12x2x2xf32>, tensor<12xf32>, tensor<12xf32>, tensor<12xf32>, tensor<12xf32>) -> tensor<1x12x2x2xf32>
  %w = spa.constant dense<[[[[9.0]], [[9.0]], [[9.0]], [[9.0]], [[1.0]], [[1.0]], [[1.0]], [[1.0]], [[1.0]], [[2.0]], [[3.0]], [[4.0]]]]> : tensor<1x12x1x1xf32>
  %o = spa.conv2d %n, %w : (tensor<1x12x2x2xf32>, tensor<1x12x1x1xf32>) -> tensor<1x1x2x2xf32> loc("conv_c")
  return %o : tensor<1x1x2x2xf32>
}

// -----

// Channels that a reshape splits into attention heads cannot move: the
// consumer keeps its order, and the remark says why.
// CHECK-LABEL: func.func @heads
// CHECK: spa.constant {spa.permuted = {pattern = "nm:2:4", reason = "a reshape splits or merges its channels", retained_after = [[R:.*]], retained_before = [[R]]}}
// REMARK: remark: {{.*}}input channels of layer 'ffn' are not permuted: a reshape splits or merges its channels
func.func @heads(%x: tensor<16x8xf32>) -> (tensor<2x16x4xf32>, tensor<16x8xf32>) {
  %w = spa.constant dense<1.0> : tensor<8x8xf32>
  %w2 = spa.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
                            [8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0],
                            [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
                            [8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0],
                            [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
                            [8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0],
                            [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
                            [8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0]]> : tensor<8x8xf32>
  %y = spa.matmul %x, %w : (tensor<16x8xf32>, tensor<8x8xf32>) -> tensor<16x8xf32> loc("qkv")
  %h = spa.reshape %y : tensor<16x8xf32> -> tensor<16x2x4xf32>
  %t = spa.transpose %h perm [1, 0, 2] : tensor<16x2x4xf32> -> tensor<2x16x4xf32>
  %f = spa.matmul %y, %w2 : (tensor<16x8xf32>, tensor<8x8xf32>) -> tensor<16x8xf32> loc("ffn")
  return %t, %f : tensor<2x16x4xf32>, tensor<16x8xf32>
}
