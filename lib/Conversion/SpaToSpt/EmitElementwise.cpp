//===- EmitElementwise.cpp - Element-wise ops on the vector unit ----------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Element-wise arithmetic, activations, casts, quantization and inference
// batch normalization. Every op is chunked by `forEachChunk` and becomes one
// or a few VEC instructions per chunk (ISA §4.7); broadcast operands are VEC
// operands with zero strides, and scalar constants become the immediate.
//
//===----------------------------------------------------------------------===//

#include "CodeGen.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace spc;
using namespace spc::codegen;
using isa::Buffer;
using isa::DType;
using isa::VecFunc;

namespace {

/// Emits VEC instructions over one chunk; `scratch` is a second tile of the
/// chunk's shape for functions composed of several steps.
class ChunkWriter {
public:
  ChunkWriter(Emitter &emitter, uint16_t rows, uint16_t cols, DType type)
      : emitter(emitter), rows(rows), cols(cols), type(type) {}

  void vec(VecFunc func, isa::VecOperand dst, isa::VecOperand src1,
           isa::VecOperand src2 = {}, float imm0 = 0, float imm1 = 0,
           int32_t imm2 = 0) {
    emitter.emit(
        makeVec(func, type, type, rows, cols, dst, src1, src2, imm0, imm1, imm2));
  }
  /// A scratch tile in `acc` with the chunk's shape.
  isa::VecOperand scratch() {
    uint32_t addr = emitter.alloc(Buffer::Acc, uint64_t(rows) * cols * 4);
    return sramOperand(Buffer::Acc, addr, cols);
  }

