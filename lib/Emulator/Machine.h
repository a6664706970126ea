//===- Machine.h - Emulator state and instruction execution -----*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_LIB_EMULATOR_MACHINE_H
#define SPC_LIB_EMULATOR_MACHINE_H

#include "spc/Target/Binary.h"
#include "spc/Target/ISA.h"
#include "spc/Target/TargetDescription.h"

#include "llvm/Support/Error.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace spc::emu {

/// Zero-filled bytes from calloc, which for large sizes maps fresh pages
/// without writing them: a DRAM image of hundreds of megabytes costs only
/// the pages the run touches.
class ZeroedBytes {
public:
  ZeroedBytes() = default;
  /// Null data() when the allocation fails.
  explicit ZeroedBytes(size_t size)
      : bytes(static_cast<uint8_t *>(std::calloc(std::max<size_t>(size, 1), 1))),
        count(bytes ? size : 0) {}

  uint8_t *data() { return bytes.get(); }
  const uint8_t *data() const { return bytes.get(); }
  size_t size() const { return count; }
  const uint8_t *begin() const { return data(); }
  const uint8_t *end() const { return data() + count; }

private:
  struct Free {
    void operator()(uint8_t *p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t[], Free> bytes;
  size_t count = 0;
};

/// The memories of one run.
struct Machine {
  const target::TargetDescription *target = nullptr;
  ZeroedBytes dram;
  /// The DRAM bytes the run has written lie in [writtenLo, writtenHi).
  uint64_t writtenLo = UINT64_MAX, writtenHi = 0;
  void noteWrite(uint64_t lo, uint64_t hi) {
    writtenLo = std::min(writtenLo, lo);
    writtenHi = std::max(writtenHi, hi);
  }
  /// wgt, act, acc (isa::Buffer - 1).
  std::array<std::vector<uint8_t>, 3> sram;

  std::vector<uint8_t> &buffer(isa::Buffer b) {
    return sram[static_cast<unsigned>(b) - 1];
  }
};

/// What one instruction costs (docs/CycleModel.md).
struct Cost {
  /// Cycles on its unit; for DMA, the non-channel part (LOAD.DECOMP's
  /// decompression writes), compared with channel busy + latency.
  uint64_t cycles = 0;
  bool usesDram = false;
  uint64_t dramBusy = 0;
  uint64_t macs = 0, performedMacs = 0;
  /// Matrix instructions: M·N·K, and the weight bytes the array streams
  /// (values and metadata as stored) against N·K dense values.
  uint64_t denseMacs = 0, weightBytes = 0, denseWeightBytes = 0;
  /// macsPerMultiplier of the instruction's dtype (matrix only).
  unsigned macsPerMultiplier = 0;
  uint64_t dramBytes = 0, dramChargedBytes = 0;
  uint64_t sramBytes = 0;
  uint64_t vectorElements = 0;
  double energyPJ = 0.0;
};

/// Executes `inst` on `machine` (ISA §3–§4) and fills in its cost. Errors
/// are the run-time checks of ISA §4.5; the caller names the instruction.
llvm::Error execute(const isa::Instruction &inst, Machine &machine,
                    Cost &cost);

/// "compute queue instruction 3 (GEMM, layer 'fc')".
std::string describeInstruction(const binary::Program &program, unsigned queue,
                                size_t index, int32_t layer);

} // namespace spc::emu

#endif // SPC_LIB_EMULATOR_MACHINE_H
