//===- RandomInstructions.h - Random valid instructions for tests -*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Generates random instructions that satisfy every target-independent rule
// of docs/ISA.md, for the encode/decode and container property tests.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_UNITTESTS_TARGET_RANDOMINSTRUCTIONS_H
#define SPC_UNITTESTS_TARGET_RANDOMINSTRUCTIONS_H

#include "spc/Target/ISA.h"

#include <random>

namespace spc::testutil {

class RandomInstructions {
public:
  explicit RandomInstructions(unsigned seed) : rng(seed) {}

  uint32_t u32() { return static_cast<uint32_t>(rng()); }
  uint16_t u16(unsigned lo, unsigned hi) {
    return static_cast<uint16_t>(std::uniform_int_distribution<unsigned>(lo, hi)(rng));
  }
  uint8_t u8() { return static_cast<uint8_t>(rng()); }
  bool coin() { return rng() & 1; }

  isa::DType dtype(bool allowI32 = true) {
    unsigned hi = allowI32 ? 3 : 2;
    return static_cast<isa::DType>(u16(1, hi));
  }
  isa::Buffer buffer() { return static_cast<isa::Buffer>(u16(1, 3)); }

  /// A valid n:m pattern with m dividing `k` when k is non-zero.
  std::pair<uint16_t, uint16_t> pattern() {
    uint16_t m = u16(1, 256);
    return {u16(1, m), m};
  }

  /// Deps that are valid on `queue` (ISA §1.2).
  uint8_t deps(isa::Queue queue) {
    uint8_t bits = u8() & isa::kDepMask;
    if (queue == isa::Queue::Load)
      bits &= ~(isa::PopPrev | isa::PushPrev);
    if (queue == isa::Queue::Store)
      bits &= ~(isa::PopNext | isa::PushNext);
    return bits;
  }

  isa::Instruction dma(isa::Opcode opcode) {
    isa::Dma d;
    d.buffer = buffer();
    d.dtype = dtype();
    d.sramAddr = u32();
    d.dramAddr = u32();
    for (unsigned i = 0; i < 4; ++i) {
      d.size[i] = u16(1, 65535);
      d.dramStride[i] = u32();
      d.sramStride[i] = u32();
      if (opcode == isa::Opcode::Load) {
        d.padLo[i] = u8();
        d.padHi[i] = u8();
      }
    }
    if (opcode == isa::Opcode::Load)
      d.padValue = u32();
    return {opcode, 0, d};
  }

  isa::Instruction loadDecomp() {
    isa::LoadDecomp d;
    d.buffer = buffer();
    d.dtype = dtype(/*allowI32=*/false);
    d.sramAddr = u32();
    d.dramAddr = u32();
    d.dramMetaAddr = u32();
    d.rows = u16(1, 65535);
    if (coin()) {
      d.format = isa::Format::NM;
      auto [n, m] = pattern();
      d.n = n;
      d.m = m;
      d.cols = m * u16(1, 65535 / m);
    } else {
      d.format = isa::Format::Bitmap;
      d.cols = u16(1, 65535);
    }
    d.sramRowStride = d.cols + u16(0, 100);
    return {isa::Opcode::LoadDecomp, 0, d};
  }

  isa::Instruction gemm(isa::Gemm::Kind kind) {
    isa::Gemm g;
    g.kind = kind;
    g.dtype = dtype(/*allowI32=*/false);
    g.accumulate = coin();
    g.m = u16(1, 65535);
    g.n = u16(1, 65535);
    uint16_t granule = 1;
    if (kind == isa::Gemm::Kind::NM) {
      auto [n, m] = pattern();
      g.wN = n;
      g.wM = m;
      granule = m;
    }
    if (coin()) {
      g.actNM = true;
      // K must be a multiple of both act_m and the weight m: use act_m = m.
      auto [n, m] = pattern();
      if (kind == isa::Gemm::Kind::NM)
        m = granule, n = u16(1, m);
      g.actN = n;
      g.actM = m;
      granule = m;
    }
    g.k = granule * u16(1, 65535 / granule);
    if (g.dtype == isa::DType::I8) {
      g.aZeroPoint = static_cast<int8_t>(u8());
      if (kind == isa::Gemm::Kind::Dense)
        g.wZeroPoint = static_cast<int8_t>(u8());
    }
    g.actAddr = u32();
    g.actRowStride = u32();
    g.wgtAddr = u32();
    g.wgtRowStride = kind == isa::Gemm::Kind::Sparse ? 0 : u32();
    g.accAddr = u32();
    g.accRowStride = u32();
    if (kind != isa::Gemm::Kind::Dense) {
      g.metaAddr = u32();
      g.metaRowStride = u32();
    }
    isa::Opcode opcode = kind == isa::Gemm::Kind::Dense ? isa::Opcode::Gemm
                         : kind == isa::Gemm::Kind::NM  ? isa::Opcode::GemmNM
                                                        : isa::Opcode::GemmSparse;
    return {opcode, 0, g};
  }

