//===- TargetDescription.cpp - Accelerator target files -------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Reads, validates and prints target descriptions (docs/Targets.md). The
// reader walks the JSON with the path of every field, so that an error names
// the field (`scratchpads.weight.bytes: must be positive`), and it rejects
// unknown keys: a misspelt field would otherwise silently take no effect.
//
//===----------------------------------------------------------------------===//

#include "spc/Target/TargetDescription.h"

#include "llvm/Support/MathExtras.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <set>

using namespace spc;
using namespace spc::target;
using llvm::Error;
using llvm::Expected;
namespace json = llvm::json;

//===----------------------------------------------------------------------===//
// Presets
//===----------------------------------------------------------------------===//

namespace {
struct Preset {
  llvm::StringRef name;
  llvm::StringRef json;
};
} // namespace

/// The files of targets/, embedded by cmake/EmbedPresets.cmake.
static const Preset kPresets[] = {
#include "Presets.inc"
};

llvm::ArrayRef<llvm::StringRef> target::getPresetNames() {
  static const std::vector<llvm::StringRef> names = [] {
    std::vector<llvm::StringRef> result;
    for (const Preset &preset : kPresets)
      result.push_back(preset.name);
    return result;
  }();
  return names;
}

llvm::StringRef target::getPresetJSON(llvm::StringRef name) {
  for (const Preset &preset : kPresets)
    if (preset.name == name)
      return preset.json;
  return {};
}

//===----------------------------------------------------------------------===//
// Queries
//===----------------------------------------------------------------------===//

const Scratchpad &TargetDescription::getScratchpad(isa::Buffer buffer) const {
  switch (buffer) {
  case isa::Buffer::Wgt:
    return wgt;
  case isa::Buffer::Act:
    return act;
  case isa::Buffer::Acc:
  case isa::Buffer::None:
    break;
  }
  return acc;
}

const MatrixMode *TargetDescription::findMode(MatrixMode::Kind kind,
                                              unsigned n, unsigned m) const {
  for (const MatrixMode &mode : modes) {
    if (mode.kind != kind)
      continue;
    switch (kind) {
    case MatrixMode::Kind::Dense:
    case MatrixMode::Kind::Unstructured:
      return &mode;
    case MatrixMode::Kind::NM:
      if (llvm::is_contained(mode.patterns, Pattern{n, m}))
        return &mode;
      break;
    case MatrixMode::Kind::Relaxed:
      if (m <= mode.maxM)
        return &mode;
      break;
    }
  }
  return nullptr;
}

bool TargetDescription::supportsNM(unsigned n, unsigned m) const {
  return findMode(MatrixMode::Kind::NM, n, m) ||
         findMode(MatrixMode::Kind::Relaxed, n, m);
}

const VectorFunction *
TargetDescription::getVectorFunction(isa::VecFunc func) const {
  auto it = vectorFunctions.find(func);
  return it == vectorFunctions.end() ? nullptr : &it->second;
}

uint64_t TargetDescription::getChargedDramBytes(const isa::Dma &dma) const {
  uint64_t total = 1;
  for (uint16_t size : dma.size)
    total *= size;
  uint64_t run = 1;
  for (int dim = 3; dim >= 0; --dim) {
    if (dma.size[dim] == 1)
      continue;
    if (dma.dramStride[dim] != run)
      break;
    run *= dma.size[dim];
  }
  uint64_t es = isa::elementSize(dma.dtype);
  return total / run *
         llvm::alignTo(run * es, std::max<uint64_t>(1, dramBurstBytes));
}

uint64_t TargetDescription::getSramBandwidth(isa::Buffer buffer) const {
  const Scratchpad &pad = getScratchpad(buffer);
  return std::max<uint64_t>(1, uint64_t(pad.banks) * pad.bankWidthBytes);
}

uint64_t
TargetDescription::getVecCycles(isa::VecFunc func, uint64_t elements,
                                llvm::ArrayRef<uint64_t> bytesPerBuffer) const {
  const VectorFunction *fn = getVectorFunction(func);
  VectorFunction fallback;
  if (!fn)
    fn = &fallback;
  uint64_t memCycles = 0;
  for (unsigned b = 1; b < bytesPerBuffer.size(); ++b)
    if (bytesPerBuffer[b])
      memCycles = std::max(memCycles,
                           llvm::divideCeil(bytesPerBuffer[b],
                                            getSramBandwidth(isa::Buffer(b))));
  uint64_t passes = llvm::divideCeil(elements, std::max(1u, vectorLanes));
  return fn->latency + std::max(passes * fn->interval, memCycles);
}

