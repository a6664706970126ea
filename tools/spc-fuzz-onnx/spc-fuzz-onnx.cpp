//===- spc-fuzz-onnx.cpp - libFuzzer target for the ONNX importer ---------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Feeds arbitrary bytes to the ONNX importer, as a binary model and, when they
// start like one, as ONNX text. Every input must end in a module or in
// diagnostics: a crash, a sanitizer report or an escaping exception is a bug.
//
//===----------------------------------------------------------------------===//

#include "spc/Import/ONNX/ImportONNX.h"

#include "spc/InitAllDialects.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static mlir::DialectRegistry *registry = [] {
    auto *r = new mlir::DialectRegistry();
    spc::registerAllDialects(*r);
    return r;
  }();
  mlir::MLIRContext context(*registry, mlir::MLIRContext::Threading::DISABLED);
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  // A name without the .onnxtxt suffix: the importer sniffs the text format
  // from the content, so the fuzzer reaches both parsers.
  llvm::MemoryBufferRef buffer(bytes, "fuzz.onnx");
  (void)spc::importONNXModel(buffer, &context);
  return 0;
}
