//===- ConvertQuantization.cpp - ONNX quantization operators to spa -------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// QuantizeLinear and DequantizeLinear map to spa.quantize and
// spa.dequantize. QLinearConv and QLinearMatMul become the QDQ form:
// dequantized operands, the float contraction, and a quantized result, which
// is the pattern quantization-aware backends match.
//
//===----------------------------------------------------------------------===//

#include "Window.h"

using namespace mlir;
using namespace spc;
using namespace spc::onnx_import;

namespace {

/// The scale and zero point of one quantized tensor in the form spa takes:
/// both scalars (per-tensor), or both 1-D along `axis` (per-channel).
struct QuantParams {
  Value scale, zeroPoint;
  /// spa's default, which it ignores for per-tensor parameters.
  int64_t axis = 1;
  /// The scale's type after normalization.
  RankedTensorType scaleType;
};

/// Reads the scale (input `scaleIndex`) and optional zero point (input
/// `zeroIndex`) of the quantized tensor `data`, named `prefix` in the ONNX
/// operator (`x`, `w`, `y`...). A one-element scale is per-tensor, as ONNX
/// Runtime reads it; otherwise the scale is per-channel along `channelAxis`,
/// which is std::nullopt where ONNX allows only per-tensor parameters. An
/// absent zero point is zero of `defaultZeroType`.
FailureOr<QuantParams> readQuantParams(NodeContext &ctx, RankedTensorType data,
                                       size_t scaleIndex, size_t zeroIndex,
                                       StringRef prefix,
                                       std::optional<int64_t> channelAxis,
                                       Type defaultZeroType) {
  std::string scaleName = (prefix + "_scale").str();
  std::string zeroName = (prefix + "_zero_point").str();
  QuantParams params;
  RankedTensorType scaleType = ctx.inputType(scaleIndex);
  if (scaleType.getRank() > 1)
    return ctx.emitError() << scaleName << " must be a scalar or 1-D, got "
                           << scaleType;
  if (scaleType.hasStaticShape() && scaleType.getNumElements() == 1) {
    params.scaleType = RankedTensorType::get({}, scaleType.getElementType());
  } else {
    if (!channelAxis)
      return ctx.emitError()
             << scaleName << " must be a scalar, got " << scaleType;
    FailureOr<int64_t> axis =
        normalizeAxis(ctx, *channelAxis, data.getRank(), "axis");
    if (failed(axis))
      return failure();
    int64_t channels = data.getDimSize(*axis);
    if (scaleType.isDynamicDim(0) && failed(ctx.requireStaticInput(scaleIndex)))
      return failure();
    if (!ShapedType::isDynamic(channels) && scaleType.getDimSize(0) != channels)
      return ctx.emitError() << scaleName << " has " << scaleType.getDimSize(0)
                             << " elements, but the quantized axis " << *axis
                             << " has " << channels;
    params.axis = *axis;
    params.scaleType = scaleType;
  }
  params.scale = reshapeTo(ctx, ctx.inputValue(scaleIndex), params.scaleType);

  if (!ctx.hasInput(zeroIndex)) {
    int64_t count = params.scaleType.getNumElements();
    params.zeroPoint = ctx.materialize(
        makeDenseConstant(defaultZeroType, params.scaleType.getShape(),
                          SmallVector<double>(count, 0.0)));
    return params;
  }
  RankedTensorType zeroType = ctx.inputType(zeroIndex);
  if (!zeroType.hasStaticShape() ||
      zeroType.getNumElements() != params.scaleType.getNumElements())
    return ctx.emitError() << zeroName << " has type " << zeroType << ", but "
                           << scaleName << " has type " << scaleType;
  params.zeroPoint =
      reshapeTo(ctx, ctx.inputValue(zeroIndex),
                params.scaleType.clone(zeroType.getElementType()));
  return params;
}

/// The `axis` attribute of QuantizeLinear and DequantizeLinear: per-channel
/// parameters exist from opset 13 only.
std::optional<int64_t> getChannelAxis(NodeContext &ctx) {
  if (ctx.opset() < 13)
    return std::nullopt;
  return ctx.intAttr("axis", 1);
}

LogicalResult convertQuantizeLinear(NodeContext &ctx) {
  FailureOr<RankedTensorType> resultType = ctx.outputType(0);
  if (failed(resultType))
    return failure();
  // Shape inference gives the result the zero point's type, uint8 without
  // one, as ONNX specifies.
  FailureOr<QuantParams> params =
      readQuantParams(ctx, ctx.inputType(0), 1, 2, "y", getChannelAxis(ctx),
                      resultType->getElementType());
  if (failed(params))
    return failure();
  // ONNX also quantizes int32 inputs (accumulators); spa quantizes floats.
  Value input = ctx.inputValue(0);
  RankedTensorType inType = ctx.inputType(0);
  Type floatType = params->scaleType.getElementType();
  if (inType.getElementType() != floatType)
    input = spa::CastOp::create(ctx.builder(), ctx.loc(),
                                inType.clone(floatType), input);
  ctx.setOutput(0, spa::QuantizeOp::create(ctx.builder(), ctx.loc(),
                                           *resultType, input, params->scale,
                                           params->zeroPoint, params->axis));
  return success();
}

LogicalResult convertDequantizeLinear(NodeContext &ctx) {
  FailureOr<RankedTensorType> resultType = ctx.outputType(0);
  if (failed(resultType))
    return failure();
  RankedTensorType inType = ctx.inputType(0);
  FailureOr<QuantParams> params = readQuantParams(
      ctx, inType, 1, 2, "x", getChannelAxis(ctx), inType.getElementType());
  if (failed(params))
    return failure();
  ctx.setOutput(0, spa::DequantizeOp::create(
                       ctx.builder(), ctx.loc(), *resultType, ctx.inputValue(0),
                       params->scale, params->zeroPoint, params->axis));
  return success();
}

/// The float bias of QLinearConv: B (int32) has scale x_scale * w_scale and
/// zero point 0. spa takes the product as an operand, so it is computed here
/// from constant scales.
FailureOr<Value> dequantizeBias(NodeContext &ctx, const QuantParams &w) {
  RankedTensorType biasType = ctx.inputType(8);
  if (biasType.getRank() != 1)
    return ctx.emitError() << "the bias B must be 1-D, got " << biasType;
  ElementsAttr xScale = ctx.inputConstant(1), wScale = ctx.inputConstant(4);
  if (!xScale || !wScale)
    return ctx.emitError() << "x_scale and w_scale must be constants to "
                              "dequantize the bias B";
  double xs = readAsDoubles(xScale).front();
  SmallVector<double> scales;
  for (double ws : readAsDoubles(wScale))
    scales.push_back(xs * ws);
  RankedTensorType scaleType = w.scaleType;
  Type i32 = ctx.builder().getI32Type();
  Value scale = ctx.materialize(makeDenseConstant(
      scaleType.getElementType(), scaleType.getShape(), scales));
  Value zero = ctx.materialize(makeDenseConstant(
      i32, scaleType.getShape(), SmallVector<double>(scales.size(), 0.0)));
  // A per-channel w_scale runs along axis 0 of w, the output channels, which
  // is also the only axis of B.
  return spa::DequantizeOp::create(ctx.builder(), ctx.loc(),
                                   biasType.clone(scaleType.getElementType()),
                                   ctx.inputValue(8), scale, zero, w.axis)
      .getResult();
}

LogicalResult convertQLinearConv(NodeContext &ctx) {
  FailureOr<RankedTensorType> resultType = ctx.outputType(0);
  if (failed(resultType))
    return failure();
  // The window and the 1-D lifting are Conv's, with the weight at input 3.
  FailureOr<int64_t> spatialRank = getConvSpatialRank(ctx, 3);
  if (failed(spatialRank))
    return failure();
  FailureOr<Window> window = readConvWindow(ctx, 3, /*transposed=*/false);
  if (failed(window))
    return failure();
  RankedTensorType inType = ctx.inputType(0), wType = ctx.inputType(3);

  // x and y are quantized per tensor; w may be per output channel.
  FailureOr<QuantParams> x = readQuantParams(
      ctx, inType, 1, 2, "x", std::nullopt, inType.getElementType());
  if (failed(x))
    return failure();
  FailureOr<QuantParams> w =
      readQuantParams(ctx, wType, 4, 5, "w", 0, wType.getElementType());
  if (failed(w))
    return failure();
  FailureOr<QuantParams> y = readQuantParams(
      ctx, *resultType, 6, 7, "y", std::nullopt, resultType->getElementType());
  if (failed(y))
    return failure();
  Value bias;
  if (ctx.hasInput(8)) {
    FailureOr<Value> dequantized = dequantizeBias(ctx, *w);
    if (failed(dequantized))
      return failure();
    bias = *dequantized;
  }

  // Lift 1-D operands before dequantizing, so that dequantize, conv2d and
  // quantize stay adjacent.
  ConvOperands operands = getConvOperands(ctx, 3, *spatialRank, *resultType);
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  Type floatType = x->scaleType.getElementType();
  auto floatTypeOf = [&](Value value) {
    return cast<RankedTensorType>(value.getType()).clone(floatType);
  };
  Value inputFloat = spa::DequantizeOp::create(
      b, loc, floatTypeOf(operands.input), operands.input, x->scale,
      x->zeroPoint, x->axis);
  Value weightFloat = spa::DequantizeOp::create(
      b, loc, floatTypeOf(operands.weight), operands.weight, w->scale,
      w->zeroPoint, w->axis);
  Value conv = spa::Conv2DOp::create(
      b, loc, operands.resultType.clone(floatType), inputFloat, weightFloat,
      bias, window->strides, window->pads, window->dilations, window->groups);
  Value result = spa::QuantizeOp::create(b, loc, operands.resultType, conv,
                                         y->scale, y->zeroPoint, y->axis);
  ctx.setOutput(0, reshapeTo(ctx, result, *resultType));
  return success();
}

/// The axis `fromEnd` dimensions before the end of `type`, for per-row and
/// per-column parameters, or std::nullopt when the rank is too small.
std::optional<int64_t> axisFromEnd(RankedTensorType type, int64_t fromEnd) {
  if (type.getRank() < 2)
    return std::nullopt;
  return type.getRank() - fromEnd;
}

LogicalResult convertQLinearMatMul(NodeContext &ctx) {
  FailureOr<RankedTensorType> resultType = ctx.outputType(0);
  if (failed(resultType))
    return failure();
  RankedTensorType aType = ctx.inputType(0), bType = ctx.inputType(3);
  // ONNX allows per-row parameters for a and y and per-column ones for b.
  FailureOr<QuantParams> a = readQuantParams(
      ctx, aType, 1, 2, "a", axisFromEnd(aType, 2), aType.getElementType());
  if (failed(a))
    return failure();
  FailureOr<QuantParams> bParams = readQuantParams(
      ctx, bType, 4, 5, "b", axisFromEnd(bType, 1), bType.getElementType());
  if (failed(bParams))
    return failure();
  FailureOr<QuantParams> y =
      readQuantParams(ctx, *resultType, 6, 7, "y", axisFromEnd(*resultType, 2),
                      resultType->getElementType());
  if (failed(y))
    return failure();

  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  Type floatType = a->scaleType.getElementType();
  Value lhs = spa::DequantizeOp::create(b, loc, aType.clone(floatType),
                                        ctx.inputValue(0), a->scale,
                                        a->zeroPoint, a->axis);
  Value rhs = spa::DequantizeOp::create(b, loc, bType.clone(floatType),
                                        ctx.inputValue(3), bParams->scale,
                                        bParams->zeroPoint, bParams->axis);
  Value product =
      spa::MatMulOp::create(b, loc, resultType->clone(floatType), lhs, rhs);
  ctx.setOutput(0, spa::QuantizeOp::create(b, loc, *resultType, product,
                                           y->scale, y->zeroPoint, y->axis));
  return success();
}

} // namespace

void onnx_import::registerQuantizationConverters(ConverterTable &table) {
  table["QuantizeLinear"] = convertQuantizeLinear;
  table["DequantizeLinear"] = convertDequantizeLinear;
  table["QLinearConv"] = convertQLinearConv;
  table["QLinearMatMul"] = convertQLinearMatMul;
}