uint64_t TargetDescription::getReductionDepth(isa::DType dtype) const {
  unsigned macs = dtype == isa::DType::I8 ? int8.macsPerMultiplier
                                          : fp32.macsPerMultiplier;
  return uint64_t(arrayRows) * std::max(1u, macs);
}

uint64_t TargetDescription::getMatrixCyclesOfPasses(isa::DType dtype,
                                                    uint64_t m,
                                                    uint64_t passes) const {
  uint64_t r = getReductionDepth(dtype), c = std::max(1u, arrayCols);
  return passes * std::max(m, r) + r + c - 1;
}

uint64_t TargetDescription::getMatrixPasses(isa::DType dtype, uint64_t n,
                                            uint64_t kp) const {
  return llvm::divideCeil(kp, getReductionDepth(dtype)) *
         llvm::divideCeil(n, std::max(1u, arrayCols));
}

std::optional<uint64_t>
TargetDescription::getNMStreamedLength(unsigned n, unsigned m,
                                       uint64_t k) const {
  if (findMode(MatrixMode::Kind::NM, n, m))
    return k * n / m;
  const MatrixMode *mode = findMode(MatrixMode::Kind::Relaxed, n, m);
  if (!mode)
    return std::nullopt;
  unsigned ports = std::max(1u, mode->readPorts);
  return (k / m) * (n <= ports ? n : llvm::divideCeil(n, ports) * ports);
}

uint64_t TargetDescription::getDualSideLength(uint64_t kp, unsigned actN,
                                              unsigned actM) const {
  if (!dualSide || actN == 0 || actM == 0)
    return kp;
  return llvm::divideCeil(kp * actN, actM);
}

uint64_t TargetDescription::getStructCycles(uint64_t elements) const {
  return structLatency + llvm::divideCeil(elements, std::max(1u, structLanes));
}

uint64_t TargetDescription::getSparseMatrixPasses(
    isa::DType dtype, uint64_t k, llvm::ArrayRef<uint32_t> rowNonZeros) const {
  uint64_t r = getReductionDepth(dtype), c = std::max(1u, arrayCols);
  const MatrixMode *mode = findMode(MatrixMode::Kind::Unstructured);
  double maxSpeedup = mode && mode->maxSpeedup > 0 ? mode->maxSpeedup : 1;
  uint64_t floorT =
      uint64_t(std::ceil(double(llvm::divideCeil(k, r)) / maxSpeedup));
  uint64_t sum = 0;
  for (size_t g = 0; g < rowNonZeros.size(); g += c) {
    uint64_t most = 0;
    for (size_t i = g; i < std::min<size_t>(g + c, rowNonZeros.size()); ++i)
      most = std::max<uint64_t>(most, rowNonZeros[i]);
    sum += std::max(llvm::divideCeil(most, r), floorT);
  }
  return sum;
}

//===----------------------------------------------------------------------===//
// Printing
//===----------------------------------------------------------------------===//

static llvm::StringRef getKindName(MatrixMode::Kind kind) {
  switch (kind) {
  case MatrixMode::Kind::Dense:
    return "dense";
  case MatrixMode::Kind::NM:
    return "nm";
  case MatrixMode::Kind::Relaxed:
    return "relaxed";
  case MatrixMode::Kind::Unstructured:
    return "unstructured";
  }
  return "?";
}

static json::Value toJSON(const Scratchpad &pad) {
  return json::Object{{"bytes", static_cast<int64_t>(pad.bytes)},
                      {"banks", pad.banks},
                      {"bank_width_bytes", pad.bankWidthBytes}};
}

