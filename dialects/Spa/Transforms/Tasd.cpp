//===- Tasd.cpp - TASD search and decomposition ----------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// spa-tasd-search picks, per contraction, the TASD series of its weight and
// the run-time structuring of its activations of least modelled EDP within
// a weight-error budget; spa-tasd-decompose applies a configuration. The
// maths is spc/Support/Tasd.h; the cost model is LayoutUtils' (shared with
// spa-select-formats).
//
//===----------------------------------------------------------------------===//

#include "spc/Dialect/Spa/Transforms/Passes.h"

#include "LayerCost.h"

#include "spc/Support/Tasd.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"
#include "mlir/Support/FileUtilities.h"

#include <chrono>

namespace spc::spa {
#define GEN_PASS_DEF_SPATASDSEARCH
#define GEN_PASS_DEF_SPATASDDECOMPOSE
#include "spc/Dialect/Spa/Transforms/Passes.h.inc"
} // namespace spc::spa

using namespace mlir;
using namespace spc;
using namespace spc::spa;

namespace {

/// A contraction TASD can apply to: a constant f32 or i8 W operand that
/// only it uses, and a static GEMM.
struct TasdLayer {
  Operation *op = nullptr;
  std::string name;
  ConstantOp weight;
  GemmShape shape;
  isa::DType dtype = isa::DType::F32;
  /// W's reduced dimension, and the A operand's.
  int64_t weightDim = 0, actDim = 0;
};

/// Why `op` cannot take a TASD configuration, or the layer.
FailureOr<TasdLayer> getTasdLayer(Operation *op, std::string &why) {
  TasdLayer layer;
  layer.op = op;
  layer.name = getNodeName(op);
  Value w;
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    w = conv.getWeight();
    layer.actDim = 1;
    if (conv.getGroups() > 1 &&
        cast<RankedTensorType>(w.getType()).getDimSize(1) == 1) {
      why = "a depthwise convolution runs on the vector unit";
      return failure();
    }
  } else if (auto matmul = dyn_cast<MatMulOp>(op)) {
    w = matmul.getRhs();
    layer.actDim = cast<RankedTensorType>(matmul.getLhs().getType()).getRank() - 1;
  } else if (auto gemm = dyn_cast<GemmOp>(op)) {
    w = gemm.getB();
    layer.actDim = gemm.getTransA() ? 0 : 1;
  } else {
    why = "only convolutions, matmuls and gemms are decomposed";
    return failure();
  }
  layer.weight = w.getDefiningOp<ConstantOp>();
  std::optional<GemmShape> shape = getGemmShape(op);
  if (!layer.weight || !shape || !w.hasOneUse()) {
    why = "its weight is not a constant only it uses, with a static shape";
    return failure();
  }
  layer.shape = *shape;
  Type elementType = layer.weight.getType().getElementType();
  if (elementType.isF32())
    layer.dtype = isa::DType::F32;
  else if (elementType.isInteger(8))
    layer.dtype = isa::DType::I8;
  else {
    why = "its weight is neither f32 nor i8";
    return failure();
  }
  FailureOr<std::optional<int64_t>> dim = getWeightReductionDim(w);
  if (failed(dim) || !*dim) {
    why = "its weight has no single reduced dimension";
    return failure();
  }
  layer.weightDim = **dim;
  return layer;
}

/// Why the target cannot run `series` on the layer's weight (empty: it
/// can).
std::string checkWeightSeries(const target::TargetDescription &target,
                              const TasdLayer &layer,
                              ArrayRef<NMPattern> series) {
  for (NMPattern p : series) {
    std::string pattern = llvm::formatv("{0}:{1}", p.n, p.m).str();
    if (p.n >= p.m)
      return "term " + pattern + " keeps every value (a dense term)";
    if (layer.shape.groupedExtent % p.m != 0)
      return llvm::formatv("term {0}: {1} does not divide the reduced extent "
                           "{2}",
                           pattern, p.m, layer.shape.groupedExtent)
          .str();
    if (!target.getNMStreamedLength(unsigned(p.n), unsigned(p.m),
                                    uint64_t(layer.shape.k)))
      return "target '" + target.name + "' runs no GEMM.NM " + pattern;
  }
  return "";
}

