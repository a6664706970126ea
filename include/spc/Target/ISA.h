//===- ISA.h - SPC accelerator instruction words ----------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The instruction set of docs/ISA.md as C++ values: one struct per
// instruction class, and the exact 64-byte encoding of each (ISA §2–§4).
// `encode` and `decode` are inverses on every valid word; `decode` rejects
// words that break the layout rules that do not need a target (unknown
// opcodes and functions, reserved bytes, bad buffers and dtypes, zero sizes).
// Checks that need the target and the buffer sizes live in Binary.h.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_TARGET_ISA_H
#define SPC_TARGET_ISA_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <array>
#include <cstdint>
#include <optional>
#include <variant>

namespace spc::isa {

/// Every instruction is one word of this many bytes (ISA §2).
constexpr unsigned kWordBytes = 64;
using Word = std::array<uint8_t, kWordBytes>;

/// ISA §2.
enum class Opcode : uint8_t {
  Sync = 0x01,
  End = 0x02,
  Load = 0x10,
  LoadDecomp = 0x11,
  Store = 0x18,
  Gemm = 0x20,
  GemmNM = 0x21,
  GemmSparse = 0x22,
  Struct = 0x28,
  Vec = 0x30,
};

/// ISA §1.2. The order is the section order of the binary.
enum class Queue : uint8_t { Load = 0, Compute = 1, Store = 2 };
constexpr unsigned kNumQueues = 3;

/// The `deps` bits of ISA §1.2.
enum Dep : uint8_t {
  PopPrev = 1 << 0,
  PopNext = 1 << 1,
  PushPrev = 1 << 2,
  PushNext = 1 << 3,
};
constexpr uint8_t kDepMask = 0x0f;

/// Scratchpad buffer ids (ISA §1). `None` is only valid as a VEC src2.
enum class Buffer : uint8_t { None = 0, Wgt = 1, Act = 2, Acc = 3 };
constexpr unsigned kNumBuffers = 3;

/// Element types (ISA §1.1).
enum class DType : uint8_t { F32 = 1, I8 = 2, I32 = 3 };

/// Size in bytes of one element of `type`.
unsigned elementSize(DType type);

/// Packed weight formats (ISA §3.2, §6.3, §6.4).
enum class Format : uint8_t { Dense = 0, NM = 1, Bitmap = 2, CSR = 3 };

/// VEC functions (ISA §4.7).
enum class VecFunc : uint8_t {
  Copy = 0,
  Add = 1,
  Sub = 2,
  Mul = 3,
  Div = 4,
  Max = 5,
  Min = 6,
  Pow = 7,
  Relu = 16,
  LeakyRelu = 17,
  Clip = 18,
  Sigmoid = 19,
  Tanh = 20,
  Exp = 21,
  Log = 22,
  Sqrt = 23,
  Rsqrt = 24,
  Recip = 25,
  Neg = 26,
  Abs = 27,
  Gelu = 28,
  Erf = 29,
  HardSigmoid = 30,
  HardSwish = 31,
  RSum = 48,
  RMax = 49,
  RMin = 50,
  Quant = 64,
  Dequant = 65,
  Requant = 66,
};

/// The kinds of VEC functions, which decide the operands they take.
enum class VecFuncKind { Unary, Binary, Reduction, Quantization };
VecFuncKind getVecFuncKind(VecFunc func);
/// Every VEC function, in code order.
llvm::ArrayRef<VecFunc> getAllVecFuncs();
/// The source and destination types of ISA §4.7's table: none when `func`
/// accepts `src -> dst`, else the rule it breaks ("f32 or i32", ...).
std::optional<llvm::StringRef> checkVecTypes(VecFunc func, DType src,
                                             DType dst);

/// `LOAD` and `STORE` (ISA §3.1).
struct Dma {
  Buffer buffer = Buffer::Act;
  DType dtype = DType::F32;
  uint32_t sramAddr = 0;
  uint32_t dramAddr = 0;
  uint32_t padValue = 0;
  std::array<uint16_t, 4> size = {1, 1, 1, 1};
  std::array<uint32_t, 4> dramStride = {0, 0, 0, 0};
  std::array<uint32_t, 4> sramStride = {0, 0, 0, 0};
  std::array<uint8_t, 4> padLo = {0, 0, 0, 0};
  std::array<uint8_t, 4> padHi = {0, 0, 0, 0};
  bool operator==(const Dma &other) const;
};

/// `LOAD.DECOMP` (ISA §3.2).
struct LoadDecomp {
  Buffer buffer = Buffer::Wgt;
  DType dtype = DType::F32;
  uint32_t sramAddr = 0;
  uint32_t dramAddr = 0;
  uint32_t dramMetaAddr = 0;
  uint16_t rows = 1;
  uint16_t cols = 1;
  Format format = Format::NM; ///< NM or Bitmap.
  uint16_t n = 0;             ///< N:M only.
  uint16_t m = 0;             ///< N:M only.
  uint32_t sramRowStride = 0;
  bool operator==(const LoadDecomp &other) const;
};

/// `GEMM`, `GEMM.NM` and `GEMM.SP` (ISA §4.2–§4.4); `kind` picks the opcode.
struct Gemm {
  enum class Kind : uint8_t { Dense, NM, Sparse };
  Kind kind = Kind::Dense;
  DType dtype = DType::F32;
  bool accumulate = false;
  bool actNM = false;
  uint16_t m = 1, n = 1, k = 1;
  uint16_t actN = 0, actM = 0;
  int8_t aZeroPoint = 0;
  int8_t wZeroPoint = 0;
  uint32_t actAddr = 0, actRowStride = 0;
  uint32_t wgtAddr = 0, wgtRowStride = 0;
  uint32_t accAddr = 0, accRowStride = 0;
  /// GEMM.NM: metadata address and row stride in bytes. GEMM.SP: column
  /// index address and row pointer address.
  uint32_t metaAddr = 0, metaRowStride = 0;
  /// GEMM.NM: the weight pattern.
  uint16_t wN = 0, wM = 0;

