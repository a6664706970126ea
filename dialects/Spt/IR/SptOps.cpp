//===- SptOps.cpp - Spt op verifiers and custom syntax --------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The verifiers enforce every rule of docs/ISA.md that holds without a target:
// field ranges, fields the ISA fixes to zero, queue placement and dependency
// flags, END placement, and the table rules of §6.3. What depends on the
// target (scratchpad bounds, supported modes) is checked by
// binary::verifyProgram when the program is emitted.
//
//===----------------------------------------------------------------------===//

#include "spc/Dialect/Spt/IR/Spt.h"
#include "spc/Target/ISA.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <array>
#include <limits>

using namespace mlir;
using namespace spc::spt;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

bool spc::spt::isByteBlob(Attribute attr) {
  auto blob = dyn_cast_or_null<DenseResourceElementsAttr>(attr);
  if (!blob)
    return false;
  ShapedType type = blob.getType();
  if (type.getRank() != 1)
    return false;
  auto element = dyn_cast<IntegerType>(type.getElementType());
  return element && element.getWidth() == 8 && !element.isSigned();
}

unsigned spc::spt::getElementSize(DType type) {
  return type == DType::I8 ? 1 : 4;
}

static constexpr std::array<Deps, 4> kDepFlags = {
    Deps::PopPrev, Deps::PopNext, Deps::PushPrev, Deps::PushNext};

/// Checks an N:M pattern against the bounds every N:M field of the ISA shares
/// (ISA §4.2, §4.3, §4.6).
static LogicalResult verifyPattern(Operation *op, StringRef what, unsigned n,
                                   unsigned m) {
  if (n < 1 || n > m || m > 256)
    return op->emitOpError()
           << what << " " << n << ":" << m
           << " must satisfy 1 <= n <= m <= 256";
  return success();
}

static LogicalResult verifyBox(Operation *op, StringRef name,
                               ArrayRef<int64_t> values, int64_t lo,
                               int64_t hi) {
  for (int64_t value : values)
    if (value < lo || value > hi)
      return op->emitOpError() << "'" << name << "' values must be in [" << lo
                               << ", " << hi << "], got " << value;
  return success();
}

static LogicalResult verifyMatrixDType(Operation *op, DType dtype) {
  if (dtype != DType::F32 && dtype != DType::I8)
    return op->emitOpError() << "dtype must be f32 or i8, got "
                             << stringifyDType(dtype);
  return success();
}

static LogicalResult verifyBuffer(Operation *op, StringRef what,
                                  Buffer buffer) {
  if (buffer == Buffer::None)
    return op->emitOpError() << what << " must be wgt, act or acc";
  return success();
}

//===----------------------------------------------------------------------===//
// Custom directives
//===----------------------------------------------------------------------===//

/// `deps(pop_prev, push_next)`, omitted when no flag is set.
static ParseResult parseDeps(OpAsmParser &parser, DepsAttr &deps) {
  Deps flags = Deps::none;
  if (succeeded(parser.parseOptionalKeyword("deps"))) {
    auto parseFlag = [&]() -> ParseResult {
      SMLoc loc = parser.getCurrentLocation();
      StringRef name;
      if (parser.parseKeyword(&name))
        return failure();
      for (Deps flag : kDepFlags)
        if (name == stringifyDeps(flag)) {
          flags = flags | flag;
          return success();
        }
      return parser.emitError(loc)
             << "unknown dependency flag '" << name
             << "'; expected pop_prev, pop_next, push_prev or push_next";
    };
    if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Paren,
                                       parseFlag))
      return failure();
  }
  deps = DepsAttr::get(parser.getContext(), flags);
  return success();
}