  Emitter &emitter;
  uint16_t rows, cols;
  DType type;
};

/// The VEC function of a one-instruction unary op.
std::optional<VecFunc> getUnaryFunc(Operation *op) {
  return TypeSwitch<Operation *, std::optional<VecFunc>>(op)
      .Case([](spa::ReluOp) { return VecFunc::Relu; })
      .Case([](spa::SigmoidOp) { return VecFunc::Sigmoid; })
      .Case([](spa::HardSwishOp) { return VecFunc::HardSwish; })
      .Case([](spa::TanhOp) { return VecFunc::Tanh; })
      .Case([](spa::ErfOp) { return VecFunc::Erf; })
      .Case([](spa::ExpOp) { return VecFunc::Exp; })
      .Case([](spa::LogOp) { return VecFunc::Log; })
      .Case([](spa::SqrtOp) { return VecFunc::Sqrt; })
      .Case([](spa::ReciprocalOp) { return VecFunc::Recip; })
      .Case([](spa::NegOp) { return VecFunc::Neg; })
      .Case([](spa::AbsOp) { return VecFunc::Abs; })
      .Case([](spa::LeakyReluOp) { return VecFunc::LeakyRelu; })
      .Case([](spa::HardSigmoidOp) { return VecFunc::HardSigmoid; })
      .Case([](spa::GeluOp gelu) -> std::optional<VecFunc> {
        if (gelu.getApproximate() == spa::GeluApproximation::None)
          return VecFunc::Gelu;
        return std::nullopt;
      })
      .Default([](Operation *) { return std::nullopt; });
}

bool isUnary(Operation *op) {
  return getUnaryFunc(op) || llvm::isa<spa::GeluOp, spa::ClipOp>(op);
}

/// Emits a unary op from `src` to `dst` over one chunk. Fails with the
/// reason when the op's element type has no such VEC function.
LogicalResult emitUnary(ChunkWriter &w, Operation *op, isa::VecOperand dst,
                        isa::VecOperand src) {
  if (auto clip = dyn_cast<spa::ClipOp>(op)) {
    double lo = clip.getMin() ? clip.getMin()->convertToDouble()
                              : -std::numeric_limits<double>::infinity();
    double hi = clip.getMax() ? clip.getMax()->convertToDouble()
                              : std::numeric_limits<double>::infinity();
    if (w.type == DType::F32) {
      w.vec(VecFunc::Clip, dst, src, {}, float(lo), float(hi));
      return success();
    }
    // Integers: MAX then MIN with the immediate, which the unit rounds and
    // saturates to the element type (ISA §4.7).
    double limit = w.type == DType::I8 ? 128.0 : 2147483648.0;
    w.vec(VecFunc::Max, dst, src, {}, float(std::max(lo, -limit)));
    w.vec(VecFunc::Min, dst, dst, {}, float(std::min(hi, limit - 1)));
    return success();
  }
  if (auto gelu = dyn_cast<spa::GeluOp>(op);
      gelu && gelu.getApproximate() == spa::GeluApproximation::Tanh) {
    // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
    isa::VecOperand t = w.scratch();
    w.vec(VecFunc::Mul, t, src, src);
    w.vec(VecFunc::Mul, t, t, src);
    w.vec(VecFunc::Mul, t, t, {}, 0.044715f);
    w.vec(VecFunc::Add, t, t, src);
    w.vec(VecFunc::Mul, t, t, {}, float(std::sqrt(2.0 / M_PI)));
    w.vec(VecFunc::Tanh, t, t);
    w.vec(VecFunc::Add, t, t, {}, 1.0f);
    w.vec(VecFunc::Mul, t, t, src);
    w.vec(VecFunc::Mul, dst, t, {}, 0.5f);
    return success();
  }
  std::optional<VecFunc> func = getUnaryFunc(op);
  if (!func)
    return emitNodeError(op) << "has no vector-unit lowering";
  if (std::optional<StringRef> rule = isa::checkVecTypes(*func, w.type, w.type))
    return emitNodeError(op) << "the vector unit's " << isa::getName(*func)
                             << " takes " << *rule << ", not "
                             << isa::getName(w.type) << " (ISA §4.7)";
  float imm0 = 0, imm1 = 0;
  if (auto leaky = dyn_cast<spa::LeakyReluOp>(op))
    imm0 = leaky.getAlpha().convertToFloat();
  if (auto hard = dyn_cast<spa::HardSigmoidOp>(op)) {
    imm0 = hard.getAlpha().convertToFloat();
    imm1 = hard.getBeta().convertToFloat();
  }
  w.vec(*func, dst, src, {}, imm0, imm1);
  return success();
}

/// The single value of a constant with one element (after broadcasting).
std::optional<double> getScalar(Value value) {
  std::optional<SmallVector<double>> values = readConstant(value);
  if (!values || values->empty())
    return std::nullopt;
  for (double v : *values)
    if (!(v == values->front()) && !(std::isnan(v) && std::isnan(values->front())))
      return std::nullopt;
  return values->front();
}

LogicalResult emitBinary(Emitter &emitter, Operation *op, VecFunc func,
                         ArrayRef<Operation *> epilogue) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  // The fused activations keep the type; the layer writes the last result.
  Value result =
      epilogue.empty() ? op->getResult(0) : epilogue.back()->getResult(0);
  FailureOr<View> out = emitter.lookup(result, op);
  if (failed(out))
    return failure();
  if (std::optional<StringRef> rule =
          isa::checkVecTypes(func, out->dtype, out->dtype))
    return emitNodeError(op) << "the vector unit's " << isa::getName(func)
                             << " takes " << *rule << ", not "
                             << isa::getName(out->dtype) << " (ISA §4.7)";
  bool commutative = func == VecFunc::Add || func == VecFunc::Mul ||
                     func == VecFunc::Max || func == VecFunc::Min;
  // A scalar constant operand becomes the immediate.
  std::optional<double> scalar = getScalar(rhs);
  if (!scalar && commutative && (scalar = getScalar(lhs)))
    std::swap(lhs, rhs);
  FailureOr<View> a = emitter.lookup(lhs, op);
  if (failed(a))
    return failure();
  SmallVector<View> inputs = {a->broadcastTo(type.getShape())};
  if (!scalar) {
    FailureOr<View> b = emitter.lookup(rhs, op);
    if (failed(b))
      return failure();
    inputs.push_back(b->broadcastTo(type.getShape()));
  }
  forEachChunk(emitter, *out, inputs, [&](const Chunk &chunk) {
    ChunkWriter w(emitter, chunk.rows, chunk.cols, out->dtype);
    if (scalar)
      w.vec(func, chunk.output, chunk.inputs[0], {}, float(*scalar));
    else
      w.vec(func, chunk.output, chunk.inputs[0], chunk.inputs[1]);
    for (Operation *ep : epilogue) {
      LogicalResult status = emitUnary(w, ep, chunk.output, chunk.output);
      assert(succeeded(status) && "isFusibleEpilogue admits f32 activations");
      (void)status;
    }
  });
  return success();
}

