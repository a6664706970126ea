//===- SpaOps.cpp - Spa operations ----------------------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Dialect/Spa/IR/Spa.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallBitVector.h"
#include "llvm/Support/CheckedArithmetic.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace spc;
using namespace spc::spa;

#include "spc/Dialect/Spa/IR/SpaInterfaces.cpp.inc"

//===----------------------------------------------------------------------===//
// Constant data helpers
//===----------------------------------------------------------------------===//

std::optional<RawConstantData> spa::getRawConstantData(ElementsAttr attr) {
  Type elementType = attr.getElementType();
  if (!elementType.isIntOrFloat() ||
      elementType.getIntOrFloatBitWidth() % 8 != 0)
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr))
    return RawConstantData{dense.getRawData(), dense.isSplat()};
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    // A blob elided from the text (`__elided__`) has no data to read.
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    size_t bytes = elementType.getIntOrFloatBitWidth() / 8 *
                   size_t(resource.getNumElements());
    if (blob->getData().size() != bytes)
      return std::nullopt;
    return RawConstantData{blob->getData(), false};
  }
  return std::nullopt;
}

/// Builds a constant of `type` from `bytes`, in the same storage kind as
/// `like`: large weights stay resource blobs, small constants stay inline.
static ElementsAttr buildConstantLike(ElementsAttr like, ShapedType type,
                                      ArrayRef<char> bytes) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(like)) {
    AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        bytes, alignof(std::max_align_t));
    return DenseResourceElementsAttr::get(
        type, resource.getRawHandle().getKey(), std::move(blob));
  }
  return DenseElementsAttr::getFromRawBuffer(type, bytes);
}

/// Whether `attr` is a splat equal to `value` (integers compare exactly).
static bool isSplatOf(Attribute attr, double value) {
  auto splat = dyn_cast_or_null<SplatElementsAttr>(attr);
  if (!splat)
    return false;
  Type elementType = splat.getElementType();
  if (isa<FloatType>(elementType))
    return splat.getSplatValue<APFloat>().isExactlyValue(value);
  if (isa<IntegerType>(elementType))
    return splat.getSplatValue<APInt>().getSExtValue() == int64_t(value);
  return false;
}

//===----------------------------------------------------------------------===//
// Verification helpers
//===----------------------------------------------------------------------===//

static RankedTensorType tensorType(Value value) {
  return cast<RankedTensorType>(value.getType());
}

std::string spa::getNodeName(Operation *op) {
  Location loc = op->getLoc();
  while (true) {
    if (auto name = dyn_cast<NameLoc>(loc))
      return name.getName().str();
    if (auto fused = dyn_cast<FusedLoc>(loc)) {
      if (fused.getLocations().empty())
        break;
      loc = fused.getLocations().front();
      continue;
    }
    if (auto callSite = dyn_cast<CallSiteLoc>(loc)) {
      loc = callSite.getCallee();
      continue;
    }
    break;
  }
  return op->getName().getStringRef().str();
}

std::string spa::formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '[';
  llvm::interleaveComma(shape, os, [&](int64_t dim) {
    if (ShapedType::isDynamic(dim))
      os << '?';
    else
      os << dim;
  });
  os << ']';
  return text;
}

/// Checks that `type` has `expected`'s rank and agrees with it wherever both
/// dimensions are static.
static LogicalResult verifyShape(Operation *op, StringRef what,
                                 RankedTensorType type,
                                 ArrayRef<int64_t> expected) {
  bool matches = type.getRank() == int64_t(expected.size());
  for (auto [actual, want] : llvm::zip(type.getShape(), expected))
    if (!ShapedType::isDynamic(actual) && !ShapedType::isDynamic(want) &&
        actual != want)
      matches = false;
  if (!matches)
    return op->emitOpError() << what << " has shape "
                             << formatShape(type.getShape()) << ", expected "
                             << formatShape(expected);
  return success();
}

static LogicalResult verifyRank(Operation *op, StringRef what,
                                RankedTensorType type, int64_t rank) {
  if (type.getRank() != rank)
    return op->emitOpError() << "expects " << what << " of rank " << rank
                             << ", got " << type;
  return success();
}

static LogicalResult verifyAxis(Operation *op, StringRef what, int64_t axis,
                                int64_t rank) {
  if (axis < 0 || axis >= rank)
    return op->emitOpError() << what << " " << axis
                             << " is out of range for a rank-" << rank
                             << " tensor";
  return success();
}

static LogicalResult verifyAllPositive(Operation *op, StringRef what,
                                       ArrayRef<int64_t> values) {
  if (llvm::any_of(values, [](int64_t v) { return v <= 0; }))
    return op->emitOpError() << what << " must be positive";
  return success();
}

static LogicalResult verifyNonNegative(Operation *op, StringRef what,
                                       ArrayRef<int64_t> values) {
  if (llvm::any_of(values, [](int64_t v) { return v < 0; }))
    return op->emitOpError() << what << " must be non-negative";
  return success();
}

static bool isInteger8(Type type) {
  auto intType = dyn_cast<IntegerType>(type);
  return intType && intType.getWidth() == 8;
}

static bool isInteger32(Type type) {
  auto intType = dyn_cast<IntegerType>(type);
  return intType && intType.getWidth() == 32;
}

/// Contractions are either float with one element type throughout, or 8-bit
/// integer with 32-bit integer accumulation (and bias), which is how the
/// int8 engines of every preset accumulate.
static LogicalResult verifyContractionTypes(Operation *op, Type lhs, Type rhs,
                                            Type result, Value bias) {
  Type biasType = bias ? tensorType(bias).getElementType() : Type();
  if (isa<FloatType>(lhs)) {
    if (rhs != lhs || result != lhs || (biasType && biasType != lhs))
      return op->emitOpError()
             << "float operands, bias and result must share one element "
                "type";
    return success();
  }
  if (isInteger8(lhs) && isInteger8(rhs) && isInteger32(result) &&
      (!biasType || isInteger32(biasType)))
    return success();
  return op->emitOpError()
         << "expects float operands, or 8-bit integer operands with a 32-bit "
            "integer result and bias";
}

/// Marks a shape computation whose result does not fit in 64 bits.
static constexpr int64_t kOverflow = -2;

