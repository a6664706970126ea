//===- CodeGen.cpp - Instruction emission for spa ops ---------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "CodeGen.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/MathExtras.h"

#include <cassert>
#include <cstring>

using namespace mlir;
using namespace spc;
using namespace spc::codegen;
using isa::Buffer;
using isa::DType;

std::optional<DType> codegen::getDType(Type type) {
  if (type.isF32())
    return DType::F32;
  if (auto integer = dyn_cast<IntegerType>(type)) {
    if (integer.isUnsigned())
      return std::nullopt;
    if (integer.getWidth() == 8)
      return DType::I8;
    if (integer.getWidth() == 32)
      return DType::I32;
  }
  return std::nullopt;
}

InFlightDiagnostic codegen::emitNodeError(Operation *op) {
  return op->emitError() << "node '" << getNodeName(op) << "' ("
                         << op->getName() << "): ";
}

std::optional<SmallVector<double>> codegen::readConstant(Value value) {
  auto constant = value.getDefiningOp<spa::ConstantOp>();
  if (!constant)
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
      dense && dense.getElementType().isInteger(1)) {
    SmallVector<double> values;
    for (bool bit : dense.getValues<bool>())
      values.push_back(bit ? 1.0 : 0.0);
    return values;
  }
  std::optional<spa::RawConstantData> raw =
      spa::getRawConstantData(constant.getValue());
  if (!raw)
    return std::nullopt;
  auto type = cast<RankedTensorType>(value.getType());
  Type element = type.getElementType();
  unsigned bytes = (element.getIntOrFloatBitWidth() + 7) / 8;
  int64_t count = type.getNumElements();
  SmallVector<double> values;
  values.reserve(count);
  for (int64_t i = 0; i < count; ++i) {
    const char *p = raw->bytes.data() + (raw->isSplat ? 0 : i * bytes);
    if (element.isF32()) {
      float f;
      std::memcpy(&f, p, 4);
      values.push_back(f);
    } else if (element.isF64()) {
      double d;
      std::memcpy(&d, p, 8);
      values.push_back(d);
    } else if (auto integer = dyn_cast<IntegerType>(element)) {
      uint64_t bits = 0;
      std::memcpy(&bits, p, bytes);
      if (integer.isUnsigned() || integer.getWidth() == 1)
        values.push_back(double(bits));
      else
        values.push_back(double(llvm::SignExtend64(bits, integer.getWidth())));
    } else {
      return std::nullopt;
    }
  }
  return values;
}

//===----------------------------------------------------------------------===//
// View
//===----------------------------------------------------------------------===//

View View::contiguous(uint64_t addr, DType dtype, ArrayRef<int64_t> shape) {
  View view;
  view.addr = addr;
  view.dtype = dtype;
  view.shape.assign(shape.begin(), shape.end());
  view.strides.resize(shape.size());
  int64_t stride = 1;
  for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
    view.strides[d] = stride;
    stride *= shape[d];
  }
  return view;
}

int64_t View::getNumElements() const {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

View View::broadcastTo(ArrayRef<int64_t> target) const {
  assert(target.size() >= shape.size() && "broadcast to a lower rank");
  View result = *this;
  size_t lead = target.size() - shape.size();
  result.shape.assign(target.begin(), target.end());
  result.strides.assign(target.size(), 0);
  for (size_t d = 0; d < shape.size(); ++d) {
    assert((shape[d] == target[lead + d] || shape[d] == 1) &&
           "shapes do not broadcast");
    result.strides[lead + d] = shape[d] == 1 ? 0 : strides[d];
  }
  return result;
}

View View::permute(ArrayRef<int64_t> perm) const {
  View result = *this;
  for (size_t d = 0; d < perm.size(); ++d) {
    result.shape[d] = shape[perm[d]];
    result.strides[d] = strides[perm[d]];
  }
  return result;
}

void codegen::collapseJointly(MutableArrayRef<View *> views) {
  assert(!views.empty());
  ArrayRef<int64_t> shape = views.front()->shape;
  SmallVector<int64_t> newShape;
  SmallVector<SmallVector<int64_t>> newStrides(views.size());
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1)
      continue;
    bool merge = !newShape.empty();
    for (size_t v = 0; merge && v < views.size(); ++v)
      merge = newStrides[v].back() == views[v]->strides[d] * shape[d];
    if (merge) {
      newShape.back() *= shape[d];
      for (size_t v = 0; v < views.size(); ++v)
        newStrides[v].back() = views[v]->strides[d];
      continue;
    }
    newShape.push_back(shape[d]);
    for (size_t v = 0; v < views.size(); ++v)
      newStrides[v].push_back(views[v]->strides[d]);
  }
  if (newShape.empty()) {
    newShape.push_back(1);
    for (auto &strides : newStrides)
      strides.push_back(1);
  }
  for (size_t v = 0; v < views.size(); ++v) {
    views[v]->shape.assign(newShape.begin(), newShape.end());
    views[v]->strides.assign(newStrides[v].begin(), newStrides[v].end());
  }
}

