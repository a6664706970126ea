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

def SpaPermuteChannels : Pass<"spa-permute-channels"> {
  let summary = "Permute input channels so that N:M pruning keeps more magnitude";
  let description = [{
    Channel permutation for N:M sparsity (Pool & Yu, NeurIPS 2021), run
    before `spa-prune`. N:M pruning keeps the N largest of every M
    consecutive input channels; reordering the channels first decides which
    channels compete, and a good order keeps noticeably more of the
    weight's magnitude. The permutation is folded into the constants, so
    the model computes the same function and nothing extra runs at
    inference.

    The pass groups tensors into *channel spaces*: the tensors whose
    channels must move together. A space starts at the input of a
    contraction whose weight is to be pruned N:M and grows through

    * element-wise ops (unary, binary with broadcasting, `prelu`, `select`,
      `cast`), `batch_norm`, `layer_norm`, `softmax`, pooling, `resize`,
      reductions over other axes, `transpose`, `reshape`s that only add or
      drop unit dimensions, `slice`/`pad` that leave the channel axis
      whole, `concat` along another axis, and depthwise convolutions;
    * their constant operands (biases, BN statistics, LayerNorm scales,
      embedding tables), which are permuted along the channel axis;
    * the *producers*, the convolutions, matmuls and gemms whose output
      channels are the space's channels: their weight rows and biases are
      permuted;
    * the *consumers*, the contractions that reduce the channels: their
      weight's input-channel dimension is permuted. A reduction over the
      whole channel axis is invariant and ends the space there.

    A `concat` along the channel axis gives a space whose order is the
    concatenation of its inputs' orders, each permuted by its own space;
    its consumers' groups count towards each input. Its blocks must be
    multiples of M.

    A space that reaches anything else cannot be permuted and stays as it
    is, with a remark naming its layers and the reason: a model input or
    output, a grouped convolution, a weight computed at run time, a
    reshape that splits the channels (attention heads), a slice of the
    channels, quantization, and so on.

    For each space, the consumers to be pruned N:M (`pattern`, or the
    `"prune"` of the layer in `overrides`) whose input channels M divides
    form the objective: the sum over them of the fraction of |W| kept by
    N:M pruning, with groups along the input channels for every output
    channel and filter tap. The search is Pool & Yu's channel swaps: every
    pair of groups, in a seeded order, exchanges the two channels that gain
    most, until a sweep gains nothing or `budget` million row evaluations
    are spent. Consumers with another pattern are permuted with their space
    but not optimized for.

    Every consumer weight gets `spa.permuted = {pattern, retained_before,
    retained_after}` (plus `reason` when its space could not move): the
    fraction of its magnitude N:M pruning keeps without and with the
    permutation. `spc-compile --report` lists it per layer.

    Before (`pattern=nm:2:4`): the consumer's first row keeps 9+9 of
    channels 0-3 and 1+1 of channels 4-7.

    ```mlir
    %y = spa.conv2d %x, %w1, %b1 : ... -> tensor<1x8x4x4xf32>
    %r = spa.relu %y : tensor<1x8x4x4xf32>
    %z = spa.conv2d %r, %w2 : (tensor<1x8x4x4xf32>, tensor<2x8x1x1xf32>) -> ...
    ```

    After: `%w1`'s rows, `%b1` and `%w2`'s columns are all reordered by
    the same permutation, which puts two large channels in each group.
  }];
  let options = [
    Option<"pattern", "pattern", "std::string", /*default=*/"\"none\"",
           "nm:N:M to optimize for, or none (only layers the overrides prune "
           "N:M)">,
    Option<"overrides", "overrides", "std::string", /*default=*/"",
           "JSON file of per-layer settings (see spa-prune)">,
    Option<"budget", "budget", "unsigned", /*default=*/"64",
           "Row evaluations per channel space, in millions">
  ];
  let dependentDialects = ["::spc::spa::SpaDialect"];
  let statistics = [
    Statistic<"numSpaces", "num-spaces",
              "Channel spaces with a consumer to be pruned N:M">,
    Statistic<"numPermuted", "num-permuted", "Channel spaces permuted">,
    Statistic<"numPinned", "num-pinned",
              "Channel spaces that cannot be permuted">,
    Statistic<"numSwaps", "num-swaps", "Channel swaps applied">,
    Statistic<"numConstants", "num-constants", "Constants permuted">
  ];
}

