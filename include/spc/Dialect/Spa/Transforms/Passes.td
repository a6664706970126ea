//===- Passes.td - Spa transformation passes ---------------*- tablegen -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_DIALECT_SPA_TRANSFORMS_PASSES_TD
#define SPC_DIALECT_SPA_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def SpaAnnotateSparsity : Pass<"spa-annotate-sparsity"> {
  let summary = "Measure the density and N:M structure of constant weights";
  let description = [{
    For every `spa.constant` that feeds the multiplied operand of a
    contraction (`spa.conv2d`, `spa.conv_transpose2d`, `spa.matmul`,
    `spa.gemm`), measures

    * its density, the fraction of non-zero values, and
    * for each group size M in {4, 8, 16, 32, 64, 128, 256} that fits in the
      reduced dimension, the smallest N for which the weight already
      satisfies N:M exactly, with groups of M contiguous values along the
      dimension the contraction reduces (input channels for a convolution
      weight, K for a matmul operand).

    and attaches the result as a `#spa.sparsity` attribute named
    `spa.sparsity`. The layout passes read it to pick a lossless format per
    weight and target without scanning the weight again.

    A constant that feeds contractions along different dimensions is left
    unannotated (and counted), since no single grouping describes it.

    Before:

    ```mlir
    %w = spa.constant dense<...> : tensor<8x8xf32>
    %y = spa.matmul %x, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
    ```

    After:

    ```mlir
    %w = spa.constant {spa.sparsity = #spa.sparsity<density = 5.000000e-01,
        dim = 0, nm = [2:4, 4:8]>}
        dense<...> : tensor<8x8xf32>
    ```

    The pass reads the constant's bytes directly and handles every float and
    byte-wide integer element type, so quantized int8 weights are measured the
    same way.
  }];
  let dependentDialects = ["::spc::spa::SpaDialect"];
  let statistics = [
    Statistic<"numWeights", "num-weights", "Constant weights annotated">,
    Statistic<"numSparse", "num-sparse",
              "Annotated weights with at least one zero">,
    Statistic<"numStructured", "num-structured",
              "Annotated weights satisfying an N:M pattern with N/M <= 1/2">,
    Statistic<"numAmbiguous", "num-ambiguous",
              "Constants skipped because their uses reduce different dims">,
    Statistic<"numUnreadable", "num-unreadable",
              "Constants skipped because their data cannot be read (elided "
              "blob or sub-byte elements)">
  ];
}

#endif // SPC_DIALECT_SPA_TRANSFORMS_PASSES_TD
