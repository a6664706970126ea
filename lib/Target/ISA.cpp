//===- ISA.cpp - SPC accelerator instruction words ------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The encoding of docs/ISA.md §2–§4. Every layout table of ISA.md appears
// here once, as the pair of functions that write and read it.
//
//===----------------------------------------------------------------------===//

#include "spc/Target/ISA.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"

#include <cstring>
#include <tuple>

using namespace spc;
using namespace spc::isa;
using llvm::Error;
using llvm::Expected;

unsigned isa::elementSize(DType type) { return type == DType::I8 ? 1 : 4; }

VecFuncKind isa::getVecFuncKind(VecFunc func) {
  auto code = static_cast<uint8_t>(func);
  if (code >= 1 && code <= 7)
    return VecFuncKind::Binary;
  if (code >= 48 && code <= 50)
    return VecFuncKind::Reduction;
  if (code >= 64)
    return VecFuncKind::Quantization;
  return VecFuncKind::Unary;
}

//===----------------------------------------------------------------------===//
// Equality
//===----------------------------------------------------------------------===//

bool Dma::operator==(const Dma &o) const {
  return std::tie(buffer, dtype, sramAddr, dramAddr, padValue, size,
                  dramStride, sramStride, padLo, padHi) ==
         std::tie(o.buffer, o.dtype, o.sramAddr, o.dramAddr, o.padValue,
                  o.size, o.dramStride, o.sramStride, o.padLo, o.padHi);
}

bool LoadDecomp::operator==(const LoadDecomp &o) const {
  return std::tie(buffer, dtype, sramAddr, dramAddr, dramMetaAddr, rows, cols,
                  format, n, m, sramRowStride) ==
         std::tie(o.buffer, o.dtype, o.sramAddr, o.dramAddr, o.dramMetaAddr,
                  o.rows, o.cols, o.format, o.n, o.m, o.sramRowStride);
}

bool Gemm::operator==(const Gemm &o) const {
  return std::tie(kind, dtype, accumulate, actNM, m, n, k, actN, actM,
                  aZeroPoint, wZeroPoint, actAddr, actRowStride, wgtAddr,
                  wgtRowStride, accAddr, accRowStride, metaAddr, metaRowStride,
                  wN, wM) ==
         std::tie(o.kind, o.dtype, o.accumulate, o.actNM, o.m, o.n, o.k,
                  o.actN, o.actM, o.aZeroPoint, o.wZeroPoint, o.actAddr,
                  o.actRowStride, o.wgtAddr, o.wgtRowStride, o.accAddr,
                  o.accRowStride, o.metaAddr, o.metaRowStride, o.wN, o.wM);
}

bool Struct::operator==(const Struct &o) const {
  return std::tie(buffer, dtype, rows, cols, n, m, srcAddr, srcRowStride,
                  dstAddr, dstRowStride) ==
         std::tie(o.buffer, o.dtype, o.rows, o.cols, o.n, o.m, o.srcAddr,
                  o.srcRowStride, o.dstAddr, o.dstRowStride);
}

bool VecOperand::operator==(const VecOperand &o) const {
  return std::tie(buffer, addr, rowStride, colStride) ==
         std::tie(o.buffer, o.addr, o.rowStride, o.colStride);
}

// Immediates compare bit for bit, so that a NaN immediate round-trips.
static uint32_t floatBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