def SpaPrune : Pass<"spa-prune"> {
  let summary = "Prune dense constant weights to N:M or unstructured sparsity";
  let description = [{
    For users who bring a dense model: sets the smallest-magnitude values of
    every constant weight of a contraction (the constants
    `spa-annotate-sparsity` measures) to zero, so that the layout passes can
    store and run them sparse. This is **lossy by design**.

    * `mode=nm:N:M` keeps, in every group of M contiguous values along the
      reduced dimension, the N of largest magnitude (ties keep the lower
      index). A layer whose reduced dimension M does not divide is left
      dense, since no engine could run its groups.
    * `mode=unstructured:S` zeroes the fraction S (0 <= S < 1) of each
      weight's values of smallest magnitude.
    * `overrides=FILE` gives per-layer settings as JSON, keyed by the ONNX
      node name of the contraction; `"prune"` overrides `mode` for that
      layer (`"none"` keeps it dense) and `"format"` is read by
      `spa-select-formats`:

      ```json
      {"conv1": {"prune": "none"},
       "layer4.1.conv2": {"prune": "unstructured:0.95", "format": "csr"}}
      ```

    Each pruned constant gets `spa.pruned = {pattern = "...", error = E}`,
    where E is the relative Frobenius error ||W - W'|| / ||W||, and the pass
    warns once, naming the layer with the largest error. Quantized weights
    are pruned the same way after dequantization's zero point; only weights
    with zero point 0 are pruned. A malformed mode or override file is an
    error naming the key.

    Before (`mode=nm:2:4`):

    ```mlir
    %w = spa.constant dense<[[1.0, -3.0, 0.5, 2.0]]> : tensor<1x4xf32>
    ```

    After:

    ```mlir
    %w = spa.constant {spa.pruned = {error = 0.13 : f64, pattern = "nm:2:4"}}
        dense<[[0.0, -3.0, 0.0, 2.0]]> : tensor<1x4xf32>
    ```
  }];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"none\"",
           "nm:N:M, unstructured:S or none">,
    Option<"overrides", "overrides", "std::string", /*default=*/"",
           "JSON file of per-layer prune and format settings">
  ];
  let dependentDialects = ["::spc::spa::SpaDialect"];
  let statistics = [
    Statistic<"numPruned", "num-pruned", "Constant weights pruned">,
    Statistic<"numSkipped", "num-skipped",
              "Weights left dense because the pattern does not fit them">
  ];
}

