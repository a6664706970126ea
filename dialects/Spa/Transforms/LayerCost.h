//===- LayerCost.h - The layout passes' cost model ---------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The modelled cost of one contraction on a target, which spa-select-formats
// and spa-tasd-search share: the formulas of docs/CycleModel.md for the
// matrix unit, the structuring unit and the DRAM channel, and the energy of
// the MACs performed and the bytes moved.
// (A separate header: the target's `isa` namespace would clash with
// llvm::isa in the files that only need LayoutUtils.h.)
//
//===----------------------------------------------------------------------===//

#ifndef SPC_DIALECTS_SPA_TRANSFORMS_LAYERCOST_H
#define SPC_DIALECTS_SPA_TRANSFORMS_LAYERCOST_H

#include "LayoutUtils.h"

#include "spc/Support/Sparsity.h"
#include "spc/Target/ISA.h"
#include "spc/Target/TargetDescription.h"

#include <optional>

namespace spc::spa {

/// The modelled cost of one contraction, the cost model spa-select-formats
/// and spa-tasd-search share: the matrix and structuring units' cycles
/// (docs/CycleModel.md §3, §4) in series, overlapped with the DRAM
/// channel's; energy from the MACs performed and the bytes moved.
struct LayerCost {
  uint64_t cycles = 0;
  double energyPJ = 0.0;
  /// The weight bytes stored in DRAM.
  uint64_t weightBytes = 0;

  /// Energy-delay product, in pJ·cycles.
  double getEDP() const { return double(cycles) * energyPJ; }
};

/// `passes` array passes of M-row matrix instructions that perform `macs`
/// MACs, `weightBytes` of weights plus `actBytes` of activations through
/// DRAM, and `structElements` activation values structured (TASD-A).
LayerCost estimateLayerCost(const target::TargetDescription &target,
                            isa::DType dtype, const GemmShape &shape,
                            uint64_t passes, uint64_t macs,
                            uint64_t weightBytes, uint64_t actBytes,
                            uint64_t structElements = 0);

/// The cost of a contraction whose W is stored as the N:M terms of `series`
/// (one GEMM.NM each; empty: W as it is, one GEMM) with activations
/// structured to `act` (n = 0: none) and `actBytes` of activations through
/// DRAM. A term no mode runs streams the dense K. `nonZeros` holds W's
/// non-zero count for an empty series, else each term's: W then crosses
/// the DRAM channel bitmap-compressed where that is smaller (the dense W as
/// a bitmap, a term's N:M values as packing::getNMCompressedBytes), as the
/// backend moves it. Without counts, every stored value is moved.
LayerCost estimateSeriesCost(const target::TargetDescription &target,
                             isa::DType dtype, const GemmShape &shape,
                             llvm::ArrayRef<NMPattern> series, NMPattern act,
                             uint64_t actBytes,
                             llvm::ArrayRef<uint64_t> nonZeros = {});

/// The reduction the engine streams for a K-long row with W stored as the
/// N:M pattern `w` (n = 0: dense) and activations declared `act` (n = 0:
/// none), or nothing when the target has no mode for `w`.
std::optional<uint64_t> getStreamedLength(const target::TargetDescription &t,
                                          uint64_t k, NMPattern w,
                                          NMPattern act);

} // namespace spc::spa

#endif // SPC_DIALECTS_SPA_TRANSFORMS_LAYERCOST_H
