//===- WeightMatrix.cpp - Constant weights packed per tile -----------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "WeightMatrix.h"

#include "spc/Support/Sparsity.h"

#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cstring>

using namespace spc;
using namespace spc::codegen;

WeightMatrix::WeightMatrix(const target::TargetDescription &target,
                           isa::DType dtype, int64_t rows, int64_t cols,
                           std::vector<uint8_t> denseData, isa::Format format,
                           unsigned n, unsigned m)
    : target(target), dtype(dtype), rows(rows), cols(cols),
      dense(std::move(denseData)), format(format), n(n), m(m) {
  switch (format) {
  case isa::Format::Dense:
    engine = Engine::Dense;
    break;
  case isa::Format::NM:
    engine = target.supportsNM(n, m) ? Engine::NM : Engine::Decompress;
    break;
  case isa::Format::Bitmap:
    engine = Engine::Decompress;
    break;
  case isa::Format::CSR:
    engine = Engine::Sparse;
    break;
  }
  unsigned es = isa::elementSize(dtype);
  llvm::SmallVector<uint8_t> mask = computeNonZeroMask(
      llvm::ArrayRef<char>(reinterpret_cast<const char *>(dense.data()),
                           dense.size()),
      es * 8, dtype == isa::DType::F32, rows * cols);
  prefix.resize(size_t(rows) * (cols + 1));
  llvm::hash_code h = llvm::hash_combine(format, n, m, rows, cols);
  for (int64_t r = 0; r < rows; ++r) {
    uint32_t *row = &prefix[size_t(r) * (cols + 1)];
    row[0] = 0;
    for (int64_t c = 0; c < cols; ++c)
      row[c + 1] = row[c] + mask[size_t(r) * cols + c];
    h = llvm::hash_combine(h, llvm::hash_combine_range(
                                  mask.begin() + size_t(r) * cols,
                                  mask.begin() + size_t(r + 1) * cols));
  }
  hash = uint64_t(size_t(h));
}

uint32_t WeightMatrix::countNonZeros(int64_t r, int64_t k0, int64_t kt) const {
  const uint32_t *row = &prefix[size_t(r) * (cols + 1)];
  return row[k0 + kt] - row[k0];
}

uint64_t WeightMatrix::countTileNonZeros(int64_t n0, int64_t nt, int64_t k0,
                                         int64_t kt) const {
  uint64_t total = 0;
  for (int64_t r = n0; r < n0 + nt; ++r)
    total += countNonZeros(r, k0, kt);
  return total;
}

uint64_t WeightMatrix::getNumNonZeros() const {
  uint64_t total = 0;
  for (int64_t r = 0; r < rows; ++r)
    total += countNonZeros(r, 0, cols);
  return total;
}

packing::Layout WeightMatrix::getTileLayout(int64_t n0, int64_t nt, int64_t k0,
                                            int64_t kt) const {
  uint64_t nonZeros = 0;
  if (format == isa::Format::Bitmap || format == isa::Format::CSR)
    nonZeros = countTileNonZeros(n0, nt, k0, kt);
  return packing::getLayout(format, dtype, nt, kt, n, m, nonZeros);
}

llvm::Expected<std::vector<uint8_t>>
WeightMatrix::packTile(int64_t n0, int64_t nt, int64_t k0, int64_t kt) const {
  unsigned es = isa::elementSize(dtype);
  std::vector<uint8_t> tile(size_t(nt) * kt * es);
  for (int64_t r = 0; r < nt; ++r)
    std::memcpy(&tile[size_t(r) * kt * es],
                &dense[(size_t(n0 + r) * cols + k0) * es], size_t(kt) * es);
  return packing::pack(tile, dtype, nt, kt, format, n, m);
}

bool WeightMatrix::compressesValues(int64_t n0, int64_t nt, int64_t k0,
                                    int64_t kt) const {
  return engine == Engine::NM && getDramBytes(n0, nt, k0, kt) <
                                     getTileLayout(n0, nt, k0, kt).totalBytes;
}

llvm::Expected<std::pair<std::vector<uint8_t>, std::vector<uint8_t>>>
WeightMatrix::packCompressedTile(int64_t n0, int64_t nt, int64_t k0,
                                 int64_t kt) const {
  llvm::Expected<std::vector<uint8_t>> plain = packTile(n0, nt, k0, kt);
  if (!plain)
    return plain.takeError();
  packing::Layout layout = getTileLayout(n0, nt, k0, kt);
  llvm::ArrayRef<uint8_t> bytes = *plain;
  llvm::Expected<std::vector<uint8_t>> values = packing::pack(
      bytes.take_front(layout.firstBytes), dtype, uint64_t(nt),
      packing::getNMValuesPerRow(uint64_t(kt), n, m), isa::Format::Bitmap);
  if (!values)
    return values.takeError();
  llvm::ArrayRef<uint8_t> meta =
      bytes.slice(layout.secondOffset, layout.secondBytes);
  return std::make_pair(std::move(*values),
                        std::vector<uint8_t>(meta.begin(), meta.end()));
}

uint64_t WeightMatrix::getDramBytes(int64_t n0, int64_t nt, int64_t k0,
                                    int64_t kt) const {
  if (engine != Engine::NM)
    return getTileLayout(n0, nt, k0, kt).totalBytes;
  return packing::getNMDramBytes(dtype, nt, kt, n, m,
                                 countTileNonZeros(n0, nt, k0, kt));
}

uint64_t WeightMatrix::getSramBytes(int64_t n0, int64_t nt, int64_t k0,
                                    int64_t kt) const {
  if (engine == Engine::Dense || engine == Engine::Decompress)
    return uint64_t(nt) * kt * isa::elementSize(dtype);
  return getTileLayout(n0, nt, k0, kt).totalBytes;
}

uint64_t WeightMatrix::getGemmPasses(int64_t n0, int64_t nt, int64_t k0,
                                     int64_t kt) const {
  switch (engine) {
  case Engine::Dense:
  case Engine::Decompress:
    return target.getMatrixPasses(dtype, nt, kt);
  case Engine::NM:
    return target.getMatrixPasses(
        dtype, nt, target.getNMStreamedLength(n, m, kt).value_or(kt));
  case Engine::Sparse: {
    llvm::SmallVector<uint32_t> rowNonZeros;
    for (int64_t r = n0; r < n0 + nt; ++r)
      rowNonZeros.push_back(countNonZeros(r, k0, kt));
    return target.getSparseMatrixPasses(dtype, kt, rowNonZeros);
  }
  }
  llvm_unreachable("unknown engine");
}

uint64_t WeightMatrix::getStoredBytes() const {
  return packing::getLayout(format, dtype, rows, cols, n, m, getNumNonZeros())
      .totalBytes;
}
