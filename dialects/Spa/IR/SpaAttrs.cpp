//===- SpaAttrs.cpp - Spa attributes --------------------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Dialect/Spa/IR/Spa.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/CheckedArithmetic.h"

#include <numeric>

using namespace mlir;
using namespace spc;
using namespace spc::spa;

#include "spc/Dialect/Spa/IR/SpaEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "spc/Dialect/Spa/IR/SpaAttrDefs.cpp.inc"

void SpaDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "spc/Dialect/Spa/IR/SpaAttrDefs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// N:M pattern syntax, shared by both attributes: `N:M`.
//===----------------------------------------------------------------------===//

static ParseResult parseNMPattern(AsmParser &parser, NMPattern &pattern) {
  return failure(parser.parseInteger(pattern.n) || parser.parseColon() ||
                 parser.parseInteger(pattern.m));
}

static ParseResult parseNMPatternList(AsmParser &parser,
                                      SmallVectorImpl<NMPattern> &patterns) {
  return parser.parseCommaSeparatedList([&]() -> ParseResult {
    return parseNMPattern(parser, patterns.emplace_back());
  });
}

static void printNMPatternList(AsmPrinter &printer,
                               ArrayRef<NMPattern> patterns) {
  llvm::interleaveComma(patterns, printer, [&](const NMPattern &pattern) {
    printer << pattern.n << ':' << pattern.m;
  });
}

static LogicalResult verifyNMPattern(function_ref<InFlightDiagnostic()> emitError,
                                     const NMPattern &pattern) {
  if (pattern.m < 1 || pattern.m > kMaxGroupSize)
    return emitError() << "group size M = " << pattern.m
                       << " is out of range [1, " << kMaxGroupSize << "]";
  if (pattern.n < 1)
    return emitError() << "N:M pattern " << pattern.n << ":" << pattern.m
                       << " must keep at least one value per group";
  if (pattern.n > pattern.m)
    return emitError() << "N:M pattern " << pattern.n << ":" << pattern.m
                       << " has N > M";
  return success();
}

//===----------------------------------------------------------------------===//
// SparseEncodingAttr
//===----------------------------------------------------------------------===//

/// The TASD series is a short sum; TASDER's searches use two or three terms,
/// and a longer series would cost more passes over the input than dense.
static constexpr size_t kMaxTASDTerms = 8;

Attribute SparseEncodingAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef keyword;
  if (parser.parseLess() || parser.parseKeyword(&keyword))
    return {};
  std::optional<SparsityFormat> format = symbolizeSparsityFormat(keyword);
  if (!format) {
    parser.emitError(loc, "unknown sparse format '")
        << keyword << "', expected one of dense, nm, bitmap, csr, tasd";
    return {};
  }
  SmallVector<NMPattern> patterns;
  int64_t dim = -1, padded = 0;
  if (*format == SparsityFormat::NM || *format == SparsityFormat::TASD) {
    if (parser.parseLess() || parseNMPatternList(parser, patterns) ||
        parser.parseGreater() || parser.parseComma() ||
        parser.parseKeyword("dim") || parser.parseEqual() ||
        parser.parseInteger(dim))
      return {};
    if (succeeded(parser.parseOptionalComma()) &&
        (parser.parseKeyword("padded") || parser.parseEqual() ||
         parser.parseInteger(padded)))
      return {};
  }
  if (parser.parseGreater())
    return {};
  return parser.getChecked<SparseEncodingAttr>(loc, parser.getContext(),
                                               *format, patterns, dim, padded);
}

void SparseEncodingAttr::print(AsmPrinter &printer) const {
  printer << '<' << stringifySparsityFormat(getFormat());
  if (isStructured()) {
    printer << '<';
    printNMPatternList(printer, getPatterns());
    printer << ">, dim = " << getDim();
    if (getPadded() != 0)
      printer << ", padded = " << getPadded();
  }
  printer << '>';
}

LogicalResult
SparseEncodingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                           SparsityFormat format, ArrayRef<NMPattern> patterns,
                           int64_t dim, int64_t padded) {
  bool structured =
      format == SparsityFormat::NM || format == SparsityFormat::TASD;
  if (!structured) {
    if (!patterns.empty() || dim != -1 || padded != 0)
      return emitError() << "'" << stringifySparsityFormat(format)
                         << "' encoding takes no N:M patterns, dim or padding";
    return success();
  }
  if (format == SparsityFormat::NM && patterns.size() != 1)
    return emitError() << "'nm' encoding takes exactly one N:M pattern, got "
                       << patterns.size();
  if (format == SparsityFormat::TASD &&
      (patterns.size() < 2 || patterns.size() > kMaxTASDTerms))
    return emitError() << "'tasd' encoding takes 2 to " << kMaxTASDTerms
                       << " N:M terms, got " << patterns.size();
  double totalDensity = 0;
  for (const NMPattern &pattern : patterns) {
    if (failed(verifyNMPattern(emitError, pattern)))
      return failure();
    totalDensity += pattern.density();
  }
  // Each TASD term keeps values the earlier terms left in the residual, so
  // the terms occupy disjoint positions and cannot hold more than all of them.
  if (totalDensity > 1.0 + 1e-9)
    return emitError() << "TASD terms can hold " << totalDensity
                       << " of the values; a series holds at most all of them";
  if (dim < 0)
    return emitError() << "structured encoding needs a dimension, got dim = "
                       << dim;
  if (padded < 0)
    return emitError() << "padded extent must be non-negative, got " << padded;
  if (padded > 0)
    for (const NMPattern &pattern : patterns)
      if (padded % pattern.m != 0)
        return emitError() << "group size " << pattern.m
                           << " does not divide the padded extent " << padded;
  return success();
}

