//===- TargetDescriptionTest.cpp - Target description tests ---------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Target/TargetDescription.h"

#include "llvm/Support/JSON.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

using ::testing::HasSubstr;

#include <set>

using namespace spc;
using namespace spc::target;

namespace {

TargetDescription loadPreset(llvm::StringRef name) {
  auto target = loadTarget(name);
  if (!target) {
    ADD_FAILURE() << llvm::toString(target.takeError());
    return {};
  }
  return *target;
}

/// The error of parsing `preset` after `edit` changed its JSON.
std::string errorAfterEdit(llvm::StringRef preset,
                           llvm::function_ref<void(llvm::json::Object &)> edit) {
  auto value = llvm::json::parse(getPresetJSON(preset));
  if (!value) {
    ADD_FAILURE() << llvm::toString(value.takeError());
    return "";
  }
  edit(*value->getAsObject());
  std::string text = llvm::formatv("{0}", *value).str();
  auto target = parseTarget(text, "t.json");
  if (target)
    return "";
  return llvm::toString(target.takeError());
}

llvm::json::Object &child(llvm::json::Object &object, llvm::StringRef key) {
  return *object.getObject(key);
}

TEST(TargetDescriptionTest, PresetsLoad) {
  std::vector<llvm::StringRef> expected = {"dense-systolic", "sparse-2of4",
                                           "flexible-nm", "relaxed-nm",
                                           "high-sparsity"};
  EXPECT_EQ(getPresetNames().vec(), expected);
  std::set<uint64_t> fingerprints;
  TargetDescription dense = loadPreset("dense-systolic");
  for (llvm::StringRef name : getPresetNames()) {
    TargetDescription t = loadPreset(name);
    EXPECT_EQ(t.name, name);
    fingerprints.insert(t.fingerprint());
    // The presets differ in sparsity support alone.
    EXPECT_EQ(t.multipliers, dense.multipliers);
    EXPECT_EQ(t.arrayRows, dense.arrayRows);
    EXPECT_EQ(t.wgt.bytes, dense.wgt.bytes);
    EXPECT_EQ(t.act.bytes, dense.act.bytes);
    EXPECT_EQ(t.acc.bytes, dense.acc.bytes);
    EXPECT_EQ(t.dramBytesPerCycle, dense.dramBytesPerCycle);
    EXPECT_EQ(t.clockMHz, dense.clockMHz);
    EXPECT_TRUE(t.findMode(MatrixMode::Kind::Dense));
    // Every VEC function is available.
    for (isa::VecFunc func : isa::getAllVecFuncs())
      EXPECT_TRUE(t.getVectorFunction(func)) << isa::getName(func).str();
  }
  EXPECT_EQ(fingerprints.size(), getPresetNames().size());

  EXPECT_TRUE(loadPreset("sparse-2of4").supportsNM(2, 4));
  EXPECT_FALSE(loadPreset("sparse-2of4").supportsNM(1, 4));
  EXPECT_TRUE(loadPreset("flexible-nm").supportsNM(1, 4));
  EXPECT_TRUE(loadPreset("relaxed-nm").supportsNM(16, 128));
  EXPECT_TRUE(loadPreset("relaxed-nm").supportsNM(32, 256));
  EXPECT_FALSE(loadPreset("dense-systolic").supportsNM(2, 4));
  EXPECT_TRUE(loadPreset("high-sparsity").findMode(
      MatrixMode::Kind::Unstructured));
  EXPECT_EQ(loadPreset("high-sparsity")
                .findMode(MatrixMode::Kind::Unstructured)
                ->maxSpeedup,
            32.0);
  EXPECT_GT(loadPreset("flexible-nm").structLanes, 0u);
  EXPECT_EQ(loadPreset("sparse-2of4").structLanes, 0u);
}

// ISA §6.5: the canonical form parses back to an equal description.
TEST(TargetDescriptionTest, CanonicalRoundTrip) {
  for (llvm::StringRef name : getPresetNames()) {
    TargetDescription t = loadPreset(name);
    std::string canonical = t.toCanonicalJSON();
    EXPECT_EQ(canonical.find('\n'), std::string::npos);
    auto reparsed = parseTarget(canonical, "canonical");
    ASSERT_TRUE(static_cast<bool>(reparsed))
        << llvm::toString(reparsed.takeError());
    EXPECT_EQ(reparsed->toCanonicalJSON(), canonical);
    EXPECT_EQ(reparsed->fingerprint(), t.fingerprint());
    auto pretty = parseTarget(t.toPrettyJSON(), "pretty");
    ASSERT_TRUE(static_cast<bool>(pretty));
    EXPECT_EQ(pretty->fingerprint(), t.fingerprint());
  }
}

TEST(TargetDescriptionTest, InconsistentFieldsAreNamed) {
  EXPECT_THAT(errorAfterEdit("dense-systolic",
                           [](llvm::json::Object &o) {
                             child(child(o, "scratchpads"), "weight")["bytes"] =
                                 0;
                           })
                , HasSubstr("t.json: scratchpads.weight.bytes: 0 is out of range"));
  EXPECT_THAT(errorAfterEdit("sparse-2of4",
                           [](llvm::json::Object &o) {
                             auto &modes = *child(o, "matrix").getArray("modes");
                             (*modes[1].getAsObject())["patterns"] =
                                 llvm::json::Array{"4:2"};
                           })
                , HasSubstr("matrix.modes[1].patterns[0]: invalid pattern 4:2"));
  EXPECT_THAT(errorAfterEdit("dense-systolic",
                           [](llvm::json::Object &o) {
                             child(child(o, "vector"), "functions")["softmax"] =
                                 llvm::json::Object{{"latency", 1},
                                                    {"interval", 1},
                                                    {"energy_pj", 1.0}};
                           })
                , HasSubstr("vector.functions.softmax: unknown function"));
  EXPECT_THAT(errorAfterEdit("dense-systolic",
                           [](llvm::json::Object &o) {
                             child(o, "energy")["dram_pj_per_byte"] = -1.0;
                           })
                , HasSubstr("energy.dram_pj_per_byte: -1 must be at least 0"));
  EXPECT_THAT(errorAfterEdit("dense-systolic",
                           [](llvm::json::Object &o) {
                             child(child(o, "datatypes"), "int8")
                                 ["mac_energy_pj"] = -0.5;
                           })
                , HasSubstr("datatypes.int8.mac_energy_pj"));
  EXPECT_THAT(errorAfterEdit("dense-systolic",
                           [](llvm::json::Object &o) {
                             child(o, "dram")["bandwidth"] = 3;
                           })
                , HasSubstr("dram.bandwidth: unknown field"));
  EXPECT_THAT(errorAfterEdit("dense-systolic",
                           [](llvm::json::Object &o) {
                             child(child(o, "matrix"), "array")["rows"] = 16;
                           })
                , HasSubstr("matrix.array: rows x cols = 16 x 32 must equal "
                      "multipliers (1024)"));
  EXPECT_THAT(errorAfterEdit("sparse-2of4",
                           [](llvm::json::Object &o) {
                             auto &modes = *child(o, "matrix").getArray("modes");
                             modes.erase(modes.begin());
                           })
                , HasSubstr("matrix.modes: must include a dense mode"));
  EXPECT_THAT(errorAfterEdit("relaxed-nm",
                           [](llvm::json::Object &o) {
                             auto &modes = *child(o, "matrix").getArray("modes");
                             (*modes[1].getAsObject())["max_m"] = 512;
                           })
                , HasSubstr("matrix.modes[1].max_m: 512 is out of range [1, 256]"));
  EXPECT_THAT(errorAfterEdit("dense-systolic",
                           [](llvm::json::Object &o) {
                             child(o, "matrix")["dual_side"] = true;
                           })
                , HasSubstr("dual-side sparsity needs a structuring unit"));
  EXPECT_THAT(errorAfterEdit("dense-systolic",
                           [](llvm::json::Object &o) { o.erase("clock_mhz"); })
                , HasSubstr("clock_mhz: missing"));
  EXPECT_THAT(errorAfterEdit("dense-systolic",
                           [](llvm::json::Object &o) {
                             auto &modes = *child(o, "matrix").getArray("modes");
                             (*modes[0].getAsObject())["kind"] = "sparse";
                           })
                , HasSubstr("matrix.modes[0].kind: unknown kind 'sparse'"));

  // Several errors are all reported.
  std::string both = errorAfterEdit("dense-systolic", [](llvm::json::Object &o) {
    child(o, "dram")["bytes_per_cycle"] = 0;
    child(o, "vector")["lanes"] = "wide";
  });
  EXPECT_THAT(both, HasSubstr("dram.bytes_per_cycle"));
  EXPECT_THAT(both, HasSubstr("vector.lanes: must be an integer"));
}

TEST(TargetDescriptionTest, BadFiles) {
  auto notJSON = parseTarget("{", "bad.json");
  ASSERT_FALSE(static_cast<bool>(notJSON));
  EXPECT_THAT(llvm::toString(notJSON.takeError()), HasSubstr("bad.json: invalid JSON"));
  auto notObject = parseTarget("[1]", "bad.json");
  ASSERT_FALSE(static_cast<bool>(notObject));
  EXPECT_THAT(llvm::toString(notObject.takeError()), HasSubstr("JSON object"));
  auto missing = loadTarget("no-such-target");
  ASSERT_FALSE(static_cast<bool>(missing));
  std::string message = llvm::toString(missing.takeError());
  EXPECT_THAT(message, HasSubstr("cannot load target 'no-such-target'"));
  EXPECT_THAT(message, HasSubstr("dense-systolic"));
}

} // namespace
