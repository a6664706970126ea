//===- LayerCost.cpp - The layout passes' cost model ----------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "LayerCost.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace spc;
using namespace spc::spa;

LayerCost spa::estimateLayerCost(const target::TargetDescription &target,
                                 isa::DType dtype, const GemmShape &shape,
                                 uint64_t passes, uint64_t macs,
                                 uint64_t weightBytes, uint64_t actBytes,
                                 uint64_t structElements) {
  const target::DataType &type =
      dtype == isa::DType::I8 ? target.int8 : target.fp32;
  uint64_t matrix =
      target.getMatrixCyclesOfPasses(dtype, uint64_t(shape.m), passes);
  uint64_t dram = llvm::divideCeil(weightBytes + actBytes,
                                   std::max(1u, target.dramBytesPerCycle));
  uint64_t structuring =
      structElements ? target.structLatency +
                           llvm::divideCeil(structElements,
                                            std::max(1u, target.structLanes))
                     : 0;
  LayerCost cost;
  cost.weightBytes = weightBytes;
  // STRUCT and the GEMMs that read its tile run on separate units but in
  // one in-order queue, each GEMM after its tile's STRUCT: counted in
  // series, which keeps TASD-A to layers whose matrix time it repays.
  cost.cycles = std::max(matrix + structuring, dram);
  cost.energyPJ =
      double(macs) * type.macEnergyPJ +
      double(weightBytes + actBytes) * target.dramEnergyPJPerByte +
      double(2 * structElements * isa::elementSize(dtype)) *
          target.sramEnergyPJPerByte;
  return cost;
}

std::optional<uint64_t>
spa::getStreamedLength(const target::TargetDescription &t, uint64_t k,
                       NMPattern w, NMPattern act) {
  std::optional<uint64_t> kp = k;
  if (w.n && w.n < w.m)
    kp = t.getNMStreamedLength(unsigned(w.n), unsigned(w.m), k);
  if (kp && act.n && t.dualSide)
    kp = llvm::divideCeil(*kp * uint64_t(act.n), uint64_t(act.m));
  return kp;
}
