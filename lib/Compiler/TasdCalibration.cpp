//===- TasdCalibration.cpp - TASD's end-to-end output check ---------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Compiler/TasdCalibration.h"

#include "spc/Emulator/Npy.h"
#include "spc/Target/SptBinary.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

using namespace mlir;
using namespace spc;

namespace {

/// Compiles a clone of `module` with `options` into a binary program.
FailureOr<binary::Program> compileClone(ModuleOp module,
                                        const CompilePipelineOptions &options) {
  OwningOpRef<ModuleOp> clone = module.clone();
  PassManager pm(module.getContext());
  buildCompilePipeline(pm, options);
  if (failed(pm.run(*clone)))
    return failure();
  auto programs = clone->getOps<spt::ProgramOp>();
  if (programs.empty())
    return failure();
  return exportProgram(*programs.begin());
}

/// A tensor's values as doubles.
std::vector<double> toDoubles(const emu::HostTensor &t) {
  std::vector<double> v;
  switch (t.dtype) {
  case isa::DType::F32:
    for (float x : t.toF32())
      v.push_back(x);
    break;
  case isa::DType::I8:
    for (int8_t x : t.toI8())
      v.push_back(x);
    break;
  default:
    for (int32_t x : t.toI32())
      v.push_back(x);
    break;
  }
  return v;
}

double cosine(ArrayRef<double> a, ArrayRef<double> b) {
  double dot = 0.0, na = 0.0, nb = 0.0;
  for (auto [x, y] : llvm::zip_equal(a, b)) {
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na == 0.0 || nb == 0.0)
    return na == nb ? 1.0 : 0.0;
  return dot / std::sqrt(na * nb);
}

/// Seeded random inputs for every input of the program; an int32 input
/// (indices, whose valid range the program does not say) needs the user's.
FailureOr<std::vector<std::map<std::string, emu::HostTensor>>>
randomInputs(ModuleOp module, const emu::Emulator &emulator, unsigned samples,
             unsigned seed) {
  for (const binary::Tensor *t : emulator.getInputs())
    if (t->dtype != isa::DType::I8 && t->dtype != isa::DType::F32)
      return module.emitError()
             << "TASD calibration: input '" << t->name
             << "' holds integers whose valid range is unknown (indices?): "
                "give calibration inputs with --tasd-calibration="
             << t->name << "=FILE.npy";
  std::vector<std::map<std::string, emu::HostTensor>> sets(samples);
  for (unsigned s = 0; s < samples; ++s) {
    std::mt19937 rng(seed * 7919u + s);
    std::normal_distribution<float> normal;
    std::uniform_int_distribution<int> uniform(-128, 127);
    for (const binary::Tensor *t : emulator.getInputs()) {
      uint64_t count = t->getNumElements();
      if (t->dtype == isa::DType::I8) {
        std::vector<int8_t> v(count);
        for (int8_t &x : v)
          x = int8_t(uniform(rng));
        sets[s][t->name] = emu::HostTensor::fromI8(t->shape, v);
      } else {
        std::vector<float> v(count);
        for (float &x : v)
          x = normal(rng);
        sets[s][t->name] = emu::HostTensor::fromF32(t->shape, v);
      }
    }
  }
  return sets;
}

struct Runs {
  std::vector<emu::RunResult> results;
};

/// Runs `program` on every input set.
FailureOr<Runs>
runAll(ModuleOp module, binary::Program program,
       const target::TargetDescription &target,
       const TasdCalibrationOptions &calibration,
       std::vector<std::map<std::string, emu::HostTensor>> &inputs) {
  llvm::Expected<std::unique_ptr<emu::Emulator>> emulator =
      emu::Emulator::create(std::move(program), target);
  if (!emulator) {
    module.emitError() << "TASD calibration: "
                       << llvm::toString(emulator.takeError());
    return failure();
  }
  if (inputs.empty()) {
    auto random =
        randomInputs(module, **emulator, std::max(1u, calibration.samples),
                     calibration.seed);
    if (failed(random))
      return failure();
    inputs = std::move(*random);
  }
  Runs runs;
  for (auto [i, set] : llvm::enumerate(inputs)) {
    llvm::Expected<emu::RunResult> result = (*emulator)->run(set);
    if (!result) {
      module.emitError() << "TASD calibration input set " << i << ": "
                         << llvm::toString(result.takeError());
      return failure();
    }
    runs.results.push_back(std::move(*result));
  }
  return runs;
}

/// Compiles a clone of `module` with `options` and runs it on every input
/// set.
FailureOr<Runs>
compileAndRun(ModuleOp module, const CompilePipelineOptions &options,
              const target::TargetDescription &target,
              const TasdCalibrationOptions &calibration,
              std::vector<std::map<std::string, emu::HostTensor>> &inputs) {
  FailureOr<binary::Program> program = compileClone(module, options);
  if (failed(program))
    return failure();
  return runAll(module, std::move(*program), target, calibration, inputs);
}

/// The worst cosine over outputs and inputs, and the top-1 agreement.
std::pair<double, double> compare(const Runs &reference, const Runs &runs) {
  double worst = 1.0;
  uint64_t agree = 0, rows = 0;
  for (auto [ref, run] : llvm::zip_equal(reference.results, runs.results))
    for (auto [r, t] : llvm::zip_equal(ref.outputs, run.outputs)) {
      std::vector<double> a = toDoubles(r.second), b = toDoubles(t.second);
      worst = std::min(worst, cosine(a, b));
      const std::vector<uint64_t> &shape = r.second.shape;
      if (shape.size() != 2 || shape[1] < 2)
        continue;
      for (uint64_t row = 0; row < shape[0]; ++row) {
        auto begin = row * shape[1], end = begin + shape[1];
        auto argmax = [&](const std::vector<double> &v) {
          return std::max_element(v.begin() + begin, v.begin() + end) -
                 v.begin();
        };
        agree += argmax(a) == argmax(b);
        ++rows;
      }
    }
  return {worst, rows ? double(agree) / double(rows) : -1.0};
}

/// A configuration file's per-layer settings (spa-tasd-search `output`).
FailureOr<llvm::json::Object> readConfig(ModuleOp module, StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path);
  llvm::Expected<llvm::json::Value> value =
      buffer ? llvm::json::parse((*buffer)->getBuffer())
             : llvm::Expected<llvm::json::Value>(
                   llvm::errorCodeToError(buffer.getError()));
  if (!value || !value->getAsObject()) {
    module.emitError() << "TASD calibration: cannot read back '" << path << "'"
                       << (value ? ""
                                 : ": " + llvm::toString(value.takeError()));
    return failure();
  }
  return std::move(*value->getAsObject());
}

