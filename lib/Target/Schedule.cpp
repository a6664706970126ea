//===- Schedule.cpp - Dependency tokens for a sequential program ----------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Target/Schedule.h"
#include "spc/Target/Packing.h"

#include "llvm/ADT/SmallVector.h"

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

int Scheduler::getAgent(int queue, const Instruction &inst) {
  if (queue == kLoad)
    return LoadDma;
  if (queue == kStore)
    return StoreDma;
  switch (inst.opcode) {
  case Opcode::Gemm:
  case Opcode::GemmNM:
  case Opcode::GemmSparse:
    return Matrix;
  case Opcode::Vec:
    return Vector;
  case Opcode::Struct:
    return Structuring;
  default:
    return -1; // SYNC: every unit of its queue.
  }
}

static int getQueueOf(int agent) {
  return agent == 0 ? kLoad : agent == 4 ? kStore : kCompute;
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

void Scheduler::track(const Access &access, int agent, int64_t pos,
                      Positions &waits) {
  if (access.begin >= access.end)
    return;
  int queue = getQueueOf(agent);
  Space &space = spaces[access.space];
  split(space, access.begin);
  split(space, access.end);
  auto first = space.find(access.begin), last = space.find(access.end);
  for (auto it = first; it != last; ++it) {
    Segment &seg = it->second;
    if (seg.writer >= 0 && getQueueOf(seg.writerAgent) != queue)
      waits[seg.writerAgent] = std::max(waits[seg.writerAgent], seg.writer);
    if (access.write) {
      for (int other = 0; other < NumAgents; ++other)
        if (getQueueOf(other) != queue)
          waits[other] = std::max(waits[other], seg.readers[other]);
    } else {
      seg.readers[agent] = pos;
    }
  }
  if (!access.write)
    return;
  // The write orders everything before it: one segment remembers it.
  Segment written;
  written.writer = pos;
  written.writerAgent = agent;
  space.erase(std::next(first), last);
  first->second = written;
}

void Scheduler::push(unsigned ch, int consumer, int64_t pos, int producer,
                     int64_t producerPos) {
  const Instruction &pusher = queues[producer][producerPos];
  queues[producer][producerPos].deps |= kPushFlag[ch];
  queues[consumer][pos].deps |= kPopFlag[ch];
  lastPushed[ch] = producerPos;
  if (producer == kCompute) {
    int agent = getAgent(kCompute, pusher);
    (agent < 0 ? lastSyncPush[ch] : lastAgentPush[ch][agent]) = producerPos;
  }
  pops[ch].emplace_back(producerPos, pos);
  ++numTokens;
}

void Scheduler::waitDma(int consumer, int64_t pos, int producer,
                        int64_t producerPos) {
  // One unit: the queue's instructions end in order.
  unsigned ch = channel(producer, consumer);
  if (producerPos > lastPushed[ch])
    push(ch, consumer, pos, producer, producerPos);
}

int64_t Scheduler::appendSync() {
  int64_t sync = queues[kCompute].size();
  queues[kCompute].push_back(Instruction::sync(0));
  ++numRelays;
  return sync;
}

void Scheduler::waitCompute(int consumer, int64_t pos, const Positions &waits,
                            int64_t fence) {
  unsigned ch = channel(kCompute, consumer);
  // A push covers the earlier instructions of its own agent; a SYNC's push
  // covers everything before it, and a SYNC is covered by any later push,
  // which starts after it ends.
  bool fenceNeeded = fence > lastPushed[ch];
  llvm::SmallVector<int, 3> uncovered;
  for (int agent : {Matrix, Vector, Structuring})
    if (waits[agent] > std::max(lastSyncPush[ch], lastAgentPush[ch][agent]))
      uncovered.push_back(agent);
  if (uncovered.empty() && !fenceNeeded)
    return;
  if (uncovered.size() == 1 && !fenceNeeded) {
    // Pushes follow the queue order: the first instruction of the agent at
    // or after both the needed one and the last push ends after it.
    const std::vector<int64_t> &positions = agentPositions[uncovered.front()];
    auto it = std::lower_bound(
        positions.begin(), positions.end(),
        std::max(waits[uncovered.front()], lastPushed[ch] + 1));
    if (it != positions.end()) {
      push(ch, consumer, pos, kCompute, *it);
      return;
    }
  }
  if (fenceNeeded && uncovered.empty()) {
    push(ch, consumer, pos, kCompute, fence);
    return;
  }
  // Several units: one SYNC waits for all of them.
  push(ch, consumer, pos, kCompute, appendSync());
}

int64_t Scheduler::relay(int from, int64_t pos) {
  const auto &popped = pops[channel(from, kCompute)];
  auto it = std::lower_bound(popped.begin(), popped.end(),
                             std::make_pair(pos, int64_t(-1)));
  if (it != popped.end())
    return it->second;
  int64_t sync = appendSync();
  waitDma(kCompute, sync, from, pos);
  return sync;
}

void Scheduler::add(const Instruction &inst) {
  assert(inst.deps == 0 && "the scheduler sets the tokens");
  std::optional<Queue> placement = getQueue(inst.opcode);
  assert(placement && "SYNC and END are the scheduler's own");
  int queue = static_cast<int>(*placement);
  int agent = getAgent(queue, inst);
  int64_t pos = queues[queue].size();
  queues[queue].push_back(inst);
  agentPositions[agent].push_back(pos);
  ++numAdded;

  Positions waits = {-1, -1, -1, -1, -1};
  for (const Access &access : getAccesses(inst))
    track(access, agent, pos, waits);

  if (queue == kCompute) {
    if (waits[LoadDma] >= 0)
      waitDma(kCompute, pos, kLoad, waits[LoadDma]);
    if (waits[StoreDma] >= 0)
      waitDma(kCompute, pos, kStore, waits[StoreDma]);
    return;
  }
  // Load and store talk only to compute; a wait on the other one goes
  // through a compute instruction that waited for it.
  int other = queue == kLoad ? StoreDma : LoadDma;
  int64_t fence = -1;
  if (waits[other] >= 0) {
    int64_t via = relay(getQueueOf(other), waits[other]);
    int viaAgent = getAgent(kCompute, queues[kCompute][via]);
    if (viaAgent < 0)
      fence = via;
    else
      waits[viaAgent] = std::max(waits[viaAgent], via);
  }
  waitCompute(queue, pos, waits, fence);
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