//===----------------------------------------------------------------------===//
// Emitter
//===----------------------------------------------------------------------===//

Emitter::Emitter(const target::TargetDescription &target,
                 schedule::Scheduler &scheduler, binary::Program &program)
    : target(target), scheduler(scheduler), program(program) {}

/// A readable name for a constant: its blob's key, or its location.
static std::string getConstantName(spa::ConstantOp constant) {
  if (auto resource =
          dyn_cast<DenseResourceElementsAttr>(constant.getValue()))
    return resource.getRawHandle().getKey().str();
  if (auto name = dyn_cast<NameLoc>(constant.getLoc()))
    return name.getName().str();
  return "constant";
}

FailureOr<View> Emitter::lookup(Value value, Operation *user) {
  auto type = cast<RankedTensorType>(value.getType());
  std::optional<DType> dtype = getDType(type.getElementType());
  if (!dtype)
    return emitNodeError(user)
           << "the accelerator has no element type for " << type
           << " (ISA §1.1: f32, i8 and i32)";
  if (auto it = addresses.find(value); it != addresses.end())
    return View::contiguous(it->second, *dtype, type.getShape());
  if (auto it = constants.find(value); it != constants.end())
    return View::contiguous(it->second, *dtype, type.getShape());
  // A reshape is its input's bytes under another shape.
  if (auto reshape = value.getDefiningOp<spa::ReshapeOp>()) {
    FailureOr<View> input = lookup(reshape.getInput(), user);
    if (failed(input))
      return failure();
    return View::contiguous(input->addr, *dtype, type.getShape());
  }
  auto constant = value.getDefiningOp<spa::ConstantOp>();
  if (!constant)
    return emitNodeError(user) << "internal error: an operand has no DRAM "
                                  "location";
  std::optional<spa::RawConstantData> raw =
      spa::getRawConstantData(constant.getValue());
  if (!raw)
    return emitNodeError(user) << "constant operand has no data to compile "
                                  "(an elided resource blob?)";
  int64_t count = type.getNumElements();
  unsigned es = isa::elementSize(*dtype);
  std::vector<uint8_t> data;
  if (raw->isSplat) {
    data.resize(count * es);
    for (int64_t i = 0; i < count; ++i)
      std::memcpy(&data[i * es], raw->bytes.data(), es);
  } else {
    auto *bytes = reinterpret_cast<const uint8_t *>(raw->bytes.data());
    data.assign(bytes, bytes + count * es);
  }
  int64_t cols = type.getRank() ? type.getShape().back() : 1;
  uint64_t addr = addConstant(getConstantName(constant), *dtype,
                              count / std::max<int64_t>(cols, 1), cols,
                              std::move(data));
  constants[value] = addr;
  return View::contiguous(addr, *dtype, type.getShape());
}

uint64_t Emitter::addConstant(StringRef name, DType dtype, uint32_t rows,
                              uint32_t cols, std::vector<uint8_t> data,
                              isa::Format format, unsigned n, unsigned m) {
  binary::Constant constant;
  constant.name = name.empty() ? "constant" : name.str();
  constant.format = format;
  constant.n = uint16_t(n);
  constant.m = uint16_t(m);
  constant.dtype = dtype;
  constant.rows = rows;
  constant.cols = cols;
  constant.dramAddr = nextConstant;
  nextConstant = llvm::alignTo(nextConstant + data.size(), 64);
  constant.data = std::move(data);
  program.constants.push_back(std::move(constant));
  return program.constants.back().dramAddr;
}

