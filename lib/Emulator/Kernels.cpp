//===- Kernels.cpp - Matrix kernels of the emulator -------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Both kernels vectorize across an output dimension (n for dense, m for
// sparse), never across k, so every output element still sees its terms in
// ascending k with separately rounded products and sums (ISA §4.1).
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "llvm/Support/Parallel.h"

#include <algorithm>
#include <vector>

namespace spc::emu::kernels {

/// Work (multiply-adds) above which a tile is split over threads.
static constexpr size_t kParallelWork = size_t(1) << 20;

template <typename T>
static void denseBlock(const T *__restrict a, const T *__restrict wt,
                       T *__restrict c, size_t m0, size_t m1, size_t N,
                       size_t K) {
  // One output row at a time, k ascending, vectorized across n. The row
  // (N elements) stays in L1 for the usual tile widths.
  for (size_t m = m0; m < m1; ++m) {
    T *__restrict ci = c + m * N;
    const T *ai = a + m * K;
    for (size_t k = 0; k < K; ++k) {
      const T x = ai[k];
      const T *__restrict w = wt + k * N;
      for (size_t j = 0; j < N; ++j)
        ci[j] = ci[j] + x * w[j];
    }
  }
}

template <typename T>
void denseGemm(const T *a, const T *wt, T *c, size_t M, size_t N, size_t K) {
  size_t work = M * N * K;
  if (work < kParallelWork || M < 8) {
    denseBlock(a, wt, c, 0, M, N, K);
    return;
  }
  // Blocks of rows, a multiple of 4, at least 4 blocks per thread-ish.
  size_t blocks = std::min<size_t>(M / 4, 64);
  size_t rows = (M + blocks - 1) / blocks;
  rows = (rows + 3) / 4 * 4;
  blocks = (M + rows - 1) / rows;
  llvm::parallelFor(0, blocks, [&](size_t b) {
    size_t m0 = b * rows, m1 = std::min(M, m0 + rows);
    denseBlock(a, wt, c, m0, m1, N, K);
  });
}

template <typename T>
static void sparseRows(const T *at, const uint32_t *rowStart,
                       const uint32_t *kIdx, const T *v, T *c, size_t n0,
                       size_t n1, size_t M, size_t N) {
  constexpr size_t MB = 1024;
  T col[MB];
  for (size_t mb = 0; mb < M; mb += MB) {
    size_t ml = std::min(MB, M - mb);
    for (size_t n = n0; n < n1; ++n) {
      for (size_t i = 0; i < ml; ++i)
        col[i] = c[(mb + i) * N + n];
      for (uint32_t e = rowStart[n], end = rowStart[n + 1]; e < end; ++e) {
        const T *ak = at + size_t(kIdx[e]) * M + mb;
        T w = v[e];
        for (size_t i = 0; i < ml; ++i)
          col[i] = col[i] + ak[i] * w;
      }
      for (size_t i = 0; i < ml; ++i)
        c[(mb + i) * N + n] = col[i];
    }
  }
}

template <typename T>
void sparseGemm(const T *at, const uint32_t *rowStart, const uint32_t *k,
                const T *v, T *c, size_t M, size_t N, size_t /*K*/) {
  size_t work = M * size_t(rowStart[N] - rowStart[0]);
  if (work < kParallelWork || N < 4) {
    sparseRows(at, rowStart, k, v, c, 0, N, M, N);
    return;
  }
  size_t blocks = std::min<size_t>(N, 64);
  size_t cols = (N + blocks - 1) / blocks;
  blocks = (N + cols - 1) / cols;
  llvm::parallelFor(0, blocks, [&](size_t b) {
    size_t n0 = b * cols, n1 = std::min(N, n0 + cols);
    sparseRows(at, rowStart, k, v, c, n0, n1, M, N);
  });
}

template void denseGemm<float>(const float *, const float *, float *, size_t,
                               size_t, size_t);
template void denseGemm<uint32_t>(const uint32_t *, const uint32_t *,
                                  uint32_t *, size_t, size_t, size_t);
template void sparseGemm<float>(const float *, const uint32_t *,
                                const uint32_t *, const float *, float *,
                                size_t, size_t, size_t);
template void sparseGemm<uint32_t>(const uint32_t *, const uint32_t *,
                                   const uint32_t *, const uint32_t *,
                                   uint32_t *, size_t, size_t, size_t);

} // namespace spc::emu::kernels
