//===- Folding.cpp - Evaluate shape subgraphs at import ---------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Shape computations (Shape, Gather, Concat, Unsqueeze, ...) are evaluated
// while importing, so that only compute reaches the `spa` dialect and the
// operators that consume shapes (Reshape, Expand, Tile, ...) see constants.
//
// A node is evaluated when every input it has is a constant. The evaluation
// is exact: integers are computed in 64 bits and wrap to their element type,
// floats are computed in double and rounded once to theirs, and broadcasting
// follows NumPy. Parameters (axes, shapes, slices...) are read through the
// same functions as the converters use (TensorOps.h). Non-splat constants of
// more than kFoldElementLimit elements are left to the converters, and so is
// anything whose value ONNX leaves undefined (integer division by zero,
// out-of-range float-to-integer casts).
//
//===----------------------------------------------------------------------===//

#include "TensorOps.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/SmallBitVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace mlir;
using namespace spc;
using namespace spc::onnx_import;

namespace {

//===----------------------------------------------------------------------===//
// Literals
//===----------------------------------------------------------------------===//

/// A constant under evaluation, in row-major order.
struct Literal {
  RankedTensorType type;
  /// One stored element stands for all of them.
  bool splat = false;
  /// Integer and boolean elements, sign- or zero-extended to 64 bits as the
  /// element type says; unused for floats.
  SmallVector<int64_t> ints;
  /// Float elements, widened to double; unused for integers.
  SmallVector<double> floats;

  Literal() = default;
  explicit Literal(RankedTensorType type) : type(type) {}

  Type elementType() const { return type.getElementType(); }
  bool isFloat() const { return isa<FloatType>(elementType()); }
  bool isUnsigned() const {
    return elementType().isUnsignedInteger() || elementType().isInteger(1);
  }
  int64_t numElements() const { return type.getNumElements(); }
  int64_t intAt(int64_t i) const { return ints[splat ? 0 : i]; }
  double floatAt(int64_t i) const { return floats[splat ? 0 : i]; }
  /// Element `i` as a double, whatever the element type.
  double asDouble(int64_t i) const {
    if (isFloat())
      return floatAt(i);
    return isUnsigned() ? double(uint64_t(intAt(i))) : double(intAt(i));
  }
  /// Appends element `i` of `from`, which has the same element kind.
  void append(const Literal &from, int64_t i) {
    if (from.isFloat())
      floats.push_back(from.floatAt(i));
    else
      ints.push_back(from.intAt(i));
  }
};

/// Wraps `value` to the width of the integer type `type`, extending it back
/// as the type's signedness says; booleans become 0 or 1.
int64_t wrapInt(int64_t value, Type type) {
  unsigned width = type.getIntOrFloatBitWidth();
  if (width == 1)
    return value != 0;
  if (width >= 64)
    return value;
  APInt bits(width, uint64_t(value), /*isSigned=*/false,
             /*implicitTrunc=*/true);
  return type.isUnsignedInteger() ? int64_t(bits.getZExtValue())
                                  : bits.getSExtValue();
}

/// Reads a constant; std::nullopt when it is too large to evaluate or its
/// data cannot be read.
std::optional<Literal> readLiteral(ElementsAttr attr) {
  Literal literal(cast<RankedTensorType>(attr.getType()));
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (dense && dense.isSplat() && literal.numElements() > 0) {
    literal.splat = true;
    if (literal.isFloat()) {
      APFloat v = dense.getSplatValue<APFloat>();
      bool lostInfo;
      v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lostInfo);
      literal.floats.push_back(v.convertToDouble());
    } else {
      APInt v = dense.getSplatValue<APInt>();
      literal.ints.push_back(literal.isUnsigned() ? int64_t(v.getZExtValue())
                                                  : v.getSExtValue());
    }
    return literal;
  }
  if (literal.numElements() > kFoldElementLimit)
    return std::nullopt;
  if (literal.isFloat()) {
    std::optional<SmallVector<double>> values = readFloats(attr);
    if (!values)
      return std::nullopt;
    literal.floats = std::move(*values);
  } else {
    std::optional<SmallVector<int64_t>> values = readInts(attr);
    if (!values)
      return std::nullopt;
    literal.ints = std::move(*values);
  }
  return literal;
}

/// Reads input `i`, which the caller knows to be a constant.
std::optional<Literal> readInput(NodeContext &ctx, size_t i) {
  return readLiteral(ctx.inputConstant(i));
}

/// Whether a result of `type` is small enough to compute element by element.
bool fits(ShapedType type) {
  return type.getNumElements() <= kFoldElementLimit;
}