/// Why the target cannot structure the layer's activations to `p`.
std::string checkActPattern(const target::TargetDescription &target,
                            const TasdLayer &layer, NMPattern p) {
  if (target.structLanes == 0 || !target.dualSide)
    return "target '" + target.name +
           "' has no structuring unit with dual-side sparsity "
           "(structuring.lanes and matrix.dual_side)";
  if (p.n >= p.m)
    return llvm::formatv("activation pattern {0}:{1} keeps every value", p.n,
                         p.m)
        .str();
  if (layer.shape.groupedExtent % p.m != 0)
    return llvm::formatv("activation pattern {0}:{1}: {1} does not divide "
                         "the reduced extent {2}",
                         p.n, p.m, layer.shape.groupedExtent)
        .str();
  return "";
}

/// One configuration and its modelled figures.
struct Config {
  tasd::Series weights;
  NMPattern act;
  double error = 0.0;
  LayerCost cost;
};

/// The layer's weight values, and what a series makes of them: its
/// relative error and the non-zeros each term keeps.
class LayerWeights {
public:
  explicit LayerWeights(TasdLayer &layer)
      : shape(layer.weight.getType().getShape()), dim(layer.weightDim) {
    ConstantOp weight = layer.weight;
    if (std::optional<WeightValues> v = readWeightValues(weight.getValue()))
      values = std::move(v->v);
  }
  bool readable() const { return !values.empty(); }
  /// Which term of `series` keeps each value (tasd::decompose).
  std::vector<int8_t> decompose(ArrayRef<NMPattern> series) const {
    return tasd::decompose(values, shape, dim, series);
  }
  /// `terms` (a prefix's decomposition of `numTerms` terms) extended by one
  /// term `p`, in place.
  void extend(std::vector<int8_t> &terms, size_t numTerms,
              NMPattern p) const {
    if (terms.empty())
      terms.assign(values.size(), -1);
    tasd::addTerm(values, shape, dim, p, int8_t(numTerms), terms);
  }
  /// The relative error of the `numTerms` terms of `terms`.
  double getError(ArrayRef<int8_t> terms, size_t numTerms) const {
    return numTerms ? tasd::getPrefixErrors(values, terms, numTerms).back()
                    : 0.0;
  }
  /// The non-zeros of each of the `numTerms` terms of `terms`, or with no
  /// terms those of the weight (estimateSeriesCost's counts).
  SmallVector<uint64_t> countNonZeros(ArrayRef<int8_t> terms,
                                      size_t numTerms) const {
    if (numTerms)
      return tasd::countTermNonZeros(values, terms, numTerms);
    return {uint64_t(llvm::count_if(values, [](double v) { return v != 0.0; }))};
  }

private:
  ArrayRef<int64_t> shape;
  int64_t dim;
  std::vector<double> values;
};

/// Costs a layer with its weight as `series` (empty: as it is), whose
/// decomposition is `terms`, and activations `act`.
LayerCost costConfig(const target::TargetDescription &target,
                     const TasdLayer &layer, const LayerWeights &weights,
                     ArrayRef<NMPattern> series, ArrayRef<int8_t> terms,
                     NMPattern act) {
  return estimateSeriesCost(target, layer.dtype, layer.shape, series, act,
                            getActivationBytes(layer.op),
                            weights.countNonZeros(terms, series.size()));
}