LogicalResult writeConfig(ModuleOp module, StringRef path,
                          const llvm::json::Object &config) {
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> file = openOutputFile(path, &error);
  if (!file)
    return module.emitError()
           << "TASD calibration: cannot write '" << path << "': " << error;
  file->os() << llvm::formatv("{0:2}",
                              llvm::json::Value(llvm::json::Object(config)))
             << "\n";
  file->keep();
  return success();
}

/// Each configured layer's share of the modelled EDP saved going from the
/// run `from` to the run `to` on the first input: d(cycles)/cycles +
/// d(energy)/energy, the first-order change of their product. An emulated
/// layer counts for the configured layer its name starts with (a fused
/// layer is named "conv+relu").
llvm::StringMap<double> getLayerGains(const emu::Stats &from,
                                      const emu::Stats &to,
                                      const llvm::json::Object &config) {
  llvm::StringMap<double> gains;
  auto add = [&](const emu::Stats &stats, double sign) {
    for (const emu::LayerStats &layer : stats.layers) {
      StringRef name = layer.name;
      if (!config.get(name))
        name = name.split('+').first;
      if (!config.get(name))
        continue;
      gains[name] += sign * (double(layer.cycles) / double(from.cycles) +
                             layer.energyPJ / from.energyPJ);
    }
  };
  add(from, 1.0);
  add(to, -1.0);
  return gains;
}

