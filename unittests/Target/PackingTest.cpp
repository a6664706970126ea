//===- PackingTest.cpp - Packed weight format tests -----------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Target/Binary.h"
#include "spc/Target/Packing.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <cstring>
#include <random>

using namespace spc;
using namespace spc::isa;
using ::testing::HasSubstr;

namespace {

std::vector<uint8_t> toBytes(const std::vector<float> &values) {
  std::vector<uint8_t> bytes(values.size() * 4);
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

std::string errorOf(llvm::Expected<std::vector<uint8_t>> result) {
  if (result)
    return "";
  return llvm::toString(result.takeError());
}

// ISA §6.4.1 and §6.4.4, worked by hand: a 1x8 f32 row packed 2:4. Group 0
// keeps positions 1 and 3; group 1 has one non-zero (position 0) and pads
// with the lowest free position, 1. The 2-bit indices 1, 3, 0, 1, LSB first,
// make the byte 0b01'00'11'01 = 0x4d, after the 16 value bytes.
TEST(PackingTest, NMWorkedExample) {
  std::vector<float> row = {0, 5, 0, 7, 1, 0, 0, 0};
  auto packed = packing::pack(toBytes(row), DType::F32, 1, 8, Format::NM, 2, 4);
  ASSERT_TRUE(static_cast<bool>(packed)) << llvm::toString(packed.takeError());
  std::vector<float> values(4);
  std::memcpy(values.data(), packed->data(), 16);
  EXPECT_EQ(values, (std::vector<float>{5, 7, 1, 0}));
  ASSERT_EQ(packed->size(), 17u);
  EXPECT_EQ((*packed)[16], 0x4d);
}

// Every format round-trips every dtype over random shapes and densities.
TEST(PackingTest, RoundTripProperty) {
  std::mt19937 rng(42);
  const DType types[] = {DType::F32, DType::I8, DType::I32};
  for (unsigned trial = 0; trial < 300; ++trial) {
    DType dtype = types[trial % 3];
    unsigned es = elementSize(dtype);
    unsigned n = 0, m = 0;
    Format format = static_cast<Format>(trial / 3 % 4);
    uint64_t rows = 1 + rng() % 9, cols = 1 + rng() % 70;
    if (format == Format::NM) {
      m = 1 + rng() % 32;
      n = 1 + rng() % m;
      cols = m * (1 + rng() % 6);
    }
    double density = (rng() % 101) / 100.0;
    std::vector<uint8_t> dense(rows * cols * es, 0);
    for (uint64_t r = 0; r < rows; ++r)
      for (uint64_t c = 0; c < cols; ++c) {
        // N:M: random positions, but at most n non-zeros per group.
        if (format == Format::NM) {
          uint64_t g = c / m;
          unsigned used = 0;
          for (uint64_t i = g * m; i < c; ++i)
            used += std::memcmp(&dense[(r * cols + i) * es],
                                std::vector<uint8_t>(es, 0).data(), es) != 0;
          if (used >= n)
            continue;
        }
        if ((rng() % 1000) / 1000.0 >= density)
          continue;
        uint8_t *p = &dense[(r * cols + c) * es];
        if (dtype == DType::F32) {
          float v = float(int(rng() % 200) - 100) + 0.5f;
          std::memcpy(p, &v, 4);
        } else {
          for (unsigned b = 0; b < es; ++b)
            p[b] = uint8_t(1 + rng() % 255);
        }
      }
    auto packed = packing::pack(dense, dtype, rows, cols, format, n, m);
    ASSERT_TRUE(static_cast<bool>(packed))
        << "trial " << trial << ": " << llvm::toString(packed.takeError());
    auto unpacked = packing::unpack(*packed, dtype, rows, cols, format, n, m);
    ASSERT_TRUE(static_cast<bool>(unpacked))
        << "trial " << trial << ": " << llvm::toString(unpacked.takeError());
    EXPECT_EQ(*unpacked, dense) << "trial " << trial;

    // The loader accepts the packed constant as it is (ISA §6.4.4).
    binary::Program p;
    p.setTarget(*target::loadTarget("dense-systolic"));
    p.dramSize = packed->size();
    binary::Constant c;
    c.name = "w";
    c.format = format;
    c.dtype = dtype;
    c.rows = rows;
    c.cols = cols;
    c.n = n;
    c.m = m;
    c.data = *packed;
    p.constants.push_back(c);
    auto read = binary::readBinary(binary::writeBinary(p), "t.spab");
    EXPECT_TRUE(static_cast<bool>(read))
        << "trial " << trial << ": " << llvm::toString(read.takeError());
  }
}

// An N:M matrix whose values cross DRAM bitmap-compressed: the values part
// packed as a bitmap is exactly getNMCompressedBytes less the metadata, it
// unpacks to the same values, and getNMDramBytes takes it only when it is
// the smaller.
TEST(PackingTest, NMCompressedValues) {
  // 4 x 16 at 2:4: 32 stored slots, of which `nonZeros` hold a value.
  for (unsigned nonZeros : {0u, 5u, 32u}) {
    std::vector<float> dense(64, 0.0f);
    for (unsigned i = 0; i < nonZeros; ++i)
      dense[(i / 2) * 4 + i % 2] = float(i + 1);
    auto packed =
        packing::pack(toBytes(dense), DType::F32, 4, 16, Format::NM, 2, 4);
    ASSERT_TRUE(static_cast<bool>(packed));
    packing::Layout layout =
        packing::getLayout(Format::NM, DType::F32, 4, 16, 2, 4, 0);
    llvm::ArrayRef<uint8_t> values =
        llvm::ArrayRef(*packed).take_front(layout.firstBytes);
    auto compressed =
        packing::pack(values, DType::F32, 4, 8, Format::Bitmap);
    ASSERT_TRUE(static_cast<bool>(compressed));
    EXPECT_EQ(compressed->size() + layout.secondBytes,
              packing::getNMCompressedBytes(DType::F32, 4, 16, 2, 4,
                                            nonZeros));
    auto expanded =
        packing::unpack(*compressed, DType::F32, 4, 8, Format::Bitmap);
    ASSERT_TRUE(static_cast<bool>(expanded));
    EXPECT_EQ(*expanded, values.vec());
    EXPECT_EQ(packing::getNMDramBytes(DType::F32, 4, 16, 2, 4, nonZeros),
              std::min<uint64_t>(layout.totalBytes,
                                 compressed->size() + layout.secondBytes));
  }
  // Full values: the bitmap only adds bytes.
  EXPECT_EQ(packing::getNMDramBytes(DType::F32, 4, 16, 2, 4, 32),
            packing::getLayout(Format::NM, DType::F32, 4, 16, 2, 4, 0)
                .totalBytes);
}

TEST(PackingTest, Errors) {
  std::vector<float> row = {1, 2, 3, 0};
  EXPECT_THAT(errorOf(packing::pack(toBytes(row), DType::F32, 1, 4, Format::NM,
                                    2, 4)),
              HasSubstr("row 0, group 0 holds 3 non-zeros; 2:4 allows 2"));
  EXPECT_THAT(errorOf(packing::pack(toBytes(row), DType::F32, 1, 4, Format::NM,
                                    2, 3)),
              HasSubstr("4 columns are not a multiple of m = 3"));
  EXPECT_THAT(errorOf(packing::pack(toBytes(row), DType::F32, 2, 4,
                                    Format::Dense)),
              HasSubstr("16 bytes do not hold a 2x4 f32 matrix"));
  auto packed = packing::pack(toBytes({1, 0, 0, 2}), DType::F32, 1, 4,
                              Format::NM, 2, 4);
  ASSERT_TRUE(static_cast<bool>(packed));
  std::vector<uint8_t> bad = *packed;
  bad.back() = 0x03; // indices 3 then 0: not increasing
  EXPECT_THAT(errorOf(packing::unpack(bad, DType::F32, 1, 4, Format::NM, 2, 4)),
              HasSubstr("is not below m = 4 and increasing"));
  bad.pop_back();
  EXPECT_THAT(errorOf(packing::unpack(bad, DType::F32, 1, 4, Format::NM, 2, 4)),
              HasSubstr("needs 9 bytes, not 8"));
}

} // namespace
