//===- TasdTest.cpp - TASD decomposition maths ----------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Support/Tasd.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace spc;
using namespace spc::tasd;

namespace {

std::vector<double> randomValues(size_t count, unsigned seed,
                                 double zeroFraction = 0.0) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  std::vector<double> v(count);
  for (double &x : v)
    x = uniform(rng) < zeroFraction ? 0.0 : normal(rng);
  return v;
}

/// The sum of the terms: the kept values in place, zeros elsewhere.
std::vector<double> reconstruct(llvm::ArrayRef<double> values,
                                llvm::ArrayRef<int8_t> terms, int keepBelow) {
  std::vector<double> sum(values.size(), 0.0);
  for (size_t i = 0; i < values.size(); ++i)
    if (terms[i] >= 0 && terms[i] < keepBelow)
      sum[i] = values[i];
  return sum;
}

TEST(TasdTest, ParsesAndFormatsSeries) {
  std::string error;
  std::optional<Series> s = parseSeries("2:4+1:8", error);
  ASSERT_TRUE(s) << error;
  EXPECT_EQ(formatSeries(*s), "2:4+1:8");
  EXPECT_DOUBLE_EQ(getMaxDensity(*s), 0.625);
  ASSERT_TRUE(parseSeries("none", error));
  EXPECT_TRUE(parseSeries("none", error)->empty());
  EXPECT_FALSE(parseSeries("2:4+5:4", error));
  EXPECT_NE(error.find("'5:4'"), std::string::npos) << error;
  EXPECT_FALSE(parseSeries("2:4+", error));
  EXPECT_FALSE(parseSeries("1:2+1:2+1:2+1:2+1:2+1:2+1:2+1:2+1:2", error));
}

TEST(TasdTest, ExactWhenTheFirstTermFits) {
  // A 2:4 weight (groups along dim 1 of 6x16) is kept whole by a 2:4 first
  // term, whatever follows.
  std::vector<double> v = randomValues(6 * 16, 1);
  for (size_t i = 0; i < v.size(); ++i)
    if (i % 4 == 1 || i % 4 == 2)
      v[i] = 0.0;
  for (Series s : {Series{{2, 4}}, Series{{2, 4}, {1, 8}}}) {
    std::vector<int8_t> terms = decompose(v, {6, 16}, 1, s);
    EXPECT_EQ(reconstruct(v, terms, 1), v);
    EXPECT_DOUBLE_EQ(getPrefixErrors(v, terms, s.size()).front(), 0.0);
  }
}

TEST(TasdTest, ErrorNeverGrowsWithMoreTerms) {
  for (unsigned seed = 0; seed < 20; ++seed) {
    std::vector<double> v = randomValues(8 * 32, seed, 0.3 * (seed % 3));
    Series s = {{1, 4}, {1, 8}, {2, 16}, {1, 4}, {4, 32}};
    std::vector<int8_t> terms = decompose(v, {8, 32}, 1, s);
    llvm::SmallVector<double> errors = getPrefixErrors(v, terms, s.size());
    ASSERT_EQ(errors.size(), s.size());
    double before = 1.0;
    for (double e : errors) {
      EXPECT_LE(e, before + 1e-12);
      before = e;
    }
    // The direct error of each prefix agrees.
    for (size_t j = 1; j <= s.size(); ++j) {
      std::vector<double> sum = reconstruct(v, terms, int(j));
      double num = 0.0, den = 0.0;
      for (size_t i = 0; i < v.size(); ++i) {
        num += (v[i] - sum[i]) * (v[i] - sum[i]);
        den += v[i] * v[i];
      }
      EXPECT_NEAR(errors[j - 1], std::sqrt(num / den), 1e-12);
    }
  }
}

