// spa-tasd-search keeps the configuration of least modelled EDP within the
// weight-error budget; spa-tasd-decompose applies it.
// RUN: spc-opt %s --pass-pipeline='builtin.module(func.func(spa-tasd-search{target=flexible-nm max-error=0.2 output=%t.json},spa-tasd-decompose{target=flexible-nm}))' | FileCheck %s --check-prefix=LOOSE
// RUN: FileCheck %s --check-prefix=OUTPUT < %t.json
// RUN: spc-opt %s --pass-pipeline='builtin.module(func.func(spa-tasd-search{target=flexible-nm max-error=0.1},spa-tasd-decompose{target=flexible-nm}))' | FileCheck %s --check-prefix=TIGHT
// RUN: spc-opt %s --pass-pipeline='builtin.module(func.func(spa-tasd-decompose{target=flexible-nm config=%S/Inputs/tasd-config.json}))' | FileCheck %s --check-prefix=CONFIG

// Requests the target cannot run name the layer.
// RUN: not spc-opt %s --pass-pipeline='builtin.module(func.func(spa-tasd-decompose{target=sparse-2of4 config=%S/Inputs/tasd-config.json}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=NO-UNIT
// NO-UNIT: error: loc("mm"): layer 'mm': cannot apply TASD 2:4+1:4 / activations 2:4: target 'sparse-2of4' runs no GEMM.NM 1:4
// RUN: not spc-opt %s --pass-pipeline='builtin.module(func.func(spa-tasd-search{target=flexible-nm activations=2:4+1:4}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=ACT-SERIES
// ACT-SERIES: error: spa-tasd-search: activations must be none, auto or one N:M pattern: '2:4+1:4' has several
// RUN: not spc-opt %s --pass-pipeline='builtin.module(func.func(spa-tasd-search{target=flexible-nm max-terms=9}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=TERMS
// TERMS: error: spa-tasd-search: max-terms must be 1 to 8 and max-error at least 0

// The weight W[K=8][N=2] groups along K (dim 0). 2:4 keeps the two
// largest magnitudes of every 4: relative error
// sqrt((1 + 0.25 + 0.01 + 1 + 0.25 + 1 + 0.0625 + 0.04) / 107.6125) = 0.1832,
// within 0.2; 2:4+1:4 also keeps the largest of each residual group
// (error sqrt(0.55 / 107.6125) = 0.0715), which this small layer's
// metadata makes dearer than the dense weight: at 0.1 the weight stays.
// LOOSE: spa.constant {spa.tasd = {error = 0.1832{{[0-9]*}} : f64, series = "2:4"}} dense<{{\[}}[0.000000e+00, 5.000000e+00], [3.000000e+00, 2.000000e+00], [0.000000e+00, 0.000000e+00], [-2.000000e+00, 0.000000e+00], [4.000000e+00, 0.000000e+00], [0.000000e+00, 3.000000e+00], [-6.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00]]>
// LOOSE: spa.matmul {{.*}}spa.tasd_config = {activations = "none", baseline = "none", {{.*}}weight_error = 0.1832{{[0-9]*}} : f64, weights = "2:4"}
// OUTPUT: "mm": {
// OUTPUT-NEXT: "tasd_activations": "none",
// OUTPUT-NEXT: "tasd_weights": "2:4"
// TIGHT-NOT: spa.tasd =
// TIGHT: spa.tasd_config = {activations = "none", {{.*}}weights = "none"}
// The configuration file's series and activation pattern: the terms
// partition the kept values; the matmul's A operand groups along dim 1.
// CONFIG: spa.constant {spa.tasd = {error = 0.0714{{[0-9]*}} : f64, series = "2:4+1:4"}} dense<{{\[}}[-1.000000e+00, 5.000000e+00], [3.000000e+00, 2.000000e+00], [0.000000e+00, 0.000000e+00], [-2.000000e+00, 1.000000e+00], [4.000000e+00, -2.500000e-01], [0.000000e+00, 3.000000e+00], [-6.000000e+00, 0.000000e+00], [1.000000e+00, 1.000000e+00]]>
// CONFIG: spa.matmul {{.*}}{spa.tasd_act = #spa.encoding<nm<2:4>, dim = 1>}
func.func @mm(%x: tensor<64x8xf32>) -> tensor<64x2xf32> {
  %w = spa.constant dense<[[-1.0, 5.0], [3.0, 2.0], [0.5, 0.5], [-2.0, 1.0], [4.0, -0.25], [0.1, 3.0], [-6.0, 0.2], [1.0, 1.0]]> : tensor<8x2xf32>
  %y = spa.matmul %x, %w : (tensor<64x8xf32>, tensor<8x2xf32>) -> tensor<64x2xf32> loc("mm")
  return %y : tensor<64x2xf32>
}