/// Adds extents, staying dynamic if any is dynamic and giving kOverflow when
/// the sum does not fit.
static int64_t addExtents(ArrayRef<int64_t> extents) {
  int64_t sum = 0;
  for (int64_t extent : extents) {
    if (ShapedType::isDynamic(extent))
      return ShapedType::kDynamic;
    std::optional<int64_t> next = llvm::checkedAdd(sum, extent);
    if (!next)
      return kOverflow;
    sum = *next;
  }
  return sum;
}

/// The element count of a static shape, or std::nullopt when it overflows.
static std::optional<int64_t> getNumElements(ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t extent : shape) {
    std::optional<int64_t> next = llvm::checkedMul(count, extent);
    if (!next)
      return std::nullopt;
    count = *next;
  }
  return count;
}

/// Output extent of a sliding window, as ONNX and PyTorch compute it. Stays
/// dynamic when the input extent is; -1 when the window does not fit and
/// kOverflow when the arithmetic overflows.
static int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                                int64_t dilation, int64_t padBegin,
                                int64_t padEnd, bool ceilMode = false) {
  if (ShapedType::isDynamic(in) || ShapedType::isDynamic(kernel))
    return ShapedType::kDynamic;
  std::optional<int64_t> padded = llvm::checkedAdd(in, padBegin);
  if (padded)
    padded = llvm::checkedAdd(*padded, padEnd);
  std::optional<int64_t> reach = llvm::checkedMul(dilation, kernel - 1);
  if (!padded || !reach)
    return kOverflow;
  int64_t span = *padded - *reach - 1;
  if (span < 0)
    return -1;
  int64_t out = (ceilMode ? llvm::divideCeil(span, stride) : span / stride) + 1;
  // A ceil-mode window must start inside the input or its leading padding.
  if (ceilMode && (out - 1) * stride >= in + padBegin)
    --out;
  return out;
}

static LogicalResult verifyWindowAttrs(Operation *op, ArrayRef<int64_t> strides,
                                       ArrayRef<int64_t> pads,
                                       ArrayRef<int64_t> dilations) {
  if (failed(verifyAllPositive(op, "strides", strides)) ||
      failed(verifyNonNegative(op, "pads", pads)) ||
      failed(verifyAllPositive(op, "dilations", dilations)))
    return failure();
  return success();
}

static LogicalResult verifyBias(Operation *op, Value bias, int64_t channels) {
  if (!bias)
    return success();
  return verifyShape(op, "bias", tensorType(bias), {channels});
}

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// Conv2DOp
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::verify() {
  RankedTensorType inType = tensorType(getInput());
  RankedTensorType wType = tensorType(getWeight());
  RankedTensorType outType = getResult().getType();
  if (failed(verifyRank(*this, "an NCHW input", inType, 4)) ||
      failed(verifyRank(*this, "an OIHW weight", wType, 4)) ||
      failed(verifyContractionTypes(*this, inType.getElementType(),
                                    wType.getElementType(),
                                    outType.getElementType(), getBias())) ||
      failed(verifyWindowAttrs(*this, getStrides(), getPads(), getDilations())))
    return failure();

  int64_t groups = getGroups();
  int64_t channels = inType.getDimSize(1);
  int64_t filters = wType.getDimSize(0);
  int64_t channelsPerGroup = wType.getDimSize(1);
  if (!ShapedType::isDynamic(channels) &&
      !ShapedType::isDynamic(channelsPerGroup) &&
      llvm::checkedMul(channelsPerGroup, groups) != channels)
    return emitOpError() << "input has " << channels
                         << " channels, but the weight expects "
                         << channelsPerGroup << " per group x " << groups
                         << " groups";
  if (!ShapedType::isDynamic(filters) && filters % groups != 0)
    return emitOpError() << "output channels (" << filters
                         << ") are not divisible by groups (" << groups << ")";
  if (failed(verifyBias(*this, getBias(), filters)))
    return failure();

  ArrayRef<int64_t> s = getStrides(), p = getPads(), d = getDilations();
  int64_t h = windowOutputSize(inType.getDimSize(2), wType.getDimSize(2), s[0],
                               d[0], p[0], p[2]);
  int64_t w = windowOutputSize(inType.getDimSize(3), wType.getDimSize(3), s[1],
                               d[1], p[1], p[3]);
  if (h == kOverflow || w == kOverflow)
    return emitOpError() << "window sizes overflow 64-bit arithmetic";
  if (h == -1 || w == -1)
    return emitOpError() << "dilated kernel is larger than the padded input";
  return verifyShape(*this, "result", outType,
                     {inType.getDimSize(0), filters, h, w});
}

