//===- Passes.h - Spa transformation passes ---------------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_DIALECT_SPA_TRANSFORMS_PASSES_H
#define SPC_DIALECT_SPA_TRANSFORMS_PASSES_H

#include "spc/Dialect/Spa/IR/Spa.h"

#include "mlir/Pass/Pass.h"

namespace spc::spa {

#define GEN_PASS_DECL
#include "spc/Dialect/Spa/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "spc/Dialect/Spa/Transforms/Passes.h.inc"

} // namespace spc::spa

#endif // SPC_DIALECT_SPA_TRANSFORMS_PASSES_H
