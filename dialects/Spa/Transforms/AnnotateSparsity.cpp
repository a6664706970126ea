//===- AnnotateSparsity.cpp - Measure weight density and N:M ---------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Dialect/Spa/Transforms/Passes.h"

#include "LayoutUtils.h"

#include "spc/Support/Sparsity.h"

namespace spc::spa {
#define GEN_PASS_DEF_SPAANNOTATESPARSITY
#include "spc/Dialect/Spa/Transforms/Passes.h.inc"
} // namespace spc::spa

using namespace mlir;
using namespace spc;
using namespace spc::spa;

namespace {

struct AnnotateSparsityPass
    : public spa::impl::SpaAnnotateSparsityBase<AnnotateSparsityPass> {
  void runOnOperation() override {
    getOperation()->walk([&](ConstantOp constant) {
      FailureOr<std::optional<int64_t>> dim =
          getWeightReductionDim(constant.getResult());
      if (failed(dim)) {
        ++numAmbiguous;
        return;
      }
      if (!*dim)
        return;
      annotate(constant, **dim);
    });
  }

  void annotate(ConstantOp constant, int64_t dim) {
    ElementsAttr value = constant.getValue();
    std::optional<RawConstantData> raw = getRawConstantData(value);
    if (!raw) {
      ++numUnreadable;
      return;
    }
    Type elementType = value.getElementType();
    ArrayRef<int64_t> shape = value.getShapedType().getShape();
    int64_t numElements = value.getNumElements();
    // A splat is one value repeated: measure one element and broadcast.
    SmallVector<uint8_t> mask = computeNonZeroMask(
        raw->bytes, elementType.getIntOrFloatBitWidth(),
        isa<FloatType>(elementType), raw->isSplat ? 1 : numElements);
    if (raw->isSplat)
      mask.assign(numElements, mask.front());

    SparsityProfile profile = measureSparsity(mask, shape, dim);
    constant->setAttr(kSparsityAttrName,
                      SparsityProfileAttr::get(&getContext(),
                                               llvm::APFloat(profile.density()),
                                               dim, profile.patterns));
    ++numWeights;
    if (profile.numNonZeros < profile.numElements)
      ++numSparse;
    if (getTightestPattern(profile.patterns).density() <= 0.5)
      ++numStructured;
  }
};

} // namespace