std::optional<int64_t> Conv2DOp::getReductionDim(OpOperand &operand) {
  // Input channels are the reduced dimension of both the NCHW input and the
  // OIHW weight; N:M pruning (e.g. NVIDIA's ASP) groups along them.
  if (&operand == &getInputMutable() || &operand == &getWeightMutable())
    return 1;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// ConvTranspose2DOp
//===----------------------------------------------------------------------===//

LogicalResult ConvTranspose2DOp::verify() {
  RankedTensorType inType = tensorType(getInput());
  RankedTensorType wType = tensorType(getWeight());
  RankedTensorType outType = getResult().getType();
  if (failed(verifyRank(*this, "an NCHW input", inType, 4)) ||
      failed(verifyRank(*this, "an IOHW weight", wType, 4)) ||
      failed(verifyContractionTypes(*this, inType.getElementType(),
                                    wType.getElementType(),
                                    outType.getElementType(), getBias())) ||
      failed(verifyWindowAttrs(*this, getStrides(), getPads(), getDilations())) ||
      failed(verifyNonNegative(*this, "output_padding", getOutputPadding())))
    return failure();

  ArrayRef<int64_t> s = getStrides(), p = getPads(), d = getDilations(),
                    op = getOutputPadding();
  for (int i = 0; i < 2; ++i)
    if (op[i] >= std::max(s[i], d[i]))
      return emitOpError()
             << "output_padding must be smaller than the stride or the "
                "dilation";

  int64_t groups = getGroups();
  int64_t channels = inType.getDimSize(1);
  if (!ShapedType::isDynamic(channels) &&
      !ShapedType::isDynamic(wType.getDimSize(0)) &&
      channels != wType.getDimSize(0))
    return emitOpError() << "input has " << channels
                         << " channels, but the weight expects "
                         << wType.getDimSize(0);
  if (!ShapedType::isDynamic(channels) && channels % groups != 0)
    return emitOpError() << "input channels (" << channels
                         << ") are not divisible by groups (" << groups << ")";
  int64_t filters = ShapedType::kDynamic;
  if (!ShapedType::isDynamic(wType.getDimSize(1))) {
    std::optional<int64_t> product =
        llvm::checkedMul(wType.getDimSize(1), groups);
    if (!product)
      return emitOpError() << "output channels overflow 64-bit arithmetic";
    filters = *product;
  }
  if (failed(verifyBias(*this, getBias(), filters)))
    return failure();

  auto outSize = [&](int64_t in, int64_t k, int i) -> int64_t {
    if (ShapedType::isDynamic(in) || ShapedType::isDynamic(k))
      return ShapedType::kDynamic;
    std::optional<int64_t> grown = llvm::checkedMulAdd(s[i], in - 1, op[i]);
    if (grown)
      grown = llvm::checkedMulAdd(d[i], k - 1, *grown);
    if (grown)
      grown = llvm::checkedAdd(*grown, int64_t(1));
    if (grown)
      grown = llvm::checkedSub(*grown, p[i]);
    if (grown)
      grown = llvm::checkedSub(*grown, p[i + 2]);
    return grown ? *grown : kOverflow;
  };
  int64_t h = outSize(inType.getDimSize(2), wType.getDimSize(2), 0);
  int64_t w = outSize(inType.getDimSize(3), wType.getDimSize(3), 1);
  if (h == kOverflow || w == kOverflow)
    return emitOpError() << "window sizes overflow 64-bit arithmetic";
  if ((!ShapedType::isDynamic(h) && h <= 0) ||
      (!ShapedType::isDynamic(w) && w <= 0))
    return emitOpError() << "pads remove the whole output";
  return verifyShape(*this, "result", outType,
                     {inType.getDimSize(0), filters, h, w});
}

std::optional<int64_t> ConvTranspose2DOp::getReductionDim(OpOperand &operand) {
  // The IOHW weight is reduced over its input channels, dimension 0.
  if (&operand == &getWeightMutable())
    return 0;
  if (&operand == &getInputMutable())
    return 1;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// MatMulOp
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::verify() {
  RankedTensorType lhsType = tensorType(getLhs());
  RankedTensorType rhsType = tensorType(getRhs());
  RankedTensorType outType = getResult().getType();
  if (lhsType.getRank() == 0 || rhsType.getRank() == 0)
    return emitOpError() << "operands must have rank 1 or more";
  if (failed(verifyContractionTypes(*this, lhsType.getElementType(),
                                    rhsType.getElementType(),
                                    outType.getElementType(), Value())))
    return failure();

  // NumPy promotes a 1-D operand to a matrix and drops the added dimension
  // from the result.
  SmallVector<int64_t> lhs(lhsType.getShape()), rhs(rhsType.getShape());
  bool lhsVector = lhs.size() == 1, rhsVector = rhs.size() == 1;
  if (lhsVector)
    lhs.insert(lhs.begin(), 1);
  if (rhsVector)
    rhs.push_back(1);
  int64_t lhsK = lhs.back(), rhsK = rhs[rhs.size() - 2];
  if (!ShapedType::isDynamic(lhsK) && !ShapedType::isDynamic(rhsK) &&
      lhsK != rhsK)
    return emitOpError() << "contracting dimensions differ: " << lhsK
                         << " vs " << rhsK;
  SmallVector<int64_t> expected;
  if (!OpTrait::util::getBroadcastedShape(ArrayRef(lhs).drop_back(2),
                                          ArrayRef(rhs).drop_back(2), expected))
    return emitOpError() << "batch dimensions "
                         << formatShape(ArrayRef(lhs).drop_back(2)) << " and "
                         << formatShape(ArrayRef(rhs).drop_back(2))
                         << " do not broadcast";
  if (!lhsVector)
    expected.push_back(lhs[lhs.size() - 2]);
  if (!rhsVector)
    expected.push_back(rhs.back());
  return verifyShape(*this, "result", outType, expected);
}

std::optional<int64_t> MatMulOp::getReductionDim(OpOperand &operand) {
  if (&operand == &getLhsMutable())
    return tensorType(getLhs()).getRank() - 1;
  int64_t rank = tensorType(getRhs()).getRank();
  return rank == 1 ? 0 : rank - 2;
}

//===----------------------------------------------------------------------===//
// GemmOp
//===----------------------------------------------------------------------===//

LogicalResult GemmOp::verify() {
  RankedTensorType aType = tensorType(getA());
  RankedTensorType bType = tensorType(getB());
  RankedTensorType outType = getResult().getType();
  if (failed(verifyRank(*this, "A", aType, 2)) ||
      failed(verifyRank(*this, "B", bType, 2)) ||
      failed(verifyContractionTypes(*this, aType.getElementType(),
                                    bType.getElementType(),
                                    outType.getElementType(), getC())))
    return failure();
  int64_t m = aType.getDimSize(getTransA() ? 1 : 0);
  int64_t aK = aType.getDimSize(getTransA() ? 0 : 1);
  int64_t bK = bType.getDimSize(getTransB() ? 1 : 0);
  int64_t n = bType.getDimSize(getTransB() ? 0 : 1);
  if (!ShapedType::isDynamic(aK) && !ShapedType::isDynamic(bK) && aK != bK)
    return emitOpError() << "contracting dimensions differ: " << aK << " vs "
                         << bK;
  if (Value c = getC()) {
    // C broadcasts unidirectionally to the M x N result.
    ArrayRef<int64_t> cShape = tensorType(c).getShape();
    int64_t result[2] = {m, n};
    bool ok = cShape.size() <= 2;
    for (size_t i = 0; ok && i < cShape.size(); ++i) {
      int64_t want = result[2 - cShape.size() + i];
      ok = cShape[i] == 1 || ShapedType::isDynamic(cShape[i]) ||
           ShapedType::isDynamic(want) || cShape[i] == want;
    }
    if (!ok)
      return emitOpError() << "C of shape " << formatShape(cShape)
                           << " does not broadcast to "
                           << formatShape({m, n});
  }
  return verifyShape(*this, "result", outType, {m, n});
}

std::optional<int64_t> GemmOp::getReductionDim(OpOperand &operand) {
  if (&operand == &getAMutable())
    return getTransA() ? 0 : 1;
  if (&operand == &getBMutable())
    return getTransB() ? 1 : 0;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Element-wise binary operations
//===----------------------------------------------------------------------===//

/// Folds `op(x, c)` to `x` when `c` is a splat equal to `identity` and the
/// broadcast does not change x's type.
template <typename OpTy>
static OpFoldResult foldRightIdentity(OpTy op, Attribute rhs,
                                      double identity) {
  if (op.getLhs().getType() == op.getType() && isSplatOf(rhs, identity))
    return op.getLhs();
  return {};
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult folded = foldRightIdentity(*this, adaptor.getRhs(), 0.0))
    return folded;
  if (getRhs().getType() == getType() && isSplatOf(adaptor.getLhs(), 0.0))
    return getRhs();
  return {};
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldRightIdentity(*this, adaptor.getRhs(), 0.0);
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult folded = foldRightIdentity(*this, adaptor.getRhs(), 1.0))
    return folded;
  if (getRhs().getType() == getType() && isSplatOf(adaptor.getLhs(), 1.0))
    return getRhs();
  return {};
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  return foldRightIdentity(*this, adaptor.getRhs(), 1.0);
}

OpFoldResult PowOp::fold(FoldAdaptor adaptor) {
  return foldRightIdentity(*this, adaptor.getRhs(), 1.0);
}

/// max(x, x) and min(x, x) are x.
template <typename OpTy>
static OpFoldResult foldSameOperands(OpTy op) {
  if (op.getLhs() == op.getRhs() && op.getLhs().getType() == op.getType())
    return op.getLhs();
  return {};
}

OpFoldResult MaxOp::fold(FoldAdaptor) { return foldSameOperands(*this); }
OpFoldResult MinOp::fold(FoldAdaptor) { return foldSameOperands(*this); }

LogicalResult PReluOp::verify() {
  // The slope broadcasts unidirectionally to the input.
  ArrayRef<int64_t> in = tensorType(getInput()).getShape();
  ArrayRef<int64_t> slope = tensorType(getSlope()).getShape();
  bool ok = slope.size() <= in.size();
  for (size_t i = 0; ok && i < slope.size(); ++i) {
    int64_t want = in[in.size() - slope.size() + i];
    ok = slope[i] == 1 || ShapedType::isDynamic(slope[i]) ||
         ShapedType::isDynamic(want) || slope[i] == want;
  }
  if (!ok)
    return emitOpError() << "slope of shape " << formatShape(slope)
                         << " does not broadcast to the input shape "
                         << formatShape(in);
  return success();
}

//===----------------------------------------------------------------------===//
// Element-wise selection
//===----------------------------------------------------------------------===//

LogicalResult SelectOp::verify() {
  // ResultsBroadcastableShape compares only the trailing dimensions of the
  // result with the broadcast shape, so it would accept leading result
  // dimensions: an implicit expand, which ONNX's Where does not do.
  int64_t rank = 0;
  for (Value operand : getOperands())
    rank = std::max(rank, tensorType(operand).getRank());
  if (getType().getRank() != rank)
    return emitOpError() << "result has rank " << getType().getRank()
                         << ", but the operands broadcast to rank " << rank;
  return success();
}

OpFoldResult SelectOp::fold(FoldAdaptor adaptor) {
  // A value of the result type is not enlarged by the broadcast, so it can
  // stand for the whole result once it is known to be the one chosen.
  auto chosen = [&](Value value) -> OpFoldResult {
    if (value.getType() == getType())
      return value;
    return {};
  };
  if (getTrueValue() == getFalseValue())
    return chosen(getTrueValue());
  auto condition = dyn_cast_or_null<SplatElementsAttr>(adaptor.getCondition());
  if (!condition)
    return {};
  return chosen(condition.getSplatValue<bool>() ? getTrueValue()
                                                : getFalseValue());
}

//===----------------------------------------------------------------------===//
// Element-wise unary operations
//===----------------------------------------------------------------------===//

OpFoldResult ReluOp::fold(FoldAdaptor) {
  // ReLU is idempotent.
  if (getInput().getDefiningOp<ReluOp>())
    return getInput();
  return {};
}

LogicalResult ClipOp::verify() {
  if (getMin() && getMax() && getMin()->convertToDouble() >
                                  getMax()->convertToDouble())
    return emitOpError() << "min " << getMin()->convertToDouble()
                         << " is greater than max "
                         << getMax()->convertToDouble();
  return success();
}

LogicalResult CastOp::verify() {
  return verifyShape(*this, "result", getType(),
                     tensorType(getInput()).getShape());
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxOp::verify() {
  return verifyAxis(*this, "axis", getAxis(), getType().getRank());
}

LogicalResult LogSoftmaxOp::verify() {
  return verifyAxis(*this, "axis", getAxis(), getType().getRank());
}

LogicalResult LayerNormOp::verify() {
  RankedTensorType inType = tensorType(getInput());
  if (failed(verifyAxis(*this, "axis", getAxis(), inType.getRank())))
    return failure();
  ArrayRef<int64_t> normalized = inType.getShape().drop_front(getAxis());
  if (failed(verifyShape(*this, "scale", tensorType(getScale()), normalized)))
    return failure();
  if (getBias() &&
      failed(verifyShape(*this, "bias", tensorType(getBias()), normalized)))
    return failure();
  return success();
}

LogicalResult BatchNormOp::verify() {
  RankedTensorType inType = tensorType(getInput());
  if (inType.getRank() < 2)
    return emitOpError() << "expects an input of rank 2 or more, got "
                         << inType;
  int64_t channels = inType.getDimSize(1);
  const StringRef names[] = {"scale", "bias", "mean", "variance"};
  const Value params[] = {getScale(), getBias(), getMean(), getVariance()};
  for (auto [name, value] : llvm::zip_equal(names, params))
    if (failed(verifyShape(*this, name, tensorType(value), {channels})))
      return failure();
  return success();
}

/// Element `i` of f32 constant data, widened to double; a splat holds one
/// element that stands for all of them.
static double readF32(const RawConstantData &data, int64_t i) {
  float value;
  std::memcpy(&value,
              data.bytes.data() + (data.isSplat ? 0 : i) * sizeof(float),
              sizeof(float));
  return value;
}

static void writeF32(MutableArrayRef<char> bytes, int64_t i, double value) {
  float narrowed = float(value);
  std::memcpy(bytes.data() + i * sizeof(float), &narrowed, sizeof(float));
}

/// The `count` elements of the f32 constant that defines `value`, or
/// std::nullopt when there is no such constant with readable data (a blob
/// elided from the text has none). Binds the constant to `bound` if given.
static std::optional<SmallVector<double>>
readF32Constant(Value value, int64_t count, ElementsAttr *bound = nullptr) {
  ElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) ||
      !attr.getElementType().isF32() || attr.getNumElements() != count)
    return std::nullopt;
  std::optional<RawConstantData> raw = getRawConstantData(attr);
  if (!raw)
    return std::nullopt;
  SmallVector<double> values;
  for (int64_t i = 0; i < count; ++i)
    values.push_back(readF32(*raw, i));
  if (bound)
    *bound = attr;
  return values;
}

