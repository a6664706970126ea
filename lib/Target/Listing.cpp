//===- Listing.cpp - Readable listings of SPC binaries --------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The disassembly spc-objdump prints. Instruction lines use the mnemonics of
// docs/ISA.md §2 and print every field of the word (ISA §3, §4), in the order
// and with the keywords of the `spt` dialect's syntax, so that a listing line
// and the op it came from read alike.
//
//===----------------------------------------------------------------------===//

#include "spc/Target/Binary.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

using namespace spc;
using namespace spc::binary;
using llvm::raw_ostream;

template <typename Array>
static void printList(raw_ostream &os, const Array &values) {
  os << "[";
  llvm::interleaveComma(values, os,
                        [&](auto value) { os << static_cast<int64_t>(value); });
  os << "]";
}

static void printDeps(raw_ostream &os, uint8_t deps) {
  static constexpr std::pair<uint8_t, const char *> kFlags[] = {
      {isa::PopPrev, "pop_prev"},
      {isa::PopNext, "pop_next"},
      {isa::PushPrev, "push_prev"},
      {isa::PushNext, "push_next"}};
  os << "deps(";
  llvm::interleaveComma(
      llvm::make_filter_range(kFlags,
                              [&](const auto &flag) {
                                return (deps & flag.first) != 0;
                              }),
      os, [&](const auto &flag) { os << flag.second; });
  os << ")";
}

static void printView(raw_ostream &os, llvm::StringRef name, uint32_t addr,
                      uint32_t stride) {
  os << " " << name << "[" << addr << ", stride " << stride << "]";
}

static void printVecOperand(raw_ostream &os, llvm::StringRef name,
                            const isa::VecOperand &operand) {
  os << " " << name << " " << isa::getName(operand.buffer) << "["
     << operand.addr << ", " << operand.rowStride << ", " << operand.colStride
     << "]";
}

/// The fields of bytes 2-39 that GEMM, GEMM.NM and GEMM.SP share.
static void printGemm(raw_ostream &os, const isa::Gemm &g) {
  os << " " << isa::getName(g.dtype);
  if (g.kind == isa::Gemm::Kind::NM)
    os << " " << g.wN << ":" << g.wM;
  os << " M=" << g.m << " N=" << g.n << " K=" << g.k;
  printView(os, "act", g.actAddr, g.actRowStride);
  switch (g.kind) {
  case isa::Gemm::Kind::Dense:
    printView(os, "wgt", g.wgtAddr, g.wgtRowStride);
    break;
  case isa::Gemm::Kind::NM:
    printView(os, "wgt", g.wgtAddr, g.wgtRowStride);
    printView(os, "meta", g.metaAddr, g.metaRowStride);
    break;
  case isa::Gemm::Kind::Sparse:
    os << " wgt[" << g.wgtAddr << "] idx[" << g.idxAddr() << "] ptr["
       << g.ptrAddr() << "]";
    break;
  }
  printView(os, "acc", g.accAddr, g.accRowStride);
  os << (g.accumulate ? " accumulate" : " overwrite");
  if (g.actNM)
    os << " act_nm(" << g.actN << ":" << g.actM << ")";
  os << " a_zp " << static_cast<int>(g.aZeroPoint);
  if (g.kind == isa::Gemm::Kind::Dense)
    os << " w_zp " << static_cast<int>(g.wZeroPoint);
}

