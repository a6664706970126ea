//===- Binary.h - The .spab binary container --------------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// A compiled program in memory, and its exact serialization as the binary
// container of docs/ISA.md §6. `writeBinary` and `readBinary` round-trip
// exactly. `readBinary` checks the container (§7 items 1–3 and 6);
// `verifyProgram` checks every instruction against a target (§7 items 4–6).
// These are plain C++ functions: spc-translate, spc-objdump, the emulator and
// the Python package all call them.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_TARGET_BINARY_H
#define SPC_TARGET_BINARY_H

#include "spc/Target/ISA.h"
#include "spc/Target/TargetDescription.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace spc::binary {

/// ISA §6.1.
constexpr char kMagic[4] = {'S', 'P', 'A', 'B'};
constexpr uint16_t kVersionMajor = 1;
constexpr uint16_t kVersionMinor = 0;
constexpr unsigned kHeaderBytes = 64;
constexpr unsigned kSectionEntryBytes = 24;

/// ISA §6.2.
enum class SectionKind : uint32_t {
  Target = 1,
  LoadQueue = 2,
  ComputeQueue = 3,
  StoreQueue = 4,
  Constants = 5,
  Tensors = 6,
  Layers = 7,
};

/// A constant copied to DRAM before the run (ISA §6.3).
struct Constant {
  std::string name;
  isa::Format format = isa::Format::Dense;
  isa::DType dtype = isa::DType::F32;
  uint32_t rows = 0, cols = 0;
  uint16_t n = 0, m = 0;
  uint64_t dramAddr = 0;
  std::vector<uint8_t> data;
  bool operator==(const Constant &other) const;
};

/// A model input or output in DRAM (ISA §6.3).
struct Tensor {
  enum class Kind : uint8_t { Input = 1, Output = 2 };
  std::string name;
  Kind kind = Kind::Input;
  isa::DType dtype = isa::DType::F32;
  std::vector<uint64_t> shape;
  uint64_t dramAddr = 0;

  uint64_t getNumElements() const;
  uint64_t getNumBytes() const;
  bool operator==(const Tensor &other) const;
};

/// The instructions of one model node, per queue (ISA §6.3).
struct Layer {
  std::string name;
  std::array<uint32_t, isa::kNumQueues> begin = {0, 0, 0};
  std::array<uint32_t, isa::kNumQueues> end = {0, 0, 0};
  bool operator==(const Layer &other) const;
};

/// Everything a binary holds.
struct Program {
  /// The canonical JSON of the target (ISA §6.5) and its fingerprint.
  std::string targetJSON;
  uint64_t targetFingerprint = 0;
  uint64_t dramSize = 0;
  std::array<std::vector<isa::Instruction>, isa::kNumQueues> queues;
  std::vector<Constant> constants;
  std::vector<Tensor> tensors;
  std::vector<Layer> layers;

  std::vector<isa::Instruction> &getQueue(isa::Queue queue) {
    return queues[static_cast<unsigned>(queue)];
  }
  const std::vector<isa::Instruction> &getQueue(isa::Queue queue) const {
    return queues[static_cast<unsigned>(queue)];
  }
  /// Sets targetJSON and targetFingerprint from `target`.
  void setTarget(const target::TargetDescription &target);
  bool operator==(const Program &other) const;
};

/// Serializes `program` (ISA §6). The layout is deterministic: sections in
/// kind order, right after the table.
std::vector<uint8_t> writeBinary(const Program &program);
/// Writes the binary to `path` atomically: a failed write leaves no file.
llvm::Error writeBinaryFile(const Program &program, llvm::StringRef path);

/// Parses and checks a container (ISA §7 items 1–3 and 6). Errors start with
/// `bufferName` and give the byte offset or the queue and instruction index.
llvm::Expected<Program> readBinary(llvm::ArrayRef<uint8_t> bytes,
                                   llvm::StringRef bufferName);
llvm::Expected<Program> readBinaryFile(llvm::StringRef path);

/// Checks the constants, tensors and layers of `program` as readBinary does
/// (ISA §6.3, §6.4.4): a program that passes, and fits the container's
/// field widths, reads back from writeBinary's bytes.
llvm::Error verifyContainer(const Program &program);

/// Checks every instruction of `program` against `target` (ISA §7 items 4–6),
/// and that the program was built for `target` (its fingerprint).
llvm::Error verifyProgram(const Program &program,
                          const target::TargetDescription &target);

/// The target embedded in `program`, parsed, validated and checked against
/// the program's fingerprint (ISA §6.5).
llvm::Expected<target::TargetDescription>
getEmbeddedTarget(const Program &program);

/// The byte ranges (within each buffer) an instruction reads and writes, as
/// half-open intervals; used by the loader's bounds check and the emulator's
/// hazard tracking (ISA §5.2). Ranges that depend on data (GEMM.SP values and
/// indices) cover what the instruction's fields bound.
/// The `begin` and `end` of an access that a negative stride takes below
/// address 0 of its buffer; the loader rejects it (ISA §7).
constexpr uint64_t kBelowBuffer = UINT64_MAX;
struct SramAccess {
  isa::Buffer buffer = isa::Buffer::None;
  uint64_t begin = 0, end = 0;
  bool write = false;
};
std::vector<SramAccess> getSramAccesses(const isa::Instruction &inst);

/// Prints a readable listing: header, target, tables and one line per
/// instruction (spc-objdump's output).
void printListing(const Program &program, llvm::raw_ostream &os);
/// One instruction in the listing's syntax.
void printInstruction(const isa::Instruction &inst, llvm::raw_ostream &os);

} // namespace spc::binary

#endif // SPC_TARGET_BINARY_H
