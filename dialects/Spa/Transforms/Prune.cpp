//===- Prune.cpp - Magnitude pruning of constant weights -------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Dialect/Spa/Transforms/Passes.h"

#include "LayoutUtils.h"

#include "spc/Support/Tasd.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace spc::spa {
#define GEN_PASS_DEF_SPAPRUNE
#include "spc/Dialect/Spa/Transforms/Passes.h.inc"
} // namespace spc::spa

using namespace mlir;
using namespace spc;
using namespace spc::spa;

namespace {

/// Which entries unstructured magnitude pruning to `sparsity` keeps: all but
/// the round(sparsity · size) of smallest magnitude (ties drop the lower
/// index).
std::vector<bool> pruneUnstructured(const std::vector<double> &v,
                                    double sparsity) {
  std::vector<int64_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  size_t drop = size_t(std::llround(sparsity * double(v.size())));
  auto smaller = [&](int64_t a, int64_t b) {
    double x = getMagnitude(v[a]), y = getMagnitude(v[b]);
    return x != y ? x < y : a < b;
  };
  std::vector<bool> keep(v.size(), true);
  if (drop == 0)
    return keep;
  std::nth_element(order.begin(), order.begin() + (drop - 1), order.end(),
                   smaller);
  for (size_t i = 0; i < drop; ++i)
    keep[order[i]] = false;
  return keep;
}

struct PrunePass : public spa::impl::SpaPruneBase<PrunePass> {
  using SpaPruneBase::SpaPruneBase;

  void runOnOperation() override {
    std::string error;
    FailureOr<PruneSpec> global = parsePruneSpec(mode, error);
    if (failed(global)) {
      getOperation()->emitError() << "spa-prune mode " << error;
      return signalPassFailure();
    }
    FailureOr<Overrides> read = loadOverrides(getOperation(), overrides);
    if (failed(read))
      return signalPassFailure();
    Overrides layers = std::move(*read);

    double worstError = -1.0;
    std::string worstLayer;
    unsigned pruned = 0;
    getOperation()->walk([&](ConstantOp constant) {
      Operation *user = getWeightUser(constant.getResult());
      FailureOr<std::optional<int64_t>> dim =
          getWeightReductionDim(constant.getResult());
      if (!user || failed(dim) || !*dim)
        return;
      std::string layer = getNodeName(user);
      PruneSpec spec = *global;
      if (auto it = layers.find(layer); it != layers.end() && it->second.prune)
        spec = *it->second.prune;
      if (spec.kind == PruneSpec::Kind::None)
        return;
      std::optional<WeightValues> values = readWeightValues(constant.getValue());
      if (!values)
        return;
      ArrayRef<int64_t> shape = constant.getType().getShape();
      std::vector<bool> keep;
      if (spec.kind == PruneSpec::Kind::NM) {
        if (shape[**dim] % spec.m != 0) {
          // No engine runs groups that straddle the end of the dimension.
          ++numSkipped;
          constant->emitRemark()
              << "layer '" << layer << "' left dense: its reduced dimension ("
              << shape[**dim] << ") is not a multiple of " << spec.m;
          return;
        }
        // N:M magnitude pruning is a one-term TASD series.
        std::vector<int8_t> terms = tasd::decompose(
            values->v, shape, **dim, {NMPattern{spec.n, spec.m}});
        keep.resize(terms.size());
        for (size_t i = 0; i < terms.size(); ++i)
          keep[i] = terms[i] >= 0;
      } else {
        keep = pruneUnstructured(values->v, spec.sparsity);
      }
      double total = 0.0, removed = 0.0;
      for (size_t i = 0; i < keep.size(); ++i) {
        total += values->v[i] * values->v[i];
        if (!keep[i])
          removed += values->v[i] * values->v[i];
      }
      double relative = total > 0.0 ? std::sqrt(removed / total) : 0.0;
      setConstantData(constant, encodeWeightValues(*values, keep), "_pruned");
      MLIRContext *ctx = &getContext();
      constant->setAttr(
          kPrunedAttrName,
          DictionaryAttr::get(
              ctx, {NamedAttribute(StringAttr::get(ctx, "error"),
                                   FloatAttr::get(Float64Type::get(ctx),
                                                  relative)),
                    NamedAttribute(StringAttr::get(ctx, "pattern"),
                                   StringAttr::get(ctx, spec.str()))}));
      ++numPruned;
      ++pruned;
      if (relative > worstError) {
        worstError = relative;
        worstLayer = layer;
      }
    });
    if (worstError >= 0.0)
      getOperation()->emitWarning()
          << "pruning is lossy: " << pruned << " weights pruned; the largest relative weight error is "
          << llvm::formatv("{0:f4}", worstError) << " (layer '" << worstLayer
          << "')";
  }
};

} // namespace
