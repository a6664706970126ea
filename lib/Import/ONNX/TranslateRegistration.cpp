//===- TranslateRegistration.cpp - The import-onnx translation ------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Import/ONNX/ImportONNX.h"

#include "spc/InitAllDialects.h"

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
};
} // namespace

static llvm::ManagedStatic<ImportONNXCLOptions> clOptions;

void spc::registerImportONNXTranslation() {
  *clOptions; // Register the options with the command line.
  TranslateToMLIRRegistration registration(
      "import-onnx", "Import an ONNX model (binary or .onnxtxt) into spa",
      [](const std::shared_ptr<llvm::SourceMgr> &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        ONNXImportOptions options;
        options.runChecker = !clOptions->noChecker;
        options.canonicalize = !clOptions->noCanonicalize;
        for (const std::string &spec : clOptions->inputShapes) {
          std::string error;
          if (failed(parseInputShape(spec, options, error))) {
            emitError(UnknownLoc::get(context)) << error;
            return {};
          }
        }
        const llvm::MemoryBuffer *buffer =
            sourceMgr->getMemoryBuffer(sourceMgr->getMainFileID());
        return importONNXModel(buffer->getMemBufferRef(), context, options);
      },
      [](DialectRegistry &registry) { spc::registerAllDialects(registry); });
}