def SpaSelectFormats : Pass<"spa-select-formats"> {
  let summary = "Choose the storage format and engine of each weight";
  let description = [{
    For every constant weight that `spa-annotate-sparsity` measured, picks
    how the target stores and runs it, and records the choice as
    `spa.layout = #spa.encoding<...>` with its reason as `spa.layout_reason`:

    | format | engine on the target |
    |--------|----------------------|
    | `dense` | `GEMM` |
    | `nm<N:M>` | `GEMM.NM` when a matrix mode runs N:M, else `LOAD.DECOMP` N:M and `GEMM` |
    | `bitmap` | `LOAD.DECOMP` bitmap and `GEMM` (compressed DRAM traffic only) |
    | `csr` | `GEMM.SP` on an `unstructured` mode |

    Only the W operand of a convolution (not a depthwise one, which runs
    on the vector unit), matmul or gemm is packed; other weights stay dense.
    The choice is **lossless**: an N:M pattern is a candidate only when the
    weight already satisfies it (per `spa.sparsity`) and M divides the
    reduced dimension. Each candidate is costed with the target's own cycle
    model (docs/CycleModel.md, the functions the emulator uses): matrix
    cycles of the layer's GEMM, DRAM cycles of its weights (values and
    metadata) and activations, and energy of the performed MACs and weight
    traffic. The fastest wins; ties go to lower energy, then fewer bytes.

    `overrides=FILE` (the file of `spa-prune`) may force a layer's
    `"format"` (`dense`, `nm`, `bitmap`, `csr`); a format the target or the
    weight cannot run is an error naming the layer, the format and what the
    target supports.

    Example on `sparse-2of4`:

    ```mlir
    %w = spa.constant {spa.layout = #spa.encoding<nm<2:4>, dim = 1>,
        spa.layout_reason = "GEMM.NM 2:4: 1.97x fewer cycles than dense ...",
        spa.sparsity = #spa.sparsity<...>} dense_resource<w> : tensor<...>
    ```
  }];
  let options = [
    Option<"targetName", "target", "std::string", /*default=*/"\"dense-systolic\"",
           "Target preset or file">,
    Option<"overrides", "overrides", "std::string", /*default=*/"",
           "JSON file of per-layer settings (see spa-prune)">
  ];
  let dependentDialects = ["::spc::spa::SpaDialect"];
  let statistics = [
    Statistic<"numDense", "num-dense", "Weights kept dense">,
    Statistic<"numNM", "num-nm", "Weights stored N:M">,
    Statistic<"numBitmap", "num-bitmap", "Weights stored as a bitmap">,
    Statistic<"numCSR", "num-csr", "Weights stored as CSR">,
    Statistic<"numTASD", "num-tasd",
              "Weights stored as a TASD series of N:M terms">
  ];
}

def SpaTasdSearch : Pass<"spa-tasd-search"> {
  let summary = "Choose a TASD decomposition per layer: least modelled EDP "
                "within a weight-error budget";
  let description = [{
    TASD (tensor approximation via structured decomposition) runs a dense or
    unstructured-sparse weight on structured-sparse engines as a short
    series of N:M terms, `W ~ W1 + W2 + ...`, each the top-N of every M
    values of what the terms before it left (`spc/Support/Tasd.h`). With
    `activations`, the target's structuring unit also keeps the top-N of
    every M activation values at run time (TASD-A, ISA §4.6), which a
    dual-side engine skips.

    For every `spa.conv2d` (not depthwise), `spa.matmul` and `spa.gemm`
    whose W operand is a constant f32 or i8 weight, the pass enumerates

    * weight series of 1 to `max-terms` terms, each a pattern a matrix mode
      of the target runs natively (GEMM.NM) with N < M and M dividing the
      reduced extent (input channels per group for a convolution);
    * with `activations`, no structuring and the activation pattern;

    and costs each with the model `spa-select-formats` uses (the target's
    matrix, DRAM and structuring timing and energy, docs/CycleModel.md). It
    keeps the configuration of least energy-delay product (EDP) whose
    relative weight error `||W - (W1 + ... + Wk)|| / ||W||` is at most
    `max-error`; ties go to fewer terms. Keeping the weight as it is (error
    0) is always a candidate, so every layer meets the budget. The search
    is deterministic.

    An `overrides` entry with `tasd_weights` and/or `tasd_activations`
    ("none" or `N:M[+N:M...]`) fixes a layer's configuration instead. A
    series the target cannot run is an error naming the layer, and so is a
    fixed series whose weight error exceeds `max-error`; the error gives the
    best configuration within the budget.

    Each layer gets `spa.tasd_config = {weights, activations, weight_error,
    cycles, energy_pj, edp, dense_edp, baseline, baseline_edp}` (modelled;
    the baseline is the best lossless format), which `spa-tasd-decompose`
    applies and the compile report lists. `output` writes the choice as an
    override file (`{"layer": {"tasd_weights": ..., "tasd_activations":
    ...}}`) that a later compile reuses without searching: with `config`,
    the pass applies that file's entries (checked as overrides are) and
    leaves unlisted layers as they are (`spc-compile --tasd=FILE`).

    The end-to-end check (output cosine and top-1 agreement on calibration
    inputs) needs the emulator and is `spc-compile --tasd=search`'s, which
    runs this pass with tighter budgets until the outputs meet it.
  }];
  let options = [
    Option<"targetName", "target", "std::string", /*default=*/"\"dense-systolic\"",
           "Target preset or file">,
    Option<"maxError", "max-error", "double", /*default=*/"0.25",
           "Largest relative weight error per layer">,
    Option<"maxTerms", "max-terms", "unsigned", /*default=*/"2",
           "Longest weight series (1 to 8)">,
    Option<"activations", "activations", "std::string", /*default=*/"\"none\"",
           "Structure activations (TASD-A): none, auto (the target's densest "
           "N:M pattern of at most 1/2) or N:M">,
    Option<"overrides", "overrides", "std::string", /*default=*/"",
           "JSON file of per-layer settings (tasd_weights, tasd_activations)">,
    Option<"config", "config", "std::string", /*default=*/"",
           "Apply this saved configuration (an override file; `output` of "
           "an earlier search) instead of searching: unlisted layers keep "
           "their weights and activations">,
    Option<"output", "output", "std::string", /*default=*/"",
           "Write the chosen configuration here (an override file)">
  ];
  let dependentDialects = ["::spc::spa::SpaDialect"];
  let statistics = [
    Statistic<"numLayers", "num-layers", "Layers searched">,
    Statistic<"numDecomposed", "num-decomposed",
              "Layers given a lossy weight series">,
    Statistic<"numStructured", "num-structured",
              "Layers given structured activations">
  ];
}

