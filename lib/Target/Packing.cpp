//===- Packing.cpp - Packed weight formats of the ISA ---------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Target/Packing.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cstring>

using namespace spc;
using namespace spc::packing;
using llvm::Error;
using llvm::Expected;
namespace endian = llvm::support::endian;

unsigned packing::getIndexBits(unsigned m) {
  return std::max(1u, llvm::Log2_32_Ceil(m));
}

uint64_t packing::getNMValuesPerRow(uint64_t cols, unsigned n, unsigned m) {
  return cols / m * n;
}

uint64_t packing::getNMMetaBytesPerRow(uint64_t cols, unsigned n,
                                       unsigned m) {
  return llvm::divideCeil(getNMValuesPerRow(cols, n, m) * getIndexBits(m), 8);
}

Layout packing::getLayout(isa::Format format, isa::DType dtype, uint64_t rows,
                          uint64_t cols, unsigned n, unsigned m,
                          uint64_t nonZeros) {
  uint64_t es = isa::elementSize(dtype);
  Layout l;
  switch (format) {
  case isa::Format::Dense:
    l.firstBytes = rows * cols * es;
    l.totalBytes = l.firstBytes;
    return l;
  case isa::Format::NM:
    l.firstBytes = rows * getNMValuesPerRow(cols, n, m) * es;
    l.secondBytes = rows * getNMMetaBytesPerRow(cols, n, m);
    break;
  case isa::Format::Bitmap:
    l.firstBytes = rows * llvm::divideCeil(cols, 8);
    l.secondBytes = nonZeros * es;
    break;
  case isa::Format::CSR:
    l.firstBytes = (rows + 1) * 4;
    l.secondBytes = nonZeros * 2;
    l.thirdBytes = nonZeros * es;
    break;
  }
  l.secondOffset = llvm::alignTo(l.firstBytes, 4);
  l.thirdOffset = llvm::alignTo(l.secondOffset + l.secondBytes, 4);
  l.totalBytes = l.thirdBytes ? l.thirdOffset + l.thirdBytes
                              : l.secondOffset + l.secondBytes;
  return l;
}

uint64_t packing::getNMCompressedBytes(isa::DType dtype, uint64_t rows,
                                       uint64_t cols, unsigned n, unsigned m,
                                       uint64_t nonZeros) {
  return getLayout(isa::Format::Bitmap, dtype, rows,
                   getNMValuesPerRow(cols, n, m), 0, 0, nonZeros)
             .totalBytes +
         rows * getNMMetaBytesPerRow(cols, n, m);
}

uint64_t packing::getNMDramBytes(isa::DType dtype, uint64_t rows,
                                 uint64_t cols, unsigned n, unsigned m,
                                 uint64_t nonZeros) {
  return std::min(
      getLayout(isa::Format::NM, dtype, rows, cols, n, m, 0).totalBytes,
      getNMCompressedBytes(dtype, rows, cols, n, m, nonZeros));
}

uint64_t packing::countBitmap(llvm::ArrayRef<uint8_t> bitmap, uint64_t rows,
                              uint64_t cols) {
  uint64_t rowBytes = llvm::divideCeil(cols, 8), count = 0;
  for (uint64_t r = 0; r < rows; ++r)
    for (uint64_t c = 0; c < cols; ++c)
      count += (bitmap[r * rowBytes + c / 8] >> (c % 8)) & 1;
  return count;
}

Error packing::checkCSRPointers(llvm::ArrayRef<uint8_t> data, uint64_t rows) {
  uint32_t previous = 0;
  for (uint64_t r = 0; r <= rows; ++r) {
    uint32_t ptr = endian::read32le(data.data() + r * 4);
    if ((r == 0 && ptr != 0) || ptr < previous)
      return llvm::createStringError(
          llvm::formatv("row pointer {0} is {1}: pointers start at 0 and "
                        "never decrease (ISA §6.4.3)",
                        r, ptr)
              .str());
    previous = ptr;
  }
  return Error::success();
}

Error packing::checkCSRIndices(llvm::ArrayRef<uint8_t> data, uint64_t rows,
                               uint64_t cols) {
  uint64_t indices = llvm::alignTo((rows + 1) * 4, 4);
  for (uint64_t r = 0; r < rows; ++r) {
    uint32_t begin = endian::read32le(data.data() + r * 4);
    uint32_t end = endian::read32le(data.data() + (r + 1) * 4);
    for (uint32_t e = begin; e < end; ++e) {
      uint16_t c = endian::read16le(data.data() + indices + 2 * uint64_t(e));
      if (c >= cols ||
          (e > begin &&
           c <= endian::read16le(data.data() + indices + 2 * uint64_t(e - 1))))
        return llvm::createStringError(
            llvm::formatv("row {0}: column index {1} is out of range or not "
                          "increasing (ISA §6.4.3)",
                          r, c)
                .str());
    }
  }
  return Error::success();
}

