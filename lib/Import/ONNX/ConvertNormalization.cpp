//===- ConvertNormalization.cpp - ONNX normalization operators to spa -----===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Softmax, LogSoftmax, LayerNormalization, BatchNormalization (inference)
// and InstanceNormalization. Opset 13 changed Softmax and LogSoftmax from a
// normalization over a flattened trailing block to one over a single axis;
// spa has the latter, so older models get reshapes around it.
// InstanceNormalization has no spa op and becomes reductions and
// element-wise ops.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "mlir/Dialect/Traits.h"

using namespace mlir;
using namespace spc;
using namespace spc::onnx_import;

namespace {

/// The type of `op(lhs, rhs)` for a spa binary op whose operands are known
/// to broadcast.
RankedTensorType getBroadcastType(Value lhs, Value rhs) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  SmallVector<int64_t> shape;
  bool broadcasts = OpTrait::util::getBroadcastedShape(
      lhsType.getShape(), cast<RankedTensorType>(rhs.getType()).getShape(),
      shape);
  assert(broadcasts && "operands must broadcast");
  (void)broadcasts;
  return lhsType.clone(shape);
}

template <typename OpTy>
Value createBinary(NodeContext &ctx, Value lhs, Value rhs) {
  return OpTy::create(ctx.builder(), ctx.loc(), getBroadcastType(lhs, rhs), lhs,
                      rhs);
}

/// A scalar constant of `elementType`, which broadcasts against anything.
Value scalarConstant(NodeContext &ctx, Type elementType, double value) {
  return ctx.materialize(makeDenseConstant(elementType, {}, {value}));
}

/// Fails with a diagnostic unless input `i` has shape [C], where C is
/// dimension 1 of input 0: the per-channel parameters of BatchNormalization
/// and InstanceNormalization, which ONNX shape inference does not always
/// check.
LogicalResult requirePerChannel(NodeContext &ctx, size_t i) {
  RankedTensorType type = ctx.inputType(0);
  int64_t channels =
      type.getRank() >= 2 ? type.getDimSize(1) : ShapedType::kDynamic;
  ArrayRef<int64_t> shape = ctx.inputType(i).getShape();
  if (shape.size() == 1 &&
      (shape[0] == channels || ShapedType::isDynamic(shape[0]) ||
       ShapedType::isDynamic(channels)))
    return success();
  return ctx.emitError() << "input '" << ctx.node().input(i) << "' has shape "
                         << formatShape(shape)
                         << ", but a per-channel parameter has shape [C] = "
                         << formatShape({channels});
}

/// Fails with a diagnostic when the node asks for any output but the first:
/// the others are statistics that only training computes.
LogicalResult requireOnlyFirstOutput(NodeContext &ctx, StringRef why) {
  for (size_t i = 1; i < ctx.numOutputs(); ++i)
    if (ctx.hasOutput(i))
      return ctx.emitError()
             << "output " << i << " ('" << ctx.node().output(i)
             << "') is not supported: " << why << "; only output 0 is";
  return success();
}

//===----------------------------------------------------------------------===//
// Softmax and LogSoftmax
//===----------------------------------------------------------------------===//

template <typename OpTy>
LogicalResult convertSoftmax(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  int64_t rank = type.getRank();
  // Opset 13 normalizes along `axis` (default -1). Before it, the input is
  // coerced to 2-D [prod(dims[:axis]), prod(dims[axis:])] and normalized
  // along the second dimension (default axis 1).
  bool flattening = ctx.opset() < 13;
  FailureOr<int64_t> axis = normalizeAxis(
      ctx, ctx.intAttr("axis", flattening ? 1 : -1), rank, "axis");
  if (failed(axis))
    return failure();
  OpBuilder &b = ctx.builder();
  Value input = ctx.inputValue(0);
  // The flattened block is one axis when every dimension after `axis` is 1,
  // which covers the last axis and [N, C, 1, 1] classifier heads.
  ArrayRef<int64_t> trailing = type.getShape().drop_front(*axis + 1);
  if (!flattening || llvm::all_of(trailing, [](int64_t d) { return d == 1; })) {
    ctx.setOutput(0, OpTy::create(b, ctx.loc(), input, *axis));
    return success();
  }
  // The normalized block must be static. One dynamic dimension before it
  // (a batch) leaves the reshapes determined.
  ArrayRef<int64_t> outerDims = type.getShape().take_front(*axis);
  ArrayRef<int64_t> innerDims = type.getShape().drop_front(*axis);
  if (llvm::any_of(innerDims, ShapedType::isDynamic) ||
      llvm::count_if(outerDims, ShapedType::isDynamic) > 1)
    return ctx.requireStaticInput(0);
  int64_t outer = 1, inner = 1;
  for (int64_t d : outerDims)
    outer = ShapedType::isDynamic(d) ? d : outer * d;
  for (int64_t d : innerDims)
    inner *= d;
  Value flat = reshapeTo(ctx, input, type.clone({outer, inner}));
  Value result = OpTy::create(b, ctx.loc(), flat, 1);
  ctx.setOutput(0, reshapeTo(ctx, result, type));
  return success();
}

