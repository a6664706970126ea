//===- MemoryPlan.h - The DRAM arena ----------------------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Intermediate tensors share one DRAM arena: a tensor takes space when its
// layer runs and gives it back after its last reader. Allocation is first
// fit over the free ranges, 64-byte aligned (one DRAM burst on the presets),
// with neighbours merged on free; the arena's size is its high-water mark.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_LIB_CONVERSION_SPATOSPT_MEMORYPLAN_H
#define SPC_LIB_CONVERSION_SPATOSPT_MEMORYPLAN_H

#include <cstdint>
#include <map>

namespace spc::codegen {

class Arena {
public:
  static constexpr uint64_t kAlignment = 64;

  /// The offset of a new block of `bytes`.
  uint64_t allocate(uint64_t bytes);
  /// Returns the block at `offset` (from `allocate`).
  void free(uint64_t offset);
  /// The high-water mark: bytes the arena needs.
  uint64_t getPeak() const { return peak; }
  /// Bytes allocated now.
  uint64_t getLive() const { return live; }

private:
  /// Free ranges: offset -> size, never adjacent.
  std::map<uint64_t, uint64_t> freeRanges;
  /// Allocated blocks: offset -> size.
  std::map<uint64_t, uint64_t> blocks;
  uint64_t top = 0, peak = 0, live = 0;
};

} // namespace spc::codegen

#endif // SPC_LIB_CONVERSION_SPATOSPT_MEMORYPLAN_H
