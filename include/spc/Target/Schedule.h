//===- Schedule.h - Dependency tokens for a sequential program --*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The compiler emits instructions in one sequential order, the order in which
// a single-issue machine would run them correctly. `Scheduler` splits them
// into the three queues of ISA §1.2 and adds the fewest dependency tokens
// that keep every cross-queue conflict ordered: for each instruction it finds
// the latest earlier instruction of every other queue that touches a byte it
// touches (DRAM or scratchpad, one of the two writing) and makes it wait for
// that one. Conflicts inside a queue need no token: a queue runs in order and
// the machine tracks scratchpad hazards inside a queue itself (ISA §5.2).
//
// Tokens on a channel are matched in order (the k-th pop waits for the k-th
// push), so each wait becomes one pop on the consumer and one push on the
// producer; waits that an earlier pop already covers cost nothing. The load
// and store queues have no channel between them: a store that must finish
// before a load (a tensor written then read back) is relayed through a
// compute `SYNC`, as is a load that must finish before a store. Because every
// wait points backwards in the sequential order, the result cannot deadlock,
// and everything that does not conflict (the next tile's loads, the previous
// tile's stores) overlaps.
//
// See docs/Compiler.md, "Scheduling".
//
//===----------------------------------------------------------------------===//

#ifndef SPC_TARGET_SCHEDULE_H
#define SPC_TARGET_SCHEDULE_H

#include "spc/Target/Binary.h"

#include <array>
#include <map>
#include <string>
#include <vector>

namespace spc::schedule {

class Scheduler {
public:
  /// `wgtBytes` bounds the data-dependent reads of GEMM.SP.
  explicit Scheduler(uint64_t wgtBytes) : wgtBytes(wgtBytes) {}

  /// Appends `inst` (without tokens: its `deps` must be zero) to its queue,
  /// after everything added before it in the sequential order.
  void add(const isa::Instruction &inst);

  /// Layers group the instructions added between `beginLayer` and
  /// `endLayer` (ISA §6.3).
  void beginLayer(std::string name);
  void endLayer();

  /// Instructions added so far.
  uint64_t size() const { return numAdded; }
  /// Number of tokens pushed (one per wait) and relay SYNCs inserted.
  uint64_t getNumTokens() const { return numTokens; }
  uint64_t getNumRelays() const { return numRelays; }

  /// Appends `END` to every non-empty queue and moves the queues and layers
  /// into `program`.
  void finish(binary::Program &program);

private:
  /// The sequential state of one byte range: its last writer, and the last
  /// reader in each queue since that write (queue positions, -1 for none).
  struct Segment {
    int64_t writer = -1;
    int writerQueue = -1;
    std::array<int64_t, isa::kNumQueues> readers = {-1, -1, -1};
  };
  /// Byte ranges of one address space: key = start, the segment runs to the
  /// next key. Everything not covered is untouched.
  using Space = std::map<uint64_t, Segment>;
  enum SpaceId { Dram = 0, Wgt = 1, Act = 2, Acc = 3, NumSpaces = 4 };

  struct Access {
    SpaceId space;
    uint64_t begin, end;
    bool write;
  };
  std::vector<Access> getAccesses(const isa::Instruction &inst) const;

  /// Splits the segment containing `at` so that one starts at `at`.
  void split(Space &space, uint64_t at);
  /// Records `access` by the instruction at `pos` of `queue`, raising
  /// `waits[q]` to the latest conflicting position of every other queue.
  void track(const Access &access, int queue, int64_t pos,
             std::array<int64_t, isa::kNumQueues> &waits);

  /// Makes the instruction at `pos` of `consumer` wait for the one at
  /// `producerPos` of the adjacent `producer` queue.
  void wait(int consumer, int64_t pos, int producer, int64_t producerPos);
  /// The compute position whose end implies that `pos` of the load or store
  /// queue has ended, appending a relay SYNC if no compute instruction
  /// waited for it yet.
  int64_t relay(int from, int64_t pos);
  /// Index of the channel from `producer` to the adjacent `consumer`.
  static unsigned channel(int producer, int consumer);

  uint64_t wgtBytes;
  std::array<std::vector<isa::Instruction>, isa::kNumQueues> queues;
  std::array<Space, NumSpaces> spaces;
  /// Per channel (L->C, C->L, C->S, S->C): the last producer position a
  /// consumer popped a token for, and, for the relays, the consumer position
  /// that popped it (pairs in increasing order).
  std::array<int64_t, 4> lastPushed = {-1, -1, -1, -1};
  std::array<std::vector<std::pair<int64_t, int64_t>>, 4> pops;

  std::vector<binary::Layer> layers;
  bool inLayer = false;
  uint64_t numAdded = 0, numTokens = 0, numRelays = 0;
};

} // namespace spc::schedule

#endif // SPC_TARGET_SCHEDULE_H
