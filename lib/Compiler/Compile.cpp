//===- Compile.cpp - The compile driver -----------------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Compiler/Compile.h"
#include "spc/Dialect/Spt/IR/Spt.h"
#include "spc/Import/ONNX/ImportONNX.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace spc;

/// The compile report's TASD section: the check's budget, activations,
/// layers refined, calibration agreement and emulated EDP against the model
/// without TASD (docs/Compiler.md).
static llvm::json::Object getTasdReport(const TasdCalibrationResult &tasd) {
  double refEDP = double(tasd.referenceCycles) * tasd.referenceEnergyPJ;
  double edp = double(tasd.cycles) * tasd.energyPJ;
  llvm::json::Object summary{
      {"max_error", tasd.maxError},
      {"activations", tasd.activations},
      {"refined_layers", int64_t(tasd.refinedLayers)},
      {"calibration_cosine", tasd.cosine},
      {"attempts", int64_t(tasd.attempts)},
      {"reference",
       llvm::json::Object{{"cycles", int64_t(tasd.referenceCycles)},
                          {"energy_pj", tasd.referenceEnergyPJ},
                          {"edp", refEDP}}},
      {"emulated", llvm::json::Object{{"cycles", int64_t(tasd.cycles)},
                                      {"energy_pj", tasd.energyPJ},
                                      {"edp", edp}}},
      {"edp_reduction", refEDP > 0.0 ? 1.0 - edp / refEDP : 0.0}};
  if (tasd.top1 >= 0.0)
    summary["calibration_top1"] = tasd.top1;
  return summary;
}

/// Adds the TASD check's figures to the report the pipeline wrote.
static LogicalResult addTasdToReport(MLIRContext &context,
                                     llvm::StringRef reportFile,
                                     const TasdCalibrationResult &tasd) {
  Location loc = UnknownLoc::get(&context);
  auto buffer = llvm::MemoryBuffer::getFile(reportFile);
  llvm::Expected<llvm::json::Value> report =
      buffer ? llvm::json::parse((*buffer)->getBuffer())
             : llvm::Expected<llvm::json::Value>(
                   llvm::errorCodeToError(buffer.getError()));
  if (!report || !report->getAsObject()) {
    if (!report)
      llvm::consumeError(report.takeError());
    return emitError(loc) << "cannot read back the report '" << reportFile
                          << "'";
  }
  (*report->getAsObject())["tasd"] = getTasdReport(tasd);
  std::string error;
  auto output = openOutputFile(reportFile, &error);
  if (!output)
    return emitError(loc) << error;
  output->os() << llvm::formatv("{0:2}", *report) << "\n";
  output->keep();
  return success();
}

static OwningOpRef<ModuleOp>
compile(llvm::MemoryBufferRef model, MLIRContext &context,
        const CompileOptions &options, llvm::raw_ostream &log,
        TimingScope &timing,
        llvm::function_ref<LogicalResult(PassManager &)> configure) {
  Location loc = UnknownLoc::get(&context);
  ONNXImportOptions importOptions;
  importOptions.runChecker = options.runChecker;
  for (const std::string &spec : options.inputShapes) {
    std::string error;
    if (failed(parseInputShape(spec, importOptions, error))) {
      emitError(loc) << error;
      return {};
    }
  }

  TimingScope importTiming = timing.nest("Import ONNX");
  OwningOpRef<ModuleOp> module =
      importONNXModel(model, &context, importOptions);
  if (!module)
    return {};
  importTiming.stop();

  PassManager pm(&context);
  if (configure && failed(configure(pm)))
    return {};
  pm.enableTiming(timing);
  CompilePipelineOptions pipeline;
  pipeline.target = options.target;
  pipeline.report = options.reportFile;
  pipeline.prune = options.prune;
  pipeline.permute = options.permute;
  pipeline.overrides = options.overrides;
  std::optional<TasdCalibrationResult> tasd;
  // The kept configuration is applied by the final compile, then removed.
  llvm::FileRemover configRemover;
  if (options.tasd != "none") {
    pipeline.tasd = options.tasd;
    pipeline.tasdMaxError = options.tasdMaxError;
    pipeline.tasdMaxTerms = options.tasdMaxTerms;
    pipeline.tasdActivations = options.tasdActivations;
    TimingScope calibrationTiming = timing.nest("TASD search and calibration");
    llvm::SmallString<128> configFile;
    if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
            "spc-tasd", "json", configFile)) {
      emitError(loc) << "cannot create a temporary file: " << ec.message();
      return {};
    }
    configRemover.setFile(configFile);
    FailureOr<TasdCalibrationResult> calibrated =
        calibrateTasd(*module, pipeline, options.calibration, configFile, log);
    if (failed(calibrated))
      return {};
    calibrationTiming.stop();
    tasd = std::move(*calibrated);
    // The final compile applies the configuration kept, without searching.
    pipeline.tasd = tasd->configFile;
    pipeline.tasdMaxError = tasd->maxError;
    pipeline.tasdActivations = tasd->activations;
    pipeline.tasdOutput = options.tasdConfigOut;
  }
  buildCompilePipeline(pm, pipeline);
  if (failed(pm.run(*module)))
    return {};
  if (tasd && !options.reportFile.empty() &&
      failed(addTasdToReport(context, options.reportFile, *tasd)))
    return {};
  if (!llvm::hasSingleElement(module->getOps<spt::ProgramOp>())) {
    emitError(loc) << "the compile pipeline did not produce one spt.program";
    return {};
  }
  return module;
}

OwningOpRef<ModuleOp>
spc::compileModel(llvm::MemoryBufferRef model, MLIRContext &context,
                  const CompileOptions &options, llvm::raw_ostream &log,
                  TimingScope &timing,
                  llvm::function_ref<LogicalResult(PassManager &)> configure) {
  OwningOpRef<ModuleOp> module =
      compile(model, context, options, log, timing, configure);
  // A failed compile leaves no report behind.
  if (!module && !options.reportFile.empty())
    llvm::sys::fs::remove(options.reportFile);
  return module;
}