LogicalResult SparseEncodingAttr::verifyEncoding(
    ArrayRef<int64_t> shape, Type elementType,
    function_ref<InFlightDiagnostic()> emitError) const {
  if (!elementType.isIntOrFloat())
    return emitError() << "sparse encoding needs integer or float elements";
  switch (getFormat()) {
  case SparsityFormat::Dense:
    return success();
  case SparsityFormat::Bitmap:
    if (shape.empty())
      return emitError() << "bitmap encoding needs a tensor of rank 1 or more";
    return success();
  case SparsityFormat::CSR:
    if (shape.size() < 2)
      return emitError() << "csr encoding needs a tensor of rank 2 or more";
    return success();
  case SparsityFormat::NM:
  case SparsityFormat::TASD:
    break;
  }
  if (getDim() >= int64_t(shape.size()))
    return emitError() << "encoding dim " << getDim()
                       << " is out of range for a rank-" << shape.size()
                       << " tensor";
  int64_t extent = shape[getDim()];
  if (ShapedType::isDynamic(extent))
    return success();
  if (getPadded() != 0) {
    if (getPadded() < extent)
      return emitError() << "padded extent " << getPadded()
                         << " is smaller than dimension " << getDim() << " ("
                         << extent << ")";
    return success();
  }
  // Every group size must divide the extent; padding to their least common
  // multiple satisfies all terms of a series at once.
  std::optional<int64_t> groupLcm = 1;
  for (const NMPattern &pattern : getPatterns())
    if (groupLcm)
      groupLcm = llvm::checkedMul(*groupLcm / std::gcd(*groupLcm, pattern.m),
                                  pattern.m);
  for (const NMPattern &pattern : getPatterns()) {
    if (extent % pattern.m == 0)
      continue;
    InFlightDiagnostic diag = emitError();
    diag << "group size " << pattern.m << " does not divide dimension "
         << getDim() << " (" << extent << "); set 'padded' to a multiple of ";
    if (groupLcm)
      diag << *groupLcm;
    else
      diag << "every group size";
    return diag;
  }
  return success();
}

double SparseEncodingAttr::getMaxDensity() const {
  if (!isStructured())
    return 1.0;
  double density = 0;
  for (const NMPattern &pattern : getPatterns())
    density += pattern.density();
  return density;
}

//===----------------------------------------------------------------------===//
// SparsityProfileAttr
//===----------------------------------------------------------------------===//

Attribute SparsityProfileAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  double density = 0;
  int64_t dim = 0;
  SmallVector<NMPattern> patterns;
  if (parser.parseLess() || parser.parseKeyword("density") ||
      parser.parseEqual() || parser.parseFloat(density) ||
      parser.parseComma() || parser.parseKeyword("dim") ||
      parser.parseEqual() || parser.parseInteger(dim) || parser.parseComma() ||
      parser.parseKeyword("nm") || parser.parseEqual() ||
      parser.parseLSquare() || parseNMPatternList(parser, patterns) ||
      parser.parseRSquare() || parser.parseGreater())
    return {};
  return parser.getChecked<SparsityProfileAttr>(
      loc, parser.getContext(), llvm::APFloat(density), dim, patterns);
}

void SparsityProfileAttr::print(AsmPrinter &printer) const {
  printer << "<density = ";
  printer.printFloat(getDensity());
  printer << ", dim = " << getDim() << ", nm = [";
  printNMPatternList(printer, getNm());
  printer << "]>";
}

LogicalResult
SparsityProfileAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                            llvm::APFloat densityValue, int64_t dim,
                            ArrayRef<NMPattern> nm) {
  double density = densityValue.convertToDouble();
  if (!(density >= 0.0 && density <= 1.0))
    return emitError() << "density " << density << " is outside [0, 1]";
  if (dim < 0)
    return emitError() << "profile dim must be non-negative, got " << dim;
  if (nm.empty())
    return emitError() << "sparsity profile needs at least one N:M entry";
  for (auto [i, pattern] : llvm::enumerate(nm)) {
    if (i > 0 && pattern.m <= nm[i - 1].m)
      return emitError() << "measured group sizes must increase, got "
                         << nm[i - 1].m << " then " << pattern.m;
    // An all-zero group makes N = 0 legitimate in a measurement.
    if (pattern.m < 1 || pattern.m > kMaxGroupSize || pattern.n < 0 ||
        pattern.n > pattern.m)
      return emitError() << "invalid measured N:M entry " << pattern.n << ":"
                         << pattern.m;
  }
  return success();
}

NMPattern SparsityProfileAttr::getTightest() const {
  return getTightestPattern(getNm());
}

bool SparsityProfileAttr::satisfies(NMPattern pattern) const {
  for (const NMPattern &measured : getNm())
    if (measured.m == pattern.m)
      return measured.n <= pattern.n;
  return false;
}
