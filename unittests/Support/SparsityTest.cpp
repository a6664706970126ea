//===- SparsityTest.cpp - N:M measurement tests ---------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Support/Sparsity.h"

#include "gtest/gtest.h"

#include <cstring>
#include <random>

using namespace spc;

namespace {

/// Straightforward reference: visit every group by its coordinates.
int64_t referenceMaxPerGroup(llvm::ArrayRef<uint8_t> mask,
                             llvm::ArrayRef<int64_t> shape, unsigned dim,
                             int64_t m) {
  int64_t numElements = mask.size();
  llvm::SmallVector<int64_t> strides(shape.size(), 1);
  for (int i = int(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  int64_t best = 0;
  for (int64_t flat = 0; flat < numElements; ++flat) {
    int64_t coord = (flat / strides[dim]) % shape[dim];
    if (coord % m != 0)
      continue; // Only group leaders start a count.
    int64_t count = 0;
    for (int64_t k = 0; k < m && coord + k < shape[dim]; ++k)
      count += mask[flat + k * strides[dim]];
    best = std::max(best, count);
  }
  return best;
}

std::vector<char> floatBytes(llvm::ArrayRef<float> values) {
  std::vector<char> bytes(values.size() * sizeof(float));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

TEST(SparsityTest, NonZeroMaskTreatsNegativeZeroAsZero) {
  std::vector<char> bytes =
      floatBytes({0.0f, -0.0f, 1.0f, -2.5f, 1e-40f /*denormal*/});
  llvm::SmallVector<uint8_t> mask =
      computeNonZeroMask(bytes, 32, /*isFloat=*/true, 5);
  EXPECT_EQ(mask, (llvm::SmallVector<uint8_t>{0, 0, 1, 1, 1}));
}

TEST(SparsityTest, NonZeroMaskIntegers) {
  // For integers every bit counts, including the sign bit: -128 is non-zero.
  int8_t i8[] = {0, -128, 1, 0};
  llvm::ArrayRef<char> raw(reinterpret_cast<const char *>(i8), sizeof(i8));
  EXPECT_EQ(computeNonZeroMask(raw, 8, /*isFloat=*/false, 4),
            (llvm::SmallVector<uint8_t>{0, 1, 1, 0}));
  int32_t i32[] = {0, 1 << 31, 256};
  raw = llvm::ArrayRef<char>(reinterpret_cast<const char *>(i32), sizeof(i32));
  EXPECT_EQ(computeNonZeroMask(raw, 32, /*isFloat=*/false, 3),
            (llvm::SmallVector<uint8_t>{0, 1, 1}));
}

TEST(SparsityTest, NonZeroMaskHalf) {
  // f16: 0x8000 is -0.0, 0x3C00 is 1.0, 0x0001 the smallest denormal.
  uint16_t f16[] = {0x8000, 0x3C00, 0x0000, 0x0001};
  llvm::ArrayRef<char> raw(reinterpret_cast<const char *>(f16), sizeof(f16));
  EXPECT_EQ(computeNonZeroMask(raw, 16, /*isFloat=*/true, 4),
            (llvm::SmallVector<uint8_t>{0, 1, 0, 1}));
}

TEST(SparsityTest, TwoOfFourAlongInnerAndOuterDims) {
  // 2 x 8, non-zeros at columns 0, 1, 4, 5 of each row.
  llvm::SmallVector<uint8_t> mask = {1, 1, 0, 0, 1, 1, 0, 0,
                                     1, 1, 0, 0, 1, 1, 0, 0};
  EXPECT_EQ(maxNonZerosPerGroup(mask, {2, 8}, 1, 4), 2);
  EXPECT_EQ(maxNonZerosPerGroup(mask, {2, 8}, 1, 8), 4);
  // Along dimension 0 a group holds both rows of a column.
  EXPECT_EQ(maxNonZerosPerGroup(mask, {2, 8}, 0, 4), 2);
}

TEST(SparsityTest, PartialGroupIsZeroPadded) {
  // A 3-long dimension with M = 4: the single group holds all 3 values.
  llvm::SmallVector<uint8_t> mask = {1, 1, 1};
  EXPECT_EQ(maxNonZerosPerGroup(mask, {3}, 0, 4), 3);
  EXPECT_EQ(maxNonZerosPerGroup(mask, {3}, 0, 2), 2);
}

TEST(SparsityTest, ProfileAndDensity) {
  llvm::SmallVector<uint8_t> mask(256, 0);
  for (int i = 0; i < 256; i += 16)
    mask[i] = 1;
  SparsityProfile profile = measureSparsity(mask, {256}, 0);
  EXPECT_EQ(profile.patterns.size(), 7u);
  EXPECT_EQ(profile.numNonZeros, 16);
  EXPECT_DOUBLE_EQ(profile.density(), 1.0 / 16);
  llvm::SmallVector<NMPattern> expected = {{1, 4},  {1, 8},  {1, 16}, {2, 32},
                                           {4, 64}, {8, 128}, {16, 256}};
  EXPECT_EQ(profile.patterns, expected);
  // 1:16 and 16:256 have the same ratio; the smaller group wins.
  EXPECT_EQ(getTightestPattern(profile.patterns), (NMPattern{1, 16}));
}

TEST(SparsityTest, ProfiledGroupsFitTheDimension) {
  EXPECT_EQ(getProfiledGroupSizes(3), (llvm::SmallVector<int64_t>{4}));
  EXPECT_EQ(getProfiledGroupSizes(4), (llvm::SmallVector<int64_t>{4}));
  EXPECT_EQ(getProfiledGroupSizes(100),
            (llvm::SmallVector<int64_t>{4, 8, 16, 32, 64}));
  EXPECT_EQ(getProfiledGroupSizes(4096),
            (llvm::SmallVector<int64_t>{4, 8, 16, 32, 64, 128, 256}));
  // A dense 32-wide dimension must not look 32:256-sparse through padding.
  llvm::SmallVector<uint8_t> dense(2 * 32, 1);
  SparsityProfile profile = measureSparsity(dense, {2, 32}, 1);
  EXPECT_EQ(getTightestPattern(profile.patterns), (NMPattern{4, 4}));
}

TEST(SparsityTest, TightestPatternOfDenseIsSmallestGroup) {
  llvm::SmallVector<NMPattern> dense = {{4, 4}, {8, 8}, {16, 16}};
  EXPECT_EQ(getTightestPattern(dense), (NMPattern{4, 4}));
  EXPECT_EQ(getTightestPattern({}), NMPattern());
}

/// Property test: the fast walk agrees with the reference on random shapes,
/// dimensions, group sizes and densities.
TEST(SparsityTest, MatchesReferenceOnRandomTensors) {
  std::mt19937 rng(20261123);
  for (int trial = 0; trial < 300; ++trial) {
    int rank = 1 + rng() % 4;
    llvm::SmallVector<int64_t> shape;
    int64_t numElements = 1;
    for (int i = 0; i < rank; ++i) {
      shape.push_back(1 + rng() % 9);
      numElements *= shape.back();
    }
    double density = std::uniform_real_distribution<double>(0, 1)(rng);
    std::bernoulli_distribution bit(density);
    llvm::SmallVector<uint8_t> mask(numElements);
    for (uint8_t &value : mask)
      value = bit(rng);
    unsigned dim = rng() % rank;
    for (int64_t m : {1, 2, 3, 4, 8, 16, 256})
      ASSERT_EQ(maxNonZerosPerGroup(mask, shape, dim, m),
                referenceMaxPerGroup(mask, shape, dim, m))
          << "trial " << trial << " dim " << dim << " m " << m;
  }
}

} // namespace