/// The patterns the target runs natively that fit the layer: the `nm`
/// modes' patterns (N < M), and for a relaxed mode N:M with M its largest
/// group and N one of M/16, M/8, M/4, M/2.
SmallVector<NMPattern> getWeightPatterns(const target::TargetDescription &t,
                                         const TasdLayer &layer) {
  SmallVector<NMPattern> patterns;
  auto add = [&](NMPattern p) {
    if (p.n >= 1 && p.n < p.m && layer.shape.groupedExtent % p.m == 0 &&
        t.getNMStreamedLength(unsigned(p.n), unsigned(p.m),
                              uint64_t(layer.shape.k)) &&
        !llvm::is_contained(patterns, p))
      patterns.push_back(p);
  };
  for (const target::MatrixMode &mode : t.modes) {
    if (mode.kind == target::MatrixMode::Kind::NM)
      for (const target::Pattern &p : mode.patterns)
        add({p.n, p.m});
    if (mode.kind == target::MatrixMode::Kind::Relaxed)
      for (int64_t div : {2, 4, 8, 16})
        add({int64_t(mode.maxM) / div, int64_t(mode.maxM)});
  }
  // Densest first, so that of two equal series the one whose first term
  // keeps more wins (the order TASD writes them in).
  llvm::sort(patterns, [](NMPattern a, NMPattern b) {
    return std::make_tuple(-a.density(), a.m) <
           std::make_tuple(-b.density(), b.m);
  });
  return patterns;
}

std::string formatPattern(NMPattern p) {
  return p.n ? llvm::formatv("{0}:{1}", p.n, p.m).str() : "none";
}

/// The activation pattern of a configuration text ("none" or one N:M).
NMPattern parseActPattern(StringRef text) {
  std::string error;
  std::optional<tasd::Series> s = tasd::parseSeries(text, error);
  return s && !s->empty() ? s->front() : NMPattern();
}

DictionaryAttr makeConfigAttr(MLIRContext *ctx, const Config &c,
                              const LayerCost &dense, const Config &baseline) {
  Builder b(ctx);
  auto f = [&](double v) { return b.getF64FloatAttr(v); };
  return b.getDictionaryAttr({
      b.getNamedAttr("weights", b.getStringAttr(tasd::formatSeries(c.weights))),
      b.getNamedAttr("activations", b.getStringAttr(formatPattern(c.act))),
      b.getNamedAttr("weight_error", f(c.error)),
      b.getNamedAttr("cycles", b.getI64IntegerAttr(int64_t(c.cost.cycles))),
      b.getNamedAttr("energy_pj", f(c.cost.energyPJ)),
      b.getNamedAttr("edp", f(c.cost.getEDP())),
      b.getNamedAttr("dense_edp", f(dense.getEDP())),
      b.getNamedAttr("baseline",
                     b.getStringAttr(tasd::formatSeries(baseline.weights))),
      b.getNamedAttr("baseline_edp", f(baseline.cost.getEDP())),
  });
}

/// Loads the `target` option's description; an error names the pass.
LogicalResult loadPassTarget(Operation *root, StringRef pass, StringRef name,
                             target::TargetDescription &target) {
  llvm::Expected<target::TargetDescription> loaded = target::loadTarget(name);
  if (!loaded)
    return root->emitError()
           << pass << ": " << llvm::toString(loaded.takeError());
  target = std::move(*loaded);
  return success();
}

struct TasdSearchPass : public spa::impl::SpaTasdSearchBase<TasdSearchPass> {
  using SpaTasdSearchBase::SpaTasdSearchBase;

