//===- LayerCost.cpp - The layout passes' cost model ----------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "LayerCost.h"

#include "spc/Target/Packing.h"

#include "llvm/ADT/STLExtras.h"
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
      structElements ? target.getStructCycles(structElements) : 0;
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
  if (kp)
    kp = t.getDualSideLength(*kp, unsigned(act.n), unsigned(act.m));
  return kp;
}

LayerCost spa::estimateSeriesCost(const target::TargetDescription &target,
                                  isa::DType dtype, const GemmShape &shape,
                                  llvm::ArrayRef<NMPattern> series, NMPattern act,
                                  uint64_t actBytes,
                                  llvm::ArrayRef<uint64_t> nonZeros) {
  uint64_t n = shape.n, k = shape.k, m = shape.m;
  uint64_t passes = 0, macs = 0, bytes = 0;
  if (series.empty()) {
    uint64_t kp = *getStreamedLength(target, k, {}, act);
    passes = target.getMatrixPasses(dtype, n, kp);
    macs = m * n * kp;
    bytes = n * k * isa::elementSize(dtype);
    if (!nonZeros.empty())
      bytes = std::min(bytes, packing::getLayout(isa::Format::Bitmap, dtype, n,
                                                 k, 0, 0, nonZeros.front())
                                  .totalBytes);
  }
  for (auto [i, p] : llvm::enumerate(series)) {
    std::optional<uint64_t> streamed = getStreamedLength(target, k, p, act);
    uint64_t kp = streamed.value_or(k);
    passes += target.getMatrixPasses(dtype, n, kp);
    macs += m * n * kp;
    unsigned tn = unsigned(p.n), tm = unsigned(p.m);
    // Only GEMM.NM tiles cross the channel compressed.
    bytes += streamed && i < nonZeros.size()
                 ? packing::getNMDramBytes(dtype, n, k, tn, tm, nonZeros[i])
                 : packing::getLayout(isa::Format::NM, dtype, n, k, tn, tm, 0)
                       .totalBytes;
  }
  return estimateLayerCost(target, dtype, shape, passes, macs, bytes,
                           actBytes, act.n ? m * k : 0);
}
