//===- SpaDialect.cpp - Spa dialect registration --------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Dialect/Spa/IR/Spa.h"

#include "spc/Support/Tasd.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace spc;
using namespace spc::spa;

/// `spa.tasd_config` and `spa.tasd_act` annotate contractions.
static LogicalResult verifyTasdAttribute(Operation *op,
                                         NamedAttribute attribute) {
  StringRef name = attribute.getName().getValue();
  if (!isa<Conv2DOp, MatMulOp, GemmOp>(op))
    return op->emitError() << "'" << name
                           << "' annotates only spa.conv2d, spa.matmul and "
                              "spa.gemm";
  if (name == kTasdActAttrName) {
    auto encoding = dyn_cast<SparseEncodingAttr>(attribute.getValue());
    if (!encoding || encoding.getFormat() != SparsityFormat::NM)
      return op->emitError() << "'" << name
                             << "' must be an #spa.encoding<nm<N:M>, dim = D>";
    return success();
  }
  auto dict = dyn_cast<DictionaryAttr>(attribute.getValue());
  auto weights = dict ? dict.getAs<StringAttr>("weights") : StringAttr();
  auto activations =
      dict ? dict.getAs<StringAttr>("activations") : StringAttr();
  if (!weights || !activations)
    return op->emitError() << "'" << name
                           << "' must be {weights = \"...\", activations = "
                              "\"...\", ...}";
  std::string error;
  if (!tasd::parseSeries(weights.getValue(), error))
    return op->emitError() << "'" << name << "' weights: " << error;
  std::optional<tasd::Series> act =
      tasd::parseSeries(activations.getValue(), error);
  if (!act)
    return op->emitError() << "'" << name << "' activations: " << error;
  if (act->size() > 1)
    return op->emitError() << "'" << name
                           << "' activations: the structuring unit applies "
                              "one N:M pattern, not '"
                           << activations.getValue() << "'";
  return success();
}

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
  StringRef name = attribute.getName().getValue();
  if (name == kTasdConfigAttrName || name == kTasdActAttrName)
    return verifyTasdAttribute(op, attribute);
  if (name != kTasdAttrName && name != kSparsityAttrName && name != kLayoutAttrName &&
      name != kLayoutReasonAttrName && name != kPrunedAttrName &&
      name != kPermutedAttrName)
    return op->emitError() << "unknown 'spa' attribute '" << name << "'";
  auto constant = dyn_cast<ConstantOp>(op);
  if (!constant)
    return op->emitError() << "'" << name << "' annotates only spa.constant";
  int64_t rank = constant.getType().getRank();
  if (name == kLayoutReasonAttrName) {
    if (!isa<StringAttr>(attribute.getValue()))
      return op->emitError() << "'" << name << "' must be a string";
    return success();
  }
  if (name == kTasdAttrName) {
    auto dict = dyn_cast<DictionaryAttr>(attribute.getValue());
    std::string error;
    auto series = dict ? dict.getAs<StringAttr>("series") : StringAttr();
    if (!series || !dict.getAs<FloatAttr>("error"))
      return op->emitError() << "'" << name
                             << "' must be {series = \"N:M+...\", error = F}";
    if (!tasd::parseSeries(series.getValue(), error))
      return op->emitError() << "'" << name << "' series: " << error;
    return success();
  }
  if (name == kPrunedAttrName) {
    auto dict = dyn_cast<DictionaryAttr>(attribute.getValue());
    if (!dict || !dict.getAs<StringAttr>("pattern") ||
        !dict.getAs<FloatAttr>("error"))
      return op->emitError() << "'" << name
                             << "' must be {pattern = \"...\", error = F}";
    return success();
  }
  if (name == kPermutedAttrName) {
    auto dict = dyn_cast<DictionaryAttr>(attribute.getValue());
    if (!dict || !dict.getAs<StringAttr>("pattern") ||
        !dict.getAs<FloatAttr>("retained_before") ||
        !dict.getAs<FloatAttr>("retained_after"))
      return op->emitError() << "'" << name
                             << "' must be {pattern = \"...\", "
                                "retained_before = F, retained_after = F}";
    return success();
  }
  if (name == kLayoutAttrName) {
    auto encoding = dyn_cast<SparseEncodingAttr>(attribute.getValue());
    if (!encoding)
      return op->emitError() << "'" << name
                             << "' must be a #spa.encoding attribute";
    if (encoding.isStructured() && encoding.getDim() >= rank)
      return op->emitError() << "layout dim " << encoding.getDim()
                             << " is out of range for a rank-" << rank
                             << " constant";
    return success();
  }
  auto profile = dyn_cast<SparsityProfileAttr>(attribute.getValue());
  if (!profile)
    return op->emitError() << "'" << kSparsityAttrName
                           << "' must be a #spa.sparsity attribute";
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

NMPattern spc::spa::getActStructure(Operation *op) {
  auto encoding = op->getAttrOfType<SparseEncodingAttr>(kTasdActAttrName);
  if (!encoding || encoding.getPatterns().empty())
    return {};
  return encoding.getPatterns().front();
}