  void runOnOperation() override {
    Operation *root = getOperation();
    if (failed(loadPassTarget(root, "spa-tasd-search", targetName, target)))
      return signalPassFailure();
    if (maxTerms < 1 || maxTerms > tasd::kMaxTerms || !(maxError >= 0.0)) {
      root->emitError() << "spa-tasd-search: max-terms must be 1 to "
                        << tasd::kMaxTerms
                        << " and max-error at least 0";
      return signalPassFailure();
    }
    FailureOr<NMPattern> act = resolveActivations();
    if (failed(act))
      return signalPassFailure();
    FailureOr<Overrides> read =
        loadOverrides(root, config.empty() ? overrides : config);
    if (failed(read))
      return signalPassFailure();
    layers = std::move(*read);

    SmallVector<TasdLayer> found;
    uint64_t totalWeights = 0;
    root->walk([&](Operation *op) {
      std::string why;
      if (!llvm::isa<Conv2DOp, MatMulOp, GemmOp>(op))
        return;
      FailureOr<TasdLayer> layer = getTasdLayer(op, why);
      if (succeeded(layer)) {
        totalWeights += uint64_t(layer->weight.getType().getNumElements());
        found.push_back(*layer);
      }
    });
    // Long searches report progress on stderr every tenth of the weights.
    bool progress = totalWeights >= (uint64_t(1) << 24);
    uint64_t done = 0, nextReport = totalWeights / 10;
    auto started = std::chrono::steady_clock::now();
    llvm::json::Object chosen;
    for (TasdLayer &layer : found) {
      if (failed(search(layer, *act, chosen)))
        return signalPassFailure();
      done += uint64_t(layer.weight.getType().getNumElements());
      if (progress && done >= nextReport) {
        nextReport += totalWeights / 10;
        double seconds = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - started)
                             .count();
        llvm::errs() << llvm::formatv(
            "spa-tasd-search: {0,3}% of the weights ({1} of {2} layers), "
            "{3:f1} s\n",
            done * 100 / totalWeights, &layer - found.begin() + 1,
            found.size(), seconds);
      }
    }
    if (!output.empty() && failed(writeConfig(std::move(chosen))))
      return signalPassFailure();
  }

  /// The activation pattern the option asks for (n = 0: none).
  FailureOr<NMPattern> resolveActivations() {
    if (activations == "none")
      return NMPattern();
    if (activations == "auto") {
      // The densest pattern of at most one half a mode runs: the least
      // lossy structuring that still halves the streamed reduction.
      NMPattern best;
      for (const target::MatrixMode &mode : target.modes)
        if (mode.kind == target::MatrixMode::Kind::NM)
          for (const target::Pattern &p : mode.patterns)
            if (2 * p.n <= p.m && (!best.n || p.n * best.m > best.n * p.m ||
                                   (p.n * best.m == best.n * p.m &&
                                    p.m < best.m)))
              best = {p.n, p.m};
      if (!best.n || target.structLanes == 0 || !target.dualSide) {
        getOperation()->emitError()
            << "spa-tasd-search: activations=auto needs a target with a "
               "structuring unit, dual-side sparsity and an N:M mode; '"
            << target.name << "' has "
            << (target.structLanes ? "a structuring unit" : "no structuring unit")
            << (target.dualSide ? ", dual-side sparsity" : ", no dual-side sparsity")
            << (best.n ? " and N:M patterns" : " and no N:M pattern of at most 1/2");
        return failure();
      }
      return best;
    }
    std::string error;
    std::optional<tasd::Series> s = tasd::parseSeries(activations, error);
    if (!s || s->size() != 1) {
      getOperation()->emitError()
          << "spa-tasd-search: activations must be none, auto or one N:M "
             "pattern: "
          << (s ? "'" + activations + "' has several" : error);
      return failure();
    }
    return s->front();
  }

  LogicalResult search(TasdLayer &layer, NMPattern act,
                       llvm::json::Object &chosen) {
    ++numLayers;
    LayerWeights weights(layer);
    if (!weights.readable())
      return success();
    SmallVector<NMPattern> acts = {NMPattern()};
    if (act.n && checkActPattern(target, layer, act).empty())
      acts.push_back(act);

    // Every candidate: the weight as it is, and each series (depth-first,
    // so that the errors of a prefix come with the series).
    SmallVector<Config> candidates;
    auto addWith = [&](const tasd::Series &series,
                       ArrayRef<int8_t> terms) {
      double error = weights.getError(terms, series.size());
      for (NMPattern a : acts) {
        Config c;
        c.weights = series;
        c.act = a;
        c.error = error;
        c.cost = costConfig(target, layer, weights, series, terms, a);
        candidates.push_back(c);
      }
      return error;
    };
    addWith({}, {});
    SmallVector<NMPattern> patterns = getWeightPatterns(target, layer);
    // Each series extends its prefix's decomposition by one term.
    std::function<void(tasd::Series &, const std::vector<int8_t> &)> extend =
        [&](tasd::Series &prefix, const std::vector<int8_t> &prefixTerms) {
          if (prefix.size() == maxTerms)
            return;
          for (NMPattern p : patterns) {
            std::vector<int8_t> terms = prefixTerms;
            weights.extend(terms, prefix.size(), p);
            prefix.push_back(p);
            double error = addWith(prefix, terms);
            // A series that already keeps everything gains nothing more.
            if (error > 0.0)
              extend(prefix, terms);
            prefix.pop_back();
          }
        };
    tasd::Series prefix;
    extend(prefix, {});

    auto better = [](const Config &a, const Config &b) {
      return std::make_tuple(a.cost.getEDP(), a.weights.size(), a.error) <
             std::make_tuple(b.cost.getEDP(), b.weights.size(), b.error);
    };
    const Config *best = nullptr, *baseline = nullptr;
    for (const Config &c : candidates) {
      if (c.error <= maxError && (!best || better(c, *best)))
        best = &c;
      // The lossless baseline: dense, or a single term the weight already
      // satisfies, with activations as they are.
      if (c.error == 0.0 && c.weights.size() <= 1 && !c.act.n &&
          (!baseline || better(c, *baseline)))
        baseline = &c;
    }
    // A saved configuration leaves the layers it does not list alone.
    Config result = config.empty() ? *best : candidates.front();
    if (auto it = layers.find(layer.name);
        it != layers.end() &&
        (it->second.tasdWeights || it->second.tasdActivations)) {
      FailureOr<Config> fixed = applyOverride(layer, it->second, weights,
                                              *best);
      if (failed(fixed))
        return failure();
      result = *fixed;
    }
    layer.op->setAttr(kTasdConfigAttrName,
                      makeConfigAttr(&getContext(), result,
                                     candidates.front().cost, *baseline));
    if (result.error > 0.0)
      ++numDecomposed;
    if (result.act.n)
      ++numStructured;
    chosen[layer.name] = llvm::json::Object{
        {"tasd_weights", tasd::formatSeries(result.weights)},
        {"tasd_activations", formatPattern(result.act)}};
    return success();
  }

  /// The configuration an override fixes, checked against the target and
  /// the budget.
  FailureOr<Config> applyOverride(const TasdLayer &layer,
                                  const LayerOverride &o,
                                  const LayerWeights &weights,
                                  const Config &best) {
    std::string error;
    Config c;
    if (o.tasdWeights)
      c.weights = *tasd::parseSeries(*o.tasdWeights, error);
    if (o.tasdActivations)
      c.act = parseActPattern(*o.tasdActivations);
    std::string why = checkWeightSeries(target, layer, c.weights);
    if (why.empty() && c.act.n)
      why = checkActPattern(target, layer, c.act);
    if (!why.empty())
      return layer.op->emitError()
             << "layer '" << layer.name << "': TASD override "
             << tasd::formatSeries(c.weights) << " / activations "
             << formatPattern(c.act) << ": " << why;
    std::vector<int8_t> terms;
    if (!c.weights.empty()) {
      terms = weights.decompose(c.weights);
      c.error = weights.getError(terms, c.weights.size());
    }
    // A saved configuration passed its end-to-end check when it was kept;
    // only a layer's own override is held to the budget.
    if (c.error > maxError && config.empty())
      return layer.op->emitError()
             << "layer '" << layer.name << "': TASD override "
             << tasd::formatSeries(c.weights)
             << llvm::formatv(" has relative weight error {0:f4}, above the "
                              "budget {1:f4}; the best configuration within "
                              "the budget is ",
                              c.error, double(maxError))
             << tasd::formatSeries(best.weights) << " (error "
             << llvm::formatv("{0:f4}", best.error) << ", activations "
             << formatPattern(best.act) << ")";
    c.cost = costConfig(target, layer, weights, c.weights, terms, c.act);
    return c;
  }

  LogicalResult writeConfig(llvm::json::Object config) {
    std::string error;
    std::unique_ptr<llvm::ToolOutputFile> file =
        openOutputFile(output, &error);
    if (!file)
      return getOperation()->emitError()
             << "spa-tasd-search: cannot write '" << output << "': " << error;
    file->os() << llvm::formatv("{0:2}",
                                llvm::json::Value(std::move(config)))
               << "\n";
    file->keep();
    return success();
  }

  target::TargetDescription target;
  Overrides layers;
};

