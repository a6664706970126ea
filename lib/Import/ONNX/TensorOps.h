//===- TensorOps.h - Parameters shared by converters and folder -*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The tensor converters (ConvertTensor.cpp) and the import-time folder
// (Folding.cpp) read the same ONNX operators: one converts them to `spa`, the
// other evaluates them when every input is a constant. Both read the
// operators' parameters through these functions, which resolve every
// attribute-versus-input change between opsets 7 and 17, check the
// parameters, and reduce them to one normal form (full-rank slice starts and
// steps, resolved reshape targets, sorted axes...). They emit a diagnostic
// on the node and fail when the parameters are invalid or not constant.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_LIB_IMPORT_ONNX_TENSOROPS_H
#define SPC_LIB_IMPORT_ONNX_TENSOROPS_H

#include "Importer.h"

namespace spc::onnx_import {

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

/// Constants larger than this many elements are left to the converters (and
/// the canonicalizer) rather than evaluated at import.
inline constexpr int64_t kFoldElementLimit = int64_t(1) << 20;

/// Reads every element of an integer constant as int64 (unsigned and
/// boolean ones zero-extended), or of an integer or float constant as
/// double, whether it is held inline or in a resource blob. std::nullopt for
/// other element types and for blobs without data (elided).
std::optional<llvm::SmallVector<int64_t>> readInts(mlir::ElementsAttr attr);
std::optional<llvm::SmallVector<double>> readFloats(mlir::ElementsAttr attr);


//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

/// The NumPy (multidirectional) broadcast of `shapes`; a dynamic extent
/// broadcast against 1 or itself stays dynamic. Fails with a diagnostic when
/// two static extents other than 1 differ.
mlir::FailureOr<llvm::SmallVector<int64_t>>
broadcastShapes(NodeContext &ctx,
                llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes);

/// The result shape of Reshape (input 0 to the constant `shape` input),
/// with 0 (copy, unless allowzero=1 from opset 14) and -1 resolved.
mlir::FailureOr<llvm::SmallVector<int64_t>> getReshapeShape(NodeContext &ctx);

/// The result shape of Flatten: the dimensions before and from `axis`
/// (negative from opset 11), each multiplied out.
mlir::FailureOr<llvm::SmallVector<int64_t>> getFlattenShape(NodeContext &ctx);

/// The result shape of Squeeze (axes attribute before opset 13, optional
/// constant input from 13; without axes every unit dimension goes).
mlir::FailureOr<llvm::SmallVector<int64_t>> getSqueezeShape(NodeContext &ctx);

/// The result shape of Unsqueeze (axes attribute before opset 13, constant
/// input from 13; axes count in the result's rank).
mlir::FailureOr<llvm::SmallVector<int64_t>> getUnsqueezeShape(NodeContext &ctx);

/// The permutation of Transpose: `perm`, or the reversed dimensions.
mlir::FailureOr<llvm::SmallVector<int64_t>> getTransposePerm(NodeContext &ctx);

/// The normalized axis of Concat over the present inputs, and the result
/// shape.
struct ConcatParams {
  int64_t axis = 0;
  llvm::SmallVector<int64_t> shape;
};
mlir::FailureOr<ConcatParams> getConcatParams(NodeContext &ctx);

/// A strided window of input 0 in `spa.slice` normal form: one in-range
/// start and one non-zero step per dimension, and the result extents.
struct SliceParams {
  llvm::SmallVector<int64_t> starts, steps, shape;
};

/// Slice: starts/ends/axes attributes before opset 10; starts, ends and
/// optional axes and steps inputs, which must be constants, from opset 10.
/// Indices are resolved and clamped as ONNX specifies, including INT_MAX and
/// INT_MIN ends and negative steps.
mlir::FailureOr<SliceParams> getSliceParams(NodeContext &ctx);

/// Split: one window per output. The sizes come from the `split` attribute
/// before opset 13 and from the optional constant `split` input from 13;
/// without them the axis is split into equal parts.
mlir::FailureOr<llvm::SmallVector<SliceParams>>
getSplitParams(NodeContext &ctx);

/// Gather: the normalized axis and the result shape.
struct GatherParams {
  int64_t axis = 0;
  llvm::SmallVector<int64_t> shape;
};
mlir::FailureOr<GatherParams> getGatherParams(NodeContext &ctx);

/// Resolves negative gather indices against `extent` in place; fails with a
/// diagnostic when one is out of range.
mlir::LogicalResult
normalizeGatherIndices(NodeContext &ctx, llvm::MutableArrayRef<int64_t> indices,
                       int64_t extent);

/// Expand: the bidirectional broadcast of input 0 and the constant shape.
mlir::FailureOr<llvm::SmallVector<int64_t>> getExpandShape(NodeContext &ctx);

/// Tile: the constant repeats, one non-negative count per dimension.
mlir::FailureOr<llvm::SmallVector<int64_t>> getTileRepeats(NodeContext &ctx);

/// Cast: the element type named by the `to` attribute; fails naming the
/// ONNX data type when SPC has no such element type.
mlir::FailureOr<mlir::Type> getCastType(NodeContext &ctx);

} // namespace spc::onnx_import

#endif // SPC_LIB_IMPORT_ONNX_TENSOROPS_H
