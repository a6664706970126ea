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

#include "spc/Compiler/Compile.h"
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
static llvm::cl::opt<std::string> tasdMode(
    "tasd",
    llvm::cl::desc("TASD decomposition (lossy): none, search (per-layer "
                   "search under an error budget, checked end to end on "
                   "calibration inputs), or a configuration file saved by "
                   "--tasd-config-out"),
    llvm::cl::value_desc("none|search|FILE.json"), llvm::cl::init("none"),
    llvm::cl::cat(category));
static llvm::cl::opt<std::string> tasdActivations(
    "tasd-activations",
    llvm::cl::desc("Also structure activations at run time (TASD-A): auto "
                   "(the target's densest N:M of at most 1/2), N:M or none"),
    llvm::cl::value_desc("auto|N:M|none"), llvm::cl::init("none"),
    llvm::cl::ValueOptional, llvm::cl::cat(category));
static llvm::cl::opt<double> tasdMaxError(
    "tasd-max-error",
    llvm::cl::desc("Largest relative weight error of a layer (default 0.25)"),
    llvm::cl::init(0.25), llvm::cl::cat(category));
static llvm::cl::opt<unsigned>
    tasdMaxTerms("tasd-max-terms",
                 llvm::cl::desc("Longest weight series (default 2)"),
                 llvm::cl::init(2), llvm::cl::cat(category));
static llvm::cl::opt<double> tasdMinCosine(
    "tasd-min-cosine",
    llvm::cl::desc("Least output cosine similarity to the model without "
                   "TASD on the calibration inputs (default 0.99)"),
    llvm::cl::init(0.99), llvm::cl::cat(category));
static llvm::cl::opt<double> tasdMinTop1(
    "tasd-min-top1",
    llvm::cl::desc("Least top-1 agreement with the model without TASD, for "
                   "2-D outputs (default 1)"),
    llvm::cl::init(1.0), llvm::cl::cat(category));
static llvm::cl::list<std::string> tasdCalibration(
    "tasd-calibration",
    llvm::cl::desc("A calibration input (repeatable; the k-th file of each "
                   "name is the k-th set); default: seeded random inputs"),
    llvm::cl::value_desc("NAME=FILE.npy"), llvm::cl::cat(category));
static llvm::cl::opt<unsigned> tasdSamples(
    "tasd-samples",
    llvm::cl::desc("Seeded random calibration inputs when none are given "
                   "(default 2)"),
    llvm::cl::init(2), llvm::cl::cat(category));
static llvm::cl::opt<unsigned> tasdRefineSteps(
    "tasd-refine-steps",
    llvm::cl::desc("Compiles the layer-by-layer refinement of the kept TASD "
                   "configuration may spend (default 8; 0: none)"),
    llvm::cl::init(8), llvm::cl::cat(category));
static llvm::cl::opt<std::string> tasdConfigOut(
    "tasd-config-out",
    llvm::cl::desc("Write the TASD configuration kept, for --tasd=FILE"),
    llvm::cl::value_desc("FILE.json"), llvm::cl::cat(category));
static llvm::cl::opt<bool>
    noChecker("onnx-no-checker",
              llvm::cl::desc("Skip the ONNX checker before importing"),
              llvm::cl::init(false), llvm::cl::cat(category));

static LogicalResult compile(MLIRContext &context) {
  if (emitKind == EmitKind::Binary && (outputFile.empty() || outputFile == "-")) {
    llvm::errs() << "error: --emit=bin needs an output file: -o FILE.spab\n";
    return failure();
  }
  CompileOptions options;
  options.target = targetName;
  options.inputShapes = inputShapes;
  options.runChecker = !noChecker;
  options.prune = pruneSpec;
  options.permute = permuteChannels;
  options.overrides = layerOverrides;
  options.reportFile = reportFile;
  options.tasd = tasdMode;
  if (tasdMode != "none") {
    options.tasdMaxError = tasdMaxError;
    options.tasdMaxTerms = tasdMaxTerms;
    // A bare --tasd-activations means auto.
    options.tasdActivations =
        tasdActivations.empty() ? "auto" : tasdActivations.getValue();
    options.tasdConfigOut = tasdConfigOut;
    options.calibration.minCosine = tasdMinCosine;
    options.calibration.minTop1 = tasdMinTop1;
    options.calibration.samples = tasdSamples;
    options.calibration.refineSteps = tasdRefineSteps;
    llvm::Expected<std::vector<std::map<std::string, emu::HostTensor>>>
        inputs = readCalibrationInputs(tasdCalibration);
    if (!inputs) {
      llvm::errs() << "error: " << llvm::toString(inputs.takeError()) << "\n";
      return failure();
    }
    options.calibration.inputs = std::move(*inputs);
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
  OwningOpRef<ModuleOp> module = compileModel(
      buffer->getMemBufferRef(), context, options, llvm::errs(), timing,
      [](PassManager &pm) { return applyPassManagerCLOptions(pm); });
  if (!module)
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
