//===- Pipeline.h - The spc-compile pass pipeline ---------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The pass pipeline from an imported spa function to an spt program: the one
// `spc-compile` runs, also registered for spc-opt as
// `--spc-compile-pipeline="target=NAME report=FILE"`.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_CONVERSION_PIPELINE_H
#define SPC_CONVERSION_PIPELINE_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace spc {

struct CompilePipelineOptions
    : public mlir::PassPipelineOptions<CompilePipelineOptions> {
  Option<std::string> target{*this, "target",
                             llvm::cl::desc("Target preset or file"),
                             llvm::cl::init("dense-systolic")};
  Option<std::string> report{
      *this, "report", llvm::cl::desc("Write a JSON compile report here")};
  Option<std::string> prune{
      *this, "prune",
      llvm::cl::desc("Prune weights first: nm:N:M, unstructured:S or none "
                     "(lossy)"),
      llvm::cl::init("none")};
  Option<std::string> permute{
      *this, "permute",
      llvm::cl::desc("Permute channels for N:M pruning first: auto (for an "
                     "nm:N:M prune or N:M overrides), none, or nm:N:M"),
      llvm::cl::init("auto")};
  Option<std::string> overrides{
      *this, "overrides",
      llvm::cl::desc("JSON file of per-layer prune, format and TASD settings")};
  Option<std::string> tasd{
      *this, "tasd",
      llvm::cl::desc("TASD decomposition: none, search (spa-tasd-search), or "
                     "a saved configuration file to apply"),
      llvm::cl::init("none")};
  Option<double> tasdMaxError{
      *this, "tasd-max-error",
      llvm::cl::desc("Largest relative weight error per layer"),
      llvm::cl::init(0.25)};
  Option<unsigned> tasdMaxTerms{
      *this, "tasd-max-terms", llvm::cl::desc("Longest weight series"),
      llvm::cl::init(2)};
  Option<std::string> tasdActivations{
      *this, "tasd-activations",
      llvm::cl::desc("Structure activations: none, auto or N:M"),
      llvm::cl::init("none")};
  Option<std::string> tasdOutput{
      *this, "tasd-output",
      llvm::cl::desc("Write the TASD configuration chosen here")};
};

/// canonicalize, spa-permute-channels and spa-prune (when asked for),
/// spa-tasd-search and spa-tasd-decompose (with `tasd`),
/// spa-annotate-sparsity, spa-select-formats, convert-spa-to-spt.
void buildCompilePipeline(mlir::OpPassManager &pm,
                          const CompilePipelineOptions &options);

/// Registers `spc-compile-pipeline`.
void registerCompilePipeline();

} // namespace spc

#endif // SPC_CONVERSION_PIPELINE_H
