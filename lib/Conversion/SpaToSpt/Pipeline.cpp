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
  if (options.prune != "none" || !options.overrides.empty())
    func.addPass(spa::createSpaPrune({options.prune, options.overrides}));
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