/// One configuration tried: its runs and what the check made of them.
struct Trial {
  Runs runs;
  double cosine = 1.0, top1 = -1.0;
  /// The outputs meet the thresholds; and the EDP is below the bar too.
  bool pass = false, kept = false;

  const emu::Stats &getStats() const { return runs.results.front().stats; }
  double getEDP() const {
    return double(getStats().cycles) * getStats().energyPJ;
  }
};

/// A search of the ladder whose configuration was not kept.
struct Missed {
  std::string what;
  llvm::json::Object config;
  Trial trial;
};

/// The check of one module (TasdCalibration.h).
class Calibration {
public:
  Calibration(ModuleOp module, const CompilePipelineOptions &options,
              const TasdCalibrationOptions &calibration, StringRef configFile,
              llvm::raw_ostream &log)
      : module(module), options(options), calibration(calibration),
        configFile(configFile), log(log), inputs(calibration.inputs) {}

  FailureOr<TasdCalibrationResult> run();

private:
  /// Sets `o` to the options every compile shares (the model as given),
  /// with TASD as `tasd` (none, search or a file), `maxError` and
  /// `activations`.
  void setOptions(CompilePipelineOptions &o, StringRef tasd, double maxError,
                  StringRef activations) const;
  /// Compiles and runs the model with TASD as `tasd`, `maxError` and
  /// `activations`, and checks its outputs; `what` names it in the log. It
  /// is kept when they pass and its emulated EDP is below `bar` (or equal
  /// to it, with `orEqual`).
  FailureOr<Trial> check(StringRef tasd, double maxError, StringRef activations,
                         const std::string &what, double bar, bool orEqual);
  /// Makes `trial` (of `config`) the configuration kept.
  void keep(Trial trial, llvm::json::Object config);
  /// Checks the saved configuration `options.tasd`.
  LogicalResult checkFixed();
  /// The ladder of budgets; returns the searches that missed, most
  /// aggressive first.
  FailureOr<SmallVector<Missed>> runLadder();
  /// Moves layers to `m`'s settings (TasdCalibration.h), at most `steps`
  /// compiles in all.
  LogicalResult refine(const Missed &m, unsigned &steps);

  ModuleOp module;
  const CompilePipelineOptions &options;
  const TasdCalibrationOptions &calibration;
  StringRef configFile;
  llvm::raw_ostream &log;
  target::TargetDescription target;
  std::vector<std::map<std::string, emu::HostTensor>> inputs;
  Runs reference;
  TasdCalibrationResult result;
  /// The configuration kept, its trial, and the layers the refinement
  /// moved.
  llvm::json::Object kept;
  Trial keptTrial;
  llvm::StringSet<> moved;
};

void Calibration::setOptions(CompilePipelineOptions &o, StringRef tasd,
                             double maxError, StringRef activations) const {
  o.target = options.target.getValue();
  o.prune = options.prune.getValue();
  o.permute = options.permute.getValue();
  o.overrides = options.overrides.getValue();
  o.tasd = tasd.str();
  o.tasdMaxError = maxError;
  o.tasdMaxTerms = options.tasdMaxTerms;
  o.tasdActivations = activations.str();
  o.tasdOutput = tasd == "search" ? configFile.str() : "";
}

FailureOr<Trial> Calibration::check(StringRef tasd, double maxError,
                                    StringRef activations,
                                    const std::string &what, double bar,
                                    bool orEqual) {
  CompilePipelineOptions candidate;
  setOptions(candidate, tasd, maxError, activations);
  FailureOr<Runs> runs =
      compileAndRun(module, candidate, target, calibration, inputs);
  if (failed(runs))
    return failure();
  ++result.attempts;
  Trial trial;
  std::tie(trial.cosine, trial.top1) = compare(reference, *runs);
  trial.runs = std::move(*runs);
  trial.pass = trial.cosine >= calibration.minCosine &&
               (trial.top1 < 0.0 || trial.top1 >= calibration.minTop1);
  double edp = trial.getEDP();
  trial.kept = trial.pass && (edp < bar || (orEqual && edp == bar));
  log << llvm::formatv("tasd: {0}: cosine {1:f6}, top-1 {2}, cycles {3} "
                       "(reference {4}): {5}\n",
                       what, trial.cosine,
                       trial.top1 < 0.0
                           ? std::string("n/a")
                           : llvm::formatv("{0:f3}", trial.top1).str(),
                       trial.getStats().cycles, result.referenceCycles,
                       trial.kept   ? "kept"
                       : trial.pass ? "passes, but saves no EDP"
                                    : "misses the output check");
  return trial;
}