/// The description as a JSON object with every field present.
static json::Value toJSON(const TargetDescription &t) {
  json::Array modes;
  for (const MatrixMode &mode : t.modes) {
    json::Object object{{"name", mode.name}, {"kind", getKindName(mode.kind)}};
    switch (mode.kind) {
    case MatrixMode::Kind::Dense:
      break;
    case MatrixMode::Kind::NM: {
      json::Array patterns;
      for (const Pattern &pattern : mode.patterns)
        patterns.push_back(llvm::formatv("{0}:{1}", pattern.n, pattern.m).str());
      object["patterns"] = std::move(patterns);
      break;
    }
    case MatrixMode::Kind::Relaxed:
      object["max_m"] = mode.maxM;
      object["read_ports"] = mode.readPorts;
      break;
    case MatrixMode::Kind::Unstructured:
      object["max_speedup"] = mode.maxSpeedup;
      break;
    }
    modes.push_back(std::move(object));
  }
  json::Object functions;
  for (const auto &[func, function] : t.vectorFunctions)
    functions[isa::getName(func).lower()] = json::Object{{"latency", function.latency},
                                   {"interval", function.interval},
                                   {"energy_pj", function.energyPJ}};
  json::Object result{
      {"name", t.name},
      {"description", t.description},
      {"clock_mhz", t.clockMHz},
      {"matrix", json::Object{{"multipliers", t.multipliers},
                              {"array", json::Object{{"rows", t.arrayRows},
                                                     {"cols", t.arrayCols}}},
                              {"dual_side", t.dualSide},
                              {"modes", std::move(modes)}}},
      {"datatypes",
       json::Object{
           {"fp32", json::Object{{"macs_per_multiplier",
                                  t.fp32.macsPerMultiplier},
                                 {"mac_energy_pj", t.fp32.macEnergyPJ}}},
           {"int8", json::Object{{"macs_per_multiplier",
                                  t.int8.macsPerMultiplier},
                                 {"mac_energy_pj", t.int8.macEnergyPJ}}}}},
      {"scratchpads", json::Object{{"weight", toJSON(t.wgt)},
                                   {"activation", toJSON(t.act)},
                                   {"accumulator", toJSON(t.acc)}}},
      {"dram", json::Object{{"bytes_per_cycle", t.dramBytesPerCycle},
                            {"latency_cycles", t.dramLatency},
                            {"burst_bytes", t.dramBurstBytes}}},
      {"vector", json::Object{{"lanes", t.vectorLanes},
                              {"functions", std::move(functions)}}},
      {"structuring", json::Object{{"lanes", t.structLanes},
                                   {"latency", t.structLatency}}},
      {"energy", json::Object{{"sram_pj_per_byte", t.sramEnergyPJPerByte},
                              {"dram_pj_per_byte", t.dramEnergyPJPerByte}}},
  };
  return result;
}

std::string TargetDescription::toCanonicalJSON() const {
  // llvm::json prints object keys sorted and, without an indent, no
  // whitespace: exactly the canonical form of ISA §6.5.
  return llvm::formatv("{0}", toJSON(*this)).str();
}

std::string TargetDescription::toPrettyJSON() const {
  return llvm::formatv("{0:2}", toJSON(*this)).str();
}

uint64_t TargetDescription::fingerprint() const {
  // FNV-1a, 64-bit (ISA §6.5).
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : toCanonicalJSON()) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

//===----------------------------------------------------------------------===//
// Parsing
//===----------------------------------------------------------------------===//

namespace {
/// Reads one JSON object, tracking its path and the keys it consumed.
class ObjectReader {
public:
  ObjectReader(const json::Object &object, std::string path,
               llvm::SmallVectorImpl<std::string> &errors)
      : object(object), path(std::move(path)), errors(errors) {}

  std::string field(llvm::StringRef key) const {
    return path.empty() ? key.str() : path + "." + key.str();
  }

  void error(llvm::StringRef key, const llvm::Twine &message) {
    errors.push_back(field(key) + ": " + message.str());
  }

  const json::Value *get(llvm::StringRef key, bool required) {
    seen.insert(key.str());
    const json::Value *value = object.get(key);
    if (!value && required)
      error(key, "missing");
    return value;
  }

  std::optional<ObjectReader> getObject(llvm::StringRef key,
                                        bool required = true) {
    const json::Value *value = get(key, required);
    if (!value)
      return std::nullopt;
    const json::Object *nested = value->getAsObject();
    if (!nested) {
      error(key, "must be an object");
      return std::nullopt;
    }
    return ObjectReader(*nested, field(key), errors);
  }

  void readString(llvm::StringRef key, std::string &out,
                  bool required = true) {
    const json::Value *value = get(key, required);
    if (!value)
      return;
    if (std::optional<llvm::StringRef> s = value->getAsString())
      out = s->str();
    else
      error(key, "must be a string");
  }

