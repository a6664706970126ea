//===- ImportBinary.cpp - binary::Program to spt.program ------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The inverse of ExportBinary.cpp: one op per table entry and instruction, in
// order, with the embedded target as canonical JSON so that emitting the
// result gives the same bytes.
//
//===----------------------------------------------------------------------===//

#include "spc/Target/SptBinary.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <variant>

using namespace mlir;
using namespace spc;
using namespace spc::spt;

static DType fromIsa(isa::DType type) {
  return static_cast<DType>(static_cast<uint8_t>(type));
}
static Buffer fromIsa(isa::Buffer buffer) {
  return static_cast<Buffer>(static_cast<uint8_t>(buffer));
}
static Format fromIsa(isa::Format format) {
  return static_cast<Format>(static_cast<uint8_t>(format));
}

template <typename Array>
static SmallVector<int64_t, 4> toBox(const Array &values) {
  return SmallVector<int64_t, 4>(values.begin(), values.end());
}

/// A resource key for a constant: its name with every character that is not
/// alphanumeric replaced, so that it prints as a bare identifier. The blob
/// manager makes keys unique.
static std::string getBlobKey(StringRef name) {
  std::string key = "spt_";
  for (char c : name)
    key.push_back(llvm::isAlnum(c) ? c : '_');
  return key;
}

static void createInstruction(OpBuilder &builder, Location loc,
                              const isa::Instruction &inst) {
  auto deps = static_cast<Deps>(inst.deps);
  switch (inst.opcode) {
  case isa::Opcode::Sync:
    SyncOp::create(builder, loc, deps);
    return;
  case isa::Opcode::End:
    EndOp::create(builder, loc, deps);
    return;
  case isa::Opcode::Load: {
    const auto &d = inst.get<isa::Dma>();
    LoadOp::create(builder, loc, fromIsa(d.dtype), d.dramAddr,
                   fromIsa(d.buffer), d.sramAddr, toBox(d.size),
                   toBox(d.dramStride), toBox(d.sramStride), toBox(d.padLo),
                   toBox(d.padHi), d.padValue, deps);
    return;
  }
  case isa::Opcode::Store: {
    const auto &d = inst.get<isa::Dma>();
    StoreOp::create(builder, loc, fromIsa(d.dtype), fromIsa(d.buffer),
                    d.sramAddr, d.dramAddr, toBox(d.size), toBox(d.dramStride),
                    toBox(d.sramStride), deps);
    return;
  }
  case isa::Opcode::LoadDecomp: {
    const auto &d = inst.get<isa::LoadDecomp>();
    LoadDecompOp::create(builder, loc, fromIsa(d.dtype), fromIsa(d.format),
                         d.n, d.m, d.rows, d.cols, d.dramAddr, d.dramMetaAddr,
                         fromIsa(d.buffer), d.sramAddr, d.sramRowStride, deps);
    return;
  }
  case isa::Opcode::Gemm: {
    const auto &g = inst.get<isa::Gemm>();
    GemmOp::create(builder, loc, fromIsa(g.dtype), g.m, g.n, g.k, g.actAddr,
                   g.actRowStride, g.wgtAddr, g.wgtRowStride, g.accAddr,
                   g.accRowStride, g.accumulate, g.actN, g.actM, g.aZeroPoint,
                   g.wZeroPoint, deps);
    return;
  }
  case isa::Opcode::GemmNM: {
    const auto &g = inst.get<isa::Gemm>();
    GemmNMOp::create(builder, loc, fromIsa(g.dtype), g.wN, g.wM, g.m, g.n,
                     g.k, g.actAddr, g.actRowStride, g.wgtAddr, g.wgtRowStride,
                     g.metaAddr, g.metaRowStride, g.accAddr, g.accRowStride,
                     g.accumulate, g.actN, g.actM, g.aZeroPoint, deps);
    return;
  }
  case isa::Opcode::GemmSparse: {
    const auto &g = inst.get<isa::Gemm>();
    GemmSparseOp::create(builder, loc, fromIsa(g.dtype), g.m, g.n, g.k,
                         g.actAddr, g.actRowStride, g.wgtAddr, g.idxAddr(),
                         g.ptrAddr(), g.accAddr, g.accRowStride, g.accumulate,
                         g.actN, g.actM, g.aZeroPoint, deps);
    return;
  }
  case isa::Opcode::Struct: {
    const auto &s = inst.get<isa::Struct>();
    StructOp::create(builder, loc, fromIsa(s.buffer), fromIsa(s.dtype), s.n,
                     s.m, s.rows, s.cols, s.srcAddr, s.srcRowStride, s.dstAddr,
                     s.dstRowStride, deps);
    return;
  }
  case isa::Opcode::Vec: {
    const auto &v = inst.get<isa::Vec>();
    VecOp::create(
        builder, loc, static_cast<VecFunc>(static_cast<uint8_t>(v.func)),
        fromIsa(v.srcType), fromIsa(v.dstType), v.rows, v.cols,
        fromIsa(v.dst.buffer), v.dst.addr, v.dst.rowStride, v.dst.colStride,
        fromIsa(v.src1.buffer), v.src1.addr, v.src1.rowStride,
        v.src1.colStride, fromIsa(v.src2.buffer), v.src2.addr,
        v.src2.rowStride, v.src2.colStride, APFloat(v.imm0), APFloat(v.imm1),
        v.imm2, deps);
    return;
  }
  }
  llvm_unreachable("unknown opcode");
}