uint64_t Emitter::getCapacity(Buffer buffer) const {
  return target.getScratchpad(buffer).bytes;
}

uint32_t Emitter::alloc(Buffer buffer, uint64_t bytes) {
  uint64_t capacity = getCapacity(buffer);
  assert(bytes <= capacity && "a tile larger than its scratchpad");
  uint64_t &next = ringNext[static_cast<unsigned>(buffer) - 1];
  if (next + bytes > capacity)
    next = 0;
  uint64_t addr = next;
  next = llvm::alignTo(next + std::max<uint64_t>(bytes, 1), 64);
  if (next >= capacity)
    next = 0;
  return static_cast<uint32_t>(addr);
}

static isa::Dma makeDma(Buffer buffer, uint32_t sram, const View &view,
                        ArrayRef<int64_t> sramStrides) {
  assert(view.shape.size() <= 4 && sramStrides.size() == view.shape.size() &&
         "DMA views have rank 4 at most");
  isa::Dma dma;
  dma.buffer = buffer;
  dma.dtype = view.dtype;
  dma.sramAddr = sram;
  dma.dramAddr = static_cast<uint32_t>(view.addr);
  size_t lead = 4 - view.shape.size();
  for (size_t d = 0; d < view.shape.size(); ++d) {
    assert(view.shape[d] >= 1 && view.shape[d] <= UINT16_MAX &&
           view.strides[d] >= 0 && sramStrides[d] >= 0);
    dma.size[lead + d] = static_cast<uint16_t>(view.shape[d]);
    dma.dramStride[lead + d] = static_cast<uint32_t>(view.strides[d]);
    dma.sramStride[lead + d] = static_cast<uint32_t>(sramStrides[d]);
  }
  return dma;
}

void Emitter::load(Buffer buffer, uint32_t sram, const View &src,
                   ArrayRef<int64_t> sramStrides, ArrayRef<int64_t> padLo,
                   ArrayRef<int64_t> padHi, uint32_t padValue) {
  isa::Dma dma = makeDma(buffer, sram, src, sramStrides);
  size_t lead = 4 - src.shape.size();
  for (size_t d = 0; d < padLo.size(); ++d)
    dma.padLo[lead + d] = static_cast<uint8_t>(padLo[d]);
  for (size_t d = 0; d < padHi.size(); ++d)
    dma.padHi[lead + d] = static_cast<uint8_t>(padHi[d]);
  dma.padValue = padValue;
  emit({isa::Opcode::Load, 0, dma});
}

void Emitter::store(Buffer buffer, uint32_t sram, const View &dst,
                    ArrayRef<int64_t> sramStrides) {
  emit({isa::Opcode::Store, 0, makeDma(buffer, sram, dst, sramStrides)});
}