  void readBool(llvm::StringRef key, bool &out, bool required = true) {
    const json::Value *value = get(key, required);
    if (!value)
      return;
    if (std::optional<bool> b = value->getAsBoolean())
      out = *b;
    else
      error(key, "must be true or false");
  }

  /// An integer in [min, max].
  template <typename T>
  void readInt(llvm::StringRef key, T &out, int64_t min, int64_t max,
               bool required = true) {
    const json::Value *value = get(key, required);
    if (!value)
      return;
    std::optional<int64_t> i = value->getAsInteger();
    if (!i) {
      error(key, "must be an integer");
      return;
    }
    if (*i < min || *i > max) {
      error(key, llvm::formatv("{0} is out of range [{1}, {2}]", *i, min, max));
      return;
    }
    out = static_cast<T>(*i);
  }

  /// A finite number no smaller than `min` (and above it if `strict`).
  void readNumber(llvm::StringRef key, double &out, double min, bool strict,
                  bool required = true) {
    const json::Value *value = get(key, required);
    if (!value)
      return;
    std::optional<double> d = value->getAsNumber();
    if (!d || !std::isfinite(*d)) {
      error(key, "must be a finite number");
      return;
    }
    if (*d < min || (strict && *d == min)) {
      error(key, llvm::formatv("{0} must be {1} {2}", json::Value(*d),
                               strict ? "above" : "at least", json::Value(min)));
      return;
    }
    out = *d;
  }

  /// Reports every key that no read asked for.
  void finish() {
    llvm::SmallVector<llvm::StringRef> unknown;
    for (const auto &entry : object)
      if (!seen.count(entry.first.str()))
        unknown.push_back(entry.first);
    llvm::sort(unknown);
    for (llvm::StringRef key : unknown)
      error(key, "unknown field");
  }

  const json::Object &object;
  std::string path;
  llvm::SmallVectorImpl<std::string> &errors;
  std::set<std::string> seen;
};
} // namespace

/// Addresses in instructions are 32-bit (ISA §3–§4).
static constexpr int64_t kMaxBufferBytes = int64_t(1) << 32;
static constexpr int64_t kMaxCount = 1 << 20;

static void readScratchpad(ObjectReader &parent, llvm::StringRef key,
                           Scratchpad &pad) {
  std::optional<ObjectReader> r = parent.getObject(key);
  if (!r)
    return;
  r->readInt("bytes", pad.bytes, 1, kMaxBufferBytes);
  r->readInt("banks", pad.banks, 1, 1024);
  r->readInt("bank_width_bytes", pad.bankWidthBytes, 1, 4096);
  r->finish();
}

static void readDataType(ObjectReader &parent, llvm::StringRef key,
                         DataType &type) {
  std::optional<ObjectReader> r = parent.getObject(key);
  if (!r)
    return;
  r->readInt("macs_per_multiplier", type.macsPerMultiplier, 1, 64);
  r->readNumber("mac_energy_pj", type.macEnergyPJ, 0.0, /*strict=*/false);
  r->finish();
}

static std::optional<Pattern> parsePattern(llvm::StringRef text) {
  auto [nText, mText] = text.split(':');
  unsigned n, m;
  if (nText.getAsInteger(10, n) || mText.getAsInteger(10, m))
    return std::nullopt;
  return Pattern{n, m};
}

