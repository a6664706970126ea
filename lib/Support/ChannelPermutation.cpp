//===- ChannelPermutation.cpp - Channel permutation for N:M ---------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Support/ChannelPermutation.h"


#include <algorithm>
#include <cassert>
#include <numeric>

using namespace spc;

namespace {

/// Orders the M slots of one row of a group: largest magnitude first, ties
/// to the lower slot (as spa-prune keeps them).
void rankSlots(const float *values, int64_t m, int64_t *order) {
  if (m > 16) {
    std::iota(order, order + m, 0);
    std::sort(order, order + m, [&](int64_t a, int64_t b) {
      return values[a] != values[b] ? values[a] > values[b] : a < b;
    });
    return;
  }
  // Insertion sort: the groups are small, and it is stable.
  for (int64_t i = 0; i < m; ++i) {
    int64_t j = i;
    for (; j > 0 && values[order[j - 1]] < values[i]; --j)
      order[j] = order[j - 1];
    order[j] = i;
  }
}

/// The state of the swap search: which channel every position reads, each
/// group's top-N sum, and per position and row a threshold T and a base B
/// that price moving the position's channel out of its group.
///
/// Removing x from a group and adding y changes the group's top-N sum by
/// max(y, (N+1)-th) - x when x is in the top N, else by max(0, y - N-th) =
/// max(y, N-th) - N-th. Both are max(y, T) - B, with T and B fixed per
/// position and row, so a swap is priced by one branch-free pass over the
/// rows: sum(max(y, T_a) - B_a + max(x, T_b) - B_b).
class SwapSearch {
public:
  SwapSearch(llvm::ArrayRef<float> magnitudes, int64_t channels, int64_t n,
             int64_t m)
      : magnitudes(magnitudes), rows(int64_t(magnitudes.size()) / channels),
        n(n), m(m), groups(channels / m), permutation(channels),
        topSum(groups), threshold(channels * rows), base(channels * rows) {
    std::iota(permutation.begin(), permutation.end(), 0);
    for (int64_t g = 0; g < groups; ++g)
      update(g);
  }

  const float *column(int64_t position) const {
    return magnitudes.data() + permutation[position] * rows;
  }

  /// Recomputes group g's top-N sum, thresholds and bases.
  void update(int64_t g) {
    std::vector<float> values(m);
    std::vector<int64_t> order(m);
    double sum = 0.0;
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t s = 0; s < m; ++s)
        values[s] = column(g * m + s)[r];
      rankSlots(values.data(), m, order.data());
      float nth = values[order[n - 1]], next = values[order[n]];
      for (int64_t k = 0; k < m; ++k) {
        int64_t slot = order[k];
        bool top = k < n;
        threshold[(g * m + slot) * rows + r] = top ? next : nth;
        base[(g * m + slot) * rows + r] = top ? values[slot] : nth;
        if (top)
          sum += values[slot];
      }
    }
    topSum[g] = sum;
  }

  /// The estimated gain of swapping positions a and b (of different groups).
  double gain(int64_t a, int64_t b) const {
    const float *x = column(a), *y = column(b);
    const float *tA = &threshold[a * rows], *tB = &threshold[b * rows];
    const float *bA = &base[a * rows], *bB = &base[b * rows];
    auto term = [&](int64_t r) {
      return (std::max(y[r], tA[r]) - bA[r]) + (std::max(x[r], tB[r]) - bB[r]);
    };
    // Eight float lanes (which vectorize without reassociating a single
    // sum) over blocks of 256 rows, added up in double.
    constexpr int64_t kLanes = 8, kBlock = 256;
    double total = 0.0;
    int64_t r = 0;
    for (; r + kLanes <= rows;) {
      float lanes[kLanes] = {};
      for (int64_t end = std::min(rows - kLanes + 1, r + kBlock); r < end;
           r += kLanes)
        for (int64_t k = 0; k < kLanes; ++k)
          lanes[k] += term(r + k);
      for (float lane : lanes)
        total += lane;
    }
    for (; r < rows; ++r)
      total += term(r);
    return total;
  }

  /// Tries the best swap between groups g1 and g2; returns whether it
  /// gained (measured again on the two groups' exact top-N sums, so that
  /// float rounding in the estimate never makes the result worse).
  bool improvePair(int64_t g1, int64_t g2, uint64_t &evaluations) {
    double best = 0.0;
    int64_t bestA = -1, bestB = -1;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < m; ++j) {
        double g = gain(g1 * m + i, g2 * m + j);
        if (g > best) {
          best = g;
          bestA = g1 * m + i;
          bestB = g2 * m + j;
        }
      }
    evaluations += uint64_t(m * m * rows);
    // Below rounding noise, a gain is not worth the update.
    if (bestA < 0 || best <= 1e-6 * (topSum[g1] + topSum[g2]))
      return false;
    double before = topSum[g1] + topSum[g2];
    std::swap(permutation[bestA], permutation[bestB]);
    update(g1);
    update(g2);
    if (topSum[g1] + topSum[g2] > before * (1.0 + 1e-9))
      return true;
    std::swap(permutation[bestA], permutation[bestB]);
    update(g1);
    update(g2);
    return false;
  }

  llvm::ArrayRef<float> magnitudes;
  int64_t rows, n, m, groups;
  std::vector<int64_t> permutation;
  std::vector<double> topSum;
  std::vector<float> threshold, base;
};

