//===- ExportBinary.cpp - spt.program to binary::Program ------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Every instruction op becomes one isa::Instruction field by field, and every
// table op one table entry, in op order. The dialect's enums carry the ISA's
// codes, so conversions are casts (checked below).
//
//===----------------------------------------------------------------------===//

#include "spc/Target/SptBinary.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Regex.h"

using namespace mlir;
using namespace spc;
using namespace spc::spt;

static_assert(static_cast<unsigned>(Buffer::Acc) ==
              static_cast<unsigned>(isa::Buffer::Acc));
static_assert(static_cast<unsigned>(DType::I32) ==
              static_cast<unsigned>(isa::DType::I32));
static_assert(static_cast<unsigned>(Format::CSR) ==
              static_cast<unsigned>(isa::Format::CSR));
static_assert(static_cast<unsigned>(VecFunc::Requant) ==
              static_cast<unsigned>(isa::VecFunc::Requant));
static_assert(static_cast<unsigned>(Queue::Store) ==
              static_cast<unsigned>(isa::Queue::Store));
static_assert(static_cast<unsigned>(Deps::PushNext) == isa::PushNext);

static isa::DType toIsa(DType type) {
  return static_cast<isa::DType>(static_cast<uint8_t>(type));
}
static isa::Buffer toIsa(Buffer buffer) {
  return static_cast<isa::Buffer>(static_cast<uint8_t>(buffer));
}
static isa::Format toIsa(Format format) {
  return static_cast<isa::Format>(static_cast<uint8_t>(format));
}
static uint8_t toIsa(Deps deps) { return static_cast<uint8_t>(deps); }

template <typename T, typename Array>
static void copyBox(ArrayRef<int64_t> from, Array &to) {
  for (unsigned i = 0; i < to.size(); ++i)
    to[i] = static_cast<T>(from[i]);
}

/// The GEMM fields all three matrix ops share (ISA §4.2).
template <typename OpTy>
static isa::Gemm getGemmCommon(OpTy op, isa::Gemm::Kind kind) {
  isa::Gemm g;
  g.kind = kind;
  g.dtype = toIsa(op.getDtype());
  g.accumulate = op.getAccumulate();
  g.actNM = op.getActN() != 0;
  g.m = op.getM();
  g.n = op.getN();
  g.k = op.getK();
  g.actN = op.getActN();
  g.actM = op.getActM();
  g.aZeroPoint = op.getAZp();
  g.actAddr = op.getActAddr();
  g.actRowStride = op.getActRowStride();
  g.wgtAddr = op.getWgtAddr();
  g.accAddr = op.getAccAddr();
  g.accRowStride = op.getAccRowStride();
  return g;
}

static isa::VecOperand getVecOperand(Buffer buffer, uint32_t addr,
                                     int32_t rowStride, int32_t colStride) {
  return {toIsa(buffer), addr, rowStride, colStride};
}

