//===- Spa.h - Sparse-accelerator dialect -----------------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The `spa` dialect: tensor-level operations of an imported model, the sparse
// encoding attribute, and the sparsity profile attribute.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_DIALECT_SPA_IR_SPA_H
#define SPC_DIALECT_SPA_IR_SPA_H

#include "spc/Support/Sparsity.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Traits.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TensorEncoding.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "spc/Dialect/Spa/IR/SpaDialect.h.inc"
#include "spc/Dialect/Spa/IR/SpaEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "spc/Dialect/Spa/IR/SpaAttrDefs.h.inc"

#include "spc/Dialect/Spa/IR/SpaInterfaces.h.inc"

#define GET_OP_CLASSES
#include "spc/Dialect/Spa/IR/SpaOps.h.inc"

namespace spc::spa {

/// The name of the discardable attribute that `spa-annotate-sparsity` attaches
/// to constant weights.
inline constexpr llvm::StringLiteral kSparsityAttrName = "spa.sparsity";
/// Set by `spa-prune` on the weights it pruned: `{pattern, error}`.
inline constexpr llvm::StringLiteral kPrunedAttrName = "spa.pruned";
/// Set by `spa-permute-channels` on consumer weights: `{pattern,
/// retained_before, retained_after}` and, when the channels could not move,
/// `reason`.
inline constexpr llvm::StringLiteral kPermutedAttrName = "spa.permuted";
/// Set by `spa-select-formats`: the `#spa.encoding` a weight is stored in,
/// and why.
inline constexpr llvm::StringLiteral kLayoutAttrName = "spa.layout";
inline constexpr llvm::StringLiteral kLayoutReasonAttrName =
    "spa.layout_reason";
/// The TASD configuration `spa-tasd-search` chose for a contraction (or an
/// override gave it): `{weights = "2:4+1:8", activations = "2:4", ...}`
/// with the search's figures. `spa-tasd-decompose` applies it.
inline constexpr llvm::StringLiteral kTasdConfigAttrName = "spa.tasd_config";
/// On a constant weight `spa-tasd-decompose` replaced by its TASD series:
/// `{series = "2:4+1:8", error = <relative weight error>}`.
inline constexpr llvm::StringLiteral kTasdAttrName = "spa.tasd";
/// On a contraction whose activations (the A operand) the target structures
/// at run time (TASD-A, ISA §4.6): `#spa.encoding<nm<N:M>, dim = D>`, the
/// pattern and the operand's grouped (reduced) dimension.
inline constexpr llvm::StringLiteral kTasdActAttrName = "spa.tasd_act";

/// The N:M pattern a contraction's activations are structured to at run
/// time (`spa.tasd_act`); n = 0 when there is none.
NMPattern getActStructure(mlir::Operation *op);

/// The ONNX node `op` came from, as the importer's location names it (the
/// first name in fused or call-site locations), else the op's name.
std::string getNodeName(mlir::Operation *op);

/// Formats a shape for diagnostics as [2, ?, 3].
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// The bytes of a constant whose elements are whole bytes wide.
struct RawConstantData {
  llvm::ArrayRef<char> bytes;
  /// A splat holds one element that stands for all of them.
  bool isSplat = false;
};

/// Returns the raw little-endian bytes behind a `dense` or `dense_resource`
/// constant, or std::nullopt when there are none to read (an elided blob, a
/// sub-byte element type, or another attribute kind).
std::optional<RawConstantData> getRawConstantData(mlir::ElementsAttr attr);

} // namespace spc::spa

#endif // SPC_DIALECT_SPA_IR_SPA_H
