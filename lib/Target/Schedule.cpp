//===- Schedule.cpp - Dependency tokens for a sequential program ----------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Target/Schedule.h"
#include "spc/Target/Packing.h"

#include <algorithm>
#include <cassert>

using namespace spc;
using namespace spc::isa;
using namespace spc::schedule;

namespace {
constexpr int kLoad = static_cast<int>(Queue::Load);
constexpr int kCompute = static_cast<int>(Queue::Compute);
constexpr int kStore = static_cast<int>(Queue::Store);

// Channels of ISA §1.2, in the order of Scheduler::lastPushed.
enum Channel : unsigned { LoadToCompute, ComputeToLoad, ComputeToStore,
                          StoreToCompute };
// The flag the producer sets to push, and the consumer sets to pop.
constexpr uint8_t kPushFlag[4] = {PushNext, PushPrev, PushNext, PushPrev};
constexpr uint8_t kPopFlag[4] = {PopPrev, PopNext, PopPrev, PopNext};
} // namespace

unsigned Scheduler::channel(int producer, int consumer) {
  if (producer == kLoad)
    return LoadToCompute;
  if (producer == kStore)
    return StoreToCompute;
  return consumer == kLoad ? ComputeToLoad : ComputeToStore;
}

std::vector<Scheduler::Access>
Scheduler::getAccesses(const Instruction &inst) const {
  std::vector<Access> accesses;
  for (const binary::SramAccess &sram : binary::getSramAccesses(inst)) {
    uint64_t begin = sram.begin == binary::kBelowBuffer ? 0 : sram.begin;
    accesses.push_back({static_cast<SpaceId>(sram.buffer), begin, sram.end,
                        sram.write});
  }
  switch (inst.opcode) {
  case Opcode::Load:
  case Opcode::Store: {
    const auto &d = inst.get<Dma>();
    uint64_t es = elementSize(d.dtype), last = 0;
    for (unsigned i = 0; i < 4; ++i)
      last += uint64_t(d.size[i] - 1) * d.dramStride[i];
    accesses.push_back({Dram, d.dramAddr, d.dramAddr + es * (last + 1),
                        inst.opcode == Opcode::Store});
    break;
  }
  case Opcode::LoadDecomp: {
    // Constants are never written, so bounds that cover the packed parts
    // are enough: the bitmap's values are at most rows x cols.
    const auto &d = inst.get<LoadDecomp>();
    uint64_t es = elementSize(d.dtype);
    packing::Layout layout =
        packing::getLayout(d.format, d.dtype, d.rows, d.cols, d.n, d.m,
                          uint64_t(d.rows) * d.cols);
    uint64_t values = d.format == Format::NM ? layout.firstBytes
                                             : uint64_t(d.rows) * d.cols * es;
    uint64_t meta = d.format == Format::NM ? layout.secondBytes
                                           : layout.firstBytes;
    accesses.push_back({Dram, d.dramAddr, d.dramAddr + values, false});
    accesses.push_back({Dram, d.dramMetaAddr, d.dramMetaAddr + meta, false});
    break;
  }
  case Opcode::GemmSparse:
    // Values and column indices depend on the row pointers (ISA §4.4).
    accesses.push_back({Wgt, 0, wgtBytes, false});
    break;
  default:
    break;
  }
  return accesses;
}

void Scheduler::split(Space &space, uint64_t at) {
  auto next = space.upper_bound(at);
  if (next == space.begin()) {
    space.emplace(at, Segment{});
    return;
  }
  auto containing = std::prev(next);
  if (containing->first != at)
    space.emplace_hint(next, at, containing->second);
}