/// Builds the attribute of `literal` for output `i`: a splat when every
/// element is equal, inline when small, a resource blob otherwise.
ElementsAttr toAttr(NodeContext &ctx, const Literal &literal, size_t output) {
  RankedTensorType type = literal.type;
  Type elementType = literal.elementType();
  int64_t n = literal.splat ? 1 : literal.numElements();
  bool uniform = literal.splat || n == 0;
  if (!uniform) {
    // Floats compare by their bits, so that 0 and -0 stay distinct.
    uniform = literal.isFloat()
                  ? llvm::all_equal(llvm::map_range(
                        literal.floats,
                        [](double v) { return llvm::bit_cast<uint64_t>(v); }))
                  : llvm::all_equal(literal.ints);
    if (uniform)
      n = 1;
  }
  DenseElementsAttr dense;
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    SmallVector<APFloat> values;
    for (int64_t i = 0; i < n; ++i) {
      APFloat v(literal.floats[i]);
      bool lostInfo;
      v.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &lostInfo);
      values.push_back(v);
    }
    dense = DenseElementsAttr::get(type, values);
  } else if (elementType.isInteger(1)) {
    SmallVector<bool> values;
    for (int64_t i = 0; i < n; ++i)
      values.push_back(literal.ints[i] != 0);
    dense = DenseElementsAttr::get(type, values);
  } else {
    unsigned width = elementType.getIntOrFloatBitWidth();
    SmallVector<APInt> values;
    for (int64_t i = 0; i < n; ++i)
      values.push_back(APInt(width, uint64_t(literal.ints[i]),
                             /*isSigned=*/false, /*implicitTrunc=*/true));
    dense = DenseElementsAttr::get(type, values);
  }
  if (uniform || elementType.isInteger(1) || n <= kInlineConstantLimit)
    return dense;
  ArrayRef<char> raw = dense.getRawData();
  AsmResourceBlob blob =
      HeapAsmResourceBlob::allocateAndCopyWithAlign(raw, alignof(uint64_t));
  return DenseResourceElementsAttr::get(
      type, blobKey(ctx.node().output(output)), std::move(blob));
}

void bindLiteral(NodeContext &ctx, size_t output, const Literal &literal) {
  ctx.setOutputConstant(output, toAttr(ctx, literal, output));
}

//===----------------------------------------------------------------------===//
// Indexing
//===----------------------------------------------------------------------===//

SmallVector<int64_t> getStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// Calls `fn` with every index of `shape` in row-major order.
void forEachIndex(ArrayRef<int64_t> shape,
                  llvm::function_ref<void(ArrayRef<int64_t>)> fn) {
  if (llvm::is_contained(shape, 0))
    return;
  SmallVector<int64_t> index(shape.size(), 0);
  while (true) {
    fn(index);
    int64_t d = int64_t(shape.size()) - 1;
    for (; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
    if (d < 0)
      return;
  }
}

/// The literal of `type` whose element at each index is the element of
/// `from` at `sourceOf(index)`.
Literal
gatherElements(const Literal &from, RankedTensorType type,
               llvm::function_ref<int64_t(ArrayRef<int64_t>)> sourceOf) {
  Literal result(type);
  if (from.splat) {
    result.splat = true;
    result.append(from, 0);
    return result;
  }
  forEachIndex(type.getShape(), [&](ArrayRef<int64_t> index) {
    result.append(from, sourceOf(index));
  });
  return result;
}

/// The offset in `shape` (with `strides`) of the element that broadcasts to
/// `index` of a larger shape.
int64_t broadcastSource(ArrayRef<int64_t> index, ArrayRef<int64_t> shape,
                        ArrayRef<int64_t> strides) {
  size_t offset = index.size() - shape.size();
  int64_t source = 0;
  for (size_t d = 0; d < shape.size(); ++d)
    if (shape[d] != 1)
      source += index[offset + d] * strides[d];
  return source;
}

Literal broadcastTo(const Literal &from, RankedTensorType type) {
  SmallVector<int64_t> strides = getStrides(from.type.getShape());
  return gatherElements(from, type, [&](ArrayRef<int64_t> index) {
    return broadcastSource(index, from.type.getShape(), strides);
  });
}

/// The outcome of evaluating a result: std::nullopt when it is too large or
/// undefined (the converters take over), failure after a diagnostic.
using Evaluated = std::optional<FailureOr<Literal>>;

/// Binds an evaluated result to output `i`.
std::optional<LogicalResult> bindEvaluated(NodeContext &ctx, size_t output,
                                           Evaluated evaluated) {
  if (!evaluated)
    return std::nullopt;
  if (failed(*evaluated))
    return failure();
  bindLiteral(ctx, output, **evaluated);
  return success();
}

/// Evaluates `fn` element-wise over the broadcast of `operands` into a
/// result of `elementType`. `fn` receives the flat position in each operand
/// and appends one element to the result, or returns false when the value is
/// undefined.
Evaluated
mapElements(NodeContext &ctx, ArrayRef<const Literal *> operands,
            Type elementType,
            llvm::function_ref<bool(Literal &, ArrayRef<int64_t>)> fn) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (const Literal *operand : operands)
    shapes.push_back(operand->type.getShape());
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes(ctx, shapes);
  if (failed(shape))
    return FailureOr<Literal>(failure());
  Literal result(RankedTensorType::get(*shape, elementType));
  SmallVector<int64_t> positions(operands.size(), 0);
  if (llvm::all_of(operands, [](const Literal *l) { return l->splat; })) {
    result.splat = true;
    if (!fn(result, positions))
      return std::nullopt;
    return FailureOr<Literal>(std::move(result));
  }
  if (!fits(result.type))
    return std::nullopt;
  SmallVector<SmallVector<int64_t>> strides;
  for (const Literal *operand : operands)
    strides.push_back(getStrides(operand->type.getShape()));
  bool defined = true;
  forEachIndex(*shape, [&](ArrayRef<int64_t> index) {
    if (!defined)
      return;
    for (auto [i, operand] : llvm::enumerate(operands))
      positions[i] =
          operand->splat
              ? 0
              : broadcastSource(index, operand->type.getShape(), strides[i]);
    defined = fn(result, positions);
  });
  if (!defined)
    return std::nullopt;
  return FailureOr<Literal>(std::move(result));
}

