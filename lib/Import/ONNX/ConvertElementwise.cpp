//===- ConvertElementwise.cpp - ONNX elementwise operators to spa ---------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Arithmetic, activations and the variadic Max, Min, Sum and Mean. All binary
// operators broadcast multidirectionally from opset 7 (the variadic ones from
// opset 8, which only generalizes opset 6-7's equal shapes), as the spa
// binary ops do. Variadic operators become left-to-right chains of binary
// ops.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "mlir/Dialect/Traits.h"

using namespace mlir;
using namespace spc;
using namespace spc::onnx_import;

namespace {

/// Builds `OpTy(lhs, rhs)`. The result has the multidirectional (NumPy)
/// broadcast shape of the operands and the element type of `lhs`, as every
/// ONNX binary operator's result does. It is computed from the operands
/// rather than taken from ONNX shape inference: the importer often knows
/// shapes that ONNX does not (it folds Slice and Reshape parameters that
/// ONNX's data propagation cannot evaluate, as in PyTorch's attention
/// blocks), and ONNX then gives the element-wise results after them no
/// shape at all.
template <typename OpTy>
FailureOr<Value> createBinary(NodeContext &ctx, Value lhs, Value rhs) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  ArrayRef<int64_t> rhsShape = cast<RankedTensorType>(rhs.getType()).getShape();
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(lhsType.getShape(), rhsShape, shape))
    return ctx.emitError() << "operands of shapes "
                           << formatShape(lhsType.getShape()) << " and "
                           << formatShape(rhsShape) << " do not broadcast";
  return OpTy::create(ctx.builder(), ctx.loc(), lhsType.clone(shape), lhs, rhs)
      .getResult();
}

/// Input `i` converted to `elementType`. A one-element constant, the usual
/// exponent, is converted at import rather than by a spa.cast.
Value castInput(NodeContext &ctx, size_t i, Type elementType) {
  RankedTensorType type = ctx.inputType(i);
  ElementsAttr constant = ctx.inputConstant(i);
  if (type.getElementType() != elementType && constant &&
      constant.getNumElements() == 1)
    return ctx.materialize(makeDenseConstant(elementType, type.getShape(),
                                             readAsDoubles(constant)));
  return castTo(ctx, ctx.inputValue(i), elementType);
}

//===----------------------------------------------------------------------===//
// Binary and variadic operators
//===----------------------------------------------------------------------===//

template <typename OpTy>
LogicalResult convertBinary(NodeContext &ctx) {
  FailureOr<Value> result =
      createBinary<OpTy>(ctx, ctx.inputValue(0), ctx.inputValue(1));
  if (failed(result))
    return failure();
  ctx.setOutput(0, *result);
  return success();
}

LogicalResult convertPow(NodeContext &ctx) {
  Type baseType = ctx.inputType(0).getElementType();
  Type exponentType = ctx.inputType(1).getElementType();
  // From opset 12 the exponent may have another type than the base; spa.pow
  // takes one. An integer base with a float exponent is computed in f64 and
  // truncated, as the reference does (numpy promotes int ** float to
  // float64, then casts to the base type) and as ONNX Runtime's std::pow
  // does; every other exponent converts to the base type.
  if (isa<IntegerType>(baseType) && isa<FloatType>(exponentType)) {
    Type f64 = ctx.builder().getF64Type();
    FailureOr<Value> power = createBinary<spa::PowOp>(
        ctx, castInput(ctx, 0, f64), castInput(ctx, 1, f64));
    if (failed(power))
      return failure();
    ctx.setOutput(0, castTo(ctx, *power, baseType));
    return success();
  }
  FailureOr<Value> power = createBinary<spa::PowOp>(
      ctx, ctx.inputValue(0), castInput(ctx, 1, baseType));
  if (failed(power))
    return failure();
  ctx.setOutput(0, *power);
  return success();
}

/// Folds every input of a variadic operator into a left-to-right chain of
/// `OpTy`. Each result takes the broadcast shape of its own operands, so
/// that nothing is enlarged before it must be.
template <typename OpTy>
FailureOr<Value> buildChain(NodeContext &ctx) {
  Value result = ctx.inputValue(0);
  for (size_t i = 1, e = ctx.numInputs(); i < e; ++i) {
    FailureOr<Value> next = createBinary<OpTy>(ctx, result, ctx.inputValue(i));
    if (failed(next))
      return failure();
    result = *next;
  }
  return result;
}