static float bitsToFloat(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

bool Vec::operator==(const Vec &o) const {
  return std::tie(func, srcType, dstType, rows, cols, dst, src1, src2, imm2) ==
             std::tie(o.func, o.srcType, o.dstType, o.rows, o.cols, o.dst,
                      o.src1, o.src2, o.imm2) &&
         floatBits(imm0) == floatBits(o.imm0) &&
         floatBits(imm1) == floatBits(o.imm1);
}

bool Instruction::operator==(const Instruction &o) const {
  return opcode == o.opcode && deps == o.deps && operands == o.operands;
}

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

llvm::StringRef isa::getMnemonic(Opcode opcode) {
  switch (opcode) {
  case Opcode::Sync:
    return "SYNC";
  case Opcode::End:
    return "END";
  case Opcode::Load:
    return "LOAD";
  case Opcode::LoadDecomp:
    return "LOAD.DECOMP";
  case Opcode::Store:
    return "STORE";
  case Opcode::Gemm:
    return "GEMM";
  case Opcode::GemmNM:
    return "GEMM.NM";
  case Opcode::GemmSparse:
    return "GEMM.SP";
  case Opcode::Struct:
    return "STRUCT";
  case Opcode::Vec:
    return "VEC";
  }
  return "?";
}

/// The VEC functions with their ISA §4.7 mnemonics, in code order.
static constexpr std::pair<VecFunc, const char *> kVecFuncNames[] = {
    {VecFunc::Copy, "COPY"},
    {VecFunc::Add, "ADD"},
    {VecFunc::Sub, "SUB"},
    {VecFunc::Mul, "MUL"},
    {VecFunc::Div, "DIV"},
    {VecFunc::Max, "MAX"},
    {VecFunc::Min, "MIN"},
    {VecFunc::Pow, "POW"},
    {VecFunc::Relu, "RELU"},
    {VecFunc::LeakyRelu, "LEAKY_RELU"},
    {VecFunc::Clip, "CLIP"},
    {VecFunc::Sigmoid, "SIGMOID"},
    {VecFunc::Tanh, "TANH"},
    {VecFunc::Exp, "EXP"},
    {VecFunc::Log, "LOG"},
    {VecFunc::Sqrt, "SQRT"},
    {VecFunc::Rsqrt, "RSQRT"},
    {VecFunc::Recip, "RECIP"},
    {VecFunc::Neg, "NEG"},
    {VecFunc::Abs, "ABS"},
    {VecFunc::Gelu, "GELU"},
    {VecFunc::Erf, "ERF"},
    {VecFunc::HardSigmoid, "HARD_SIGMOID"},
    {VecFunc::HardSwish, "HARD_SWISH"},
    {VecFunc::RSum, "RSUM"},
    {VecFunc::RMax, "RMAX"},
    {VecFunc::RMin, "RMIN"},
    {VecFunc::Quant, "QUANT"},
    {VecFunc::Dequant, "DEQUANT"},
    {VecFunc::Requant, "REQUANT"},
};

llvm::ArrayRef<VecFunc> isa::getAllVecFuncs() {
  static const std::vector<VecFunc> all = [] {
    std::vector<VecFunc> funcs;
    for (auto [func, name] : kVecFuncNames)
      funcs.push_back(func);
    return funcs;
  }();
  return all;
}

/// The names of DType, Buffer, Queue and Format, as ISA.md spells them.
static constexpr std::pair<DType, const char *> kDTypeNames[] = {
    {DType::F32, "f32"}, {DType::I8, "i8"}, {DType::I32, "i32"}};
static constexpr std::pair<Buffer, const char *> kBufferNames[] = {
    {Buffer::None, "none"},
    {Buffer::Wgt, "wgt"},
    {Buffer::Act, "act"},
    {Buffer::Acc, "acc"}};
static constexpr std::pair<Queue, const char *> kQueueNames[] = {
    {Queue::Load, "load"}, {Queue::Compute, "compute"}, {Queue::Store, "store"}};
static constexpr std::pair<Format, const char *> kFormatNames[] = {
    {Format::Dense, "dense"},
    {Format::NM, "nm"},
    {Format::Bitmap, "bitmap"},
    {Format::CSR, "csr"}};

/// The name of `value` in one of the tables above ("?" for a code that is
/// not in it).
template <typename E, size_t N>
static llvm::StringRef lookupName(const std::pair<E, const char *> (&table)[N],
                                  E value) {
  for (auto [candidate, name] : table)
    if (candidate == value)
      return name;
  return "?";
}

/// The value named `name` in one of the tables above; VEC mnemonics match in
/// any case, the other names exactly.
template <typename E, size_t N>
static std::optional<E>
lookupValue(const std::pair<E, const char *> (&table)[N], llvm::StringRef name,
            bool ignoreCase = false) {
  for (auto [value, candidate] : table)
    if (ignoreCase ? name.equals_insensitive(candidate) : name == candidate)
      return value;
  return std::nullopt;
}

llvm::StringRef isa::getName(VecFunc func) {
  return lookupName(kVecFuncNames, func);
}
std::optional<VecFunc> isa::parseVecFunc(llvm::StringRef name) {
  return lookupValue(kVecFuncNames, name, /*ignoreCase=*/true);
}
llvm::StringRef isa::getName(DType type) {
  return lookupName(kDTypeNames, type);
}
std::optional<DType> isa::parseDType(llvm::StringRef name) {
  return lookupValue(kDTypeNames, name);
}
llvm::StringRef isa::getName(Buffer buffer) {
  return lookupName(kBufferNames, buffer);
}
std::optional<Buffer> isa::parseBuffer(llvm::StringRef name) {
  return lookupValue(kBufferNames, name);
}
llvm::StringRef isa::getName(Queue queue) {
  return lookupName(kQueueNames, queue);
}
llvm::StringRef isa::getName(Format format) {
  return lookupName(kFormatNames, format);
}
std::optional<Format> isa::parseFormat(llvm::StringRef name) {
  return lookupValue(kFormatNames, name);
}

std::optional<Queue> isa::getQueue(Opcode opcode) {
  switch (opcode) {
  case Opcode::Load:
  case Opcode::LoadDecomp:
    return Queue::Load;
  case Opcode::Store:
    return Queue::Store;
  case Opcode::Gemm:
  case Opcode::GemmNM:
  case Opcode::GemmSparse:
  case Opcode::Struct:
  case Opcode::Vec:
    return Queue::Compute;
  case Opcode::Sync:
  case Opcode::End:
    return std::nullopt;
  }
  return std::nullopt;
}

uint8_t isa::getInvalidDeps(Queue queue) {
  switch (queue) {
  case Queue::Load:
    return PopPrev | PushPrev;
  case Queue::Store:
    return PopNext | PushNext;
  case Queue::Compute:
    break;
  }
  return 0;
}

Error isa::verifyQueuePlacement(const Instruction &inst, Queue queue) {
  std::optional<Queue> home = getQueue(inst.opcode);
  if (home && *home != queue)
    return llvm::createStringError(
        llvm::formatv("{0} belongs to the {1} queue, not the {2} queue "
                      "(ISA §2)",
                      getMnemonic(inst.opcode), getName(*home), getName(queue))
            .str());
  if (inst.deps & ~kDepMask)
    return llvm::createStringError("deps bits 4-7 must be zero (ISA §1.2)");
  if (inst.opcode == Opcode::End && inst.deps != 0)
    return llvm::createStringError("END carries no deps (ISA §3.3)");
  if (inst.deps & getInvalidDeps(queue))
    return llvm::createStringError(
        queue == Queue::Load
            ? "the load queue has no previous queue: pop_prev and push_prev "
              "are invalid (ISA §1.2)"
            : "the store queue has no next queue: pop_next and push_next are "
              "invalid (ISA §1.2)");
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Encoding
//===----------------------------------------------------------------------===//

namespace {
/// Writes little-endian fields into a word.
class WordWriter {
public:
  WordWriter() { word.fill(0); }
  void u8(unsigned offset, uint8_t value) { word[offset] = value; }
  void u16(unsigned offset, uint16_t value) {
    llvm::support::endian::write16le(&word[offset], value);
  }
  void u32(unsigned offset, uint32_t value) {
    llvm::support::endian::write32le(&word[offset], value);
  }
  Word word;
};

/// Reads little-endian fields from a word and remembers which bytes were
/// read, so that every other byte can be checked to be zero (ISA §2).
class WordReader {
public:
  explicit WordReader(llvm::ArrayRef<uint8_t> word) : word(word) {
    used.fill(false);
    used[0] = used[1] = true;
  }
  uint8_t u8(unsigned offset) {
    used[offset] = true;
    return word[offset];
  }
  uint16_t u16(unsigned offset) {
    mark(offset, 2);
    return llvm::support::endian::read16le(&word[offset]);
  }
  uint32_t u32(unsigned offset) {
    mark(offset, 4);
    return llvm::support::endian::read32le(&word[offset]);
  }
  int32_t i32(unsigned offset) { return static_cast<int32_t>(u32(offset)); }
  float f32(unsigned offset) { return bitsToFloat(u32(offset)); }

  /// The first reserved byte that is not zero.
  std::optional<unsigned> findNonZeroReserved() const {
    for (unsigned i = 0; i < kWordBytes; ++i)
      if (!used[i] && word[i] != 0)
        return i;
    return std::nullopt;
  }

private:
  void mark(unsigned offset, unsigned bytes) {
    for (unsigned i = 0; i < bytes; ++i)
      used[offset + i] = true;
  }
  llvm::ArrayRef<uint8_t> word;
  std::array<bool, kWordBytes> used;
};
} // namespace

static void encodeDma(WordWriter &w, const Dma &d) {
  w.u8(2, static_cast<uint8_t>(d.buffer));
  w.u8(3, static_cast<uint8_t>(d.dtype));
  w.u32(4, d.sramAddr);
  w.u32(8, d.dramAddr);
  w.u32(12, d.padValue);
  for (unsigned i = 0; i < 4; ++i) {
    w.u16(16 + 2 * i, d.size[i]);
    w.u32(24 + 4 * i, d.dramStride[i]);
    w.u32(40 + 4 * i, d.sramStride[i]);
    w.u8(56 + i, d.padLo[i]);
    w.u8(60 + i, d.padHi[i]);
  }
}

static void encodeGemm(WordWriter &w, const Gemm &g) {
  w.u8(2, static_cast<uint8_t>(g.dtype));
  w.u8(3, (g.accumulate ? 1 : 0) | (g.actNM ? 2 : 0));
  w.u16(4, g.m);
  w.u16(6, g.n);
  w.u16(8, g.k);
  w.u16(10, g.actN);
  w.u16(12, g.actM);
  w.u8(14, static_cast<uint8_t>(g.aZeroPoint));
  w.u8(15, static_cast<uint8_t>(g.wZeroPoint));
  w.u32(16, g.actAddr);
  w.u32(20, g.actRowStride);
  w.u32(24, g.wgtAddr);
  w.u32(28, g.wgtRowStride);
  w.u32(32, g.accAddr);
  w.u32(36, g.accRowStride);
  if (g.kind == Gemm::Kind::Dense)
    return;
  w.u32(40, g.metaAddr);
  w.u32(44, g.metaRowStride);
  if (g.kind == Gemm::Kind::NM) {
    w.u16(48, g.wN);
    w.u16(50, g.wM);
  }
}

static void encodeOperand(WordWriter &w, unsigned bufferOffset,
                          unsigned fieldOffset, const VecOperand &operand) {
  w.u8(bufferOffset, static_cast<uint8_t>(operand.buffer));
  w.u32(fieldOffset, operand.addr);
  w.u32(fieldOffset + 4, static_cast<uint32_t>(operand.rowStride));
  w.u32(fieldOffset + 8, static_cast<uint32_t>(operand.colStride));
}

Word isa::encode(const Instruction &inst) {
  WordWriter w;
  w.u8(0, static_cast<uint8_t>(inst.opcode));
  w.u8(1, inst.deps);
  switch (inst.opcode) {
  case Opcode::Sync:
  case Opcode::End:
    break;
  case Opcode::Load:
  case Opcode::Store:
    encodeDma(w, inst.get<Dma>());
    break;
  case Opcode::LoadDecomp: {
    const auto &d = inst.get<LoadDecomp>();
    w.u8(2, static_cast<uint8_t>(d.buffer));
    w.u8(3, static_cast<uint8_t>(d.dtype));
    w.u32(4, d.sramAddr);
    w.u32(8, d.dramAddr);
    w.u32(12, d.dramMetaAddr);
    w.u16(16, d.rows);
    w.u16(18, d.cols);
    w.u8(20, static_cast<uint8_t>(d.format));
    w.u16(22, d.n);
    w.u16(24, d.m);
    w.u32(28, d.sramRowStride);
    break;
  }
  case Opcode::Gemm:
  case Opcode::GemmNM:
  case Opcode::GemmSparse:
    encodeGemm(w, inst.get<Gemm>());
    break;
  case Opcode::Struct: {
    const auto &s = inst.get<Struct>();
    w.u8(2, static_cast<uint8_t>(s.buffer));
    w.u8(3, static_cast<uint8_t>(s.dtype));
    w.u16(4, s.rows);
    w.u16(6, s.cols);
    w.u16(8, s.n);
    w.u16(10, s.m);
    w.u32(12, s.srcAddr);
    w.u32(16, s.srcRowStride);
    w.u32(20, s.dstAddr);
    w.u32(24, s.dstRowStride);
    break;
  }
  case Opcode::Vec: {
    const auto &v = inst.get<Vec>();
    w.u8(2, static_cast<uint8_t>(v.func));
    w.u8(3, static_cast<uint8_t>(v.srcType) |
                (static_cast<uint8_t>(v.dstType) << 4));
    w.u16(4, v.rows);
    w.u16(6, v.cols);
    encodeOperand(w, 8, 12, v.dst);
    encodeOperand(w, 9, 24, v.src1);
    encodeOperand(w, 10, 36, v.src2);
    w.u32(48, floatBits(v.imm0));
    w.u32(52, floatBits(v.imm1));
    w.u32(56, static_cast<uint32_t>(v.imm2));
    break;
  }
  }
  return w.word;
}

//===----------------------------------------------------------------------===//
// Decoding
//===----------------------------------------------------------------------===//

static Error fieldError(const llvm::Twine &message) {
  return llvm::createStringError(message.str());
}

static Expected<DType> readDType(uint8_t code, llvm::StringRef field) {
  if (code < 1 || code > 3)
    return fieldError(llvm::formatv("invalid {0} {1} (ISA §1.1)", field,
                                    static_cast<unsigned>(code)));
  return static_cast<DType>(code);
}

static Expected<Buffer> readBuffer(uint8_t code, llvm::StringRef field,
                                   bool allowNone = false) {
  if (code > 3 || (code == 0 && !allowNone))
    return fieldError(llvm::formatv("invalid {0} {1} (ISA §1)", field,
                                    static_cast<unsigned>(code)));
  return static_cast<Buffer>(code);
}

/// `1 <= n <= m <= 256`, the pattern rule of ISA §4.2–§4.6.
static Error checkPattern(unsigned n, unsigned m, llvm::StringRef what,
                          llvm::StringRef section) {
  if (n < 1 || n > m || m > 256)
    return fieldError(llvm::formatv("invalid {0} pattern {1}:{2}: need 1 <= "
                                    "n <= m <= 256 (ISA {3})",
                                    what, n, m, section));
  return Error::success();
}

static Expected<Dma> decodeDma(WordReader &r, Opcode opcode) {
  Dma d;
  auto buffer = readBuffer(r.u8(2), "buffer");
  if (!buffer)
    return buffer.takeError();
  auto dtype = readDType(r.u8(3), "dtype");
  if (!dtype)
    return dtype.takeError();
  d.buffer = *buffer;
  d.dtype = *dtype;
  d.sramAddr = r.u32(4);
  d.dramAddr = r.u32(8);
  for (unsigned i = 0; i < 4; ++i) {
    d.size[i] = r.u16(16 + 2 * i);
    d.dramStride[i] = r.u32(24 + 4 * i);
    d.sramStride[i] = r.u32(40 + 4 * i);
    if (d.size[i] == 0)
      return fieldError(llvm::formatv("size[{0}] is zero (ISA §3.1)", i));
  }
  // STORE has no padding: its pad bytes stay reserved.
  if (opcode == Opcode::Load) {
    d.padValue = r.u32(12);
    for (unsigned i = 0; i < 4; ++i) {
      d.padLo[i] = r.u8(56 + i);
      d.padHi[i] = r.u8(60 + i);
    }
  }
  return d;
}

static Expected<LoadDecomp> decodeLoadDecomp(WordReader &r) {
  LoadDecomp d;
  auto buffer = readBuffer(r.u8(2), "buffer");
  if (!buffer)
    return buffer.takeError();
  auto dtype = readDType(r.u8(3), "dtype");
  if (!dtype)
    return dtype.takeError();
  if (*dtype == DType::I32)
    return fieldError("LOAD.DECOMP dtype must be f32 or i8 (ISA §3.2)");
  d.buffer = *buffer;
  d.dtype = *dtype;
  d.sramAddr = r.u32(4);
  d.dramAddr = r.u32(8);
  d.dramMetaAddr = r.u32(12);
  d.rows = r.u16(16);
  d.cols = r.u16(18);
  if (d.rows == 0 || d.cols == 0)
    return fieldError("LOAD.DECOMP rows and cols must be non-zero (ISA §3.2)");
  uint8_t format = r.u8(20);
  if (format == static_cast<uint8_t>(Format::NM)) {
    d.format = Format::NM;
    d.n = r.u16(22);
    d.m = r.u16(24);
    if (auto err = checkPattern(d.n, d.m, "LOAD.DECOMP", "§3.2"))
      return std::move(err);
    if (d.cols % d.m != 0)
      return fieldError(llvm::formatv("LOAD.DECOMP cols {0} is not a multiple "
                                      "of m {1} (ISA §6.4.1)",
                                      d.cols, d.m));
  } else if (format == static_cast<uint8_t>(Format::Bitmap)) {
    d.format = Format::Bitmap;
  } else {
    return fieldError(llvm::formatv("invalid LOAD.DECOMP format {0}: need 1 "
                                    "(N:M) or 2 (bitmap) (ISA §3.2)",
                                    static_cast<unsigned>(format)));
  }
  d.sramRowStride = r.u32(28);
  if (d.sramRowStride < d.cols)
    return fieldError(llvm::formatv("LOAD.DECOMP sram_row_stride {0} is "
                                    "smaller than cols {1} (ISA §3.2)",
                                    d.sramRowStride, d.cols));
  return d;
}

static Expected<Gemm> decodeGemm(WordReader &r, Opcode opcode) {
  Gemm g;
  g.kind = opcode == Opcode::Gemm     ? Gemm::Kind::Dense
           : opcode == Opcode::GemmNM ? Gemm::Kind::NM
                                      : Gemm::Kind::Sparse;
  auto dtype = readDType(r.u8(2), "dtype");
  if (!dtype)
    return dtype.takeError();
  if (*dtype == DType::I32)
    return fieldError("GEMM dtype must be f32 or i8 (ISA §4.1)");
  g.dtype = *dtype;
  uint8_t flags = r.u8(3);
  if (flags & ~3u)
    return fieldError("GEMM flags bits 2-7 must be zero (ISA §4.2)");
  g.accumulate = flags & 1;
  g.actNM = flags & 2;
  g.m = r.u16(4);
  g.n = r.u16(6);
  g.k = r.u16(8);
  if (g.m == 0 || g.n == 0 || g.k == 0)
    return fieldError("GEMM M, N and K must be non-zero (ISA §4.2)");
  g.actN = r.u16(10);
  g.actM = r.u16(12);
  if (g.actNM) {
    if (auto err = checkPattern(g.actN, g.actM, "act_nm", "§4.2"))
      return std::move(err);
    if (g.k % g.actM != 0)
      return fieldError(llvm::formatv("K {0} is not a multiple of act_m {1} "
                                      "(ISA §4.2)",
                                      g.k, g.actM));
  } else if (g.actN != 0 || g.actM != 0) {
    return fieldError("act_n and act_m must be zero without act_nm (ISA §4.2)");
  }
  g.aZeroPoint = static_cast<int8_t>(r.u8(14));
  g.wZeroPoint = static_cast<int8_t>(r.u8(15));
  if (g.dtype == DType::F32 && (g.aZeroPoint != 0 || g.wZeroPoint != 0))
    return fieldError("zero points must be zero for f32 (ISA §4.2)");
  if (g.kind != Gemm::Kind::Dense && g.wZeroPoint != 0)
    return fieldError("w_zp must be zero for sparse weights (ISA §4.1)");
  g.actAddr = r.u32(16);
  g.actRowStride = r.u32(20);
  g.wgtAddr = r.u32(24);
  g.wgtRowStride = r.u32(28);
  g.accAddr = r.u32(32);
  g.accRowStride = r.u32(36);
  if (g.kind == Gemm::Kind::Dense)
    return g;
  g.metaAddr = r.u32(40);
  g.metaRowStride = r.u32(44);
  if (g.kind == Gemm::Kind::Sparse) {
    if (g.wgtRowStride != 0)
      return fieldError("GEMM.SP wgt_row_stride must be zero (ISA §4.4)");
    return g;
  }
  g.wN = r.u16(48);
  g.wM = r.u16(50);
  if (auto err = checkPattern(g.wN, g.wM, "weight", "§4.3"))
    return std::move(err);
  if (g.k % g.wM != 0)
    return fieldError(llvm::formatv(
        "K {0} is not a multiple of m {1} (ISA §4.3)", g.k, g.wM));
  return g;
}

static Expected<Struct> decodeStruct(WordReader &r) {
  Struct s;
  auto buffer = readBuffer(r.u8(2), "buffer");
  if (!buffer)
    return buffer.takeError();
  if (*buffer == Buffer::Wgt)
    return fieldError("STRUCT buffer must be act or acc (ISA §4.6)");
  auto dtype = readDType(r.u8(3), "dtype");
  if (!dtype)
    return dtype.takeError();
  if (*dtype == DType::I32)
    return fieldError("STRUCT dtype must be f32 or i8 (ISA §4.6)");
  s.buffer = *buffer;
  s.dtype = *dtype;
  s.rows = r.u16(4);
  s.cols = r.u16(6);
  s.n = r.u16(8);
  s.m = r.u16(10);
  if (s.rows == 0 || s.cols == 0)
    return fieldError("STRUCT rows and cols must be non-zero (ISA §4.6)");
  if (auto err = checkPattern(s.n, s.m, "STRUCT", "§4.6"))
    return std::move(err);
  if (s.cols % s.m != 0)
    return fieldError(llvm::formatv(
        "STRUCT cols {0} is not a multiple of m {1} (ISA §4.6)", s.cols, s.m));
  s.srcAddr = r.u32(12);
  s.srcRowStride = r.u32(16);
  s.dstAddr = r.u32(20);
  s.dstRowStride = r.u32(24);
  return s;
}

std::optional<llvm::StringRef> isa::checkVecTypes(VecFunc func, DType src,
                                                 DType dst) {
  auto sameOf = [&](std::initializer_list<DType> types,
                    llvm::StringRef rule) -> std::optional<llvm::StringRef> {
    if (src == dst && llvm::is_contained(types, src))
      return std::nullopt;
    return rule;
  };
  switch (func) {
  case VecFunc::Copy:
    return sameOf({DType::F32, DType::I8, DType::I32},
                  "one type for source and destination");
  case VecFunc::Add:
  case VecFunc::Sub:
  case VecFunc::Mul:
  case VecFunc::Neg:
  case VecFunc::Abs:
  case VecFunc::RSum:
    return sameOf({DType::F32, DType::I32}, "f32 or i32");
  case VecFunc::Max:
  case VecFunc::Min:
  case VecFunc::Relu:
  case VecFunc::RMax:
  case VecFunc::RMin:
    return sameOf({DType::F32, DType::I32, DType::I8}, "f32, i32 or i8");
  case VecFunc::Quant:
    if (src == DType::F32 && dst == DType::I8)
      return std::nullopt;
    return llvm::StringRef("f32 -> i8");
  case VecFunc::Dequant:
    if (src != DType::F32 && dst == DType::F32)
      return std::nullopt;
    return llvm::StringRef("i8 -> f32 or i32 -> f32");
  case VecFunc::Requant:
    if (src == DType::I32 && dst == DType::I8)
      return std::nullopt;
    return llvm::StringRef("i32 -> i8");
  default:
    return sameOf({DType::F32}, "f32");
  }
}

static VecOperand decodeOperand(WordReader &r, unsigned bufferOffset,
                                unsigned fieldOffset, Buffer buffer) {
  VecOperand operand;
  operand.buffer = buffer;
  r.u8(bufferOffset);
  operand.addr = r.u32(fieldOffset);
  operand.rowStride = r.i32(fieldOffset + 4);
  operand.colStride = r.i32(fieldOffset + 8);
  return operand;
}

static Expected<Vec> decodeVec(WordReader &r) {
  Vec v;
  uint8_t funcCode = r.u8(2);
  bool known = false;
  for (VecFunc func : getAllVecFuncs())
    if (static_cast<uint8_t>(func) == funcCode) {
      v.func = func;
      known = true;
    }
  if (!known)
    return fieldError(llvm::formatv("invalid VEC func {0} (ISA §4.7)",
                                    static_cast<unsigned>(funcCode)));
  uint8_t types = r.u8(3);
  auto src = readDType(types & 0xf, "VEC source dtype");
  if (!src)
    return src.takeError();
  auto dst = readDType(types >> 4, "VEC destination dtype");
  if (!dst)
    return dst.takeError();
  v.srcType = *src;
  v.dstType = *dst;
  if (std::optional<llvm::StringRef> rule =
          checkVecTypes(v.func, v.srcType, v.dstType))
    return fieldError(llvm::formatv("VEC {0} with {1} -> {2}: needs {3} "
                                    "(ISA §4.7)",
                                    getName(v.func), getName(v.srcType),
                                    getName(v.dstType), *rule));
  v.rows = r.u16(4);
  v.cols = r.u16(6);
  if (v.rows == 0 || v.cols == 0)
    return fieldError("VEC rows and cols must be non-zero (ISA §4.7)");
  auto dstBuffer = readBuffer(r.u8(8), "dst_buffer");
  if (!dstBuffer)
    return dstBuffer.takeError();
  auto src1Buffer = readBuffer(r.u8(9), "src1_buffer");
  if (!src1Buffer)
    return src1Buffer.takeError();
  auto src2Buffer = readBuffer(r.u8(10), "src2_buffer", /*allowNone=*/true);
  if (!src2Buffer)
    return src2Buffer.takeError();
  v.dst = decodeOperand(r, 8, 12, *dstBuffer);
  v.src1 = decodeOperand(r, 9, 24, *src1Buffer);
  VecFuncKind kind = getVecFuncKind(v.func);
  bool takesSrc2 =
      kind == VecFuncKind::Binary || kind == VecFuncKind::Quantization;
  if (takesSrc2)
    v.src2 = decodeOperand(r, 10, 36, *src2Buffer);
  else if (*src2Buffer != Buffer::None)
    return fieldError(llvm::formatv("VEC {0} takes no src2 (ISA §4.7)",
                                    getName(v.func)));
  // The immediates are reserved unless the function or the scalar operand
  // uses them.
  bool usesImm0 = (takesSrc2 && v.src2.buffer == Buffer::None) ||
                  v.func == VecFunc::LeakyRelu || v.func == VecFunc::Clip ||
                  v.func == VecFunc::HardSigmoid;
  bool usesImm1 = v.func == VecFunc::Clip || v.func == VecFunc::HardSigmoid;
  if (usesImm0)
    v.imm0 = r.f32(48);
  if (usesImm1)
    v.imm1 = r.f32(52);
  if (kind == VecFuncKind::Quantization)
    v.imm2 = r.i32(56);
  return v;
}

Expected<Instruction> isa::decode(llvm::ArrayRef<uint8_t> word) {
  if (word.size() != kWordBytes)
    return fieldError(llvm::formatv("an instruction word is {0} bytes, not "
                                    "{1} (ISA §2)",
                                    kWordBytes, word.size()));
  WordReader r(word);
  Instruction inst;
  inst.deps = word[1];
  auto finish = [&](auto operands) -> Expected<Instruction> {
    inst.operands = std::move(operands);
    if (std::optional<unsigned> byte = r.findNonZeroReserved())
      return fieldError(llvm::formatv("reserved byte {0} of {1} is not zero "
                                      "(ISA §2)",
                                      *byte, getMnemonic(inst.opcode)));
    if (inst.deps & ~kDepMask)
      return fieldError("deps bits 4-7 must be zero (ISA §1.2)");
    return inst;
  };
  switch (word[0]) {
  case static_cast<uint8_t>(Opcode::Sync):
    inst.opcode = Opcode::Sync;
    return finish(NoOperands{});
  case static_cast<uint8_t>(Opcode::End):
    inst.opcode = Opcode::End;
    return finish(NoOperands{});
  case static_cast<uint8_t>(Opcode::Load):
  case static_cast<uint8_t>(Opcode::Store): {
    inst.opcode = static_cast<Opcode>(word[0]);
    auto dma = decodeDma(r, inst.opcode);
    if (!dma)
      return dma.takeError();
    return finish(*dma);
  }
  case static_cast<uint8_t>(Opcode::LoadDecomp): {
    inst.opcode = Opcode::LoadDecomp;
    auto decomp = decodeLoadDecomp(r);
    if (!decomp)
      return decomp.takeError();
    return finish(*decomp);
  }
  case static_cast<uint8_t>(Opcode::Gemm):
  case static_cast<uint8_t>(Opcode::GemmNM):
  case static_cast<uint8_t>(Opcode::GemmSparse): {
    inst.opcode = static_cast<Opcode>(word[0]);
    auto gemm = decodeGemm(r, inst.opcode);
    if (!gemm)
      return gemm.takeError();
    return finish(*gemm);
  }
  case static_cast<uint8_t>(Opcode::Struct): {
    inst.opcode = Opcode::Struct;
    auto s = decodeStruct(r);
    if (!s)
      return s.takeError();
    return finish(*s);
  }
  case static_cast<uint8_t>(Opcode::Vec): {
    inst.opcode = Opcode::Vec;
    auto v = decodeVec(r);
    if (!v)
      return v.takeError();
    return finish(*v);
  }
  default:
    return fieldError(llvm::formatv("invalid opcode {0:x2} (ISA §2)",
                                    static_cast<unsigned>(word[0])));
  }
}