/// Row-major strides of `shape`.
static SmallVector<int64_t, 4> getDenseStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t, 4> strides(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

void Emitter::loadDense(Buffer buffer, uint32_t sram, const View &src) {
  load(buffer, sram, src, getDenseStrides(src.shape));
}

void Emitter::storeDense(Buffer buffer, uint32_t sram, const View &dst) {
  store(buffer, sram, dst, getDenseStrides(dst.shape));
}

isa::Instruction codegen::makeVec(isa::VecFunc func, DType src, DType dst,
                                  uint16_t rows, uint16_t cols,
                                  isa::VecOperand out, isa::VecOperand src1,
                                  isa::VecOperand src2, float imm0, float imm1,
                                  int32_t imm2) {
  isa::Vec vec;
  vec.func = func;
  vec.srcType = src;
  vec.dstType = dst;
  vec.rows = rows;
  vec.cols = cols;
  vec.dst = out;
  vec.src1 = src1;
  vec.src2 = src2;
  vec.imm0 = imm0;
  vec.imm1 = imm1;
  vec.imm2 = imm2;
  return {isa::Opcode::Vec, 0, vec};
}

//===----------------------------------------------------------------------===//
// Chunked element-wise computations
//===----------------------------------------------------------------------===//

void codegen::forEachChunk(Emitter &emitter, const View &out,
                           ArrayRef<View> inputs,
                           function_ref<void(const Chunk &)> body) {
  if (out.getNumElements() == 0)
    return;
  SmallVector<View> views(inputs.begin(), inputs.end());
  views.push_back(out);
  SmallVector<View *> pointers;
  for (View &view : views)
    pointers.push_back(&view);
  collapseJointly(pointers);
  const View &collapsedOut = views.back();
  size_t rank = collapsedOut.shape.size();
  int64_t cols = collapsedOut.shape[rank - 1];
  int64_t rows = rank >= 2 ? collapsedOut.shape[rank - 2] : 1;
  ArrayRef<int64_t> outer = ArrayRef<int64_t>(collapsedOut.shape)
                                .drop_back(std::min<size_t>(rank, 2));

  // Every operand's chunk shares the tile budget of its buffer.
  uint64_t widest = 4;
  uint64_t budget =
      std::min(emitter.getTileBudget(Buffer::Act) /
                   std::max<size_t>(inputs.size(), 1),
               emitter.getTileBudget(Buffer::Acc)) /
      widest;
  int64_t chunkCols = std::min<int64_t>({cols, int64_t(budget), UINT16_MAX});
  int64_t chunkRows = std::min<int64_t>(
      {rows, std::max<int64_t>(1, int64_t(budget) / chunkCols), UINT16_MAX});

  SmallVector<int64_t> index(outer.size(), 0);
  while (true) {
    for (int64_t r0 = 0; r0 < rows; r0 += chunkRows) {
      for (int64_t c0 = 0; c0 < cols; c0 += chunkCols) {
        int64_t nr = std::min(chunkRows, rows - r0);
        int64_t nc = std::min(chunkCols, cols - c0);
        // The DRAM box of a view at this chunk; broadcast dimensions are
        // loaded once.
        auto box = [&](const View &view) {
          View result;
          result.dtype = view.dtype;
          result.addr = view.addr;
          int64_t offset = 0;
          for (size_t d = 0; d < outer.size(); ++d)
            offset += index[d] * view.strides[d];
          int64_t rowStride = rank >= 2 ? view.strides[rank - 2] : 0;
          int64_t colStride = view.strides[rank - 1];
          offset += r0 * rowStride + c0 * colStride;
          result.addr += offset * view.getElementSize();
          result.shape = {rowStride ? nr : 1, colStride ? nc : 1};
          result.strides = {rowStride, colStride};
          return result;
        };
        Chunk chunk;
        chunk.rows = static_cast<uint16_t>(nr);
        chunk.cols = static_cast<uint16_t>(nc);
        for (size_t i = 0; i < inputs.size(); ++i) {
          View in = box(views[i]);
          uint32_t sram = emitter.alloc(
              Buffer::Act, in.getNumElements() * in.getElementSize());
          emitter.loadDense(Buffer::Act, sram, in);
          chunk.inputs.push_back(sramOperand(
              Buffer::Act, sram, in.shape[0] == 1 && nr > 1 ? 0 : in.shape[1],
              in.shape[1] == 1 && nc > 1 ? 0 : 1));
        }
        View dst = box(collapsedOut);
        uint32_t sram = emitter.alloc(Buffer::Acc,
                                      dst.getNumElements() * dst.getElementSize());
        chunk.output = sramOperand(Buffer::Acc, sram, nc);
        chunk.outputOffset = int64_t(dst.addr - collapsedOut.addr) /
                             collapsedOut.getElementSize();
        chunk.outputRowStride = dst.strides[0];
        body(chunk);
        emitter.storeDense(Buffer::Acc, sram, dst);
      }
    }
    // The next index of the outer dimensions.
    int64_t d = int64_t(outer.size()) - 1;
    for (; d >= 0; --d) {
      if (++index[d] < outer[d])
        break;
      index[d] = 0;
    }
    if (d < 0)
      break;
  }
}

void codegen::emitCopy(Emitter &emitter, const View &src, const View &dst) {
  forEachChunk(emitter, dst, {src}, [&](const Chunk &chunk) {
    emitter.emit(makeVec(isa::VecFunc::Copy, src.dtype, src.dtype, chunk.rows,
                         chunk.cols, chunk.output, chunk.inputs[0]));
  });
}
