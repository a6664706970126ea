//===- SptBinary.h - spt programs to and from .spab binaries ----*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The translation between an `spt.program` and the in-memory binary of
// Binary.h. Each instruction op is one instruction word and each table op one
// table entry, so `importProgram` followed by `exportProgram` gives back an
// equal binary::Program, and so identical bytes.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_TARGET_SPTBINARY_H
#define SPC_TARGET_SPTBINARY_H

#include "spc/Dialect/Spt/IR/Spt.h"
#include "spc/Target/Binary.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"

namespace spc {

/// Converts `program` to a binary: resolves its `target` (a preset, a target
/// file or the target JSON), embeds it, and checks the result with
/// binary::verifyProgram and binary::readBinary. Errors are reported as
/// diagnostics on the offending op (or on `program`).
mlir::FailureOr<binary::Program> exportProgram(spt::ProgramOp program);

/// Builds a module holding one `spt.program @main` equal to `program`; its
/// `target` is the embedded canonical JSON. Returns null, with a diagnostic,
/// if the binary breaks a rule the dialect verifies.
mlir::OwningOpRef<mlir::ModuleOp>
importProgram(const binary::Program &program, mlir::MLIRContext *context);
/// The same, moving the constants' data into the module's resources instead
/// of copying it (they are left empty in `program`).
mlir::OwningOpRef<mlir::ModuleOp> importProgram(binary::Program &&program,
                                                mlir::MLIRContext *context);

/// Registers `--emit-binary` and `--import-binary` with mlir-translate.
void registerSptBinaryTranslations();

} // namespace spc

#endif // SPC_TARGET_SPTBINARY_H
