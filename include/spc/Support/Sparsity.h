//===- Sparsity.h - N:M and density measurement -----------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Sparsity measurement that is independent of MLIR: given which elements of a
// row-major tensor are non-zero, compute its density and, for a group size M,
// the largest number of non-zeros in any group of M contiguous values along a
// dimension. The sparsity analysis pass and the layout passes build on these.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_SUPPORT_SPARSITY_H
#define SPC_SUPPORT_SPARSITY_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>

namespace spc {

/// At most `n` non-zeros in every group of `m` contiguous values.
struct NMPattern {
  int64_t n = 0;
  int64_t m = 0;

  /// The fraction of values the pattern can hold as non-zeros.
  double density() const { return m == 0 ? 0.0 : double(n) / double(m); }
  bool operator==(const NMPattern &other) const {
    return n == other.n && m == other.m;
  }
  bool operator!=(const NMPattern &other) const { return !(*this == other); }
};

inline llvm::hash_code hash_value(const NMPattern &pattern) {
  return llvm::hash_combine(pattern.n, pattern.m);
}

/// The largest group size any SPC encoding supports. Relaxed wide-block
/// engines use N:128 and N:256 (see BRIEF.md); MLIR's own `structured[n, m]`
/// level stops below 256.
constexpr int64_t kMaxGroupSize = 256;

/// The group sizes at which a dimension of `extent` values is profiled: the
/// powers of two from 4 to 256 that fit in the extent, or just 4 when the
/// extent is shorter. Larger groups would be mostly zero padding, which
/// satisfies a sparse pattern without any sparsity in the data.
llvm::SmallVector<int64_t> getProfiledGroupSizes(int64_t extent);

/// Returns one byte per element, 1 where the element is non-zero. `raw` holds
/// `numElements` little-endian elements of `bitWidth` bits (a multiple of 8).
/// Floating-point values are zero when every bit but the sign is clear, so
/// -0.0 counts as zero.
llvm::SmallVector<uint8_t> computeNonZeroMask(llvm::ArrayRef<char> raw,
                                              unsigned bitWidth, bool isFloat,
                                              int64_t numElements);

/// The largest number of non-zeros in any group of `m` contiguous values
/// along dimension `dim` of a row-major tensor of `shape`. When `m` does not
/// divide the dimension, the last group is padded with zeros.
int64_t maxNonZerosPerGroup(llvm::ArrayRef<uint8_t> nonZeroMask,
                            llvm::ArrayRef<int64_t> shape, unsigned dim,
                            int64_t m);

/// Density and the N:M profile of a tensor along one dimension.
struct SparsityProfile {
  int64_t numElements = 0;
  int64_t numNonZeros = 0;
  /// For each size in getProfiledGroupSizes(extent), the smallest N that
  /// holds.
  llvm::SmallVector<NMPattern> patterns;

  double density() const {
    return numElements == 0 ? 0.0 : double(numNonZeros) / double(numElements);
  }
};

SparsityProfile measureSparsity(llvm::ArrayRef<uint8_t> nonZeroMask,
                                llvm::ArrayRef<int64_t> shape, unsigned dim);

/// The pattern with the lowest N/M; ties go to the smallest M, which needs the
/// least index metadata. Returns a default pattern for an empty list.
NMPattern getTightestPattern(llvm::ArrayRef<NMPattern> patterns);

} // namespace spc

#endif // SPC_SUPPORT_SPARSITY_H
