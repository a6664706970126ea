//===- spc-translate.cpp - SPC translation driver -------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Translates between external formats and SPC's IR: ONNX to `spa`, and `spt`
// programs to and from .spab binaries.
//
//===----------------------------------------------------------------------===//

#include "spc/Import/ONNX/ImportONNX.h"
#include "spc/Target/SptBinary.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <vector>

int main(int argc, char **argv) {
  // --list-onnx-ops prints the ONNX operators the importer converts, one per
  // line; the coverage table in docs/Importer.md is checked against it.
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--list-onnx-ops") == 0) {
      for (llvm::StringRef op : spc::getSupportedONNXOps())
        llvm::outs() << op << "\n";
      return 0;
    }

  spc::registerImportONNXTranslation();
  spc::registerSptBinaryTranslations();

  // Imported models carry megabytes of weights: print large resource blobs
  // elided unless the user chooses otherwise (or writes bytecode). Only for
  // --import-onnx: --import-binary must print every constant's bytes, or the
  // result could not be emitted again.
  std::vector<char *> args(argv, argv + argc);
  bool userChoseElision = false, importsONNX = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--mlir-elide-resource-strings-if-larger",
                     std::strlen("--mlir-elide-resource-strings-if-larger")) ==
        0)
      userChoseElision = true;
    if (std::strcmp(argv[i], "--import-onnx") == 0 ||
        std::strcmp(argv[i], "-import-onnx") == 0)
      importsONNX = true;
  }
  static char elide[] = "--mlir-elide-resource-strings-if-larger=1024";
  if (importsONNX && !userChoseElision)
    args.insert(args.begin() + 1, elide);
  return mlir::failed(mlir::mlirTranslateMain(
             static_cast<int>(args.size()), args.data(),
             "SPC translation driver"))
             ? 1
             : 0;
}