//===----------------------------------------------------------------------===//
// LayerNormalization
//===----------------------------------------------------------------------===//

/// Whether a parameter of shape `have` needs no broadcast to `want`. A unit
/// extent against a dynamic one would need one of unknown size.
bool fitsExactly(ArrayRef<int64_t> have, ArrayRef<int64_t> want) {
  return have.size() == want.size() &&
         llvm::all_of(llvm::zip_equal(have, want), [](auto dims) {
           auto [h, w] = dims;
           return h == w || ShapedType::isDynamic(h) ||
                  (ShapedType::isDynamic(w) && h != 1);
         });
}

/// Input `i` (Scale or B) brought to the normalized shape, which
/// spa.layer_norm requires. ONNX applies them with broadcasting, so an
/// exporter may give [1, D] or [D] where the normalized shape is [D] or
/// [S, D].
FailureOr<Value> fitToNormalizedShape(NodeContext &ctx, size_t i,
                                      ArrayRef<int64_t> shape, StringRef what) {
  RankedTensorType type = ctx.inputType(i);
  ArrayRef<int64_t> have = type.getShape();
  if (fitsExactly(have, shape))
    return ctx.inputValue(i);
  // Leading unit dimensions beyond the normalized rank broadcast away.
  while (have.size() > shape.size() && have.front() == 1)
    have = have.drop_front();
  if (!broadcastsTo(have, shape))
    return ctx.emitError() << what << " ('" << ctx.node().input(i)
                           << "') of shape " << formatShape(type.getShape())
                           << " does not broadcast to the normalized shape "
                           << formatShape(shape);
  Value value = reshapeTo(ctx, ctx.inputValue(i), type.clone(have));
  if (fitsExactly(have, shape))
    return value;
  // Expanding needs the extents it expands to.
  if (llvm::any_of(shape, ShapedType::isDynamic) &&
      failed(ctx.requireStaticInput(0)))
    return failure();
  return spa::ExpandOp::create(ctx.builder(), ctx.loc(), type.clone(shape),
                               value)
      .getResult();
}

/// Computes LayerNormalization's optional outputs, the statistics it saves
/// for training: Mean = mean(x) and InvStdDev = 1 / sqrt(var(x) + epsilon)
/// over the normalized axes, kept as size-1 dimensions.
LogicalResult convertLayerNormStatistics(NodeContext &ctx, int64_t axis) {
  if (!ctx.hasOutput(1) && !ctx.hasOutput(2))
    return success();
  RankedTensorType type = ctx.inputType(0);
  if (!isa<Float32Type>(type.getElementType()) ||
      ctx.intAttr("stash_type", 1) != onnx::TensorProto::FLOAT)
    return ctx.emitError() << "the Mean and InvStdDev outputs are supported "
                              "for f32 inputs with stash_type FLOAT only";
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  SmallVector<int64_t> axes, reducedShape(type.getShape());
  for (int64_t d = axis; d < type.getRank(); ++d) {
    axes.push_back(d);
    reducedShape[d] = 1;
  }
  auto reducedType = RankedTensorType::get(reducedShape, type.getElementType());
  Value x = ctx.inputValue(0);
  Value mean = spa::ReduceMeanOp::create(b, loc, reducedType, x, axes,
                                         /*keepdims=*/true);
  if (ctx.hasOutput(1))
    ctx.setOutput(1, mean);
  if (!ctx.hasOutput(2))
    return success();
  Value centered = spa::SubOp::create(b, loc, type, x, mean);
  Value squared = spa::MulOp::create(b, loc, type, centered, centered);
  Value variance = spa::ReduceMeanOp::create(b, loc, reducedType, squared,
                                             axes, /*keepdims=*/true);
  Value epsilon = ctx.materialize(makeDenseConstant(
      type.getElementType(), {}, {double(ctx.floatAttr("epsilon", 1e-5f))}));
  Value shifted = spa::AddOp::create(b, loc, reducedType, variance, epsilon);
  Value deviation = spa::SqrtOp::create(b, loc, shifted);
  ctx.setOutput(2, spa::ReciprocalOp::create(b, loc, deviation));
  return success();
}

