//===- TasdCalibration.cpp - TASD's end-to-end output check ---------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Compiler/TasdCalibration.h"

#include "spc/Emulator/Npy.h"
#include "spc/Target/SptBinary.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
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
FailureOr<Runs> runAll(ModuleOp module, binary::Program program,
                       const target::TargetDescription &target,
                       const TasdCalibrationOptions &calibration,
                       std::vector<std::map<std::string, emu::HostTensor>>
                           &inputs) {
  llvm::Expected<std::unique_ptr<emu::Emulator>> emulator =
      emu::Emulator::create(std::move(program), target);
  if (!emulator) {
    module.emitError() << "TASD calibration: "
                       << llvm::toString(emulator.takeError());
    return failure();
  }
  if (inputs.empty()) {
    auto random = randomInputs(module, **emulator,
                               std::max(1u, calibration.samples),
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
FailureOr<Runs> compileAndRun(ModuleOp module,
                              const CompilePipelineOptions &options,
                              const target::TargetDescription &target,
                              const TasdCalibrationOptions &calibration,
                              std::vector<std::map<std::string,
                                                   emu::HostTensor>> &inputs) {
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
  llvm::Expected<target::TargetDescription> target =
      target::loadTarget(options.target);
  if (!target) {
    module.emitError() << llvm::toString(target.takeError());
    return failure();
  }
  std::vector<std::map<std::string, emu::HostTensor>> inputs =
      calibration.inputs;

  // The options every compile shares: the model as given, without TASD.
  auto setBase = [&](CompilePipelineOptions &o) {
    o.target = options.target.getValue();
    o.prune = options.prune.getValue();
    o.permute = options.permute.getValue();
    o.overrides = options.overrides.getValue();
  };
  CompilePipelineOptions plain;
  setBase(plain);
  FailureOr<Runs> reference =
      compileAndRun(module, plain, *target, calibration, inputs);
  if (failed(reference))
    return failure();

  TasdCalibrationResult result;
  const emu::Stats &refStats = reference->results.front().stats;
  result.referenceCycles = refStats.cycles;
  result.referenceEnergyPJ = refStats.energyPJ;

  bool fixed = options.tasd != "search";
  struct Attempt {
    double maxError;
    std::string activations;
  };
  SmallVector<Attempt> attempts;
  if (fixed) {
    attempts.push_back({options.tasdMaxError, options.tasdActivations});
  } else {
    double budget = options.tasdMaxError;
    for (unsigned r = 0; r < std::max(1u, calibration.maxRounds);
         ++r, budget /= 2) {
      attempts.push_back({budget, options.tasdActivations});
      if (options.tasdActivations != "none")
        attempts.push_back({budget, "none"});
    }
    attempts.push_back({0.0, "none"});
  }
  for (const Attempt &attempt : attempts) {
    CompilePipelineOptions candidate;
    setBase(candidate);
    candidate.tasd = options.tasd.getValue();
    candidate.tasdMaxError = attempt.maxError;
    candidate.tasdMaxTerms = options.tasdMaxTerms;
    candidate.tasdActivations = attempt.activations;
    candidate.tasdOutput = fixed ? "" : configFile.str();
    FailureOr<Runs> runs =
        compileAndRun(module, candidate, *target, calibration, inputs);
    if (failed(runs))
      return failure();
    ++result.attempts;
    auto [cos, top1] = compare(*reference, *runs);
    bool pass = cos >= calibration.minCosine &&
                (top1 < 0.0 || top1 >= calibration.minTop1);
    const emu::Stats &stats = runs->results.front().stats;
    log << llvm::formatv("tasd: max-error {0:f4}, activations {1}: cosine "
                         "{2:f6}, top-1 {3}, cycles {4} (reference {5}): {6}\n",
                         attempt.maxError, attempt.activations, cos,
                         top1 < 0.0 ? std::string("n/a")
                                    : llvm::formatv("{0:f3}", top1).str(),
                         stats.cycles, result.referenceCycles,
                         pass ? "kept" : "misses the output check");
    if (!pass) {
      if (!fixed)
        continue;
      module.emitError() << "TASD configuration '" << options.tasd.getValue()
                         << "' misses the output check on the calibration "
                            "inputs: cosine "
                         << llvm::formatv("{0:f6} (least allowed {1:f4}), top-1 "
                                          "agreement {2} (least allowed {3:f4})",
                                          cos, calibration.minCosine,
                                          top1 < 0.0
                                              ? std::string("n/a")
                                              : llvm::formatv("{0:f3}", top1)
                                                    .str(),
                                          calibration.minTop1);
      return failure();
    }
    result.configFile = fixed ? options.tasd.getValue() : configFile.str();
    result.maxError = attempt.maxError;
    result.activations = attempt.activations;
    result.cosine = cos;
    result.top1 = top1;
    result.cycles = stats.cycles;
    result.energyPJ = stats.energyPJ;
    return result;
  }
  // Unreachable in practice: the last attempt changes no weight.
  module.emitError() << "TASD: no configuration meets the output check";
  return failure();
}