  uint32_t idxAddr() const { return metaAddr; }
  uint32_t ptrAddr() const { return metaRowStride; }
  bool operator==(const Gemm &other) const;
};

/// `STRUCT` (ISA §4.6).
struct Struct {
  Buffer buffer = Buffer::Act;
  DType dtype = DType::F32;
  uint16_t rows = 1, cols = 1;
  uint16_t n = 1, m = 1;
  uint32_t srcAddr = 0, srcRowStride = 0;
  uint32_t dstAddr = 0, dstRowStride = 0;
  bool operator==(const Struct &other) const;
};

/// One 2-D operand view of a VEC instruction (ISA §4.7).
struct VecOperand {
  Buffer buffer = Buffer::None;
  uint32_t addr = 0;
  int32_t rowStride = 0;
  int32_t colStride = 0;
  bool operator==(const VecOperand &other) const;
};

/// `VEC` (ISA §4.7).
struct Vec {
  VecFunc func = VecFunc::Copy;
  DType srcType = DType::F32;
  DType dstType = DType::F32;
  uint16_t rows = 1, cols = 1;
  VecOperand dst, src1, src2;
  float imm0 = 0.0f, imm1 = 0.0f;
  int32_t imm2 = 0;
  bool operator==(const Vec &other) const;
};

/// `SYNC` and `END` carry no operands.
struct NoOperands {
  bool operator==(const NoOperands &) const { return true; }
};

/// A decoded instruction.
struct Instruction {
  Opcode opcode = Opcode::End;
  uint8_t deps = 0;
  std::variant<NoOperands, Dma, LoadDecomp, Gemm, Struct, Vec> operands;

  template <typename T> const T &get() const { return std::get<T>(operands); }
  template <typename T> T &get() { return std::get<T>(operands); }
  bool operator==(const Instruction &other) const;

  static Instruction sync(uint8_t deps) {
    return {Opcode::Sync, deps, NoOperands{}};
  }
  static Instruction end() { return {Opcode::End, 0, NoOperands{}}; }
};

/// The 64-byte word of `inst` (ISA §2). `inst` must be valid: encoding
/// asserts nothing, it writes the fields as they are.
Word encode(const Instruction &inst);

/// Decodes one word, checking everything the encoding fixes without a target
/// (ISA §7 item 4 except buffer bounds and queue placement).
llvm::Expected<Instruction> decode(llvm::ArrayRef<uint8_t> word);

/// The queue an opcode belongs to, or none for SYNC and END (any queue).
std::optional<Queue> getQueue(Opcode opcode);

/// The `deps` bits a queue has no channel for (ISA §1.2): the load queue has
/// no previous queue and the store queue no next one.
uint8_t getInvalidDeps(Queue queue);

/// Checks the `deps` bits of ISA §1.2 and the queue placement of ISA §2.
llvm::Error verifyQueuePlacement(const Instruction &inst, Queue queue);

/// Mnemonics, as in ISA.md and spc-objdump.
llvm::StringRef getMnemonic(Opcode opcode);
llvm::StringRef getName(VecFunc func);
llvm::StringRef getName(DType type);
llvm::StringRef getName(Buffer buffer);
llvm::StringRef getName(Queue queue);
llvm::StringRef getName(Format format);
std::optional<VecFunc> parseVecFunc(llvm::StringRef name);
std::optional<DType> parseDType(llvm::StringRef name);
std::optional<Buffer> parseBuffer(llvm::StringRef name);
std::optional<Format> parseFormat(llvm::StringRef name);

} // namespace spc::isa

#endif // SPC_TARGET_ISA_H
