//===- ConvertContraction.cpp - ONNX convolutions and matmuls to spa ------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Conv, ConvTranspose, Gemm, MatMul and MatMulInteger. One-dimensional
// convolutions (audio models) become two-dimensional ones over a height of 1,
// so that the backend has a single convolution to lower.
//
//===----------------------------------------------------------------------===//

#include "Window.h"

using namespace mlir;
using namespace spc;
using namespace spc::onnx_import;

namespace {

LogicalResult convertConv(NodeContext &ctx) {
  FailureOr<int64_t> spatialRank = getConvSpatialRank(ctx, 1);
  FailureOr<RankedTensorType> resultType = ctx.outputType(0);
  if (failed(spatialRank) || failed(resultType))
    return failure();
  FailureOr<Window> window = readConvWindow(ctx, 1, /*transposed=*/false);
  if (failed(window))
    return failure();

  ConvOperands operands = getConvOperands(ctx, 1, *spatialRank, *resultType);
  Value bias = ctx.hasInput(2) ? ctx.inputValue(2) : Value();
  Value result = spa::Conv2DOp::create(
      ctx.builder(), ctx.loc(), operands.resultType, operands.input,
      operands.weight, bias, window->strides, window->pads, window->dilations,
      window->groups);
  ctx.setOutput(0, reshapeTo(ctx, result, *resultType));
  return success();
}

LogicalResult convertConvTranspose(NodeContext &ctx) {
  FailureOr<int64_t> spatialRank = getConvSpatialRank(ctx, 1);
  FailureOr<RankedTensorType> resultType = ctx.outputType(0);
  if (failed(spatialRank) || failed(resultType))
    return failure();
  FailureOr<Window> window = readConvWindow(ctx, 1, /*transposed=*/true);
  if (failed(window))
    return failure();
  RankedTensorType inType = ctx.inputType(0), wType = ctx.inputType(1);

  SmallVector<int64_t> outputPadding = ctx.intsAttr("output_padding");
  if (outputPadding.empty())
    outputPadding.assign(*spatialRank, 0);
  if (int64_t(outputPadding.size()) != *spatialRank)
    return ctx.emitError() << "output_padding must have " << *spatialRank
                           << " entries";
  if (*spatialRank == 1)
    outputPadding.insert(outputPadding.begin(), 0);

  // An explicit output_shape fixes the padding: the total is what the
  // strided kernel produces beyond the requested extent. auto_pad SAME asks
  // for an output of in * stride.
  SmallVector<int64_t> outputShape = ctx.intsAttr("output_shape");
  std::string autoPad = ctx.stringAttr("auto_pad", "NOTSET");
  if (outputShape.empty() && (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER")) {
    if (failed(ctx.requireStaticInput(0)))
      return failure();
    int64_t offset = *spatialRank == 1 ? 1 : 0;
    for (int64_t i = 0; i < *spatialRank; ++i)
      outputShape.push_back(inType.getDimSize(2 + i) *
                            window->strides[offset + i]);
  }
  if (!outputShape.empty()) {
    if (int64_t(outputShape.size()) != *spatialRank)
      return ctx.emitError() << "output_shape must have " << *spatialRank
                             << " entries";
    if (failed(ctx.requireStaticInput(0)) || failed(ctx.requireStaticInput(1)))
      return failure();
    bool upper = autoPad == "SAME_UPPER";
    int64_t offset = *spatialRank == 1 ? 1 : 0;
    for (int64_t i = 0; i < *spatialRank; ++i) {
      int64_t d = offset + i;
      int64_t in = inType.getDimSize(2 + i), k = wType.getDimSize(2 + i);
      int64_t total = window->strides[d] * (in - 1) + outputPadding[d] +
                      (k - 1) * window->dilations[d] + 1 - outputShape[i];
      if (total < 0) {
        // A larger output than the kernel reaches grows at the end, as
        // output_padding does; ONNX Runtime computes the same.
        outputPadding[d] -= total;
        if (outputPadding[d] >= std::max(window->strides[d],
                                         window->dilations[d]))
          return ctx.emitError()
                 << "output_shape " << outputShape[i]
                 << " needs output padding " << outputPadding[d]
                 << ", which must be smaller than the stride or dilation";
        total = 0;
      }
      int64_t half = total / 2;
      window->pads[d] = upper ? half : total - half;
      window->pads[d + 2] = upper ? total - half : half;
    }
  }

  ConvOperands operands = getConvOperands(ctx, 1, *spatialRank, *resultType);
  Value bias = ctx.hasInput(2) ? ctx.inputValue(2) : Value();
  Value result = spa::ConvTranspose2DOp::create(
      ctx.builder(), ctx.loc(), operands.resultType, operands.input,
      operands.weight, bias, window->strides, window->pads, window->dilations,
      outputPadding, window->groups);
  ctx.setOutput(0, reshapeTo(ctx, result, *resultType));
  return success();
}

LogicalResult convertGemm(NodeContext &ctx) {
  FailureOr<RankedTensorType> resultType = ctx.outputType(0);
  if (failed(resultType))
    return failure();
  if (ctx.inputType(0).getRank() != 2 || ctx.inputType(1).getRank() != 2)
    return ctx.emitError() << "A and B must be 2-D";
  Value c = ctx.hasInput(2) ? ctx.inputValue(2) : Value();
  OpBuilder &b = ctx.builder();
  auto flag = [&](StringRef name) {
    return ctx.intAttr(name, 0) != 0 ? b.getUnitAttr() : UnitAttr();
  };
  auto gemm = spa::GemmOp::create(
      b, ctx.loc(), *resultType, ctx.inputValue(0), ctx.inputValue(1), c,
      b.getF32FloatAttr(ctx.floatAttr("alpha", 1.0f)),
      b.getF32FloatAttr(ctx.floatAttr("beta", 1.0f)), flag("transA"),
      flag("transB"));
  ctx.setOutput(0, gemm);
  return success();
}

LogicalResult convertMatMul(NodeContext &ctx) {
  FailureOr<RankedTensorType> resultType = ctx.outputType(0);
  if (failed(resultType))
    return failure();
  ctx.setOutput(0, spa::MatMulOp::create(ctx.builder(), ctx.loc(),
                                         *resultType, ctx.inputValue(0),
                                         ctx.inputValue(1)));
  return success();
}

/// Whether optional input `i` is absent or a constant of zeros.
bool isAbsentOrZero(NodeContext &ctx, size_t i) {
  if (!ctx.hasInput(i))
    return true;
  ElementsAttr constant = ctx.inputConstant(i);
  return constant && llvm::all_of(readAsInts(constant),
                                  [](int64_t v) { return v == 0; });
}

LogicalResult convertMatMulInteger(NodeContext &ctx) {
  FailureOr<RankedTensorType> resultType = ctx.outputType(0);
  if (failed(resultType))
    return failure();
  Value product =
      spa::MatMulOp::create(ctx.builder(), ctx.loc(), *resultType,
                            ctx.inputValue(0), ctx.inputValue(1));
  if (isAbsentOrZero(ctx, 2) && isAbsentOrZero(ctx, 3)) {
    ctx.setOutput(0, product);
    return success();
  }

  // (A - za)(B - zb) = AB - za * colsum(B) - rowsum(A) * zb + K * za * zb,
  // with scalar zero points. The sums are taken in i32, as the product is.
  ElementsAttr za = ctx.hasInput(2) ? ctx.inputConstant(2) : ElementsAttr();
  ElementsAttr zb = ctx.hasInput(3) ? ctx.inputConstant(3) : ElementsAttr();
  if ((ctx.hasInput(2) && (!za || za.getNumElements() != 1)) ||
      (ctx.hasInput(3) && (!zb || zb.getNumElements() != 1)))
    return ctx.emitError() << "zero points must be constant scalars";
  int64_t zeroA = za ? readAsInts(za).front() : 0;
  int64_t zeroB = zb ? readAsInts(zb).front() : 0;
  RankedTensorType aType = ctx.inputType(0), bType = ctx.inputType(1);
  if (aType.getRank() != 2 || bType.getRank() != 2)
    return ctx.emitError() << "non-zero zero points are supported for 2-D "
                              "operands only";
  int64_t k = aType.getDimSize(1);
  if (ShapedType::isDynamic(k))
    return ctx.requireStaticInput(0);

  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  Type i32 = b.getI32Type();
  auto widen = [&](Value v) {
    auto type = cast<RankedTensorType>(v.getType());
    return spa::CastOp::create(b, loc, type.clone(i32), v).getResult();
  };
  auto scalar = [&](int64_t v) {
    return ctx.materialize(makeDenseConstant(i32, {}, {double(v)}));
  };
  Value result = product;
  if (zeroA != 0) {
    // colsum(B): [1, N]
    Value wideB = widen(ctx.inputValue(1));
    auto colType = RankedTensorType::get({1, bType.getDimSize(1)}, i32);
    Value colSum = spa::ReduceSumOp::create(b, loc, colType, wideB,
                                            ArrayRef<int64_t>{0}, true);
    Value term = spa::MulOp::create(b, loc, colType, colSum, scalar(zeroA));
    result = spa::SubOp::create(b, loc, *resultType, result, term);
  }
  if (zeroB != 0) {
    Value wideA = widen(ctx.inputValue(0));
    auto rowType = RankedTensorType::get({aType.getDimSize(0), 1}, i32);
    Value rowSum = spa::ReduceSumOp::create(b, loc, rowType, wideA,
                                            ArrayRef<int64_t>{1}, true);
    Value term = spa::MulOp::create(b, loc, rowType, rowSum, scalar(zeroB));
    result = spa::SubOp::create(b, loc, *resultType, result, term);
  }
  if (zeroA != 0 && zeroB != 0)
    result = spa::AddOp::create(b, loc, *resultType, result,
                                scalar(k * zeroA * zeroB));
  ctx.setOutput(0, result);
  return success();
}

} // namespace

void onnx_import::registerContractionConverters(ConverterTable &table) {
  table["Conv"] = convertConv;
  table["ConvTranspose"] = convertConvTranspose;
  table["Gemm"] = convertGemm;
  table["MatMul"] = convertMatMul;
  table["MatMulInteger"] = convertMatMulInteger;
}
