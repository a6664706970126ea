//===- ChannelPermutation.h - Channel permutation for N:M -------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The search of Pool & Yu, "Channel Permutations for N:M Sparsity" (NeurIPS
// 2021): reorder the input channels of a weight so that N:M magnitude
// pruning, which keeps the N largest of every M consecutive channels in each
// row, keeps more of the weight's magnitude.
//
// The weights are given as a channel-major matrix of magnitudes: column c
// (one input channel) holds `rows` values, one per output channel and filter
// tap of every layer that reads those channels. A permutation maps each new
// position to an original channel: `permutation[p]` is the channel that
// position p reads.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_SUPPORT_CHANNELPERMUTATION_H
#define SPC_SUPPORT_CHANNELPERMUTATION_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace spc {

/// The magnitude N:M pruning keeps: over every row and every group of M
/// consecutive positions of `permutation`, the sum of the N largest
/// magnitudes. `magnitudes` is channel-major ([channels][rows]) and
/// `permutation.size()` channels divide into groups of M.
double getRetainedMagnitude(llvm::ArrayRef<float> magnitudes,
                            llvm::ArrayRef<int64_t> permutation, int64_t n,
                            int64_t m);

struct ChannelPermutationResult {
  std::vector<int64_t> permutation;
  /// Retained magnitude (getRetainedMagnitude) of the identity and of
  /// `permutation`; never less than the identity's.
  double retainedBefore = 0.0, retainedAfter = 0.0;
  /// Swaps applied, and the row evaluations spent (each candidate swap of
  /// two channels costs one per row).
  uint64_t swaps = 0, evaluations = 0;
};

/// Searches a permutation of `channels` channels (a multiple of `m`) that
/// retains more magnitude under N:M pruning: Pool & Yu's channel swaps.
/// Every pair of groups is visited in a seeded random order, the best swap
/// of one channel of each is applied when it gains, and sweeps repeat until
/// a sweep gains nothing or `budget` row evaluations are spent. Each swap is
/// priced in O(1) per row from the groups' top-N sums and their N-th and
/// (N+1)-th largest values. Deterministic for a given seed.
ChannelPermutationResult
searchChannelPermutation(llvm::ArrayRef<float> magnitudes, int64_t channels,
                         int64_t n, int64_t m, uint64_t budget,
                         uint64_t seed = 0);

} // namespace spc

#endif // SPC_SUPPORT_CHANNELPERMUTATION_H