static void printDeps(OpAsmPrinter &printer, Operation *, DepsAttr deps) {
  if (!deps || deps.getValue() == Deps::none)
    return;
  printer << " deps(";
  llvm::interleaveComma(
      llvm::make_filter_range(
          kDepFlags,
          [&](Deps flag) { return bitEnumContainsAll(deps.getValue(), flag); }),
      printer, [&](Deps flag) { printer << stringifyDeps(flag); });
  printer << ")";
}

/// `T` when the source and destination types agree, else `S -> D`.
static ParseResult parseVecTypes(OpAsmParser &parser, DTypeAttr &srcType,
                                 DTypeAttr &dstType) {
  auto parseOne = [&](DTypeAttr &result) -> ParseResult {
    SMLoc loc = parser.getCurrentLocation();
    StringRef name;
    if (parser.parseKeyword(&name))
      return failure();
    std::optional<DType> type = symbolizeDType(name);
    if (!type)
      return parser.emitError(loc)
             << "expected f32, i8 or i32, got '" << name << "'";
    result = DTypeAttr::get(parser.getContext(), *type);
    return success();
  };
  if (parseOne(srcType))
    return failure();
  if (succeeded(parser.parseOptionalArrow()))
    return parseOne(dstType);
  dstType = srcType;
  return success();
}

static void printVecTypes(OpAsmPrinter &printer, Operation *,
                          DTypeAttr srcType, DTypeAttr dstType) {
  printer << stringifyDType(srcType.getValue());
  if (srcType.getValue() != dstType.getValue())
    printer << " -> " << stringifyDType(dstType.getValue());
}

/// ` src2 BUFFER[addr, row_stride, col_stride]`, omitted when the buffer is
/// none and every field zero.
static ParseResult parseSrc2(OpAsmParser &parser, BufferAttr &buffer,
                             IntegerAttr &addr, IntegerAttr &rowStride,
                             IntegerAttr &colStride) {
  Builder &builder = parser.getBuilder();
  Type u32 = builder.getIntegerType(32, /*isSigned=*/false);
  Type i32 = builder.getIntegerType(32, /*isSigned=*/true);
  Buffer kind = Buffer::None;
  uint32_t address = 0;
  int32_t rows = 0, cols = 0;
  if (succeeded(parser.parseOptionalKeyword("src2"))) {
    SMLoc loc = parser.getCurrentLocation();
    StringRef name;
    if (parser.parseKeyword(&name))
      return failure();
    std::optional<Buffer> parsed = symbolizeBuffer(name);
    if (!parsed)
      return parser.emitError(loc) << "expected a buffer (none, wgt, act or "
                                      "acc), got '"
                                   << name << "'";
    kind = *parsed;
    if (parser.parseLSquare() || parser.parseInteger(address) ||
        parser.parseComma() || parser.parseInteger(rows) ||
        parser.parseComma() || parser.parseInteger(cols) ||
        parser.parseRSquare())
      return failure();
  }
  buffer = BufferAttr::get(parser.getContext(), kind);
  addr = builder.getIntegerAttr(u32, APInt(32, address));
  rowStride = builder.getIntegerAttr(i32, APInt(32, rows, /*isSigned=*/true));
  colStride = builder.getIntegerAttr(i32, APInt(32, cols, /*isSigned=*/true));
  return success();
}

static void printSrc2(OpAsmPrinter &printer, Operation *, BufferAttr buffer,
                      IntegerAttr addr, IntegerAttr rowStride,
                      IntegerAttr colStride) {
  if (buffer.getValue() == Buffer::None && addr.getValue().isZero() &&
      rowStride.getValue().isZero() && colStride.getValue().isZero())
    return;
  printer << " src2 " << stringifyBuffer(buffer.getValue()) << "["
          << addr.getValue().getZExtValue() << ", "
          << rowStride.getValue().getSExtValue() << ", "
          << colStride.getValue().getSExtValue() << "]";
}

#include "spc/Dialect/Spt/IR/SptInterfaces.cpp.inc"

#define GET_OP_CLASSES
#include "spc/Dialect/Spt/IR/SptOps.cpp.inc"