static void readMode(const json::Value &value, const std::string &path,
                     llvm::SmallVectorImpl<std::string> &errors,
                     MatrixMode &mode) {
  const json::Object *object = value.getAsObject();
  if (!object) {
    errors.push_back(path + ": must be an object");
    return;
  }
  ObjectReader r(*object, path, errors);
  r.readString("name", mode.name);
  if (mode.name.empty() && r.get("name", false))
    r.error("name", "must not be empty");
  std::string kind;
  r.readString("kind", kind);
  if (kind == "dense") {
    mode.kind = MatrixMode::Kind::Dense;
  } else if (kind == "nm") {
    mode.kind = MatrixMode::Kind::NM;
    const json::Value *patterns = r.get("patterns", true);
    const json::Array *array = patterns ? patterns->getAsArray() : nullptr;
    if (patterns && (!array || array->empty()))
      r.error("patterns", "must be a non-empty array of \"N:M\" strings");
    for (size_t i = 0; array && i < array->size(); ++i) {
      std::string field = r.field("patterns") + llvm::formatv("[{0}]", i).str();
      std::optional<llvm::StringRef> text = (*array)[i].getAsString();
      std::optional<Pattern> pattern =
          text ? parsePattern(*text) : std::nullopt;
      if (!pattern) {
        errors.push_back(field + ": must be a string \"N:M\"");
        continue;
      }
      if (pattern->n < 1 || pattern->n > pattern->m || pattern->m > 256) {
        errors.push_back(
            field + llvm::formatv(": invalid pattern {0}:{1}: need 1 <= N <= "
                                  "M <= 256",
                                  pattern->n, pattern->m)
                        .str());
        continue;
      }
      if (llvm::is_contained(mode.patterns, *pattern)) {
        errors.push_back(field + ": duplicate pattern " + text->str());
        continue;
      }
      mode.patterns.push_back(*pattern);
    }
  } else if (kind == "relaxed") {
    mode.kind = MatrixMode::Kind::Relaxed;
    r.readInt("max_m", mode.maxM, 1, 256);
    r.readInt("read_ports", mode.readPorts, 1, 256);
  } else if (kind == "unstructured") {
    mode.kind = MatrixMode::Kind::Unstructured;
    r.readNumber("max_speedup", mode.maxSpeedup, 1.0, /*strict=*/false);
  } else if (!kind.empty()) {
    r.error("kind", llvm::formatv("unknown kind '{0}'; expected dense, nm, "
                                  "relaxed or unstructured",
                                  kind));
  }
  r.finish();
}

