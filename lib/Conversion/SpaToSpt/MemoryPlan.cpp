//===- MemoryPlan.cpp - The DRAM arena ------------------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "MemoryPlan.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cassert>

using namespace spc::codegen;

uint64_t Arena::allocate(uint64_t bytes) {
  bytes = llvm::alignTo(std::max<uint64_t>(bytes, 1), kAlignment);
  live += bytes;
  for (auto it = freeRanges.begin(); it != freeRanges.end(); ++it) {
    if (it->second < bytes)
      continue;
    uint64_t offset = it->first, rest = it->second - bytes;
    freeRanges.erase(it);
    if (rest)
      freeRanges.emplace(offset + bytes, rest);
    blocks.emplace(offset, bytes);
    return offset;
  }
  // Grow the arena, starting inside a free range that ends at the top.
  uint64_t offset = top;
  if (!freeRanges.empty()) {
    auto last = std::prev(freeRanges.end());
    if (last->first + last->second == top) {
      offset = last->first;
      freeRanges.erase(last);
    }
  }
  top = offset + bytes;
  peak = std::max(peak, top);
  blocks.emplace(offset, bytes);
  return offset;
}

void Arena::free(uint64_t offset) {
  auto block = blocks.find(offset);
  assert(block != blocks.end() && "freeing a block the arena did not hand out");
  uint64_t size = block->second;
  blocks.erase(block);
  live -= size;
  auto next = freeRanges.lower_bound(offset);
  if (next != freeRanges.end() && offset + size == next->first) {
    size += next->second;
    next = freeRanges.erase(next);
  }
  if (next != freeRanges.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == offset) {
      prev->second += size;
      return;
    }
  }
  freeRanges.emplace(offset, size);
}