LogicalResult emitUnaryLayer(Emitter &emitter, Operation *op) {
  Value result = op->getResult(0);
  FailureOr<View> out = emitter.lookup(result, op);
  FailureOr<View> in = emitter.lookup(op->getOperand(0), op);
  if (failed(out) || failed(in))
    return failure();
  LogicalResult status = success();
  forEachChunk(emitter, *out, {*in}, [&](const Chunk &chunk) {
    ChunkWriter w(emitter, chunk.rows, chunk.cols, out->dtype);
    if (succeeded(status))
      status = emitUnary(w, op, chunk.output, chunk.inputs[0]);
  });
  return status;
}

/// `relu(x) + slope * min(x, 0)`, exact: one of the two terms is zero.
LogicalResult emitPRelu(Emitter &emitter, spa::PReluOp op) {
  auto type = cast<RankedTensorType>(op.getType());
  FailureOr<View> out = emitter.lookup(op.getResult(), op);
  FailureOr<View> x = emitter.lookup(op.getInput(), op);
  FailureOr<View> slope = emitter.lookup(op.getSlope(), op);
  if (failed(out) || failed(x) || failed(slope))
    return failure();
  if (out->dtype != DType::F32)
    return emitNodeError(op) << "takes f32 on the vector unit";
  forEachChunk(emitter, *out,
               {x->broadcastTo(type.getShape()),
                slope->broadcastTo(type.getShape())},
               [&](const Chunk &chunk) {
                 ChunkWriter w(emitter, chunk.rows, chunk.cols, DType::F32);
                 isa::VecOperand t = w.scratch();
                 w.vec(VecFunc::Min, t, chunk.inputs[0], {}, 0.0f);
                 w.vec(VecFunc::Mul, t, t, chunk.inputs[1]);
                 w.vec(VecFunc::Relu, chunk.output, chunk.inputs[0]);
                 w.vec(VecFunc::Add, chunk.output, chunk.output, t);
               });
  return success();
}

/// Casts the vector unit can do exactly: integers to f32 (DEQUANT with
/// scale 1), and any type to itself.
LogicalResult emitCast(Emitter &emitter, spa::CastOp op) {
  FailureOr<View> out = emitter.lookup(op.getResult(), op);
  FailureOr<View> in = emitter.lookup(op.getInput(), op);
  if (failed(out) || failed(in))
    return failure();
  if (in->dtype == out->dtype) {
    emitCopy(emitter, *in, *out);
    return success();
  }
  if (out->dtype != DType::F32)
    return emitNodeError(op)
           << "casting " << isa::getName(in->dtype) << " to "
           << isa::getName(out->dtype)
           << " truncates toward zero, which the vector unit cannot do (it "
              "has round-to-nearest QUANT only, ISA §4.7)";
  forEachChunk(emitter, *out, {*in}, [&](const Chunk &chunk) {
    emitter.emit(makeVec(VecFunc::Dequant, in->dtype, DType::F32, chunk.rows,
                         chunk.cols, chunk.output, chunk.inputs[0], {}, 1.0f));
  });
  return success();
}

/// The zero point of a quantize or dequantize: one value for every channel.
FailureOr<int32_t> getZeroPoint(Operation *op, Value zeroPoint) {
  std::optional<SmallVector<double>> values = readConstant(zeroPoint);
  if (!values || values->empty())
    return emitNodeError(op) << "needs a constant zero point";
  for (double v : *values)
    if (v != values->front())
      return emitNodeError(op)
             << "has per-channel zero points that differ; the vector unit "
                "takes one zero point per instruction (ISA §4.7)";
  return int32_t(values->front());
}

/// QUANT or DEQUANT with a per-tensor or per-axis scale.
LogicalResult emitQuantization(Emitter &emitter, Operation *op, VecFunc func,
                               Value input, Value scale, Value zeroPoint,
                               int64_t axis) {
  Value result = op->getResult(0);
  auto type = cast<RankedTensorType>(result.getType());
  FailureOr<View> out = emitter.lookup(result, op);
  FailureOr<View> in = emitter.lookup(input, op);
  if (failed(out) || failed(in))
    return failure();
  FailureOr<int32_t> zp = getZeroPoint(op, zeroPoint);
  if (failed(zp))
    return failure();
  if (std::optional<StringRef> rule =
          isa::checkVecTypes(func, in->dtype, out->dtype))
    return emitNodeError(op) << "the vector unit's " << isa::getName(func)
                             << " takes " << *rule << " (ISA §4.7)";
  SmallVector<View> inputs = {*in};
  std::optional<double> scalar = getScalar(scale);
  if (!scalar) {
    FailureOr<View> s = emitter.lookup(scale, op);
    if (failed(s))
      return failure();
    // A per-axis scale of shape [C] runs along dimension `axis`.
    View perAxis = *s;
    if (perAxis.shape.size() == 1 && type.getRank() > 1) {
      if (axis < 0)
        axis += type.getRank();
      SmallVector<int64_t> shape(type.getRank(), 1);
      shape[axis] = perAxis.shape[0];
      perAxis = View::contiguous(perAxis.addr, perAxis.dtype, shape);
    }
    inputs.push_back(perAxis.broadcastTo(type.getShape()));
  }
  forEachChunk(emitter, *out, inputs, [&](const Chunk &chunk) {
    emitter.emit(makeVec(func, in->dtype, out->dtype, chunk.rows, chunk.cols,
                         chunk.output, chunk.inputs[0],
                         scalar ? isa::VecOperand() : chunk.inputs[1],
                         scalar ? float(*scalar) : 0.0f, 0.0f, *zp));
  });
  return success();
}

