//===- TargetDescription.h - Accelerator target files -----------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The description of one accelerator of SPC's family: matrix modes and the
// sparsity each supports, multipliers, data types, scratchpads, DMA/DRAM, the
// vector and structuring units, clock and energy per event. The compiler and
// the emulator read the same description. It is a JSON file (schema in
// docs/Targets.md) read with llvm::json; five presets ship built in.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_TARGET_TARGETDESCRIPTION_H
#define SPC_TARGET_TARGETDESCRIPTION_H

#include "spc/Target/ISA.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spc::target {

/// An N:M pattern a matrix mode runs natively.
struct Pattern {
  unsigned n = 0;
  unsigned m = 0;
  bool operator==(const Pattern &other) const {
    return n == other.n && m == other.m;
  }
};

/// One mode of the matrix array (docs/Targets.md, "matrix.modes").
struct MatrixMode {
  enum class Kind { Dense, NM, Relaxed, Unstructured };
  std::string name;
  Kind kind = Kind::Dense;
  /// NM: the patterns the mode runs (fixed 2:4, or flexible 1:4/2:4/4:4).
  std::vector<Pattern> patterns;
  /// Relaxed: the largest block M (up to 256) and the read ports of the
  /// memory block, one multiply-add unit each (one write port).
  unsigned maxM = 0;
  unsigned readPorts = 0;
  /// Unstructured: the largest speed-up over dense the mode reaches (32 for
  /// the S4-style engine); it stores non-zeros only.
  double maxSpeedup = 0.0;
};

/// The cost of one MAC data type.
struct DataType {
  /// MACs each multiplier completes per cycle in this type (int8 packs
  /// several into one fp32-sized multiplier).
  unsigned macsPerMultiplier = 1;
  double macEnergyPJ = 0.0;
};

struct Scratchpad {
  uint64_t bytes = 0;
  unsigned banks = 1;
  /// Bytes each bank reads or writes per cycle.
  unsigned bankWidthBytes = 8;
};

/// One function of the vector/activation unit.
struct VectorFunction {
  /// Cycles from issue to the first result.
  unsigned latency = 1;
  /// Cycles between successive `lanes`-wide vectors.
  unsigned interval = 1;
  double energyPJ = 0.0; ///< Per element.
};

struct TargetDescription {
  std::string name;
  std::string description;
  double clockMHz = 1000.0;

  // Matrix unit.
  unsigned multipliers = 0;
  /// The array shape: `rows` multipliers reduce along K, `cols` produce
  /// output columns; rows * cols == multipliers.
  unsigned arrayRows = 0;
  unsigned arrayCols = 0;
  /// The array can also skip zeros in activations declared N:M (TASD-A).
  bool dualSide = false;
  std::vector<MatrixMode> modes;
  DataType fp32;
  DataType int8;

  // Scratchpads, indexed by isa::Buffer - 1.
  Scratchpad wgt, act, acc;

  // DMA and DRAM.
  unsigned dramBytesPerCycle = 0;
  unsigned dramLatency = 0;
  unsigned dramBurstBytes = 64;

  // Vector unit: the functions the target has (in the file, keyed by VEC
  // mnemonics in lower case: "exp", "rsum", ...).
  unsigned vectorLanes = 0;
  std::map<isa::VecFunc, VectorFunction> vectorFunctions;

  // Structuring unit (TASD-A); lanes == 0 means the target has none.
  unsigned structLanes = 0;
  unsigned structLatency = 0;

  // Energy per event, in picojoules.
  double sramEnergyPJPerByte = 0.0;
  double dramEnergyPJPerByte = 0.0;

  const Scratchpad &getScratchpad(isa::Buffer buffer) const;

  /// The mode that runs `kind` with weight pattern n:m (ignored for dense and
  /// unstructured), or null.
  const MatrixMode *findMode(MatrixMode::Kind kind, unsigned n = 0,
                             unsigned m = 0) const;
  /// Whether some mode runs GEMM.NM with pattern n:m (ISA §4.3).
  bool supportsNM(unsigned n, unsigned m) const;
  const VectorFunction *getVectorFunction(isa::VecFunc func) const;

  // Rules of the cycle model (docs/CycleModel.md), shared by the emulator and
  // the compiler's cost model so that the two cannot drift apart.

