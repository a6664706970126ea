//===- SparseEncodingTest.cpp - #spa.encoding and #spa.sparsity tests -----===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Dialect/Spa/IR/Spa.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace spc;
using namespace spc::spa;

namespace {

class SparseEncodingTest : public ::testing::Test {
protected:
  SparseEncodingTest() {
    context.loadDialect<SpaDialect>();
    handler.emplace(&context, [this](Diagnostic &diag) {
      lastError = diag.str();
      return success();
    });
  }

  /// Builds an encoding through the verifier; null when it is rejected, with
  /// the message in `lastError`.
  SparseEncodingAttr getChecked(SparsityFormat format,
                                ArrayRef<NMPattern> patterns, int64_t dim,
                                int64_t padded = 0) {
    return SparseEncodingAttr::getChecked(
        [&] { return emitError(UnknownLoc::get(&context)); }, &context, format,
        patterns, dim, padded);
  }

  /// Whether a tensor of `shape` accepts `encoding`.
  bool acceptsShape(SparseEncodingAttr encoding, ArrayRef<int64_t> shape) {
    return static_cast<bool>(RankedTensorType::getChecked(
        [&] { return emitError(UnknownLoc::get(&context)); }, shape,
        Float32Type::get(&context), encoding));
  }

  MLIRContext context;
  std::optional<ScopedDiagnosticHandler> handler;
  std::string lastError;
};

TEST_F(SparseEncodingTest, AcceptsEveryGroupSizeUpTo256) {
  for (int64_t m = 1; m <= kMaxGroupSize; ++m)
    for (int64_t n : {int64_t(1), m / 2 + 1, m})
      EXPECT_TRUE(getChecked(SparsityFormat::NM, {{n, m}}, 0))
          << n << ":" << m << ": " << lastError;
}

TEST_F(SparseEncodingTest, RejectsImpossiblePatterns) {
  EXPECT_FALSE(getChecked(SparsityFormat::NM, {{5, 4}}, 0));
  EXPECT_EQ(lastError, "N:M pattern 5:4 has N > M");
  EXPECT_FALSE(getChecked(SparsityFormat::NM, {{1, 512}}, 0));
  EXPECT_EQ(lastError, "group size M = 512 is out of range [1, 256]");
  EXPECT_FALSE(getChecked(SparsityFormat::NM, {{0, 4}}, 0));
  EXPECT_FALSE(getChecked(SparsityFormat::NM, {{2, 4}, {1, 8}}, 0));
  EXPECT_FALSE(getChecked(SparsityFormat::TASD, {{2, 4}}, 0));
  EXPECT_FALSE(getChecked(SparsityFormat::TASD, {{2, 4}, {3, 4}}, 0));
  EXPECT_FALSE(getChecked(SparsityFormat::NM, {{2, 4}}, -1));
  EXPECT_FALSE(getChecked(SparsityFormat::NM, {{2, 4}}, 0, /*padded=*/6));
  EXPECT_FALSE(getChecked(SparsityFormat::Bitmap, {{2, 4}}, 0));
}

TEST_F(SparseEncodingTest, TASDDensityIsTheSumOfItsTerms) {
  SparseEncodingAttr tasd = getChecked(SparsityFormat::TASD, {{2, 4}, {1, 8}}, 1);
  ASSERT_TRUE(tasd);
  EXPECT_DOUBLE_EQ(tasd.getMaxDensity(), 0.625);
  EXPECT_TRUE(tasd.isStructured());
  // A series may fill every position, but not more.
  EXPECT_TRUE(getChecked(SparsityFormat::TASD, {{2, 4}, {2, 4}}, 1));
  EXPECT_DOUBLE_EQ(SparseEncodingAttr::get(&context, SparsityFormat::CSR)
                       .getMaxDensity(),
                   1.0);
}

TEST_F(SparseEncodingTest, ShapeChecks) {
  SparseEncodingAttr nm = getChecked(SparsityFormat::NM, {{2, 4}}, 1);
  ASSERT_TRUE(nm);
  EXPECT_TRUE(acceptsShape(nm, {64, 128}));
  EXPECT_TRUE(acceptsShape(nm, {64, ShapedType::kDynamic}));
  EXPECT_FALSE(acceptsShape(nm, {64, 130}));
  EXPECT_EQ(lastError, "group size 4 does not divide dimension 1 (130); set "
                       "'padded' to a multiple of 4");
  EXPECT_FALSE(acceptsShape(nm, {64}));

  SparseEncodingAttr padded = getChecked(SparsityFormat::NM, {{1, 4}}, 1, 4);
  ASSERT_TRUE(padded);
  EXPECT_TRUE(acceptsShape(padded, {64, 3, 7, 7}));
  EXPECT_FALSE(acceptsShape(padded, {64, 5, 7, 7}));

  SparseEncodingAttr csr = SparseEncodingAttr::get(&context, SparsityFormat::CSR);
  EXPECT_TRUE(acceptsShape(csr, {4, 4}));
  EXPECT_FALSE(acceptsShape(csr, {16}));
}

TEST_F(SparseEncodingTest, ParsesAndPrintsRoundTrip) {
  for (StringRef text :
       {"#spa.encoding<dense>", "#spa.encoding<bitmap>", "#spa.encoding<csr>",
        "#spa.encoding<nm<2:4>, dim = 1>",
        "#spa.encoding<nm<16:128>, dim = 0, padded = 256>",
        "#spa.encoding<tasd<2:4, 1:8>, dim = 3>"}) {
    Attribute attr = parseAttribute(text, &context);
    ASSERT_TRUE(attr) << text.str() << ": " << lastError;
    std::string printed;
    llvm::raw_string_ostream os(printed);
    attr.print(os);
    EXPECT_EQ(printed, text.str());
  }
  EXPECT_FALSE(parseAttribute("#spa.encoding<blocked>", &context));
  EXPECT_EQ(lastError, "unknown sparse format 'blocked', expected one of "
                       "dense, nm, bitmap, csr, tasd");
}

TEST_F(SparseEncodingTest, ProfileAnswersWhichPatternsHold) {
  SparsityProfileAttr profile = SparsityProfileAttr::get(
      &context, llvm::APFloat(0.0625), 0,
      {{1, 4}, {1, 8}, {1, 16}, {2, 32}, {4, 64}, {8, 128}, {16, 256}});
  EXPECT_EQ(profile.getTightest(), (NMPattern{1, 16}));
  EXPECT_TRUE(profile.satisfies({2, 4}));
  EXPECT_TRUE(profile.satisfies({1, 4}));
  EXPECT_TRUE(profile.satisfies({16, 128}));
  EXPECT_FALSE(profile.satisfies({1, 32}));
  // Unmeasured group sizes are never claimed.
  EXPECT_FALSE(profile.satisfies({12, 12}));
}

TEST_F(SparseEncodingTest, ProfileVerifier) {
  auto getProfile = [&](double density, int64_t dim,
                        ArrayRef<NMPattern> nm) {
    return SparsityProfileAttr::getChecked(
        [&] { return emitError(UnknownLoc::get(&context)); }, &context,
        llvm::APFloat(density), dim, nm);
  };
  EXPECT_TRUE(getProfile(0.5, 0, {{2, 4}, {4, 8}}));
  EXPECT_FALSE(getProfile(0.5, 0, {}));
  EXPECT_EQ(lastError, "sparsity profile needs at least one N:M entry");
  EXPECT_FALSE(getProfile(0.5, 0, {{4, 8}, {2, 4}}));
  EXPECT_EQ(lastError, "measured group sizes must increase, got 8 then 4");
  EXPECT_FALSE(getProfile(1.5, 0, {{4, 4}}));
  EXPECT_FALSE(getProfile(0.5, -1, {{2, 4}}));
}

TEST_F(SparseEncodingTest, UnstructuredFormatsTakeNoPatterns) {
  // Only reachable from C++: the parser reads no patterns for these formats.
  EXPECT_FALSE(getChecked(SparsityFormat::Dense, {}, 1));
  EXPECT_EQ(lastError,
            "'dense' encoding takes no N:M patterns, dim or padding");
  EXPECT_FALSE(getChecked(SparsityFormat::CSR, {}, -1, 4));
  EXPECT_TRUE(getChecked(SparsityFormat::Bitmap, {}, -1));
}

} // namespace