/// The instruction word of `op` (ISA §3, §4).
static isa::Instruction getInstruction(InstructionOpInterface op) {
  uint8_t deps = toIsa(op.getDeps());
  return TypeSwitch<Operation *, isa::Instruction>(op)
      .Case([&](LoadOp load) {
        isa::Dma d;
        d.buffer = toIsa(load.getBuffer());
        d.dtype = toIsa(load.getDtype());
        d.sramAddr = load.getSramAddr();
        d.dramAddr = load.getDramAddr();
        d.padValue = load.getPadValue();
        copyBox<uint16_t>(load.getSize(), d.size);
        copyBox<uint32_t>(load.getDramStride(), d.dramStride);
        copyBox<uint32_t>(load.getSramStride(), d.sramStride);
        copyBox<uint8_t>(load.getPadLo(), d.padLo);
        copyBox<uint8_t>(load.getPadHi(), d.padHi);
        return isa::Instruction{isa::Opcode::Load, deps, d};
      })
      .Case([&](StoreOp store) {
        isa::Dma d;
        d.buffer = toIsa(store.getBuffer());
        d.dtype = toIsa(store.getDtype());
        d.sramAddr = store.getSramAddr();
        d.dramAddr = store.getDramAddr();
        copyBox<uint16_t>(store.getSize(), d.size);
        copyBox<uint32_t>(store.getDramStride(), d.dramStride);
        copyBox<uint32_t>(store.getSramStride(), d.sramStride);
        return isa::Instruction{isa::Opcode::Store, deps, d};
      })
      .Case([&](LoadDecompOp load) {
        isa::LoadDecomp d;
        d.buffer = toIsa(load.getBuffer());
        d.dtype = toIsa(load.getDtype());
        d.sramAddr = load.getSramAddr();
        d.dramAddr = load.getDramAddr();
        d.dramMetaAddr = load.getDramMetaAddr();
        d.rows = load.getRows();
        d.cols = load.getCols();
        d.format = toIsa(load.getFormat());
        d.n = load.getN();
        d.m = load.getM();
        d.sramRowStride = load.getSramRowStride();
        return isa::Instruction{isa::Opcode::LoadDecomp, deps, d};
      })
      .Case([&](GemmOp gemm) {
        isa::Gemm g = getGemmCommon(gemm, isa::Gemm::Kind::Dense);
        g.wZeroPoint = gemm.getWZp();
        g.wgtRowStride = gemm.getWgtRowStride();
        return isa::Instruction{isa::Opcode::Gemm, deps, g};
      })
      .Case([&](GemmNMOp gemm) {
        isa::Gemm g = getGemmCommon(gemm, isa::Gemm::Kind::NM);
        g.wgtRowStride = gemm.getWgtRowStride();
        g.metaAddr = gemm.getMetaAddr();
        g.metaRowStride = gemm.getMetaRowStride();
        g.wN = gemm.getWgtN();
        g.wM = gemm.getWgtM();
        return isa::Instruction{isa::Opcode::GemmNM, deps, g};
      })
      .Case([&](GemmSparseOp gemm) {
        isa::Gemm g = getGemmCommon(gemm, isa::Gemm::Kind::Sparse);
        // GEMM.SP keeps the column indices and row pointers where GEMM.NM
        // keeps its metadata address and row stride (ISA §4.4).
        g.metaAddr = gemm.getIdxAddr();
        g.metaRowStride = gemm.getPtrAddr();
        return isa::Instruction{isa::Opcode::GemmSparse, deps, g};
      })
      .Case([&](StructOp op) {
        isa::Struct s;
        s.buffer = toIsa(op.getBuffer());
        s.dtype = toIsa(op.getDtype());
        s.rows = op.getRows();
        s.cols = op.getCols();
        s.n = op.getN();
        s.m = op.getM();
        s.srcAddr = op.getSrcAddr();
        s.srcRowStride = op.getSrcRowStride();
        s.dstAddr = op.getDstAddr();
        s.dstRowStride = op.getDstRowStride();
        return isa::Instruction{isa::Opcode::Struct, deps, s};
      })
      .Case([&](VecOp op) {
        isa::Vec v;
        v.func = static_cast<isa::VecFunc>(static_cast<uint8_t>(op.getFunc()));
        v.srcType = toIsa(op.getSrcType());
        v.dstType = toIsa(op.getDstType());
        v.rows = op.getRows();
        v.cols = op.getCols();
        v.dst = getVecOperand(op.getDstBuffer(), op.getDstAddr(),
                              op.getDstRowStride(), op.getDstColStride());
        v.src1 = getVecOperand(op.getSrc1Buffer(), op.getSrc1Addr(),
                               op.getSrc1RowStride(), op.getSrc1ColStride());
        v.src2 = getVecOperand(op.getSrc2Buffer(), op.getSrc2Addr(),
                               op.getSrc2RowStride(), op.getSrc2ColStride());
        v.imm0 = op.getImm0().convertToFloat();
        v.imm1 = op.getImm1().convertToFloat();
        v.imm2 = op.getImm2();
        return isa::Instruction{isa::Opcode::Vec, deps, v};
      })
      .Case([&](SyncOp) { return isa::Instruction::sync(deps); })
      .Case([&](EndOp) { return isa::Instruction::end(); });
}