void Calibration::keep(Trial trial, llvm::json::Object config) {
  result.cosine = trial.cosine;
  result.top1 = trial.top1;
  result.cycles = trial.getStats().cycles;
  result.energyPJ = trial.getStats().energyPJ;
  keptTrial = std::move(trial);
  kept = std::move(config);
}

LogicalResult Calibration::checkFixed() {
  FailureOr<Trial> trial =
      check(options.tasd, options.tasdMaxError, options.tasdActivations,
            llvm::formatv("configuration '{0}'", options.tasd).str(),
            std::numeric_limits<double>::infinity(), false);
  if (failed(trial))
    return failure();
  if (!trial->pass)
    return module.emitError()
           << "TASD configuration '" << options.tasd.getValue()
           << "' misses the output check on the calibration inputs: cosine "
           << llvm::formatv("{0:f6} (least allowed {1:f4}), top-1 agreement "
                            "{2} (least allowed {3:f4})",
                            trial->cosine, calibration.minCosine,
                            trial->top1 < 0.0
                                ? std::string("n/a")
                                : llvm::formatv("{0:f3}", trial->top1).str(),
                            calibration.minTop1);
  result.configFile = options.tasd.getValue();
  result.maxError = options.tasdMaxError;
  result.activations = options.tasdActivations;
  keep(std::move(*trial), {});
  return success();
}

FailureOr<SmallVector<Missed>> Calibration::runLadder() {
  // Budgets max-error / 2^r, each with the activation pattern asked for
  // and (if one was) without it.
  SmallVector<std::pair<double, std::string>> attempts;
  double budget = options.tasdMaxError;
  for (unsigned r = 0; r < std::max(1u, calibration.maxRounds);
       ++r, budget /= 2) {
    attempts.push_back({budget, options.tasdActivations});
    if (options.tasdActivations != "none")
      attempts.push_back({budget, "none"});
  }
  SmallVector<Missed> missed;
  double referenceEDP =
      double(result.referenceCycles) * result.referenceEnergyPJ;
  for (const auto &attempt : attempts) {
    std::string what = llvm::formatv("max-error {0:f4}, activations {1}",
                                     attempt.first, attempt.second);
    FailureOr<Trial> trial = check("search", attempt.first, attempt.second,
                                   what, referenceEDP, /*orEqual=*/true);
    if (failed(trial))
      return failure();
    FailureOr<llvm::json::Object> config = readConfig(module, configFile);
    if (failed(config))
      return failure();
    if (!trial->kept) {
      missed.push_back({what, std::move(*config), std::move(*trial)});
      continue;
    }
    result.configFile = configFile.str();
    result.maxError = attempt.first;
    result.activations = attempt.second;
    keep(std::move(*trial), std::move(*config));
    return missed;
  }

  // No TASD: every layer's weight and activations as they are.
  llvm::json::Object none;
  for (const auto &entry : missed.front().config)
    none[entry.first] = llvm::json::Object{{"tasd_weights", "none"},
                                           {"tasd_activations", "none"}};
  Trial trial;
  std::tie(trial.cosine, trial.top1) = compare(reference, reference);
  trial.runs = reference;
  trial.pass = trial.kept = true;
  result.configFile = configFile.str();
  result.activations = "none";
  if (failed(writeConfig(module, configFile, none)))
    return failure();
  keep(std::move(trial), std::move(none));
  return missed;
}

