//===- Folding.cpp - Evaluate shape subgraphs at import --------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Shape computations (Shape, Gather, Concat, Unsqueeze, ...) are evaluated
// while importing, so that only compute reaches the `spa` dialect and the
// operators that consume shapes (Reshape, Expand, Tile, ...) see constants.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

using namespace mlir;
using namespace spc;
using namespace spc::onnx_import;

/// Shape and Size of a statically shaped tensor are constants even when its
/// values are not.
static std::optional<LogicalResult> foldShapeOf(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  if (!type.hasStaticShape())
    return std::nullopt;
  Type i64 = ctx.builder().getI64Type();
  if (ctx.opType() == "Size") {
    ctx.setOutputConstant(
        0, makeDenseConstant(i64, {}, {double(type.getNumElements())}));
    return success();
  }
  int64_t rank = type.getRank();
  // Opset 15 adds start and end attributes that slice the shape.
  int64_t start = ctx.intAttr("start", 0), end = ctx.intAttr("end", rank);
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
  SmallVector<double> dims;
  for (int64_t d = start; d < end; ++d)
    dims.push_back(double(type.getDimSize(d)));
  ctx.setOutputConstant(
      0, makeDenseConstant(i64, {int64_t(dims.size())}, dims));
  return success();
}

std::optional<LogicalResult> onnx_import::tryFoldNode(NodeContext &ctx) {
  StringRef op = ctx.opType();
  if (op == "Shape" || op == "Size")
    return foldShapeOf(ctx);
  return std::nullopt;
}