/// Reads every input of the node; std::nullopt when one is too large.
std::optional<SmallVector<Literal>> readInputs(NodeContext &ctx) {
  SmallVector<Literal> literals;
  for (size_t i = 0; i < ctx.numInputs(); ++i) {
    if (!ctx.hasInput(i))
      continue;
    std::optional<Literal> literal = readInput(ctx, i);
    if (!literal)
      return std::nullopt;
    literals.push_back(std::move(*literal));
  }
  return literals;
}

//===----------------------------------------------------------------------===//
// Element-wise arithmetic
//===----------------------------------------------------------------------===//

enum class Arith { Add, Sub, Mul, Div, Pow, Min, Max };

/// `base` to the power `exponent`, wrapping; std::nullopt when undefined.
std::optional<int64_t> powInt(int64_t base, int64_t exponent) {
  if (exponent < 0) {
    // The real power truncates toward zero: only 1 and -1 survive.
    if (base == 0)
      return std::nullopt;
    if (base == 1)
      return 1;
    if (base == -1)
      return exponent % 2 == 0 ? 1 : -1;
    return 0;
  }
  uint64_t result = 1, factor = uint64_t(base);
  for (uint64_t e = uint64_t(exponent); e != 0; e >>= 1) {
    if (e & 1)
      result *= factor;
    factor *= factor;
  }
  return int64_t(result);
}

/// Truncates `value` toward zero into the integer type `type`; std::nullopt
/// when it is NaN or out of range, which ONNX leaves undefined.
std::optional<int64_t> truncToInt(double value, Type type) {
  if (type.isInteger(1))
    return value != 0.0;
  double t = std::trunc(value);
  unsigned width = type.getIntOrFloatBitWidth();
  bool isUnsigned = type.isUnsignedInteger();
  double lo = isUnsigned ? 0.0 : -std::ldexp(1.0, width - 1);
  double hi = std::ldexp(1.0, isUnsigned ? width : width - 1);
  if (std::isnan(t) || t < lo || t >= hi)
    return std::nullopt;
  return isUnsigned ? int64_t(uint64_t(t)) : int64_t(t);
}

/// Integer arithmetic on 64-bit values, wrapping; std::nullopt when
/// undefined.
std::optional<int64_t> applyInt(Arith op, int64_t a, int64_t b,
                                bool isUnsigned) {
  auto ua = uint64_t(a), ub = uint64_t(b);
  switch (op) {
  case Arith::Add:
    return int64_t(ua + ub);
  case Arith::Sub:
    return int64_t(ua - ub);
  case Arith::Mul:
    return int64_t(ua * ub);
  case Arith::Div:
    // Truncating, as C; the one overflowing quotient wraps.
    if (b == 0)
      return std::nullopt;
    if (isUnsigned)
      return int64_t(ua / ub);
    if (a == std::numeric_limits<int64_t>::min() && b == -1)
      return a;
    return a / b;
  case Arith::Pow:
    return powInt(a, b);
  case Arith::Min:
    return (isUnsigned ? ub < ua : b < a) ? b : a;
  case Arith::Max:
    return (isUnsigned ? ub > ua : b > a) ? b : a;
  }
  llvm_unreachable("unknown arithmetic");
}

double applyFloat(Arith op, double a, double b) {
  switch (op) {
  case Arith::Add:
    return a + b;
  case Arith::Sub:
    return a - b;
  case Arith::Mul:
    return a * b;
  case Arith::Div:
    return a / b;
  case Arith::Pow:
    return std::pow(a, b);
  case Arith::Min:
  case Arith::Max:
    // NaN propagates, as in NumPy's minimum and maximum.
    if (std::isnan(a) || std::isnan(b))
      return std::nan("");
    return op == Arith::Min ? std::min(a, b) : std::max(a, b);
  }
  llvm_unreachable("unknown arithmetic");
}

/// Applies `op` to two literals; the result has the element type of `lhs`
/// (Pow's exponent may have another type from opset 12).
Evaluated evaluateArith(NodeContext &ctx, Arith op, const Literal &lhs,
                        const Literal &rhs) {
  Type elementType = lhs.elementType();
  return mapElements(
      ctx, {&lhs, &rhs}, elementType, [&](Literal &out, ArrayRef<int64_t> at) {
        if (lhs.isFloat()) {
          out.floats.push_back(
              applyFloat(op, lhs.floatAt(at[0]), rhs.asDouble(at[1])));
          return true;
        }
        std::optional<int64_t> v;
        if (rhs.isFloat())
          v = truncToInt(std::pow(lhs.asDouble(at[0]), rhs.floatAt(at[1])),
                         elementType);
        else if (op == Arith::Pow && rhs.isUnsigned() && rhs.intAt(at[1]) < 0)
          v = std::nullopt;
        else
          v = applyInt(op, lhs.intAt(at[0]), rhs.intAt(at[1]),
                       lhs.isUnsigned());
        if (!v)
          return false;
        out.ints.push_back(wrapInt(*v, elementType));
        return true;
      });
}