/// Whether the element at `p` compares unequal to zero.
static bool isNonZero(const uint8_t *p, isa::DType dtype) {
  switch (dtype) {
  case isa::DType::F32: {
    float value;
    std::memcpy(&value, p, 4);
    return value != 0.0f;
  }
  case isa::DType::I8:
    return *p != 0;
  case isa::DType::I32:
    return endian::read32le(p) != 0;
  }
  return true;
}

static Error patternError(const llvm::Twine &message) {
  return llvm::createStringError(message.str());
}

static Error checkShape(isa::Format format, uint64_t cols, unsigned n,
                        unsigned m) {
  if (format != isa::Format::NM)
    return Error::success();
  if (n < 1 || n > m || m > 256)
    return patternError(llvm::formatv(
        "invalid N:M pattern {0}:{1}: need 1 <= n <= m <= 256 (ISA §6.4.1)",
        n, m));
  if (cols % m != 0)
    return patternError(llvm::formatv(
        "{0} columns are not a multiple of m = {1} (ISA §6.4.1)", cols, m));
  return Error::success();
}

Expected<std::vector<uint8_t>>
packing::pack(llvm::ArrayRef<uint8_t> dense, isa::DType dtype, uint64_t rows,
              uint64_t cols, isa::Format format, unsigned n, unsigned m) {
  uint64_t es = isa::elementSize(dtype);
  if (dense.size() != rows * cols * es)
    return patternError(llvm::formatv("{0} bytes do not hold a {1}x{2} {3} "
                                      "matrix",
                                      dense.size(), rows, cols,
                                      isa::getName(dtype)));
  if (Error err = checkShape(format, cols, n, m))
    return std::move(err);
  auto element = [&](uint64_t r, uint64_t c) {
    return dense.data() + (r * cols + c) * es;
  };
  uint64_t nonZeros = 0;
  for (uint64_t i = 0; i < rows * cols; ++i)
    nonZeros += isNonZero(dense.data() + i * es, dtype);
  Layout l = getLayout(format, dtype, rows, cols, n, m, nonZeros);
  std::vector<uint8_t> out(l.totalBytes, 0);

  switch (format) {
  case isa::Format::Dense:
    std::copy(dense.begin(), dense.end(), out.begin());
    break;
  case isa::Format::NM: {
    unsigned bits = getIndexBits(m);
    uint64_t perRow = getNMValuesPerRow(cols, n, m);
    uint64_t metaRow = getNMMetaBytesPerRow(cols, n, m);
    std::vector<unsigned> chosen;
    for (uint64_t r = 0; r < rows; ++r) {
      uint64_t bit = 0;
      for (uint64_t g = 0; g < cols / m; ++g) {
        // The group's non-zeros, then its lowest free positions (ISA §6.4.1).
        chosen.clear();
        for (unsigned i = 0; i < m; ++i)
          if (isNonZero(element(r, g * m + i), dtype))
            chosen.push_back(i);
        if (chosen.size() > n)
          return patternError(llvm::formatv(
              "row {0}, group {1} holds {2} non-zeros; {3}:{4} allows {3}",
              r, g, chosen.size(), n, m));
        for (unsigned i = 0; chosen.size() < n; ++i)
          if (!std::binary_search(chosen.begin(), chosen.end(), i))
            chosen.insert(std::lower_bound(chosen.begin(), chosen.end(), i),
                          i);
        for (unsigned j = 0; j < n; ++j) {
          uint64_t slot = r * perRow + g * n + j;
          std::memcpy(out.data() + slot * es, element(r, g * m + chosen[j]),
                      es);
          for (unsigned b = 0; b < bits; ++b, ++bit)
            if ((chosen[j] >> b) & 1)
              out[l.secondOffset + r * metaRow + bit / 8] |= 1 << (bit % 8);
        }
      }
    }
    break;
  }
  case isa::Format::Bitmap: {
    uint64_t rowBytes = llvm::divideCeil(cols, 8);
    uint64_t value = 0;
    for (uint64_t r = 0; r < rows; ++r)
      for (uint64_t c = 0; c < cols; ++c)
        if (isNonZero(element(r, c), dtype)) {
          out[r * rowBytes + c / 8] |= 1 << (c % 8);
          std::memcpy(out.data() + l.secondOffset + value++ * es,
                      element(r, c), es);
        }
    break;
  }
  case isa::Format::CSR: {
    if (cols > 65536)
      return patternError(llvm::formatv(
          "{0} columns do not fit CSR's 16-bit indices (ISA §6.4.3)", cols));
    uint32_t entry = 0;
    for (uint64_t r = 0; r < rows; ++r) {
      endian::write32le(out.data() + r * 4, entry);
      for (uint64_t c = 0; c < cols; ++c)
        if (isNonZero(element(r, c), dtype)) {
          endian::write16le(out.data() + l.secondOffset + entry * 2,
                            static_cast<uint16_t>(c));
          std::memcpy(out.data() + l.thirdOffset + uint64_t(entry) * es,
                      element(r, c), es);
          ++entry;
        }
    }
    endian::write32le(out.data() + rows * 4, entry);
    break;
  }
  }
  return out;
}

