//===- Window.cpp - Convolution and pooling windows -----------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Reads the window attributes of convolutions and pooling, and lifts 1-D
// windows and convolution operands to the 2-D form spa uses.
//
//===----------------------------------------------------------------------===//

#include "Window.h"

using namespace mlir;
using namespace spc;
using namespace spc::onnx_import;

void Window::liftTo2D() {
  if (strides.size() != 1)
    return;
  kernel = {1, kernel[0]};
  strides = {1, strides[0]};
  dilations = {1, dilations[0]};
  pads = {0, pads[0], 0, pads[1]};
}

RankedTensorType onnx_import::withUnitHeight(RankedTensorType type) {
  SmallVector<int64_t> shape(type.getShape());
  shape.insert(shape.begin() + 2, 1);
  return RankedTensorType::get(shape, type.getElementType());
}

FailureOr<Window> onnx_import::readWindow(NodeContext &ctx, WindowKind kind,
                                          ArrayRef<int64_t> inputSpatial,
                                          ArrayRef<int64_t> weightSpatial) {
  int64_t spatialRank = inputSpatial.size();
  bool isPool = kind == WindowKind::Pool;
  Window window;
  if (!isPool) {
    window.groups = ctx.intAttr("group", 1);
    if (window.groups <= 0)
      return ctx.emitError() << "group must be positive, got " << window.groups;
  }
  auto orDefault = [&](StringRef name, int64_t count, int64_t value) {
    SmallVector<int64_t> values = ctx.intsAttr(name);
    if (values.empty())
      values.assign(count, value);
    return values;
  };
  SmallVector<int64_t> kernel = isPool ? ctx.intsAttr("kernel_shape")
                                       : SmallVector<int64_t>(weightSpatial);
  SmallVector<int64_t> strides = orDefault("strides", spatialRank, 1);
  SmallVector<int64_t> dilations = orDefault("dilations", spatialRank, 1);
  SmallVector<int64_t> pads = orDefault("pads", 2 * spatialRank, 0);
  bool badCounts = int64_t(strides.size()) != spatialRank ||
                   int64_t(dilations.size()) != spatialRank ||
                   int64_t(pads.size()) != 2 * spatialRank;
  if (isPool) {
    if (int64_t(kernel.size()) != spatialRank || badCounts)
      return ctx.emitError()
             << "kernel_shape, strides, dilations and pads must have "
             << spatialRank << ", " << spatialRank << ", " << spatialRank
             << " and " << 2 * spatialRank << " entries";
    window.ceilMode = ctx.intAttr("ceil_mode", 0) != 0;
  } else if (badCounts) {
    return ctx.emitError() << "strides, dilations and pads must have "
                           << spatialRank << ", " << spatialRank << " and "
                           << 2 * spatialRank << " entries";
  }

  std::string autoPad = ctx.stringAttr("auto_pad", "NOTSET");
  bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  if (autoPad == "VALID") {
    pads.assign(2 * spatialRank, 0);
  } else if (same && kind == WindowKind::ConvTranspose) {
    // The caller pads a transposed convolution to an output of
    // in * stride, as for an explicit output_shape.
  } else if (same) {
    for (int64_t i = 0; i < spatialRank; ++i) {
      if (ShapedType::isDynamic(inputSpatial[i]))
        return ctx.emitError() << "auto_pad " << autoPad
                               << " needs static spatial dimensions; fix "
                                  "them with --input-shape";
      // The output keeps ceil(in / stride) positions.
      int64_t out = llvm::divideCeil(inputSpatial[i], strides[i]);
      int64_t total = std::max<int64_t>((out - 1) * strides[i] +
                                            (kernel[i] - 1) * dilations[i] + 1 -
                                            inputSpatial[i],
                                        0);
      int64_t small = total / 2, large = total - small;
      pads[i] = autoPad == "SAME_UPPER" ? small : large;
      pads[i + spatialRank] = autoPad == "SAME_UPPER" ? large : small;
    }
  } else if (autoPad != "NOTSET") {
    return ctx.emitError() << "unknown auto_pad '" << autoPad << "'";
  }

  window.kernel = std::move(kernel);
  window.strides = std::move(strides);
  window.dilations = std::move(dilations);
  window.pads = std::move(pads);
  return window;
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

FailureOr<int64_t> onnx_import::getConvSpatialRank(NodeContext &ctx,
                                                   size_t weightIndex) {
  int64_t rank = ctx.inputType(0).getRank();
  if (rank != 3 && rank != 4)
    return ctx.emitError() << "only 1-D and 2-D convolutions are supported; "
                              "the input has rank "
                           << rank;
  int64_t weightRank = ctx.inputType(weightIndex).getRank();
  if (weightRank != rank)
    return ctx.emitError() << "the weight has rank " << weightRank
                           << ", the input " << rank;
  return rank - 2;
}

FailureOr<Window> onnx_import::readConvWindow(NodeContext &ctx,
                                              size_t weightIndex,
                                              bool transposed) {
  FailureOr<Window> window =
      readWindow(ctx, transposed ? WindowKind::ConvTranspose : WindowKind::Conv,
                 ctx.inputType(0).getShape().drop_front(2),
                 ctx.inputType(weightIndex).getShape().drop_front(2));
  if (succeeded(window))
    window->liftTo2D();
  return window;
}

ConvOperands onnx_import::getConvOperands(NodeContext &ctx, size_t weightIndex,
                                          int64_t spatialRank,
                                          RankedTensorType resultType) {
  ConvOperands operands{ctx.inputValue(0), ctx.inputValue(weightIndex),
                        resultType};
  if (spatialRank == 1) {
    operands.input =
        reshapeTo(ctx, operands.input, withUnitHeight(ctx.inputType(0)));
    operands.weight = reshapeTo(ctx, operands.weight,
                                withUnitHeight(ctx.inputType(weightIndex)));
    operands.resultType = withUnitHeight(resultType);
  }
  return operands;
}