template <typename OpTy>
LogicalResult convertVariadic(NodeContext &ctx) {
  if (ctx.numInputs() == 1) {
    forward(ctx);
    return success();
  }
  FailureOr<Value> result = buildChain<OpTy>(ctx);
  if (failed(result))
    return failure();
  ctx.setOutput(0, *result);
  return success();
}

LogicalResult convertMean(NodeContext &ctx) {
  if (ctx.numInputs() == 1) {
    forward(ctx);
    return success();
  }
  FailureOr<Value> sum = buildChain<spa::AddOp>(ctx);
  if (failed(sum))
    return failure();
  auto type = cast<RankedTensorType>(sum->getType());
  Value count = ctx.materialize(
      makeDenseConstant(type.getElementType(), {}, {double(ctx.numInputs())}));
  ctx.setOutput(
      0, spa::DivOp::create(ctx.builder(), ctx.loc(), type, *sum, count));
  return success();
}

//===----------------------------------------------------------------------===//
// Unary operators and activations
//===----------------------------------------------------------------------===//

// Unary spa ops have the type of their input, so their results are typed
// from it rather than from ONNX shape inference, as binary results are.

template <typename OpTy>
LogicalResult convertUnary(NodeContext &ctx) {
  ctx.setOutput(0, OpTy::create(ctx.builder(), ctx.loc(), ctx.inputValue(0)));
  return success();
}

LogicalResult convertErf(NodeContext &ctx) {
  // ONNX defines Erf on integers too (from opset 9), where it is 0 or +-1
  // after truncation; no exporter emits it and spa.erf is float only.
  RankedTensorType type = ctx.inputType(0);
  if (!isa<FloatType>(type.getElementType()))
    return ctx.emitError() << "expects a floating-point input, got " << type;
  return convertUnary<spa::ErfOp>(ctx);
}

LogicalResult convertLeakyRelu(NodeContext &ctx) {
  OpBuilder &b = ctx.builder();
  ctx.setOutput(0, spa::LeakyReluOp::create(
                       b, ctx.loc(), ctx.inputValue(0),
                       b.getF32FloatAttr(ctx.floatAttr("alpha", 0.01f))));
  return success();
}

LogicalResult convertHardSigmoid(NodeContext &ctx) {
  OpBuilder &b = ctx.builder();
  ctx.setOutput(0, spa::HardSigmoidOp::create(
                       b, ctx.loc(), ctx.inputValue(0),
                       b.getF32FloatAttr(ctx.floatAttr("alpha", 0.2f)),
                       b.getF32FloatAttr(ctx.floatAttr("beta", 0.5f))));
  return success();
}

LogicalResult convertPRelu(NodeContext &ctx) {
  // ONNX shape inference does not check that the slope broadcasts
  // unidirectionally to the input.
  RankedTensorType type = ctx.inputType(0);
  ArrayRef<int64_t> slopeShape = ctx.inputType(1).getShape();
  if (!broadcastsTo(slopeShape, type.getShape()))
    return ctx.emitError() << "slope ('" << ctx.node().input(1)
                           << "') of shape " << formatShape(slopeShape)
                           << " does not broadcast to the input shape "
                           << formatShape(type.getShape());
  Value input = ctx.inputValue(0), slope = ctx.inputValue(1);
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  if (isa<FloatType>(type.getElementType())) {
    ctx.setOutput(0, spa::PReluOp::create(b, loc, input, slope));
    return success();
  }
  // Opset 16 allows integers, which spa.prelu does not take:
  // relu(x) + slope * min(x, 0) is x where x >= 0 and slope * x elsewhere.
  Value zero =
      ctx.materialize(makeDenseConstant(type.getElementType(), {}, {0.0}));
  Value negative = spa::MinOp::create(b, loc, type, input, zero);
  Value scaled = spa::MulOp::create(b, loc, type, negative, slope);
  Value positive = spa::ReluOp::create(b, loc, input);
  ctx.setOutput(0, spa::AddOp::create(b, loc, type, positive, scaled));
  return success();
}

/// Reads the optional constant Clip bound input `i` (opset 11 and later),
/// which SPC folds into an attribute; it must be a scalar.
FailureOr<std::optional<double>> readClipBound(NodeContext &ctx, size_t i,
                                               StringRef what) {
  if (!ctx.hasInput(i))
    return std::optional<double>();
  FailureOr<SmallVector<double>> values = ctx.constantFloats(i, what);
  if (failed(values))
    return failure();
  if (values->size() != 1)
    return ctx.emitError() << what << " ('" << ctx.node().input(i)
                           << "') must be a scalar, got " << values->size()
                           << " elements";
  return std::optional<double>(values->front());
}