/// splitmix64: a small, portable, seeded generator (std::shuffle's output
/// differs between standard libraries).
uint64_t nextRandom(uint64_t &state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

} // namespace

double spc::getRetainedMagnitude(llvm::ArrayRef<float> magnitudes,
                                 llvm::ArrayRef<int64_t> permutation,
                                 int64_t n, int64_t m) {
  int64_t channels = int64_t(permutation.size());
  assert(channels % m == 0 && "channels must divide into groups of M");
  int64_t rows = int64_t(magnitudes.size()) / channels;
  std::vector<float> values(m);
  std::vector<int64_t> order(m);
  double retained = 0.0;
  for (int64_t g = 0; g < channels / m; ++g)
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t s = 0; s < m; ++s)
        values[s] = magnitudes[permutation[g * m + s] * rows + r];
      rankSlots(values.data(), m, order.data());
      for (int64_t k = 0; k < n; ++k)
        retained += values[order[k]];
    }
  return retained;
}

ChannelPermutationResult
spc::searchChannelPermutation(llvm::ArrayRef<float> magnitudes,
                              int64_t channels, int64_t n, int64_t m,
                              uint64_t budget, uint64_t seed) {
  assert(channels > 0 && channels % m == 0 && n >= 1 && n < m &&
         "channels must divide into groups of M > N");
  ChannelPermutationResult result;
  SwapSearch search(magnitudes, channels, n, m);
  auto retained = [&] {
    double sum = 0.0;
    for (double groupSum : search.topSum)
      sum += groupSum;
    return sum;
  };
  result.retainedBefore = retained();

  std::vector<std::pair<int64_t, int64_t>> pairs;
  for (int64_t g1 = 0; g1 < search.groups; ++g1)
    for (int64_t g2 = g1 + 1; g2 < search.groups; ++g2)
      pairs.emplace_back(g1, g2);
  uint64_t state = seed;
  bool improved = !pairs.empty();
  while (improved && result.evaluations < budget) {
    improved = false;
    for (size_t i = pairs.size(); i > 1; --i)
      std::swap(pairs[i - 1], pairs[nextRandom(state) % i]);
    for (auto [g1, g2] : pairs) {
      if (result.evaluations >= budget)
        break;
      if (search.improvePair(g1, g2, result.evaluations)) {
        ++result.swaps;
        improved = true;
      }
    }
  }
  result.retainedAfter = retained();
  result.permutation = std::move(search.permutation);
  return result;
}
