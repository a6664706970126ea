//===- Tasd.cpp - Tensor approximation via structured decomposition -------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Support/Tasd.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace llvm;
using namespace spc;

namespace {

/// STRUCT's ranking key: a NaN above every number.
double magnitude(double x) {
  return std::isnan(x) ? std::numeric_limits<double>::infinity()
                       : std::fabs(x);
}

/// Orders group positions best first: larger magnitude, then lower index.
struct Ranking {
  ArrayRef<double> mags;
  bool operator()(unsigned a, unsigned b) const {
    return mags[a] != mags[b] ? mags[a] > mags[b] : a < b;
  }
};

} // namespace

std::string tasd::formatSeries(ArrayRef<NMPattern> series) {
  if (series.empty())
    return "none";
  std::string text;
  raw_string_ostream os(text);
  interleave(
      series, os, [&](NMPattern p) { os << p.n << ":" << p.m; }, "+");
  return text;
}

std::optional<tasd::Series> tasd::parseSeries(StringRef text,
                                              std::string &error) {
  Series series;
  text = text.trim();
  if (text == "none")
    return series;
  SmallVector<StringRef> parts;
  text.split(parts, '+');
  for (StringRef part : parts) {
    auto [n, m] = part.trim().split(':');
    NMPattern p;
    if (n.getAsInteger(10, p.n) || m.getAsInteger(10, p.m) || p.n < 1 ||
        p.m < p.n || p.m > kMaxGroupSize) {
      error = ("'" + part.trim() + "' is not a pattern N:M with 1 <= N <= M "
               "<= 256 (expected 'none' or N:M[+N:M...])")
                  .str();
      return std::nullopt;
    }
    series.push_back(p);
  }
  if (series.size() > kMaxTerms) {
    error = "a series has at most " + std::to_string(kMaxTerms) + " terms, '" +
            text.str() + "' has " + std::to_string(series.size());
    return std::nullopt;
  }
  return series;
}

double tasd::getMaxDensity(ArrayRef<NMPattern> series) {
  double density = 0.0;
  for (NMPattern p : series)
    density += p.density();
  return std::min(density, 1.0);
}

void tasd::addTerm(ArrayRef<double> values, ArrayRef<int64_t> shape,
                   int64_t dim, NMPattern p, int8_t term,
                   std::vector<int8_t> &terms) {
  int64_t outer = 1, inner = 1, extent = shape[dim];
  for (int64_t d = 0; d < dim; ++d)
    outer *= shape[d];
  for (int64_t d = dim + 1; d < int64_t(shape.size()); ++d)
    inner *= shape[d];
  assert(extent % p.m == 0 && "group size must divide the extent");
  SmallVector<double> mags;
  SmallVector<unsigned> open;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i)
      for (int64_t g = 0; g < extent; g += p.m) {
        auto index = [&](int64_t e) { return (o * extent + g + e) * inner + i; };
        // The residual's values are the ones no earlier term kept; the
        // others are zero there, and rank below (or tie with) every
        // remaining value, so only the remaining ones compete.
        mags.assign(p.m, 0.0);
        open.clear();
        for (int64_t e = 0; e < p.m; ++e)
          if (terms[index(e)] < 0) {
            mags[e] = magnitude(values[index(e)]);
            open.push_back(unsigned(e));
          }
        size_t keep = std::min<size_t>(p.n, open.size());
        std::partial_sort(open.begin(), open.begin() + keep, open.end(),
                          Ranking{mags});
        for (unsigned e : ArrayRef(open).take_front(keep))
          terms[index(e)] = term;
      }
}

std::vector<int8_t> tasd::decompose(ArrayRef<double> values,
                                    ArrayRef<int64_t> shape, int64_t dim,
                                    ArrayRef<NMPattern> series) {
  std::vector<int8_t> terms(values.size(), -1);
  for (auto [j, p] : llvm::enumerate(series))
    addTerm(values, shape, dim, p, int8_t(j), terms);
  return terms;
}

SmallVector<double> tasd::getPrefixErrors(ArrayRef<double> values,
                                          ArrayRef<int8_t> terms,
                                          size_t numTerms) {
  // kept[j]: the squared magnitude term j keeps. The error of a prefix
  // sums what it drops (suffix sums: no cancellation when it is tiny).
  SmallVector<double> kept(numTerms, 0.0);
  double total = 0.0, dropped = 0.0;
  for (auto [v, t] : llvm::zip_equal(values, terms)) {
    double sq = v * v;
    total += sq;
    if (t >= 0)
      kept[t] += sq;
    else
      dropped += sq;
  }
  SmallVector<double> errors(numTerms, 0.0);
  for (size_t j = numTerms; j-- > 0;) {
    errors[j] = total > 0.0 ? std::sqrt(dropped / total) : 0.0;
    dropped += kept[j];
  }
  return errors;
}

SmallVector<uint64_t> tasd::countTermNonZeros(ArrayRef<double> values,
                                              ArrayRef<int8_t> terms,
                                              size_t numTerms) {
  SmallVector<uint64_t> counts(numTerms, 0);
  for (auto [v, t] : llvm::zip_equal(values, terms))
    if (t >= 0 && size_t(t) < numTerms && v != 0.0)
      ++counts[t];
  return counts;
}

void tasd::structureRow(MutableArrayRef<float> values, unsigned n,
                        unsigned m) {
  SmallVector<double> row(values.begin(), values.end());
  std::vector<int8_t> terms =
      decompose(row, {int64_t(values.size())}, 0, {NMPattern{n, m}});
  for (auto [v, t] : llvm::zip_equal(values, terms))
    if (t < 0)
      v = 0.0f;
}