//===----------------------------------------------------------------------===//
// InstructionOpInterface
//===----------------------------------------------------------------------===//

LogicalResult spc::spt::detail::verifyInstruction(Operation *op) {
  auto queue = dyn_cast_or_null<QueueOp>(op->getParentOp());
  if (!queue)
    return success(); // HasParent<QueueOp> reports it.
  auto inst = cast<InstructionOpInterface>(op);
  Queue kind = queue.getKind();
  std::optional<Queue> required = inst.getRequiredQueue();
  if (required && *required != kind)
    return op->emitOpError()
           << "belongs on the " << stringifyQueue(*required)
           << " queue, not the " << stringifyQueue(kind) << " queue";
  // ISA §1.2: the load queue has no previous queue, the store queue no next.
  if (static_cast<uint8_t>(inst.getDeps()) &
      spc::isa::getInvalidDeps(static_cast<spc::isa::Queue>(kind)))
    return op->emitOpError()
           << (kind == Queue::Load
                   ? "pop_prev and push_prev are invalid on the load queue, "
                     "which has no previous queue"
                   : "pop_next and push_next are invalid on the store queue, "
                     "which has no next queue");
  return success();
}

//===----------------------------------------------------------------------===//
// ProgramOp
//===----------------------------------------------------------------------===//

void ProgramOp::build(OpBuilder &builder, OperationState &state,
                      StringRef name, StringRef target, uint64_t dramSize) {
  build(builder, state, builder.getStringAttr(name),
        builder.getStringAttr(target),
        builder.getIntegerAttr(builder.getIntegerType(64, /*isSigned=*/false),
                               APInt(64, dramSize)));
  state.regions.front()->emplaceBlock();
}

QueueOp ProgramOp::getQueue(Queue kind) {
  if (getBody().empty())
    return {};
  for (auto queue : getBody().front().getOps<QueueOp>())
    if (queue.getKind() == kind)
      return queue;
  return {};
}

namespace {
/// A DRAM or instruction range owned by an op, for the overlap checks.
struct Range {
  uint64_t begin, end;
  Operation *op;
};
} // namespace

/// The DRAM bytes a tensor occupies, or std::nullopt on overflow.
static std::optional<uint64_t> getTensorBytes(TensorOp tensor) {
  uint64_t bytes = getElementSize(tensor.getDtype());
  for (int64_t dim : tensor.getShape())
    if (dim < 0 || __builtin_mul_overflow(bytes, static_cast<uint64_t>(dim), &bytes))
      return std::nullopt;
  return bytes;
}