def SpaTasdDecompose : Pass<"spa-tasd-decompose"> {
  let summary = "Apply TASD configurations: weights become their N:M series, "
                "activations are structured at run time";
  let description = [{
    Applies each contraction's TASD configuration: the `config` override
    file's `tasd_weights` / `tasd_activations` entry for the layer, else the
    `spa.tasd_config` attribute `spa-tasd-search` left.

    * **Weights.** The constant W becomes the sum of its series' terms,
      decomposed greedily along the reduced dimension (the top-N of every M
      values, then the same on the residual). The terms partition the kept
      values, so the sum is exact. The constant gets `spa.tasd = {series,
      error}`; `spa-select-formats` then stores it as
      `#spa.encoding<tasd<...>>` and the backend packs one N:M tile per
      term and runs one GEMM.NM per term into the same accumulator (a
      one-term series is a plain N:M weight).
    * **Activations (TASD-A).** The contraction gets `spa.tasd_act =
      #spa.encoding<nm<N:M>, dim = D>` (D: the A operand's reduced
      dimension). The backend structures every A tile with `STRUCT` before
      its GEMMs, which declare the pattern (`act_nm`), so that a dual-side
      engine skips the zeros. Groups run along the input channels of a
      convolution tap and along K of a matrix product.

    Errors name the layer: a series whose pattern the target does not run
    natively or whose M does not divide the reduced extent, activations on
    a target without a structuring unit and dual-side sparsity, and a
    configuration for a layer without a constant, packable weight.

    ```mlir
    // spa-tasd-decompose{target=flexible-nm}
    %w = spa.constant dense<...> : tensor<8x16xf32>
    %y = spa.gemm %x, %w {spa.tasd_config = {activations = "2:4",
        weights = "2:4+1:4"}} ...
    // becomes
    %w = spa.constant {spa.tasd = {error = 0.12 : f64, series = "2:4+1:4"}}
        dense<...> : tensor<8x16xf32>
    %y = spa.gemm %x, %w {spa.tasd_act = #spa.encoding<nm<2:4>, dim = 1>,
        spa.tasd_config = ...} ...
    ```
  }];
  let options = [
    Option<"targetName", "target", "std::string", /*default=*/"\"dense-systolic\"",
           "Target preset or file">,
    Option<"config", "config", "std::string", /*default=*/"",
           "Override file of per-layer configurations (else spa.tasd_config)">
  ];
  let dependentDialects = ["::spc::spa::SpaDialect"];
  let statistics = [
    Statistic<"numWeights", "num-weights", "Weights decomposed">,
    Statistic<"numActivations", "num-activations",
              "Contractions with structured activations">
  ];
}

#endif // SPC_DIALECT_SPA_TRANSFORMS_PASSES_TD