TEST(TasdTest, ResidualIdentityAndTermPatterns) {
  // Along a middle dimension (a conv weight [O][C][kh][kw] grouped along
  // C): every term satisfies its own pattern, the terms are disjoint, and
  // A = A1 + ... + Ak + residual exactly.
  std::vector<int64_t> shape = {3, 16, 2, 2};
  std::vector<double> v = randomValues(3 * 16 * 2 * 2, 7, 0.2);
  Series s = {{2, 4}, {1, 8}};
  std::vector<int8_t> terms = decompose(v, shape, 1, s);
  for (size_t j = 0; j < s.size(); ++j)
    for (int64_t o = 0; o < 3; ++o)
      for (int64_t i = 0; i < 4; ++i)
        for (int64_t g = 0; g < 16; g += s[j].m) {
          int64_t count = 0;
          for (int64_t c = g; c < g + s[j].m; ++c)
            count += terms[(o * 16 + c) * 4 + i] == int8_t(j);
          EXPECT_LE(count, s[j].n);
        }
  std::vector<double> sum = reconstruct(v, terms, int(s.size()));
  for (size_t i = 0; i < v.size(); ++i) {
    double residual = terms[i] < 0 ? v[i] : 0.0;
    EXPECT_EQ(sum[i] + residual, v[i]);
  }
}

TEST(TasdTest, GreedyTermsAreTheTopOfTheResidual) {
  // Term 1 keeps the largest magnitudes of each group; term 2 the largest
  // of what term 1 left, in its own (larger) groups. Ties keep the lower
  // index.
  std::vector<double> v = {1, -4, 3, 0, 2, 2, -2, 5};
  std::vector<int8_t> terms = decompose(v, {8}, 0, {{1, 4}, {2, 8}});
  EXPECT_EQ(terms, (std::vector<int8_t>{-1, 0, 1, -1, 1, -1, -1, 0}));
}

TEST(TasdTest, DecomposingTheApproximationIsIdempotent) {
  // The backend decomposes the approximated weight again to pack its
  // terms; it must find the same values.
  for (unsigned seed = 0; seed < 10; ++seed) {
    std::vector<double> v = randomValues(4 * 64, seed, 0.5);
    for (size_t i = 0; i < v.size(); i += 7)
      v[i] = v[i + 1 < v.size() ? i + 1 : i]; // ties
    Series s = {{2, 4}, {1, 8}, {1, 16}};
    std::vector<double> approx =
        reconstruct(v, decompose(v, {4, 64}, 1, s), int(s.size()));
    std::vector<int8_t> again = decompose(approx, {4, 64}, 1, s);
    EXPECT_EQ(reconstruct(approx, again, int(s.size())), approx);
  }
}

TEST(TasdTest, StructureRowMatchesAReference) {
  // A sort-free reference: keep a value when fewer than n values of its
  // group outrank it (a NaN above every number, ties to the lower index).
  std::mt19937 rng(3);
  for (unsigned m : {4u, 8u, 16u, 32u})
    for (unsigned n = 1; n <= m; n += 1 + m / 8) {
      std::vector<float> row(m * 3);
      for (float &x : row) {
        x = float(int(rng() % 7) - 3);
        if (rng() % 17 == 0)
          x = NAN;
      }
      std::vector<float> want = row;
      auto mag = [](float x) { return std::isnan(x) ? INFINITY : std::fabs(x); };
      for (size_t g = 0; g < row.size(); g += m)
        for (size_t i = g; i < g + m; ++i) {
          unsigned above = 0;
          for (size_t j = g; j < g + m; ++j)
            above += mag(row[j]) > mag(row[i]) ||
                     (mag(row[j]) == mag(row[i]) && j < i);
          if (above >= n)
            want[i] = 0.0f;
        }
      std::vector<float> got = row;
      structureRow(got, n, m);
      for (size_t i = 0; i < row.size(); ++i)
        EXPECT_TRUE(std::isnan(want[i]) ? std::isnan(got[i]) : got[i] == want[i])
            << "n=" << n << " m=" << m << " i=" << i;
    }
}

} // namespace