std::optional<LogicalResult> foldBinaryArith(NodeContext &ctx, Arith op) {
  std::optional<SmallVector<Literal>> in = readInputs(ctx);
  if (!in || in->size() != 2)
    return std::nullopt;
  return bindEvaluated(ctx, 0, evaluateArith(ctx, op, (*in)[0], (*in)[1]));
}

/// Min and Max take any number of inputs (one or more).
std::optional<LogicalResult> foldMinMax(NodeContext &ctx, Arith op) {
  std::optional<SmallVector<Literal>> in = readInputs(ctx);
  if (!in || in->empty())
    return std::nullopt;
  Literal acc = (*in)[0];
  for (const Literal &next : ArrayRef(*in).drop_front()) {
    Evaluated combined = evaluateArith(ctx, op, acc, next);
    if (!combined || failed(*combined))
      return bindEvaluated(ctx, 0, std::move(combined));
    acc = std::move(**combined);
  }
  bindLiteral(ctx, 0, acc);
  return success();
}

enum class Compare { Equal, Less, Greater };

std::optional<LogicalResult> foldCompare(NodeContext &ctx, Compare op) {
  std::optional<SmallVector<Literal>> in = readInputs(ctx);
  if (!in || in->size() != 2)
    return std::nullopt;
  const Literal &lhs = (*in)[0], &rhs = (*in)[1];
  return bindEvaluated(
      ctx, 0,
      mapElements(ctx, {&lhs, &rhs}, ctx.builder().getI1Type(),
                  [&](Literal &out, ArrayRef<int64_t> at) {
                    int order; // -1, 0, 1; 2 when unordered (NaN).
                    if (lhs.isFloat()) {
                      double a = lhs.floatAt(at[0]), b = rhs.floatAt(at[1]);
                      order = a < b ? -1 : a > b ? 1 : a == b ? 0 : 2;
                    } else if (lhs.isUnsigned()) {
                      uint64_t a = lhs.intAt(at[0]), b = rhs.intAt(at[1]);
                      order = a < b ? -1 : a > b ? 1 : 0;
                    } else {
                      int64_t a = lhs.intAt(at[0]), b = rhs.intAt(at[1]);
                      order = a < b ? -1 : a > b ? 1 : 0;
                    }
                    bool v = op == Compare::Equal  ? order == 0
                             : op == Compare::Less ? order == -1
                                                   : order == 1;
                    out.ints.push_back(v);
                    return true;
                  }));
}

std::optional<LogicalResult> foldLogic(NodeContext &ctx, bool isAnd) {
  std::optional<SmallVector<Literal>> in = readInputs(ctx);
  if (!in || in->size() != 2)
    return std::nullopt;
  const Literal &lhs = (*in)[0], &rhs = (*in)[1];
  return bindEvaluated(
      ctx, 0,
      mapElements(ctx, {&lhs, &rhs}, ctx.builder().getI1Type(),
                  [&](Literal &out, ArrayRef<int64_t> at) {
                    bool a = lhs.intAt(at[0]) != 0, b = rhs.intAt(at[1]) != 0;
                    out.ints.push_back(isAnd ? a && b : a || b);
                    return true;
                  }));
}

enum class Unary { Neg, Abs, Sqrt, Floor, Ceil, Not };

std::optional<LogicalResult> foldUnary(NodeContext &ctx, Unary op) {
  std::optional<SmallVector<Literal>> in = readInputs(ctx);
  if (!in || in->size() != 1)
    return std::nullopt;
  const Literal &x = (*in)[0];
  Type elementType = x.elementType();
  if (!x.isFloat() &&
      (op == Unary::Sqrt || op == Unary::Floor || op == Unary::Ceil))
    return std::nullopt;
  return bindEvaluated(
      ctx, 0,
      mapElements(ctx, {&x}, elementType,
                  [&](Literal &out, ArrayRef<int64_t> at) {
                    if (x.isFloat()) {
                      double v = x.floatAt(at[0]);
                      switch (op) {
                      case Unary::Neg:
                        v = -v;
                        break;
                      case Unary::Abs:
                        v = std::fabs(v);
                        break;
                      case Unary::Sqrt:
                        v = std::sqrt(v);
                        break;
                      case Unary::Floor:
                        v = std::floor(v);
                        break;
                      case Unary::Ceil:
                        v = std::ceil(v);
                        break;
                      case Unary::Not:
                        return false;
                      }
                      out.floats.push_back(v);
                      return true;
                    }
                    int64_t v = x.intAt(at[0]);
                    uint64_t negated = uint64_t(0) - uint64_t(v);
                    if (op == Unary::Neg)
                      v = int64_t(negated);
                    else if (op == Unary::Abs && !x.isUnsigned() && v < 0)
                      v = int64_t(negated);
                    else if (op == Unary::Not)
                      v = v == 0;
                    out.ints.push_back(wrapInt(v, elementType));
                    return true;
                  }));
}

std::optional<LogicalResult> foldWhere(NodeContext &ctx) {
  std::optional<SmallVector<Literal>> in = readInputs(ctx);
  if (!in || in->size() != 3)
    return std::nullopt;
  const Literal &cond = (*in)[0], &x = (*in)[1], &y = (*in)[2];
  return bindEvaluated(ctx, 0,
                       mapElements(ctx, {&cond, &x, &y}, x.elementType(),
                                   [&](Literal &out, ArrayRef<int64_t> at) {
                                     if (cond.intAt(at[0]) != 0)
                                       out.append(x, at[1]);
                                     else
                                       out.append(y, at[2]);
                                     return true;
                                   }));
}