  /// The DRAM bytes a LOAD or STORE box is charged: contiguous runs merge
  /// from the inside out while each dimension's stride equals the run length
  /// so far, and each run is rounded up to whole bursts.
  uint64_t getChargedDramBytes(const isa::Dma &dma) const;
  /// Scratchpad bytes per cycle: banks × bank width (at least 1).
  uint64_t getSramBandwidth(isa::Buffer buffer) const;
  /// Cycles of a VEC `func` over `elements` elements that moves
  /// `bytesPerBuffer[b]` bytes of scratchpad b (indexed by isa::Buffer):
  /// latency + max(lane passes × interval, the busiest scratchpad's cycles).
  uint64_t getVecCycles(isa::VecFunc func, uint64_t elements,
                        llvm::ArrayRef<uint64_t> bytesPerBuffer) const;
  /// The array's reduction depth R in `dtype`: rows × MACs per multiplier.
  uint64_t getReductionDepth(isa::DType dtype) const;
  /// Cycles of a matrix instruction of M rows that makes `passes` passes
  /// over the array: passes · max(M, R) + R + C − 1.
  uint64_t getMatrixCyclesOfPasses(isa::DType dtype, uint64_t m,
                                   uint64_t passes) const;
  /// The passes of a matrix instruction of N columns that streams a
  /// reduction of `kp` values: ceil(kp/R) · ceil(N/C).
  uint64_t getMatrixPasses(isa::DType dtype, uint64_t n, uint64_t kp) const;
  uint64_t getMatrixCycles(isa::DType dtype, uint64_t m, uint64_t n,
                           uint64_t kp) const {
    return getMatrixCyclesOfPasses(dtype, m, getMatrixPasses(dtype, n, kp));
  }
  /// The reduction length GEMM.NM streams for pattern n:m over a dense K
  /// (a multiple of m): K·n/m on an `nm` mode listing n:m, else
  /// (K/m)·(n rounded up to whole read-port passes) on a `relaxed` mode.
  /// None when no mode runs n:m.
  std::optional<uint64_t> getNMStreamedLength(unsigned n, unsigned m,
                                              uint64_t k) const;
  /// The reduction a matrix instruction streams when its activations
  /// declare `act_n:act_m` (CycleModel.md §3): ceil(kp · act_n / act_m) on
  /// a dual-side engine, `kp` otherwise or without the declaration (0:0).
  uint64_t getDualSideLength(uint64_t kp, unsigned actN, unsigned actM) const;
  /// The cycles of a STRUCT over `elements` values (CycleModel.md §4):
  /// latency + ceil(elements / lanes).
  uint64_t getStructCycles(uint64_t elements) const;
  /// The passes of a GEMM.SP over a dense K whose weight rows hold
  /// `rowNonZeros` stored entries: Σ over groups g of C rows of t_g =
  /// max(ceil(max nnz / R), ceil(ceil(K/R) / max_speedup)).
  uint64_t getSparseMatrixPasses(isa::DType dtype, uint64_t k,
                                 llvm::ArrayRef<uint32_t> rowNonZeros) const;

  /// The canonical JSON of ISA §6.5: every field present, keys sorted, no
  /// whitespace. Parsing it gives back an equal description.
  std::string toCanonicalJSON() const;
  /// A readable, indented JSON form of the same object.
  std::string toPrettyJSON() const;
  /// FNV-1a 64 of the canonical JSON (ISA §6.5).
  uint64_t fingerprint() const;
};

/// Parses and validates a target description. Errors name the offending field
/// as a JSON path (for example `scratchpads.weight.bytes`), prefixed with
/// `sourceName`.
llvm::Expected<TargetDescription> parseTarget(llvm::StringRef json,
                                              llvm::StringRef sourceName);

/// Loads a preset by name, or else a target file by path.
llvm::Expected<TargetDescription> loadTarget(llvm::StringRef nameOrPath);

/// The names of the built-in presets, in a stable order.
llvm::ArrayRef<llvm::StringRef> getPresetNames();

/// The JSON text of a built-in preset, or an empty string.
llvm::StringRef getPresetJSON(llvm::StringRef name);

} // namespace spc::target

#endif // SPC_TARGET_TARGETDESCRIPTION_H
