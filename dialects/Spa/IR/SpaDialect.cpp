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

LogicalResult SpaDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attribute) {
  if (attribute.getName() != kSparsityAttrName)
    return op->emitError() << "unknown 'spa' attribute '"
                           << attribute.getName().getValue() << "'";
  auto profile = dyn_cast<SparsityProfileAttr>(attribute.getValue());
  if (!profile)
    return op->emitError() << "'" << kSparsityAttrName
                           << "' must be a #spa.sparsity attribute";
  auto constant = dyn_cast<ConstantOp>(op);
  if (!constant)
    return op->emitError() << "'" << kSparsityAttrName
                           << "' annotates only spa.constant";
  int64_t rank = constant.getType().getRank();
  if (profile.getDim() >= rank)
    return op->emitError() << "sparsity profile dim " << profile.getDim()
                           << " is out of range for a rank-" << rank
                           << " constant";
  return success();
}

Operation *SpaDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}