LogicalResult convertLayerNormalization(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  FailureOr<int64_t> axis =
      normalizeAxis(ctx, ctx.intAttr("axis", -1), type.getRank(), "axis");
  if (failed(axis))
    return failure();
  ArrayRef<int64_t> normalized = type.getShape().drop_front(*axis);
  FailureOr<Value> scale = fitToNormalizedShape(ctx, 1, normalized, "scale");
  if (failed(scale))
    return failure();
  Value bias;
  if (ctx.hasInput(2)) {
    FailureOr<Value> fitted = fitToNormalizedShape(ctx, 2, normalized, "bias");
    if (failed(fitted))
      return failure();
    bias = *fitted;
  }
  OpBuilder &b = ctx.builder();
  ctx.setOutput(0, spa::LayerNormOp::create(
                       b, ctx.loc(), type, ctx.inputValue(0), *scale, bias,
                       b.getI64IntegerAttr(*axis),
                       b.getF32FloatAttr(ctx.floatAttr("epsilon", 1e-5f))));
  return convertLayerNormStatistics(ctx, *axis);
}

//===----------------------------------------------------------------------===//
// BatchNormalization
//===----------------------------------------------------------------------===//

/// BatchNormalization with statistics per activation. The map is still
/// affine, so it becomes element-wise ops that broadcast the parameters over
/// N: (x - mean) * (scale / sqrt(var + epsilon)) + bias.
LogicalResult convertPerActivationBatchNorm(NodeContext &ctx, Value input,
                                            Value scale, Value bias, Value mean,
                                            Value variance, float epsilon) {
  // The parameters must broadcast together to a shape that broadcasts to
  // the input without growing it; then every intermediate type below is
  // well defined.
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> paramShape;
  bool broadcasts = true;
  for (Value param : {scale, bias, mean, variance}) {
    SmallVector<int64_t> joined;
    broadcasts &= OpTrait::util::getBroadcastedShape(
        paramShape, cast<RankedTensorType>(param.getType()).getShape(), joined);
    paramShape = std::move(joined);
  }
  broadcasts &= broadcastsTo(paramShape, type.getShape());
  if (!broadcasts) {
    InFlightDiagnostic diag = ctx.emitError();
    diag << "with spatial = 0, the parameters of shapes ";
    llvm::interleaveComma(
        ArrayRef<Value>{scale, bias, mean, variance}, diag, [&](Value param) {
          diag << formatShape(
              cast<RankedTensorType>(param.getType()).getShape());
        });
    return diag << " do not broadcast to the input shape "
                << formatShape(type.getShape());
  }
  Type elementType = type.getElementType();
  Value shifted = createBinary<spa::AddOp>(
      ctx, variance, scalarConstant(ctx, elementType, epsilon));
  Value deviation = spa::SqrtOp::create(ctx.builder(), ctx.loc(), shifted);
  Value factor = createBinary<spa::DivOp>(ctx, scale, deviation);
  Value centered = createBinary<spa::SubOp>(ctx, input, mean);
  Value scaled = createBinary<spa::MulOp>(ctx, centered, factor);
  ctx.setOutput(0, createBinary<spa::AddOp>(ctx, scaled, bias));
  return success();
}

