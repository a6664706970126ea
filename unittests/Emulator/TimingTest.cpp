//===- TimingTest.cpp - Cycle model, tokens, deadlocks, npy ---------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The formulas of docs/CycleModel.md, the BRIEF speed-ups they are meant to
// reproduce, token ordering and deadlock reporting, and the .npy reader.
//
//===----------------------------------------------------------------------===//

#include "Harness.h"

#include "spc/Emulator/Npy.h"

#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Parallel.h"

using namespace spc;
using namespace spc::emu;
using namespace spc::emu::test;

namespace {

uint64_t matrixCost(uint64_t kp, uint64_t M, uint64_t N, uint64_t R,
                    uint64_t C) {
  return llvm::divideCeil(kp, R) * llvm::divideCeil(N, C) * std::max(M, R) +
         R + C - 1;
}

isa::Gemm denseGemm(unsigned M, unsigned N, unsigned K) {
  isa::Gemm g;
  g.m = uint16_t(M);
  g.n = uint16_t(N);
  g.k = uint16_t(K);
  g.actRowStride = K;
  g.wgtRowStride = K;
  g.accRowStride = N;
  return g;
}

/// Cycles of compute instruction 1 (the first under test).
uint64_t computeCycles(const Harness &h, Images im) {
  auto r = h.run(im);
  if (!r) {
    ADD_FAILURE() << llvm::toString(r.takeError());
    return 0;
  }
  const TraceEntry *e = findTrace(*r, isa::Queue::Compute, 1);
  return e ? e->end - e->start : 0;
}

TEST(TimingTest, TwoFourIsAboutHalfOfDense) {
  const unsigned M = 64, N = 64, K = 256;
  std::mt19937 rng(1);
  Harness dense(getTarget("dense-systolic"));
  dense.compute = {{Opcode::Gemm, 0, denseGemm(M, N, K)}};
  Images im = dense.randomImages(rng);
  for (size_t i = 0; i < im[Buffer::Act].size(); i += 4)
    put<float>(im[Buffer::Act], i, 1.0f);
  uint64_t dc = computeCycles(dense, im);
  EXPECT_EQ(dc, matrixCost(K, M, N, 32, 32));

  Harness sparse(getTarget("sparse-2of4"));
  isa::Gemm g = denseGemm(M, N, K);
  g.kind = isa::Gemm::Kind::NM;
  g.wN = 2;
  g.wM = 4;
  g.wgtRowStride = K / 2;
  g.metaAddr = 200000;
  g.metaRowStride = K / 4 * 2 * 2 / 8;
  sparse.compute = {{Opcode::GemmNM, 0, g}};
  Images sim = sparse.randomImages(rng);
  // Metadata: positions 0 and 1 in every group (bits 00 10 -> 0b0100).
  for (unsigned r = 0; r < N; ++r)
    for (unsigned i = 0; i < g.metaRowStride; ++i)
      sim[Buffer::Wgt][g.metaAddr + r * g.metaRowStride + i] = 0x44;
  uint64_t sc = computeCycles(sparse, sim);
  EXPECT_EQ(sc, matrixCost(K / 2, M, N, 32, 32));
  double ratio = double(sc) / double(dc);
  EXPECT_GT(ratio, 0.45);
  EXPECT_LT(ratio, 0.6);
}

/// GEMM.SP with exactly `nnz` entries per row.
isa::Gemm csrGemm(Images &im, unsigned M, unsigned N, unsigned K,
                  unsigned nnz) {
  isa::Gemm g = denseGemm(M, N, K);
  g.kind = isa::Gemm::Kind::Sparse;
  g.wgtRowStride = 0;
  g.wgtAddr = 0;
  uint32_t idxAddr = 100000, ptrAddr = 150000;
  g.metaAddr = idxAddr;
  g.metaRowStride = ptrAddr;
  auto &w = im[Buffer::Wgt];
  uint32_t e = 0;
  for (unsigned n = 0; n < N; ++n) {
    put<uint32_t>(w, ptrAddr + 4 * n, e);
    for (unsigned j = 0; j < nnz; ++j, ++e) {
      put<uint16_t>(w, idxAddr + 2 * e, uint16_t(j * (K / nnz)));
      put<float>(w, 4 * e, 1.0f);
    }
  }
  put<uint32_t>(w, ptrAddr + 4 * N, e);
  return g;
}

TEST(TimingTest, UnstructuredIsNearLinearAndCapped) {
  const unsigned M = 192, N = 64, K = 640;
  std::mt19937 rng(2);
  Harness dense(getTarget("dense-systolic"));
  dense.compute = {{Opcode::Gemm, 0, denseGemm(M, N, K)}};
  uint64_t dc = computeCycles(dense, dense.randomImages(rng));
  EXPECT_EQ(dc, matrixCost(K, M, N, 32, 32));

  Harness hs(getTarget("high-sparsity"));
  // 90% sparse: 64 of 640 per row -> ceil(64/32) = 2 vs ceil(640/32) = 20.
  Images im = hs.randomImages(rng);
  hs.compute = {{Opcode::GemmSparse, 0, csrGemm(im, M, N, K, 64)}};
  uint64_t sc = computeCycles(hs, im);
  EXPECT_EQ(sc, 2 * (N / 32) * M + 63);
  double speedup = double(dc) / double(sc);
  EXPECT_GT(speedup, 9.0);
  EXPECT_LT(speedup, 10.5);

  // 99.9%: capped at max_speedup 32: K = 4096 -> 128 passes, floor 4.
  const unsigned K2 = 4096, M2 = 32, N2 = 32;
  Images im2 = hs.randomImages(rng);
  hs.compute = {{Opcode::GemmSparse, 0, csrGemm(im2, M2, N2, K2, 2)}};
  uint64_t capped = computeCycles(hs, im2);
  EXPECT_EQ(capped, 4 * 32 + 63);
  hs.compute = {{Opcode::Gemm, 0, denseGemm(M2, N2, K2)}};
  uint64_t dense2 = computeCycles(hs, hs.randomImages(rng));
  EXPECT_EQ(dense2, 128 * 32 + 63);
  EXPECT_LE(double(dense2 - 63) / double(capped - 63), 32.0);
}

TEST(TimingTest, DmaVectorAndStats) {
  target::TargetDescription t = getTarget("dense-systolic", 65536);
  Harness h(t);
  // Contiguous 4 KiB: 64 cycles on the channel + latency.
  isa::Dma d;
  d.buffer = Buffer::Act;
  d.dtype = DType::F32;
  d.dramAddr = uint32_t(h.dramIn());
  d.size = {1, 1, 1, 1024};
  d.dramStride = {0, 0, 0, 1};
  d.sramStride = {0, 0, 0, 1};
  // Strided: 16 single f32 elements, each its own 64-byte burst.
  isa::Dma s = d;
  s.size = {1, 1, 1, 16};
  s.dramStride = {0, 0, 0, 2};
  isa::Vec v;
  v.func = isa::VecFunc::Exp;
  v.rows = 16;
  v.cols = 100;
  v.src1 = {Buffer::Act, 0, 100, 1};
  v.dst = {Buffer::Acc, 0, 100, 1};
  h.loads = {{Opcode::Load, 0, d}, {Opcode::Load, 0, s}};
  h.compute = {{Opcode::Vec, 0, v}};
  std::mt19937 rng(3);
  Images im = h.randomImages(rng);
  auto r = h.run(im);
  ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
  const TraceEntry *l0 = findTrace(*r, isa::Queue::Load, 3);
  const TraceEntry *l1 = findTrace(*r, isa::Queue::Load, 4);
  const TraceEntry *c1 = findTrace(*r, isa::Queue::Compute, 1);
  ASSERT_TRUE(l0 && l1 && c1);
  EXPECT_EQ(l0->end - l0->start, 4096 / 64 + t.dramLatency);
  EXPECT_EQ(l1->end - l1->start, 16 * 64 / 64 + t.dramLatency);
  EXPECT_EQ(l1->start, l0->end); // same unit: in order
  // VEC exp: 16 + max(ceil(1600/64)*1, ceil(6400 / 256)).
  const target::VectorFunction *fn = t.getVectorFunction(isa::VecFunc::Exp);
  ASSERT_TRUE(fn);
  uint64_t bw = uint64_t(t.act.banks) * t.act.bankWidthBytes;
  EXPECT_EQ(c1->end - c1->start,
            fn->latency + std::max<uint64_t>(
                              llvm::divideCeil(1600, t.vectorLanes) *
                                  fn->interval,
                              llvm::divideCeil(6400, bw)));
  // Layer and totals.
  ASSERT_EQ(r->stats.layers.size(), 1u);
  const LayerStats &ls = r->stats.layers[0];
  EXPECT_EQ(ls.name, "under-test");
  EXPECT_EQ(ls.startCycle, l0->start);
  EXPECT_EQ(ls.endCycle, c1->end);
  EXPECT_EQ(r->stats.vectorElements, 1600u);
  EXPECT_GT(r->stats.energyPJ, 0.0);
  llvm::json::Value j = toJSON(r->stats);
  for (const char *key : {"cycles", "energy_pj", "macs", "dram_bytes",
                          "sram_bytes", "layers"})
    EXPECT_TRUE(j.getAsObject()->get(key)) << key;
}

TEST(TimingTest, CyclesDoNotDependOnThreads) {
  Harness h(getTarget("dense-systolic"));
  h.compute = {{Opcode::Gemm, 0, denseGemm(256, 128, 256)}};
  std::mt19937 rng(4);
  Images im = h.randomImages(rng);
  for (size_t i = 0; i < im[Buffer::Act].size(); i += 4)
    put<float>(im[Buffer::Act], i, float(i % 7));
  for (size_t i = 0; i < im[Buffer::Wgt].size(); i += 4)
    put<float>(im[Buffer::Wgt], i, float(i % 5) - 2.0f);
  Images a = im, b = im;
  auto ra = h.run(a);
  ASSERT_TRUE(bool(ra));
  auto saved = llvm::parallel::strategy;
  llvm::parallel::strategy = llvm::hardware_concurrency(1);
  auto rb = h.run(b);
  llvm::parallel::strategy = saved;
  ASSERT_TRUE(bool(rb));
  EXPECT_EQ(ra->stats.cycles, rb->stats.cycles);
  EXPECT_EQ(a.buf, b.buf);
}

//===----------------------------------------------------------------------===//
// Tokens
//===----------------------------------------------------------------------===//

TEST(TokenTest, TokensOrderQueuesAndHazardsOrderOneQueue) {
  Harness h(getTarget("dense-systolic", 65536));
  // The harness's compute SYNC pops the load queue's token: the GEMM starts
  // after the last load ends.
  h.compute = {{Opcode::Gemm, 0, denseGemm(4, 4, 4)},
               // VEC reads the GEMM's result: RAW hazard in one queue.
               {Opcode::Vec, 0, [] {
                  isa::Vec v;
                  v.func = isa::VecFunc::Relu;
                  v.rows = 4;
                  v.cols = 4;
                  v.src1 = {Buffer::Acc, 0, 4, 1};
                  v.dst = {Buffer::Acc, 0, 4, 1};
                  return v;
                }()}};
  std::mt19937 rng(5);
  Images im = h.randomImages(rng);
  auto r = h.run(im);
  ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
  const TraceEntry *lastLoad = findTrace(*r, isa::Queue::Load, 3);
  const TraceEntry *sync = findTrace(*r, isa::Queue::Compute, 0);
  const TraceEntry *gemm = findTrace(*r, isa::Queue::Compute, 1);
  const TraceEntry *vec = findTrace(*r, isa::Queue::Compute, 2);
  const TraceEntry *store = findTrace(*r, isa::Queue::Store, 1);
  ASSERT_TRUE(lastLoad && sync && gemm && vec && store);
  EXPECT_EQ(sync->start, lastLoad->end);
  EXPECT_EQ(gemm->start, sync->end);
  EXPECT_EQ(vec->start, gemm->end);
  EXPECT_GE(store->start, vec->end);
  // Execution order is start order.
  for (size_t i = 1; i < r->trace.size(); ++i)
    EXPECT_LE(r->trace[i - 1].start, r->trace[i].start);
}

TEST(TokenTest, DeadlockNamesEveryBlockedQueue) {
  target::TargetDescription t = getTarget("dense-systolic");
  binary::Program p;
  p.setTarget(t);
  p.dramSize = 64;
  auto &lq = p.getQueue(isa::Queue::Load);
  auto &cq = p.getQueue(isa::Queue::Compute);
  auto &sq = p.getQueue(isa::Queue::Store);
  lq.push_back(Instruction::sync(isa::PushNext));
  lq.push_back(Instruction::sync(isa::PopNext));
  lq.push_back(Instruction::end());
  cq.push_back(Instruction::sync(isa::PopPrev));
  cq.push_back(Instruction::sync(isa::PopNext));
  cq.push_back(Instruction::end());
  sq.push_back(Instruction::sync(isa::PopPrev | isa::PushPrev));
  sq.push_back(Instruction::end());
  auto emu = Emulator::create(p, t);
  ASSERT_TRUE(bool(emu)) << llvm::toString(emu.takeError());
  auto r = (*emu)->run({});
  ASSERT_FALSE(bool(r));
  std::string msg = llvm::toString(r.takeError());
  EXPECT_NE(msg.find("deadlock"), std::string::npos) << msg;
  EXPECT_NE(msg.find("load queue instruction 1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("compute queue instruction 1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("store queue instruction 0"), std::string::npos) << msg;
}

TEST(EmulatorTest, InputsAreChecked) {
  target::TargetDescription t = getTarget("dense-systolic", 65536);
  Harness h(t);
  auto emu = Emulator::create(h.build(), t);
  ASSERT_TRUE(bool(emu)) << llvm::toString(emu.takeError());
  std::map<std::string, HostTensor> in;
  for (const char *n : {"wgt", "act", "acc", "dram"})
    in[n] = HostTensor::fromI8({h.B}, std::vector<int8_t>(h.B));
  EXPECT_FALSE(bool((*emu)->checkInputs(in)));
  auto msg = [&](auto inputs) {
    return llvm::toString((*emu)->checkInputs(inputs));
  };
  auto missing = in;
  missing.erase("act");
  EXPECT_NE(msg(missing).find("missing input 'act'"), std::string::npos);
  auto unknown = in;
  unknown["bogus"] = in["act"];
  EXPECT_NE(msg(unknown).find("unknown input 'bogus'"), std::string::npos);
  auto wrongType = in;
  wrongType["act"] = HostTensor::fromF32({h.B / 4}, std::vector<float>(h.B / 4));
  EXPECT_NE(msg(wrongType).find("input 'act' has dtype f32"),
            std::string::npos);
  auto wrongShape = in;
  wrongShape["act"] = HostTensor::fromI8({2, h.B / 2}, std::vector<int8_t>(h.B));
  EXPECT_NE(msg(wrongShape).find("input 'act' has shape"), std::string::npos);
  // Runs twice without reloading and gives the same result.
  auto r1 = (*emu)->run(in), r2 = (*emu)->run(in);
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(r1->stats.cycles, r2->stats.cycles);
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

std::vector<uint8_t> npyImage(llvm::StringRef header, size_t dataBytes,
                              unsigned major = 1) {
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', uint8_t(major), 0};
  size_t len = header.size();
  out.push_back(uint8_t(len));
  out.push_back(uint8_t(len >> 8));
  if (major > 1) {
    out.push_back(uint8_t(len >> 16));
    out.push_back(uint8_t(len >> 24));
  }
  out.insert(out.end(), header.begin(), header.end());
  out.resize(out.size() + dataBytes, 7);
  return out;
}

TEST(NpyTest, RoundTripAndVersions) {
  HostTensor t = HostTensor::fromF32({2, 3}, {1, 2, 3, 4, 5, 6});
  auto bytes = writeNpy(t);
  EXPECT_EQ((10 + bytes[8] + 256 * bytes[9]) % 64, 0u);
  auto back = parseNpy(bytes, "t.npy");
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->shape, t.shape);
  EXPECT_EQ(back->bytes, t.bytes);
  for (unsigned major : {2u, 3u}) {
    auto v = parseNpy(npyImage("{'descr': '<i4', 'fortran_order': False, "
                               "'shape': (3,), }\n",
                               12, major),
                      "v.npy");
    ASSERT_TRUE(bool(v)) << llvm::toString(v.takeError());
    EXPECT_EQ(v->dtype, DType::I32);
    EXPECT_EQ(v->shape, std::vector<uint64_t>{3});
  }
  auto scalar = parseNpy(
      npyImage("{'descr': '|i1', 'fortran_order': False, 'shape': ()}", 1),
      "s.npy");
  ASSERT_TRUE(bool(scalar)) << llvm::toString(scalar.takeError());
  EXPECT_TRUE(scalar->shape.empty());
}

TEST(NpyTest, BadFilesGiveClearErrors) {
  auto err = [](std::vector<uint8_t> bytes) {
    auto r = parseNpy(bytes, "in.npy");
    return r ? std::string() : llvm::toString(r.takeError());
  };
  EXPECT_NE(err(npyImage("{'descr': '<f8', 'fortran_order': False, "
                         "'shape': (2,), }",
                         16))
                .find("unsupported dtype '<f8'"),
            std::string::npos);
  EXPECT_NE(err(npyImage("{'descr': '>f4', 'fortran_order': False, "
                         "'shape': (2,), }",
                         8))
                .find("'>f4'"),
            std::string::npos);
  EXPECT_NE(err(npyImage("{'descr': '<f4', 'fortran_order': True, "
                         "'shape': (2, 2), }",
                         16))
                .find("fortran_order"),
            std::string::npos);
  EXPECT_NE(err(npyImage("{'descr': '<f4', 'fortran_order': False, "
                         "'shape': (2, 2), }",
                         15))
                .find("truncated data"),
            std::string::npos);
  EXPECT_NE(err({0x93, 'N', 'U'}).find("in.npy"), std::string::npos);
  EXPECT_NE(err(npyImage("{'descr': '<f4', 'shape': (2,)", 8))
                .find("malformed"),
            std::string::npos);
  auto big = npyImage("{'descr': '<f4', 'fortran_order': False, 'shape': "
                      "(4294967296, 4294967296, 4294967296), }",
                      0);
  EXPECT_FALSE(err(big).empty());
}

} // namespace