/// Resolves the `target` attribute: inline JSON, else a preset or a file.
static llvm::Expected<target::TargetDescription>
resolveTarget(StringRef target) {
  if (target.ltrim().starts_with("{"))
    return target::parseTarget(target, "the program's target JSON");
  return target::loadTarget(target);
}

/// Reports an error of binary::verifyProgram or readBinary on the op it
/// names ("<queue> queue, instruction <i>..."), or on the program.
static LogicalResult reportError(ProgramOp program, llvm::Error error,
                                 StringRef context) {
  std::string message = llvm::toString(std::move(error));
  Operation *at = program;
  llvm::Regex located("(load|compute|store) queue, instruction ([0-9]+)");
  SmallVector<StringRef> groups;
  if (located.match(message, &groups)) {
    std::optional<Queue> kind = symbolizeQueue(groups[1]);
    unsigned index = 0;
    QueueOp queue = kind ? program.getQueue(*kind) : QueueOp();
    if (queue && !groups[2].getAsInteger(10, index)) {
      SmallVector<InstructionOpInterface> insts = queue.getInstructions();
      if (index < insts.size())
        at = insts[index];
    }
  }
  InFlightDiagnostic diag = at->emitError() << context << message;
  if (at != program.getOperation())
    diag.attachNote(program.getLoc()) << "in this program";
  return diag;
}

FailureOr<binary::Program> spc::exportProgram(ProgramOp program) {
  if (failed(mlir::verify(program)))
    return failure();
  binary::Program result;
  llvm::Expected<target::TargetDescription> target =
      resolveTarget(program.getTarget());
  if (!target)
    return program.emitError()
           << "cannot resolve the target: "
           << llvm::toString(target.takeError());
  result.setTarget(*target);
  result.dramSize = program.getDramSize();

  for (Operation &op : program.getBody().front()) {
    if (auto tensor = dyn_cast<TensorOp>(op)) {
      binary::Tensor t;
      t.name = tensor.getName().str();
      t.kind = static_cast<binary::Tensor::Kind>(
          static_cast<uint8_t>(tensor.getKind()));
      t.dtype = toIsa(tensor.getDtype());
      for (int64_t dim : tensor.getShape())
        t.shape.push_back(static_cast<uint64_t>(dim));
      t.dramAddr = tensor.getDramAddr();
      result.tensors.push_back(std::move(t));
    } else if (auto constant = dyn_cast<ConstantOp>(op)) {
      AsmResourceBlob *blob = constant.getData().getRawHandle().getBlob();
      if (!blob)
        return constant.emitError()
               << "has no data: its resource blob is elided or missing";
      binary::Constant c;
      c.name = constant.getName().str();
      c.format = toIsa(constant.getFormat());
      c.dtype = toIsa(constant.getDtype());
      c.rows = constant.getRows();
      c.cols = constant.getCols();
      c.n = constant.getN();
      c.m = constant.getM();
      c.dramAddr = constant.getDramAddr();
      ArrayRef<char> data = blob->getData();
      c.data.assign(data.begin(), data.end());
      result.constants.push_back(std::move(c));
    } else if (auto layer = dyn_cast<LayerOp>(op)) {
      binary::Layer l;
      l.name = layer.getName().str();
      for (Queue queue : {Queue::Load, Queue::Compute, Queue::Store}) {
        auto [begin, end] = layer.getRange(queue);
        l.begin[static_cast<unsigned>(queue)] = begin;
        l.end[static_cast<unsigned>(queue)] = end;
      }
      result.layers.push_back(std::move(l));
    } else if (auto queue = dyn_cast<QueueOp>(op)) {
      auto &words = result.queues[static_cast<unsigned>(queue.getKind())];
      for (InstructionOpInterface inst : queue.getInstructions())
        words.push_back(getInstruction(inst));
    }
  }

  // The target-dependent rules (ISA §7 items 4-6), then the container rules
  // the reader applies, so that every emitted binary loads.
  if (llvm::Error error = binary::verifyProgram(result, *target))
    return reportError(program, std::move(error),
                       "the program does not run on target '" + target->name +
                           "': ");
  if (llvm::Error error = binary::verifyContainer(result))
    return reportError(program, std::move(error),
                       "the program is not a valid binary: ");
  return result;
}
