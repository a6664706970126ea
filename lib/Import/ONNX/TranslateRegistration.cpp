//===- TranslateRegistration.cpp - The import-onnx translation ------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Import/ONNX/ImportONNX.h"

#include "spc/InitAllDialects.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ManagedStatic.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

namespace {
struct ImportONNXCLOptions {
  llvm::cl::list<std::string> inputShapes{
      "input-shape",
      llvm::cl::desc("Fix the dimensions of a graph input: NAME=D0,D1,... "
                     "(repeatable; split at the first '=')"),
      llvm::cl::value_desc("NAME=D0,D1,...")};
  llvm::cl::opt<bool> noChecker{
      "onnx-no-checker",
      llvm::cl::desc("Skip the ONNX checker before importing"),
      llvm::cl::init(false)};
  llvm::cl::opt<bool> noCanonicalize{
      "onnx-no-canonicalize",
      llvm::cl::desc("Keep the imported IR as converted, without "
                     "canonicalization"),
      llvm::cl::init(false)};
  llvm::cl::opt<bool> emitBytecode{
      "emit-bytecode",
      llvm::cl::desc("Write MLIR bytecode instead of text; weights stay raw "
                     "bytes"),
      llvm::cl::init(false)};
};
} // namespace

static llvm::ManagedStatic<ImportONNXCLOptions> clOptions;

void spc::registerImportONNXTranslation() {
  *clOptions; // Register the options with the command line.
  // A general translation rather than TranslateToMLIRRegistration, which
  // always prints text: imported models are mostly weights, which bytecode
  // keeps as raw bytes.
  TranslateRegistration registration(
      "import-onnx", "Import an ONNX model (binary or .onnxtxt) into spa",
      [](const std::shared_ptr<llvm::SourceMgr> &sourceMgr,
         llvm::raw_ostream &output, MLIRContext *context) -> LogicalResult {
        DialectRegistry registry;
        spc::registerAllDialects(registry);
        context->appendDialectRegistry(registry);
        ONNXImportOptions options;
        options.runChecker = !clOptions->noChecker;
        options.canonicalize = !clOptions->noCanonicalize;
        for (const std::string &spec : clOptions->inputShapes) {
          std::string error;
          if (failed(parseInputShape(spec, options, error)))
            return emitError(UnknownLoc::get(context)) << error;
        }
        const llvm::MemoryBuffer *buffer =
            sourceMgr->getMemoryBuffer(sourceMgr->getMainFileID());
        OwningOpRef<ModuleOp> module =
            importONNXModel(buffer->getMemBufferRef(), context, options);
        if (!module)
          return failure();
        if (clOptions->emitBytecode)
          return writeBytecodeToFile(*module, output);
        module->print(output);
        output << "\n";
        return success();
      });
}