LogicalResult Calibration::refine(const Missed &m, unsigned &steps) {
  llvm::StringMap<double> gains =
      getLayerGains(keptTrial.getStats(), m.trial.getStats(), kept);
  size_t differing = 0;
  std::vector<std::string> order;
  for (const auto &entry : m.config) {
    const llvm::json::Value *now = kept.get(entry.first);
    if (now && *now == entry.second)
      continue;
    ++differing;
    if (!moved.contains(entry.first) && gains.lookup(entry.first) > 0.0)
      order.push_back(entry.first.str());
  }
  llvm::sort(order, [&](const std::string &a, const std::string &b) {
    return std::make_pair(-gains.lookup(a), a) <
           std::make_pair(-gains.lookup(b), b);
  });
  // A group of every differing layer is the configuration that missed:
  // it is only halved.
  SmallVector<ArrayRef<std::string>> pending = {order};
  while (!pending.empty() && steps < calibration.refineSteps) {
    ArrayRef<std::string> group = pending.pop_back_val();
    if (group.empty())
      continue;
    if (group.size() < differing) {
      llvm::json::Object config = kept;
      for (const std::string &name : group)
        config[name] = *m.config.get(name);
      if (failed(writeConfig(module, configFile, config)))
        return failure();
      ++steps;
      FailureOr<Trial> trial = check(
          configFile, options.tasdMaxError, options.tasdActivations,
          llvm::formatv("{0} layer(s) from {1} ({2}{3})", group.size(), m.what,
                        group.front(), group.size() > 1 ? ", ..." : "")
              .str(),
          keptTrial.getEDP(), /*orEqual=*/false);
      if (failed(trial))
        return failure();
      if (trial->kept) {
        keep(std::move(*trial), std::move(config));
        for (const std::string &name : group)
          moved.insert(name);
        continue;
      }
    }
    if (group.size() > 1) {
      pending.push_back(group.drop_front(group.size() / 2));
      pending.push_back(group.take_front(group.size() / 2));
    }
  }
  return success();
}

FailureOr<TasdCalibrationResult> Calibration::run() {
  llvm::Expected<target::TargetDescription> loaded =
      target::loadTarget(options.target);
  if (!loaded)
    return module.emitError() << llvm::toString(loaded.takeError());
  target = std::move(*loaded);
  CompilePipelineOptions none;
  setOptions(none, "none", 0.0, "none");
  FailureOr<Runs> plain =
      compileAndRun(module, none, target, calibration, inputs);
  if (failed(plain))
    return failure();
  reference = std::move(*plain);
  result.referenceCycles = reference.results.front().stats.cycles;
  result.referenceEnergyPJ = reference.results.front().stats.energyPJ;

  if (options.tasd != "search") {
    if (failed(checkFixed()))
      return failure();
    return result;
  }
  FailureOr<SmallVector<Missed>> missed = runLadder();
  if (failed(missed))
    return failure();
  unsigned steps = 0;
  for (const Missed &m : *missed)
    if (failed(refine(m, steps)))
      return failure();
  result.refinedLayers = moved.size();
  // The file holds the last configuration tried; the final compile applies
  // the one kept.
  if (steps && failed(writeConfig(module, configFile, kept)))
    return failure();
  return result;
}

} // namespace

llvm::Expected<std::vector<std::map<std::string, emu::HostTensor>>>
spc::readCalibrationInputs(ArrayRef<std::string> specs) {
  std::vector<std::map<std::string, emu::HostTensor>> sets;
  llvm::StringMap<unsigned> seen;
  for (StringRef spec : specs) {
    auto [name, file] = spec.split('=');
    if (name.empty() || file.empty())
      return llvm::createStringError("calibration input '" + spec +
                                     "': expected NAME=FILE.npy");
    llvm::Expected<emu::HostTensor> tensor = emu::readNpyFile(file);
    if (!tensor)
      return llvm::createStringError(file + ": " +
                                     llvm::toString(tensor.takeError()));
    unsigned index = seen[name]++;
    if (sets.size() <= index)
      sets.resize(index + 1);
    sets[index][name.str()] = std::move(*tensor);
  }
  return sets;
}

FailureOr<TasdCalibrationResult>
spc::calibrateTasd(ModuleOp module, const CompilePipelineOptions &options,
                   const TasdCalibrationOptions &calibration,
                   StringRef configFile, llvm::raw_ostream &log) {
  return Calibration(module, options, calibration, configFile, log).run();
}
