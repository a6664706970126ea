//===- BenchKernels.cpp - Emulator kernel benchmark -------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
//   spc-bench-kernels [--size=MxNxK] [--reps=N] [--host-threads=N]
//
// Measures the host throughput (MAC/s) of the emulator for
// each matrix instruction kind, and of VEC and STRUCT (elements/s), against
// a plain dense reference GEMM (i-k-j loops, same compiler flags) on the
// same machine.
//
//===----------------------------------------------------------------------===//

#include "spc/Emulator/Emulator.h"
#include "spc/Target/Binary.h"
#include "spc/Target/ISA.h"
#include "spc/Target/Packing.h"
#include "spc/Target/TargetDescription.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Parallel.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstring>
#include <random>

using namespace llvm;
using namespace spc;

static cl::opt<std::string> sizeArg("size", cl::desc("GEMM tile MxNxK"),
                                    cl::init("256x256x512"));
static cl::opt<unsigned> reps("reps", cl::desc("Instructions per run"),
                              cl::init(8));
static cl::opt<unsigned> threads("host-threads",
                                 cl::desc("Host threads (0: all)"),
                                 cl::init(0));

namespace {

using isa::Buffer;
using isa::DType;
using isa::Instruction;
using isa::Opcode;

Instruction dma(Opcode op, Buffer buf, DType dt, uint32_t sram, uint32_t dram,
                uint16_t rows, uint16_t cols, uint8_t deps = 0) {
  isa::Dma d;
  d.buffer = buf;
  d.dtype = dt;
  d.sramAddr = sram;
  d.dramAddr = dram;
  d.size = {1, 1, rows, cols};
  d.dramStride = {0, 0, cols, 1};
  d.sramStride = {0, 0, cols, 1};
  return {op, deps, d};
}

Instruction gemm(isa::Gemm::Kind kind, DType dt, uint16_t M, uint16_t N,
                 uint16_t K, uint8_t deps = 0) {
  isa::Gemm g;
  g.kind = kind;
  g.dtype = dt;
  g.m = M;
  g.n = N;
  g.k = K;
  g.actRowStride = K;
  g.wgtRowStride = kind == isa::Gemm::Kind::Sparse ? 0 : K;
  g.accRowStride = N;
  Opcode op = kind == isa::Gemm::Kind::Dense ? Opcode::Gemm
              : kind == isa::Gemm::Kind::NM  ? Opcode::GemmNM
                                             : Opcode::GemmSparse;
  return {op, deps, g};
}

//===----------------------------------------------------------------------===//
// Benchmark
//===----------------------------------------------------------------------===//

double seconds(std::chrono::steady_clock::time_point a,
               std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

/// The reference: a plain i-k-j dense GEMM, C = A * W^T with W transposed
/// once up front, one thread.
double referenceGemm(unsigned M, unsigned N, unsigned K) {
  std::vector<float> a(size_t(M) * K, 0.5f), wt(size_t(K) * N, 0.25f),
      c(size_t(M) * N);
  auto start = std::chrono::steady_clock::now();
  unsigned runs = 0;
  do {
    std::fill(c.begin(), c.end(), 0.0f);
    for (unsigned i = 0; i < M; ++i) {
      float *ci = c.data() + size_t(i) * N;
      for (unsigned k = 0; k < K; ++k) {
        float aik = a[size_t(i) * K + k];
        const float *w = wt.data() + size_t(k) * N;
        for (unsigned j = 0; j < N; ++j)
          ci[j] = ci[j] + aik * w[j];
      }
    }
    ++runs;
  } while (seconds(start, std::chrono::steady_clock::now()) < 0.5);
  volatile float sink = c[0];
  (void)sink;
  return double(M) * N * K * runs /
         seconds(start, std::chrono::steady_clock::now());
}

struct Case {
  std::string name;
  std::string target;
  std::function<void(binary::Program &, unsigned, unsigned, unsigned)> build;
};

/// A program whose load queue fills wgt with `wgtImage` (as bytes) and whose
/// compute queue runs `inst` `reps` times.
void buildRepeated(binary::Program &p, const std::vector<uint8_t> &wgtImage,
                   const Instruction &inst) {
  p.dramSize = alignTo(std::max<size_t>(wgtImage.size(), 64), 64);
  binary::Constant c;
  c.name = "wgt";
  c.format = isa::Format::Dense;
  c.dtype = DType::I8;
  c.rows = 1;
  c.cols = uint32_t(wgtImage.size());
  c.data = wgtImage;
  if (!wgtImage.empty())
    p.constants = {c};
  auto &lq = p.getQueue(isa::Queue::Load);
  auto &cq = p.getQueue(isa::Queue::Compute);
  for (size_t off = 0; off < wgtImage.size(); off += 32768) {
    size_t len = std::min<size_t>(32768, wgtImage.size() - off);
    lq.push_back(dma(Opcode::Load, Buffer::Wgt, DType::I8, uint32_t(off),
                     uint32_t(off), 1, uint16_t(len)));
  }
  lq.push_back(Instruction::sync(isa::PushNext));
  lq.push_back(Instruction::end());
  cq.push_back(Instruction::sync(isa::PopPrev));
  for (unsigned i = 0; i < reps; ++i)
    cq.push_back(inst);
  cq.push_back(Instruction::end());
}

int runBench() {
  unsigned M = 256, N = 256, K = 512;
  if (sscanf(sizeArg.c_str(), "%ux%ux%u", &M, &N, &K) != 3 || !M || !N ||
      !K || M > 65535 || N > 65535 || K > 65535) {
    WithColor::error() << "--size expects MxNxK\n";
    return 1;
  }
  outs() << formatv("host threads: {0}; tile {1}x{2}x{3}; {4} instructions "
                    "per run\n",
                    parallel::strategy.compute_thread_count(), M, N, K,
                    unsigned(reps));
  double ref = referenceGemm(M, N, K);
  outs() << formatv("{0,-28} {1,10:f2} GMAC/s (1 thread, i-k-j loops)\n",
                    "reference dense f32 GEMM", ref / 1e9);

  std::mt19937 rng(1);
  auto denseWeights = [&](unsigned es) {
    std::vector<uint8_t> img(size_t(N) * K * es);
    for (size_t i = 0; i < img.size(); i += es) {
      if (es == 4) {
        float v = float(rng() % 1000) / 1000.0f;
        std::memcpy(&img[i], &v, 4);
      } else {
        img[i] = uint8_t(rng());
      }
    }
    return img;
  };
  struct Result {
    std::string name;
    double perf;
    const char *unit;
  };
  std::vector<Result> results;

  auto measure = [&](StringRef name, StringRef targetName,
                     const std::vector<uint8_t> &wgt, const Instruction &inst,
                     bool elems) -> int {
    auto t = target::loadTarget(targetName);
    if (!t) {
      WithColor::error() << toString(t.takeError()) << "\n";
      return 1;
    }
    // Room for the tile: scale the scratchpads up (same fingerprint rules,
    // the program is built for this modified target).
    t->wgt.bytes = std::max<uint64_t>(t->wgt.bytes, alignTo(wgt.size(), 64));
    t->act.bytes = std::max<uint64_t>(t->act.bytes, uint64_t(M) * K * 4);
    t->acc.bytes = std::max<uint64_t>(t->acc.bytes, uint64_t(M) * N * 4 * 2);
    binary::Program p;
    p.setTarget(*t);
    buildRepeated(p, wgt, inst);
    auto emu = emu::Emulator::create(std::move(p), *t);
    if (!emu) {
      WithColor::error() << name << ": " << toString(emu.takeError()) << "\n";
      return 1;
    }
    auto start = std::chrono::steady_clock::now();
    uint64_t work = 0;
    do {
      auto r = (*emu)->run({});
      if (!r) {
        WithColor::error() << name << ": " << toString(r.takeError()) << "\n";
        return 1;
      }
      work += elems ? r->stats.vectorElements +
                          (inst.opcode == Opcode::Struct
                               ? uint64_t(M) * K * reps
                               : 0)
                    : r->stats.performedMacs;
    } while (seconds(start, std::chrono::steady_clock::now()) < 1.0);
    double perf = double(work) / seconds(start,
                                         std::chrono::steady_clock::now());
    results.push_back({name.str(), perf, elems ? "Gelem/s" : "GMAC/s"});
    outs() << formatv("{0,-28} {1,10:f2} {2}", name, perf / 1e9,
                      elems ? "Gelem/s" : "GMAC/s");
    if (!elems)
      outs() << formatv("   ({0:f2}x reference)", perf / ref);
    outs() << "\n";
    return 0;
  };

  using K_ = isa::Gemm::Kind;
  if (measure("GEMM f32", "dense-systolic", denseWeights(4),
              gemm(K_::Dense, DType::F32, M, N, K), false) ||
      measure("GEMM i8", "dense-systolic", denseWeights(1),
              gemm(K_::Dense, DType::I8, M, N, K), false))
    return 1;

  // GEMM.NM 2:4 and 16:128 f32: values then metadata.
  for (auto [n, m, tgt] : {std::tuple<unsigned, unsigned, const char *>{
                               2, 4, "sparse-2of4"},
                           {16, 128, "relaxed-nm"}}) {
    if (K % m)
      continue;
    // Positions 0..n-1 of every group hold values, packed as ISA §6.4.1.
    std::vector<uint8_t> values = denseWeights(4), dense(size_t(N) * K * 4, 0);
    for (size_t e = 0, r = 0; r < N; ++r)
      for (size_t k = 0; k < K; ++k)
        if (k % m < n)
          std::memcpy(&dense[(r * K + k) * 4], &values[4 * e++], 4);
    auto img = packing::pack(dense, DType::F32, N, K, isa::Format::NM, n, m);
    if (!img) {
      WithColor::error() << toString(img.takeError()) << "\n";
      return 1;
    }
    packing::Layout layout =
        packing::getLayout(isa::Format::NM, DType::F32, N, K, n, m, 0);
    unsigned perRow = unsigned(packing::getNMValuesPerRow(K, n, m));
    uint32_t metaAddr = uint32_t(layout.secondOffset);
    uint32_t metaRow = uint32_t(packing::getNMMetaBytesPerRow(K, n, m));
    Instruction g = gemm(K_::NM, DType::F32, M, N, K);
    auto &gg = g.get<isa::Gemm>();
    gg.wgtRowStride = perRow;
    gg.metaAddr = metaAddr;
    gg.metaRowStride = metaRow;
    gg.wN = uint16_t(n);
    gg.wM = uint16_t(m);
    if (measure(formatv("GEMM.NM {0}:{1} f32", n, m).str(), tgt, *img, g,
                false))
      return 1;
  }

  // GEMM.SP at 90% sparsity, f32.
  {
    std::vector<float> w(size_t(N) * K);
    for (float &v : w)
      v = rng() % 10 ? 0.0f : 0.5f;
    auto img = packing::pack(
        ArrayRef(reinterpret_cast<const uint8_t *>(w.data()), w.size() * 4),
        DType::F32, N, K, isa::Format::CSR);
    if (!img) {
      WithColor::error() << toString(img.takeError()) << "\n";
      return 1;
    }
    packing::Layout layout = packing::getLayout(
        isa::Format::CSR, DType::F32, N, K, 0, 0,
        support::endian::read32le(img->data() + size_t(N) * 4));
    Instruction g = gemm(K_::Sparse, DType::F32, M, N, K);
    auto &gg = g.get<isa::Gemm>();
    gg.wgtAddr = uint32_t(layout.thirdOffset);
    gg.metaAddr = uint32_t(layout.secondOffset);
    gg.metaRowStride = 0;
    if (measure("GEMM.SP 90% f32", "high-sparsity", *img, g, false))
      return 1;
  }

  // VEC ADD over an M x K f32 tile in act, and GELU.
  for (isa::VecFunc f : {isa::VecFunc::Add, isa::VecFunc::Gelu}) {
    isa::Vec v;
    v.func = f;
    v.rows = uint16_t(M);
    v.cols = uint16_t(K);
    v.dst = {Buffer::Act, 0, int32_t(K), 1};
    v.src1 = {Buffer::Act, 0, int32_t(K), 1};
    if (f == isa::VecFunc::Add)
      v.src2 = {Buffer::Act, 0, int32_t(K), 1};
    if (measure(("VEC " + isa::getName(f)).str(), "dense-systolic", {},
                {Opcode::Vec, 0, v}, true))
      return 1;
  }
  {
    isa::Struct s;
    s.buffer = Buffer::Act;
    s.rows = uint16_t(M);
    s.cols = uint16_t(K / 4 * 4);
    s.n = 2;
    s.m = 4;
    s.srcRowStride = s.dstRowStride = K;
    if (measure("STRUCT 2:4", "flexible-nm", {}, {Opcode::Struct, 0, s},
                true))
      return 1;
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "SPC emulator kernel benchmark\n");
  if (threads)
    parallel::strategy = hardware_concurrency(threads);
  return runBench();
}
