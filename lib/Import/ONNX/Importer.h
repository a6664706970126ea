//===- Importer.h - ONNX importer internals ---------------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The contract between the importer's driver and its per-family operator
// converters. A converter receives a NodeContext for one ONNX node, reads its
// inputs and attributes, builds `spa` ops (or computes a constant), and binds
// the node's outputs. Converter files register themselves in a table by
// operator name.
//
// This header includes protobuf and ONNX headers; only the importer's own
// files (compiled with exceptions and RTTI) include it.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_LIB_IMPORT_ONNX_IMPORTER_H
#define SPC_LIB_IMPORT_ONNX_IMPORTER_H

#include "spc/Dialect/Spa/IR/Spa.h"
#include "spc/Import/ONNX/ImportONNX.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx_pb.h"

#include <functional>
#include <unordered_map>

namespace spc::onnx_import {

/// A value of the ONNX graph during import. Constants are kept as attributes
/// and only become `spa.constant` ops when a compute op uses them, so that
/// shape arithmetic folds away at import.
struct Tensor {
  /// The SSA value; null while only `constant` is known.
  mlir::Value value;
  /// The value, when it is known at import time.
  mlir::ElementsAttr constant;
  mlir::RankedTensorType type;
  /// The ONNX type of the value after shape inference, with symbolic
  /// dimension names; null for values the importer made itself.
  const onnx::TypeProto *onnxType = nullptr;
};

class Importer;

/// Everything a converter needs to translate one node.
class NodeContext {
public:
  NodeContext(Importer &importer, const onnx::NodeProto &node, int64_t opset);

  const onnx::NodeProto &node() const { return nodeProto; }
  llvm::StringRef opType() const { return nodeProto.op_type(); }
  /// The opset version of the node's domain in this model.
  int64_t opset() const { return opsetVersion; }
  mlir::OpBuilder &builder();
  mlir::MLIRContext *getContext();
  mlir::Location loc() const { return location; }

  /// Emits an error that names the node, its operator and opset.
  mlir::InFlightDiagnostic emitError() const;

  //===--- Inputs ---------------------------------------------------------===//

  /// Number of inputs, counting omitted optional inputs (empty names).
  size_t numInputs() const { return nodeProto.input_size(); }
  /// Whether optional input `i` is present.
  bool hasInput(size_t i) const;
  const Tensor &input(size_t i) const;
  mlir::RankedTensorType inputType(size_t i) const { return input(i).type; }
  /// The SSA value of input `i`, materializing a constant when needed.
  mlir::Value inputValue(size_t i);
  /// The constant value of input `i`, or a null attribute when it is only
  /// known at run time.
  mlir::ElementsAttr inputConstant(size_t i) const { return input(i).constant; }
  /// Reads a constant integer input (shape, axes, pads, repeats...). Fails
  /// with a diagnostic naming `what` when the input is not constant.
  mlir::FailureOr<llvm::SmallVector<int64_t>> constantInts(size_t i,
                                                           llvm::StringRef what);
  /// Reads a constant floating-point input (clip bounds, scales...).
  mlir::FailureOr<llvm::SmallVector<double>> constantFloats(size_t i,
                                                            llvm::StringRef what);

  //===--- Attributes -----------------------------------------------------===//

  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  bool hasAttr(llvm::StringRef name) const { return attr(name) != nullptr; }
  int64_t intAttr(llvm::StringRef name, int64_t defaultValue) const;
  float floatAttr(llvm::StringRef name, float defaultValue) const;
  std::string stringAttr(llvm::StringRef name,
                         llvm::StringRef defaultValue) const;
  llvm::SmallVector<int64_t> intsAttr(llvm::StringRef name) const;
  llvm::SmallVector<float> floatsAttr(llvm::StringRef name) const;

  //===--- Outputs --------------------------------------------------------===//

  size_t numOutputs() const { return nodeProto.output_size(); }
  bool hasOutput(size_t i) const;
  /// The type shape inference gave output `i`; fails with a diagnostic when
  /// it has no ranked tensor type.
  mlir::FailureOr<mlir::RankedTensorType> outputType(size_t i);
  void setOutput(size_t i, mlir::Value value);
  void setOutputConstant(size_t i, mlir::ElementsAttr constant);

  //===--- Shapes ---------------------------------------------------------===//

