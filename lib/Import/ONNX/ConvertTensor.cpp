//===- ConvertTensor.cpp - ONNX tensor operators to spa ---------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Data movement (Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat,
// Split, Slice, Pad, Resize, Gather, Expand, Tile), Where and Cast. The
// parameters of these operators are constants in exported models (shape
// subgraphs fold at import), so they become attributes or result types of
// the `spa` ops. The functions declared in TensorOps.h read and normalize
// them once for both the converters here and the folder in Folding.cpp.
//
//===----------------------------------------------------------------------===//

#include "TensorOps.h"

#include "llvm/ADT/SmallBitVector.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace spc;
using namespace spc::onnx_import;

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

/// Calls `fn` with every element of an integer or float constant as an APInt
/// or APFloat. Resource blobs are decoded from their little-endian bytes,
/// since ElementsAttr::getValues cannot iterate them. Fails on blobs without
/// data.
template <typename IntFn, typename FloatFn>
static LogicalResult forEachElement(ElementsAttr attr, IntFn onInt,
                                    FloatFn onFloat) {
  Type elementType = attr.getElementType();
  auto floatType = dyn_cast<FloatType>(elementType);
  if (!floatType && !isa<IntegerType>(elementType))
    return failure();
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (floatType)
      for (const APFloat &v : dense.getValues<APFloat>())
        onFloat(v);
    else
      for (const APInt &v : dense.getValues<APInt>())
        onInt(v);
    return success();
  }
  std::optional<spa::RawConstantData> raw = spa::getRawConstantData(attr);
  if (!raw)
    return failure();
  unsigned width = elementType.getIntOrFloatBitWidth();
  size_t bytes = width / 8;
  int64_t n = raw->isSplat ? 1 : attr.getNumElements();
  for (int64_t i = 0; i < n; ++i) {
    APInt bits(width, 0);
    llvm::LoadIntFromMemory(
        bits, reinterpret_cast<const uint8_t *>(raw->bytes.data()) + i * bytes,
        bytes);
    if (floatType)
      onFloat(APFloat(floatType.getFloatSemantics(), bits));
    else
      onInt(bits);
  }
  return success();
}

static bool isUnsignedElement(Type type) {
  return type.isUnsignedInteger() || type.isInteger(1);
}

std::optional<SmallVector<int64_t>> onnx_import::readInts(ElementsAttr attr) {
  if (!isa<IntegerType>(attr.getElementType()))
    return std::nullopt;
  bool isUnsigned = isUnsignedElement(attr.getElementType());
  SmallVector<int64_t> values;
  values.reserve(attr.getNumElements());
  if (failed(forEachElement(
          attr,
          [&](const APInt &v) {
            values.push_back(isUnsigned ? int64_t(v.getZExtValue())
                                        : v.getSExtValue());
          },
          [](const APFloat &) {})))
    return std::nullopt;
  return values;
}

std::optional<SmallVector<double>> onnx_import::readFloats(ElementsAttr attr) {
  bool isUnsigned = isUnsignedElement(attr.getElementType());
  SmallVector<double> values;
  values.reserve(attr.getNumElements());
  if (failed(forEachElement(
          attr,
          [&](const APInt &v) {
            values.push_back(isUnsigned ? double(v.getZExtValue())
                                        : double(v.getSExtValue()));
          },
          [&](const APFloat &v) {
            APFloat wide = v;
            bool lostInfo;
            wide.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                         &lostInfo);
            values.push_back(wide.convertToDouble());
          })))
    return std::nullopt;
  return values;
}

//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

namespace {

/// The product of `dims`; dynamic when one of them is, std::nullopt on
/// overflow.
std::optional<int64_t> product(ArrayRef<int64_t> dims) {
  int64_t result = 1;
  bool dynamic = false;
  for (int64_t d : dims) {
    if (ShapedType::isDynamic(d)) {
      dynamic = true;
      continue;
    }
    std::optional<int64_t> next = llvm::checkedMul(result, d);
    if (!next)
      return std::nullopt;
    result = *next;
  }
  return dynamic ? ShapedType::kDynamic : result;
}

/// Normalizes `axes` against `rank`, failing on duplicates.
FailureOr<SmallVector<int64_t>>
normalizeAxes(NodeContext &ctx, ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> result;
  llvm::SmallBitVector seen(rank);
  for (int64_t axis : axes) {
    FailureOr<int64_t> normalized = normalizeAxis(ctx, axis, rank, "axis");
    if (failed(normalized))
      return failure();
    if (seen.test(*normalized))
      return ctx.emitError() << "axis " << axis << " appears twice";
    seen.set(*normalized);
    result.push_back(*normalized);
  }
  llvm::sort(result);
  return result;
}

/// Reads an `axes` list: the attribute before `inputOpset`, constant input
/// `input` from it. `present` tells whether any was given.
FailureOr<SmallVector<int64_t>> readAxes(NodeContext &ctx, int64_t inputOpset,
                                         size_t input, bool &present) {
  if (ctx.opset() < inputOpset) {
    present = ctx.hasAttr("axes");
    return ctx.intsAttr("axes");
  }
  present = ctx.hasInput(input);
  if (!present)
    return SmallVector<int64_t>();
  return ctx.constantInts(input, "axes");
}

} // namespace

