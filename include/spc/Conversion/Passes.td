//===- Passes.td - SPC conversion passes -------------------*- tablegen -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_CONVERSION_PASSES_TD
#define SPC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertSpaToSpt : Pass<"convert-spa-to-spt", "::mlir::ModuleOp"> {
  let summary = "Compile the spa function @main into an spt program for a target";
  let description = [{
    Replaces `func.func @main` (static shapes, spa ops) by an `spt.program`
    that runs it on the target: one instruction stream per queue, the
    constants, the input and output tensor table, and one layer per ONNX
    node. In order:

    1. **Fusion.** A convolution, matmul or gemm whose only user is an
       activation (relu, clip, leaky_relu, sigmoid, tanh, hard_sigmoid,
       hard_swish, gelu) takes it as its epilogue: the vector unit applies it
       to each accumulator tile before the store, and the intermediate tensor
       never reaches DRAM.
    2. **Memory planning.** Every tensor that reaches DRAM gets an address in
       one arena, reused by liveness (first fit, 64-byte aligned);
       `spa.reshape` aliases its input. Inputs, outputs and constants have
       their own regions after the arena.
    3. **Lowering.** Each layer is tiled to the scratchpads (tile sizes from
       the target's scratchpad capacities and array shape, at most half of
       each buffer so that tiles double-buffer) and emitted as DMA, matrix
       and vector instructions: convolutions as implicit GEMMs whose im2col
       is the load DMA's addressing, every other op on the vector unit.
    4. **Scheduling.** The sequential instruction stream is split into the
       load, compute and store queues with the dependency tokens every
       cross-queue conflict needs, so that DMA overlaps compute.

    See docs/Compiler.md. Errors name the ONNX node and the reason (an
    element type the ISA lacks, a dynamic shape, a tile that cannot fit).
  }];
  let options = [
    Option<"targetName", "target", "std::string", "\"dense-systolic\"",
           "Target preset name or target description file">,
    Option<"reportFile", "report", "std::string", "\"\"",
           "Write a JSON compile report (layers, tiles, DRAM plan) here">,
  ];
  let dependentDialects = ["::spc::spt::SptDialect"];
  let statistics = [
    Statistic<"numLayers", "num-layers", "Layers emitted">,
    Statistic<"numFused", "num-fused", "Activations fused into GEMM epilogues">,
    Statistic<"numInstructions", "num-instructions", "Instructions emitted">,
    Statistic<"numTokens", "num-tokens", "Dependency tokens pushed">,
    Statistic<"peakDram", "peak-dram", "Peak bytes of the DRAM arena">,
  ];
}

#endif // SPC_CONVERSION_PASSES_TD
