//===- Kernels.cpp - Matrix kernels of the emulator -------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Dense GEMM: W is packed in panels of NR columns ([K][NR] each); a
// microkernel keeps an MR x NR block of C in vector registers for the whole
// k loop and, for every k in ascending order, adds the separately rounded
// products a[m][k] * w[k][n] (vectorized across n). Sparse GEMM: A is
// transposed to [K][M]; for every weight row n a block of C^T[n][m..] stays
// in registers while each stored entry (k, v) adds At[k][m..] * v, in the
// stored (ascending k) order, so non-stored entries cost nothing.
//
// Neither kernel vectorizes across k: every output element still sees its
// terms in ascending k with separately rounded products and sums (ISA §4.1;
// the library is compiled with -ffp-contract=off, which also holds for the
// vector extension types used here). The same source is compiled for
// AVX-512, AVX2 and the portable baseline through target attributes and
// selected at run time; all give identical bits.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "llvm/Support/Parallel.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#define SPC_INLINE inline __attribute__((always_inline))

#if defined(__x86_64__) || defined(__i386__)
#define SPC_X86 1
#define SPC_TARGET_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq")))
#define SPC_TARGET_AVX2 __attribute__((target("avx2")))
#else
#define SPC_X86 0
#define SPC_TARGET_AVX512
#define SPC_TARGET_AVX2
#endif

