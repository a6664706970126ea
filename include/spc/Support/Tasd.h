//===- Tasd.h - Tensor approximation via structured decomposition -*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// TASD (BRIEF.md) approximates a tensor A by a short series of N:M-structured
// terms, A ~ A1 + A2 + ... + Ak, so that A·B = A1·B + ... + Ak·B runs on
// structured-sparse engines. The terms are greedy: A1 keeps the N1 values of
// largest magnitude in every group of M1 consecutive values along the grouped
// dimension, A2 does the same on the residual A - A1, and so on. A value is
// kept whole by at most one term, so the terms partition the kept values and
// their sum is exact in any arithmetic.
//
// The ranking is STRUCT's (ISA §4.6): larger magnitude first, a NaN above
// every number, ties to the lower index in the group. One term applied to an
// activation row is therefore exactly what STRUCT computes at run time.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_SUPPORT_TASD_H
#define SPC_SUPPORT_TASD_H

#include "spc/Support/Sparsity.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace spc::tasd {

/// The longest series SPC accepts; TASDER uses two or three terms.
constexpr size_t kMaxTerms = 8;

/// A series of N:M terms, applied in order. Empty means no decomposition.
using Series = llvm::SmallVector<NMPattern, 4>;

/// "2:4+1:8"; "none" for the empty series.
std::string formatSeries(llvm::ArrayRef<NMPattern> series);

/// Parses "none" or "N:M[+N:M...]" (1 <= N <= M <= 256, at most kMaxTerms
/// terms). On failure returns nothing and sets `error`.
std::optional<Series> parseSeries(llvm::StringRef text, std::string &error);

/// The largest fraction of a group's values the series can keep.
double getMaxDensity(llvm::ArrayRef<NMPattern> series);

/// For every element of the row-major tensor `values` of `shape`, the index
/// of the term of `series` that keeps it (grouped along `dim`), or -1 if no
/// term does. Each group size must divide shape[dim].
std::vector<int8_t> decompose(llvm::ArrayRef<double> values,
                              llvm::ArrayRef<int64_t> shape, int64_t dim,
                              llvm::ArrayRef<NMPattern> series);

/// Applies one more term to a decomposition in progress: the elements no
/// term keeps yet (`terms[i] < 0`) compete, and the `p.n` best of every
/// group of `p.m` along `dim` get index `term`. decompose() is this for each
/// term in turn; a search extends a shared prefix with it.
void addTerm(llvm::ArrayRef<double> values, llvm::ArrayRef<int64_t> shape,
             int64_t dim, NMPattern p, int8_t term,
             std::vector<int8_t> &terms);

/// The relative Frobenius error ||A - (A1 + ... + Aj)|| / ||A|| of each
/// prefix of the series: element j - 1 is the error of the first j terms.
/// `terms` comes from decompose(). The error of a zero tensor is 0.
llvm::SmallVector<double> getPrefixErrors(llvm::ArrayRef<double> values,
                                          llvm::ArrayRef<int8_t> terms,
                                          size_t numTerms);

/// The non-zero values each of the first `numTerms` terms of `terms`
/// (from decompose()) holds.
llvm::SmallVector<uint64_t> countTermNonZeros(llvm::ArrayRef<double> values,
                                              llvm::ArrayRef<int8_t> terms,
                                              size_t numTerms);

/// Keeps the `n` values of largest magnitude of every group of `m` in a row
/// of `values` (a multiple of `m` long) and zeroes the others: STRUCT on one
/// row, for reference and host-side evaluation.
void structureRow(llvm::MutableArrayRef<float> values, unsigned n, unsigned m);

} // namespace spc::tasd

#endif // SPC_SUPPORT_TASD_H
