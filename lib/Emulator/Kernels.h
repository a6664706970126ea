//===- Kernels.h - Matrix kernels of the emulator ---------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The arithmetic cores of GEMM, GEMM.NM, GEMM.SP and STRUCT, on packed host
// arrays. T is float (ISA §4.1 fp32 semantics: ascending k, product and sum
// each rounded, no FMA; this file is compiled with -ffp-contract=off) or
// uint32_t (int8 semantics: 32-bit wrapping arithmetic on the
// zero-point-adjusted values). Each output element is computed by one thread
// in a fixed order, so results do not depend on the thread count nor on the
// instruction set the host dispatches to (AVX-512, AVX2 or the portable
// baseline).
//
//===----------------------------------------------------------------------===//

#ifndef SPC_LIB_EMULATOR_KERNELS_H
#define SPC_LIB_EMULATOR_KERNELS_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace spc::emu::kernels {

/// Host instruction-set levels of the kernels.
enum class Isa { Generic = 0, AVX2 = 1, AVX512 = 2 };

/// The best level this host supports.
Isa detectedIsa();
/// The level in use (detectedIsa() unless lowered by setIsa).
Isa activeIsa();
/// Selects a level, clamped to detectedIsa(); for tests and benchmarks.
void setIsa(Isa isa);

/// W (N x K, one row per output column) packed in panels of `nr` columns:
/// panel p holds W[p*nr + j][k] at data[p*K*nr + k*nr + j], zero-padded past
/// N. `isa` is the level the panel width was chosen for.
template <typename T> struct PackedW {
  std::vector<T> data;
  size_t n = 0, k = 0, nr = 0;
  Isa isa = Isa::Generic;
};

/// Packs f32 weights: row n at w + 4 * n * rowStride (elements). Returns the
/// number of entries that are not == 0.0f (NaN counts as non-zero).
uint64_t packWeights(const uint8_t *w, size_t rowStride, size_t N, size_t K,
                     PackedW<float> &out);
/// Packs i8 weights with the zero point subtracted (int32 bits). Returns the
/// number of non-zero adjusted entries.
uint64_t packWeights(const uint8_t *w, size_t rowStride, size_t N, size_t K,
                     int8_t zeroPoint, PackedW<uint32_t> &out);

/// C[M][N] += A[M][K] * W^T, A and C row-major and contiguous. C holds the
/// initial values (accumulator or zero).
template <typename T>
void denseGemm(const T *a, const PackedW<T> &w, T *c, size_t M, size_t N,
               size_t K);

/// Compressed rows of W: row n has entries rowStart[n] .. rowStart[n+1]-1,
/// entry e at reduction index k[e] (ascending within a row, < K) with value
/// v[e]. A is [M][K] row-major, C[M][N] as for denseGemm. Only the stored
/// entries are terms (ISA §4.1).
template <typename T>
void sparseGemm(const T *a, const uint32_t *rowStart, const uint32_t *k,
                const T *v, T *c, size_t M, size_t N, size_t K);

/// STRUCT (ISA §4.6) on one group of m values: out[i] = in[i] for the n
/// entries of largest magnitude (NaN above everything, ties keep the lower
/// index), zero otherwise. T is float or int8_t; in and out may be equal.
template <typename T>
void structGroup(const T *in, T *out, unsigned n, unsigned m);

} // namespace spc::emu::kernels

#endif // SPC_LIB_EMULATOR_KERNELS_H
