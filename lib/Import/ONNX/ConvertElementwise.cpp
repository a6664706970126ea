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

/// Binds output 0 to input 0, for operators that are the identity on one
/// input (a single-input Sum, a Clip without bounds).
void forwardInput(NodeContext &ctx) {
  const Tensor &in = ctx.input(0);
  if (in.constant)
    ctx.setOutputConstant(0, in.constant);
  else
    ctx.setOutput(0, in.value);
}

/// The NumPy broadcast of the shapes of `lhs` and `rhs`, with `elementType`;
/// null when they do not broadcast.
RankedTensorType getBroadcastType(Value lhs, Value rhs, Type elementType) {
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(
          cast<RankedTensorType>(lhs.getType()).getShape(),
          cast<RankedTensorType>(rhs.getType()).getShape(), shape))
    return {};
  return RankedTensorType::get(shape, elementType);
}

/// The result type of `op(lhs, rhs)`: the type shape inference gives, with
/// the dimensions it leaves dynamic taken from the broadcast of the operands
/// where that fixes them. Converters may give values more precise types than
/// ONNX infers, and the function returns what the body computes.
RankedTensorType refineResultType(RankedTensorType inferred, Value lhs,
                                  Value rhs) {
  RankedTensorType computed =
      getBroadcastType(lhs, rhs, inferred.getElementType());
  if (!computed || computed.getRank() != inferred.getRank())
    return inferred;
  SmallVector<int64_t> shape(inferred.getShape());
  for (auto [dim, known] : llvm::zip_equal(shape, computed.getShape()))
    if (ShapedType::isDynamic(dim))
      dim = known;
  return inferred.clone(shape);
}

/// Converts `value` to `elementType`, keeping its shape.
Value castTo(NodeContext &ctx, Value value, Type elementType) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getElementType() == elementType)
    return value;
  return spa::CastOp::create(ctx.builder(), ctx.loc(),
                             type.clone(elementType), value);
}

//===----------------------------------------------------------------------===//
// Binary and variadic operators
//===----------------------------------------------------------------------===//

template <typename OpTy>
LogicalResult convertBinary(NodeContext &ctx) {
  FailureOr<RankedTensorType> resultType = ctx.outputType(0);
  if (failed(resultType))
    return failure();
  Value lhs = ctx.inputValue(0), rhs = ctx.inputValue(1);
  ctx.setOutput(0, OpTy::create(ctx.builder(), ctx.loc(),
                                refineResultType(*resultType, lhs, rhs), lhs,
                                rhs));
  return success();
}

LogicalResult convertPow(NodeContext &ctx) {
  FailureOr<RankedTensorType> resultType = ctx.outputType(0);
  if (failed(resultType))
    return failure();
  Value base = ctx.inputValue(0), exponent = ctx.inputValue(1);
  Type baseType = ctx.inputType(0).getElementType();
  Type exponentType = ctx.inputType(1).getElementType();
  OpBuilder &b = ctx.builder();
  // From opset 12 the exponent may have another type than the base; spa.pow
  // takes one. An integer base with a float exponent is computed in f64 and
  // truncated, as the reference does (numpy promotes int ** float to
  // float64, then casts to the base type) and as ONNX Runtime's std::pow
  // does; every other exponent converts to the base type.
  if (isa<IntegerType>(baseType) && isa<FloatType>(exponentType)) {
    Type f64 = b.getF64Type();
    base = castTo(ctx, base, f64);
    exponent = castTo(ctx, exponent, f64);
    RankedTensorType wideType =
        refineResultType(*resultType, base, exponent).clone(f64);
    Value power = spa::PowOp::create(b, ctx.loc(), wideType, base, exponent);
    ctx.setOutput(0, castTo(ctx, power, baseType));
    return success();
  }
  exponent = castTo(ctx, exponent, baseType);
  ctx.setOutput(0, spa::PowOp::create(
                       b, ctx.loc(),
                       refineResultType(*resultType, base, exponent), base,
                       exponent));
  return success();
}

/// Folds every input of a variadic operator into a left-to-right chain of
/// `OpTy`. Intermediate results take the broadcast shape of their operands,
/// so that nothing is enlarged before it must be; the last one has
/// `resultType`.
template <typename OpTy>
Value buildChain(NodeContext &ctx, RankedTensorType resultType) {
  Value result = ctx.inputValue(0);
  for (size_t i = 1, e = ctx.numInputs(); i < e; ++i) {
    Value next = ctx.inputValue(i);
    RankedTensorType type;
    if (i + 1 == e)
      type = refineResultType(resultType, result, next);
    else
      type = getBroadcastType(result, next, resultType.getElementType());
    // Operands that do not broadcast get the final type, which the op's
    // verifier then reports against their shapes.
    if (!type)
      type = resultType;
    result = OpTy::create(ctx.builder(), ctx.loc(), type, result, next);
  }
  return result;
}

template <typename OpTy>
LogicalResult convertVariadic(NodeContext &ctx) {
  if (ctx.numInputs() == 1) {
    forwardInput(ctx);
    return success();
  }
  FailureOr<RankedTensorType> resultType = ctx.outputType(0);
  if (failed(resultType))
    return failure();
  ctx.setOutput(0, buildChain<OpTy>(ctx, *resultType));
  return success();
}

LogicalResult convertMean(NodeContext &ctx) {
  if (ctx.numInputs() == 1) {
    forwardInput(ctx);
    return success();
  }
  FailureOr<RankedTensorType> resultType = ctx.outputType(0);
  if (failed(resultType))
    return failure();
  Value sum = buildChain<spa::AddOp>(ctx, *resultType);
  Value count = ctx.materialize(makeDenseConstant(
      resultType->getElementType(), {}, {double(ctx.numInputs())}));
  ctx.setOutput(0, spa::DivOp::create(ctx.builder(), ctx.loc(),
                                      sum.getType(), sum, count));
  return success();
}

//===----------------------------------------------------------------------===//
// Unary operators and activations
//===----------------------------------------------------------------------===//

// Unary spa ops have the type of their input. Their results take it rather
// than the inferred type, which is never more precise for an element-wise
// operator and may be less precise than a converter's.

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
  Value input = ctx.inputValue(0), slope = ctx.inputValue(1);
  RankedTensorType type = ctx.inputType(0);
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

/// Reads the optional Clip bound input `i` (opset 11 and later), which SPC
/// folds into an attribute, so it must be a constant scalar.
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
  if (ctx.opset() < 11) {
    // Opsets 6-10 give the bounds as attributes, unbounded by default.
    if (ctx.hasAttr("min"))
      lower = ctx.floatAttr("min", 0.0f);
    if (ctx.hasAttr("max"))
      upper = ctx.floatAttr("max", 0.0f);
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
    forwardInput(ctx);
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