/// Exact conversion of an integer to the nearest `type` value, as a double.
double intToFloat(int64_t value, bool isUnsigned, FloatType type) {
  APFloat f(type.getFloatSemantics());
  f.convertFromAPInt(APInt(64, uint64_t(value)), !isUnsigned,
                     APFloat::rmNearestTiesToEven);
  bool lostInfo;
  f.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lostInfo);
  return f.convertToDouble();
}

std::optional<LogicalResult> foldCast(NodeContext &ctx) {
  FailureOr<Type> target = getCastType(ctx);
  if (failed(target))
    return failure();
  std::optional<Literal> x = readInput(ctx, 0);
  if (!x)
    return std::nullopt;
  return bindEvaluated(
      ctx, 0,
      mapElements(ctx, {&*x}, *target, [&](Literal &out, ArrayRef<int64_t> at) {
        auto floatType = dyn_cast<FloatType>(*target);
        if (x->isFloat()) {
          double v = x->floatAt(at[0]);
          if (floatType) {
            out.floats.push_back(v);
            return true;
          }
          std::optional<int64_t> i = truncToInt(v, *target);
          if (!i)
            return false;
          out.ints.push_back(wrapInt(*i, *target));
          return true;
        }
        int64_t v = x->intAt(at[0]);
        if (floatType)
          out.floats.push_back(intToFloat(v, x->isUnsigned(), floatType));
        else
          out.ints.push_back(wrapInt(v, *target));
        return true;
      }));
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

/// Reshape, Flatten, Squeeze and Unsqueeze: the same elements under a new
/// shape. A resource blob keeps its handle, so that a weight is not copied.
template <FailureOr<SmallVector<int64_t>> (*GetShape)(NodeContext &)>
std::optional<LogicalResult> foldReshape(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> shape = GetShape(ctx);
  if (failed(shape))
    return failure();
  ElementsAttr input = ctx.inputConstant(0);
  auto type = RankedTensorType::get(*shape, input.getElementType());
  if (auto dense = dyn_cast<DenseElementsAttr>(input)) {
    ctx.setOutputConstant(0, dense.reshape(type));
    return success();
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(input)) {
    ctx.setOutputConstant(
        0, DenseResourceElementsAttr::get(type, resource.getRawHandle()));
    return success();
  }
  return std::nullopt;
}

std::optional<LogicalResult> foldTranspose(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> perm = getTransposePerm(ctx);
  if (failed(perm))
    return failure();
  std::optional<Literal> x = readInput(ctx, 0);
  if (!x)
    return std::nullopt;
  ArrayRef<int64_t> inShape = x->type.getShape();
  SmallVector<int64_t> inStrides = getStrides(inShape), shape;
  for (int64_t p : *perm)
    shape.push_back(inShape[p]);
  bindLiteral(
      ctx, 0,
      gatherElements(*x, x->type.clone(shape), [&](ArrayRef<int64_t> index) {
        int64_t source = 0;
        for (auto [d, p] : llvm::enumerate(*perm))
          source += index[d] * inStrides[p];
        return source;
      }));
  return success();
}

Literal sliceLiteral(const Literal &x, const SliceParams &window) {
  SmallVector<int64_t> strides = getStrides(x.type.getShape());
  return gatherElements(
      x, x.type.clone(window.shape), [&](ArrayRef<int64_t> index) {
        int64_t source = 0;
        for (size_t d = 0; d < index.size(); ++d)
          source +=
              (window.starts[d] + index[d] * window.steps[d]) * strides[d];
        return source;
      });
}

std::optional<LogicalResult> foldSlice(NodeContext &ctx) {
  FailureOr<SliceParams> window = getSliceParams(ctx);
  if (failed(window))
    return failure();
  std::optional<Literal> x = readInput(ctx, 0);
  if (!x)
    return std::nullopt;
  bindLiteral(ctx, 0, sliceLiteral(*x, *window));
  return success();
}

std::optional<LogicalResult> foldSplit(NodeContext &ctx) {
  FailureOr<SmallVector<SliceParams>> windows = getSplitParams(ctx);
  if (failed(windows))
    return failure();
  std::optional<Literal> x = readInput(ctx, 0);
  if (!x)
    return std::nullopt;
  for (auto [i, window] : llvm::enumerate(*windows))
    if (ctx.hasOutput(i))
      bindLiteral(ctx, i, sliceLiteral(*x, window));
  return success();
}

std::optional<LogicalResult> foldConcat(NodeContext &ctx) {
  FailureOr<ConcatParams> params = getConcatParams(ctx);
  if (failed(params))
    return failure();
  std::optional<SmallVector<Literal>> in = readInputs(ctx);
  if (!in)
    return std::nullopt;
  Literal result((*in)[0].type.clone(params->shape));
  if (!fits(result.type))
    return std::nullopt;
  ArrayRef<int64_t> shape = params->shape;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < params->axis; ++d)
    outer *= shape[d];
  for (size_t d = params->axis + 1; d < shape.size(); ++d)
    inner *= shape[d];
  for (int64_t o = 0; o < outer; ++o)
    for (const Literal &part : *in) {
      int64_t block = part.type.getDimSize(params->axis) * inner;
      for (int64_t i = 0; i < block; ++i)
        result.append(part, o * block + i);
    }
  bindLiteral(ctx, 0, result);
  return success();
}