namespace {
/// batch_norm(conv2d(x, W, b)) -> conv2d(x, W', b') when the weight, the
/// bias and the statistics are constants. Inference-mode batch normalization
/// is an affine map per output channel, which the convolution absorbs, as in
/// ONNX Runtime's ConvBNFusion (onnxruntime/core/optimizer/conv_bn_fusion.cc)
/// and PyTorch's torch.nn.utils.fusion.fuse_conv_bn_eval. With
/// k[o] = scale[o] / sqrt(var[o] + epsilon):
///   W'[o] = W[o] * k[o]
///   b'[o] = (b[o] - mean[o]) * k[o] + bias[o]
/// The arithmetic is done in double and rounded once to f32, so the folded
/// weights are as close to the exact products as f32 allows.
struct FoldBatchNormIntoConv : public OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    auto conv = op.getInput().getDefiningOp<Conv2DOp>();
    // Another user of the convolution needs the unnormalized values, and
    // keeping both convolutions would double the work.
    if (!conv || !conv->hasOneUse() || !op.getType().getElementType().isF32())
      return failure();

    // Constants are statically shaped, so the weight fixes the channel count
    // even where the activation's channel dimension is dynamic (and the
    // verifiers could not compare the parameters against it). Dynamic
    // activation extents do not matter: the fold only rewrites constants.
    ElementsAttr weightAttr;
    if (!matchPattern(conv.getWeight(), m_Constant(&weightAttr)) ||
        !weightAttr.getElementType().isF32())
      return failure();
    std::optional<RawConstantData> weight = getRawConstantData(weightAttr);
    int64_t filters = weightAttr.getShapedType().getDimSize(0);
    // Without filters there is nothing to scale.
    if (!weight || filters == 0)
      return failure();