LogicalResult convertBatchNormalization(NodeContext &ctx) {
  // Opset 14 replaces the training outputs' implicit mode with an attribute.
  if (ctx.intAttr("training_mode", 0) != 0)
    return ctx.emitError() << "training_mode must be 0; SPC compiles models "
                              "for inference";
  if (failed(requireOnlyFirstOutput(
          ctx, "the running and saved statistics are computed only in "
               "training")))
    return failure();
  RankedTensorType type = ctx.inputType(0);
  // Opset 15 lets the parameters (T1) and statistics (T2) have other float
  // types than the input; spa.batch_norm takes one, the input's.
  Type elementType = type.getElementType();
  Value input = ctx.inputValue(0);
  Value scale = castTo(ctx, ctx.inputValue(1), elementType);
  Value bias = castTo(ctx, ctx.inputValue(2), elementType);
  Value mean = castTo(ctx, ctx.inputValue(3), elementType);
  Value variance = castTo(ctx, ctx.inputValue(4), elementType);
  float epsilon = ctx.floatAttr("epsilon", 1e-5f);
  // Opsets 7 and 8 with spatial = 0 keep statistics per activation, of
  // shape [C, D1, ..., Dn] rather than [C].
  bool perActivation =
      ctx.opset() < 9 && ctx.intAttr("spatial", 1) == 0 &&
      llvm::any_of(ArrayRef<Value>{scale, bias, mean, variance}, [](Value v) {
        return cast<RankedTensorType>(v.getType()).getRank() > 1;
      });
  if (perActivation)
    return convertPerActivationBatchNorm(ctx, input, scale, bias, mean,
                                         variance, epsilon);
  for (size_t i = 1; i <= 4; ++i)
    if (failed(requirePerChannel(ctx, i)))
      return failure();
  OpBuilder &b = ctx.builder();
  ctx.setOutput(0, spa::BatchNormOp::create(b, ctx.loc(), type, input, scale,
                                            bias, mean, variance,
                                            b.getF32FloatAttr(epsilon)));
  return success();
}

//===----------------------------------------------------------------------===//
// InstanceNormalization
//===----------------------------------------------------------------------===//

LogicalResult convertInstanceNormalization(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  int64_t rank = type.getRank();
  if (rank < 3)
    return ctx.emitError() << "expects an input of rank 3 or more (N, C, D1, "
                              "...), got "
                           << type;
  if (failed(requirePerChannel(ctx, 1)) || failed(requirePerChannel(ctx, 2)))
    return failure();
  // Each (n, c) instance is normalized over the spatial dimensions with its
  // biased variance, then scaled and shifted per channel:
  //   y = (x - mean) * (scale[c] / sqrt(var + epsilon)) + bias[c]
  // The per-channel factor is computed on the small [N, C, 1, ...] tensor,
  // so the full-size work is one subtraction, one square, one
  // multiplication and one addition (ONNX Runtime's kernel also folds scale
  // and deviation into one factor per instance).
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  Type elementType = type.getElementType();
  SmallVector<int64_t> spatialAxes, statsShape(type.getShape());
  for (int64_t d = 2; d < rank; ++d) {
    spatialAxes.push_back(d);
    statsShape[d] = 1;
  }
  auto statsType = type.clone(statsShape);
  // Scale and bias are [C]; as [C, 1, ..., 1] they broadcast over
  // [N, C, D1, ...].
  auto perChannel = [&](size_t i) {
    SmallVector<int64_t> shape(rank - 1, 1);
    shape[0] = ctx.inputType(i).getDimSize(0);
    return reshapeTo(ctx, ctx.inputValue(i), ctx.inputType(i).clone(shape));
  };

  Value input = ctx.inputValue(0);
  Value mean = spa::ReduceMeanOp::create(b, loc, statsType, input, spatialAxes,
                                         /*keepdims=*/true);
  Value centered = spa::SubOp::create(b, loc, type, input, mean);
  Value squared = spa::MulOp::create(b, loc, type, centered, centered);
  Value variance = spa::ReduceMeanOp::create(b, loc, statsType, squared,
                                             spatialAxes, /*keepdims=*/true);
  Value shifted = spa::AddOp::create(
      b, loc, statsType, variance,
      scalarConstant(ctx, elementType, ctx.floatAttr("epsilon", 1e-5f)));
  Value deviation = spa::SqrtOp::create(b, loc, shifted);
  Value factor =
      spa::DivOp::create(b, loc, statsType, perChannel(1), deviation);
  Value scaled = spa::MulOp::create(b, loc, type, centered, factor);
  ctx.setOutput(0, spa::AddOp::create(b, loc, type, scaled, perChannel(2)));
  return success();
}

} // namespace

void onnx_import::registerNormalizationConverters(ConverterTable &table) {
  table["Softmax"] = convertSoftmax<spa::SoftmaxOp>;
  table["LogSoftmax"] = convertSoftmax<spa::LogSoftmaxOp>;
  table["LayerNormalization"] = convertLayerNormalization;
  table["BatchNormalization"] = convertBatchNormalization;
  table["InstanceNormalization"] = convertInstanceNormalization;
}
