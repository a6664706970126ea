//===- ScheduleTest.cpp - Dependency token insertion ----------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Random sequential programs go through the Scheduler; a model of ISA §5.2
// (in-order issue, one timeline per unit, scratchpad hazards inside a queue,
// SYNC as a fence, the k-th pop waiting for the end of the k-th push) then
// proves that every pair of
// conflicting instructions in different queues is ordered as in the
// sequential program, and that the program cannot deadlock.
//
//===----------------------------------------------------------------------===//

#include "spc/Target/Schedule.h"

#include "gtest/gtest.h"

#include <random>

using namespace spc;
using namespace spc::isa;

namespace {

// Ended-before sets as the last ended position per unit: load, matrix,
// vector, structuring, store.
using Clock = std::array<int64_t, 5>;

Clock join(const Clock &a, const Clock &b) {
  Clock c;
  for (unsigned i = 0; i < c.size(); ++i)
    c[i] = std::max(a[i], b[i]);
  return c;
}

int getUnit(unsigned queue, const Instruction &inst) {
  if (queue == 0)
    return 0;
  if (queue == 2)
    return 4;
  switch (inst.opcode) {
  case Opcode::Gemm:
    return 1;
  case Opcode::Vec:
    return 2;
  case Opcode::Struct:
    return 3;
  default:
    return -1; // SYNC and END: fences.
  }
}

struct Range {
  int space; // 0 DRAM, else the buffer id.
  uint64_t begin, end;
  bool write;
};

std::vector<Range> getRanges(const Instruction &inst) {
  std::vector<Range> ranges;
  for (const binary::SramAccess &a : binary::getSramAccesses(inst))
    ranges.push_back({int(a.buffer), a.begin, a.end, a.write});
  if (inst.opcode == Opcode::Load || inst.opcode == Opcode::Store) {
    const auto &d = inst.get<Dma>();
    ranges.push_back({0, d.dramAddr, d.dramAddr + 4u * d.size[3],
                      inst.opcode == Opcode::Store});
  }
  return ranges;
}

bool conflict(const Instruction &a, const Instruction &b) {
  for (const Range &x : getRanges(a))
    for (const Range &y : getRanges(b))
      if (x.space == y.space && (x.write || y.write) && x.begin < y.end &&
          y.begin < x.end)
        return true;
  return false;
}

bool sramConflict(const Instruction &a, const Instruction &b) {
  for (const binary::SramAccess &x : binary::getSramAccesses(a))
    for (const binary::SramAccess &y : binary::getSramAccesses(b))
      if (x.buffer == y.buffer && (x.write || y.write) && x.begin < y.end &&
          y.begin < x.end)
        return true;
  return false;
}

Instruction makeDma(Opcode opcode, Buffer buffer, uint32_t sram, uint32_t dram,
                    uint16_t n) {
  Dma d;
  d.buffer = buffer;
  d.sramAddr = sram;
  d.dramAddr = dram;
  d.size = {1, 1, 1, n};
  d.dramStride = {0, 0, 0, 1};
  d.sramStride = {0, 0, 0, 1};
  return {opcode, 0, d};
}

Instruction makeRandom(std::mt19937 &rng) {
  auto pick = [&](unsigned n) { return unsigned(rng() % n); };
  auto addr = [&] { return 16u * pick(32); };
  uint16_t n = uint16_t(1 + pick(16));
  switch (pick(5)) {
  case 0:
    return makeDma(Opcode::Load, pick(2) ? Buffer::Act : Buffer::Wgt, addr(),
                   addr(), n);
  case 1:
    return makeDma(Opcode::Store, pick(2) ? Buffer::Acc : Buffer::Act, addr(),
                   addr(), n);
  case 2: {
    Gemm g;
    g.m = g.n = g.k = uint16_t(1 + pick(4));
    g.actAddr = addr();
    g.wgtAddr = addr();
    g.accAddr = addr();
    g.actRowStride = g.wgtRowStride = g.accRowStride = g.k;
    g.accumulate = pick(2);
    return {Opcode::Gemm, 0, g};
  }
  case 3: {
    Struct s;
    s.buffer = Buffer::Act;
    s.rows = 1;
    s.cols = 4;
    s.m = 4;
    s.srcAddr = s.dstAddr = addr();
    s.srcRowStride = s.dstRowStride = 4;
    return {Opcode::Struct, 0, s};
  }
  default: {
    Vec v;
    v.func = pick(2) ? VecFunc::Copy : VecFunc::Relu;
    v.cols = n;
    v.dst = {pick(2) ? Buffer::Acc : Buffer::Act, addr(), 0, 1};
    v.src1 = {pick(2) ? Buffer::Acc : Buffer::Act, addr(), 0, 1};
    return {Opcode::Vec, 0, v};
  }
  }
}

/// Checks the scheduled `program` against the sequential order `sequence`;
/// `origin[q][i]` is the sequence index of instruction i of queue q, or -1
/// for instructions the scheduler added.
void checkOrdering(const binary::Program &program,
                   const std::vector<Instruction> &sequence,
                   const std::array<std::vector<int64_t>, 3> &origin) {
  // Channels: L->C, C->L, C->S, S->C; (producer queue, push bit, consumer
  // queue, pop bit).
  struct ChannelDef {
    unsigned producer;
    uint8_t pushBit;
    unsigned consumer;
    uint8_t popBit;
  };
  const ChannelDef channels[4] = {{0, PushNext, 1, PopPrev},
                                  {1, PushPrev, 0, PopNext},
                                  {1, PushNext, 2, PopPrev},
                                  {2, PushPrev, 1, PopNext}};
  std::array<std::vector<Clock>, 4> pushed; // end clocks, in push order
  std::array<size_t, 4> popped = {0, 0, 0, 0};
  std::array<size_t, 3> pc = {0, 0, 0};
  std::array<Clock, 3> lastStart, queueEnded;
  std::array<std::array<Clock, 5>, 3> unitEnd;
  Clock none;
  none.fill(-1);
  for (unsigned q = 0; q < 3; ++q) {
    lastStart[q] = queueEnded[q] = none;
    unitEnd[q].fill(none);
  }
  std::array<std::vector<Clock>, 3> startClock;
  std::array<std::vector<Clock>, 3> endClock;

  bool progress = true;
  while (progress) {
    progress = false;
    for (unsigned q = 0; q < 3; ++q) {
      const auto &code = program.queues[q];
      if (pc[q] >= code.size())
        continue;
      const Instruction &inst = code[pc[q]];
      Clock start = lastStart[q];
      bool ready = true;
      for (unsigned ch = 0; ch < 4; ++ch) {
        if (channels[ch].consumer != q || !(inst.deps & channels[ch].popBit))
          continue;
        if (popped[ch] >= pushed[ch].size()) {
          ready = false;
          break;
        }
        start = join(start, pushed[ch][popped[ch]]);
      }
      if (!ready)
        continue;
      for (unsigned ch = 0; ch < 4; ++ch)
        if (channels[ch].consumer == q && (inst.deps & channels[ch].popBit))
          ++popped[ch];
      int unit = getUnit(q, inst);
      if (unit < 0)
        start = join(start, queueEnded[q]);
      else
        start = join(start, unitEnd[q][unit]);
      // Scratchpad hazards inside the queue (ISA §5.2).
      for (size_t earlier = 0; earlier < pc[q]; ++earlier)
        if (sramConflict(code[earlier], inst))
          start = join(start, endClock[q][earlier]);
      Clock end = start;
      if (unit >= 0) {
        end[unit] = int64_t(pc[q]);
        unitEnd[q][unit] = end;
      }
      queueEnded[q] = join(queueEnded[q], end);
      lastStart[q] = start;
      startClock[q].push_back(start);
      endClock[q].push_back(end);
      for (unsigned ch = 0; ch < 4; ++ch)
        if (channels[ch].producer == q && (inst.deps & channels[ch].pushBit))
          pushed[ch].push_back(end);
      ++pc[q];
      progress = true;
    }
  }
  for (unsigned q = 0; q < 3; ++q)
    ASSERT_EQ(pc[q], program.queues[q].size()) << "deadlock in queue " << q;

  // Every conflicting pair in different queues is ordered.
  std::vector<std::pair<unsigned, size_t>> placement(sequence.size());
  for (unsigned q = 0; q < 3; ++q)
    for (size_t i = 0; i < origin[q].size(); ++i)
      if (origin[q][i] >= 0)
        placement[origin[q][i]] = {q, i};
  for (size_t b = 0; b < sequence.size(); ++b) {
    auto [qb, ib] = placement[b];
    for (size_t a = 0; a < b; ++a) {
      auto [qa, ia] = placement[a];
      if (qa == qb || !conflict(sequence[a], sequence[b]))
        continue;
      int unit = getUnit(qa, program.queues[qa][ia]);
      EXPECT_GE(startClock[qb][ib][unit], int64_t(ia))
          << "instruction " << b << " (queue " << qb << ") may start before "
          << a << " (queue " << qa << ") ends";
    }
  }
}

void runRandom(unsigned seed, unsigned length) {
  std::mt19937 rng(seed);
  schedule::Scheduler scheduler(1 << 16);
  std::vector<Instruction> sequence;
  std::array<std::vector<int64_t>, 3> origin;
  for (unsigned i = 0; i < length; ++i)
    sequence.push_back(makeRandom(rng));
  for (const Instruction &inst : sequence)
    scheduler.add(inst);
  binary::Program program;
  scheduler.finish(program);
  std::array<size_t, 3> next = {0, 0, 0};
  for (unsigned q = 0; q < 3; ++q)
    origin[q].assign(program.queues[q].size(), -1);
  for (size_t s = 0; s < sequence.size(); ++s) {
    unsigned q = unsigned(*getQueue(sequence[s].opcode));
    // Skip the scheduler's SYNCs.
    while (program.queues[q][next[q]].opcode == Opcode::Sync)
      ++next[q];
    Instruction plain = program.queues[q][next[q]];
    plain.deps = 0;
    ASSERT_EQ(plain, sequence[s]) << "instruction " << s << " moved";
    origin[q][next[q]++] = int64_t(s);
  }
  checkOrdering(program, sequence, origin);
}

TEST(ScheduleTest, RandomProgramsKeepSequentialOrder) {
  for (unsigned seed = 0; seed < 200; ++seed)
    runRandom(seed, 60);
}

TEST(ScheduleTest, LongRandomProgram) { runRandom(12345, 3000); }

TEST(ScheduleTest, IndependentTilesOverlap) {
  // Load, compute and store of tiles in different places need only the
  // producer-consumer tokens of each tile: three per tile, no SYNC.
  schedule::Scheduler scheduler(1 << 16);
  for (uint32_t tile = 0; tile < 4; ++tile) {
    scheduler.add(makeDma(Opcode::Load, Buffer::Act, tile * 256, tile * 256, 16));
    Vec v;
    v.func = VecFunc::Relu;
    v.cols = 16;
    v.src1 = {Buffer::Act, tile * 256, 0, 1};
    v.dst = {Buffer::Acc, tile * 256, 0, 1};
    scheduler.add({Opcode::Vec, 0, v});
    scheduler.add(
        makeDma(Opcode::Store, Buffer::Acc, tile * 256, 4096 + tile * 256, 16));
  }
  EXPECT_EQ(scheduler.getNumTokens(), 8u);
  EXPECT_EQ(scheduler.getNumRelays(), 0u);
  binary::Program program;
  scheduler.finish(program);
  EXPECT_EQ(program.queues[1].size(), 5u); // 4 VEC + END
}

TEST(ScheduleTest, StoreThenLoadRelaysThroughCompute) {
  schedule::Scheduler scheduler(1 << 16);
  scheduler.add(makeDma(Opcode::Store, Buffer::Acc, 0, 1024, 16));
  scheduler.add(makeDma(Opcode::Load, Buffer::Act, 0, 1024, 16));
  EXPECT_EQ(scheduler.getNumRelays(), 1u);
  binary::Program program;
  scheduler.finish(program);
  ASSERT_EQ(program.queues[1].size(), 2u);
  EXPECT_EQ(program.queues[1][0].opcode, Opcode::Sync);
  EXPECT_EQ(program.queues[1][0].deps, PopNext | PushPrev);
  EXPECT_EQ(program.queues[0][0].deps, PopNext);
  EXPECT_EQ(program.queues[2][0].deps, PushPrev);
}

} // namespace