FailureOr<SmallVector<int64_t>>
onnx_import::broadcastShapes(NodeContext &ctx,
                             ArrayRef<ArrayRef<int64_t>> shapes) {
  size_t rank = 0;
  for (ArrayRef<int64_t> shape : shapes)
    rank = std::max(rank, shape.size());
  SmallVector<int64_t> result(rank, 1);
  for (ArrayRef<int64_t> shape : shapes) {
    for (auto [j, want] : llvm::enumerate(shape)) {
      int64_t &have = result[rank - shape.size() + j];
      if (want == 1 || have == want)
        continue;
      if (have == 1 || ShapedType::isDynamic(have)) {
        have = want;
        continue;
      }
      if (ShapedType::isDynamic(want))
        continue;
      InFlightDiagnostic diag = ctx.emitError();
      diag << "shapes ";
      llvm::interleaveComma(
          shapes, diag, [&](ArrayRef<int64_t> s) { diag << formatShape(s); });
      diag << " do not broadcast";
      return diag;
    }
  }
  return result;
}

FailureOr<SmallVector<int64_t>> onnx_import::getReshapeShape(NodeContext &ctx) {
  RankedTensorType inType = ctx.inputType(0);
  FailureOr<SmallVector<int64_t>> target = ctx.constantInts(1, "shape");
  if (failed(target))
    return failure();
  // Opset 14 lets 0 mean an empty dimension instead of a copy.
  bool allowZero = ctx.opset() >= 14 && ctx.intAttr("allowzero", 0) != 0;
  int64_t rank = inType.getRank();
  SmallVector<int64_t> shape;
  std::optional<size_t> inferred;
  // Input dimensions copied by 0 at the same position cancel out when -1 is
  // resolved, so that a dynamic batch dimension carried through by 0 does not
  // prevent it.
  llvm::SmallBitVector copied(rank);
  for (auto [i, d] : llvm::enumerate(*target)) {
    if (d == -1) {
      if (inferred)
        return ctx.emitError()
               << "shape " << formatShape(*target) << " has more than one -1";
      inferred = i;
      shape.push_back(1);
    } else if (d == 0 && !allowZero) {
      if (int64_t(i) >= rank)
        return ctx.emitError()
               << "shape " << formatShape(*target) << " copies dimension " << i
               << " of an input of rank " << rank;
      copied.set(i);
      shape.push_back(inType.getDimSize(i));
    } else if (d < 0) {
      return ctx.emitError() << "shape " << formatShape(*target)
                             << " has the invalid dimension " << d;
    } else {
      shape.push_back(d);
    }
  }
  if (!inferred) {
    std::optional<int64_t> in = product(inType.getShape());
    std::optional<int64_t> out = product(shape);
    if (!in || !out)
      return ctx.emitError() << "element count overflows 64-bit arithmetic";
    if (!ShapedType::isDynamic(*in) && !ShapedType::isDynamic(*out) &&
        *in != *out)
      return ctx.emitError()
             << "cannot reshape " << formatShape(inType.getShape()) << " to "
             << formatShape(*target);
    return shape;
  }
  if (allowZero && llvm::is_contained(*target, 0))
    return ctx.emitError() << "shape " << formatShape(*target)
                           << " has both -1 and 0, which allowzero=1 forbids";
  SmallVector<int64_t> inRest, outRest;
  for (int64_t d = 0; d < rank; ++d)
    if (!copied.test(d))
      inRest.push_back(inType.getDimSize(d));
  for (auto [i, d] : llvm::enumerate(shape))
    if (i != *inferred && !(i < size_t(rank) && copied.test(i)))
      outRest.push_back(d);
  std::optional<int64_t> in = product(inRest), out = product(outRest);
  if (!in || !out)
    return ctx.emitError() << "element count overflows 64-bit arithmetic";
  if (ShapedType::isDynamic(*in)) {
    // Name the first dynamic dimension that -1 depends on.
    SmallVector<int64_t> relevant(inType.getShape());
    for (int64_t d = 0; d < rank; ++d)
      if (copied.test(d))
        relevant[d] = 1;
    if (failed(ctx.requireStatic(inType.clone(relevant), ctx.input(0).onnxType,
                                 "input '" + ctx.node().input(0) + "'")))
      return failure();
  }
  if (*out == 0 || *in % *out != 0)
    return ctx.emitError() << "cannot reshape "
                           << formatShape(inType.getShape()) << " to "
                           << formatShape(*target);
  shape[*inferred] = *in / *out;
  return shape;
}

