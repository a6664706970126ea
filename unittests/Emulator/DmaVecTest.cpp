//===- DmaVecTest.cpp - LOAD, LOAD.DECOMP, STORE and VEC semantics --------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "Harness.h"

#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <functional>

using namespace spc;
using namespace spc::emu;
using namespace spc::emu::test;

namespace {

void expectBuffersEqual(const Images &want, const Images &got) {
  for (unsigned b = 0; b < 3; ++b)
    for (size_t i = 0; i < want.buf[b].size(); ++i)
      if (want.buf[b][i] != got.buf[b][i]) {
        ADD_FAILURE() << "buffer " << b + 1 << " byte " << i << ": want "
                      << int(want.buf[b][i]) << " got " << int(got.buf[b][i]);
        return;
      }
  for (size_t i = 0; i < want.dram.size(); ++i)
    if (want.dram[i] != got.dram[i]) {
      ADD_FAILURE() << "dram byte " << i;
      return;
    }
}

TEST(DmaTest, LoadWithStridesAndPaddingAndStore) {
  Harness h(getTarget("dense-systolic", 65536));
  for (unsigned seed = 0; seed < 20; ++seed) {
    std::mt19937 rng(seed);
    DType dt = DType(1 + seed % 3);
    unsigned es = isa::elementSize(dt);
    isa::Dma d;
    d.buffer = Buffer(1 + rng() % 3);
    d.dtype = dt;
    for (unsigned i = 0; i < 4; ++i) {
      d.size[i] = uint16_t(1 + rng() % 4);
      d.padLo[i] = uint8_t(rng() % 2);
      d.padHi[i] = uint8_t(rng() % 3);
    }
    // Padded sram box row-major (possibly with a gap), dram strides random.
    uint32_t s3 = 1 + (rng() % 2), acc = 1;
    std::array<uint32_t, 4> P;
    for (unsigned i = 0; i < 4; ++i)
      P[i] = d.padLo[i] + d.size[i] + d.padHi[i];
    d.sramStride[3] = s3;
    d.sramStride[2] = s3 * P[3] + rng() % 2;
    d.sramStride[1] = d.sramStride[2] * P[2];
    d.sramStride[0] = d.sramStride[1] * P[1];
    d.dramStride[3] = 1 + rng() % 2;
    d.dramStride[2] = d.dramStride[3] * d.size[3] + rng() % 3;
    d.dramStride[1] = d.dramStride[2] * d.size[2] + rng() % 3;
    d.dramStride[0] = d.dramStride[1] * d.size[1];
    (void)acc;
    d.sramAddr = es * (rng() % 100);
    d.dramAddr = uint32_t(h.dramIn() + es * (rng() % 100));
    d.padValue = rng();
    Images im = h.randomImages(rng);
    Images want = im;
    auto &buf = want[d.buffer];
    for (uint32_t i0 = 0; i0 < P[0]; ++i0)
      for (uint32_t i1 = 0; i1 < P[1]; ++i1)
        for (uint32_t i2 = 0; i2 < P[2]; ++i2)
          for (uint32_t i3 = 0; i3 < P[3]; ++i3) {
            uint32_t i[4] = {i0, i1, i2, i3};
            uint64_t s = d.sramAddr, src = d.dramAddr - h.dramIn();
            bool inside = true;
            for (unsigned k = 0; k < 4; ++k) {
              s += uint64_t(es) * i[k] * d.sramStride[k];
              int64_t j = int64_t(i[k]) - d.padLo[k];
              inside &= j >= 0 && j < d.size[k];
              src += uint64_t(es) * uint64_t(std::max<int64_t>(j, 0)) *
                     d.dramStride[k];
            }
            for (unsigned b = 0; b < es; ++b)
              buf[s + b] = inside ? im.dram[src + b]
                                  : uint8_t(d.padValue >> (8 * b));
          }
    // STORE the unpadded box back (same strides) into the dram_out region.
    isa::Dma st = d;
    st.padLo = st.padHi = {0, 0, 0, 0};
    st.padValue = 0;
    st.dramAddr = uint32_t(h.dramOut() + es * (rng() % 64));
    st.sramAddr = d.sramAddr;
    std::vector<uint8_t> wantOut(h.B, 0);
    for (uint32_t i0 = 0; i0 < d.size[0]; ++i0)
      for (uint32_t i1 = 0; i1 < d.size[1]; ++i1)
        for (uint32_t i2 = 0; i2 < d.size[2]; ++i2)
          for (uint32_t i3 = 0; i3 < d.size[3]; ++i3) {
            uint32_t i[4] = {i0, i1, i2, i3};
            uint64_t s = st.sramAddr, o = st.dramAddr - h.dramOut();
            for (unsigned k = 0; k < 4; ++k) {
              s += uint64_t(es) * i[k] * st.sramStride[k];
              o += uint64_t(es) * i[k] * st.dramStride[k];
            }
            for (unsigned b = 0; b < es; ++b)
              wantOut[o + b] = buf[s + b];
          }
    want.dram = wantOut;
    h.loads = {{Opcode::Load, 0, d}};
    h.stores = {{Opcode::Store, 0, st}};
    auto r = h.run(im);
    ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
    expectBuffersEqual(want, im);
  }
}

// Runs of one emulator reuse its DRAM image: each must start from the
// initial state even when the previous run stored over a constant.
TEST(DmaTest, RepeatedRunsStartFromTheInitialDram) {
  Harness h(getTarget("dense-systolic", 4096));
  std::mt19937 rng(7);
  std::vector<uint8_t> constant(h.B);
  for (auto &x : constant)
    x = uint8_t(rng());
  // The constant replaces the wgt image, then act is stored over it.
  h.loads.push_back(Harness::image(Opcode::Load, Buffer::Wgt, 8 * h.B, h.B, 0));
  h.stores.push_back(Harness::image(Opcode::Store, Buffer::Act, 8 * h.B, h.B, 0));
  binary::Program p = h.build();
  p.dramSize = 9 * h.B;
  binary::Constant c;
  c.name = "c";
  c.dtype = DType::I8;
  c.rows = 1;
  c.cols = uint32_t(h.B);
  c.dramAddr = 8 * h.B;
  c.data = constant;
  p.constants.push_back(c);
  auto emu = Emulator::create(p, h.target);
  ASSERT_TRUE(static_cast<bool>(emu)) << llvm::toString(emu.takeError());
  for (int run = 0; run < 3; ++run) {
    Images im = h.randomImages(rng);
    std::map<std::string, HostTensor> in;
    in["wgt"] = HostTensor::fromI8({h.B}, Harness::toI8(im.buf[0]));
    in["act"] = HostTensor::fromI8({h.B}, Harness::toI8(im.buf[1]));
    in["acc"] = HostTensor::fromI8({h.B}, Harness::toI8(im.buf[2]));
    in["dram"] = HostTensor::fromI8({h.B}, Harness::toI8(im.dram));
    auto r = (*emu)->run(in, RunOptions());
    ASSERT_TRUE(static_cast<bool>(r)) << llvm::toString(r.takeError());
    EXPECT_EQ(r->getOutput("wgt_out")->bytes, constant) << "run " << run;
    EXPECT_EQ(r->getOutput("act_out")->bytes, im.buf[1]) << "run " << run;
  }
}

TEST(DmaTest, LoadDecompNMAndBitmap) {
  Harness h(getTarget("dense-systolic", 65536));
  for (unsigned seed = 0; seed < 12; ++seed) {
    std::mt19937 rng(seed);
    DType dt = seed % 2 ? DType::F32 : DType::I8;
    unsigned es = isa::elementSize(dt);
    isa::LoadDecomp d;
    d.buffer = Buffer::Wgt;
    d.dtype = dt;
    d.rows = uint16_t(1 + rng() % 7);
    bool nm = seed % 4 < 2;
    d.format = nm ? isa::Format::NM : isa::Format::Bitmap;
    unsigned m = std::vector<unsigned>{4, 8, 16, 3}[seed % 4];
    d.m = nm ? uint16_t(m) : 0;
    d.n = nm ? uint16_t(1 + rng() % m) : 0;
    d.cols = uint16_t(nm ? m * (1 + rng() % 5) : 1 + rng() % 40);
    d.sramAddr = es * (rng() % 50);
    d.sramRowStride = d.cols + rng() % 3;
    uint32_t valOff = 0, metaOff = 30000;
    d.dramAddr = uint32_t(h.dramIn() + valOff);
    d.dramMetaAddr = uint32_t(h.dramIn() + metaOff);
    Images im = h.randomImages(rng);
    Images want = im;
    auto &wb = want[Buffer::Wgt];
    uint64_t v = 0;
    if (nm) {
      unsigned b = std::max(1u, llvm::Log2_32_Ceil(m));
      unsigned groups = d.cols / m, perRow = groups * d.n;
      unsigned metaRow = (perRow * b + 7) / 8;
      for (unsigned r = 0; r < d.rows; ++r) {
        for (unsigned i = 0; i < metaRow; ++i)
          im.dram[metaOff + r * metaRow + i] = 0;
        for (unsigned c = 0; c < d.cols; ++c)
          for (unsigned k = 0; k < es; ++k)
            wb[d.sramAddr + es * (uint64_t(r) * d.sramRowStride + c) + k] = 0;
        for (unsigned g = 0; g < groups; ++g) {
          std::vector<unsigned> pos(m);
          for (unsigned i = 0; i < m; ++i)
            pos[i] = i;
          std::shuffle(pos.begin(), pos.end(), rng);
          pos.resize(d.n);
          std::sort(pos.begin(), pos.end());
          for (unsigned j = 0; j < d.n; ++j, ++v) {
            uint64_t e = uint64_t(g) * d.n + j;
            for (unsigned i = 0; i < b; ++i)
              if ((pos[j] >> i) & 1)
                im.dram[metaOff + r * metaRow + (e * b + i) / 8] |=
                    uint8_t(1u << ((e * b + i) % 8));
            for (unsigned k = 0; k < es; ++k)
              wb[d.sramAddr + es * (uint64_t(r) * d.sramRowStride + g * m +
                                    pos[j]) +
                 k] = im.dram[valOff + es * v + k];
          }
        }
      }
    } else {
      unsigned metaRow = (d.cols + 7) / 8;
      for (unsigned r = 0; r < d.rows; ++r)
        for (unsigned c = 0; c < d.cols; ++c) {
          bool set = (im.dram[metaOff + r * metaRow + c / 8] >> (c % 8)) & 1;
          for (unsigned k = 0; k < es; ++k)
            wb[d.sramAddr + es * (uint64_t(r) * d.sramRowStride + c) + k] =
                set ? im.dram[valOff + es * v + k] : 0;
          v += set;
        }
    }
    want.dram = im.dram;
    h.loads = {{Opcode::LoadDecomp, 0, d}};
    want.dram.assign(h.B, 0);
    auto r = h.run(im);
    ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
    expectBuffersEqual(want, im);
  }
}

//===----------------------------------------------------------------------===//
// VEC
//===----------------------------------------------------------------------===//

using isa::VecFunc;

struct FloatCase {
  VecFunc func;
  std::function<float(float, float)> ref;
};

float refMax(float a, float b) {
  if (std::isnan(a) || std::isnan(b))
    return NAN;
  return a < b ? b : a;
}
float refMin(float a, float b) {
  if (std::isnan(a) || std::isnan(b))
    return NAN;
  return b < a ? b : a;
}

TEST(VecTest, FloatFunctionsWithBroadcastAndTranspose) {
  const float i0 = 0.37f, i1 = 0.61f;
  std::vector<FloatCase> cases = {
      {VecFunc::Copy, [](float x, float) { return x; }},
      {VecFunc::Add, [](float x, float y) { return x + y; }},
      {VecFunc::Sub, [](float x, float y) { return x - y; }},
      {VecFunc::Mul, [](float x, float y) { return x * y; }},
      {VecFunc::Div, [](float x, float y) { return x / y; }},
      {VecFunc::Max, refMax},
      {VecFunc::Min, refMin},
      {VecFunc::Pow, [](float x, float y) { return powf(x, y); }},
      {VecFunc::Relu, [](float x, float) { return x < 0 ? 0.0f : x; }},
      {VecFunc::LeakyRelu,
       [=](float x, float) { return x < 0 ? i0 * x : x; }},
      {VecFunc::Clip,
       [=](float x, float) { return refMin(refMax(x, i0), i1); }},
      {VecFunc::Sigmoid,
       [](float x, float) { return 1.0f / (1.0f + expf(-x)); }},
      {VecFunc::Tanh, [](float x, float) { return tanhf(x); }},
      {VecFunc::Exp, [](float x, float) { return expf(x); }},
      {VecFunc::Log, [](float x, float) { return logf(x); }},
      {VecFunc::Sqrt, [](float x, float) { return sqrtf(x); }},
      {VecFunc::Rsqrt, [](float x, float) { return 1.0f / sqrtf(x); }},
      {VecFunc::Recip, [](float x, float) { return 1.0f / x; }},
      {VecFunc::Neg, [](float x, float) { return -x; }},
      {VecFunc::Abs, [](float x, float) { return std::fabs(x); }},
      {VecFunc::Gelu,
       [](float x, float) {
         float h = 0.5f * x;
         float e = erff(x / 1.41421356237309504880f);
         float s = 1.0f + e;
         return h * s;
       }},
      {VecFunc::Erf, [](float x, float) { return erff(x); }},
      {VecFunc::HardSigmoid,
       [=](float x, float) {
         float t = i0 * x;
         t = t + i1;
         return refMax(0.0f, refMin(1.0f, t));
       }},
      {VecFunc::HardSwish,
       [](float x, float) {
         float t = x / 6.0f;
         t = t + 0.5f;
         return x * refMax(0.0f, refMin(1.0f, t));
       }},
  };
  Harness h(getTarget("dense-systolic", 65536));
  for (const FloatCase &c : cases)
    for (unsigned seed = 0; seed < 4; ++seed) {
      std::mt19937 rng(seed + 17 * unsigned(c.func));
      isa::Vec v;
      v.func = c.func;
      v.rows = uint16_t(1 + rng() % 6);
      v.cols = uint16_t(1 + rng() % 9);
      v.imm0 = i0;
      v.imm1 = i1;
      bool binary = isa::getVecFuncKind(c.func) == isa::VecFuncKind::Binary;
      v.src1 = {Buffer::Act, 400, int32_t(v.cols), 1};
      if (seed == 1) // transposed source
        v.src1 = {Buffer::Act, 400, 1, int32_t(v.rows)};
      if (seed == 3) // negative strides
        v.src1 = {Buffer::Act, uint32_t(400 + 4 * (v.rows * v.cols - 1)),
                  -int32_t(v.cols), -1};
      if (binary && seed != 2)
        v.src2 = {Buffer::Acc, 800, seed == 0 ? 0 : int32_t(v.cols),
                  1}; // seed 0: bias broadcast over rows
      v.dst = {Buffer::Acc, 4000, int32_t(v.cols), 1};
      Images im = h.randomImages(rng);
      std::uniform_real_distribution<float> dist(-3, 3);
      for (unsigned i = 0; i < 400; ++i) {
        put<float>(im[Buffer::Act], 400 + 4 * i, dist(rng));
        put<float>(im[Buffer::Acc], 800 + 4 * i, dist(rng));
      }
      put<float>(im[Buffer::Act], 400, NAN);
      put<float>(im[Buffer::Act], 404, -0.0f);
      Images want = im;
      for (int r = 0; r < v.rows; ++r)
        for (int col = 0; col < v.cols; ++col) {
          auto off = [](const isa::VecOperand &o, int r, int c) {
            return uint64_t(int64_t(o.addr) +
                            4 * (int64_t(r) * o.rowStride +
                                 int64_t(c) * o.colStride));
          };
          float x = get<float>(im[Buffer::Act], off(v.src1, r, col));
          float y = v.src2.buffer == Buffer::None
                        ? v.imm0
                        : get<float>(im[Buffer::Acc], off(v.src2, r, col));
          put<float>(want[Buffer::Acc], off(v.dst, r, col), c.ref(x, y));
        }
      h.compute = {{Opcode::Vec, 0, v}};
      auto r = h.run(im);
      ASSERT_TRUE(bool(r)) << isa::getName(c.func).str() << ": "
                           << llvm::toString(r.takeError());
      for (int rr = 0; rr < v.rows; ++rr)
        for (int cc = 0; cc < v.cols; ++cc) {
          uint64_t o = 4000 + 4 * (uint64_t(rr) * v.cols + cc);
          float w = get<float>(want[Buffer::Acc], o),
                g = get<float>(im[Buffer::Acc], o);
          EXPECT_TRUE(sameBits(w, g))
              << isa::getName(c.func).str() << " seed " << seed << " (" << rr
              << "," << cc << "): want " << w << " got " << g;
        }
    }
}

TEST(VecTest, IntegerArithmeticWrapsAndReductions) {
  Harness h(getTarget("dense-systolic", 65536));
  struct ICase {
    VecFunc f;
    std::function<int32_t(int32_t, int32_t)> ref;
  };
  auto w = [](auto op) {
    return [op](int32_t a, int32_t b) {
      return int32_t(op(uint32_t(a), uint32_t(b)));
    };
  };
  std::vector<ICase> cases = {
      {VecFunc::Add, w([](uint32_t a, uint32_t b) { return a + b; })},
      {VecFunc::Sub, w([](uint32_t a, uint32_t b) { return a - b; })},
      {VecFunc::Mul, w([](uint32_t a, uint32_t b) { return a * b; })},
      {VecFunc::Max, [](int32_t a, int32_t b) { return std::max(a, b); }},
      {VecFunc::Min, [](int32_t a, int32_t b) { return std::min(a, b); }},
      {VecFunc::Relu, [](int32_t a, int32_t) { return std::max(a, 0); }},
      {VecFunc::Neg, [](int32_t a, int32_t) { return int32_t(0u - uint32_t(a)); }},
      {VecFunc::Abs,
       [](int32_t a, int32_t) { return a < 0 ? int32_t(0u - uint32_t(a)) : a; }},
  };
  for (const ICase &c : cases) {
    std::mt19937 rng(unsigned(c.f));
    isa::Vec v;
    v.func = c.f;
    v.srcType = v.dstType = DType::I32;
    v.rows = 3;
    v.cols = 5;
    v.src1 = {Buffer::Acc, 0, 5, 1};
    if (isa::getVecFuncKind(c.f) == isa::VecFuncKind::Binary)
      v.src2 = {Buffer::Acc, 100, 0, 1};
    v.dst = {Buffer::Acc, 1000, 5, 1};
    Images im = h.randomImages(rng);
    put<int32_t>(im[Buffer::Acc], 0, INT32_MIN);
    put<int32_t>(im[Buffer::Acc], 4, INT32_MAX);
    Images want = im;
    for (unsigned r = 0; r < 3; ++r)
      for (unsigned col = 0; col < 5; ++col) {
        int32_t x = get<int32_t>(im[Buffer::Acc], 4 * (r * 5 + col));
        int32_t y = get<int32_t>(im[Buffer::Acc], 100 + 4 * col);
        put<int32_t>(want[Buffer::Acc], 1000 + 4 * (r * 5 + col), c.ref(x, y));
      }
    h.compute = {{Opcode::Vec, 0, v}};
    auto r = h.run(im);
    ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
    EXPECT_EQ(want[Buffer::Acc], im[Buffer::Acc]) << isa::getName(c.f).str();
  }
  // Reductions: f32 RSUM ascending, i32 RMAX, i8 RMIN.
  for (auto [f, dt] : {std::pair{VecFunc::RSum, DType::F32},
                       std::pair{VecFunc::RMax, DType::I32},
                       std::pair{VecFunc::RMin, DType::I8}}) {
    std::mt19937 rng(3);
    unsigned es = isa::elementSize(dt);
    isa::Vec v;
    v.func = f;
    v.srcType = v.dstType = dt;
    v.rows = 4;
    v.cols = 7;
    v.src1 = {Buffer::Act, 0, 7, 1};
    v.dst = {Buffer::Act, 2000, 3, 99}; // column stride ignored
    Images im = h.randomImages(rng);
    if (dt == DType::F32)
      for (unsigned i = 0; i < 28; ++i)
        put<float>(im[Buffer::Act], 4 * i, float(int(rng() % 1000)) / 7.0f);
    Images want = im;
    for (unsigned r = 0; r < 4; ++r) {
      uint64_t o = 2000 + es * 3 * r;
      if (dt == DType::F32) {
        float s = get<float>(im[Buffer::Act], 4 * r * 7);
        for (unsigned c = 1; c < 7; ++c)
          s = s + get<float>(im[Buffer::Act], 4 * (r * 7 + c));
        put<float>(want[Buffer::Act], o, s);
      } else if (dt == DType::I32) {
        int32_t s = INT32_MIN;
        for (unsigned c = 0; c < 7; ++c)
          s = std::max(s, get<int32_t>(im[Buffer::Act], 4 * (r * 7 + c)));
        put<int32_t>(want[Buffer::Act], o, s);
      } else {
        int8_t s = 127;
        for (unsigned c = 0; c < 7; ++c)
          s = std::min(s, get<int8_t>(im[Buffer::Act], r * 7 + c));
        put<int8_t>(want[Buffer::Act], o, s);
      }
    }
    h.compute = {{Opcode::Vec, 0, v}};
    auto r = h.run(im);
    ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
    EXPECT_EQ(want[Buffer::Act], im[Buffer::Act]) << isa::getName(f).str();
  }
}

TEST(VecTest, QuantisationRoundsToEvenAndSaturates) {
  Harness h(getTarget("dense-systolic", 65536));
  // QUANT: f32 -> i8 with scale imm0 = 0.5, zero point imm2 = 3.
  std::vector<float> xs = {0.25f, 0.75f, -0.25f, -0.75f, 1.25f, 100.0f,
                           -100.0f, 0.0f, 63.0f, -65.5f};
  {
    isa::Vec v;
    v.func = VecFunc::Quant;
    v.srcType = DType::F32;
    v.dstType = DType::I8;
    v.rows = 1;
    v.cols = uint16_t(xs.size());
    v.src1 = {Buffer::Act, 0, 0, 1};
    v.dst = {Buffer::Act, 1000, 0, 1};
    v.imm0 = 0.5f;
    v.imm2 = 3;
    std::mt19937 rng(1);
    Images im = h.randomImages(rng);
    for (size_t i = 0; i < xs.size(); ++i)
      put<float>(im[Buffer::Act], 4 * i, xs[i]);
    h.compute = {{Opcode::Vec, 0, v}};
    auto r = h.run(im);
    ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
    // x/0.5 = 0.5, 1.5, -0.5, -1.5, 2.5, 200, -200, 0, 126, -131
    std::vector<int> want = {3, 5, 3, 1, 5, 127, -128, 3, 127, -128};
    for (size_t i = 0; i < xs.size(); ++i)
      EXPECT_EQ(int(get<int8_t>(im[Buffer::Act], 1000 + i)), want[i]) << i;
  }
  // REQUANT: i32 -> i8, scale from a buffer (per column), zero point -2.
  {
    isa::Vec v;
    v.func = VecFunc::Requant;
    v.srcType = DType::I32;
    v.dstType = DType::I8;
    v.rows = 2;
    v.cols = 3;
    v.src1 = {Buffer::Acc, 0, 3, 1};
    v.src2 = {Buffer::Acc, 100, 0, 1};
    v.dst = {Buffer::Act, 0, 3, 1};
    v.imm2 = -2;
    std::mt19937 rng(2);
    Images im = h.randomImages(rng);
    int32_t xsI[6] = {5, 7, -5, 1000000, -1000000, 3};
    float scales[3] = {0.5f, 0.5f, 0.1f};
    for (unsigned i = 0; i < 6; ++i)
      put<int32_t>(im[Buffer::Acc], 4 * i, xsI[i]);
    for (unsigned i = 0; i < 3; ++i)
      put<float>(im[Buffer::Acc], 100 + 4 * i, scales[i]);
    h.compute = {{Opcode::Vec, 0, v}};
    auto r = h.run(im);
    ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
    // 2.5->2, 3.5->4, -0.5->-0 (0), 500000->sat, -500000->sat, 0.3->0
    int want[6] = {0, 2, -2, 127, -128, -2};
    for (unsigned i = 0; i < 6; ++i)
      EXPECT_EQ(int(get<int8_t>(im[Buffer::Act], i)), want[i]) << i;
  }
  // DEQUANT: i8 -> f32, (x - imm2) * imm0.
  {
    isa::Vec v;
    v.func = VecFunc::Dequant;
    v.srcType = DType::I8;
    v.dstType = DType::F32;
    v.rows = 1;
    v.cols = 4;
    v.src1 = {Buffer::Act, 0, 0, 1};
    v.dst = {Buffer::Acc, 0, 0, 1};
    v.imm0 = 0.25f;
    v.imm2 = -128;
    std::mt19937 rng(3);
    Images im = h.randomImages(rng);
    int8_t in[4] = {-128, 127, 0, -1};
    for (unsigned i = 0; i < 4; ++i)
      put<int8_t>(im[Buffer::Act], i, in[i]);
    h.compute = {{Opcode::Vec, 0, v}};
    auto r = h.run(im);
    ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
    float want[4] = {0.0f, 63.75f, 32.0f, 31.75f};
    for (unsigned i = 0; i < 4; ++i)
      EXPECT_EQ(get<float>(im[Buffer::Acc], 4 * i), want[i]) << i;
  }
}

} // namespace
