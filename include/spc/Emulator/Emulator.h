//===- Emulator.h - Functional and timing emulator --------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Runs a compiled program (binary::Program) on a target description. The
// emulator is created once, which validates the program against the target
// (ISA §7) and lays out the constants, and then runs any number of times on
// different inputs. Every run executes the instructions exactly as ISA.md
// specifies and computes, in the same pass, the cycle and energy model of
// docs/CycleModel.md. A run never aborts: bad inputs and run-time faults
// (ISA §4.5, deadlocks) come back as llvm::Error naming the tensor or the
// queue, instruction index and layer.
//
// Emulator::run is const and keeps all mutable state on its own stack, so
// one emulator may run concurrently from several threads.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_EMULATOR_EMULATOR_H
#define SPC_EMULATOR_EMULATOR_H

#include "spc/Target/Binary.h"
#include "spc/Target/ISA.h"
#include "spc/Target/TargetDescription.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace spc::emu {

/// A dense, row-major host tensor: the emulator's inputs and outputs.
struct HostTensor {
  isa::DType dtype = isa::DType::F32;
  std::vector<uint64_t> shape;
  std::vector<uint8_t> bytes;

  uint64_t getNumElements() const;
  /// Bytes the shape and dtype call for (bytes.size() must equal this).
  uint64_t getExpectedBytes() const;

  /// Convenience constructors and accessors (copies, little-endian host).
  static HostTensor fromF32(llvm::ArrayRef<uint64_t> shape,
                            llvm::ArrayRef<float> values);
  static HostTensor fromI8(llvm::ArrayRef<uint64_t> shape,
                           llvm::ArrayRef<int8_t> values);
  static HostTensor fromI32(llvm::ArrayRef<uint64_t> shape,
                            llvm::ArrayRef<int32_t> values);
  std::vector<float> toF32() const;
  std::vector<int8_t> toI8() const;
  std::vector<int32_t> toI32() const;
};

/// The timelines of ISA §5.1. Load and store DMA share the DRAM channel.
enum class Unit : uint8_t { None, LoadDMA, StoreDMA, Matrix, Vector, Struct };
constexpr unsigned kNumUnits = 6;
llvm::StringRef getName(Unit unit);
/// The unit an instruction runs on (None for SYNC and END).
Unit getUnit(isa::Opcode opcode);

/// Statistics of one layer (binary::Layer).
struct LayerStats {
  std::string name;
  uint64_t startCycle = 0, endCycle = 0;
  /// endCycle - startCycle of the layer's instructions (0 if it has none).
  uint64_t cycles = 0;
  /// Useful MACs: M times the non-zero weights actually present.
  uint64_t macs = 0;
  /// MACs the array performs (dense: M*N*K; N:M: stored entries; SP: nnz).
  uint64_t performedMacs = 0;
  uint64_t dramBytes = 0, sramBytes = 0;
  uint64_t instructions = 0;
  /// macs / (multipliers * macsPerMultiplier * cycles).
  double utilization = 0.0;
  double energyPJ = 0.0;
  /// The weight side of the layer's matrix instructions: how its weights
  /// are run ("GEMM", "GEMM.NM 2:4", "GEMM.SP", "LOAD.DECOMP bitmap +
  /// GEMM", ...; empty without matrix instructions), M·N·K summed (so the
  /// weight density the engine saw is macs / denseMacs), and the weight
  /// bytes the array streamed, as stored and as dense values.
  std::string format;
  uint64_t denseMacs = 0;
  uint64_t weightBytes = 0, denseWeightBytes = 0;
};

/// Totals of one run (docs/CycleModel.md).
struct Stats {
  std::string target;
  double clockMHz = 0.0;
  /// End of the last instruction.
  uint64_t cycles = 0;
  double energyPJ = 0.0;
  uint64_t macs = 0, performedMacs = 0;
  /// Bytes moved over the DRAM channel, and the burst-rounded bytes the
  /// channel is charged for (timing only).
  uint64_t dramBytes = 0, dramChargedBytes = 0;
  uint64_t sramBytes = 0;
  uint64_t vectorElements = 0;
  double utilization = 0.0;
  /// Busy cycles per unit, indexed by Unit; DRAM channel busy cycles apart.
  std::array<uint64_t, kNumUnits> unitBusy = {};
  uint64_t dramChannelBusy = 0;
  /// Executed instructions per mnemonic.
  std::map<std::string, uint64_t> instructionCounts;
  std::vector<LayerStats> layers;

  double getSeconds() const {
    return clockMHz > 0 ? double(cycles) / (clockMHz * 1e6) : 0.0;
  }
};

/// The stats as JSON: cycles, energy_pj, macs, dram_bytes, sram_bytes,
/// utilization, units, instructions and layers (docs/Emulator.md).
llvm::json::Value toJSON(const Stats &stats);
/// Reads toJSON's form back (the layers' dense MACs from their density).
bool fromJSON(const llvm::json::Value &value, LayerStats &layer,
              llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, Stats &stats,
              llvm::json::Path path);

/// One executed instruction.
struct TraceEntry {
  isa::Queue queue = isa::Queue::Load;
  uint32_t index = 0;
  isa::Opcode opcode = isa::Opcode::End;
  Unit unit = Unit::None;
  uint64_t start = 0, end = 0;
  /// Index into binary::Program::layers, or -1.
  int32_t layer = -1;
};

/// Writes one line per entry: queue index mnemonic unit start end layer.
void printTrace(llvm::ArrayRef<TraceEntry> trace,
                const binary::Program &program, llvm::raw_ostream &os);

struct RunOptions {
  /// Record a TraceEntry per executed instruction, in execution order.
  bool trace = false;
};

struct RunResult {
  /// Outputs by ONNX name, in the order of the program's tensor table.
  std::vector<std::pair<std::string, HostTensor>> outputs;
  Stats stats;
  std::vector<TraceEntry> trace;

  const HostTensor *getOutput(llvm::StringRef name) const;
};

class Emulator {
public:
  /// Validates `program` against `target` (binary::verifyProgram) and
  /// prepares the initial DRAM image.
  static llvm::Expected<std::unique_ptr<Emulator>>
  create(binary::Program program, target::TargetDescription target);

  /// Checks that `inputs` names every input of the program exactly once,
  /// with the right dtype, shape and byte size. Errors name the tensor.
  llvm::Error checkInputs(
      const std::map<std::string, HostTensor> &inputs) const;

  /// Runs the program once. Thread-safe; the emulator keeps no state
  /// between runs.
  llvm::Expected<RunResult>
  run(const std::map<std::string, HostTensor> &inputs,
      const RunOptions &options = {}) const;

  const binary::Program &getProgram() const { return program; }
  const target::TargetDescription &getTarget() const { return target; }
  /// The program's input and output tensors, in table order.
  std::vector<const binary::Tensor *> getInputs() const;
  std::vector<const binary::Tensor *> getOutputs() const;

  ~Emulator();

private:
  Emulator(binary::Program program, target::TargetDescription target);

  binary::Program program;
  target::TargetDescription target;
  struct Prepared;
  std::unique_ptr<Prepared> prepared;
};

} // namespace spc::emu

#endif // SPC_EMULATOR_EMULATOR_H