LogicalResult ProgramOp::verifyRegions() {
  if (getTarget().empty())
    return emitOpError() << "needs a target: a preset name, a target file or "
                            "the target JSON";
  std::array<QueueOp, 3> queues = {};
  SmallVector<Range> constants, tensors;
  SmallVector<LayerOp> layers;
  uint64_t dramSize = getDramSize();
  auto checkInside = [&](Operation *op, StringRef what, StringRef name,
                         uint64_t addr, std::optional<uint64_t> bytes)
      -> FailureOr<Range> {
    uint64_t end = 0;
    if (!bytes || __builtin_add_overflow(addr, *bytes, &end) || end > dramSize)
      return op->emitOpError()
             << what << " '" << name << "' at DRAM address " << addr
             << " does not fit in dram_size " << dramSize;
    return Range{addr, end, op};
  };
  if (!getBody().empty()) {
    for (Operation &op : getBody().front()) {
      if (auto queue = dyn_cast<QueueOp>(op)) {
        QueueOp &slot = queues[static_cast<unsigned>(queue.getKind())];
        if (slot)
          return queue.emitOpError()
                 << "is a second " << stringifyQueue(queue.getKind())
                 << " queue; a program has exactly one of each";
        slot = queue;
      } else if (auto tensor = dyn_cast<TensorOp>(op)) {
        FailureOr<Range> range =
            checkInside(tensor, "tensor", tensor.getName(),
                        tensor.getDramAddr(), getTensorBytes(tensor));
        if (failed(range))
          return failure();
        for (const Range &other : tensors) {
          auto otherTensor = cast<TensorOp>(other.op);
          if (otherTensor.getKind() == tensor.getKind() &&
              otherTensor.getName() == tensor.getName())
            return tensor.emitOpError()
                   << "duplicates " << stringifyTensorKind(tensor.getKind())
                   << " tensor '" << tensor.getName() << "'";
        }
        tensors.push_back(*range);
      } else if (auto constant = dyn_cast<ConstantOp>(op)) {
        // An elided blob has no size to check; emitting it fails later.
        AsmResourceBlob *blob = constant.getData().getRawHandle().getBlob();
        if (!blob)
          continue;
        FailureOr<Range> range =
            checkInside(constant, "constant", constant.getName(),
                        constant.getDramAddr(), blob->getData().size());
        if (failed(range))
          return failure();
        constants.push_back(*range);
      } else if (auto layer = dyn_cast<LayerOp>(op)) {
        layers.push_back(layer);
      } else {
        return op.emitOpError()
               << "cannot appear in an spt.program, which holds spt.tensor, "
                  "spt.constant, spt.layer and spt.queue";
      }
    }
  }
  for (unsigned q = 0; q < queues.size(); ++q)
    if (!queues[q])
      return emitOpError() << "needs an spt.queue "
                           << stringifyQueue(static_cast<Queue>(q));

  // ISA §6.3: constants overlap neither each other nor tensors.
  auto overlaps = [](const Range &a, const Range &b) {
    return a.begin < b.end && b.begin < a.end;
  };
  for (auto [i, a] : llvm::enumerate(constants)) {
    for (const Range &b : llvm::drop_begin(constants, i + 1))
      if (overlaps(a, b))
        return b.op->emitOpError()
               << "overlaps constant '" << cast<ConstantOp>(a.op).getName()
               << "' in DRAM";
    for (const Range &b : tensors)
      if (overlaps(a, b))
        return a.op->emitOpError()
               << "overlaps tensor '" << cast<TensorOp>(b.op).getName()
               << "' in DRAM";
  }

  // ISA §6.3, §7 item 6: layer ranges lie inside their queues and do not
  // overlap within one queue.
  for (unsigned q = 0; q < queues.size(); ++q) {
    auto queue = static_cast<Queue>(q);
    uint64_t size = queues[q].getInstructions().size();
    SmallVector<Range> ranges;
    for (LayerOp layer : layers) {
      auto [begin, end] = layer.getRange(queue);
      if (end > size)
        return layer.emitOpError()
               << stringifyQueue(queue) << " range [" << begin << ", " << end
               << ") exceeds the " << size << " instructions of the queue";
      if (begin != end)
        ranges.push_back({begin, end, layer});
    }
    llvm::sort(ranges, [](const Range &a, const Range &b) {
      return a.begin < b.begin;
    });
    for (unsigned i = 1; i < ranges.size(); ++i)
      if (overlaps(ranges[i - 1], ranges[i]))
        return ranges[i].op->emitOpError()
               << stringifyQueue(queue) << " range overlaps that of layer '"
               << cast<LayerOp>(ranges[i - 1].op).getName() << "'";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// QueueOp
//===----------------------------------------------------------------------===//

void QueueOp::build(OpBuilder &builder, OperationState &state, Queue kind) {
  build(builder, state, QueueAttr::get(builder.getContext(), kind));
  state.regions.front()->emplaceBlock();
}

SmallVector<InstructionOpInterface> QueueOp::getInstructions() {
  SmallVector<InstructionOpInterface> result;
  if (!getBody().empty())
    for (Operation &op : getBody().front())
      if (auto inst = dyn_cast<InstructionOpInterface>(op))
        result.push_back(inst);
  return result;
}

LogicalResult QueueOp::verifyRegions() {
  if (getBody().empty())
    return success();
  Block &block = getBody().front();
  for (Operation &op : block) {
    if (!llvm::isa<InstructionOpInterface>(op))
      return op.emitOpError()
             << "is not an instruction; an spt.queue holds only instructions";
    // ISA §2: END is the last instruction and appears nowhere else.
    if (llvm::isa<EndOp>(op) && &op != &block.back())
      return op.emitOpError() << "must be the last instruction of its queue";
  }
  if (!block.empty() && !llvm::isa<EndOp>(block.back()))
    return emitOpError() << "is not empty, so it must end with spt.end";
  return success();
}

//===----------------------------------------------------------------------===//
// Tables
//===----------------------------------------------------------------------===//

LogicalResult TensorOp::verify() {
  if (getName().empty())
    return emitOpError() << "needs a non-empty name";
  for (int64_t dim : getShape())
    if (dim < 0)
      return emitOpError() << "dimensions must be non-negative, got " << dim;
  return success();
}

LogicalResult ConstantOp::verify() {
  if (getName().empty())
    return emitOpError() << "needs a non-empty name";
  if (getFormat() == Format::NM) {
    if (failed(verifyPattern(*this, "N:M pattern", getN(), getM())))
      return failure();
    if (getCols() % getM() != 0)
      return emitOpError() << "cols " << getCols()
                           << " must be a multiple of m " << getM();
  } else if (getN() != 0 || getM() != 0) {
    return emitOpError() << "only the nm format takes an (n:m) pattern";
  }
  return success();
}

std::pair<uint32_t, uint32_t> LayerOp::getRange(Queue queue) {
  switch (queue) {
  case Queue::Load:
    return {getLoadBegin(), getLoadEnd()};
  case Queue::Compute:
    return {getComputeBegin(), getComputeEnd()};
  case Queue::Store:
    return {getStoreBegin(), getStoreEnd()};
  }
  llvm_unreachable("unknown queue");
}

LogicalResult LayerOp::verify() {
  if (getName().empty())
    return emitOpError() << "needs a non-empty name";
  for (Queue queue : {Queue::Load, Queue::Compute, Queue::Store}) {
    auto [begin, end] = getRange(queue);
    if (begin > end)
      return emitOpError() << stringifyQueue(queue) << " range [" << begin
                           << ", " << end << ") ends before it begins";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Data movement (ISA §3)
//===----------------------------------------------------------------------===//

/// The box rules LOAD and STORE share (ISA §3.1).
static LogicalResult verifyDma(Operation *op, Buffer buffer,
                               ArrayRef<int64_t> size,
                               ArrayRef<int64_t> dramStride,
                               ArrayRef<int64_t> sramStride) {
  constexpr int64_t kU32Max = std::numeric_limits<uint32_t>::max();
  if (failed(verifyBuffer(op, "buffer", buffer)) ||
      failed(verifyBox(op, "size", size, 1, 65535)) ||
      failed(verifyBox(op, "dram_stride", dramStride, 0, kU32Max)) ||
      failed(verifyBox(op, "sram_stride", sramStride, 0, kU32Max)))
    return failure();
  return success();
}

LogicalResult LoadOp::verify() {
  if (failed(verifyDma(*this, getBuffer(), getSize(), getDramStride(),
                       getSramStride())) ||
      failed(verifyBox(*this, "pad_lo", getPadLo(), 0, 255)) ||
      failed(verifyBox(*this, "pad_hi", getPadHi(), 0, 255)))
    return failure();
  return success();
}

LogicalResult StoreOp::verify() {
  return verifyDma(*this, getBuffer(), getSize(), getDramStride(),
                   getSramStride());
}

LogicalResult LoadDecompOp::verify() {
  if (failed(verifyMatrixDType(*this, getDtype())) ||
      failed(verifyBuffer(*this, "buffer", getBuffer())))
    return failure();
  if (getRows() < 1 || getCols() < 1)
    return emitOpError() << "rows and cols must be at least 1";
  switch (getFormat()) {
  case Format::NM:
    if (failed(verifyPattern(*this, "N:M pattern", getN(), getM())))
      return failure();
    if (getCols() % getM() != 0)
      return emitOpError() << "cols " << getCols()
                           << " must be a multiple of m " << getM();
    break;
  case Format::Bitmap:
    if (getN() != 0 || getM() != 0)
      return emitOpError() << "the bitmap format takes no (n:m) pattern";
    break;
  default:
    return emitOpError() << "format must be nm or bitmap, got "
                         << stringifyFormat(getFormat());
  }
  if (getSramRowStride() < getCols())
    return emitOpError() << "row stride " << getSramRowStride()
                         << " must be at least cols " << getCols();
  return success();
}

LogicalResult EndOp::verify() {
  if (getDeps() != Deps::none)
    return emitOpError() << "must have no dependency flags (ISA §3.3)";
  return success();
}

//===----------------------------------------------------------------------===//
// Matrix unit (ISA §4.2-§4.4)
//===----------------------------------------------------------------------===//

/// The rules of the fields GEMM, GEMM.NM and GEMM.SP share (ISA §4.2).
template <typename OpTy>
static LogicalResult verifyGemmCommon(OpTy op) {
  if (failed(verifyMatrixDType(op, op.getDtype())))
    return failure();
  if (op.getM() < 1 || op.getN() < 1 || op.getK() < 1)
    return op.emitOpError() << "M, N and K must be at least 1";
  if (op.getActN() != 0 || op.getActM() != 0) {
    if (failed(verifyPattern(op, "act_nm pattern", op.getActN(),
                             op.getActM())))
      return failure();
    if (op.getK() % op.getActM() != 0)
      return op.emitOpError() << "K " << op.getK()
                              << " must be a multiple of act_nm's m "
                              << op.getActM();
  }
  if (op.getAZp() != 0 && op.getDtype() != DType::I8)
    return op.emitOpError() << "a_zp needs dtype i8";
  return success();
}

LogicalResult GemmOp::verify() {
  if (failed(verifyGemmCommon(*this)))
    return failure();
  if (getWZp() != 0 && getDtype() != DType::I8)
    return emitOpError() << "w_zp needs dtype i8";
  return success();
}

LogicalResult GemmNMOp::verify() {
  if (failed(verifyGemmCommon(*this)) ||
      failed(verifyPattern(*this, "weight pattern", getWgtN(), getWgtM())))
    return failure();
  if (getK() % getWgtM() != 0)
    return emitOpError() << "K " << getK() << " must be a multiple of m "
                         << getWgtM();
  return success();
}

LogicalResult GemmSparseOp::verify() { return verifyGemmCommon(*this); }

//===----------------------------------------------------------------------===//
// Structuring and vector units (ISA §4.6, §4.7)
//===----------------------------------------------------------------------===//

LogicalResult StructOp::verify() {
  if (getBuffer() != Buffer::Act && getBuffer() != Buffer::Acc)
    return emitOpError() << "buffer must be act or acc";
  if (failed(verifyMatrixDType(*this, getDtype())))
    return failure();
  if (getRows() < 1 || getCols() < 1)
    return emitOpError() << "rows and cols must be at least 1";
  if (failed(verifyPattern(*this, "N:M pattern", getN(), getM())))
    return failure();
  if (getCols() % getM() != 0)
    return emitOpError() << "cols " << getCols()
                         << " must be a multiple of m " << getM();
  // ISA §4.6: source and destination are identical or disjoint.
  if (getSrcAddr() == getDstAddr() &&
      getSrcRowStride() == getDstRowStride())
    return success();
  uint64_t es = getElementSize(getDtype());
  auto extent = [&](uint64_t addr, uint64_t stride) {
    return std::make_pair(
        addr, addr + es * ((getRows() - 1) * stride + getCols()));
  };
  auto [srcBegin, srcEnd] = extent(getSrcAddr(), getSrcRowStride());
  auto [dstBegin, dstEnd] = extent(getDstAddr(), getDstRowStride());
  if (srcBegin < dstEnd && dstBegin < srcEnd)
    return emitOpError()
           << "source and destination overlap without being identical";
  return success();
}

namespace {
/// Which operands a VEC function takes (ISA §4.7).
enum class VecKind { Unary, Binary, Reduction, Quantization };
} // namespace

static VecKind getVecKind(VecFunc func) {
  switch (func) {
  case VecFunc::Add:
  case VecFunc::Sub:
  case VecFunc::Mul:
  case VecFunc::Div:
  case VecFunc::Max:
  case VecFunc::Min:
  case VecFunc::Pow:
    return VecKind::Binary;
  case VecFunc::RSum:
  case VecFunc::RMax:
  case VecFunc::RMin:
    return VecKind::Reduction;
  case VecFunc::Quant:
  case VecFunc::Dequant:
  case VecFunc::Requant:
    return VecKind::Quantization;
  default:
    return VecKind::Unary;
  }
}

LogicalResult VecOp::verify() {
  if (getRows() < 1 || getCols() < 1)
    return emitOpError() << "rows and cols must be at least 1";
  if (failed(verifyBuffer(*this, "dst buffer", getDstBuffer())) ||
      failed(verifyBuffer(*this, "src1 buffer", getSrc1Buffer())))
    return failure();
  // The codes of the spt enums are the ISA's (ISA §1.1, §4.7).
  if (std::optional<StringRef> expected = spc::isa::checkVecTypes(
          static_cast<spc::isa::VecFunc>(getFunc()),
          static_cast<spc::isa::DType>(getSrcType()),
          static_cast<spc::isa::DType>(getDstType()))) {
    InFlightDiagnostic diag = emitOpError()
                              << "'" << stringifyVecFunc(getFunc())
                              << "' takes " << *expected << ", got "
                              << stringifyDType(getSrcType());
    if (getSrcType() != getDstType())
      diag << " -> " << stringifyDType(getDstType());
    return diag;
  }
  VecKind kind = getVecKind(getFunc());
  bool hasSrc2Fields =
      getSrc2Addr() != 0 || getSrc2RowStride() != 0 || getSrc2ColStride() != 0;
  if (kind == VecKind::Unary || kind == VecKind::Reduction) {
    if (getSrc2Buffer() != Buffer::None || hasSrc2Fields)
      return emitOpError() << "'" << stringifyVecFunc(getFunc())
                           << "' takes no src2";
  }
  // The immediates are reserved bytes unless the function reads them.
  VecFunc func = getFunc();
  bool usesImm0 = ((kind == VecKind::Binary ||
                    kind == VecKind::Quantization) &&
                   getSrc2Buffer() == Buffer::None) ||
                  func == VecFunc::LeakyRelu || func == VecFunc::Clip ||
                  func == VecFunc::HardSigmoid;
  bool usesImm1 = func == VecFunc::Clip || func == VecFunc::HardSigmoid;
  bool usesImm2 = kind == VecKind::Quantization;
  auto unused = [&](StringRef imm) {
    return emitOpError() << "'" << stringifyVecFunc(func) << "' does not use "
                         << imm << ", which must be zero";
  };
  if (!usesImm0 && !getImm0().bitcastToAPInt().isZero())
    return unused("imm0");
  if (!usesImm1 && !getImm1().bitcastToAPInt().isZero())
    return unused("imm1");
  if (!usesImm2 && getImm2() != 0)
    return unused("imm2");
  return success();
}
