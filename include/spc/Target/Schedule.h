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
// Tokens on a channel are matched in order (the k-th pop waits for the end of
// the k-th pushing instruction), so each wait becomes one pop on the consumer
// and one push on the producer; waits that an earlier pop already covers cost
// nothing. A pop covers every earlier instruction of a load or store queue
// (one unit each), but in the compute queue only the earlier instructions of
// the pusher's own unit (matrix, vector, structuring) or everything before a
// SYNC: the units of one queue run concurrently (ISA §5.2). The load
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
  explicit Scheduler(uint64_t wgtBytes) : wgtBytes(wgtBytes) {
    for (Positions &positions : lastAgentPush)
      positions.fill(-1);
  }

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
  /// Who runs an instruction: the load DMA, the matrix, vector or
  /// structuring unit (all three in the compute queue), or the store DMA.
  /// Each ends its instructions in queue order.
  enum Agent { LoadDma, Matrix, Vector, Structuring, StoreDma, NumAgents };
  static int getAgent(int queue, const isa::Instruction &inst);
  using Positions = std::array<int64_t, NumAgents>;

  /// The sequential state of one byte range: its last writer, and the last
  /// reader of each agent since that write (queue positions, -1 for none).
  struct Segment {
    int64_t writer = -1;
    int writerAgent = -1;
    Positions readers = {-1, -1, -1, -1, -1};
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
  /// Records `access` by the instruction at `pos`, run by `agent`, raising
  /// `waits` to the latest conflicting position of every agent of another
  /// queue.
  void track(const Access &access, int agent, int64_t pos, Positions &waits);

  /// Makes `pos` of `consumer` wait for `producerPos` of the load or store
  /// queue.
  void waitDma(int consumer, int64_t pos, int producer, int64_t producerPos);
  /// Makes `pos` of the load or store queue wait for the compute positions
  /// `waits[Matrix..Structuring]` and `fence` (a SYNC, or -1).
  void waitCompute(int consumer, int64_t pos, const Positions &waits,
                   int64_t fence);
  /// Marks `producerPos` of `producer` as the next push on `ch`.
  void push(unsigned ch, int consumer, int64_t pos, int producer,
            int64_t producerPos);
  /// The compute position whose end implies that `pos` of the load or store
  /// queue has ended, appending a relay SYNC if no compute instruction
  /// waited for it yet.
  int64_t relay(int from, int64_t pos);
  /// Appends a SYNC to the compute queue and returns its position.
  int64_t appendSync();
  /// Index of the channel from `producer` to the adjacent `consumer`.
  static unsigned channel(int producer, int consumer);

  uint64_t wgtBytes;
  std::array<std::vector<isa::Instruction>, isa::kNumQueues> queues;
  std::array<Space, NumSpaces> spaces;
  /// Per channel (L->C, C->L, C->S, S->C): the last pushing producer
  /// position; for the channels from compute, also per agent and of a SYNC.
  std::array<int64_t, 4> lastPushed = {-1, -1, -1, -1};
  std::array<Positions, 4> lastAgentPush;
  std::array<int64_t, 4> lastSyncPush = {-1, -1, -1, -1};
  /// Per channel, (producer position, consumer position) of each token.
  std::array<std::vector<std::pair<int64_t, int64_t>>, 4> pops;
  /// Compute positions per agent.
  std::array<std::vector<int64_t>, NumAgents> agentPositions;

  std::vector<binary::Layer> layers;
  bool inLayer = false;
  uint64_t numAdded = 0, numTokens = 0, numRelays = 0;
};

} // namespace spc::schedule

#endif // SPC_TARGET_SCHEDULE_H
