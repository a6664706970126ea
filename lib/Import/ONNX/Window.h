//===- Window.h - Convolution and pooling windows ---------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The window attributes that Conv, ConvTranspose, QLinearConv, MaxPool and
// AveragePool share (strides, dilations, pads, auto_pad), read once for all
// of them. spa has two-dimensional convolutions and pooling only, so 1-D
// windows and operands are lifted to 2-D over a height of 1.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_LIB_IMPORT_ONNX_WINDOW_H
#define SPC_LIB_IMPORT_ONNX_WINDOW_H

#include "Importer.h"

namespace spc::onnx_import {

/// What a window belongs to, which decides where its kernel comes from and
/// which attributes it has.
enum class WindowKind {
  /// Conv and QLinearConv: the kernel is the weight's spatial extents, and
  /// `group` is read.
  Conv,
  /// ConvTranspose: as Conv, but auto_pad SAME is left to the caller.
  ConvTranspose,
  /// MaxPool and AveragePool: the kernel is `kernel_shape`, and `ceil_mode`
  /// is read.
  Pool,
};

/// The normalized window attributes of a 1-D or 2-D convolution or pooling.
struct Window {
  /// One entry per spatial dimension (two once lifted); `pads` follows ONNX
  /// (begins, then ends).
  llvm::SmallVector<int64_t> kernel, strides, dilations, pads;
  /// Convolutions only.
  int64_t groups = 1;
  /// Pooling only.
  bool ceilMode = false;

  /// Lifts a 1-D window to the 2-D form spa uses, with a unit height; a 2-D
  /// window is unchanged.
  void liftTo2D();
};

/// Inserts a unit height so that a 1-D (N, C, L) tensor becomes (N, C, 1, L).
mlir::RankedTensorType withUnitHeight(mlir::RankedTensorType type);

/// Reads the window attributes of a `kind` node over the `inputSpatial`
/// extents of its input, in ONNX form (see Window::liftTo2D). `weightSpatial`
/// is the kernel of a convolution and unused for pooling. auto_pad is
/// resolved against the static input extents, with the output keeping
/// ceil(in / stride) positions.
mlir::FailureOr<Window> readWindow(NodeContext &ctx, WindowKind kind,
                                   llvm::ArrayRef<int64_t> inputSpatial,
                                   llvm::ArrayRef<int64_t> weightSpatial = {});

//===--- Convolutions -----------------------------------------------------===//

/// The spatial rank of a convolution whose input is input 0 and whose weight
/// is input `weightIndex`, or a diagnostic when it is not one or two.
mlir::FailureOr<int64_t> getConvSpatialRank(NodeContext &ctx,
                                            size_t weightIndex);

/// Reads the window of a convolution over input 0 and the weight input
/// `weightIndex`, lifted to 2-D.
mlir::FailureOr<Window> readConvWindow(NodeContext &ctx, size_t weightIndex,
                                       bool transposed);

/// The input and weight of a convolution and its result type, in the 2-D
/// form spa uses.
struct ConvOperands {
  mlir::Value input, weight;
  mlir::RankedTensorType resultType;
};

/// Input 0, the weight input `weightIndex` and `resultType`, lifted to 2-D
/// for a 1-D convolution.
ConvOperands getConvOperands(NodeContext &ctx, size_t weightIndex,
                             int64_t spatialRank,
                             mlir::RankedTensorType resultType);

} // namespace spc::onnx_import

#endif // SPC_LIB_IMPORT_ONNX_WINDOW_H