namespace spc::emu::kernels {

//===----------------------------------------------------------------------===//
// Dispatch
//===----------------------------------------------------------------------===//

Isa detectedIsa() {
  static const Isa isa = [] {
#if SPC_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq"))
      return Isa::AVX512;
    if (__builtin_cpu_supports("avx2"))
      return Isa::AVX2;
#endif
    return Isa::Generic;
  }();
  return isa;
}

static std::atomic<int> selectedIsa{-1};

Isa activeIsa() {
  int s = selectedIsa.load(std::memory_order_relaxed);
  return s < 0 ? detectedIsa() : Isa(s);
}

void setIsa(Isa isa) {
  selectedIsa.store(int(std::min(isa, detectedIsa())),
                    std::memory_order_relaxed);
}

//===----------------------------------------------------------------------===//
// Vector helpers
//===----------------------------------------------------------------------===//

namespace {

typedef float F4 __attribute__((vector_size(16)));
typedef float F8 __attribute__((vector_size(32)));
typedef float F16 __attribute__((vector_size(64)));
typedef uint32_t U4 __attribute__((vector_size(16)));
typedef uint32_t U8 __attribute__((vector_size(32)));
typedef uint32_t U16 __attribute__((vector_size(64)));

template <typename V, typename T> SPC_INLINE V vload(const T *p) {
  V v;
  __builtin_memcpy(&v, p, sizeof(V));
  return v;
}
template <typename V, typename T> SPC_INLINE void vstore(T *p, V v) {
  __builtin_memcpy(p, &v, sizeof(V));
}

/// Work (multiply-adds) above which a tile is split over threads.
constexpr size_t kParallelWork = size_t(1) << 20;
/// Weight elements above which packing is split over threads.
constexpr size_t kParallelPack = size_t(1) << 16;

/// Panel width (NR) and register-block height (MR) of each level.
template <typename T> struct Shape;
template <> struct Shape<float> {
  using V0 = F4;
  using V1 = F8;
  using V2 = F16;
};
template <> struct Shape<uint32_t> {
  using V0 = U4;
  using V1 = U8;
  using V2 = U16;
};
constexpr int kMR[3] = {6, 6, 8};
constexpr int kNV = 2; ///< Vectors per panel row.
constexpr size_t kNR[3] = {8, 16, 32};

//===----------------------------------------------------------------------===//
// Dense
//===----------------------------------------------------------------------===//

/// C[0..MR)[0..NR) += A[0..MR)[0..K) * panel, k ascending.
template <typename T, typename V, int MR, int NV>
SPC_INLINE void micro(const T *__restrict a, size_t lda,
                      const T *__restrict wp, T *__restrict c, size_t ldc,
                      size_t K) {
  constexpr int VW = sizeof(V) / sizeof(T);
  constexpr int NR = NV * VW;
  V acc[MR][NV];
#pragma unroll
  for (int r = 0; r < MR; ++r)
#pragma unroll
    for (int v = 0; v < NV; ++v)
      acc[r][v] = vload<V>(c + r * ldc + v * VW);
  for (size_t k = 0; k < K; ++k) {
    V w[NV];
#pragma unroll
    for (int v = 0; v < NV; ++v)
      w[v] = vload<V>(wp + k * NR + v * VW);
#pragma unroll
    for (int r = 0; r < MR; ++r) {
      const T s = a[r * lda + k];
#pragma unroll
      for (int v = 0; v < NV; ++v)
        acc[r][v] = acc[r][v] + s * w[v];
    }
  }
#pragma unroll
  for (int r = 0; r < MR; ++r)
#pragma unroll
    for (int v = 0; v < NV; ++v)
      vstore(c + r * ldc + v * VW, acc[r][v]);
}

/// micro<rows> for 1 <= rows <= R.
template <typename T, typename V, int R, int NV>
SPC_INLINE void microRows(int rows, const T *a, size_t lda, const T *wp,
                          T *c, size_t ldc, size_t K) {
  if constexpr (R >= 1) {
    if (rows == R)
      micro<T, V, R, NV>(a, lda, wp, c, ldc, K);
    else
      microRows<T, V, R - 1, NV>(rows, a, lda, wp, c, ldc, K);
  }
}

/// Rows [m0, m1) of the panel at column n0.
template <typename T, typename V, int MR, int NV>
SPC_INLINE void denseTask(const T *a, const T *panel, T *c, size_t N,
                          size_t K, size_t m0, size_t m1, size_t n0) {
  constexpr int VW = sizeof(V) / sizeof(T);
  constexpr size_t NR = NV * VW;
  size_t cols = std::min(NR, N - n0);
  if (cols == NR) {
    size_t m = m0;
    for (; m + MR <= m1; m += MR)
      micro<T, V, MR, NV>(a + m * K, K, panel, c + m * N + n0, N, K);
    if (m < m1)
      microRows<T, V, MR - 1, NV>(int(m1 - m), a + m * K, K, panel,
                                  c + m * N + n0, N, K);
    return;
  }
  // Column tail: run on a full-width copy of the tile.
  T tmp[MR * NR];
  for (size_t m = m0; m < m1; m += MR) {
    int rows = int(std::min<size_t>(MR, m1 - m));
    std::fill(tmp, tmp + MR * NR, T(0));
    for (int r = 0; r < rows; ++r)
      std::memcpy(tmp + r * NR, c + (m + r) * N + n0, cols * sizeof(T));
    microRows<T, V, MR, NV>(rows, a + m * K, K, panel, tmp, NR, K);
    for (int r = 0; r < rows; ++r)
      std::memcpy(c + (m + r) * N + n0, tmp + r * NR, cols * sizeof(T));
  }
}

template <typename T>
using DenseTaskFn = void (*)(const T *, const T *, T *, size_t, size_t,
                             size_t, size_t, size_t);

template <typename T>
SPC_TARGET_AVX512 void denseTask2(const T *a, const T *p, T *c, size_t N,
                                  size_t K, size_t m0, size_t m1, size_t n0) {
  denseTask<T, typename Shape<T>::V2, kMR[2], kNV>(a, p, c, N, K, m0, m1, n0);
}
template <typename T>
SPC_TARGET_AVX2 void denseTask1(const T *a, const T *p, T *c, size_t N,
                                size_t K, size_t m0, size_t m1, size_t n0) {
  denseTask<T, typename Shape<T>::V1, kMR[1], kNV>(a, p, c, N, K, m0, m1, n0);
}
template <typename T>
void denseTask0(const T *a, const T *p, T *c, size_t N, size_t K, size_t m0,
                size_t m1, size_t n0) {
  denseTask<T, typename Shape<T>::V0, kMR[0], kNV>(a, p, c, N, K, m0, m1, n0);
}

template <typename T, typename F>
uint64_t packImpl(size_t N, size_t K, PackedW<T> &out, F rowLoad) {
  Isa isa = activeIsa();
  size_t nr = kNR[int(isa)];
  size_t panels = (N + nr - 1) / nr;
  out.n = N;
  out.k = K;
  out.nr = nr;
  out.isa = isa;
  // Reused storage (no fresh pages per instruction); only a partial last
  // panel needs its padding columns cleared.
  out.data.resize(panels * K * nr);
  if (N % nr)
    std::fill(out.data.begin() + (panels - 1) * K * nr, out.data.end(), T(0));
  // Panels are independent: large weights are packed on all threads, each
  // panel counting its own non-zeros (summed in panel order afterwards).
  T *packed = out.data.data();
  std::vector<uint64_t> panelNonZeros(panels, 0);
  auto packPanel = [&, packed](size_t p) {
    static thread_local std::vector<T> row;
    row.resize(K);
    uint64_t nonZeros = 0;
    for (size_t n = p * nr, end = std::min(N, n + nr); n < end; ++n) {
      nonZeros += rowLoad(n, row.data());
      T *dst = packed + p * K * nr + n % nr;
      const T *src = row.data();
      for (size_t k = 0; k < K; ++k)
        dst[k * nr] = src[k];
    }
    panelNonZeros[p] = nonZeros;
  };
  if (N * K < kParallelPack || panels < 2) {
    for (size_t p = 0; p < panels; ++p)
      packPanel(p);
  } else {
    llvm::parallelFor(0, panels, packPanel);
  }
  uint64_t nonZeros = 0;
  for (uint64_t count : panelNonZeros)
    nonZeros += count;
  return nonZeros;
}

} // namespace

uint64_t packWeights(const uint8_t *w, size_t rowStride, size_t N, size_t K,
                     PackedW<float> &out) {
  return packImpl<float>(N, K, out, [&](size_t n, float *row) {
    std::memcpy(row, w + 4 * n * rowStride, 4 * K);
    uint64_t nz = 0;
    for (size_t k = 0; k < K; ++k)
      nz += !(row[k] == 0.0f);
    return nz;
  });
}

uint64_t packWeights(const uint8_t *w, size_t rowStride, size_t N, size_t K,
                     int8_t zeroPoint, PackedW<uint32_t> &out) {
  return packImpl<uint32_t>(N, K, out, [&](size_t n, uint32_t *row) {
    const int8_t *src = reinterpret_cast<const int8_t *>(w + n * rowStride);
    uint64_t nz = 0;
    for (size_t k = 0; k < K; ++k) {
      row[k] = uint32_t(int32_t(src[k]) - int32_t(zeroPoint));
      nz += row[k] != 0;
    }
    return nz;
  });
}

template <typename T>
void denseGemm(const T *a, const PackedW<T> &w, T *c, size_t M, size_t N,
               size_t K) {
  DenseTaskFn<T> fn = w.isa == Isa::AVX512 ? denseTask2<T>
                      : w.isa == Isa::AVX2 ? denseTask1<T>
                                           : denseTask0<T>;
  size_t nr = w.nr, mr = size_t(kMR[int(w.isa)]);
  size_t panels = (N + nr - 1) / nr;
  const T *wp = w.data.data();
  if (M * N * K < kParallelWork) {
    for (size_t p = 0; p < panels; ++p)
      fn(a, wp + p * K * nr, c, N, K, 0, M, p * nr);
    return;
  }
  // Tasks: (block of rows, panel); each output element belongs to exactly
  // one task and is computed in the same order whatever the thread count.
  size_t rb = mr * std::max<size_t>(1, 64 / mr);
  size_t rowBlocks = (M + rb - 1) / rb;
  llvm::parallelFor(0, rowBlocks * panels, [&](size_t t) {
    size_t b = t / panels, p = t % panels;
    size_t m0 = b * rb, m1 = std::min(M, m0 + rb);
    fn(a, wp + p * K * nr, c, N, K, m0, m1, p * nr);
  });
}

//===----------------------------------------------------------------------===//
// Sparse
//===----------------------------------------------------------------------===//

namespace {

/// ct[0..NV*VW) += sum over entries e of at[k[e]][0..) * v[e], e ascending.
template <typename T, typename V, int NV>
SPC_INLINE void sparseBlock(const T *__restrict at, size_t ldat,
                            const uint32_t *__restrict kIdx,
                            const T *__restrict v, uint32_t e0, uint32_t e1,
                            T *__restrict ct) {
  constexpr int VW = sizeof(V) / sizeof(T);
  V acc[NV];
#pragma unroll
  for (int j = 0; j < NV; ++j)
    acc[j] = vload<V>(ct + j * VW);
  for (uint32_t e = e0; e < e1; ++e) {
    const T *p = at + size_t(kIdx[e]) * ldat;
    const T s = v[e];
#pragma unroll
    for (int j = 0; j < NV; ++j)
      acc[j] = acc[j] + vload<V>(p + j * VW) * s;
  }
#pragma unroll
  for (int j = 0; j < NV; ++j)
    vstore(ct + j * VW, acc[j]);
}

template <typename T, typename V, int R>
SPC_INLINE void sparseBlockN(int nv, const T *at, size_t ldat,
                             const uint32_t *kIdx, const T *v, uint32_t e0,
                             uint32_t e1, T *ct) {
  if constexpr (R >= 1) {
    if (nv == R)
      sparseBlock<T, V, R>(at, ldat, kIdx, v, e0, e1, ct);
    else
      sparseBlockN<T, V, R - 1>(nv, at, ldat, kIdx, v, e0, e1, ct);
  }
}

/// Weight rows [n0, n1): Ct[n][0..Mp) (Mp a multiple of the vector width).
template <typename T, typename V, int NVMAX>
SPC_INLINE void sparseTask(const T *at, size_t Mp, const uint32_t *rowStart,
                           const uint32_t *kIdx, const T *v, T *ct, size_t n0,
                           size_t n1) {
  constexpr size_t VW = sizeof(V) / sizeof(T);
  size_t nvec = Mp / VW;
  for (size_t j = 0; j < nvec; j += NVMAX) {
    int nv = int(std::min<size_t>(NVMAX, nvec - j));
    for (size_t n = n0; n < n1; ++n)
      sparseBlockN<T, V, NVMAX>(nv, at + j * VW, Mp, kIdx, v, rowStart[n],
                                rowStart[n + 1], ct + n * Mp + j * VW);
  }
}

template <typename T>
using SparseTaskFn = void (*)(const T *, size_t, const uint32_t *,
                              const uint32_t *, const T *, T *, size_t,
                              size_t);

template <typename T>
SPC_TARGET_AVX512 void sparseTask2(const T *at, size_t Mp, const uint32_t *rs,
                                   const uint32_t *k, const T *v, T *ct,
                                   size_t n0, size_t n1) {
  sparseTask<T, typename Shape<T>::V2, 16>(at, Mp, rs, k, v, ct, n0, n1);
}
template <typename T>
SPC_TARGET_AVX2 void sparseTask1(const T *at, size_t Mp, const uint32_t *rs,
                                 const uint32_t *k, const T *v, T *ct,
                                 size_t n0, size_t n1) {
  sparseTask<T, typename Shape<T>::V1, 12>(at, Mp, rs, k, v, ct, n0, n1);
}
template <typename T>
void sparseTask0(const T *at, size_t Mp, const uint32_t *rs,
                 const uint32_t *k, const T *v, T *ct, size_t n0,
                 size_t n1) {
  sparseTask<T, typename Shape<T>::V0, 12>(at, Mp, rs, k, v, ct, n0, n1);
}

/// dst[c][r] = src[r][c] for r < rows, c < cols; dst rows have ldd elements.
template <typename T>
void transpose(const T *src, size_t lds, T *dst, size_t ldd, size_t rows,
               size_t cols) {
  constexpr size_t B = 16;
  for (size_t r0 = 0; r0 < rows; r0 += B)
    for (size_t c0 = 0; c0 < cols; c0 += B) {
      size_t r1 = std::min(rows, r0 + B), c1 = std::min(cols, c0 + B);
      for (size_t c = c0; c < c1; ++c)
        for (size_t r = r0; r < r1; ++r)
          dst[c * ldd + r] = src[r * lds + c];
    }
}

} // namespace

template <typename T>
void sparseGemm(const T *a, const uint32_t *rowStart, const uint32_t *k,
                const T *v, T *c, size_t M, size_t N, size_t K) {
  Isa isa = activeIsa();
  // Narrow tiles use 4-lane vectors to waste fewer padded lanes.
  if (M <= 4)
    isa = Isa::Generic;
  else if (M <= 8 && isa == Isa::AVX512)
    isa = Isa::AVX2;
  SparseTaskFn<T> fn = isa == Isa::AVX512 ? sparseTask2<T>
                       : isa == Isa::AVX2 ? sparseTask1<T>
                                          : sparseTask0<T>;
  size_t vw = isa == Isa::AVX512 ? 16 : isa == Isa::AVX2 ? 8 : 4;
  size_t Mp = (M + vw - 1) / vw * vw;
  // Reused storage; the padding lanes m >= M are cleared (they only feed
  // padding lanes of Ct, which are never read back).
  static thread_local std::vector<T> at, ct;
  at.resize(K * Mp);
  ct.resize(N * Mp);
  transpose(a, K, at.data(), Mp, M, K);
  transpose(c, N, ct.data(), Mp, M, N);
  if (Mp != M) {
    for (size_t i = 0; i < K; ++i)
      std::fill(at.data() + i * Mp + M, at.data() + (i + 1) * Mp, T(0));
    for (size_t i = 0; i < N; ++i)
      std::fill(ct.data() + i * Mp + M, ct.data() + (i + 1) * Mp, T(0));
  }
  // Plain pointers: a worker thread must not name the thread_locals.
  const T *atp = at.data();
  T *ctp = ct.data();
  size_t work = M * size_t(rowStart[N] - rowStart[0]);
  if (work < kParallelWork || N < 4) {
    fn(atp, Mp, rowStart, k, v, ctp, 0, N);
  } else {
    size_t blocks = std::min<size_t>(N, 64);
    size_t cols = (N + blocks - 1) / blocks;
    blocks = (N + cols - 1) / cols;
    llvm::parallelFor(0, blocks, [&](size_t b) {
      size_t n0 = b * cols, n1 = std::min(N, n0 + cols);
      fn(atp, Mp, rowStart, k, v, ctp, n0, n1);
    });
  }
  transpose(ct.data(), Mp, c, N, N, M);
}

//===----------------------------------------------------------------------===//
// STRUCT
//===----------------------------------------------------------------------===//

namespace {
/// Magnitude key: larger ranks higher; every NaN gets the same top key.
SPC_INLINE uint32_t magKey(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  b &= 0x7fffffffu;
  return b > 0x7f800000u ? 0x7f800001u : b;
}
SPC_INLINE uint32_t magKey(int8_t v) {
  return uint32_t(v < 0 ? -int32_t(v) : int32_t(v));
}
} // namespace

template <typename T>
void structGroup(const T *in, T *out, unsigned n, unsigned m) {
  T vals[256];
  std::memcpy(vals, in, m * sizeof(T));
  if (n >= m) {
    std::memcpy(out, vals, m * sizeof(T));
    return;
  }
  // Distinct keys: magnitude, then the lower index.
  uint64_t key[256];
  for (unsigned i = 0; i < m; ++i)
    key[i] = (uint64_t(magKey(vals[i])) << 8) | (255u - i);
  if (m <= 16) {
    for (unsigned i = 0; i < m; ++i) {
      unsigned above = 0;
      for (unsigned j = 0; j < m; ++j)
        above += key[j] > key[i];
      out[i] = above < n ? vals[i] : T(0);
    }
    return;
  }
  uint64_t sorted[256];
  std::memcpy(sorted, key, m * sizeof(uint64_t));
  std::nth_element(sorted, sorted + (n - 1), sorted + m,
                   [](uint64_t x, uint64_t y) { return x > y; });
  uint64_t threshold = sorted[n - 1];
  for (unsigned i = 0; i < m; ++i)
    out[i] = key[i] >= threshold ? vals[i] : T(0);
}

template void denseGemm<float>(const float *, const PackedW<float> &,
                               float *, size_t, size_t, size_t);
template void denseGemm<uint32_t>(const uint32_t *, const PackedW<uint32_t> &,
                                  uint32_t *, size_t, size_t, size_t);
template void sparseGemm<float>(const float *, const uint32_t *,
                                const uint32_t *, const float *, float *,
                                size_t, size_t, size_t);
template void sparseGemm<uint32_t>(const uint32_t *, const uint32_t *,
                                   const uint32_t *, const uint32_t *,
                                   uint32_t *, size_t, size_t, size_t);
template void structGroup<float>(const float *, float *, unsigned, unsigned);
template void structGroup<int8_t>(const int8_t *, int8_t *, unsigned,
                                  unsigned);

} // namespace spc::emu::kernels