LogicalResult convertClip(NodeContext &ctx) {
  std::optional<double> lower, upper;
  // ONNX defaults a missing bound to the lowest or highest finite value of
  // the type (opsets 6-10: of f32). That differs from no bound only for
  // infinities, and for doubles beyond the f32 range before opset 11; SPC
  // leaves the bound out, as the ONNX reference implementation does
  // (np.clip with None), so that Clip(x, 0) stays a ReLU.
  if (ctx.opset() < 11) {
    // Opsets 6-10 give the bounds as attributes.
    if (ctx.hasAttr("min"))
      lower = ctx.floatAttr("min", 0.0f);
    if (ctx.hasAttr("max"))
      upper = ctx.floatAttr("max", 0.0f);
  } else if ((ctx.hasInput(1) && !ctx.inputConstant(1)) ||
             (ctx.hasInput(2) && !ctx.inputConstant(2))) {
    // Bounds computed at run time: min(max(x, lo), hi) is Clip exactly,
    // including lo > hi, where it yields hi.
    Value result = ctx.inputValue(0);
    RankedTensorType type = ctx.inputType(0);
    if (ctx.hasInput(1))
      result = spa::MaxOp::create(ctx.builder(), ctx.loc(), type, result,
                                  ctx.inputValue(1));
    if (ctx.hasInput(2))
      result = spa::MinOp::create(ctx.builder(), ctx.loc(), type, result,
                                  ctx.inputValue(2));
    ctx.setOutput(0, result);
    return success();
  } else {
    FailureOr<std::optional<double>> min = readClipBound(ctx, 1, "min");
    if (failed(min))
      return failure();
    FailureOr<std::optional<double>> max = readClipBound(ctx, 2, "max");
    if (failed(max))
      return failure();
    lower = *min;
    upper = *max;
  }
  if (!lower && !upper) {
    forward(ctx);
    return success();
  }
  // With min > max, min(max(x, min), max) is max everywhere (ONNX: "sets
  // all the input values to the value of max"); spa.clip requires
  // min <= max, and clipping to [max, max] computes the same.
  if (lower && upper && *lower > *upper)
    lower = upper;
  OpBuilder &b = ctx.builder();
  auto bound = [&](std::optional<double> value) {
    return value ? b.getF64FloatAttr(*value) : FloatAttr();
  };
  ctx.setOutput(0, spa::ClipOp::create(b, ctx.loc(), ctx.inputValue(0),
                                       bound(lower), bound(upper)));
  return success();
}

} // namespace

void onnx_import::registerElementwiseConverters(ConverterTable &table) {
  table["Add"] = convertBinary<spa::AddOp>;
  table["Sub"] = convertBinary<spa::SubOp>;
  table["Mul"] = convertBinary<spa::MulOp>;
  table["Div"] = convertBinary<spa::DivOp>;
  table["Pow"] = convertPow;
  table["Max"] = convertVariadic<spa::MaxOp>;
  table["Min"] = convertVariadic<spa::MinOp>;
  table["Sum"] = convertVariadic<spa::AddOp>;
  table["Mean"] = convertMean;

  table["Relu"] = convertUnary<spa::ReluOp>;
  table["LeakyRelu"] = convertLeakyRelu;
  table["PRelu"] = convertPRelu;
  table["Clip"] = convertClip;
  table["Sigmoid"] = convertUnary<spa::SigmoidOp>;
  table["HardSigmoid"] = convertHardSigmoid;
  // HardSwish is x * HardSigmoid(x) with alpha 1/6 and beta 1/2, which is
  // what spa.hard_swish computes.
  table["HardSwish"] = convertUnary<spa::HardSwishOp>;
  table["Tanh"] = convertUnary<spa::TanhOp>;
  table["Erf"] = convertErf;
  table["Exp"] = convertUnary<spa::ExpOp>;
  table["Log"] = convertUnary<spa::LogOp>;
  table["Sqrt"] = convertUnary<spa::SqrtOp>;
  table["Reciprocal"] = convertUnary<spa::ReciprocalOp>;
  table["Neg"] = convertUnary<spa::NegOp>;
  table["Abs"] = convertUnary<spa::AbsOp>;
}
