//===- Pipeline.cpp - The spc-compile pass pipeline -----------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Conversion/Pipeline.h"

#include "spc/Conversion/Passes.h"
#include "spc/Dialect/Spa/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void spc::buildCompilePipeline(OpPassManager &pm,
                               const CompilePipelineOptions &options) {
  OpPassManager &func = pm.nest<func::FuncOp>();
  func.addPass(createCanonicalizerPass());
  // Channel permutation serves N:M pruning, so "auto" runs it before an
  // N:M prune of the whole model, or of the layers the overrides name.
  StringRef prune = options.prune;
  spa::SpaPermuteChannelsOptions permute;
  permute.overrides = options.overrides;
  bool runPermute = options.permute != "none";
  if (options.permute == "auto") {
    runPermute = prune.starts_with("nm:") || !options.overrides.empty();
    permute.pattern = prune.starts_with("nm:") ? prune.str() : "none";
  } else {
    permute.pattern = options.permute;
  }
  if (runPermute)
    func.addPass(spa::createSpaPermuteChannels(permute));
  if (options.prune != "none" || !options.overrides.empty())
    func.addPass(spa::createSpaPrune({options.prune, options.overrides}));
  if (options.tasd != "none") {
    spa::SpaTasdSearchOptions search;
    search.targetName = options.target;
    search.maxError = options.tasdMaxError;
    search.maxTerms = options.tasdMaxTerms;
    search.activations = options.tasdActivations;
    search.overrides = options.overrides;
    if (options.tasd != "search")
      search.config = options.tasd;
    search.output = options.tasdOutput;
    func.addPass(spa::createSpaTasdSearch(search));
    spa::SpaTasdDecomposeOptions decompose;
    decompose.targetName = options.target;
    func.addPass(spa::createSpaTasdDecompose(decompose));
  }
  func.addPass(spa::createSpaAnnotateSparsity());
  func.addPass(
      spa::createSpaSelectFormats({options.target, options.overrides}));
  ConvertSpaToSptOptions convert;
  convert.targetName = options.target;
  convert.reportFile = options.report;
  pm.addPass(createConvertSpaToSpt(convert));
}

void spc::registerCompilePipeline() {
  PassPipelineRegistration<CompilePipelineOptions>(
      "spc-compile-pipeline",
      "Compile an imported spa function into an spt program (spc-compile)",
      buildCompilePipeline);
}