    ElementsAttr shiftAttr;
    std::optional<SmallVector<double>> scale =
        readF32Constant(op.getScale(), filters);
    std::optional<SmallVector<double>> shift =
        readF32Constant(op.getBias(), filters, &shiftAttr);
    std::optional<SmallVector<double>> mean =
        readF32Constant(op.getMean(), filters);
    std::optional<SmallVector<double>> variance =
        readF32Constant(op.getVariance(), filters);
    if (!scale || !shift || !mean || !variance)
      return failure();
    // The new bias keeps the storage kind of the old one, or of the
    // batch_norm bias when the convolution has none.
    ElementsAttr biasLike = shiftAttr;
    SmallVector<double> bias(filters, 0.0);
    if (Value convBias = conv.getBias()) {
      std::optional<SmallVector<double>> values =
          readF32Constant(convBias, filters, &biasLike);
      if (!values)
        return failure();
      bias = std::move(*values);
    }

    double epsilon = op.getEpsilonAttr().getValueAsDouble();
    SmallVector<double> factor(filters);
    SmallVector<char> biasBytes(filters * sizeof(float));
    for (int64_t o = 0; o < filters; ++o) {
      double denominator = (*variance)[o] + epsilon;
      // A non-positive (or NaN) variance has no real square root; such a
      // model is left as written rather than filled with NaNs.
      if (!(denominator > 0.0))
        return failure();
      factor[o] = (*scale)[o] / std::sqrt(denominator);
      writeF32(biasBytes, o, (bias[o] - (*mean)[o]) * factor[o] + (*shift)[o]);
    }
    // OIHW: filter o is the o-th contiguous run of the weight.
    int64_t weightCount = weightAttr.getNumElements();
    int64_t perFilter = weightCount / filters;
    SmallVector<char> weightBytes(weightCount * sizeof(float));
    for (int64_t i = 0; i < weightCount; ++i)
      writeF32(weightBytes, i, readF32(*weight, i) * factor[i / perFilter]);

    Value newWeight = ConstantOp::create(
        rewriter, conv.getWeight().getLoc(),
        buildConstantLike(weightAttr, weightAttr.getShapedType(), weightBytes));
    Value newBias = ConstantOp::create(
        rewriter, op.getBias().getLoc(),
        buildConstantLike(biasLike, biasLike.getShapedType(), biasBytes));
    auto fused = Conv2DOp::create(
        rewriter, rewriter.getFusedLoc({conv.getLoc(), op.getLoc()}),
        op.getType(), conv.getInput(), newWeight, newBias,
        conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(),
        conv.getGroupsAttr());
    fused->setDiscardableAttrs(conv->getDiscardableAttrDictionary());
    rewriter.replaceOp(op, fused);
    rewriter.eraseOp(conv);
    return success();
  }
};
} // namespace

void BatchNormOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                              MLIRContext *context) {
  results.add<FoldBatchNormIntoConv>(context);
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

static LogicalResult verifyPool(Operation *op, RankedTensorType inType,
                                RankedTensorType outType,
                                ArrayRef<int64_t> kernel,
                                ArrayRef<int64_t> strides,
                                ArrayRef<int64_t> pads,
                                ArrayRef<int64_t> dilations, bool ceilMode) {
  if (failed(verifyRank(op, "an NCHW input", inType, 4)) ||
      failed(verifyAllPositive(op, "kernel", kernel)) ||
      failed(verifyWindowAttrs(op, strides, pads, dilations)))
    return failure();
  for (int i = 0; i < 2; ++i)
    if (pads[i] >= kernel[i] || pads[i + 2] >= kernel[i])
      return op->emitOpError() << "pads must be smaller than the kernel";
  int64_t h = windowOutputSize(inType.getDimSize(2), kernel[0], strides[0],
                               dilations[0], pads[0], pads[2], ceilMode);
  int64_t w = windowOutputSize(inType.getDimSize(3), kernel[1], strides[1],
                               dilations[1], pads[1], pads[3], ceilMode);
  if (h == kOverflow || w == kOverflow)
    return op->emitOpError() << "window sizes overflow 64-bit arithmetic";
  if (h == -1 || w == -1)
    return op->emitOpError() << "kernel is larger than the padded input";
  return verifyShape(op, "result", outType,
                     {inType.getDimSize(0), inType.getDimSize(1), h, w});
}

LogicalResult MaxPool2DOp::verify() {
  return verifyPool(*this, tensorType(getInput()), getType(), getKernel(),
                    getStrides(), getPads(), getDilations(), getCeilMode());
}

LogicalResult AvgPool2DOp::verify() {
  const int64_t noDilation[] = {1, 1};
  return verifyPool(*this, tensorType(getInput()), getType(), getKernel(),
                    getStrides(), getPads(), noDilation, getCeilMode());
}

template <typename OpTy>
static LogicalResult verifyGlobalPool(OpTy op) {
  RankedTensorType inType = tensorType(op.getInput());
  if (failed(verifyRank(op, "an NCHW input", inType, 4)))
    return failure();
  return verifyShape(op, "result", op.getType(),
                     {inType.getDimSize(0), inType.getDimSize(1), 1, 1});
}

LogicalResult GlobalAvgPool2DOp::verify() { return verifyGlobalPool(*this); }
LogicalResult GlobalMaxPool2DOp::verify() { return verifyGlobalPool(*this); }

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

template <typename OpTy>
static LogicalResult verifyReduce(OpTy op) {
  RankedTensorType inType = tensorType(op.getInput());
  ArrayRef<int64_t> axes = op.getAxes();
  if (axes.empty())
    return op.emitOpError() << "axes must not be empty";
  for (auto [i, axis] : llvm::enumerate(axes)) {
    if (failed(verifyAxis(op, "axis", axis, inType.getRank())))
      return failure();
    if (i > 0 && axis <= axes[i - 1])
      return op.emitOpError() << "axes must be sorted and unique";
  }
  SmallVector<int64_t> expected;
  for (auto [dim, size] : llvm::enumerate(inType.getShape())) {
    if (!llvm::is_contained(axes, int64_t(dim)))
      expected.push_back(size);
    else if (op.getKeepdims())
      expected.push_back(1);
  }
  return verifyShape(op, "result", op.getType(), expected);
}

LogicalResult ReduceMeanOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceSumOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMaxOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMinOp::verify() { return verifyReduce(*this); }

//===----------------------------------------------------------------------===//
// TransposeOp
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::verify() {
  RankedTensorType inType = tensorType(getInput());
  ArrayRef<int64_t> perm = getPerm();
  llvm::SmallBitVector seen(perm.size());
  bool isPermutation = int64_t(perm.size()) == inType.getRank();
  for (int64_t p : perm) {
    if (!isPermutation || p < 0 || p >= int64_t(perm.size()) || seen.test(p)) {
      isPermutation = false;
      break;
    }
    seen.set(p);
  }
  if (!isPermutation)
    return emitOpError() << "perm " << formatShape(perm)
                         << " is not a permutation of the " << inType.getRank()
                         << " input dimensions";
  SmallVector<int64_t> expected;
  for (int64_t p : perm)
    expected.push_back(inType.getDimSize(p));
  return verifyShape(*this, "result", getType(), expected);
}

/// Permutes the row-major elements of `data` (each `elementBytes` wide) from
/// `shape` to the layout in which result dimension i is input dimension
/// perm[i].
static SmallVector<char> permuteBytes(ArrayRef<char> data,
                                      ArrayRef<int64_t> shape,
                                      ArrayRef<int64_t> perm,
                                      size_t elementBytes) {
  int64_t rank = shape.size();
  SmallVector<int64_t> inStrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    inStrides[d] = inStrides[d + 1] * shape[d + 1];
  SmallVector<int64_t> outShape, strideOfOut;
  for (int64_t p : perm) {
    outShape.push_back(shape[p]);
    strideOfOut.push_back(inStrides[p]);
  }
  SmallVector<char> result(data.size());
  SmallVector<int64_t> index(rank, 0);
  int64_t source = 0;
  size_t numElements = data.size() / elementBytes;
  for (size_t i = 0; i < numElements; ++i) {
    std::memcpy(result.data() + i * elementBytes,
                data.data() + source * elementBytes, elementBytes);
    // Advance the output index like an odometer, tracking the input offset.
    for (int64_t d = rank - 1; d >= 0; --d) {
      source += strideOfOut[d];
      if (++index[d] < outShape[d])
        break;
      source -= strideOfOut[d] * outShape[d];
      index[d] = 0;
    }
  }
  return result;
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  if (llvm::equal(getPerm(), llvm::seq<int64_t>(0, getPerm().size())) &&
      getInput().getType() == getType())
    return getInput();
  auto constant = dyn_cast_or_null<ElementsAttr>(adaptor.getInput());
  if (!constant || !getType().hasStaticShape())
    return {};
  std::optional<RawConstantData> raw = getRawConstantData(constant);
  if (!raw)
    return {};
  if (raw->isSplat)
    return DenseElementsAttr::get(getType(),
                                  cast<DenseElementsAttr>(constant)
                                      .getSplatValue<Attribute>());
  size_t elementBytes = constant.getElementType().getIntOrFloatBitWidth() / 8;
  SmallVector<char> permuted =
      permuteBytes(raw->bytes, constant.getShapedType().getShape(), getPerm(),
                   elementBytes);
  return buildConstantLike(constant, getType(), permuted);
}

namespace {
/// transpose(transpose(x, p), q) -> transpose(x, p o q).
struct ComposeTransposes : public OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto producer = op.getInput().getDefiningOp<TransposeOp>();
    if (!producer)
      return failure();
    SmallVector<int64_t> composed;
    for (int64_t p : op.getPerm())
      composed.push_back(producer.getPerm()[p]);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, op.getType(),
                                             producer.getInput(), composed);
    return success();
  }
};
} // namespace

void TransposeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                              MLIRContext *context) {
  results.add<ComposeTransposes>(context);
}

//===----------------------------------------------------------------------===//
// ReshapeOp
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  RankedTensorType inType = tensorType(getInput());
  if (!inType.hasStaticShape() || !getType().hasStaticShape())
    return success();
  std::optional<int64_t> in = getNumElements(inType.getShape());
  std::optional<int64_t> out = getNumElements(getType().getShape());
  if (!in || !out)
    return emitOpError() << "element count overflows 64-bit arithmetic";
  if (*in != *out)
    return emitOpError() << "cannot reshape " << *in << " elements into "
                         << *out;
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  auto constant = dyn_cast_or_null<ElementsAttr>(adaptor.getInput());
  if (!constant || !getType().hasStaticShape())
    return {};
  // Reshaping is free for both storage kinds: the bytes do not move.
  if (auto dense = dyn_cast<DenseElementsAttr>(constant))
    return dense.reshape(getType());
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(constant))
    return DenseResourceElementsAttr::get(getType(), resource.getRawHandle());
  return {};
}

namespace {
/// reshape(reshape(x)) -> reshape(x): only the final shape matters.
struct ComposeReshapes : public OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto producer = op.getInput().getDefiningOp<ReshapeOp>();
    if (!producer)
      return failure();
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getType(),
                                           producer.getInput());
    return success();
  }
};
} // namespace

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                            MLIRContext *context) {
  results.add<ComposeReshapes>(context);
}

//===----------------------------------------------------------------------===//
// ConcatOp
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::verify() {
  // SameOperandsAndResultElementType already requires at least one input.
  int64_t rank = getType().getRank();
  int64_t axis = getAxis();
  if (failed(verifyAxis(*this, "axis", axis, rank)))
    return failure();
  SmallVector<int64_t> expected(getType().getShape());
  expected[axis] = 0;
  for (Value input : getInputs()) {
    RankedTensorType type = tensorType(input);
    if (type.getRank() != rank)
      return emitOpError() << "inputs must all have rank " << rank << ", got "
                           << type;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t size = type.getDimSize(d);
      if (d == axis) {
        expected[d] = addExtents({expected[d], size});
        if (expected[d] == kOverflow)
          return emitOpError() << "concatenated extent overflows 64-bit "
                                  "arithmetic";
      } else if (!ShapedType::isDynamic(size) &&
                 !ShapedType::isDynamic(expected[d]) && size != expected[d]) {
        return emitOpError() << "input " << type << " differs from the result "
                             << "in dimension " << d;
      }
    }
  }
  return verifyShape(*this, "result", getType(), expected);
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1 && getInputs()[0].getType() == getType())
    return getInputs()[0];
  return {};
}

//===----------------------------------------------------------------------===//
// SliceOp
//===----------------------------------------------------------------------===//

LogicalResult SliceOp::verify() {
  RankedTensorType inType = tensorType(getInput());
  int64_t rank = inType.getRank();
  if (int64_t(getStarts().size()) != rank ||
      int64_t(getSteps().size()) != rank)
    return emitOpError() << "expects one start and one step per dimension ("
                         << rank << ")";
  if (getType().getRank() != rank)
    return emitOpError() << "result must have rank " << rank;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t start = getStarts()[d], step = getSteps()[d];
    int64_t extent = inType.getDimSize(d), count = getType().getDimSize(d);
    if (step == 0)
      return emitOpError() << "step of dimension " << d << " is zero";
    if (ShapedType::isDynamic(extent) || ShapedType::isDynamic(count) ||
        count == 0)
      continue;
    std::optional<int64_t> reach = llvm::checkedMulAdd(count - 1, step, start);
    if (!reach)
      return emitOpError() << "dimension " << d
                           << " steps beyond 64-bit indices";
    int64_t last = *reach;
    if (start < 0 || start >= extent || last < 0 || last >= extent)
      return emitOpError() << "dimension " << d << " reads indices " << start
                           << " to " << last << ", outside [0, " << extent
                           << ")";
  }
  return success();
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType() &&
      llvm::all_of(getStarts(), [](int64_t s) { return s == 0; }) &&
      llvm::all_of(getSteps(), [](int64_t s) { return s == 1; }))
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// PadOp
//===----------------------------------------------------------------------===//

LogicalResult PadOp::verify() {
  RankedTensorType inType = tensorType(getInput());
  int64_t rank = inType.getRank();
  ArrayRef<int64_t> pads = getPads();
  if (int64_t(pads.size()) != 2 * rank)
    return emitOpError() << "expects " << 2 * rank << " pads, got "
                         << pads.size();
  if (failed(verifyNonNegative(*this, "pads", pads)))
    return failure();
  SmallVector<int64_t> expected;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t size = inType.getDimSize(d);
    // Reflection mirrors the interior, so it cannot reach past the edge.
    if (getMode() == PadMode::Reflect && !ShapedType::isDynamic(size) &&
        std::max(pads[d], pads[rank + d]) >= size)
      return emitOpError() << "reflect padding of dimension " << d
                           << " must be smaller than its extent " << size;
    expected.push_back(addExtents({size, pads[d], pads[rank + d]}));
    if (expected.back() == kOverflow)
      return emitOpError() << "padded extent of dimension " << d
                           << " overflows 64-bit arithmetic";
  }
  return verifyShape(*this, "result", getType(), expected);
}

OpFoldResult PadOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType() &&
      llvm::all_of(getPads(), [](int64_t p) { return p == 0; }))
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// ExpandOp
//===----------------------------------------------------------------------===//

LogicalResult ExpandOp::verify() {
  ArrayRef<int64_t> in = tensorType(getInput()).getShape();
  ArrayRef<int64_t> out = getType().getShape();
  if (out.size() < in.size())
    return emitOpError() << "result rank " << out.size()
                         << " is smaller than the input rank " << in.size();
  // The importer has already broadcast the target shape against the input,
  // so only the input grows: an extent other than 1 is kept as it is.
  for (auto [have, want] : llvm::zip_equal(in, out.take_back(in.size())))
    if (have != 1 && !ShapedType::isDynamic(have) &&
        !ShapedType::isDynamic(want) && have != want)
      return emitOpError() << "input of shape " << formatShape(in)
                           << " does not broadcast to the result shape "
                           << formatShape(out);
  return success();
}

