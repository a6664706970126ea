//===- EmitReduction.cpp ---------------------------------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "CodeGen.h"

using namespace mlir;
using namespace spc;
using namespace spc::codegen;

LogicalResult codegen::emitReduction(Emitter &emitter, Operation *op) {
  return emitNodeError(op) << "not supported on the accelerator yet";
}
