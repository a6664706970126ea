//===- EmitContraction.cpp ---------------------------------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "CodeGen.h"

using namespace mlir;
using namespace spc;
using namespace spc::codegen;

LogicalResult codegen::emitContraction(Emitter &emitter, Operation *op, ArrayRef<Operation *> epilogue) {
  return emitNodeError(op) << "not supported on the accelerator yet";
}