std::optional<LogicalResult> foldGather(NodeContext &ctx) {
  FailureOr<GatherParams> params = getGatherParams(ctx);
  if (failed(params))
    return failure();
  std::optional<Literal> data = readInput(ctx, 0);
  std::optional<Literal> indices = readInput(ctx, 1);
  if (!data || !indices)
    return std::nullopt;
  int64_t extent = data->type.getDimSize(params->axis);
  SmallVector<int64_t> index(indices->numElements());
  for (int64_t i = 0; i < int64_t(index.size()); ++i)
    index[i] = indices->intAt(i);
  if (failed(normalizeGatherIndices(ctx, index, extent)))
    return failure();
  Literal result(data->type.clone(params->shape));
  if (data->splat) {
    result.splat = true;
    result.append(*data, 0);
    bindLiteral(ctx, 0, result);
    return success();
  }
  if (!fits(result.type))
    return std::nullopt;
  ArrayRef<int64_t> shape = data->type.getShape();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < params->axis; ++d)
    outer *= shape[d];
  for (size_t d = params->axis + 1; d < shape.size(); ++d)
    inner *= shape[d];
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j : index)
      for (int64_t i = 0; i < inner; ++i)
        result.append(*data, (o * extent + j) * inner + i);
  bindLiteral(ctx, 0, result);
  return success();
}

std::optional<LogicalResult> foldExpand(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> shape = getExpandShape(ctx);
  if (failed(shape))
    return failure();
  std::optional<Literal> x = readInput(ctx, 0);
  if (!x)
    return std::nullopt;
  RankedTensorType type = x->type.clone(*shape);
  if (!x->splat && !fits(type))
    return std::nullopt;
  bindLiteral(ctx, 0, broadcastTo(*x, type));
  return success();
}

std::optional<LogicalResult> foldTile(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> repeats = getTileRepeats(ctx);
  if (failed(repeats))
    return failure();
  std::optional<Literal> x = readInput(ctx, 0);
  if (!x)
    return std::nullopt;
  ArrayRef<int64_t> inShape = x->type.getShape();
  SmallVector<int64_t> shape;
  for (auto [size, repeat] : llvm::zip(inShape, *repeats)) {
    std::optional<int64_t> tiled = llvm::checkedMul(size, repeat);
    if (!tiled)
      return std::nullopt;
    shape.push_back(*tiled);
  }
  RankedTensorType type = x->type.clone(shape);
  if (!x->splat && !fits(type))
    return std::nullopt;
  SmallVector<int64_t> strides = getStrides(inShape);
  bindLiteral(ctx, 0, gatherElements(*x, type, [&](ArrayRef<int64_t> index) {
                int64_t source = 0;
                for (size_t d = 0; d < index.size(); ++d)
                  source += (index[d] % inShape[d]) * strides[d];
                return source;
              }));
  return success();
}

//===----------------------------------------------------------------------===//
// Generators and reductions
//===----------------------------------------------------------------------===//

/// Range-11: max(ceil((limit - start) / delta), 0) elements, each the
/// previous plus delta in the element type, as the operator's function body
/// accumulates.
std::optional<LogicalResult> foldRange(NodeContext &ctx) {
  std::optional<SmallVector<Literal>> in = readInputs(ctx);
  if (!in || in->size() != 3)
    return std::nullopt;
  const Literal &start = (*in)[0], &limit = (*in)[1], &delta = (*in)[2];
  for (const Literal &l : *in)
    if (l.numElements() != 1)
      return ctx.emitError() << "start, limit and delta must be scalars";
  Type elementType = start.elementType();
  if (start.isFloat()) {
    auto floatType = cast<FloatType>(elementType);
    auto round = [&](double v) {
      APFloat f(v);
      bool lostInfo;
      f.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &lostInfo);
      f.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lostInfo);
      return f.convertToDouble();
    };
    double s = start.floatAt(0), l = limit.floatAt(0), d = delta.floatAt(0);
    if (d == 0.0)
      return ctx.emitError() << "delta must not be zero";
    double count = std::ceil(round(l - s) / d);
    if (!(count <= double(kFoldElementLimit)))
      return std::nullopt;
    Literal result(RankedTensorType::get({std::max<int64_t>(int64_t(count), 0)},
                                         elementType));
    double v = s;
    for (int64_t i = 0; i < result.numElements(); ++i) {
      result.floats.push_back(v);
      v = round(v + d);
    }
    bindLiteral(ctx, 0, result);
    return success();
  }
  int64_t s = start.intAt(0), l = limit.intAt(0), d = delta.intAt(0);
  if (d == 0)
    return ctx.emitError() << "delta must not be zero";
  std::optional<int64_t> span = llvm::checkedSub(l, s);
  if (!span)
    return std::nullopt;
  int64_t count = 0;
  if ((*span > 0 && d > 0) || (*span < 0 && d < 0))
    count = int64_t(
        llvm::divideCeil(uint64_t(std::abs(*span)), uint64_t(std::abs(d))));
  if (count > kFoldElementLimit)
    return std::nullopt;
  Literal result(RankedTensorType::get({count}, elementType));
  for (int64_t i = 0; i < count; ++i)
    result.ints.push_back(wrapInt(s + i * d, elementType));
  bindLiteral(ctx, 0, result);
  return success();
}

