//===- Harness.h - Test harness for the emulator ----------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Builds a program that loads three scratchpad images from DRAM inputs,
// runs the instructions under test, and stores the scratchpads back to DRAM
// outputs, so a test can compare whole buffers with a naive reference.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_UNITTESTS_EMULATOR_HARNESS_H
#define SPC_UNITTESTS_EMULATOR_HARNESS_H

#include "spc/Emulator/Emulator.h"
#include "spc/Target/Binary.h"
#include "spc/Target/TargetDescription.h"

#include "llvm/Support/Error.h"
#include "gtest/gtest.h"

#include <cstring>
#include <random>

namespace spc::emu::test {

using isa::Buffer;
using isa::DType;
using isa::Instruction;
using isa::Opcode;

inline target::TargetDescription getTarget(llvm::StringRef name,
                                           uint64_t bufferBytes = 0) {
  auto t = target::loadTarget(name);
  if (!t) {
    ADD_FAILURE() << llvm::toString(t.takeError());
    return {};
  }
  if (bufferBytes)
    t->wgt.bytes = t->act.bytes = t->acc.bytes = bufferBytes;
  return *t;
}

/// Scratchpad images, indexed by Buffer - 1.
struct Images {
  std::array<std::vector<uint8_t>, 3> buf;
  std::vector<uint8_t> dram; ///< The free DRAM region ("dram" input).
  std::vector<uint8_t> &operator[](Buffer b) { return buf[unsigned(b) - 1]; }
};

struct Harness {
  target::TargetDescription target;
  uint64_t B; ///< Bytes per image (the smallest buffer, a multiple of 1024).
  std::vector<Instruction> loads, compute, stores;

  explicit Harness(target::TargetDescription t) : target(std::move(t)) {
    B = std::min({target.wgt.bytes, target.act.bytes, target.acc.bytes});
    B = B / 1024 * 1024;
  }

  uint64_t dramIn() const { return 3 * B; }
  uint64_t dramOut() const { return 7 * B; }

  Images randomImages(std::mt19937 &rng) const {
    Images im;
    for (auto &b : im.buf) {
      b.resize(B);
      for (auto &x : b)
        x = uint8_t(rng());
    }
    im.dram.resize(B);
    for (auto &x : im.dram)
      x = uint8_t(rng());
    return im;
  }

  static Instruction image(Opcode op, Buffer b, uint64_t dram, uint64_t B,
                           uint8_t deps) {
    isa::Dma d;
    d.buffer = b;
    d.dtype = DType::I8;
    d.sramAddr = 0;
    d.dramAddr = uint32_t(dram);
    d.size = {1, 1, uint16_t(B / 1024), 1024};
    d.dramStride = {0, 0, 1024, 1};
    d.sramStride = {0, 0, 1024, 1};
    return {op, deps, d};
  }

  binary::Program build() const {
    binary::Program p;
    p.setTarget(target);
    p.dramSize = 8 * B;
    const char *names[] = {"wgt", "act", "acc", "dram"};
    for (unsigned i = 0; i < 4; ++i) {
      p.tensors.push_back({names[i], binary::Tensor::Kind::Input, DType::I8,
                           {B}, i * B});
      p.tensors.push_back({std::string(names[i]) + "_out",
                           binary::Tensor::Kind::Output, DType::I8, {B},
                           (4 + i) * B});
    }
    auto &lq = p.getQueue(isa::Queue::Load);
    auto &cq = p.getQueue(isa::Queue::Compute);
    auto &sq = p.getQueue(isa::Queue::Store);
    for (unsigned i = 0; i < 3; ++i)
      lq.push_back(image(Opcode::Load, Buffer(i + 1), i * B, B, 0));
    llvm::append_range(lq, loads);
    lq.push_back(Instruction::sync(isa::PushNext));
    lq.push_back(Instruction::end());
    cq.push_back(Instruction::sync(isa::PopPrev));
    llvm::append_range(cq, compute);
    cq.push_back(Instruction::sync(isa::PushNext));
    cq.push_back(Instruction::end());
    sq.push_back(Instruction::sync(isa::PopPrev));
    llvm::append_range(sq, stores);
    for (unsigned i = 0; i < 3; ++i)
      sq.push_back(image(Opcode::Store, Buffer(i + 1), (4 + i) * B, B, 0));
    sq.push_back(Instruction::end());
    binary::Layer layer;
    layer.name = "under-test";
    layer.begin = {3, 1, 1};
    layer.end = {uint32_t(3 + loads.size()), uint32_t(1 + compute.size()),
                 uint32_t(1 + stores.size())};
    p.layers = {layer};
    return p;
  }

  /// Runs; on success replaces `im` with the final buffers and DRAM region.
  llvm::Expected<RunResult> run(Images &im) const {
    auto emu = Emulator::create(build(), target);
    if (!emu)
      return emu.takeError();
    std::map<std::string, HostTensor> in;
    in["wgt"] = HostTensor::fromI8({B}, toI8(im.buf[0]));
    in["act"] = HostTensor::fromI8({B}, toI8(im.buf[1]));
    in["acc"] = HostTensor::fromI8({B}, toI8(im.buf[2]));
    in["dram"] = HostTensor::fromI8({B}, toI8(im.dram));
    RunOptions options;
    options.trace = true;
    auto r = (*emu)->run(in, options);
    if (!r)
      return r.takeError();
    im.buf[0] = r->getOutput("wgt_out")->bytes;
    im.buf[1] = r->getOutput("act_out")->bytes;
    im.buf[2] = r->getOutput("acc_out")->bytes;
    im.dram = r->getOutput("dram_out")->bytes;
    return r;
  }

  static std::vector<int8_t> toI8(const std::vector<uint8_t> &v) {
    return std::vector<int8_t>(v.begin(), v.end());
  }
};

/// The trace entry of compute instruction `index` (1 + position in
/// Harness::compute).
inline const TraceEntry *findTrace(const RunResult &r, isa::Queue q,
                                   uint32_t index) {
  for (const TraceEntry &e : r.trace)
    if (e.queue == q && e.index == index)
      return &e;
  return nullptr;
}

template <typename T> T get(const std::vector<uint8_t> &b, uint64_t off) {
  T v;
  std::memcpy(&v, b.data() + off, sizeof(T));
  return v;
}
template <typename T> void put(std::vector<uint8_t> &b, uint64_t off, T v) {
  std::memcpy(b.data() + off, &v, sizeof(T));
}

inline bool sameBits(float a, float b) {
  uint32_t x, y;
  std::memcpy(&x, &a, 4);
  std::memcpy(&y, &b, 4);
  return x == y || (std::isnan(a) && std::isnan(b));
}

} // namespace spc::emu::test

#endif // SPC_UNITTESTS_EMULATOR_HARNESS_H