  /// Fails, saying which graph input dimension to fix with --input-shape,
  /// when input `i` has a dynamic dimension and the node needs all of them.
  mlir::LogicalResult requireStaticInput(size_t i);
  /// The same for a type the converter computed, described by `what`.
  mlir::LogicalResult requireStatic(mlir::RankedTensorType type,
                                    const onnx::TypeProto *onnxType,
                                    llvm::StringRef what);

  /// Builds `spa.constant` for `value` at the function entry.
  mlir::Value materialize(mlir::ElementsAttr value);

  Importer &importer;

private:
  const onnx::NodeProto &nodeProto;
  int64_t opsetVersion;
  mlir::Location location;
};

/// Converts one node; returns failure after emitting a diagnostic.
using ConvertFn = std::function<mlir::LogicalResult(NodeContext &)>;

/// Operator name -> converter, for the default ONNX domain.
using ConverterTable = llvm::StringMap<ConvertFn>;

/// Registration hooks, one per converter family file.
void registerContractionConverters(ConverterTable &table);
void registerElementwiseConverters(ConverterTable &table);
void registerNormalizationConverters(ConverterTable &table);
void registerPoolingConverters(ConverterTable &table);
void registerTensorConverters(ConverterTable &table);
void registerQuantizationConverters(ConverterTable &table);
void registerControlFlowConverters(ConverterTable &table);

/// Evaluates a node whose inputs are all constants, when the operator is one
/// of the shape-computation operators folded at import (Shape, Gather, Cast,
/// Concat, Range, ConstantOfShape, Unsqueeze, ...). Returns success with the
/// outputs bound, failure() after a diagnostic, or std::nullopt when the node
/// is not foldable and must be converted.
std::optional<mlir::LogicalResult> tryFoldNode(NodeContext &ctx);

/// Constants with more elements than this become resource blobs, so that
/// weights (imported or computed at import) never become text attributes;
/// smaller ones stay readable inline.
inline constexpr int64_t kInlineConstantLimit = 16;

/// Turns a value name into a blob key: letters, digits and '_'.
std::string blobKey(llvm::StringRef name);

/// Converts ONNX data types to MLIR element types; null when unsupported.
mlir::Type convertElementType(mlir::MLIRContext *context, int32_t onnxType);
/// The ONNX name of a TensorProto data type, for messages.
llvm::StringRef getDataTypeName(int32_t onnxType);

/// Normalizes `axis` against `rank` (negative counts from the end); fails
/// with a diagnostic when it is out of range.
mlir::FailureOr<int64_t> normalizeAxis(NodeContext &ctx, int64_t axis,
                                       int64_t rank, llvm::StringRef what);

/// Builds a small dense constant of `elementType` with `shape` from doubles
/// (converted, with integer truncation).
mlir::DenseElementsAttr makeDenseConstant(mlir::Type elementType,
                                          llvm::ArrayRef<int64_t> shape,
                                          llvm::ArrayRef<double> values);

/// Reads any integer or float constant, inline or in a resource blob, as
/// doubles / int64 (floats truncate toward zero); empty for a blob whose
/// data was elided. Thin wrappers over readFloats / readInts (TensorOps.h).
llvm::SmallVector<double> readAsDoubles(mlir::ElementsAttr attr);
llvm::SmallVector<int64_t> readAsInts(mlir::ElementsAttr attr);

/// Reshapes `value` to `type` with spa.reshape, or returns it when the types
/// already match.
mlir::Value reshapeTo(NodeContext &ctx, mlir::Value value,
                      mlir::RankedTensorType type);

/// Converts `value` to `elementType` with spa.cast, keeping its shape, or
/// returns it when it already has that element type.
mlir::Value castTo(NodeContext &ctx, mlir::Value value, mlir::Type elementType);

/// Binds output `output` to the same tensor as input `input`, keeping a
/// constant a constant: for operators that are the identity on one input
/// (Identity, Dropout, a single-input Sum, a Clip without bounds...).
void forward(NodeContext &ctx, size_t output = 0, size_t input = 0);

/// Diagnostics format shapes as the dialect's verifiers do.
using spa::formatShape;

/// Whether `shape` broadcasts unidirectionally to `target`: aligned at the
/// end, every extent is 1 or the target's. Dynamic extents are assumed to
/// fit.
bool broadcastsTo(llvm::ArrayRef<int64_t> shape,
                  llvm::ArrayRef<int64_t> target);

} // namespace spc::onnx_import

#endif // SPC_LIB_IMPORT_ONNX_IMPORTER_H
