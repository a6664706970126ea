//===- KernelsTest.cpp - Fast kernels against naive references ------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The emulator's register-blocked and sparse kernels, the STRUCT selection
// and the VEC fast paths must give exactly the bits of the naive ISA §4
// definitions, at every host instruction-set level, for odd shapes, tails,
// strides and special values.
//
//===----------------------------------------------------------------------===//

#include "../../lib/Emulator/Kernels.h"
#include "Harness.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace spc;
using namespace spc::emu;
using namespace spc::emu::test;
namespace k = spc::emu::kernels;

namespace {

std::vector<k::Isa> levels() {
  std::vector<k::Isa> out;
  for (int i = 0; i <= int(k::detectedIsa()); ++i)
    out.push_back(k::Isa(i));
  return out;
}

struct IsaGuard {
  ~IsaGuard() { k::setIsa(k::detectedIsa()); }
};

uint32_t bitsOf(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

/// Mostly ordinary values, with NaN, +-Inf, -0, denormals and huge values.
float specialFloat(std::mt19937 &rng) {
  switch (rng() % 24) {
  case 0:
    return std::numeric_limits<float>::quiet_NaN();
  case 1:
    return std::numeric_limits<float>::infinity();
  case 2:
    return -std::numeric_limits<float>::infinity();
  case 3:
    return -0.0f;
  case 4:
    return 0.0f;
  case 5:
    return std::numeric_limits<float>::denorm_min() * float(rng() % 1000);
  case 6:
    return -std::numeric_limits<float>::min() * 0.5f;
  case 7:
    return 3e38f;
  default:
    return float(int(rng() % 2001) - 1000) / 37.0f;
  }
}

template <typename T> bool same(T a, T b) { return a == b; }
template <> bool same<float>(float a, float b) {
  return bitsOf(a) == bitsOf(b) || (std::isnan(a) && std::isnan(b));
}

struct Shape3 {
  size_t M, N, K;
};

std::vector<Shape3> shapes(std::mt19937 &rng) {
  std::vector<Shape3> s = {{1, 1, 1},   {1, 37, 5},  {5, 1, 9},
                           {7, 33, 1},  {9, 17, 3},  {13, 64, 31},
                           {64, 48, 40}, {70, 100, 70}, {128, 96, 160},
                           // Large enough to pack and multiply on threads.
                           {40, 300, 250}};
  for (int i = 0; i < 6; ++i)
    s.push_back({1 + rng() % 40, 1 + rng() % 70, 1 + rng() % 50});
  return s;
}

TEST(KernelsTest, DenseF32MatchesAscendingKReference) {
  IsaGuard guard;
  std::mt19937 rng(11);
  for (Shape3 sh : shapes(rng)) {
    auto [M, N, K] = sh;
    size_t ldw = K + rng() % 3;
    std::vector<float> a(M * K), w(N * ldw), c0(M * N);
    for (float &x : a)
      x = specialFloat(rng);
    for (float &x : w)
      x = specialFloat(rng);
    for (float &x : c0)
      x = specialFloat(rng);
    std::vector<float> want = c0;
    uint64_t wantNZ = 0;
    for (size_t n = 0; n < N; ++n)
      for (size_t kk = 0; kk < K; ++kk)
        wantNZ += !(w[n * ldw + kk] == 0.0f);
    for (size_t m = 0; m < M; ++m)
      for (size_t n = 0; n < N; ++n) {
        float s = want[m * N + n];
        for (size_t kk = 0; kk < K; ++kk) {
          float p = a[m * K + kk] * w[n * ldw + kk];
          s = s + p;
        }
        want[m * N + n] = s;
      }
    for (k::Isa isa : levels()) {
      k::setIsa(isa);
      k::PackedW<float> pw;
      uint64_t nz = k::packWeights(reinterpret_cast<const uint8_t *>(w.data()),
                                   ldw, N, K, pw);
      EXPECT_EQ(nz, wantNZ);
      std::vector<float> c = c0;
      k::denseGemm(a.data(), pw, c.data(), M, N, K);
      for (size_t i = 0; i < M * N; ++i)
        ASSERT_TRUE(same(c[i], want[i]))
            << "isa " << int(isa) << " shape " << M << "x" << N << "x" << K
            << " at " << i << ": " << c[i] << " vs " << want[i];
    }
  }
}

TEST(KernelsTest, DenseI8WrapsLikeReference) {
  IsaGuard guard;
  std::mt19937 rng(12);
  for (Shape3 sh : shapes(rng)) {
    auto [M, N, K] = sh;
    int8_t azp = int8_t(rng()), wzp = int8_t(rng());
    std::vector<int8_t> w(N * K);
    std::vector<uint32_t> a(M * K), c0(M * N);
    for (int8_t &x : w)
      x = int8_t(rng());
    for (uint32_t &x : a)
      x = uint32_t(int32_t(int8_t(rng())) - azp);
    for (uint32_t &x : c0)
      x = rng() % 4 ? rng() : 0x7fffffffu;
    std::vector<uint32_t> want = c0;
    for (size_t m = 0; m < M; ++m)
      for (size_t n = 0; n < N; ++n)
        for (size_t kk = 0; kk < K; ++kk)
          want[m * N + n] += a[m * K + kk] * uint32_t(int32_t(w[n * K + kk]) - wzp);
    for (k::Isa isa : levels()) {
      k::setIsa(isa);
      k::PackedW<uint32_t> pw;
      k::packWeights(reinterpret_cast<const uint8_t *>(w.data()), K, N, K,
                     wzp, pw);
      std::vector<uint32_t> c = c0;
      k::denseGemm(a.data(), pw, c.data(), M, N, K);
      ASSERT_EQ(c, want) << "isa " << int(isa) << " shape " << M << "x" << N
                         << "x" << K;
    }
  }
}

template <typename T> void sparseCase(unsigned seed) {
  IsaGuard guard;
  std::mt19937 rng(seed);
  for (Shape3 sh : shapes(rng)) {
    auto [M, N, K] = sh;
    unsigned density = 1 + rng() % 10; // in tenths
    std::vector<uint32_t> rowStart = {0}, kIdx;
    std::vector<T> v;
    for (size_t n = 0; n < N; ++n) {
      for (size_t kk = 0; kk < K; ++kk)
        if (rng() % 10 < density) {
          kIdx.push_back(uint32_t(kk));
          if constexpr (std::is_same_v<T, float>)
            v.push_back(specialFloat(rng));
          else
            v.push_back(uint32_t(int32_t(int8_t(rng()))));
        }
      rowStart.push_back(uint32_t(kIdx.size()));
    }
    std::vector<T> a(M * K), c0(M * N);
    for (T &x : a) {
      if constexpr (std::is_same_v<T, float>)
        x = specialFloat(rng);
      else
        x = uint32_t(int32_t(int8_t(rng())) - 3);
    }
    for (T &x : c0) {
      if constexpr (std::is_same_v<T, float>)
        x = specialFloat(rng);
      else
        x = rng();
    }
    std::vector<T> want = c0;
    for (size_t m = 0; m < M; ++m)
      for (size_t n = 0; n < N; ++n) {
        T s = want[m * N + n];
        for (uint32_t e = rowStart[n]; e < rowStart[n + 1]; ++e) {
          T p = a[m * K + kIdx[e]] * v[e];
          s = s + p;
        }
        want[m * N + n] = s;
      }
    for (k::Isa isa : levels()) {
      k::setIsa(isa);
      std::vector<T> c = c0;
      k::sparseGemm(a.data(), rowStart.data(), kIdx.data(), v.data(),
                    c.data(), M, N, K);
      for (size_t i = 0; i < M * N; ++i)
        ASSERT_TRUE(same(c[i], want[i]))
            << "isa " << int(isa) << " shape " << M << "x" << N << "x" << K
            << " at " << i;
    }
  }
}

TEST(KernelsTest, SparseF32SumsOnlyStoredEntries) { sparseCase<float>(13); }
TEST(KernelsTest, SparseI8SumsOnlyStoredEntries) { sparseCase<uint32_t>(14); }

template <typename T>
std::vector<T> structRef(const std::vector<T> &in, unsigned n) {
  unsigned m = unsigned(in.size());
  std::vector<unsigned> order(m);
  for (unsigned i = 0; i < m; ++i)
    order[i] = i;
  auto rank = [&](unsigned i) -> std::pair<int, double> {
    if constexpr (std::is_same_v<T, float>) {
      if (std::isnan(in[i]))
        return {1, 0.0};
      return {0, std::fabs(double(in[i]))};
    } else {
      return {0, std::fabs(double(in[i]))};
    }
  };
  // Larger magnitude first; ties keep the lower column (ISA §4.6).
  std::sort(order.begin(), order.end(), [&](unsigned x, unsigned y) {
    return rank(x) != rank(y) ? rank(x) > rank(y) : x < y;
  });
  std::vector<T> out(m, T(0));
  for (unsigned i = 0; i < n; ++i)
    out[order[i]] = in[order[i]];
  return out;
}

TEST(KernelsTest, StructKeepsLargestWithTiesAndNaN) {
  std::mt19937 rng(15);
  for (unsigned iter = 0; iter < 3000; ++iter) {
    unsigned m = iter % 3 == 0 ? 1 + rng() % 256 : 1 + rng() % 16;
    unsigned n = 1 + rng() % m;
    std::vector<float> f(m);
    std::vector<int8_t> q(m);
    for (unsigned i = 0; i < m; ++i) {
      // Few distinct magnitudes: many ties, signed zeros, NaNs.
      switch (rng() % 8) {
      case 0:
        f[i] = std::numeric_limits<float>::quiet_NaN();
        if (rng() % 2)
          f[i] = -f[i];
        break;
      case 1:
        f[i] = rng() % 2 ? -0.0f : 0.0f;
        break;
      case 2:
        f[i] = std::numeric_limits<float>::denorm_min() * float(rng() % 3);
        break;
      case 3:
        f[i] = (rng() % 2 ? 1 : -1) * std::numeric_limits<float>::infinity();
        break;
      default:
        f[i] = float(int(rng() % 7) - 3);
      }
      q[i] = int8_t(rng() % 5 == 0 ? -128 : int(rng() % 9) - 4);
    }
    std::vector<float> wf = structRef(f, n), gf(m);
    std::vector<int8_t> wq = structRef(q, n), gq(m);
    k::structGroup(f.data(), gf.data(), n, m);
    k::structGroup(q.data(), gq.data(), n, m);
    for (unsigned i = 0; i < m; ++i)
      ASSERT_EQ(bitsOf(gf[i]), bitsOf(wf[i])) << n << ":" << m << " at " << i;
    ASSERT_EQ(gq, wq) << n << ":" << m;
    // In place.
    k::structGroup(f.data(), f.data(), n, m);
    for (unsigned i = 0; i < m; ++i)
      ASSERT_EQ(bitsOf(f[i]), bitsOf(wf[i]));
  }
}

//===----------------------------------------------------------------------===//
// VEC views: contiguous, broadcast, transposed, negative strides, and
// destinations overlapping the sources identically or not.
//===----------------------------------------------------------------------===//

struct RandView {
  isa::VecOperand op;
  bool ok = false;
};

/// A view of rows x cols elements of `es` bytes in a buffer of B bytes.
isa::VecOperand randomView(std::mt19937 &rng, Buffer b, unsigned rows,
                           unsigned cols, unsigned es, uint64_t B) {
  int32_t rs, cs;
  switch (rng() % 5) {
  case 0: // contiguous
    cs = 1;
    rs = int32_t(cols);
    break;
  case 1: // broadcast row
    cs = 1;
    rs = 0;
    break;
  case 2: // transposed
    cs = int32_t(rows);
    rs = 1;
    break;
  case 3: // padded rows, maybe negative
    cs = 1;
    rs = int32_t(cols + rng() % 5) * (rng() % 3 == 0 ? -1 : 1);
    break;
  default:
    cs = int32_t(rng() % 7) - 3;
    rs = int32_t(rng() % 40) - 20;
  }
  int64_t r1 = rows - 1, c1 = cols - 1;
  int64_t lo = std::min<int64_t>(0, r1 * rs) + std::min<int64_t>(0, c1 * cs);
  int64_t hi = std::max<int64_t>(0, r1 * rs) + std::max<int64_t>(0, c1 * cs);
  int64_t minAddr = -lo * es, maxAddr = int64_t(B) - (hi + 1) * es;
  int64_t span = std::max<int64_t>(1, std::min<int64_t>(maxAddr - minAddr, 4096));
  int64_t addr = minAddr + int64_t(rng() % uint64_t(span));
  return {b, uint32_t(addr), rs, cs};
}

bool fits(const isa::VecOperand &op, unsigned rows, unsigned cols,
          unsigned es, uint64_t B) {
  int64_t r1 = rows - 1, c1 = cols - 1;
  int64_t lo = std::min<int64_t>(0, r1 * op.rowStride) +
               std::min<int64_t>(0, c1 * op.colStride);
  int64_t hi = std::max<int64_t>(0, r1 * op.rowStride) +
               std::max<int64_t>(0, c1 * op.colStride);
  return int64_t(op.addr) + lo * es >= 0 &&
         int64_t(op.addr) + (hi + 1) * es <= int64_t(B);
}

TEST(KernelsTest, VecViewsMatchRowMajorDefinition) {
  Harness h(getTarget("dense-systolic", 1 << 18));
  std::mt19937 rng(16);
  struct Case {
    isa::VecFunc f;
    DType dt;
  };
  const Case cases[] = {{isa::VecFunc::Add, DType::F32},
                        {isa::VecFunc::Mul, DType::I32},
                        {isa::VecFunc::Abs, DType::F32},
                        {isa::VecFunc::Exp, DType::F32},
                        {isa::VecFunc::Copy, DType::I8},
                        {isa::VecFunc::Copy, DType::F32},
                        {isa::VecFunc::Max, DType::I8},
                        {isa::VecFunc::RSum, DType::F32}};
  for (unsigned iter = 0; iter < 160; ++iter) {
    const Case &cs = cases[iter % std::size(cases)];
    unsigned es = isa::elementSize(cs.dt);
    bool big = iter % 16 == 0;
    unsigned rows = big ? 32 + rng() % 48 : 1 + rng() % 20;
    unsigned cols = big ? 256 + rng() % 200 : 1 + rng() % 40;
    bool reduction = cs.f == isa::VecFunc::RSum;
    bool binary = isa::getVecFuncKind(cs.f) == isa::VecFuncKind::Binary;
    Buffer buf = rng() % 2 ? Buffer::Act : Buffer::Acc;
    isa::Vec v;
    v.func = cs.f;
    v.srcType = v.dstType = cs.dt;
    v.rows = uint16_t(rows);
    v.cols = uint16_t(cols);
    v.src1 = randomView(rng, buf, rows, cols, es, h.B);
    if (binary && rng() % 4)
      v.src2 = randomView(rng, buf, rows, cols, es, h.B);
    else if (binary)
      v.imm0 = 1.5f;
    unsigned dcols = reduction ? 1 : cols;
    unsigned kind = rng() % 3;
    if (kind == 0 && !reduction) {
      v.dst = v.src1; // identical: in place
    } else if (kind == 1 && !reduction) {
      // Near the source: shifted start and/or other strides.
      v.dst = rng() % 2 ? v.src1 : randomView(rng, buf, rows, dcols, es, h.B);
      isa::VecOperand moved = v.dst;
      moved.addr = uint32_t(int64_t(v.src1.addr) +
                            (int64_t(rng() % 9) - 4) * int64_t(es));
      if (fits(moved, rows, dcols, es, h.B))
        v.dst = moved;
    } else {
      v.dst = randomView(rng, buf, rows, dcols, es, h.B);
    }
    if (reduction)
      v.dst.colStride = 0;
    Images im = h.randomImages(rng);
    if (cs.dt == DType::F32)
      for (uint64_t o = 0; o + 4 <= h.B; o += 4)
        put<float>(im[buf], o, specialFloat(rng));
    // The reference: element by element, row-major, in place.
    Images want = im;
    std::vector<uint8_t> &wb = want[buf];
    auto at = [&](const isa::VecOperand &op, int64_t r, int64_t c) {
      return uint64_t(int64_t(op.addr) +
                      int64_t(es) * (r * op.rowStride + c * op.colStride));
    };
    bool hasY = v.src2.buffer != Buffer::None;
    for (int64_t r = 0; r < rows; ++r) {
      if (reduction) {
        float s = get<float>(wb, at(v.src1, r, 0));
        for (int64_t c = 1; c < cols; ++c)
          s = s + get<float>(wb, at(v.src1, r, c));
        put<float>(wb, at(v.dst, r, 0), s);
        continue;
      }
      for (int64_t c = 0; c < cols; ++c) {
        uint64_t xo = at(v.src1, r, c), d = at(v.dst, r, c);
        if (cs.dt == DType::F32) {
          float x = get<float>(wb, xo);
          float y = hasY ? get<float>(wb, at(v.src2, r, c)) : v.imm0;
          if (cs.f == isa::VecFunc::Copy)
            put<uint32_t>(wb, d, get<uint32_t>(wb, xo));
          else
            put<float>(wb, d,
                       cs.f == isa::VecFunc::Add   ? x + y
                       : cs.f == isa::VecFunc::Abs ? std::fabs(x)
                                                   : expf(x));
        } else if (cs.dt == DType::I32) {
          uint32_t x = get<uint32_t>(wb, xo);
          uint32_t y = hasY ? get<uint32_t>(wb, at(v.src2, r, c)) : 2u; // rne(1.5)
          put<uint32_t>(wb, d, x * y);
        } else {
          int8_t x = get<int8_t>(wb, xo);
          int8_t y = hasY ? get<int8_t>(wb, at(v.src2, r, c)) : int8_t(2);
          put<int8_t>(wb, d,
                      cs.f == isa::VecFunc::Copy ? x : std::max(x, y));
        }
      }
    }
    h.compute = {{Opcode::Vec, 0, v}};
    auto r = h.run(im);
    ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
    const std::vector<uint8_t> &got = im[buf];
    for (uint64_t o = 0; o < h.B; o += es) {
      bool eq;
      if (cs.dt == DType::F32 && cs.f != isa::VecFunc::Copy)
        eq = same(get<float>(got, o), get<float>(wb, o));
      else
        eq = std::memcmp(got.data() + o, wb.data() + o, es) == 0;
      ASSERT_TRUE(eq) << "iteration " << iter << " func "
                      << isa::getName(cs.f).str() << " byte " << o;
    }
  }
}

} // namespace
