//===- WeightMatrix.h - Constant weights packed per tile --------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// A constant GEMM weight W[N][K] (one row per output column, the reduction
// contiguous) in the storage format the layout passes chose for it
// (`spa.layout`, docs/Passes.md), and the engine that runs that format on
// the target:
//
// | format   | engine                                                    |
// |----------|-----------------------------------------------------------|
// | dense    | GEMM on dense tiles                                       |
// | N:M      | GEMM.NM when a mode runs n:m, else LOAD.DECOMP + GEMM     |
// | bitmap   | LOAD.DECOMP + GEMM: compressed across the DRAM channel    |
// | CSR      | GEMM.SP on the unstructured engine                        |
//
// Packed weights are cut into one constant per (N tile, K tile) of the
// contraction's plan, each a packed constant of ISA §6.4.4, so that a tile
// is one contiguous DRAM read and the engine gets exactly the tile's rows.
// A GEMM.NM tile whose stored values are mostly zero is two constants
// instead: its values bitmap-compressed, which LOAD.DECOMP expands into the
// N:M values in `wgt`, and its metadata.
// Non-zero counts per row prefix make the size and cycles of any tile O(N).
//
//===----------------------------------------------------------------------===//

#ifndef SPC_LIB_CONVERSION_SPATOSPT_WEIGHTMATRIX_H
#define SPC_LIB_CONVERSION_SPATOSPT_WEIGHTMATRIX_H

#include "spc/Target/ISA.h"
#include "spc/Target/Packing.h"
#include "spc/Target/TargetDescription.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace spc::codegen {

class WeightMatrix {
public:
  enum class Engine { Dense, NM, Sparse, Decompress };

  /// `dense` holds rows x cols elements of `dtype`, row-major. `format` is
  /// how it is stored (n:m for N:M).
  WeightMatrix(const target::TargetDescription &target, isa::DType dtype,
               int64_t rows, int64_t cols, std::vector<uint8_t> dense,
               isa::Format format, unsigned n = 0, unsigned m = 0);

  isa::DType getDType() const { return dtype; }
  int64_t getRows() const { return rows; }
  int64_t getCols() const { return cols; }
  isa::Format getFormat() const { return format; }
  unsigned getN() const { return n; }
  unsigned getM() const { return m; }
  Engine getEngine() const { return engine; }
  bool isDense() const { return format == isa::Format::Dense; }
  /// K tiles must be multiples of this (m for N:M, else 1).
  int64_t getKUnit() const { return format == isa::Format::NM ? m : 1; }

  /// Non-zero entries of row `r` in columns [k0, k0 + kt).
  uint32_t countNonZeros(int64_t r, int64_t k0, int64_t kt) const;
  /// Non-zero entries of tile [n0, n0 + nt) x [k0, k0 + kt).
  uint64_t countTileNonZeros(int64_t n0, int64_t nt, int64_t k0,
                             int64_t kt) const;
  uint64_t getNumNonZeros() const;

  /// The packed constant of tile [n0, n0 + nt) x [k0, k0 + kt), and where
  /// its parts are.
  packing::Layout getTileLayout(int64_t n0, int64_t nt, int64_t k0,
                                int64_t kt) const;
  llvm::Expected<std::vector<uint8_t>> packTile(int64_t n0, int64_t nt,
                                                int64_t k0, int64_t kt) const;
  /// Whether GEMM.NM tile [n0, n0 + nt) x [k0, k0 + kt) crosses the DRAM
  /// channel with its values bitmap-compressed (packing::
  /// getNMCompressedBytes): when that is smaller than the plain N:M
  /// constant, as for a sparse weight's or a TASD term's tiles, whose
  /// stored values are mostly zero.
  bool compressesValues(int64_t n0, int64_t nt, int64_t k0, int64_t kt) const;
  /// The compressed tile: its values as a bitmap constant (nt rows of the
  /// N:M values per row) and its metadata as an i8 constant.
  llvm::Expected<std::pair<std::vector<uint8_t>, std::vector<uint8_t>>>
  packCompressedTile(int64_t n0, int64_t nt, int64_t k0, int64_t kt) const;
  /// The bytes the tile moves through DRAM.
  uint64_t getDramBytes(int64_t n0, int64_t nt, int64_t k0, int64_t kt) const;
  /// The bytes the tile takes in `wgt`: packed for GEMM.NM and GEMM.SP,
  /// dense after decompression.
  uint64_t getSramBytes(int64_t n0, int64_t nt, int64_t k0, int64_t kt) const;
  /// The array passes of a GEMM of the tile (docs/CycleModel.md §3): an
  /// M-row GEMM takes passes · max(M, R) + R + C − 1 cycles.
  uint64_t getGemmPasses(int64_t n0, int64_t nt, int64_t k0, int64_t kt) const;
  /// The bytes the whole matrix takes in DRAM, packed as one constant.
  uint64_t getStoredBytes() const;
  /// A hash of the format and the non-zero structure.
  uint64_t getHash() const { return hash; }

private:
  const target::TargetDescription &target;
  isa::DType dtype;
  int64_t rows, cols;
  std::vector<uint8_t> dense;
  isa::Format format;
  unsigned n, m;
  Engine engine;
  /// rows x (cols + 1) running counts of non-zeros.
  std::vector<uint32_t> prefix;
  uint64_t hash = 0;
};

} // namespace spc::codegen

#endif // SPC_LIB_CONVERSION_SPATOSPT_WEIGHTMATRIX_H