/// Builds the module of `program`; `getBlob(i)` gives the data of constant i.
static OwningOpRef<ModuleOp>
buildModule(const binary::Program &program, MLIRContext *context,
            function_ref<AsmResourceBlob(size_t)> getBlob) {
  context->getOrLoadDialect<SptDialect>();
  Location loc = UnknownLoc::get(context);
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  OpBuilder builder = OpBuilder::atBlockEnd(module->getBody());
  auto programOp = ProgramOp::create(builder, loc, "main", program.targetJSON,
                                     program.dramSize);
  builder.setInsertionPointToEnd(&programOp.getBody().front());

  for (const binary::Tensor &t : program.tensors) {
    SmallVector<int64_t> shape(t.shape.begin(), t.shape.end());
    TensorOp::create(builder, loc,
                     static_cast<TensorKind>(static_cast<uint8_t>(t.kind)),
                     t.name, fromIsa(t.dtype), shape, t.dramAddr);
  }
  auto byteType = builder.getIntegerType(8);
  for (auto [i, c] : llvm::enumerate(program.constants)) {
    auto type = RankedTensorType::get(
        {static_cast<int64_t>(c.data.size())}, byteType);
    auto data =
        DenseResourceElementsAttr::get(type, getBlobKey(c.name), getBlob(i));
    ConstantOp::create(builder, loc, c.name, fromIsa(c.dtype),
                       fromIsa(c.format), c.n, c.m, c.rows, c.cols, c.dramAddr,
                       data);
  }
  for (const binary::Layer &l : program.layers)
    LayerOp::create(builder, loc, l.name, l.begin[0], l.end[0], l.begin[1],
                    l.end[1], l.begin[2], l.end[2]);
  for (unsigned q = 0; q < isa::kNumQueues; ++q) {
    auto queue = QueueOp::create(builder, loc, static_cast<Queue>(q));
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToEnd(&queue.getBody().front());
    for (const isa::Instruction &inst : program.queues[q])
      createInstruction(builder, loc, inst);
  }
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp> spc::importProgram(const binary::Program &program,
                                         MLIRContext *context) {
  return buildModule(program, context, [&](size_t i) {
    const std::vector<uint8_t> &data = program.constants[i].data;
    return HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<char>(
        reinterpret_cast<const char *>(data.data()), data.size()));
  });
}

OwningOpRef<ModuleOp> spc::importProgram(binary::Program &&program,
                                         MLIRContext *context) {
  return buildModule(program, context, [&](size_t i) {
    // The blob takes the vector over; its deleter frees it.
    auto *data =
        new std::vector<uint8_t>(std::move(program.constants[i].data));
    ArrayRef<char> bytes(reinterpret_cast<const char *>(data->data()),
                         data->size());
    return AsmResourceBlob(
        bytes, alignof(uint8_t),
        [data](void *, size_t, size_t) { delete data; },
        /*dataIsMutable=*/false);
  });
}