Expected<std::vector<uint8_t>>
packing::unpack(llvm::ArrayRef<uint8_t> data, isa::DType dtype, uint64_t rows,
                uint64_t cols, isa::Format format, unsigned n, unsigned m) {
  uint64_t es = isa::elementSize(dtype);
  if (Error err = checkShape(format, cols, n, m))
    return std::move(err);
  std::vector<uint8_t> dense(rows * cols * es, 0);
  auto sizeError = [&](uint64_t expected) {
    return patternError(llvm::formatv("a {0} {1}x{2} {3} constant needs {4} "
                                      "bytes, not {5} (ISA §6.4.4)",
                                      isa::getName(format), rows, cols,
                                      isa::getName(dtype), expected,
                                      data.size()));
  };
  auto element = [&](uint64_t r, uint64_t c) {
    return dense.data() + (r * cols + c) * es;
  };

  switch (format) {
  case isa::Format::Dense:
    if (data.size() != dense.size())
      return sizeError(dense.size());
    std::copy(data.begin(), data.end(), dense.begin());
    return dense;
  case isa::Format::NM: {
    Layout l = getLayout(format, dtype, rows, cols, n, m, 0);
    if (data.size() != l.totalBytes)
      return sizeError(l.totalBytes);
    unsigned bits = getIndexBits(m);
    uint64_t perRow = getNMValuesPerRow(cols, n, m);
    uint64_t metaRow = getNMMetaBytesPerRow(cols, n, m);
    for (uint64_t r = 0; r < rows; ++r) {
      uint64_t bit = 0;
      for (uint64_t g = 0; g < cols / m; ++g) {
        int previous = -1;
        for (unsigned j = 0; j < n; ++j) {
          unsigned index = 0;
          for (unsigned b = 0; b < bits; ++b, ++bit)
            index |= unsigned((data[l.secondOffset + r * metaRow + bit / 8] >>
                               (bit % 8)) &
                              1)
                     << b;
          if (index >= m || int(index) <= previous)
            return patternError(llvm::formatv(
                "row {0}, group {1}: index {2} is not below m = {3} and "
                "increasing (ISA §6.4.1)",
                r, g, index, m));
          previous = int(index);
          std::memcpy(element(r, g * m + index),
                      data.data() + (r * perRow + g * n + j) * es, es);
        }
      }
    }
    return dense;
  }
  case isa::Format::Bitmap: {
    uint64_t rowBytes = llvm::divideCeil(cols, 8);
    if (data.size() < rows * rowBytes)
      return sizeError(rows * rowBytes);
    Layout l = getLayout(format, dtype, rows, cols, n, m,
                         countBitmap(data, rows, cols));
    if (data.size() != l.totalBytes)
      return sizeError(l.totalBytes);
    uint64_t value = 0;
    for (uint64_t r = 0; r < rows; ++r)
      for (uint64_t c = 0; c < cols; ++c)
        if ((data[r * rowBytes + c / 8] >> (c % 8)) & 1)
          std::memcpy(element(r, c),
                      data.data() + l.secondOffset + value++ * es, es);
    return dense;
  }
  case isa::Format::CSR: {
    if (data.size() < (rows + 1) * 4)
      return sizeError((rows + 1) * 4);
    if (Error err = checkCSRPointers(data, rows))
      return std::move(err);
    uint64_t nonZeros = endian::read32le(data.data() + rows * 4);
    Layout l = getLayout(format, dtype, rows, cols, n, m, nonZeros);
    if (data.size() != l.totalBytes)
      return sizeError(l.totalBytes);
    if (Error err = checkCSRIndices(data, rows, cols))
      return std::move(err);
    for (uint64_t r = 0; r < rows; ++r)
      for (uint32_t e = endian::read32le(data.data() + r * 4),
                    end = endian::read32le(data.data() + (r + 1) * 4);
           e < end; ++e)
        std::memcpy(element(r, endian::read16le(data.data() + l.secondOffset +
                                                 2 * uint64_t(e))),
                    data.data() + l.thirdOffset + uint64_t(e) * es, es);
    return dense;
  }
  }
  return dense;
}