/// The single element of a ConstantOfShape `value` tensor.
FailureOr<Literal> readValueTensor(NodeContext &ctx,
                                   const onnx::TensorProto &tensor) {
  Type elementType = convertElementType(ctx.getContext(), tensor.data_type());
  if (!elementType)
    return ctx.emitError() << "value has data type "
                           << getDataTypeName(tensor.data_type())
                           << ", which SPC does not support";
  int64_t n = 1;
  for (int64_t d : tensor.dims())
    n *= d;
  if (n != 1)
    return ctx.emitError() << "value must hold one element, not " << n;
  Literal literal(RankedTensorType::get({}, elementType));
  literal.splat = true;
  unsigned width = elementType.getIntOrFloatBitWidth();
  // ONNX stores booleans in a byte and 8- and 16-bit values, including the
  // bits of half floats, in int32_data.
  APInt bits(std::max(width, 8u), 0);
  if (tensor.has_raw_data()) {
    if (tensor.raw_data().size() != bits.getBitWidth() / 8)
      return ctx.emitError() << "value holds " << tensor.raw_data().size()
                             << " bytes for one " << elementType;
    llvm::LoadIntFromMemory(
        bits, reinterpret_cast<const uint8_t *>(tensor.raw_data().data()),
        bits.getBitWidth() / 8);
  } else if (tensor.float_data_size() == 1) {
    bits = APFloat(tensor.float_data(0)).bitcastToAPInt();
  } else if (tensor.double_data_size() == 1) {
    bits = APFloat(tensor.double_data(0)).bitcastToAPInt();
  } else if (tensor.int64_data_size() == 1) {
    bits = APInt(64, uint64_t(tensor.int64_data(0)));
  } else if (tensor.uint64_data_size() == 1) {
    bits = APInt(bits.getBitWidth(), tensor.uint64_data(0),
                 /*isSigned=*/false, /*implicitTrunc=*/true);
  } else if (tensor.int32_data_size() == 1) {
    bits = APInt(bits.getBitWidth(), uint64_t(int64_t(tensor.int32_data(0))),
                 /*isSigned=*/false, /*implicitTrunc=*/true);
  } else {
    return ctx.emitError() << "value holds no element";
  }
  if (bits.getBitWidth() != std::max(width, 8u))
    return ctx.emitError() << "value holds malformed " << elementType
                           << " data";
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    APFloat v(floatType.getFloatSemantics(), bits);
    bool lostInfo;
    v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lostInfo);
    literal.floats.push_back(v.convertToDouble());
  } else if (width == 1) {
    literal.ints.push_back(!bits.isZero());
  } else {
    literal.ints.push_back(wrapInt(int64_t(bits.getZExtValue()), elementType));
  }
  return literal;
}

std::optional<LogicalResult> foldConstantOfShape(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> shape = ctx.constantInts(0, "shape");
  if (failed(shape))
    return failure();
  if (llvm::any_of(*shape, [](int64_t d) { return d < 0; }))
    return ctx.emitError() << "shape has a negative dimension";
  int64_t n = 1;
  for (int64_t d : *shape) {
    std::optional<int64_t> next = llvm::checkedMul(n, d);
    if (!next)
      return ctx.emitError() << "element count overflows 64-bit arithmetic";
    n = *next;
  }
  Literal value;
  if (const onnx::AttributeProto *attr = ctx.attr("value")) {
    FailureOr<Literal> v = readValueTensor(ctx, attr->t());
    if (failed(v))
      return failure();
    value = std::move(*v);
  } else {
    value = Literal(RankedTensorType::get({}, ctx.builder().getF32Type()));
    value.splat = true;
    value.floats.push_back(0.0);
  }
  value.type = value.type.clone(*shape);
  bindLiteral(ctx, 0, value);
  return success();
}

