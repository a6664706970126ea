//===- spc-compile.cpp - ONNX model to accelerator binary -----------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// spc-compile model.onnx --target=NAME|FILE.json -o model.spab
//
// Imports the model (spc/Import/ONNX), runs the compile pipeline
// (spc/Conversion/Pipeline.h) and writes the binary (--emit=bin, default),
// the spt program (--emit=mlir) or its listing (--emit=asm). The usual MLIR
// pass-manager options work: --mlir-timing, --mlir-print-ir-after-all, ...
// Nothing is written when compilation fails.
//
//===----------------------------------------------------------------------===//

#include "spc/Conversion/Pipeline.h"
#include "spc/Import/ONNX/ImportONNX.h"
#include "spc/InitAllDialects.h"
#include "spc/Target/SptBinary.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace spc;

namespace {
enum class EmitKind { Binary, MLIR, Assembly };
} // namespace

static llvm::cl::OptionCategory category("spc-compile options");
static llvm::cl::opt<std::string> inputFile(llvm::cl::Positional,
                                            llvm::cl::desc("<model.onnx>"),
                                            llvm::cl::Required,
                                            llvm::cl::cat(category));
static llvm::cl::opt<std::string>
    outputFile("o", llvm::cl::desc("Output file ('-' for stdout; required "
                                   "for --emit=bin)"),
               llvm::cl::value_desc("file"), llvm::cl::cat(category));
static llvm::cl::opt<std::string>
    targetName("target", llvm::cl::desc("Target preset or target file"),
               llvm::cl::value_desc("NAME|FILE.json"),
               llvm::cl::init("dense-systolic"), llvm::cl::cat(category));
static llvm::cl::list<std::string> inputShapes(
    "input-shape",
    llvm::cl::desc("Fix the dimensions of a graph input (repeatable)"),
    llvm::cl::value_desc("NAME=D0,D1,..."), llvm::cl::cat(category));
static llvm::cl::opt<EmitKind> emitKind(
    "emit", llvm::cl::desc("What to write"),
    llvm::cl::values(
        clEnumValN(EmitKind::Binary, "bin", "the .spab binary (default)"),
        clEnumValN(EmitKind::MLIR, "mlir", "the spt program as MLIR"),
        clEnumValN(EmitKind::Assembly, "asm", "the spc-objdump listing")),
    llvm::cl::init(EmitKind::Binary), llvm::cl::cat(category));
static llvm::cl::opt<std::string>
    reportFile("report", llvm::cl::desc("Write a JSON compile report"),
               llvm::cl::value_desc("FILE.json"), llvm::cl::cat(category));
static llvm::cl::opt<std::string> pruneSpec(
    "prune",
    llvm::cl::desc("Prune dense weights before compiling (lossy): nm:N:M "
                   "or unstructured:S"),
    llvm::cl::value_desc("SPEC"), llvm::cl::init("none"),
    llvm::cl::cat(category));
static llvm::cl::opt<std::string> permuteChannels(
    "permute-channels",
    llvm::cl::desc("Permute channels so that N:M pruning keeps more weight "
                   "magnitude: auto (with --prune=nm:N:M or N:M overrides), "
                   "none, or nm:N:M (function-preserving)"),
    llvm::cl::value_desc("auto|none|nm:N:M"), llvm::cl::init("auto"),
    llvm::cl::cat(category));
static llvm::cl::opt<std::string> layerOverrides(
    "layer-overrides",
    llvm::cl::desc("JSON file of per-layer prune and format settings"),
    llvm::cl::value_desc("FILE.json"), llvm::cl::cat(category));
static llvm::cl::opt<bool>
    noChecker("onnx-no-checker",
              llvm::cl::desc("Skip the ONNX checker before importing"),
              llvm::cl::init(false), llvm::cl::cat(category));

static LogicalResult compile(MLIRContext &context) {
  ONNXImportOptions options;
  options.runChecker = !noChecker;
  for (const std::string &spec : inputShapes) {
    std::string error;
    if (failed(parseInputShape(spec, options, error))) {
      llvm::errs() << "error: " << error << "\n";
      return failure();
    }
  }
  if (emitKind == EmitKind::Binary && (outputFile.empty() || outputFile == "-")) {
    llvm::errs() << "error: --emit=bin needs an output file: -o FILE.spab\n";
    return failure();
  }

  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> buffer =
      openInputFile(inputFile, &error);
  if (!buffer) {
    llvm::errs() << "error: " << error << "\n";
    return failure();
  }
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  // --mlir-timing covers the whole compile: import, passes, export, write.
  DefaultTimingManager timingManager;
  applyDefaultTimingManagerCLOptions(timingManager);
  TimingScope timing = timingManager.getRootScope();
  TimingScope importTiming = timing.nest("Import ONNX");
  OwningOpRef<ModuleOp> module =
      importONNXModel(buffer->getMemBufferRef(), &context, options);
  if (!module)
    return failure();
  importTiming.stop();

  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  pm.enableTiming(timing);
  CompilePipelineOptions pipeline;
  pipeline.target = targetName;
  pipeline.report = reportFile;
  pipeline.prune = pruneSpec;
  pipeline.permute = permuteChannels;
  pipeline.overrides = layerOverrides;
  buildCompilePipeline(pm, pipeline);
  if (failed(pm.run(*module)))
    return failure();

  auto program = *module->getOps<spt::ProgramOp>().begin();
  if (emitKind == EmitKind::MLIR) {
    auto output = openOutputFile(outputFile.empty() ? "-" : outputFile.getValue(), &error);
    if (!output) {
      llvm::errs() << "error: " << error << "\n";
      return failure();
    }
    module->print(output->os());
    output->os() << "\n";
    output->keep();
    return success();
  }
  TimingScope exportTiming = timing.nest("Export binary");
  FailureOr<binary::Program> binaryProgram = exportProgram(program);
  if (failed(binaryProgram))
    return failure();
  exportTiming.stop();
  if (emitKind == EmitKind::Assembly) {
    auto output = openOutputFile(outputFile.empty() ? "-" : outputFile.getValue(), &error);
    if (!output) {
      llvm::errs() << "error: " << error << "\n";
      return failure();
    }
    binary::printListing(*binaryProgram, output->os());
    output->keep();
    return success();
  }
  TimingScope writeTiming = timing.nest("Write binary");
  if (llvm::Error writeError =
          binary::writeBinaryFile(*binaryProgram, outputFile)) {
    llvm::errs() << "error: " << llvm::toString(std::move(writeError)) << "\n";
    return failure();
  }
  return success();
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "SPC compiler: ONNX model to accelerator binary (.spab)\n");

  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Errors name the ONNX node; the op's generic form only adds noise.
  context.printOpOnDiagnostic(false);
  if (failed(compile(context))) {
    // A failed compile leaves no report behind either.
    if (!reportFile.empty())
      llvm::sys::fs::remove(reportFile);
    return 1;
  }
  return 0;
}