void binary::printInstruction(const isa::Instruction &inst, raw_ostream &os) {
  os << llvm::left_justify(isa::getMnemonic(inst.opcode), 11);
  switch (inst.opcode) {
  case isa::Opcode::Sync:
  case isa::Opcode::End:
    break;
  case isa::Opcode::Load:
  case isa::Opcode::Store: {
    const auto &d = inst.get<isa::Dma>();
    os << " " << isa::getName(d.dtype);
    if (inst.opcode == isa::Opcode::Load)
      os << " dram[" << d.dramAddr << "] to " << isa::getName(d.buffer) << "["
         << d.sramAddr << "]";
    else
      os << " " << isa::getName(d.buffer) << "[" << d.sramAddr
         << "] to dram[" << d.dramAddr << "]";
    os << " size ";
    printList(os, d.size);
    os << " dram_stride ";
    printList(os, d.dramStride);
    os << " sram_stride ";
    printList(os, d.sramStride);
    if (inst.opcode == isa::Opcode::Load) {
      os << " pad_lo ";
      printList(os, d.padLo);
      os << " pad_hi ";
      printList(os, d.padHi);
      os << " pad_value " << llvm::format_hex(d.padValue, 10);
    }
    break;
  }
  case isa::Opcode::LoadDecomp: {
    const auto &d = inst.get<isa::LoadDecomp>();
    os << " " << isa::getName(d.dtype) << " " << isa::getName(d.format);
    if (d.format == isa::Format::NM)
      os << "(" << d.n << ":" << d.m << ")";
    os << " rows " << d.rows << " cols " << d.cols << " dram[" << d.dramAddr
       << "] meta[" << d.dramMetaAddr << "] to " << isa::getName(d.buffer)
       << "[" << d.sramAddr << ", stride " << d.sramRowStride << "]";
    break;
  }
  case isa::Opcode::Gemm:
  case isa::Opcode::GemmNM:
  case isa::Opcode::GemmSparse:
    printGemm(os, inst.get<isa::Gemm>());
    break;
  case isa::Opcode::Struct: {
    const auto &s = inst.get<isa::Struct>();
    os << " " << isa::getName(s.buffer) << " " << isa::getName(s.dtype) << " "
       << s.n << ":" << s.m << " rows " << s.rows << " cols " << s.cols;
    printView(os, "src", s.srcAddr, s.srcRowStride);
    printView(os, "dst", s.dstAddr, s.dstRowStride);
    break;
  }
  case isa::Opcode::Vec: {
    const auto &v = inst.get<isa::Vec>();
    os << " " << isa::getName(v.func) << " " << isa::getName(v.srcType);
    if (v.dstType != v.srcType)
      os << " -> " << isa::getName(v.dstType);
    os << " rows " << v.rows << " cols " << v.cols;
    printVecOperand(os, "dst", v.dst);
    printVecOperand(os, "src1", v.src1);
    printVecOperand(os, "src2", v.src2);
    // %g is not exact; the immediates are f32 bit patterns too.
    os << " imm0 " << llvm::format("%g", static_cast<double>(v.imm0))
       << " imm1 " << llvm::format("%g", static_cast<double>(v.imm1))
       << " imm2 " << v.imm2;
    break;
  }
  }
  os << " ";
  printDeps(os, inst.deps);
}

static void printDramRange(raw_ostream &os, uint64_t addr, uint64_t bytes) {
  os << "dram[" << llvm::format_hex(addr, 10) << ", "
     << llvm::format_hex(addr + bytes, 10) << ")";
}

void binary::printListing(const Program &program, raw_ostream &os) {
  os << "SPAB binary, format " << kVersionMajor << "." << kVersionMinor
     << "\n";
  llvm::Expected<target::TargetDescription> target =
      getEmbeddedTarget(program);
  os << "target: ";
  if (target)
    os << target->name;
  else
    os << "<invalid: " << llvm::toString(target.takeError()) << ">";
  os << " (fingerprint " << llvm::format_hex(program.targetFingerprint, 18)
     << ")\n";
  os << "dram_size: " << program.dramSize << " bytes\n";

  os << "\ntensors (" << program.tensors.size() << "):\n";
  for (const Tensor &t : program.tensors) {
    os << "  "
       << llvm::left_justify(t.kind == Tensor::Kind::Input ? "input" : "output",
                             6)
       << " \"" << t.name << "\" " << isa::getName(t.dtype) << " ";
    printList(os, t.shape);
    os << " " << t.getNumBytes() << " bytes ";
    printDramRange(os, t.dramAddr, t.getNumBytes());
    os << "\n";
  }

  os << "\nconstants (" << program.constants.size() << "):\n";
  for (const Constant &c : program.constants) {
    os << "  \"" << c.name << "\" " << isa::getName(c.dtype) << " "
       << isa::getName(c.format);
    if (c.format == isa::Format::NM)
      os << "(" << c.n << ":" << c.m << ")";
    os << " rows " << c.rows << " cols " << c.cols << " " << c.data.size()
       << " bytes ";
    printDramRange(os, c.dramAddr, c.data.size());
    os << "\n";
  }

  os << "\nlayers (" << program.layers.size() << "):\n";
  for (const Layer &l : program.layers) {
    os << "  \"" << l.name << "\"";
    for (unsigned q = 0; q < isa::kNumQueues; ++q)
      os << " " << isa::getName(static_cast<isa::Queue>(q)) << " ["
         << l.begin[q] << ", " << l.end[q] << ")";
    os << "\n";
  }

  for (unsigned q = 0; q < isa::kNumQueues; ++q) {
    const auto &queue = program.queues[q];
    os << "\n"
       << isa::getName(static_cast<isa::Queue>(q)) << " queue ("
       << queue.size() << " instructions):\n";
    for (size_t i = 0; i < queue.size(); ++i) {
      os << llvm::right_justify(std::to_string(i), 6) << "  ";
      printInstruction(queue[i], os);
      for (const Layer &l : program.layers)
        if (i >= l.begin[q] && i < l.end[q]) {
          os << "  ; " << l.name;
          break;
        }
      os << "\n";
    }
  }
}
