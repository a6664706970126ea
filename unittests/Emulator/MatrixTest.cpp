//===- MatrixTest.cpp - GEMM, GEMM.NM, GEMM.SP, STRUCT semantics ----------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Each instruction against a naive reference written here (ISA §4), over
// random shapes and seeds, for fp32 and int8; STRUCT also against the
// compiler's model of it (tasd::structureRow).
//
//===----------------------------------------------------------------------===//

#include "Harness.h"

#include "spc/Support/Tasd.h"

#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace spc;
using namespace spc::emu;
using namespace spc::emu::test;

namespace {

constexpr uint32_t kA = 0, kW = 0, kC = 0, kMeta = 32768;

/// Writes small random values for A (act), W rows (wgt) and C (acc).
struct GemmData {
  unsigned M, N, K;
  uint32_t aStride, wStride, cStride;
};

float smallFloat(std::mt19937 &rng) {
  // Mixed magnitudes so that rounding order matters.
  float v = float(int(rng() % 2001) - 1000) / 97.0f;
  if (rng() % 7 == 0)
    v *= 1e-3f;
  if (rng() % 11 == 0)
    v = 0.0f;
  return v;
}

/// The stored weights of one row: (k, value bytes offset) pairs.
struct Entry {
  unsigned k;
  uint64_t off;
};

/// fp32 / int8 reference over explicit per-row entry lists (ISA §4.1).
void referenceGemm(const isa::Gemm &g, Images &im,
                   const std::vector<std::vector<Entry>> &rows) {
  auto &act = im[Buffer::Act];
  auto &wgt = im[Buffer::Wgt];
  auto &acc = im[Buffer::Acc];
  for (unsigned m = 0; m < g.m; ++m)
    for (unsigned n = 0; n < g.n; ++n) {
      uint64_t cOff = g.accAddr + 4 * (uint64_t(m) * g.accRowStride + n);
      if (g.dtype == DType::F32) {
        float s = g.accumulate ? get<float>(acc, cOff) : 0.0f;
        for (const Entry &e : rows[n]) {
          float a = get<float>(act, g.actAddr +
                                        4 * (uint64_t(m) * g.actRowStride + e.k));
          float w = get<float>(wgt, e.off);
          float p = a * w;
          s = s + p;
        }
        put<float>(acc, cOff, s);
      } else {
        uint32_t s = g.accumulate ? get<uint32_t>(acc, cOff) : 0;
        for (const Entry &e : rows[n]) {
          int32_t a = get<int8_t>(act, g.actAddr + uint64_t(m) * g.actRowStride +
                                           e.k) -
                      g.aZeroPoint;
          int32_t w = get<int8_t>(wgt, e.off) - g.wZeroPoint;
          s += uint32_t(a) * uint32_t(w);
        }
        put<uint32_t>(acc, cOff, s);
      }
    }
}

void fillA(const isa::Gemm &g, Images &im, std::mt19937 &rng,
           unsigned actN = 0, unsigned actM = 0) {
  for (unsigned m = 0; m < g.m; ++m)
    for (unsigned k = 0; k < g.k; ++k) {
      bool zero = actM && (k % actM) >= actN; // keep the first actN
      if (g.dtype == DType::F32)
        put<float>(im[Buffer::Act],
                   g.actAddr + 4 * (uint64_t(m) * g.actRowStride + k),
                   zero ? 0.0f : smallFloat(rng));
      else
        put<int8_t>(im[Buffer::Act], g.actAddr + uint64_t(m) * g.actRowStride + k,
                    zero ? int8_t(0) : int8_t(rng()));
    }
  if (g.dtype == DType::F32)
    for (unsigned m = 0; m < g.m; ++m)
      for (unsigned n = 0; n < g.n; ++n)
        put<float>(im[Buffer::Acc], g.accAddr + 4 * (uint64_t(m) * g.accRowStride + n),
                   smallFloat(rng));
}

isa::Gemm randomGemm(std::mt19937 &rng, DType dt, unsigned kMultiple,
                     unsigned maxK) {
  isa::Gemm g;
  g.dtype = dt;
  g.m = uint16_t(1 + rng() % 13);
  g.n = uint16_t(1 + rng() % 17);
  unsigned groups = std::max(1u, maxK / kMultiple);
  g.k = uint16_t(kMultiple * (1 + rng() % groups));
  g.accumulate = rng() % 2;
  g.actRowStride = g.k + rng() % 3;
  g.accRowStride = g.n + rng() % 3;
  g.actAddr = kA + (dt == DType::F32 ? 4 : 1) * (rng() % 16);
  g.accAddr = kC + 4 * (rng() % 16);
  if (dt == DType::I8)
    g.aZeroPoint = int8_t(rng());
  return g;
}

void expectSame(const Images &want, const Images &got) {
  for (unsigned b = 0; b < 3; ++b) {
    ASSERT_EQ(want.buf[b].size(), got.buf[b].size());
    for (size_t i = 0; i < want.buf[b].size(); ++i)
      if (want.buf[b][i] != got.buf[b][i]) {
        ADD_FAILURE() << "buffer " << b + 1 << " differs at byte " << i
                      << ": want " << int(want.buf[b][i]) << ", got "
                      << int(got.buf[b][i]);
        return;
      }
  }
}

class GemmTest : public ::testing::TestWithParam<DType> {};

TEST_P(GemmTest, DenseMatchesReference) {
  DType dt = GetParam();
  Harness h(getTarget("dense-systolic", 65536));
  for (unsigned seed = 0; seed < 12; ++seed) {
    std::mt19937 rng(seed);
    isa::Gemm g = randomGemm(rng, dt, 1, 40);
    g.kind = isa::Gemm::Kind::Dense;
    unsigned es = dt == DType::F32 ? 4 : 1;
    g.wgtRowStride = g.k + rng() % 2;
    g.wgtAddr = kW + es * (rng() % 8);
    if (dt == DType::I8)
      g.wZeroPoint = int8_t(rng());
    Images im = h.randomImages(rng);
    fillA(g, im, rng);
    std::vector<std::vector<Entry>> rows(g.n);
    for (unsigned n = 0; n < g.n; ++n)
      for (unsigned k = 0; k < g.k; ++k) {
        uint64_t off = g.wgtAddr + es * (uint64_t(n) * g.wgtRowStride + k);
        if (dt == DType::F32)
          put<float>(im[Buffer::Wgt], off, smallFloat(rng));
        rows[n].push_back({k, off});
      }
    Images want = im;
    referenceGemm(g, want, rows);
    h.compute = {{Opcode::Gemm, 0, g}};
    auto r = h.run(im);
    ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
    expectSame(want, im);
    // Useful MACs count the non-zero weights.
    uint64_t nz = 0;
    for (unsigned n = 0; n < g.n; ++n)
      for (const Entry &e : rows[n])
        nz += dt == DType::F32 ? get<float>(want[Buffer::Wgt], e.off) != 0.0f
                               : get<int8_t>(want[Buffer::Wgt], e.off) !=
                                     g.wZeroPoint;
    EXPECT_EQ(r->stats.macs, uint64_t(g.m) * nz);
    EXPECT_EQ(r->stats.performedMacs, uint64_t(g.m) * g.n * g.k);
  }
}

TEST_P(GemmTest, ActNMDeclarationIsChecked) {
  DType dt = GetParam();
  Harness h(getTarget("flexible-nm", 65536));
  std::mt19937 rng(5);
  isa::Gemm g = randomGemm(rng, dt, 4, 32);
  g.aZeroPoint = 0;
  g.kind = isa::Gemm::Kind::Dense;
  g.actNM = true;
  g.actN = 2;
  g.actM = 4;
  unsigned es = dt == DType::F32 ? 4 : 1;
  g.wgtRowStride = g.k;
  Images im = h.randomImages(rng);
  fillA(g, im, rng, 2, 4);
  std::vector<std::vector<Entry>> rows(g.n);
  for (unsigned n = 0; n < g.n; ++n)
    for (unsigned k = 0; k < g.k; ++k) {
      uint64_t off = g.wgtAddr + es * (uint64_t(n) * g.wgtRowStride + k);
      if (dt == DType::F32)
        put<float>(im[Buffer::Wgt], off, smallFloat(rng));
      rows[n].push_back({k, off});
    }
  Images want = im;
  referenceGemm(g, want, rows);
  h.compute = {{Opcode::Gemm, 0, g}};
  Images bad = im;
  auto r = h.run(im);
  ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
  expectSame(want, im);
  // Dual-side target: the GEMM costs Kp = K * 2/4.
  const TraceEntry *e = findTrace(*r, isa::Queue::Compute, 1);
  ASSERT_TRUE(e);
  uint64_t R = 32 * (dt == DType::F32 ? 1 : 4);
  uint64_t kp = (g.k * 2 + 3) / 4;
  EXPECT_EQ(e->end - e->start, llvm::divideCeil(kp, R) *
                                   llvm::divideCeil(g.n, 32) *
                                   std::max<uint64_t>(g.m, R) +
                                   R + 31);

  // Four non-zeros in the first group of four of row 0.
  for (unsigned k = 0; k < 4; ++k) {
    if (dt == DType::F32)
      put<float>(bad[Buffer::Act], g.actAddr + 4 * k, float(k + 1));
    else
      put<int8_t>(bad[Buffer::Act], g.actAddr + k, int8_t(k + 1));
  }
  auto r2 = h.run(bad);
  ASSERT_FALSE(bool(r2));
  std::string msg = llvm::toString(r2.takeError());
  EXPECT_NE(msg.find("act_nm"), std::string::npos) << msg;
  EXPECT_NE(msg.find("compute queue instruction 1 (GEMM, layer 'under-test')"),
            std::string::npos)
      << msg;
}

/// Packs random N:M rows into wgt (values at wgtAddr, metadata at kMeta).
std::vector<std::vector<Entry>> packNM(isa::Gemm &g, Images &im,
                                       std::mt19937 &rng) {
  unsigned es = g.dtype == DType::F32 ? 4 : 1;
  unsigned n = g.wN, m = g.wM, groups = g.k / m;
  unsigned b = std::max(1u, llvm::Log2_32_Ceil(m));
  unsigned perRow = groups * n;
  g.wgtRowStride = perRow + rng() % 2;
  g.metaAddr = kMeta;
  g.metaRowStride = (perRow * b + 7) / 8 + rng() % 2;
  std::vector<std::vector<Entry>> rows(g.n);
  auto &wgt = im[Buffer::Wgt];
  for (unsigned r = 0; r < g.n; ++r) {
    for (uint64_t i = 0; i < g.metaRowStride; ++i)
      wgt[g.metaAddr + r * g.metaRowStride + i] = 0;
    for (unsigned gi = 0; gi < groups; ++gi) {
      // n distinct sorted positions.
      std::vector<unsigned> pos(m);
      for (unsigned i = 0; i < m; ++i)
        pos[i] = i;
      std::shuffle(pos.begin(), pos.end(), rng);
      pos.resize(n);
      std::sort(pos.begin(), pos.end());
      for (unsigned j = 0; j < n; ++j) {
        uint64_t e = uint64_t(gi) * n + j;
        uint64_t off = g.wgtAddr + es * (uint64_t(r) * g.wgtRowStride + e);
        if (g.dtype == DType::F32)
          put<float>(wgt, off, smallFloat(rng));
        for (unsigned i = 0; i < b; ++i)
          if ((pos[j] >> i) & 1) {
            uint64_t bit = e * b + i;
            wgt[g.metaAddr + r * g.metaRowStride + bit / 8] |=
                uint8_t(1u << (bit % 8));
          }
        rows[r].push_back({gi * m + pos[j], off});
      }
    }
  }
  return rows;
}

struct NMCase {
  unsigned n, m;
  const char *target;
};

TEST_P(GemmTest, NMMatchesReference) {
  DType dt = GetParam();
  for (NMCase c : {NMCase{2, 4, "sparse-2of4"}, NMCase{1, 4, "flexible-nm"},
                   NMCase{4, 4, "flexible-nm"}, NMCase{16, 128, "relaxed-nm"},
                   NMCase{32, 256, "relaxed-nm"}, NMCase{3, 8, "relaxed-nm"}}) {
    Harness h(getTarget(c.target, 65536));
    for (unsigned seed = 0; seed < 4; ++seed) {
      std::mt19937 rng(seed * 31 + c.m);
      isa::Gemm g = randomGemm(rng, dt, c.m, c.m >= 128 ? 512 : 48);
      g.kind = isa::Gemm::Kind::NM;
      g.wN = uint16_t(c.n);
      g.wM = uint16_t(c.m);
      Images im = h.randomImages(rng);
      fillA(g, im, rng);
      auto rows = packNM(g, im, rng);
      Images want = im;
      referenceGemm(g, want, rows);
      h.compute = {{Opcode::GemmNM, 0, g}};
      auto r = h.run(im);
      ASSERT_TRUE(bool(r)) << c.n << ":" << c.m << " "
                           << llvm::toString(r.takeError());
      expectSame(want, im);
      EXPECT_EQ(r->stats.performedMacs,
                uint64_t(g.m) * g.n * (g.k / c.m) * c.n);
    }
  }
}

TEST_P(GemmTest, SparseMatchesReferenceAndChecksPointers) {
  DType dt = GetParam();
  Harness h(getTarget("high-sparsity", 65536));
  unsigned es = dt == DType::F32 ? 4 : 1;
  for (unsigned seed = 0; seed < 10; ++seed) {
    std::mt19937 rng(seed + 100);
    isa::Gemm g = randomGemm(rng, dt, 1, 60);
    g.kind = isa::Gemm::Kind::Sparse;
    g.wgtRowStride = 0;
    Images im = h.randomImages(rng);
    fillA(g, im, rng);
    auto &wgt = im[Buffer::Wgt];
    uint32_t ptrAddr = 40000, idxAddr = 20000;
    g.wgtAddr = 8;
    g.metaAddr = idxAddr;
    g.metaRowStride = ptrAddr;
    std::vector<std::vector<Entry>> rows(g.n);
    uint32_t e = uint32_t(rng() % 5); // ptr[0] need not be 0
    for (unsigned n = 0; n < g.n; ++n) {
      put<uint32_t>(wgt, ptrAddr + 4 * n, e);
      for (unsigned k = 0; k < g.k; ++k)
        if (rng() % 100 < 30) {
          put<uint16_t>(wgt, idxAddr + 2 * e, uint16_t(k));
          uint64_t off = g.wgtAddr + es * e;
          if (dt == DType::F32)
            put<float>(wgt, off, smallFloat(rng));
          rows[n].push_back({k, off});
          ++e;
        }
    }
    put<uint32_t>(wgt, ptrAddr + 4 * g.n, e);
    Images want = im;
    referenceGemm(g, want, rows);
    h.compute = {{Opcode::GemmSparse, 0, g}};
    Images bad = im;
    auto r = h.run(im);
    ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
    expectSame(want, im);

    // Decreasing pointers.
    put<uint32_t>(bad[Buffer::Wgt], ptrAddr + 4 * g.n, 0);
    put<uint32_t>(bad[Buffer::Wgt], ptrAddr, 3);
    auto r2 = h.run(bad);
    ASSERT_FALSE(bool(r2));
    std::string msg = llvm::toString(r2.takeError());
    EXPECT_NE(msg.find("compute queue instruction 1 (GEMM.SP"), std::string::npos)
        << msg;
  }
  // Index out of range and unsorted indices.
  std::mt19937 rng(9);
  isa::Gemm g = randomGemm(rng, dt, 1, 8);
  g.kind = isa::Gemm::Kind::Sparse;
  g.wgtRowStride = 0;
  g.n = 1;
  g.metaAddr = 100;
  g.metaRowStride = 200;
  Images im = h.randomImages(rng);
  put<uint32_t>(im[Buffer::Wgt], 200, 0);
  put<uint32_t>(im[Buffer::Wgt], 204, 2);
  put<uint16_t>(im[Buffer::Wgt], 100, 1);
  put<uint16_t>(im[Buffer::Wgt], 102, uint16_t(g.k));
  h.compute = {{Opcode::GemmSparse, 0, g}};
  Images im2 = im;
  auto r = h.run(im);
  ASSERT_FALSE(bool(r));
  EXPECT_NE(llvm::toString(r.takeError()).find("strictly increasing below K"),
            std::string::npos);
  put<uint16_t>(im2[Buffer::Wgt], 102, 1);
  auto r2 = h.run(im2);
  ASSERT_FALSE(bool(r2));
  llvm::consumeError(r2.takeError());
  // Entries overrunning the buffer.
  Images im3 = h.randomImages(rng);
  put<uint32_t>(im3[Buffer::Wgt], 200, 0);
  put<uint32_t>(im3[Buffer::Wgt], 204, 60000);
  auto r3 = h.run(im3);
  ASSERT_FALSE(bool(r3));
  EXPECT_NE(llvm::toString(r3.takeError()).find("overrun"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Types, GemmTest,
                         ::testing::Values(DType::F32, DType::I8),
                         [](const auto &info) {
                           return info.param == DType::F32 ? "f32" : "i8";
                         });

//===----------------------------------------------------------------------===//
// STRUCT
//===----------------------------------------------------------------------===//

TEST(StructTest, KeepsLargestMagnitudes) {
  Harness h(getTarget("flexible-nm", 65536));
  for (DType dt : {DType::F32, DType::I8})
    for (unsigned seed = 0; seed < 8; ++seed) {
      std::mt19937 rng(seed);
      isa::Struct s;
      s.buffer = seed % 2 ? Buffer::Act : Buffer::Acc;
      s.dtype = dt;
      s.m = uint16_t(std::vector<unsigned>{4, 8, 16, 3}[seed % 4]);
      s.n = uint16_t(1 + rng() % s.m);
      s.rows = uint16_t(1 + rng() % 9);
      s.cols = uint16_t(s.m * (1 + rng() % 5));
      unsigned es = dt == DType::F32 ? 4 : 1;
      s.srcAddr = 64;
      s.srcRowStride = s.cols + rng() % 3;
      bool inPlace = seed % 3 == 0;
      s.dstAddr = inPlace ? s.srcAddr : 30000;
      s.dstRowStride = inPlace ? s.srcRowStride : s.cols;
      Images im = h.randomImages(rng);
      auto &buf = im[s.buffer];
      // Ties and NaNs on purpose.
      for (unsigned r = 0; r < s.rows; ++r)
        for (unsigned c = 0; c < s.cols; ++c) {
          uint64_t off = s.srcAddr + es * (uint64_t(r) * s.srcRowStride + c);
          if (dt == DType::F32) {
            float v = float(int(rng() % 7) - 3);
            if (rng() % 13 == 0)
              v = NAN;
            put<float>(buf, off, v);
          } else {
            put<int8_t>(buf, off, int8_t(rng() % 5 == 0 ? -128 : int(rng() % 9) - 4));
          }
        }
      Images want = im;
      auto &wb = want[s.buffer];
      for (unsigned r = 0; r < s.rows; ++r)
        for (unsigned g0 = 0; g0 < s.cols; g0 += s.m) {
          std::vector<std::pair<double, unsigned>> key;
          std::vector<std::vector<uint8_t>> vals;
          for (unsigned i = 0; i < s.m; ++i) {
            uint64_t off = s.srcAddr + es * (uint64_t(r) * s.srcRowStride + g0 + i);
            double mag;
            if (dt == DType::F32) {
              float v = get<float>(buf, off);
              mag = std::isnan(v) ? INFINITY : std::fabs(v);
            } else {
              mag = std::abs(int(get<int8_t>(buf, off)));
            }
            key.push_back({mag, i});
            vals.push_back(std::vector<uint8_t>(buf.begin() + off,
                                                buf.begin() + off + es));
          }
          // Selection: repeatedly the largest, lowest index first.
          std::vector<bool> keep(s.m);
          for (unsigned j = 0; j < s.n; ++j) {
            int best = -1;
            for (unsigned i = 0; i < s.m; ++i)
              if (!keep[i] && (best < 0 || key[i].first > key[best].first))
                best = int(i);
            keep[best] = true;
          }
          for (unsigned i = 0; i < s.m; ++i) {
            uint64_t off = s.dstAddr + es * (uint64_t(r) * s.dstRowStride + g0 + i);
            for (unsigned b = 0; b < es; ++b)
              wb[off + b] = keep[i] ? vals[i][b] : 0;
          }
        }
      h.compute = {{Opcode::Struct, 0, s}};
      auto r = h.run(im);
      ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
      expectSame(want, im);
    }
}

TEST(StructTest, MatchesTheCompilersStructuring) {
  // spa-tasd-search and the numpy references model TASD-A with
  // tasd::structureRow; the emulator's STRUCT must keep the same values.
  Harness h(getTarget("flexible-nm", 65536));
  for (unsigned seed = 0; seed < 6; ++seed) {
    std::mt19937 rng(seed);
    isa::Struct s;
    s.buffer = Buffer::Act;
    s.dtype = DType::F32;
    s.m = uint16_t(std::vector<unsigned>{4, 8, 16}[seed % 3]);
    s.n = uint16_t(1 + rng() % (s.m - 1));
    s.rows = uint16_t(1 + rng() % 6);
    s.cols = uint16_t(s.m * (1 + rng() % 4));
    s.srcAddr = s.dstAddr = 128;
    s.srcRowStride = s.dstRowStride = s.cols;
    Images im = h.randomImages(rng);
    std::vector<float> rows(size_t(s.rows) * s.cols);
    for (float &v : rows) {
      v = rng() % 5 == 0 ? float(int(rng() % 5) - 2) : smallFloat(rng);
      if (rng() % 19 == 0)
        v = NAN;
    }
    for (size_t i = 0; i < rows.size(); ++i)
      put<float>(im[Buffer::Act], s.srcAddr + 4 * i, rows[i]);
    for (size_t r = 0; r < s.rows; ++r)
      tasd::structureRow(
          llvm::MutableArrayRef<float>(rows).slice(r * s.cols, s.cols), s.n,
          s.m);
    h.compute = {{Opcode::Struct, 0, s}};
    auto r = h.run(im);
    ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
    for (size_t i = 0; i < rows.size(); ++i) {
      float got = get<float>(im[Buffer::Act], s.srcAddr + 4 * i);
      EXPECT_TRUE(std::isnan(rows[i]) ? std::isnan(got) : got == rows[i])
          << "seed " << seed << " value " << i;
    }
  }
}

} // namespace
