//===- Passes.h - SPC conversion passes -------------------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_CONVERSION_PASSES_H
#define SPC_CONVERSION_PASSES_H

#include "spc/Dialect/Spt/IR/Spt.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace spc {

#define GEN_PASS_DECL
#include "spc/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "spc/Conversion/Passes.h.inc"

} // namespace spc

#endif // SPC_CONVERSION_PASSES_H