OpFoldResult ExpandOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // A broadcast splat is the same splat at any size (ONNX exporters write
  // ConstantOfShape + Expand); other constants would grow in memory.
  auto splat = dyn_cast_or_null<SplatElementsAttr>(adaptor.getInput());
  if (splat && getType().hasStaticShape())
    return DenseElementsAttr::get(getType(), splat.getSplatValue<Attribute>());
  return {};
}

//===----------------------------------------------------------------------===//
// TileOp
//===----------------------------------------------------------------------===//

LogicalResult TileOp::verify() {
  RankedTensorType inType = tensorType(getInput());
  int64_t rank = inType.getRank();
  ArrayRef<int64_t> repeats = getRepeats();
  if (int64_t(repeats.size()) != rank)
    return emitOpError() << "expects one repeat per dimension (" << rank << ")";
  if (failed(verifyAllPositive(*this, "repeats", repeats)))
    return failure();
  SmallVector<int64_t> expected;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t size = inType.getDimSize(d);
    if (ShapedType::isDynamic(size)) {
      expected.push_back(ShapedType::kDynamic);
      continue;
    }
    std::optional<int64_t> tiled = llvm::checkedMul(size, repeats[d]);
    if (!tiled)
      return emitOpError() << "tiled extent of dimension " << d
                           << " overflows 64-bit arithmetic";
    expected.push_back(*tiled);
  }
  return verifyShape(*this, "result", getType(), expected);
}

OpFoldResult TileOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType() &&
      llvm::all_of(getRepeats(), [](int64_t r) { return r == 1; }))
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// ResizeOp
//===----------------------------------------------------------------------===//

LogicalResult ResizeOp::verify() {
  RankedTensorType inType = tensorType(getInput());
  if (getType().getRank() != inType.getRank())
    return emitOpError() << "result must have the input's rank "
                         << inType.getRank();
  if (getMode() == ResizeMode::Linear &&
      !isa<FloatType>(inType.getElementType()))
    return emitOpError() << "linear resize needs float elements";
  std::optional<ArrayRef<float>> scales = getScales();
  if (!scales)
    return success();
  if (int64_t(scales->size()) != inType.getRank())
    return emitOpError() << "expects one scale per dimension ("
                         << inType.getRank() << ")";
  SmallVector<int64_t> expected;
  for (auto [size, scale] : llvm::zip(inType.getShape(), *scales)) {
    if (!(scale > 0.0f))
      return emitOpError() << "scales must be positive";
    if (ShapedType::isDynamic(size)) {
      expected.push_back(ShapedType::kDynamic);
      continue;
    }
    // ONNX: output extent = floor(input extent * scale).
    double extent = std::floor(double(size) * scale);
    if (extent >= double(std::numeric_limits<int32_t>::max()))
      return emitOpError() << "scale " << scale << " makes dimension "
                           << expected.size() << " too large";
    expected.push_back(int64_t(extent));
  }
  return verifyShape(*this, "result", getType(), expected);
}

//===----------------------------------------------------------------------===//
// GatherOp
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::verify() {
  RankedTensorType dataType = tensorType(getData());
  if (failed(verifyAxis(*this, "axis", getAxis(), dataType.getRank())))
    return failure();
  if (getType().getElementType() != dataType.getElementType())
    return emitOpError() << "result element type must match the data";
  SmallVector<int64_t> expected(dataType.getShape().take_front(getAxis()));
  llvm::append_range(expected, tensorType(getIndices()).getShape());
  llvm::append_range(expected, dataType.getShape().drop_front(getAxis() + 1));
  return verifyShape(*this, "result", getType(), expected);
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

/// Scale and zero point are scalars (per-tensor) or 1-D along `axis`
/// (per-channel), with matching shapes.
static LogicalResult verifyQuantParams(Operation *op, RankedTensorType data,
                                       Value scale, Value zeroPoint,
                                       int64_t axis) {
  RankedTensorType scaleType = tensorType(scale);
  if (scaleType.getRank() > 1)
    return op->emitOpError() << "scale must be a scalar or 1-D, got "
                             << scaleType;
  if (failed(verifyShape(op, "zero point", tensorType(zeroPoint),
                         scaleType.getShape())))
    return failure();
  if (scaleType.getRank() == 1) {
    if (failed(verifyAxis(op, "axis", axis, data.getRank())))
      return failure();
    if (failed(verifyShape(op, "per-channel scale", scaleType,
                           {data.getDimSize(axis)})))
      return failure();
  }
  return success();
}

LogicalResult QuantizeOp::verify() {
  RankedTensorType inType = tensorType(getInput());
  if (tensorType(getZeroPoint()).getElementType() !=
      getType().getElementType())
    return emitOpError() << "zero point element type must match the result";
  if (tensorType(getScale()).getElementType() != inType.getElementType())
    return emitOpError() << "scale element type must match the input";
  if (failed(verifyShape(*this, "result", getType(), inType.getShape())))
    return failure();
  return verifyQuantParams(*this, inType, getScale(), getZeroPoint(),
                           getAxis());
}

OpFoldResult QuantizeOp::fold(FoldAdaptor) {
  // quantize(dequantize(q)) with the same parameters is exactly q: every
  // dequantized value is representable and rounds back to itself.
  auto producer = getInput().getDefiningOp<DequantizeOp>();
  if (producer && producer.getScale() == getScale() &&
      producer.getZeroPoint() == getZeroPoint() &&
      producer.getAxis() == getAxis() &&
      producer.getInput().getType() == getType())
    return producer.getInput();
  return {};
}

LogicalResult DequantizeOp::verify() {
  RankedTensorType inType = tensorType(getInput());
  if (tensorType(getZeroPoint()).getElementType() != inType.getElementType())
    return emitOpError() << "zero point element type must match the input";
  if (tensorType(getScale()).getElementType() != getType().getElementType())
    return emitOpError() << "scale element type must match the result";
  if (failed(verifyShape(*this, "result", getType(), inType.getShape())))
    return failure();
  return verifyQuantParams(*this, inType, getScale(), getZeroPoint(),
                           getAxis());
}

#define GET_OP_CLASSES
#include "spc/Dialect/Spa/IR/SpaOps.cpp.inc"