struct TasdDecomposePass
    : public spa::impl::SpaTasdDecomposeBase<TasdDecomposePass> {
  using SpaTasdDecomposeBase::SpaTasdDecomposeBase;

  void runOnOperation() override {
    Operation *root = getOperation();
    if (failed(loadPassTarget(root, "spa-tasd-decompose", targetName, target)))
      return signalPassFailure();
    FailureOr<Overrides> read = loadOverrides(root, config);
    if (failed(read))
      return signalPassFailure();
    layers = std::move(*read);
    WalkResult result = root->walk([&](Operation *op) {
      if (!llvm::isa<Conv2DOp, MatMulOp, GemmOp>(op))
        return WalkResult::advance();
      return failed(apply(op)) ? WalkResult::interrupt()
                               : WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }

  LogicalResult apply(Operation *op) {
    std::string name = getNodeName(op);
    std::optional<std::string> weightsText, actText;
    if (auto it = layers.find(name); it != layers.end()) {
      weightsText = it->second.tasdWeights;
      actText = it->second.tasdActivations;
    } else if (auto attr =
                   op->getAttrOfType<DictionaryAttr>(kTasdConfigAttrName)) {
      weightsText = attr.getAs<StringAttr>("weights").getValue().str();
      actText = attr.getAs<StringAttr>("activations").getValue().str();
    }
    std::string error;
    tasd::Series series;
    if (weightsText)
      series = *tasd::parseSeries(*weightsText, error);
    NMPattern act = actText ? parseActPattern(*actText) : NMPattern();
    if (series.empty() && !act.n)
      return success();
    std::string why;
    FailureOr<TasdLayer> layer = getTasdLayer(op, why);
    if (succeeded(layer)) {
      why = checkWeightSeries(target, *layer, series);
      if (why.empty() && act.n)
        why = checkActPattern(target, *layer, act);
    }
    if (!why.empty())
      return op->emitError() << "layer '" << name << "': cannot apply TASD "
                             << tasd::formatSeries(series) << " / activations "
                             << formatPattern(act) << ": " << why;
    MLIRContext *ctx = &getContext();
    if (!series.empty()) {
      std::optional<WeightValues> values =
          readWeightValues(layer->weight.getValue());
      if (!values)
        return op->emitError() << "layer '" << name
                               << "': cannot apply TASD: the weight's data "
                                  "cannot be read";
      ArrayRef<int64_t> shape = layer->weight.getType().getShape();
      std::vector<int8_t> terms =
          tasd::decompose(values->v, shape, layer->weightDim, series);
      double relative =
          tasd::getPrefixErrors(values->v, terms, series.size()).back();
      std::vector<bool> keep(terms.size());
      for (size_t i = 0; i < terms.size(); ++i)
        keep[i] = terms[i] >= 0;
      setConstantData(layer->weight, encodeWeightValues(*values, keep),
                      "_tasd");
      Builder b(ctx);
      layer->weight->setAttr(
          kTasdAttrName,
          b.getDictionaryAttr(
              {b.getNamedAttr("series",
                              b.getStringAttr(tasd::formatSeries(series))),
               b.getNamedAttr("error", b.getF64FloatAttr(relative))}));
      ++numWeights;
    }
    if (act.n) {
      op->setAttr(kTasdActAttrName,
                  SparseEncodingAttr::get(ctx, SparsityFormat::NM, {act},
                                          layer->actDim, 0));
      ++numActivations;
    }
    return success();
  }

  target::TargetDescription target;
  Overrides layers;
};

} // namespace