  isa::Instruction structure() {
    isa::Struct s;
    s.buffer = coin() ? isa::Buffer::Act : isa::Buffer::Acc;
    s.dtype = dtype(/*allowI32=*/false);
    s.rows = u16(1, 65535);
    auto [n, m] = pattern();
    s.n = n;
    s.m = m;
    s.cols = m * u16(1, 65535 / m);
    s.srcAddr = u32();
    s.srcRowStride = u32();
    s.dstAddr = u32();
    s.dstRowStride = u32();
    return {isa::Opcode::Struct, 0, s};
  }

  isa::Instruction vec() {
    isa::Vec v;
    llvm::ArrayRef<isa::VecFunc> funcs = isa::getAllVecFuncs();
    v.func = funcs[u16(0, funcs.size() - 1)];
    isa::VecFuncKind kind = isa::getVecFuncKind(v.func);
    switch (v.func) {
    case isa::VecFunc::Copy:
    case isa::VecFunc::Max:
    case isa::VecFunc::Min:
    case isa::VecFunc::Relu:
    case isa::VecFunc::RMax:
    case isa::VecFunc::RMin:
      v.srcType = v.dstType = dtype();
      break;
    case isa::VecFunc::Add:
    case isa::VecFunc::Sub:
    case isa::VecFunc::Mul:
    case isa::VecFunc::Neg:
    case isa::VecFunc::Abs:
    case isa::VecFunc::RSum:
      v.srcType = v.dstType = coin() ? isa::DType::F32 : isa::DType::I32;
      break;
    case isa::VecFunc::Quant:
      v.srcType = isa::DType::F32;
      v.dstType = isa::DType::I8;
      break;
    case isa::VecFunc::Dequant:
      v.srcType = coin() ? isa::DType::I8 : isa::DType::I32;
      v.dstType = isa::DType::F32;
      break;
    case isa::VecFunc::Requant:
      v.srcType = isa::DType::I32;
      v.dstType = isa::DType::I8;
      break;
    default:
      v.srcType = v.dstType = isa::DType::F32;
      break;
    }
    v.rows = u16(1, 65535);
    v.cols = u16(1, 65535);
    auto operand = [&](isa::Buffer b) {
      return isa::VecOperand{b, u32(), static_cast<int32_t>(u32()),
                             static_cast<int32_t>(u32())};
    };
    v.dst = operand(buffer());
    v.src1 = operand(buffer());
    bool takesSrc2 = kind == isa::VecFuncKind::Binary ||
                     kind == isa::VecFuncKind::Quantization;
    if (takesSrc2 && coin())
      v.src2 = operand(buffer());
    auto randomFloat = [&] {
      return std::uniform_real_distribution<float>(-1e6f, 1e6f)(rng);
    };
    if ((takesSrc2 && v.src2.buffer == isa::Buffer::None) ||
        v.func == isa::VecFunc::LeakyRelu || v.func == isa::VecFunc::Clip ||
        v.func == isa::VecFunc::HardSigmoid)
      v.imm0 = randomFloat();
    if (v.func == isa::VecFunc::Clip || v.func == isa::VecFunc::HardSigmoid)
      v.imm1 = randomFloat();
    if (kind == isa::VecFuncKind::Quantization)
      v.imm2 = static_cast<int32_t>(u32());
    return {isa::Opcode::Vec, 0, v};
  }

  /// A random valid instruction for `queue` (never END).
  isa::Instruction instruction(isa::Queue queue) {
    isa::Instruction inst;
    switch (queue) {
    case isa::Queue::Load: {
      unsigned pick = u16(0, 2);
      inst = pick == 0   ? dma(isa::Opcode::Load)
             : pick == 1 ? loadDecomp()
                         : isa::Instruction::sync(0);
      break;
    }
    case isa::Queue::Store:
      inst = coin() ? dma(isa::Opcode::Store) : isa::Instruction::sync(0);
      break;
    case isa::Queue::Compute: {
      switch (u16(0, 5)) {
      case 0:
        inst = gemm(isa::Gemm::Kind::Dense);
        break;
      case 1:
        inst = gemm(isa::Gemm::Kind::NM);
        break;
      case 2:
        inst = gemm(isa::Gemm::Kind::Sparse);
        break;
      case 3:
        inst = structure();
        break;
      case 4:
        inst = vec();
        break;
      default:
        inst = isa::Instruction::sync(0);
        break;
      }
      break;
    }
    }
    inst.deps = deps(queue);
    return inst;
  }

  std::mt19937 rng;
};

} // namespace spc::testutil

#endif // SPC_UNITTESTS_TARGET_RANDOMINSTRUCTIONS_H
