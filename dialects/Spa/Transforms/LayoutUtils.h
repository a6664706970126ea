//===- LayoutUtils.h - Shared helpers of the layout passes ------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// What spa-annotate-sparsity, spa-prune and spa-select-formats share: which
// constants are contraction weights and along which dimension they are
// reduced, the layer (ONNX node) names, the GEMM a contraction is, and the
// per-layer override file.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_DIALECTS_SPA_TRANSFORMS_LAYOUTUTILS_H
#define SPC_DIALECTS_SPA_TRANSFORMS_LAYOUTUTILS_H

#include "spc/Dialect/Spa/IR/Spa.h"

#include "llvm/ADT/StringMap.h"

#include <optional>
#include <string>
#include <vector>

namespace spc::spa {

/// The dimension along which every contraction that uses `value` reduces it,
/// std::nullopt when no contraction multiplies it, or failure when uses
/// disagree.
mlir::FailureOr<std::optional<int64_t>> getWeightReductionDim(mlir::Value value);

/// The first contraction that multiplies `value`, or null.
mlir::Operation *getWeightUser(mlir::Value value);

/// The GEMM a contraction runs with `weight` as its W operand: M rows, N
/// output columns (W's rows) and the reduction K. None for a contraction
/// whose weights the layout passes do not pack (transposed convolution,
/// batched matmul weights).
struct GemmShape {
  int64_t m = 0, n = 0, k = 0;
  /// For a convolution, the input channels per group (the grouped extent of
  /// the reduced dimension); K otherwise.
  int64_t groupedExtent = 0;
};
std::optional<GemmShape> getGemmShape(mlir::Operation *contraction);

/// A pruning request: `nm:N:M`, `unstructured:S`, or `none`.
struct PruneSpec {
  enum class Kind { None, NM, Unstructured };
  Kind kind = Kind::None;
  int64_t n = 0, m = 0;
  double sparsity = 0.0;
  std::string str() const;
};
/// Parses a PruneSpec; the error text says what is accepted.
mlir::FailureOr<PruneSpec> parsePruneSpec(llvm::StringRef text,
                                          std::string &error);

/// A weight's values as doubles, and the element type to write them back in.
struct WeightValues {
  std::vector<double> v;
  mlir::Type elementType;
};
/// Reads an f32, f64 or 8-bit integer constant that is not a splat.
std::optional<WeightValues> readWeightValues(mlir::ElementsAttr attr);

/// The bytes of `values` in their element type, with the entries `keep`
/// does not hold zeroed.
std::vector<char> encodeWeightValues(const WeightValues &values,
                                     const std::vector<bool> &keep);

/// |x|, with NaN above every number (as STRUCT ranks it, ISA §4.6).
double getMagnitude(double x);

/// Gives `constant` the data `bytes` (its type's raw little-endian layout),
/// in the same kind of attribute: an inline `dense` stays inline, and a
/// resource blob becomes a new blob named after the old one plus `suffix`.
void setConstantData(ConstantOp constant, llvm::ArrayRef<char> bytes,
                     llvm::StringRef suffix);

/// One layer's entry of the override file.
struct LayerOverride {
  std::optional<PruneSpec> prune;
  /// "dense", "nm", "bitmap" or "csr".
  std::optional<std::string> format;
  /// The TASD series of the weights and the activations' N:M pattern
  /// ("none" or N:M[+N:M...], spc/Support/Tasd.h).
  std::optional<std::string> tasdWeights, tasdActivations;
};
using Overrides = llvm::StringMap<LayerOverride>;

/// Reads the override file (docs/Passes.md, spa-prune). Errors name the
/// file and the offending key.
mlir::FailureOr<Overrides> readOverrides(llvm::StringRef path,
                                         std::string &error);

/// The override file of a pass option: empty for an empty path; a file that
/// cannot be read is an error reported on `op`.
mlir::FailureOr<Overrides> loadOverrides(mlir::Operation *op,
                                         llvm::StringRef path);

/// The bytes of a static tensor of int or float elements (0 otherwise).
uint64_t getTensorBytes(mlir::Value value);

/// The bytes a contraction's activations move over the DRAM channel: its
/// non-constant operands and its result.
uint64_t getActivationBytes(mlir::Operation *contraction);

} // namespace spc::spa

#endif // SPC_DIALECTS_SPA_TRANSFORMS_LAYOUTUTILS_H