/// Inference batch normalization with constant statistics: `x * a + b` per
/// channel, `a = scale / sqrt(var + eps)`, `b = bias - mean * a`, folded at
/// compile time in double precision.
LogicalResult emitBatchNorm(Emitter &emitter, spa::BatchNormOp op) {
  auto type = cast<RankedTensorType>(op.getType());
  std::optional<SmallVector<double>> scale = readConstant(op.getScale()),
                                     bias = readConstant(op.getBias()),
                                     mean = readConstant(op.getMean()),
                                     var = readConstant(op.getVariance());
  if (!scale || !bias || !mean || !var)
    return emitNodeError(op) << "needs constant scale, bias, mean and "
                                "variance (inference mode)";
  FailureOr<View> out = emitter.lookup(op.getResult(), op);
  FailureOr<View> in = emitter.lookup(op.getInput(), op);
  if (failed(out) || failed(in))
    return failure();
  int64_t channels = scale->size();
  std::vector<uint8_t> data(2 * channels * 4);
  double epsilon = op.getEpsilon().convertToDouble();
  for (int64_t c = 0; c < channels; ++c) {
    float a = float((*scale)[c] / std::sqrt((*var)[c] + epsilon));
    float b = float((*bias)[c] - (*mean)[c] * double(a));
    std::memcpy(&data[c * 4], &a, 4);
    std::memcpy(&data[(channels + c) * 4], &b, 4);
  }
  uint64_t addr = emitter.addConstant(getNodeName(op) + ".affine", DType::F32,
                                      2, channels, std::move(data));
  SmallVector<int64_t> shape(type.getRank(), 1);
  shape[1] = channels;
  View a = View::contiguous(addr, DType::F32, shape);
  View b = View::contiguous(addr + channels * 4, DType::F32, shape);
  forEachChunk(emitter, *out,
               {*in, a.broadcastTo(type.getShape()),
                b.broadcastTo(type.getShape())},
               [&](const Chunk &chunk) {
                 ChunkWriter w(emitter, chunk.rows, chunk.cols, DType::F32);
                 w.vec(VecFunc::Mul, chunk.output, chunk.inputs[0],
                       chunk.inputs[1]);
                 w.vec(VecFunc::Add, chunk.output, chunk.output,
                       chunk.inputs[2]);
               });
  return success();
}

