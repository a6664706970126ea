//===- TasdCalibration.h - TASD's end-to-end output check -------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// spa-tasd-search bounds each layer's weight error; whether the model's
// outputs survive is an end-to-end question. calibrateTasd compiles the
// model without TASD (the reference) and with TASD searches of tightening
// budgets, and runs each binary on the emulator with calibration inputs:
//
//   for budget = max-error, max-error/2, ... (max-rounds of them):
//     with the activation pattern asked for, then (if one was) without it
//
// It keeps the first whose outputs pass and whose emulated EDP is no higher
// than the reference's, else the model without TASD. A global budget backs
// every layer off for the sake of the few that break the outputs, so the
// check then refines layer by layer: between the configuration kept and
// each that missed (most aggressive first), groups of the layers it sets
// differently, largest measured EDP gain first, take its settings while
// the outputs still pass and the EDP falls, and a group that misses is
// halved (at most refine-steps compiles). A fixed configuration (a saved
// file) is checked once and is an error when it misses.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_COMPILER_TASDCALIBRATION_H
#define SPC_COMPILER_TASDCALIBRATION_H

#include "spc/Conversion/Pipeline.h"
#include "spc/Emulator/Emulator.h"

#include "mlir/IR/BuiltinOps.h"

#include <map>
#include <string>
#include <vector>

namespace spc {

struct TasdCalibrationOptions {
  /// The least cosine similarity of every output to the reference's, on
  /// every calibration input.
  double minCosine = 0.99;
  /// The least fraction of calibration inputs whose top-1 class (argmax of
  /// each row of a 2-D output) agrees with the reference.
  double minTop1 = 1.0;
  /// The calibration inputs, by input name; empty: `samples` seeded
  /// random inputs (normal(0, 1) for f32, uniform for i8).
  std::vector<std::map<std::string, emu::HostTensor>> inputs;
  unsigned samples = 2;
  unsigned seed = 0;
  /// Budgets tried: max-error / 2^r for r < maxRounds.
  unsigned maxRounds = 4;
  /// Compiles the layer-by-layer refinement may spend (0: none).
  unsigned refineSteps = 8;
};

/// What the check measured, for the report.
struct TasdCalibrationResult {
  /// The configuration kept: an override file (spa-tasd-search `output`).
  std::string configFile;
  /// The budget and activation pattern of the search kept, and how many
  /// layers the refinement then set as a search that missed had.
  double maxError = 0.0;
  std::string activations;
  unsigned refinedLayers = 0;
  /// The worst cosine over inputs and outputs, and the top-1 agreement
  /// (-1 without a 2-D output).
  double cosine = 1.0, top1 = -1.0;
  /// Emulated totals on the first calibration input, without and with TASD.
  uint64_t referenceCycles = 0, cycles = 0;
  double referenceEnergyPJ = 0.0, energyPJ = 0.0;
  unsigned attempts = 0;
};

/// Runs the check on a clone of `module` (an imported spa module), with
/// `options` (tasd = "search" or a saved file). Writes the configuration it
/// keeps to `configFile`; progress goes to `log`. Failures are reported as
/// diagnostics on the module.
mlir::FailureOr<TasdCalibrationResult>
calibrateTasd(mlir::ModuleOp module, const CompilePipelineOptions &options,
              const TasdCalibrationOptions &calibration,
              llvm::StringRef configFile, llvm::raw_ostream &log);

/// Reads calibration inputs given as NAME=FILE.npy (repeatable: the k-th
/// file of each name belongs to the k-th input set).
llvm::Expected<std::vector<std::map<std::string, emu::HostTensor>>>
readCalibrationInputs(llvm::ArrayRef<std::string> specs);

} // namespace spc

#endif // SPC_COMPILER_TASDCALIBRATION_H
