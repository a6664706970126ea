//===- Compile.h - The compile driver ----------------------------*- C++
//-*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// One ONNX model to an spt program: import (spc/Import/ONNX), TASD's
// end-to-end check when asked for (spc/Compiler/TasdCalibration.h) and the
// compile pipeline (spc/Conversion/Pipeline.h). `spc-compile` and the
// Python package both drive compilation through compileModel, so they
// accept the same options and report the same errors.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_COMPILER_COMPILE_H
#define SPC_COMPILER_COMPILE_H

#include "spc/Compiler/TasdCalibration.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/MemoryBufferRef.h"

#include <string>
#include <vector>

namespace spc {

/// spc-compile's options (docs/Compiler.md), as plain values.
struct CompileOptions {
  /// A target preset or target file.
  std::string target = "dense-systolic";
  /// Fixed graph-input dimensions, each NAME=D0,D1,...
  std::vector<std::string> inputShapes;
  /// Run the ONNX checker before importing.
  bool runChecker = true;
  /// The pipeline's prune, permute and overrides settings.
  std::string prune = "none";
  std::string permute = "auto";
  std::string overrides;
  /// none, search, or a configuration file saved by tasdConfigOut; with
  /// anything but none, the end-to-end check runs on `calibration`.
  std::string tasd = "none";
  std::string tasdActivations = "none";
  double tasdMaxError = 0.25;
  unsigned tasdMaxTerms = 2;
  TasdCalibrationOptions calibration;
  /// Write the TASD configuration kept here.
  std::string tasdConfigOut;
  /// Write the JSON compile report here (with the TASD check's figures);
  /// removed again when compilation fails.
  std::string reportFile;
};

/// Imports `model` (an ONNX protobuf or text; its identifier names it in
/// diagnostics and locates external data) and compiles it to a module
/// holding one spt.program. Errors are emitted as diagnostics on `context`
/// (those without a location, such as a malformed option, at UnknownLoc);
/// returns null after them. The TASD check's progress goes to `log`.
/// `configure` may set up each pass manager the driver runs (the
/// --mlir-* options); `timing` receives the import, check and pass
/// timings.
mlir::OwningOpRef<mlir::ModuleOp>
compileModel(llvm::MemoryBufferRef model, mlir::MLIRContext &context,
             const CompileOptions &options, llvm::raw_ostream &log,
             mlir::TimingScope &timing,
             llvm::function_ref<mlir::LogicalResult(mlir::PassManager &)>
                 configure = {});

} // namespace spc

#endif // SPC_COMPILER_COMPILE_H