/// `select` with a constant condition: both values are loaded and each run
/// of equal conditions in a chunk row is one VEC COPY from its side.
LogicalResult emitSelect(Emitter &emitter, spa::SelectOp op) {
  auto type = cast<RankedTensorType>(op.getType());
  std::optional<SmallVector<double>> condition =
      readConstant(op.getCondition());
  if (!condition)
    return emitNodeError(op) << "needs a constant condition";
  FailureOr<View> out = emitter.lookup(op.getResult(), op);
  FailureOr<View> t = emitter.lookup(op.getTrueValue(), op);
  FailureOr<View> f = emitter.lookup(op.getFalseValue(), op);
  if (failed(out) || failed(t) || failed(f))
    return failure();
  // The condition broadcast to the output, element by element, in the
  // order forEachChunk visits chunks (row-major over the output).
  auto conditionType = cast<RankedTensorType>(op.getCondition().getType());
  View condView = View::contiguous(0, DType::I8, conditionType.getShape())
                      .broadcastTo(type.getShape());
  int64_t count = type.getNumElements();
  SmallVector<bool> pick(count);
  SmallVector<int64_t> index(type.getRank(), 0);
  for (int64_t i = 0; i < count; ++i) {
    int64_t offset = 0;
    for (int64_t d = 0; d < type.getRank(); ++d)
      offset += index[d] * condView.strides[d];
    pick[i] = (*condition)[offset] != 0;
    for (int64_t d = type.getRank() - 1; d >= 0; --d) {
      if (++index[d] < type.getDimSize(d))
        break;
      index[d] = 0;
    }
  }
  forEachChunk(emitter, *out,
               {t->broadcastTo(type.getShape()),
                f->broadcastTo(type.getShape())},
               [&](const Chunk &chunk) {
                 for (int64_t r = 0; r < chunk.rows; ++r) {
                   int64_t c = 0;
                   while (c < chunk.cols) {
                     bool side = pick[chunk.outputOffset + r * chunk.outputRowStride + c];
                     int64_t end = c;
                     while (end < chunk.cols &&
                            pick[chunk.outputOffset + r * chunk.outputRowStride + end] == side)
                       ++end;
                     const isa::VecOperand &src = chunk.inputs[side ? 0 : 1];
                     isa::VecOperand from = src, to = chunk.output;
                     from.addr += isa::elementSize(out->dtype) *
                                  (r * src.rowStride + c * src.colStride);
                     to.addr += isa::elementSize(out->dtype) *
                                (r * to.rowStride + c * to.colStride);
                     emitter.emit(makeVec(VecFunc::Copy, out->dtype,
                                          out->dtype, 1, end - c, to, from));
                     c = end;
                   }
                 }
               });
  return success();
}

} // namespace

bool codegen::isFusibleEpilogue(Operation *op) {
  if (!isUnary(op) || llvm::isa<spa::ExpOp, spa::LogOp, spa::SqrtOp,
                          spa::ReciprocalOp, spa::NegOp, spa::AbsOp,
                          spa::ErfOp>(op))
    return false;
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  return type.getElementType().isF32() &&
         op->getOperand(0).getType() == type;
}

void codegen::emitEpilogue(Emitter &emitter, Operation *op, uint16_t rows,
                           uint16_t cols, isa::VecOperand tile) {
  ChunkWriter w(emitter, rows, cols, DType::F32);
  LogicalResult status = emitUnary(w, op, tile, tile);
  assert(succeeded(status) && "isFusibleEpilogue admits f32 activations");
  (void)status;
}

LogicalResult codegen::emitElementwise(Emitter &emitter, Operation *op,
                                      ArrayRef<Operation *> epilogue) {
  auto binary = [&](VecFunc func) {
    return emitBinary(emitter, op, func, epilogue);
  };
  assert((epilogue.empty() ||
          llvm::isa<spa::AddOp, spa::SubOp, spa::MulOp, spa::DivOp,
                    spa::MaxOp, spa::MinOp>(op)) &&
         "only binary ops take an epilogue");
  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](spa::AddOp) { return binary(VecFunc::Add); })
      .Case([&](spa::SubOp) { return binary(VecFunc::Sub); })
      .Case([&](spa::MulOp) { return binary(VecFunc::Mul); })
      .Case([&](spa::DivOp) { return binary(VecFunc::Div); })
      .Case([&](spa::MaxOp) { return binary(VecFunc::Max); })
      .Case([&](spa::MinOp) { return binary(VecFunc::Min); })
      .Case([&](spa::PowOp) { return binary(VecFunc::Pow); })
      .Case([&](spa::PReluOp prelu) { return emitPRelu(emitter, prelu); })
      .Case([&](spa::CastOp cast) { return emitCast(emitter, cast); })
      .Case([&](spa::SelectOp select) { return emitSelect(emitter, select); })
      .Case([&](spa::BatchNormOp bn) { return emitBatchNorm(emitter, bn); })
      .Case([&](spa::QuantizeOp q) {
        return emitQuantization(emitter, op, VecFunc::Quant, q.getInput(),
                                q.getScale(), q.getZeroPoint(), q.getAxis());
      })
      .Case([&](spa::DequantizeOp q) {
        return emitQuantization(emitter, op, VecFunc::Dequant, q.getInput(),
                                q.getScale(), q.getZeroPoint(), q.getAxis());
      })
      .Default([&](Operation *) -> LogicalResult {
        if (isUnary(op))
          return emitUnaryLayer(emitter, op);
        return emitNodeError(op) << "has no accelerator lowering";
      });
}
