//===- ImportONNX.h - ONNX model to spa dialect -----------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The ONNX importer's public API. It hides protobuf and the ONNX library
// behind plain types, so that tools and the Python module need neither.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_IMPORT_ONNX_IMPORTONNX_H
#define SPC_IMPORT_ONNX_IMPORTONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBufferRef.h"

#include <string>

namespace spc {

struct ONNXImportOptions {
  /// Fixed dimensions for graph inputs, by input name. They replace the
  /// model's dynamic (and must agree with its static) dimensions.
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
  /// Run the ONNX checker before importing.
  bool runChecker = true;
  /// Canonicalize the imported function (folds constant subgraphs, BN into
  /// convolutions, identities).
  bool canonicalize = true;
};

/// Parses one `--input-shape` value, `NAME=D0,D1,...`, split at the first
/// `=`, into `options`. Returns an error message on malformed input.
llvm::LogicalResult parseInputShape(llvm::StringRef spec,
                                    ONNXImportOptions &options,
                                    std::string &error);

/// Imports an ONNX model, given as binary protobuf, or as ONNX text format
/// when the buffer's name ends in `.onnxtxt` or its text starts with `<`.
/// The buffer's identifier names the model in diagnostics and locates
/// external data. Returns null after emitting diagnostics on `context`.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXModel(llvm::MemoryBufferRef buffer, mlir::MLIRContext *context,
                const ONNXImportOptions &options = {});

/// The ONNX operators (default domain) the importer converts, sorted.
llvm::SmallVector<llvm::StringRef> getSupportedONNXOps();

/// Registers the `import-onnx` translation and its options with the
/// mlir-translate command line.
void registerImportONNXTranslation();

} // namespace spc

#endif // SPC_IMPORT_ONNX_IMPORTONNX_H
