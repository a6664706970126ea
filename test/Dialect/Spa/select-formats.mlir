// RUN: spc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(spa-annotate-sparsity,spa-select-formats{target=sparse-2of4}))' | FileCheck %s --check-prefix=SP24
// RUN: spc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(spa-annotate-sparsity,spa-select-formats{target=high-sparsity}))' | FileCheck %s --check-prefix=HS
// RUN: spc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(spa-annotate-sparsity,spa-select-formats{target=dense-systolic}))' | FileCheck %s --check-prefix=DS

// A forced format the target or the weight cannot run is an error naming the
// layer, the format and what the target supports.
// RUN: not spc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(spa-annotate-sparsity,spa-select-formats{target=sparse-2of4 overrides=%S/Inputs/force-csr.json}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=NO-CSR
// NO-CSR: error: {{.*}}layer 'mm24': format csr requested, but target 'sparse-2of4' has no unstructured matrix mode (its modes: dense (dense), sparse-tensor-core (N:M 2:4))
// RUN: not spc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(spa-annotate-sparsity,spa-select-formats{target=sparse-2of4 overrides=%S/Inputs/force-nm.json}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=NO-NM
// NO-NM: error: {{.*}}layer 'mm14': format nm requested, but target 'sparse-2of4' runs no N:M pattern the weight satisfies with M dividing its reduced extent (6); the target runs dense (dense), sparse-tensor-core (N:M 2:4); the weight satisfies 1:4
// RUN: not spc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(spa-annotate-sparsity,spa-select-formats{target=no-such-target}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=NO-TARGET
// NO-TARGET: error: spa-select-formats: {{.*}}no-such-target

// A 2:4 weight (every group of 4 along K holds 2 non-zeros): the 2:4 core
// runs it on GEMM.NM; the high-sparsity engine prefers CSR; the dense array
// can only save DRAM traffic by decompressing on load.
// SP24-LABEL: func.func @matmul_2of4
// SP24: spa.layout = #spa.encoding<nm<2:4>, dim = 0>, spa.layout_reason = "GEMM.NM 2:4: {{[0-9]+}} cycles vs {{[0-9]+}} dense ({{[0-9.]+}}x), weights {{[0-9]+}} vs 128 bytes"
// HS-LABEL: func.func @matmul_2of4
// HS: spa.layout = #spa.encoding<csr>, spa.layout_reason = "GEMM.SP csr:
// DS-LABEL: func.func @matmul_2of4
// DS: spa.layout = #spa.encoding<{{.*}}>, spa.layout_reason = "LOAD.DECOMP
func.func @matmul_2of4(%x: tensor<512x8xf32>) -> tensor<512x4xf32> {
  %w = spa.constant dense<[[1.0, 0.0, 2.0, 0.0], [0.0, 3.0, 0.0, 4.0],
                           [5.0, 0.0, 0.0, 6.0], [0.0, 7.0, 8.0, 0.0],
                           [1.0, 2.0, 0.0, 0.0], [0.0, 0.0, 3.0, 4.0],
                           [5.0, 6.0, 7.0, 8.0], [0.0, 0.0, 0.0, 0.0]]>
      : tensor<8x4xf32>
  %y = spa.matmul %x, %w : (tensor<512x8xf32>, tensor<8x4xf32>) -> tensor<512x4xf32> loc("mm24")
  return %y : tensor<512x4xf32>
}

// -----

// 1:4 along K, but 6 is not a multiple of 4: N:M is out; unstructured
// formats remain.
// SP24-LABEL: func.func @matmul_odd_k
// SP24: spa.layout = #spa.encoding<{{bitmap|dense}}>
func.func @matmul_odd_k(%x: tensor<512x6xf32>) -> tensor<512x2xf32> {
  %w = spa.constant dense<[[1.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 2.0],
                           [0.0, 0.0], [0.0, 0.0]]> : tensor<6x2xf32>
  %y = spa.matmul %x, %w : (tensor<512x6xf32>, tensor<6x2xf32>) -> tensor<512x2xf32> loc("mm14")
  return %y : tensor<512x2xf32>
}

// -----

// Without zeros there is nothing to gain.
// SP24-LABEL: func.func @dense_weight
// SP24: spa.layout = #spa.encoding<dense>, spa.layout_reason = "dense: the weight has no zeros"
func.func @dense_weight(%x: tensor<4x4xf32>) -> tensor<4x2xf32> {
  %w = spa.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]>
      : tensor<4x2xf32>
  %y = spa.matmul %x, %w : (tensor<4x4xf32>, tensor<4x2xf32>) -> tensor<4x2xf32> loc("mmd")
  return %y : tensor<4x2xf32>
}