FailureOr<SmallVector<int64_t>> onnx_import::getFlattenShape(NodeContext &ctx) {
  ArrayRef<int64_t> shape = ctx.inputType(0).getShape();
  int64_t rank = shape.size();
  // The axis may equal the rank (everything in the first dimension) and, from
  // opset 11, count from the end.
  int64_t axis = ctx.intAttr("axis", 1);
  int64_t normalized = axis < 0 ? axis + rank : axis;
  if (normalized < 0 || normalized > rank)
    return ctx.emitError() << "axis " << axis << " is out of range for rank "
                           << rank;
  std::optional<int64_t> outer = product(shape.take_front(normalized));
  std::optional<int64_t> inner = product(shape.drop_front(normalized));
  if (!outer || !inner)
    return ctx.emitError() << "element count overflows 64-bit arithmetic";
  return SmallVector<int64_t>{*outer, *inner};
}

FailureOr<SmallVector<int64_t>> onnx_import::getSqueezeShape(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  int64_t rank = type.getRank();
  bool present;
  FailureOr<SmallVector<int64_t>> axes = readAxes(ctx, 13, 1, present);
  if (failed(axes))
    return failure();
  llvm::SmallBitVector squeezed(rank);
  if (!present) {
    // Without axes, every unit dimension goes: all of them must be known.
    if (failed(ctx.requireStaticInput(0)))
      return failure();
    for (int64_t d = 0; d < rank; ++d)
      if (type.getDimSize(d) == 1)
        squeezed.set(d);
  } else {
    FailureOr<SmallVector<int64_t>> normalized =
        normalizeAxes(ctx, *axes, rank);
    if (failed(normalized))
      return failure();
    for (int64_t d : *normalized) {
      int64_t size = type.getDimSize(d);
      if (size != 1 && !ShapedType::isDynamic(size))
        return ctx.emitError()
               << "cannot squeeze dimension " << d << " of extent " << size;
      squeezed.set(d);
    }
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d)
    if (!squeezed.test(d))
      shape.push_back(type.getDimSize(d));
  return shape;
}

FailureOr<SmallVector<int64_t>>
onnx_import::getUnsqueezeShape(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  bool present;
  FailureOr<SmallVector<int64_t>> axes = readAxes(ctx, 13, 1, present);
  if (failed(axes))
    return failure();
  if (!present)
    return ctx.emitError() << "missing axes";
  // Axes index the result, whose rank counts the new dimensions.
  int64_t rank = type.getRank() + axes->size();
  FailureOr<SmallVector<int64_t>> normalized = normalizeAxes(ctx, *axes, rank);
  if (failed(normalized))
    return failure();
  SmallVector<int64_t> shape;
  ArrayRef<int64_t> rest = type.getShape();
  for (int64_t d = 0; d < rank; ++d) {
    if (llvm::is_contained(*normalized, d)) {
      shape.push_back(1);
    } else {
      shape.push_back(rest.front());
      rest = rest.drop_front();
    }
  }
  return shape;
}

FailureOr<SmallVector<int64_t>>
onnx_import::getTransposePerm(NodeContext &ctx) {
  int64_t rank = ctx.inputType(0).getRank();
  if (!ctx.hasAttr("perm"))
    return llvm::to_vector(llvm::reverse(llvm::seq<int64_t>(0, rank)));
  SmallVector<int64_t> perm = ctx.intsAttr("perm");
  llvm::SmallBitVector seen(rank);
  bool valid = int64_t(perm.size()) == rank;
  for (int64_t p : perm) {
    if (!valid || p < 0 || p >= rank || seen.test(p)) {
      valid = false;
      break;
    }
    seen.set(p);
  }
  if (!valid)
    return ctx.emitError() << "perm " << formatShape(perm)
                           << " is not a permutation of " << rank
                           << " dimensions";
  return perm;
}

FailureOr<ConcatParams> onnx_import::getConcatParams(NodeContext &ctx) {
  ConcatParams params;
  bool first = true;
  for (size_t i = 0; i < ctx.numInputs(); ++i) {
    if (!ctx.hasInput(i))
      continue;
    ArrayRef<int64_t> shape = ctx.inputType(i).getShape();
    if (first) {
      FailureOr<int64_t> axis =
          normalizeAxis(ctx, ctx.intAttr("axis", 0), shape.size(), "axis");
      if (failed(axis))
        return failure();
      params.axis = *axis;
      params.shape.assign(shape);
      first = false;
      continue;
    }
    if (shape.size() != params.shape.size())
      return ctx.emitError() << "input " << i << " has rank " << shape.size()
                             << ", input 0 " << params.shape.size();
    for (auto [d, size] : llvm::enumerate(shape)) {
      int64_t &have = params.shape[d];
      if (int64_t(d) == params.axis) {
        have = ShapedType::isDynamic(have) || ShapedType::isDynamic(size)
                   ? ShapedType::kDynamic
                   : have + size;
      } else if (ShapedType::isDynamic(have)) {
        have = size;
      } else if (!ShapedType::isDynamic(size) && size != have) {
        return ctx.emitError()
               << "input " << i << " of shape " << formatShape(shape)
               << " differs from " << formatShape(ctx.inputType(0).getShape())
               << " outside axis " << params.axis;
      }
    }
  }
  if (first)
    return ctx.emitError() << "has no inputs";
  return params;
}

