//===- SpaDialect.cpp - Spa dialect registration --------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Dialect/Spa/IR/Spa.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace spc::spa;

#include "spc/Dialect/Spa/IR/SpaDialect.cpp.inc"

void SpaDialect::initialize() {
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "spc/Dialect/Spa/IR/SpaOps.cpp.inc"
      >();
}

Operation *SpaDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}