void Scheduler::track(const Access &access, int queue, int64_t pos,
                      std::array<int64_t, kNumQueues> &waits) {
  if (access.begin >= access.end)
    return;
  Space &space = spaces[access.space];
  split(space, access.begin);
  split(space, access.end);
  auto first = space.find(access.begin), last = space.find(access.end);
  for (auto it = first; it != last; ++it) {
    Segment &seg = it->second;
    if (seg.writer >= 0 && seg.writerQueue != queue)
      waits[seg.writerQueue] = std::max(waits[seg.writerQueue], seg.writer);
    if (access.write) {
      for (int q = 0; q < int(kNumQueues); ++q)
        if (q != queue)
          waits[q] = std::max(waits[q], seg.readers[q]);
    } else {
      seg.readers[queue] = pos;
    }
  }
  if (!access.write)
    return;
  // The write orders everything before it: one segment remembers it.
  Segment written;
  written.writer = pos;
  written.writerQueue = queue;
  space.erase(std::next(first), last);
  first->second = written;
}

void Scheduler::wait(int consumer, int64_t pos, int producer,
                     int64_t producerPos) {
  unsigned ch = channel(producer, consumer);
  if (producerPos <= lastPushed[ch])
    return;
  queues[producer][producerPos].deps |= kPushFlag[ch];
  queues[consumer][pos].deps |= kPopFlag[ch];
  lastPushed[ch] = producerPos;
  pops[ch].emplace_back(producerPos, pos);
  ++numTokens;
}

int64_t Scheduler::relay(int from, int64_t pos) {
  const auto &popped = pops[channel(from, kCompute)];
  auto it = std::lower_bound(popped.begin(), popped.end(),
                             std::make_pair(pos, int64_t(-1)));
  if (it != popped.end())
    return it->second;
  int64_t sync = queues[kCompute].size();
  queues[kCompute].push_back(Instruction::sync(0));
  ++numRelays;
  wait(kCompute, sync, from, pos);
  return sync;
}

void Scheduler::add(const Instruction &inst) {
  assert(inst.deps == 0 && "the scheduler sets the tokens");
  std::optional<Queue> placement = getQueue(inst.opcode);
  assert(placement && "SYNC and END are the scheduler's own");
  int queue = static_cast<int>(*placement);
  int64_t pos = queues[queue].size();
  queues[queue].push_back(inst);
  ++numAdded;

  std::array<int64_t, kNumQueues> waits = {-1, -1, -1};
  for (const Access &access : getAccesses(inst))
    track(access, queue, pos, waits);

  if (queue == kCompute) {
    if (waits[kLoad] >= 0)
      wait(kCompute, pos, kLoad, waits[kLoad]);
    if (waits[kStore] >= 0)
      wait(kCompute, pos, kStore, waits[kStore]);
    return;
  }
  // Load and store talk only to compute; a wait on the other one goes
  // through a compute instruction that waited for it.
  int other = queue == kLoad ? kStore : kLoad;
  int64_t computeWait = waits[kCompute];
  if (waits[other] >= 0)
    computeWait = std::max(computeWait, relay(other, waits[other]));
  if (computeWait >= 0)
    wait(queue, pos, kCompute, computeWait);
}

void Scheduler::beginLayer(std::string name) {
  assert(!inLayer && "layers do not nest");
  binary::Layer layer;
  layer.name = std::move(name);
  for (unsigned q = 0; q < kNumQueues; ++q)
    layer.begin[q] = layer.end[q] = queues[q].size();
  layers.push_back(std::move(layer));
  inLayer = true;
}

void Scheduler::endLayer() {
  assert(inLayer && "endLayer without beginLayer");
  for (unsigned q = 0; q < kNumQueues; ++q)
    layers.back().end[q] = queues[q].size();
  inLayer = false;
}

void Scheduler::finish(binary::Program &program) {
  assert(!inLayer && "unterminated layer");
  for (unsigned q = 0; q < kNumQueues; ++q) {
    if (!queues[q].empty())
      queues[q].push_back(Instruction::end());
    program.queues[q] = std::move(queues[q]);
    queues[q].clear();
  }
  program.layers = std::move(layers);
  layers.clear();
}
