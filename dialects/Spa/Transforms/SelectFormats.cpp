//===- SelectFormats.cpp - Choose each weight's format and engine ---------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Dialect/Spa/Transforms/Passes.h"

#include "LayerCost.h"

#include "spc/Support/Sparsity.h"
#include "spc/Support/Tasd.h"
#include "spc/Target/Packing.h"
#include "spc/Target/TargetDescription.h"

#include "llvm/Support/FormatVariadic.h"

namespace spc::spa {
#define GEN_PASS_DEF_SPASELECTFORMATS
#include "spc/Dialect/Spa/Transforms/Passes.h.inc"
} // namespace spc::spa

using namespace mlir;
using namespace spc;
using namespace spc::spa;

namespace {

/// One way to store and run a weight, with its estimated cost.
struct Candidate {
  SparsityFormat format = SparsityFormat::Dense;
  NMPattern pattern;
  /// The terms of a TASD series.
  SmallVector<NMPattern> series;
  /// The matrix mode runs the N:M pattern (GEMM.NM) rather than the DMA
  /// decompressing it for the dense engine.
  bool native = false;
  uint64_t cycles = 0;
  double energyPJ = 0.0;
  uint64_t bytes = 0;

  std::string describe() const {
    switch (format) {
    case SparsityFormat::Dense:
      return "GEMM";
    case SparsityFormat::NM:
      return native ? llvm::formatv("GEMM.NM {0}:{1}", pattern.n, pattern.m)
                          .str()
                    : llvm::formatv("LOAD.DECOMP {0}:{1} + GEMM", pattern.n,
                                    pattern.m)
                          .str();
    case SparsityFormat::Bitmap:
      return "LOAD.DECOMP bitmap + GEMM";
    case SparsityFormat::CSR:
      return "GEMM.SP csr";
    case SparsityFormat::TASD:
      return llvm::formatv("GEMM.NM x{0} (TASD {1})", series.size(),
                           tasd::formatSeries(series))
          .str();
    }
    return "?";
  }
  /// Faster first, then less energy, then fewer bytes.
  bool operator<(const Candidate &o) const {
    return std::make_tuple(cycles, energyPJ, bytes) <
           std::make_tuple(o.cycles, o.energyPJ, o.bytes);
  }
};

/// The weight as the GEMM sees it: non-zeros per output column (row of W).
struct WeightStats {
  SmallVector<uint32_t> rowNonZeros;
  uint64_t nonZeros = 0;
};

std::optional<WeightStats> measureRows(ConstantOp constant, Operation *user,
                                       const GemmShape &shape) {
  ElementsAttr value = constant.getValue();
  std::optional<RawConstantData> raw = getRawConstantData(value);
  Type elementType = value.getElementType();
  if (!raw || !elementType.isIntOrFloat())
    return std::nullopt;
  int64_t count = value.getNumElements();
  SmallVector<uint8_t> mask = computeNonZeroMask(
      raw->bytes, elementType.getIntOrFloatBitWidth(),
      llvm::isa<FloatType>(elementType), raw->isSplat ? 1 : count);
  if (raw->isSplat)
    mask.assign(count, mask.front());
  // W rows are the leading dimension of a conv weight or of a transposed
  // gemm B; otherwise the columns of a [K][N] matrix.
  bool rowsLead = llvm::isa<Conv2DOp>(user) ||
                  (llvm::isa<GemmOp>(user) && cast<GemmOp>(user).getTransB());
  WeightStats stats;
  stats.rowNonZeros.assign(shape.n, 0);
  for (int64_t i = 0; i < count; ++i) {
    if (!mask[i])
      continue;
    int64_t row = rowsLead ? i / shape.k : i % shape.n;
    ++stats.rowNonZeros[row];
    ++stats.nonZeros;
  }
  return stats;
}

struct SelectFormatsPass
    : public spa::impl::SpaSelectFormatsBase<SelectFormatsPass> {
  using SpaSelectFormatsBase::SpaSelectFormatsBase;

  void runOnOperation() override {
    llvm::Expected<target::TargetDescription> loaded =
        target::loadTarget(targetName);
    if (!loaded) {
      getOperation()->emitError()
          << "spa-select-formats: " << llvm::toString(loaded.takeError());
      return signalPassFailure();
    }
    target = std::move(*loaded);
    FailureOr<Overrides> read = loadOverrides(getOperation(), overrides);
    if (failed(read))
      return signalPassFailure();
    layers = std::move(*read);
    WalkResult result = getOperation()->walk([&](ConstantOp constant) {
      return select(constant);
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }

  WalkResult select(ConstantOp constant) {
    auto profile =
        constant->getAttrOfType<SparsityProfileAttr>(kSparsityAttrName);
    Operation *user = getWeightUser(constant.getResult());
    if (!profile || !user)
      return WalkResult::advance();
    std::string layer = getNodeName(user);
    std::optional<std::string> forced;
    if (auto it = layers.find(layer); it != layers.end())
      forced = it->second.format;
    std::optional<GemmShape> shape = getGemmShape(user);
    // Only W operands are packed; a depthwise convolution's weights feed
    // the vector unit's per-channel products.
    Value w = constant.getResult();
    bool isW = false, depthwise = false;
    if (auto conv = dyn_cast<Conv2DOp>(user)) {
      isW = conv.getWeight() == w;
      depthwise = conv.getGroups() > 1 &&
                  constant.getType().getDimSize(1) == 1;
    } else if (auto matmul = dyn_cast<MatMulOp>(user)) {
      isW = matmul.getRhs() == w;
    } else if (auto gemm = dyn_cast<GemmOp>(user)) {
      isW = gemm.getB() == w;
    }
    if (!isW || depthwise)
      shape.reset();
    Type elementType = constant.getType().getElementType();
    std::optional<isa::DType> dtype;
    if (elementType.isF32())
      dtype = isa::DType::F32;
    else if (elementType.isSignlessInteger(8) || elementType.isSignedInteger(8))
      dtype = isa::DType::I8;
    std::optional<WeightStats> stats;
    if (shape && dtype)
      stats = measureRows(constant, user, *shape);
    if (!stats) {
      if (forced && *forced != "dense") {
        user->emitError() << "layer '" << layer << "': format " << *forced
                          << " requested, but only constant f32 or i8 W "
                             "operands of convolutions (not depthwise), "
                             "matmuls and gemms are stored sparse";
        return WalkResult::interrupt();
      }
      record(constant, Candidate(), profile.getDim(),
             "dense: the layout passes pack constant f32 or i8 weights "
             "(the W operand) of convolutions, matmuls and gemms, except "
             "depthwise ones");
      return WalkResult::advance();
    }

    SmallVector<Candidate> candidates = enumerate(*shape, *dtype, profile,
                                                  *stats, user);
    // A TASD series spa-tasd-decompose applied competes with the lossless
    // formats of the weight it left.
    if (auto applied = constant->getAttrOfType<DictionaryAttr>(kTasdAttrName)) {
      std::string error;
      std::optional<tasd::Series> series = tasd::parseSeries(
          applied.getAs<StringAttr>("series").getValue(), error);
      if (series && series->size() > 1) {
        std::optional<Candidate> c =
            costSeries(constant, *series, *shape, *dtype, user);
        if (!c) {
          user->emitError() << "layer '" << layer << "': TASD series "
                            << tasd::formatSeries(*series)
                            << " is not run by target '" << target.name
                            << "' (its modes: "
                            << describeModes() << ")";
          return WalkResult::interrupt();
        }
        candidates.push_back(*c);
      }
    }
    const Candidate &dense = candidates.front();
    const Candidate *chosen = nullptr;
    if (forced) {
      SparsityFormat format = *symbolizeSparsityFormat(*forced);
      for (const Candidate &c : candidates)
        if (c.format == format && (format != SparsityFormat::NM || c.native) &&
            (!chosen || c < *chosen))
          chosen = &c;
      if (!chosen) {
        user->emitError() << "layer '" << layer << "': format " << *forced
                          << " requested, but " << whyNot(format, profile,
                                                          *shape);
        return WalkResult::interrupt();
      }
    } else {
      for (const Candidate &c : candidates)
        if (!chosen || c < *chosen)
          chosen = &c;
    }

    std::string reason;
    if (chosen == &dense) {
      const Candidate *runnerUp = nullptr;
      for (const Candidate &c : ArrayRef(candidates).drop_front())
        if (!runnerUp || c < *runnerUp)
          runnerUp = &c;
      if (forced)
        reason = "dense: requested by the override file";
      else if (!runnerUp)
        reason = stats->nonZeros == uint64_t(shape->n) * shape->k
                     ? "dense: the weight has no zeros"
                     : "dense: no sparse format the target can run fits "
                       "the weight";
      else
        reason = llvm::formatv("dense: {0} cycles; the best sparse choice, "
                               "{1}, is not faster ({2} cycles)",
                               dense.cycles, runnerUp->describe(),
                               runnerUp->cycles)
                     .str();
    } else {
      reason = llvm::formatv(
                   "{0}: {1} cycles vs {2} dense ({3:f2}x), weights {4} vs "
                   "{5} bytes{6}",
                   chosen->describe(), chosen->cycles, dense.cycles,
                   double(dense.cycles) / double(std::max<uint64_t>(
                                              chosen->cycles, 1)),
                   chosen->bytes, dense.bytes,
                   forced ? " (format requested by the override file)" : "")
                   .str();
    }
    record(constant, *chosen, profile.getDim(), reason);
    return WalkResult::advance();
  }

  /// Dense first, then every format the target and the weight allow.
  SmallVector<Candidate> enumerate(const GemmShape &shape, isa::DType dtype,
                                   SparsityProfileAttr profile,
                                   const WeightStats &stats, Operation *user) {
    uint64_t m = shape.m, n = shape.n, k = shape.k;
    uint64_t es = isa::elementSize(dtype);
    uint64_t actBytes = getActivationBytes(user);
    NMPattern act = getActStructure(user);
    uint64_t structElements = act.n ? m * k : 0;
    auto finish = [&](Candidate c, uint64_t passes, uint64_t macs) {
      LayerCost cost = estimateLayerCost(target, dtype, shape, passes, macs,
                                         c.bytes, actBytes, structElements);
      c.cycles = cost.cycles;
      c.energyPJ = cost.energyPJ;
      return c;
    };
    auto layoutBytes = [&](isa::Format format, NMPattern p) {
      return packing::getLayout(format, dtype, n, k, unsigned(p.n),
                                unsigned(p.m), stats.nonZeros)
          .totalBytes;
    };
    uint64_t denseK = *getStreamedLength(target, k, {}, act);
    uint64_t densePasses = target.getMatrixPasses(dtype, n, denseK);
    SmallVector<Candidate> candidates;
    Candidate dense;
    dense.bytes = n * k * es;
    candidates.push_back(finish(dense, densePasses, m * n * denseK));
    if (stats.nonZeros == n * k)
      return candidates;

    // N:M: every measured pattern (the weight satisfies each) whose M
    // divides the grouped extent, plus the patterns a mode runs that the
    // weight satisfies.
    SmallVector<NMPattern> patterns;
    for (NMPattern p : profile.getNm())
      if (p.n < p.m)
        patterns.push_back(p);
    for (const target::MatrixMode &mode : target.modes)
      for (const target::Pattern &p : mode.patterns) {
        NMPattern pattern{p.n, p.m};
        if (pattern.n < pattern.m && profile.satisfies(pattern) &&
            !llvm::is_contained(patterns, pattern))
          patterns.push_back(pattern);
      }
    for (NMPattern p : patterns) {
      if (shape.groupedExtent % p.m != 0 || p.m > kMaxGroupSize)
        continue;
      Candidate c;
      c.format = SparsityFormat::NM;
      c.pattern = p;
      std::optional<uint64_t> kp = getStreamedLength(target, k, p, act);
      c.native = kp.has_value();
      // GEMM.NM tiles cross the channel with their values compressed when
      // that is smaller (the backend's choice).
      c.bytes = c.native ? packing::getNMDramBytes(dtype, n, k, unsigned(p.n),
                                                   unsigned(p.m),
                                                   stats.nonZeros)
                         : layoutBytes(isa::Format::NM, p);
      candidates.push_back(finish(
          c, c.native ? target.getMatrixPasses(dtype, n, *kp) : densePasses,
          m * n * kp.value_or(denseK)));
    }
    Candidate bitmap;
    bitmap.format = SparsityFormat::Bitmap;
    bitmap.bytes = layoutBytes(isa::Format::Bitmap, {});
    candidates.push_back(finish(bitmap, densePasses, m * n * denseK));
    // (GEMM.SP does not use the activations' structure, CycleModel.md §3.)
    if (target.findMode(target::MatrixMode::Kind::Unstructured) &&
        k <= UINT16_MAX) {
      Candidate csr;
      csr.format = SparsityFormat::CSR;
      csr.bytes = layoutBytes(isa::Format::CSR, {});
      candidates.push_back(
          finish(csr, target.getSparseMatrixPasses(dtype, k, stats.rowNonZeros),
                 m * stats.nonZeros));
    }
    return candidates;
  }

  /// The cost of a TASD series: one GEMM.NM per term, or nothing when a
  /// term is not a pattern the target runs.
  std::optional<Candidate> costSeries(ConstantOp constant,
                                      ArrayRef<NMPattern> series,
                                      const GemmShape &shape, isa::DType dtype,
                                      Operation *user) {
    NMPattern act = getActStructure(user);
    for (NMPattern p : series)
      if (shape.groupedExtent % p.m != 0 || p.n >= p.m ||
          !getStreamedLength(target, uint64_t(shape.k), p, act))
        return std::nullopt;
    Candidate c;
    c.format = SparsityFormat::TASD;
    c.series.assign(series.begin(), series.end());
    // The terms' non-zeros: decomposing the sum again gives the terms the
    // backend packs.
    SmallVector<uint64_t> nonZeros;
    FailureOr<std::optional<int64_t>> dim =
        getWeightReductionDim(constant.getResult());
    if (std::optional<WeightValues> values =
            readWeightValues(constant.getValue());
        values && succeeded(dim) && *dim)
      nonZeros = tasd::countTermNonZeros(
          values->v,
          tasd::decompose(values->v, constant.getType().getShape(), **dim,
                          series),
          series.size());
    LayerCost cost = estimateSeriesCost(target, dtype, shape, series, act,
                                        getActivationBytes(user), nonZeros);
    c.bytes = cost.weightBytes;
    c.cycles = cost.cycles;
    c.energyPJ = cost.energyPJ;
    return c;
  }

  /// Why no candidate of `format` exists, for the forced-format error.
  std::string whyNot(SparsityFormat format, SparsityProfileAttr profile,
                     const GemmShape &shape) {
    std::string text;
    llvm::raw_string_ostream os(text);
    if (format == SparsityFormat::CSR) {
      os << "target '" << target.name
         << "' has no unstructured matrix mode (its modes: "
         << describeModes() << ")";
    } else if (format == SparsityFormat::NM) {
      os << "target '" << target.name << "' runs no N:M pattern the weight "
         << "satisfies with M dividing its reduced extent ("
         << shape.groupedExtent << "); the target runs " << describeModes()
         << "; the weight satisfies ";
      llvm::interleaveComma(profile.getNm(), os, [&](NMPattern p) {
        os << p.n << ":" << p.m;
      });
    } else {
      os << "the weight has no zeros";
    }
    return text;
  }

  std::string describeModes() {
    std::string text;
    llvm::raw_string_ostream os(text);
    llvm::interleaveComma(target.modes, os, [&](const target::MatrixMode &m) {
      os << m.name;
      switch (m.kind) {
      case target::MatrixMode::Kind::Dense:
        os << " (dense)";
        break;
      case target::MatrixMode::Kind::NM:
        os << " (N:M ";
        llvm::interleave(
            m.patterns, os,
            [&](const target::Pattern &p) { os << p.n << ":" << p.m; }, "/");
        os << ")";
        break;
      case target::MatrixMode::Kind::Relaxed:
        os << " (relaxed N:M, M <= " << m.maxM << ")";
        break;
      case target::MatrixMode::Kind::Unstructured:
        os << " (unstructured)";
        break;
      }
    });
    return text;
  }

  void record(ConstantOp constant, const Candidate &c, int64_t dim,
              StringRef reason) {
    MLIRContext *ctx = &getContext();
    SparseEncodingAttr encoding;
    if (c.format == SparsityFormat::NM)
      encoding = SparseEncodingAttr::get(ctx, c.format, {c.pattern}, dim, 0);
    else if (c.format == SparsityFormat::TASD)
      encoding = SparseEncodingAttr::get(ctx, c.format, c.series, dim, 0);
    else
      encoding = SparseEncodingAttr::get(ctx, c.format);
    constant->setAttr(kLayoutAttrName, encoding);
    constant->setAttr(kLayoutReasonAttrName, StringAttr::get(ctx, reason));
    switch (c.format) {
    case SparsityFormat::NM:
      ++numNM;
      break;
    case SparsityFormat::Bitmap:
      ++numBitmap;
      break;
    case SparsityFormat::CSR:
      ++numCSR;
      break;
    case SparsityFormat::TASD:
      ++numTASD;
      break;
    default:
      ++numDense;
      break;
    }
  }

  target::TargetDescription target;
  Overrides layers;
};

} // namespace