Expected<TargetDescription> target::parseTarget(llvm::StringRef text,
                                                llvm::StringRef sourceName) {
  Expected<json::Value> parsed = json::parse(text);
  if (!parsed)
    return llvm::createStringError(
        llvm::formatv("{0}: invalid JSON: {1}", sourceName,
                      llvm::toString(parsed.takeError()))
            .str());
  const json::Object *root = parsed->getAsObject();
  if (!root)
    return llvm::createStringError(
        (sourceName + ": a target description is a JSON object").str());

  TargetDescription t;
  llvm::SmallVector<std::string> errors;
  ObjectReader r(*root, "", errors);
  r.readString("name", t.name);
  if (t.name.empty() && root->get("name"))
    r.error("name", "must not be empty");
  r.readString("description", t.description, /*required=*/false);
  r.readNumber("clock_mhz", t.clockMHz, 0.0, /*strict=*/true);

  if (std::optional<ObjectReader> matrix = r.getObject("matrix")) {
    matrix->readInt("multipliers", t.multipliers, 1, kMaxCount);
    if (std::optional<ObjectReader> array = matrix->getObject("array")) {
      array->readInt("rows", t.arrayRows, 1, kMaxCount);
      array->readInt("cols", t.arrayCols, 1, kMaxCount);
      array->finish();
      if (t.arrayRows && t.arrayCols && t.multipliers &&
          uint64_t(t.arrayRows) * t.arrayCols != t.multipliers)
        matrix->error("array", llvm::formatv("rows x cols = {0} x {1} must "
                                             "equal multipliers ({2})",
                                             t.arrayRows, t.arrayCols,
                                             t.multipliers));
    }
    matrix->readBool("dual_side", t.dualSide, /*required=*/false);
    const json::Value *modes = matrix->get("modes", true);
    const json::Array *array = modes ? modes->getAsArray() : nullptr;
    if (modes && !array)
      matrix->error("modes", "must be an array");
    std::set<std::string> names;
    for (size_t i = 0; array && i < array->size(); ++i) {
      std::string path =
          matrix->field("modes") + llvm::formatv("[{0}]", i).str();
      MatrixMode mode;
      readMode((*array)[i], path, errors, mode);
      if (!mode.name.empty() && !names.insert(mode.name).second)
        errors.push_back(path + ".name: duplicate mode '" + mode.name + "'");
      t.modes.push_back(std::move(mode));
    }
    if (array && !t.findMode(MatrixMode::Kind::Dense))
      matrix->error("modes", "must include a dense mode: every target runs "
                             "dense GEMM tiles (ISA §4.2)");
    matrix->finish();
  }

  if (std::optional<ObjectReader> types = r.getObject("datatypes")) {
    readDataType(*types, "fp32", t.fp32);
    readDataType(*types, "int8", t.int8);
    types->finish();
  }

  if (std::optional<ObjectReader> pads = r.getObject("scratchpads")) {
    readScratchpad(*pads, "weight", t.wgt);
    readScratchpad(*pads, "activation", t.act);
    readScratchpad(*pads, "accumulator", t.acc);
    pads->finish();
  }

  if (std::optional<ObjectReader> dram = r.getObject("dram")) {
    dram->readInt("bytes_per_cycle", t.dramBytesPerCycle, 1, kMaxCount);
    dram->readInt("latency_cycles", t.dramLatency, 0, kMaxCount);
    dram->readInt("burst_bytes", t.dramBurstBytes, 1, kMaxCount,
                  /*required=*/false);
    dram->finish();
  }

  if (std::optional<ObjectReader> vector = r.getObject("vector")) {
    vector->readInt("lanes", t.vectorLanes, 1, kMaxCount);
    if (std::optional<ObjectReader> functions =
            vector->getObject("functions")) {
      for (const auto &entry : functions->object) {
        llvm::StringRef name = entry.first;
        std::optional<isa::VecFunc> func = isa::parseVecFunc(name);
        if (!func || name != isa::getName(*func).lower()) {
          // Reported by finish() below as an unknown field, with the list.
          continue;
        }
        std::optional<ObjectReader> f = functions->getObject(name);
        if (!f)
          continue;
        VectorFunction function;
        f->readInt("latency", function.latency, 0, kMaxCount);
        f->readInt("interval", function.interval, 1, kMaxCount);
        f->readNumber("energy_pj", function.energyPJ, 0.0, /*strict=*/false);
        f->finish();
        t.vectorFunctions[*func] = function;
      }
      llvm::SmallVector<llvm::StringRef> unknown;
      for (const auto &entry : functions->object)
        if (!functions->seen.count(entry.first.str()))
          unknown.push_back(entry.first);
      llvm::sort(unknown);
      std::string known;
      for (isa::VecFunc func : isa::getAllVecFuncs())
        known += (known.empty() ? "" : ", ") + isa::getName(func).lower();
      for (llvm::StringRef name : unknown) {
        functions->error(name, "unknown function; the vector unit's "
                               "functions are " +
                                   known);
        functions->seen.insert(name.str());
      }
    }
    vector->finish();
  }

  if (std::optional<ObjectReader> structuring =
          r.getObject("structuring", /*required=*/false)) {
    structuring->readInt("lanes", t.structLanes, 0, kMaxCount);
    structuring->readInt("latency", t.structLatency, 0, kMaxCount);
    structuring->finish();
  }
  if (t.structLanes == 0 && t.structLatency != 0)
    errors.push_back("structuring.latency: a target without a structuring "
                     "unit (lanes 0) has latency 0");
  if (t.dualSide && t.structLanes == 0)
    errors.push_back("matrix.dual_side: dual-side sparsity needs a "
                     "structuring unit (structuring.lanes > 0)");

  if (std::optional<ObjectReader> energy = r.getObject("energy")) {
    energy->readNumber("sram_pj_per_byte", t.sramEnergyPJPerByte, 0.0,
                       /*strict=*/false);
    energy->readNumber("dram_pj_per_byte", t.dramEnergyPJPerByte, 0.0,
                       /*strict=*/false);
    energy->finish();
  }
  r.finish();

  if (!errors.empty()) {
    std::string message;
    for (const std::string &error : errors)
      message += (message.empty() ? "" : "\n") + sourceName.str() + ": " + error;
    return llvm::createStringError(message);
  }
  return t;
}

Expected<TargetDescription> target::loadTarget(llvm::StringRef nameOrPath) {
  llvm::StringRef preset = getPresetJSON(nameOrPath);
  if (!preset.empty())
    return parseTarget(preset, nameOrPath);
  auto buffer = llvm::MemoryBuffer::getFile(nameOrPath, /*IsText=*/true);
  if (!buffer) {
    std::string presets;
    for (llvm::StringRef name : getPresetNames())
      presets += (presets.empty() ? "" : ", ") + name.str();
    return llvm::createStringError(
        llvm::formatv("cannot load target '{0}': it is not a preset ({1}) "
                      "and the file cannot be read: {2}",
                      nameOrPath, presets, buffer.getError().message())
            .str());
  }
  return parseTarget((*buffer)->getBuffer(), nameOrPath);
}