FailureOr<SliceParams> onnx_import::getSliceParams(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  int64_t rank = type.getRank();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (ctx.opset() < 10) {
    starts = ctx.intsAttr("starts");
    ends = ctx.intsAttr("ends");
    axes = ctx.intsAttr("axes");
  } else {
    FailureOr<SmallVector<int64_t>> s = ctx.constantInts(1, "starts");
    if (failed(s))
      return failure();
    FailureOr<SmallVector<int64_t>> e = ctx.constantInts(2, "ends");
    if (failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (ctx.hasInput(3)) {
      FailureOr<SmallVector<int64_t>> a = ctx.constantInts(3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    if (ctx.hasInput(4)) {
      FailureOr<SmallVector<int64_t>> st = ctx.constantInts(4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  size_t n = starts.size();
  if (axes.empty())
    axes = llvm::to_vector(llvm::seq<int64_t>(0, n));
  if (steps.empty())
    steps.assign(n, 1);
  if (ends.size() != n || axes.size() != n || steps.size() != n)
    return ctx.emitError() << "starts, ends, axes and steps must have the "
                              "same length";

  SliceParams params;
  params.starts.assign(rank, 0);
  params.steps.assign(rank, 1);
  params.shape.assign(type.getShape());
  llvm::SmallBitVector seen(rank);
  for (size_t i = 0; i < n; ++i) {
    FailureOr<int64_t> axis = normalizeAxis(ctx, axes[i], rank, "axis");
    if (failed(axis))
      return failure();
    if (seen.test(*axis))
      return ctx.emitError() << "axis " << axes[i] << " appears twice";
    seen.set(*axis);
    int64_t start = starts[i], end = ends[i], step = steps[i];
    if (step == 0)
      return ctx.emitError() << "step of axis " << axes[i] << " is zero";
    int64_t dim = type.getDimSize(*axis);
    if (ShapedType::isDynamic(dim)) {
      // A slice of a whole dynamic dimension needs no extent.
      if (step == 1 && start == 0 && end >= std::numeric_limits<int32_t>::max())
        continue;
      if (failed(ctx.requireStaticInput(0)))
        return failure();
    }
    // Negative indices count from the end; then both are clamped to one
    // before the first and one past the last element in the direction of the
    // step, as NumPy slicing (the ONNX reference) and ONNX Runtime do. A
    // negative-step start still before the first element selects nothing.
    if (start < 0)
      start += dim;
    if (end < 0)
      end += dim;
    int64_t count = 0;
    if (dim == 0) {
      start = 0;
    } else if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      if (end > start)
        count = llvm::divideCeil(uint64_t(end - start), uint64_t(step));
    } else {
      start = std::clamp<int64_t>(start, -1, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      if (start > end)
        count = llvm::divideCeil(uint64_t(start - end),
                                 uint64_t(0) - uint64_t(step));
    }
    params.starts[*axis] = count == 0 ? 0 : start;
    params.steps[*axis] = step;
    params.shape[*axis] = count;
  }
  return params;
}

FailureOr<SmallVector<SliceParams>>
onnx_import::getSplitParams(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  FailureOr<int64_t> axis =
      normalizeAxis(ctx, ctx.intAttr("axis", 0), type.getRank(), "axis");
  if (failed(axis))
    return failure();
  SmallVector<int64_t> sizes;
  if (ctx.opset() < 13) {
    sizes = ctx.intsAttr("split");
  } else if (ctx.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> split = ctx.constantInts(1, "split");
    if (failed(split))
      return failure();
    sizes = *split;
  }
  int64_t dim = type.getDimSize(*axis);
  int64_t n = ctx.numOutputs();
  if (sizes.empty()) {
    if (ShapedType::isDynamic(dim) && failed(ctx.requireStaticInput(0)))
      return failure();
    if (dim % n != 0)
      return ctx.emitError() << "cannot split extent " << dim << " into " << n
                             << " equal parts";
    sizes.assign(n, dim / n);
  }
  if (int64_t(sizes.size()) != n)
    return ctx.emitError() << "split has " << sizes.size() << " sizes for " << n
                           << " outputs";
  int64_t total = 0;
  for (int64_t size : sizes) {
    if (size < 0)
      return ctx.emitError()
             << "split " << formatShape(sizes) << " has a negative size";
    total += size;
  }
  if (!ShapedType::isDynamic(dim) && total != dim)
    return ctx.emitError() << "split " << formatShape(sizes) << " sums to "
                           << total << ", but the axis has extent " << dim;
  SmallVector<SliceParams> windows;
  int64_t offset = 0;
  for (int64_t size : sizes) {
    SliceParams &window = windows.emplace_back();
    window.starts.assign(type.getRank(), 0);
    window.steps.assign(type.getRank(), 1);
    window.shape.assign(type.getShape());
    window.starts[*axis] = size == 0 ? 0 : offset;
    window.shape[*axis] = size;
    offset += size;
  }
  return windows;
}

FailureOr<GatherParams> onnx_import::getGatherParams(NodeContext &ctx) {
  ArrayRef<int64_t> data = ctx.inputType(0).getShape();
  FailureOr<int64_t> axis =
      normalizeAxis(ctx, ctx.intAttr("axis", 0), data.size(), "axis");
  if (failed(axis))
    return failure();
  GatherParams params;
  params.axis = *axis;
  llvm::append_range(params.shape, data.take_front(*axis));
  llvm::append_range(params.shape, ctx.inputType(1).getShape());
  llvm::append_range(params.shape, data.drop_front(*axis + 1));
  return params;
}

LogicalResult onnx_import::normalizeGatherIndices(
    NodeContext &ctx, MutableArrayRef<int64_t> indices, int64_t extent) {
  for (int64_t &index : indices) {
    if (ShapedType::isDynamic(extent)) {
      if (index < 0)
        return ctx.requireStaticInput(0);
      continue;
    }
    if (index < -extent || index >= extent)
      return ctx.emitError()
             << "index " << index << " is out of range for extent " << extent;
    if (index < 0)
      index += extent;
  }
  return success();
}

FailureOr<SmallVector<int64_t>> onnx_import::getExpandShape(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> shape = ctx.constantInts(1, "shape");
  if (failed(shape))
    return failure();
  if (llvm::any_of(*shape, [](int64_t d) { return d < 0; }))
    return ctx.emitError() << "shape " << formatShape(*shape)
                           << " has a negative dimension";
  return broadcastShapes(ctx, {ctx.inputType(0).getShape(), *shape});
}

FailureOr<SmallVector<int64_t>> onnx_import::getTileRepeats(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> repeats = ctx.constantInts(1, "repeats");
  if (failed(repeats))
    return failure();
  int64_t rank = ctx.inputType(0).getRank();
  if (int64_t(repeats->size()) != rank)
    return ctx.emitError() << "repeats " << formatShape(*repeats)
                           << " must have one count per dimension (" << rank
                           << ")";
  if (llvm::any_of(*repeats, [](int64_t r) { return r < 0; }))
    return ctx.emitError() << "repeats " << formatShape(*repeats)
                           << " has a negative count";
  return repeats;
}

FailureOr<Type> onnx_import::getCastType(NodeContext &ctx) {
  int64_t to = ctx.intAttr("to", 0);
  Type type = convertElementType(ctx.getContext(), to);
  if (!type)
    return ctx.emitError() << "cannot cast to " << getDataTypeName(to)
                           << "; SPC supports float, integer and bool types";
  return type;
}

//===----------------------------------------------------------------------===//
// Converters
//===----------------------------------------------------------------------===//

namespace {

RankedTensorType withShape(NodeContext &ctx, size_t input,
                           ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, ctx.inputType(input).getElementType());
}

/// Reshape, Flatten, Squeeze and Unsqueeze all become spa.reshape.
template <FailureOr<SmallVector<int64_t>> (*GetShape)(NodeContext &)>
LogicalResult convertToReshape(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> shape = GetShape(ctx);
  if (failed(shape))
    return failure();
  ctx.setOutput(0,
                reshapeTo(ctx, ctx.inputValue(0), withShape(ctx, 0, *shape)));
  return success();
}

LogicalResult convertTranspose(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> perm = getTransposePerm(ctx);
  if (failed(perm))
    return failure();
  SmallVector<int64_t> shape;
  for (int64_t p : *perm)
    shape.push_back(ctx.inputType(0).getDimSize(p));
  ctx.setOutput(0, spa::TransposeOp::create(ctx.builder(), ctx.loc(),
                                            withShape(ctx, 0, shape),
                                            ctx.inputValue(0), *perm));
  return success();
}

LogicalResult convertConcat(NodeContext &ctx) {
  FailureOr<ConcatParams> params = getConcatParams(ctx);
  if (failed(params))
    return failure();
  SmallVector<Value> inputs;
  for (size_t i = 0; i < ctx.numInputs(); ++i)
    if (ctx.hasInput(i))
      inputs.push_back(ctx.inputValue(i));
  ctx.setOutput(0, spa::ConcatOp::create(ctx.builder(), ctx.loc(),
                                         withShape(ctx, 0, params->shape),
                                         inputs, params->axis));
  return success();
}

Value createSlice(NodeContext &ctx, Value input, const SliceParams &window) {
  auto type = cast<RankedTensorType>(input.getType());
  return spa::SliceOp::create(ctx.builder(), ctx.loc(),
                              type.clone(window.shape), input, window.starts,
                              window.steps);
}

LogicalResult convertSlice(NodeContext &ctx) {
  FailureOr<SliceParams> params = getSliceParams(ctx);
  if (failed(params))
    return failure();
  ctx.setOutput(0, createSlice(ctx, ctx.inputValue(0), *params));
  return success();
}

LogicalResult convertSplit(NodeContext &ctx) {
  FailureOr<SmallVector<SliceParams>> windows = getSplitParams(ctx);
  if (failed(windows))
    return failure();
  Value input = ctx.inputValue(0);
  for (auto [i, window] : llvm::enumerate(*windows))
    if (ctx.hasOutput(i))
      ctx.setOutput(i, createSlice(ctx, input, window));
  return success();
}

LogicalResult convertPad(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  int64_t rank = type.getRank();
  // Opset 11 turns the pads and value attributes into inputs.
  SmallVector<int64_t> pads;
  double value = 0.0;
  if (ctx.opset() < 11) {
    pads = ctx.intsAttr("pads");
    value = ctx.floatAttr("value", 0.0f);
  } else {
    FailureOr<SmallVector<int64_t>> p = ctx.constantInts(1, "pads");
    if (failed(p))
      return failure();
    pads = *p;
    if (ctx.hasInput(2)) {
      ElementsAttr constant = ctx.inputConstant(2);
      std::optional<SmallVector<double>> v;
      if (constant)
        v = readFloats(constant);
      if (!v || v->size() != 1)
        return ctx.emitError() << "constant_value ('" << ctx.node().input(2)
                               << "') must be a constant scalar";
      value = v->front();
    }
  }
  if (int64_t(pads.size()) != 2 * rank)
    return ctx.emitError() << "expects " << 2 * rank << " pads, got "
                           << pads.size();
  std::string modeName = ctx.stringAttr("mode", "constant");
  std::optional<spa::PadMode> mode =
      llvm::StringSwitch<std::optional<spa::PadMode>>(modeName)
          .Case("constant", spa::PadMode::Constant)
          .Case("reflect", spa::PadMode::Reflect)
          .Case("edge", spa::PadMode::Edge)
          .Default(std::nullopt);
  if (!mode)
    return ctx.emitError() << "unsupported mode '" << modeName
                           << "'; SPC supports constant, reflect and edge";

  // Negative pads remove elements. They are taken off first, as ONNX Runtime
  // does, so that reflect and edge padding see the cropped tensor.
  Value result = ctx.inputValue(0);
  SliceParams crop;
  crop.starts.assign(rank, 0);
  crop.steps.assign(rank, 1);
  crop.shape.assign(type.getShape());
  SmallVector<int64_t> grow(2 * rank, 0);
  bool crops = false;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t low = pads[d], high = pads[rank + d];
    grow[d] = std::max<int64_t>(low, 0);
    grow[rank + d] = std::max<int64_t>(high, 0);
    if (low >= 0 && high >= 0)
      continue;
    crops = true;
    int64_t dim = type.getDimSize(d);
    if (ShapedType::isDynamic(dim) && failed(ctx.requireStaticInput(0)))
      return failure();
    int64_t removed = std::max<int64_t>(-low, 0) + std::max<int64_t>(-high, 0);
    if (removed > dim)
      return ctx.emitError()
             << "negative pads remove " << removed << " elements of dimension "
             << d << ", which has " << dim;
    crop.starts[d] = removed == dim ? 0 : std::max<int64_t>(-low, 0);
    crop.shape[d] = dim - removed;
  }
  if (crops)
    result = createSlice(ctx, result, crop);
  if (llvm::any_of(grow, [](int64_t p) { return p != 0; })) {
    auto croppedType = cast<RankedTensorType>(result.getType());
    SmallVector<int64_t> shape;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t dim = croppedType.getDimSize(d);
      if (*mode == spa::PadMode::Reflect && !ShapedType::isDynamic(dim) &&
          std::max(grow[d], grow[rank + d]) >= dim)
        return ctx.emitError() << "reflect padding of dimension " << d
                               << " must be smaller than its extent " << dim;
      shape.push_back(
          ShapedType::isDynamic(dim) ? dim : dim + grow[d] + grow[rank + d]);
    }
    result =
        spa::PadOp::create(ctx.builder(), ctx.loc(), croppedType.clone(shape),
                           result, grow, *mode, APFloat(value));
  }
  ctx.setOutput(0, result);
  return success();
}

LogicalResult convertResize(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  int64_t rank = type.getRank();
  std::string modeName = ctx.stringAttr("mode", "nearest");
  spa::ResizeMode mode;
  if (modeName == "nearest")
    mode = spa::ResizeMode::Nearest;
  else if (modeName == "linear")
    mode = spa::ResizeMode::Linear;
  else if (modeName == "cubic")
    return ctx.emitError() << "mode 'cubic' is not supported; SPC resizes "
                              "with nearest and linear interpolation";
  else
    return ctx.emitError() << "unknown mode '" << modeName << "'";
  if (mode == spa::ResizeMode::Linear && !isa<FloatType>(type.getElementType()))
    return ctx.emitError() << "linear interpolation needs float elements, "
                              "got "
                           << type.getElementType();

  // Opset 10 has only the scales input and no coordinate attributes; ONNX's
  // own 10-to-11 adapter reads it as asymmetric coordinates rounded down.
  auto transform = spa::CoordinateTransform::Asymmetric;
  auto rounding = spa::NearestRounding::Floor;
  size_t scalesInput = 1;
  std::optional<size_t> sizesInput;
  if (ctx.opset() >= 11) {
    scalesInput = 2;
    sizesInput = 3;
    std::string transformName =
        ctx.stringAttr("coordinate_transformation_mode", "half_pixel");
    std::optional<spa::CoordinateTransform> t =
        spa::symbolizeCoordinateTransform(transformName);
    if (transformName == "tf_crop_and_resize" ||
        transformName == "tf_half_pixel_for_nearest")
      return ctx.emitError() << "coordinate_transformation_mode '"
                             << transformName << "' is not supported";
    if (!t)
      return ctx.emitError() << "unknown coordinate_transformation_mode '"
                             << transformName << "'";
    transform = *t;
    std::string roundingName =
        ctx.stringAttr("nearest_mode", "round_prefer_floor");
    std::optional<spa::NearestRounding> r =
        spa::symbolizeNearestRounding(roundingName);
    if (!r)
      return ctx.emitError() << "unknown nearest_mode '" << roundingName << "'";
    // The rounding only matters to nearest interpolation; linear keeps the
    // default so that it prints as nothing.
    rounding = mode == spa::ResizeMode::Nearest
                   ? *r
                   : spa::NearestRounding::RoundPreferFloor;
  }

  // An input given as an empty tensor (opset 11 needs a name for scales when
  // it gives sizes) counts as absent.
  SmallVector<double> scales;
  if (ctx.hasInput(scalesInput)) {
    ElementsAttr constant = ctx.inputConstant(scalesInput);
    std::optional<SmallVector<double>> values;
    if (constant)
      values = readFloats(constant);
    if (!values)
      return ctx.emitError() << "scales ('" << ctx.node().input(scalesInput)
                             << "') must be a constant";
    scales = std::move(*values);
  }
  SmallVector<int64_t> sizes;
  if (sizesInput && ctx.hasInput(*sizesInput)) {
    FailureOr<SmallVector<int64_t>> values =
        ctx.constantInts(*sizesInput, "sizes");
    if (failed(values))
      return failure();
    sizes = std::move(*values);
  }
  if (!scales.empty() && !sizes.empty())
    return ctx.emitError() << "gives both scales and sizes";
  if (scales.empty() && sizes.empty())
    return ctx.emitError() << "needs scales or sizes";

  SmallVector<int64_t> shape;
  DenseF32ArrayAttr scalesAttr;
  if (!scales.empty()) {
    if (int64_t(scales.size()) != rank)
      return ctx.emitError()
             << "expects " << rank << " scales, got " << scales.size();
    SmallVector<float> f32Scales;
    for (auto [size, scale] : llvm::zip(type.getShape(), scales)) {
      float f = float(scale);
      if (!(f > 0.0f))
        return ctx.emitError() << "scales must be positive, got " << scale;
      f32Scales.push_back(f);
      // As spa.resize's verifier: floor(extent * scale).
      shape.push_back(ShapedType::isDynamic(size)
                          ? size
                          : int64_t(std::floor(double(size) * f)));
    }
    scalesAttr = ctx.builder().getDenseF32ArrayAttr(f32Scales);
  } else {
    if (int64_t(sizes.size()) != rank)
      return ctx.emitError()
             << "expects " << rank << " sizes, got " << sizes.size();
    if (llvm::any_of(sizes, [](int64_t s) { return s <= 0; }))
      return ctx.emitError()
             << "sizes " << formatShape(sizes) << " must be positive";
    shape = sizes;
  }
  ctx.setOutput(0,
                spa::ResizeOp::create(ctx.builder(), ctx.loc(),
                                      type.clone(shape), ctx.inputValue(0),
                                      mode, transform, rounding, scalesAttr));
  return success();
}

LogicalResult convertGather(NodeContext &ctx) {
  FailureOr<GatherParams> params = getGatherParams(ctx);
  if (failed(params))
    return failure();
  Value indices;
  if (ElementsAttr constant = ctx.inputConstant(1)) {
    // Constant indices are checked and made non-negative here.
    std::optional<SmallVector<int64_t>> values = readInts(constant);
    if (!values)
      return ctx.emitError() << "cannot read the indices";
    SmallVector<int64_t> original = *values;
    if (failed(normalizeGatherIndices(
            ctx, *values, ctx.inputType(0).getDimSize(params->axis))))
      return failure();
    if (*values != original) {
      auto indexType = cast<IntegerType>(constant.getElementType());
      SmallVector<APInt> ints;
      for (int64_t v : *values)
        ints.push_back(APInt(indexType.getWidth(), v, /*isSigned=*/true));
      indices = ctx.materialize(
          DenseElementsAttr::get(cast<ShapedType>(constant.getType()), ints));
    }
  }
  if (!indices)
    indices = ctx.inputValue(1);
  ctx.setOutput(0, spa::GatherOp::create(ctx.builder(), ctx.loc(),
                                         withShape(ctx, 0, params->shape),
                                         ctx.inputValue(0), indices,
                                         params->axis));
  return success();
}

LogicalResult convertExpand(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> shape = getExpandShape(ctx);
  if (failed(shape))
    return failure();
  RankedTensorType type = withShape(ctx, 0, *shape);
  Value input = ctx.inputValue(0);
  ctx.setOutput(
      0, type == input.getType()
             ? input
             : spa::ExpandOp::create(ctx.builder(), ctx.loc(), type, input)
                   .getResult());
  return success();
}

LogicalResult convertTile(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> repeats = getTileRepeats(ctx);
  if (failed(repeats))
    return failure();
  if (llvm::is_contained(*repeats, 0))
    return ctx.emitError() << "a repeat count of 0 gives an empty tensor, "
                              "which SPC does not support";
  SmallVector<int64_t> shape;
  for (auto [size, repeat] : llvm::zip(ctx.inputType(0).getShape(), *repeats))
    shape.push_back(ShapedType::isDynamic(size) ? size : size * repeat);
  ctx.setOutput(0, spa::TileOp::create(ctx.builder(), ctx.loc(),
                                       withShape(ctx, 0, shape),
                                       ctx.inputValue(0), *repeats));
  return success();
}

LogicalResult convertWhere(NodeContext &ctx) {
  // The condition is a mask computed from shapes in exported models
  // (attention masks, padding); it must have folded to a constant.
  if (!ctx.inputConstant(0))
    return ctx.emitError() << "the condition ('" << ctx.node().input(0)
                           << "') must be a constant";
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes(
      ctx, {ctx.inputType(0).getShape(), ctx.inputType(1).getShape(),
            ctx.inputType(2).getShape()});
  if (failed(shape))
    return failure();
  ctx.setOutput(0, spa::SelectOp::create(ctx.builder(), ctx.loc(),
                                         withShape(ctx, 1, *shape),
                                         ctx.inputValue(0), ctx.inputValue(1),
                                         ctx.inputValue(2)));
  return success();
}

LogicalResult convertCast(NodeContext &ctx) {
  FailureOr<Type> elementType = getCastType(ctx);
  if (failed(elementType))
    return failure();
  ctx.setOutput(0, castTo(ctx, ctx.inputValue(0), *elementType));
  return success();
}

/// Shape and Size fold whenever their input has a static shape.
LogicalResult convertShapeOf(NodeContext &ctx) {
  if (failed(ctx.requireStaticInput(0)))
    return failure();
  return ctx.emitError() << "internal error: not folded";
}

/// Operators that exist in exported models only to compute shapes and masks:
/// the folder evaluates them when their inputs are constants, and SPC has no
/// run-time equivalent.
LogicalResult convertFoldOnly(NodeContext &ctx) {
  for (size_t i = 0; i < ctx.numInputs(); ++i)
    if (ctx.hasInput(i) && !ctx.inputConstant(i))
      return ctx.emitError()
             << "is supported only on constants, which are "
                "evaluated at import, but input '"
             << ctx.node().input(i) << "' is computed at run time";
  return ctx.emitError() << "cannot be evaluated at import: its operands or "
                            "result have more than "
                         << kFoldElementLimit
                         << " elements, or a result is undefined";
}

} // namespace

void onnx_import::registerTensorConverters(ConverterTable &table) {
  table["Reshape"] = convertToReshape<getReshapeShape>;
  table["Flatten"] = convertToReshape<getFlattenShape>;
  table["Squeeze"] = convertToReshape<getSqueezeShape>;
  table["Unsqueeze"] = convertToReshape<getUnsqueezeShape>;
  table["Transpose"] = convertTranspose;
  table["Concat"] = convertConcat;
  table["Split"] = convertSplit;
  table["Slice"] = convertSlice;
  table["Pad"] = convertPad;
  table["Resize"] = convertResize;
  table["Gather"] = convertGather;
  table["Expand"] = convertExpand;
  table["Tile"] = convertTile;
  table["Where"] = convertWhere;
  table["Cast"] = convertCast;
  table["Shape"] = convertShapeOf;
  table["Size"] = convertShapeOf;
  // Operators the folder evaluates. Those with a run-time spa equivalent
  // belong to other families, which register earlier and take precedence.
  for (StringRef name : {"Range",      "ConstantOfShape",
                         "Equal",      "Less",
                         "Greater",    "Not",
                         "And",        "Or",
                         "Floor",      "Ceil",
                         "ReduceProd", "Add",
                         "Sub",        "Mul",
                         "Div",        "Pow",
                         "Neg",        "Abs",
                         "Sqrt",       "Min",
                         "Max",        "ReduceSum"})
    table.try_emplace(name, convertFoldOnly);
}