/// ReduceSum and ReduceProd over the axes (an attribute, or for ReduceSum
/// from opset 13 an optional input), keeping reduced dimensions by default.
std::optional<LogicalResult> foldReduce(NodeContext &ctx, bool isSum) {
  std::optional<Literal> x = readInput(ctx, 0);
  if (!x)
    return std::nullopt;
  int64_t rank = x->type.getRank();
  SmallVector<int64_t> axes;
  bool noopWhenEmpty = false;
  if (isSum && ctx.opset() >= 13) {
    noopWhenEmpty = ctx.intAttr("noop_with_empty_axes", 0) != 0;
    if (ctx.hasInput(1)) {
      FailureOr<SmallVector<int64_t>> a = ctx.constantInts(1, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
  } else {
    axes = ctx.intsAttr("axes");
  }
  if (axes.empty()) {
    if (noopWhenEmpty) {
      bindLiteral(ctx, 0, *x);
      return success();
    }
    axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  }
  llvm::SmallBitVector reduced(rank);
  for (int64_t axis : axes) {
    FailureOr<int64_t> d = normalizeAxis(ctx, axis, rank, "axis");
    if (failed(d))
      return failure();
    reduced.set(*d);
  }
  bool keepDims = ctx.intAttr("keepdims", 1) != 0;
  SmallVector<int64_t> kept, shape;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t size = x->type.getDimSize(d);
    kept.push_back(reduced.test(d) ? 1 : size);
    if (!reduced.test(d))
      shape.push_back(size);
    else if (keepDims)
      shape.push_back(1);
  }
  Literal result(x->type.clone(shape));
  SmallVector<int64_t> keptStrides = getStrides(kept);
  int64_t n = result.numElements();
  if (x->isFloat())
    result.floats.assign(n, isSum ? 0.0 : 1.0);
  else
    result.ints.assign(n, isSum ? 0 : 1);
  Type elementType = x->elementType();
  int64_t source = 0;
  forEachIndex(x->type.getShape(), [&](ArrayRef<int64_t> index) {
    int64_t target = 0;
    for (int64_t d = 0; d < rank; ++d)
      if (!reduced.test(d))
        target += index[d] * keptStrides[d];
    if (x->isFloat()) {
      double v = x->floatAt(source);
      result.floats[target] =
          isSum ? result.floats[target] + v : result.floats[target] * v;
    } else {
      uint64_t acc = result.ints[target], v = x->intAt(source);
      result.ints[target] =
          wrapInt(int64_t(isSum ? acc + v : acc * v), elementType);
    }
    ++source;
  });
  bindLiteral(ctx, 0, result);
  return success();
}

//===----------------------------------------------------------------------===//
// Shape and Size
//===----------------------------------------------------------------------===//

/// Shape and Size of a statically shaped tensor are constants even when its
/// values are not.
std::optional<LogicalResult> foldShapeOf(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  if (!type.hasStaticShape())
    return std::nullopt;
  Type i64 = ctx.builder().getI64Type();
  if (ctx.opType() == "Size") {
    ctx.setOutputConstant(
        0, makeDenseConstant(i64, {}, {double(type.getNumElements())}));
    return success();
  }
  int64_t rank = type.getRank();
  // Opset 15 adds start and end attributes that slice the shape.
  int64_t start = ctx.intAttr("start", 0), end = ctx.intAttr("end", rank);
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
  Literal dims(RankedTensorType::get({std::max<int64_t>(end - start, 0)}, i64));
  for (int64_t d = start; d < end; ++d)
    dims.ints.push_back(type.getDimSize(d));
  bindLiteral(ctx, 0, dims);
  return success();
}

using FoldFn = std::function<std::optional<LogicalResult>(NodeContext &)>;

const llvm::StringMap<FoldFn> &getFolders() {
  static const llvm::StringMap<FoldFn> folders = [] {
    llvm::StringMap<FoldFn> f;
    f["Cast"] = foldCast;
    f["Gather"] = foldGather;
    f["Concat"] = foldConcat;
    f["Reshape"] = foldReshape<getReshapeShape>;
    f["Flatten"] = foldReshape<getFlattenShape>;
    f["Squeeze"] = foldReshape<getSqueezeShape>;
    f["Unsqueeze"] = foldReshape<getUnsqueezeShape>;
    f["Slice"] = foldSlice;
    f["Split"] = foldSplit;
    f["Transpose"] = foldTranspose;
    f["Expand"] = foldExpand;
    f["Tile"] = foldTile;
    f["Where"] = foldWhere;
    f["Range"] = foldRange;
    f["ConstantOfShape"] = foldConstantOfShape;
    for (auto entry : {std::pair{"Add", Arith::Add},
                       {"Sub", Arith::Sub},
                       {"Mul", Arith::Mul},
                       {"Div", Arith::Div},
                       {"Pow", Arith::Pow}})
      f[entry.first] = [op = entry.second](NodeContext &ctx) {
        return foldBinaryArith(ctx, op);
      };
    f["Min"] = [](NodeContext &ctx) { return foldMinMax(ctx, Arith::Min); };
    f["Max"] = [](NodeContext &ctx) { return foldMinMax(ctx, Arith::Max); };
    for (auto entry : {std::pair{"Equal", Compare::Equal},
                       {"Less", Compare::Less},
                       {"Greater", Compare::Greater}})
      f[entry.first] = [op = entry.second](NodeContext &ctx) {
        return foldCompare(ctx, op);
      };
    f["And"] = [](NodeContext &ctx) { return foldLogic(ctx, true); };
    f["Or"] = [](NodeContext &ctx) { return foldLogic(ctx, false); };
    for (auto entry : {std::pair{"Neg", Unary::Neg},
                       {"Abs", Unary::Abs},
                       {"Sqrt", Unary::Sqrt},
                       {"Floor", Unary::Floor},
                       {"Ceil", Unary::Ceil},
                       {"Not", Unary::Not}})
      f[entry.first] = [op = entry.second](NodeContext &ctx) {
        return foldUnary(ctx, op);
      };
    f["ReduceSum"] = [](NodeContext &ctx) { return foldReduce(ctx, true); };
    f["ReduceProd"] = [](NodeContext &ctx) { return foldReduce(ctx, false); };
    return f;
  }();
  return folders;
}

} // namespace

std::optional<LogicalResult> onnx_import::tryFoldNode(NodeContext &ctx) {
  StringRef op = ctx.opType();
  if (op == "Shape" || op == "Size")
    return foldShapeOf(ctx);
  const llvm::StringMap<FoldFn> &folders = getFolders();
  auto it = folders.find(op);
  if (it == folders.end())
    return std::nullopt;
  for (size_t i = 0; i < ctx.numInputs(); ++i)
    if (ctx.hasInput(i) && !ctx.inputConstant(i))
      return std::nullopt;
  return it->second(ctx);
}
