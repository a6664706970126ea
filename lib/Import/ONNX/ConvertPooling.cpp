//===- ConvertPooling.cpp - ONNX pooling and reductions to spa ------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, ReduceMean,
// ReduceSum, ReduceMax and ReduceMin. As for convolutions, one-dimensional
// pooling becomes two-dimensional pooling over a height of 1.
//
//===----------------------------------------------------------------------===//

#include "Window.h"

using namespace mlir;
using namespace spc;
using namespace spc::onnx_import;

namespace {

/// The number of windows spa places along one dimension, or
/// ShapedType::kDynamic when the input extent is dynamic. As in spa's
/// verifier (and PyTorch), a ceil-mode window that would start in the end
/// padding is dropped.
int64_t poolOutputSize(int64_t in, int64_t kernel, int64_t stride,
                       int64_t dilation, int64_t padBegin, int64_t padEnd,
                       bool ceilMode) {
  if (ShapedType::isDynamic(in))
    return ShapedType::kDynamic;
  int64_t span = in + padBegin + padEnd - (kernel - 1) * dilation - 1;
  int64_t out = (ceilMode ? llvm::divideCeil(span, stride) : span / stride) + 1;
  if (ceilMode && (out - 1) * stride >= in + padBegin)
    --out;
  return out;
}

/// The spatial rank of a pooling input, or a diagnostic when it is not one or
/// two.
FailureOr<int64_t> getSpatialRank(NodeContext &ctx) {
  int64_t rank = ctx.inputType(0).getRank();
  if (rank != 3 && rank != 4)
    return ctx.emitError() << "only 1-D and 2-D pooling is supported; the "
                              "input has rank "
                           << rank;
  return rank - 2;
}

/// Reads the window attributes of MaxPool or AveragePool for the static or
/// dynamic `inputSpatial` extents and lifts them to 2-D. `pads` follows ONNX
/// (begins, then ends); auto_pad is resolved as shape inference does, with
/// the output keeping ceil(in / stride) positions. `outputSpatial` is what
/// shape inference gave the result, which spa must reproduce.
FailureOr<Window> readPoolWindow(NodeContext &ctx,
                                 ArrayRef<int64_t> inputSpatial,
                                 ArrayRef<int64_t> outputSpatial) {
  int64_t spatialRank = inputSpatial.size();
  FailureOr<Window> window = readWindow(ctx, WindowKind::Pool, inputSpatial);
  if (failed(window))
    return failure();
  ArrayRef<int64_t> kernel = window->kernel, strides = window->strides,
                    dilations = window->dilations, pads = window->pads;
  for (int64_t i = 0; i < spatialRank; ++i) {
    // A window entirely in the padding has no input element; ONNX Runtime
    // rejects such pads too.
    if (pads[i] >= kernel[i] || pads[i + spatialRank] >= kernel[i])
      return ctx.emitError() << "pads must be smaller than kernel_shape, but "
                                "spatial dimension "
                             << i << " has kernel " << kernel[i] << " and pads "
                             << pads[i] << ", " << pads[i + spatialRank];
    // The ONNX 1.12 shape inference counts a last ceil-mode window that
    // starts in the end padding; spa drops it.
    int64_t expected =
        poolOutputSize(inputSpatial[i], kernel[i], strides[i], dilations[i],
                       pads[i], pads[i + spatialRank], window->ceilMode);
    if (!ShapedType::isDynamic(expected) &&
        !ShapedType::isDynamic(outputSpatial[i]) &&
        expected != outputSpatial[i])
      return ctx.emitError()
             << "with ceil_mode, the last window along spatial dimension " << i
             << " starts in the end padding and covers no input; ONNX shape "
             << "inference counts it (" << outputSpatial[i]
             << " outputs), spa does not (" << expected
             << "); export the model with less end padding or without "
             << "ceil_mode";
  }

  window->liftTo2D();
  return window;
}

/// MaxPool and AveragePool.
LogicalResult convertPool(NodeContext &ctx, bool isMax) {
  FailureOr<int64_t> spatialRank = getSpatialRank(ctx);
  FailureOr<RankedTensorType> resultType = ctx.outputType(0);
  if (failed(spatialRank) || failed(resultType))
    return failure();
  RankedTensorType inType = ctx.inputType(0);
  FailureOr<Window> window =
      readPoolWindow(ctx, inType.getShape().drop_front(2),
                     resultType->getShape().drop_front(2));
  if (failed(window))
    return failure();

  Value input = ctx.inputValue(0);
  RankedTensorType poolType = *resultType;
  if (*spatialRank == 1) {
    input = reshapeTo(ctx, input, withUnitHeight(inType));
    poolType = withUnitHeight(*resultType);
  }
  OpBuilder &b = ctx.builder();
  Value result;
  if (isMax) {
    result = spa::MaxPool2DOp::create(
        b, ctx.loc(), poolType, input, window->kernel, window->strides,
        window->pads, window->dilations, window->ceilMode);
  } else {
    result = spa::AvgPool2DOp::create(b, ctx.loc(), poolType, input,
                                      window->kernel, window->strides,
                                      window->pads, window->ceilMode,
                                      ctx.intAttr("count_include_pad", 0) != 0);
  }
  ctx.setOutput(0, reshapeTo(ctx, result, *resultType));
  return success();
}

LogicalResult convertMaxPool(NodeContext &ctx) {
  // Opset 8 adds the Indices output and storage_order, which only says how
  // Indices flattens positions; without Indices it does not matter. Opset 10
  // adds dilations and ceil_mode, which default to what older opsets do.
  if (ctx.hasOutput(1))
    return ctx.emitError() << "the Indices output is not supported; SPC "
                              "imports MaxPool with its values only";
  return convertPool(ctx, /*isMax=*/true);
}

LogicalResult convertAveragePool(NodeContext &ctx) {
  // AveragePool takes dilations only from opset 19, and spa.avg_pool2d has
  // none.
  if (llvm::any_of(ctx.intsAttr("dilations"), [](int64_t d) { return d != 1; }))
    return ctx.emitError() << "dilated average pooling is not supported";
  return convertPool(ctx, /*isMax=*/false);
}

/// GlobalAveragePool and GlobalMaxPool.
template <typename OpTy> LogicalResult convertGlobalPool(NodeContext &ctx) {
  FailureOr<int64_t> spatialRank = getSpatialRank(ctx);
  FailureOr<RankedTensorType> resultType = ctx.outputType(0);
  if (failed(spatialRank) || failed(resultType))
    return failure();
  Value input = ctx.inputValue(0);
  RankedTensorType poolType = *resultType;
  if (*spatialRank == 1) {
    input = reshapeTo(ctx, input, withUnitHeight(ctx.inputType(0)));
    poolType = withUnitHeight(*resultType);
  }
  Value result = OpTy::create(ctx.builder(), ctx.loc(), poolType, input);
  ctx.setOutput(0, reshapeTo(ctx, result, *resultType));
  return success();
}

/// ReduceMean, ReduceSum, ReduceMax and ReduceMin.
template <typename OpTy> LogicalResult convertReduce(NodeContext &ctx) {
  FailureOr<RankedTensorType> resultType = ctx.outputType(0);
  if (failed(resultType))
    return failure();
  int64_t rank = ctx.inputType(0).getRank();

  // The axes move from an attribute to an optional input, together with
  // noop_with_empty_axes, in opset 13 for ReduceSum and opset 18 for the
  // others.
  int64_t axesInputOpset = ctx.opType() == "ReduceSum" ? 13 : 18;
  SmallVector<int64_t> axes;
  bool noopWithEmptyAxes = false;
  if (ctx.opset() >= axesInputOpset) {
    noopWithEmptyAxes = ctx.intAttr("noop_with_empty_axes", 0) != 0;
    if (ctx.hasInput(1)) {
      FailureOr<SmallVector<int64_t>> input = ctx.constantInts(1, "axes");
      if (failed(input))
        return failure();
      axes = std::move(*input);
    }
  } else {
    axes = ctx.intsAttr("axes");
  }

  if (axes.empty()) {
    if (noopWithEmptyAxes) {
      forward(ctx);
      return success();
    }
    axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  }
  // spa's normal form: non-negative, sorted and unique. Reducing an axis
  // twice is reducing it once.
  for (int64_t &axis : axes) {
    FailureOr<int64_t> normalized = normalizeAxis(ctx, axis, rank, "axis");
    if (failed(normalized))
      return failure();
    axis = *normalized;
  }
  llvm::sort(axes);
  axes.erase(llvm::unique(axes), axes.end());
  // Reducing all the axes of a scalar leaves it unchanged.
  if (axes.empty()) {
    forward(ctx);
    return success();
  }

  bool keepdims = ctx.intAttr("keepdims", 1) != 0;
  ctx.setOutput(0, OpTy::create(ctx.builder(), ctx.loc(), *resultType,
                                ctx.inputValue(0), axes, keepdims));
  return success();
}

} // namespace

void onnx_import::registerPoolingConverters(ConverterTable &table) {
  table["MaxPool"] = convertMaxPool;
  table["AveragePool"] = convertAveragePool;
  table["GlobalAveragePool"] = convertGlobalPool<spa::GlobalAvgPool2DOp>;
  table["GlobalMaxPool"] = convertGlobalPool<spa::GlobalMaxPool2DOp>;
  table["ReduceMean"] = convertReduce<spa::ReduceMeanOp>;
  table["ReduceSum"] = convertReduce<spa::ReduceSumOp>;
  table["ReduceMax"] = convertReduce<spa::ReduceMaxOp>;
  table["ReduceMin"] = convertReduce<spa::ReduceMinOp>;
}
