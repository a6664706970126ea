//===- Sparsity.cpp - N:M and density measurement -------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Support/Sparsity.h"

#include <algorithm>
#include <cassert>
#include <cstring>

using namespace spc;

llvm::SmallVector<int64_t> spc::getProfiledGroupSizes(int64_t extent) {
  llvm::SmallVector<int64_t> sizes = {4};
  for (int64_t m = 8; m <= kMaxGroupSize && m <= extent; m *= 2)
    sizes.push_back(m);
  return sizes;
}

llvm::SmallVector<uint8_t> spc::computeNonZeroMask(llvm::ArrayRef<char> raw,
                                                   unsigned bitWidth,
                                                   bool isFloat,
                                                   int64_t numElements) {
  assert(bitWidth % 8 == 0 && bitWidth <= 64 && "unsupported element width");
  size_t bytes = bitWidth / 8;
  assert(raw.size() >= bytes * size_t(numElements) && "buffer too small");
  uint64_t mask = bitWidth == 64 ? ~uint64_t(0) : (uint64_t(1) << bitWidth) - 1;
  if (isFloat)
    mask &= ~(uint64_t(1) << (bitWidth - 1));
  llvm::SmallVector<uint8_t> result(numElements);
  const char *data = raw.data();
  for (int64_t i = 0; i < numElements; ++i) {
    uint64_t bits = 0;
    // The host is little-endian, as the MLIR blob format assumes.
    std::memcpy(&bits, data + i * bytes, bytes);
    result[i] = (bits & mask) != 0;
  }
  return result;
}

int64_t spc::maxNonZerosPerGroup(llvm::ArrayRef<uint8_t> nonZeroMask,
                                 llvm::ArrayRef<int64_t> shape, unsigned dim,
                                 int64_t m) {
  assert(dim < shape.size() && m > 0 && "invalid group");
  int64_t outer = 1, inner = 1;
  for (unsigned i = 0; i < dim; ++i)
    outer *= shape[i];
  for (unsigned i = dim + 1; i < shape.size(); ++i)
    inner *= shape[i];
  int64_t extent = shape[dim];
  assert(int64_t(nonZeroMask.size()) == outer * extent * inner);

  // Walk each group with the inner dimension innermost, so that every pass
  // over memory is contiguous; `counts` holds one running count per inner
  // position.
  int64_t best = 0;
  llvm::SmallVector<int64_t> counts(inner);
  for (int64_t o = 0; o < outer; ++o) {
    const uint8_t *slab = nonZeroMask.data() + o * extent * inner;
    for (int64_t start = 0; start < extent; start += m) {
      std::fill(counts.begin(), counts.end(), 0);
      int64_t end = std::min(extent, start + m);
      for (int64_t d = start; d < end; ++d) {
        const uint8_t *row = slab + d * inner;
        for (int64_t i = 0; i < inner; ++i)
          counts[i] += row[i];
      }
      for (int64_t count : counts)
        best = std::max(best, count);
      if (best == m)
        return best;
    }
  }
  return best;
}

SparsityProfile spc::measureSparsity(llvm::ArrayRef<uint8_t> nonZeroMask,
                                     llvm::ArrayRef<int64_t> shape,
                                     unsigned dim) {
  SparsityProfile profile;
  profile.numElements = nonZeroMask.size();
  for (uint8_t bit : nonZeroMask)
    profile.numNonZeros += bit;
  for (int64_t m : getProfiledGroupSizes(shape[dim]))
    profile.patterns.push_back(
        {maxNonZerosPerGroup(nonZeroMask, shape, dim, m), m});
  return profile;
}

NMPattern spc::getTightestPattern(llvm::ArrayRef<NMPattern> patterns) {
  NMPattern best;
  for (const NMPattern &pattern : patterns) {
    // Compare n/m exactly by cross-multiplying; the list is in increasing M,
    // so a strict comparison keeps the smallest M on ties.
    if (best.m == 0 || pattern.n * best.m < best.n * pattern.m)
      best = pattern;
  }
  return best;
}
