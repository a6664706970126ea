//===- ChannelPermutationTest.cpp - Channel permutation search tests ------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Support/ChannelPermutation.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <numeric>
#include <random>

using namespace spc;

namespace {

constexpr uint64_t kUnlimited = ~uint64_t(0);

/// A channel-major [channels][rows] matrix of |N(0, 1)| magnitudes.
std::vector<float> randomMagnitudes(int64_t channels, int64_t rows,
                                    unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> m(channels * rows);
  for (float &v : m)
    v = std::fabs(normal(rng));
  return m;
}

std::vector<int64_t> identity(int64_t channels) {
  std::vector<int64_t> p(channels);
  std::iota(p.begin(), p.end(), 0);
  return p;
}

TEST(ChannelPermutation, RetainedMagnitudeKeepsTopNOfEachGroup) {
  // One row, channels [4, 1, 3, 2 | 0, 5, 0, 1]: 2:4 keeps 4+3 and 5+1.
  std::vector<float> m = {4, 1, 3, 2, 0, 5, 0, 1};
  EXPECT_DOUBLE_EQ(getRetainedMagnitude(m, identity(8), 2, 4), 13.0);
  // Reading channels 0, 4, 1, 5 | 2, 6, 3, 7: keeps 4+5 and 3+2.
  EXPECT_DOUBLE_EQ(getRetainedMagnitude(m, {0, 4, 1, 5, 2, 6, 3, 7}, 2, 4),
                   14.0);
}

TEST(ChannelPermutation, FindsTheSplitOfLargeChannels) {
  // Every row is large in channels 0-3 and small in 4-7: the identity keeps
  // two large values of the first group and two small of the second; the
  // best permutation puts two large channels in each group.
  int64_t rows = 6;
  std::vector<float> m(8 * rows);
  for (int64_t c = 0; c < 8; ++c)
    for (int64_t r = 0; r < rows; ++r)
      m[c * rows + r] = c < 4 ? 9.0f : 1.0f;
  ChannelPermutationResult result =
      searchChannelPermutation(m, 8, 2, 4, kUnlimited);
  EXPECT_DOUBLE_EQ(result.retainedBefore, rows * 20.0);
  EXPECT_DOUBLE_EQ(result.retainedAfter, rows * 36.0);
  for (int64_t g = 0; g < 2; ++g)
    EXPECT_EQ(std::count_if(result.permutation.begin() + 4 * g,
                            result.permutation.begin() + 4 * g + 4,
                            [](int64_t c) { return c < 4; }),
              2);
}

TEST(ChannelPermutation, KeepsAWeightThatAlreadySatisfiesThePattern) {
  // 2:4 already: nothing is lost, so no swap can gain.
  std::vector<float> m = randomMagnitudes(16, 10, 1);
  for (int64_t c = 0; c < 16; ++c)
    for (int64_t r = 0; r < 10; ++r)
      if ((c + r) % 4 >= 2)
        m[c * 10 + r] = 0.0f;
  ChannelPermutationResult result =
      searchChannelPermutation(m, 16, 2, 4, kUnlimited);
  EXPECT_EQ(result.swaps, 0u);
  EXPECT_EQ(result.permutation, identity(16));
  EXPECT_DOUBLE_EQ(result.retainedAfter, result.retainedBefore);
}

TEST(ChannelPermutation, ConvergesToALocalOptimumOfSwaps) {
  for (auto [n, m] : {std::pair<int64_t, int64_t>{2, 4}, {1, 4}, {2, 8}}) {
    int64_t channels = 32, rows = 24;
    std::vector<float> mags = randomMagnitudes(channels, rows, unsigned(m + n));
    ChannelPermutationResult result =
        searchChannelPermutation(mags, channels, n, m, kUnlimited, 7);
    std::vector<int64_t> sorted = result.permutation;
    std::sort(sorted.begin(), sorted.end());
    ASSERT_EQ(sorted, identity(channels)) << "not a permutation";
    EXPECT_GT(result.retainedAfter, result.retainedBefore);
    EXPECT_NEAR(result.retainedAfter,
                getRetainedMagnitude(mags, result.permutation, n, m), 1e-6);
    // No single swap of two channels in different groups gains.
    for (int64_t a = 0; a < channels; ++a)
      for (int64_t b = a + 1; b < channels; ++b) {
        if (a / m == b / m)
          continue;
        std::vector<int64_t> p = result.permutation;
        std::swap(p[a], p[b]);
        EXPECT_LE(getRetainedMagnitude(mags, p, n, m),
                  result.retainedAfter * (1 + 1e-6))
            << n << ":" << m << " swap " << a << " " << b;
      }
  }
}

TEST(ChannelPermutation, IsDeterministicAndRespectsTheBudget) {
  std::vector<float> mags = randomMagnitudes(64, 40, 3);
  ChannelPermutationResult a = searchChannelPermutation(mags, 64, 2, 4, 1u << 20, 5);
  ChannelPermutationResult b = searchChannelPermutation(mags, 64, 2, 4, 1u << 20, 5);
  EXPECT_EQ(a.permutation, b.permutation);
  EXPECT_GE(a.retainedAfter, a.retainedBefore);
  // The budget is checked before each pair of groups (16 swaps of 40 rows).
  EXPECT_LE(a.evaluations, (1u << 20) + 16 * 40);
  ChannelPermutationResult none = searchChannelPermutation(mags, 64, 2, 4, 0);
  EXPECT_EQ(none.permutation, identity(64));
  EXPECT_EQ(none.evaluations, 0u);
}

} // namespace
