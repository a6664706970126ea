//===- PermuteChannels.cpp - Channel permutation for N:M pruning ----------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Finds the channel spaces of a function (the tensors whose channels must be
// permuted together), searches each space's permutation for the N:M pattern
// its consumers will be pruned to (spc/Support/ChannelPermutation.h), and
// folds it into the constants: producer weight rows and biases, per-channel
// parameters on the path, and consumer weight columns.
//
//===----------------------------------------------------------------------===//

#include "spc/Dialect/Spa/Transforms/Passes.h"

#include "LayoutUtils.h"

#include "spc/Support/ChannelPermutation.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <cstring>
#include <numeric>

namespace spc::spa {
#define GEN_PASS_DEF_SPAPERMUTECHANNELS
#include "spc/Dialect/Spa/Transforms/Passes.h.inc"
} // namespace spc::spa

using namespace mlir;
using namespace spc;
using namespace spc::spa;

namespace {

/// A contraction that reduces a space's channels with a constant weight.
struct Consumer {
  Operation *op;
  OpOperand *weight;
  /// The weight's input-channel dimension.
  int64_t axis;
  /// The N:M pattern it will be pruned to, if any.
  std::optional<PruneSpec> pattern;
};

/// A block of a concatenation: the channels [offset, offset + length) of a
/// space come from space `space`.
struct Segment {
  unsigned space;
  int64_t offset, length;
};

/// Tensors whose channels move together, and the constants that move with
/// them.
struct Space {
  int64_t channels = 0;
  /// Why the space cannot be permuted; empty when it can.
  std::string pinned;
  /// Constant operands to permute along a dimension.
  llvm::SetVector<std::pair<OpOperand *, int64_t>> params;
  SmallVector<Consumer> consumers;
  /// For the result of a concatenation along the channels: its blocks.
  SmallVector<Segment> segments;
  unsigned numConcats = 0;
  /// permutation[p] is the channel position p reads; empty for identity.
  std::vector<int64_t> permutation;
};

int64_t rankOf(Value v) { return cast<RankedTensorType>(v.getType()).getRank(); }
int64_t dimOf(Value v, int64_t d) {
  return cast<RankedTensorType>(v.getType()).getDimSize(d);
}
bool isConstant(Value v) { return v.getDefiningOp<ConstantOp>() != nullptr; }

/// The axis of `to` that a reshape from `from` maps axis `axis` to, when the
/// reshape only adds or drops unit dimensions around it.
std::optional<int64_t> mapThroughReshape(ArrayRef<int64_t> from,
                                         ArrayRef<int64_t> to, int64_t axis) {
  SmallVector<int64_t> a, b;
  SmallVector<int64_t> positions;
  int64_t index = -1;
  for (auto [i, d] : llvm::enumerate(from))
    if (d != 1) {
      if (int64_t(i) == axis)
        index = int64_t(a.size());
      a.push_back(d);
    }
  for (auto [i, d] : llvm::enumerate(to))
    if (d != 1) {
      b.push_back(d);
      positions.push_back(int64_t(i));
    }
  if (index < 0 || a != b)
    return std::nullopt;
  return positions[index];
}

/// Builds the channel spaces from the consumers outwards.
class SpaceBuilder {
public:
  explicit SpaceBuilder(
      llvm::function_ref<std::optional<PruneSpec>(Operation *)> patternOf)
      : patternOf(patternOf) {}

  /// Starts a space at `value`'s channel `axis` unless it has one already.
  void seed(Value value, int64_t axis) {
    pending.emplace_back(value, axis);
    while (!pending.empty()) {
      auto [v, a] = pending.back();
      pending.pop_back();
      if (assignment.count(v))
        continue;
      spaces.emplace_back();
      spaces.back().channels = dimOf(v, a);
      flood(unsigned(spaces.size() - 1), v, a);
    }
  }

  /// Records the blocks of every concatenation along the channels.
  void resolveConcats() {
    for (Operation *op : concats) {
      auto concat = cast<ConcatOp>(op);
      unsigned d = assignment.lookup(concat.getResult()).first;
      Space &result = spaces[d];
      if (++result.numConcats > 1) {
        pin(d, "it is the sum of several concatenations");
        continue;
      }
      int64_t axis = concat.getAxis();
      if (axis < 0)
        axis += rankOf(concat.getResult());
      int64_t offset = 0;
      for (Value input : concat.getInputs()) {
        int64_t length = dimOf(input, axis);
        auto it = assignment.find(input);
        if (it == assignment.end() || it->second.second != axis)
          pin(d, "a concatenated block is a constant or has its channels on "
                 "another axis");
        else
          result.segments.push_back(
              {assignment.lookup(input).first, offset, length});
        offset += length;
      }
    }
    for (auto [d, space] : llvm::enumerate(spaces)) {
      llvm::SmallDenseSet<unsigned> seen;
      for (const Segment &segment : space.segments)
        if (segment.space == d || !seen.insert(segment.space).second ||
            !spaces[segment.space].segments.empty())
          pin(d, "its concatenation repeats or nests channel blocks");
    }
  }

  /// Pins what a pinned concatenation holds in place.
  void propagatePins() {
    for (Space &space : spaces)
      if (!space.pinned.empty())
        for (const Segment &segment : space.segments)
          if (spaces[segment.space].pinned.empty())
            spaces[segment.space].pinned =
                "it is concatenated into channels that cannot move (" +
                space.pinned + ")";
  }

  void pin(unsigned s, const Twine &why) {
    if (spaces[s].pinned.empty())
      spaces[s].pinned = why.str();
  }

  std::vector<Space> spaces;
  llvm::DenseMap<Value, std::pair<unsigned, int64_t>> assignment;

private:
  void flood(unsigned s, Value start, int64_t axis) {
    SmallVector<std::pair<Value, int64_t>> worklist;
    link(s, start, axis, worklist);
    while (!worklist.empty()) {
      auto [v, a] = worklist.pop_back_val();
      if (auto result = dyn_cast<OpResult>(v))
        visit(s, result.getOwner(), std::nullopt, a, worklist);
      else
        pin(s, "it is a model input");
      for (OpOperand &use : v.getUses())
        visit(s, use.getOwner(), use.getOperandNumber(), a, worklist);
    }
  }

  void link(unsigned s, Value v, int64_t axis,
            SmallVectorImpl<std::pair<Value, int64_t>> &worklist) {
    auto [it, inserted] = assignment.try_emplace(v, s, axis);
    if (!inserted) {
      if (it->second != std::make_pair(s, axis)) {
        pin(s, "a tensor carries channels on two axes");
        pin(it->second.first, "a tensor carries channels on two axes");
      }
      return;
    }
    int64_t size = dimOf(v, axis);
    if (size != spaces[s].channels && !ShapedType::isDynamic(size))
      pin(s, "a tensor's channel count differs");
    worklist.emplace_back(v, axis);
  }

  /// Links an operand: a constant is permuted with the space, anything else
  /// joins it.
  void linkOperand(unsigned s, OpOperand &operand, int64_t axis,
                   SmallVectorImpl<std::pair<Value, int64_t>> &worklist) {
    if (auto constant = operand.get().getDefiningOp<ConstantOp>()) {
      auto type = constant.getType();
      if (!type.getElementType().isIntOrFloat() ||
          type.getElementTypeBitWidth() % 8 != 0)
        return pin(s, "a constant on its path has sub-byte elements");
      spaces[s].params.insert({&operand, axis});
      return;
    }
    link(s, operand.get(), axis, worklist);
  }

  /// Links every operand and the result of a broadcasting op, whose result
  /// has the channels on `resultAxis`.
  void linkBroadcast(unsigned s, Operation *op, int64_t resultAxis,
                     SmallVectorImpl<std::pair<Value, int64_t>> &worklist) {
    int64_t rank = rankOf(op->getResult(0));
    for (OpOperand &operand : op->getOpOperands()) {
      int64_t a = resultAxis - (rank - rankOf(operand.get()));
      if (a >= 0 && dimOf(operand.get(), a) != 1)
        linkOperand(s, operand, a, worklist);
    }
    link(s, op->getResult(0), resultAxis, worklist);
  }

  /// Visits `op`, reached at operand `operand` (or at its result) whose
  /// channels are on `axis`.
  void visit(unsigned s, Operation *op, std::optional<unsigned> operand,
             int64_t axis,
             SmallVectorImpl<std::pair<Value, int64_t>> &worklist) {
    auto linkAll = [&](int64_t a) {
      for (OpOperand &o : op->getOpOperands())
        linkOperand(s, o, a, worklist);
      link(s, op->getResult(0), a, worklist);
    };
    StringRef name = op->getName().getStringRef();

    if (isa<func::ReturnOp>(op))
      return pin(s, "it is a model output");
    if (isa<ReluOp, SigmoidOp, HardSwishOp, TanhOp, ErfOp, ExpOp, LogOp,
            SqrtOp, ReciprocalOp, NegOp, AbsOp, LeakyReluOp, HardSigmoidOp,
            GeluOp, ClipOp, CastOp, SoftmaxOp, LogSoftmaxOp>(op))
      return linkAll(axis);
    if (isa<AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp, PowOp, PReluOp,
            SelectOp, LayerNormOp>(op)) {
      int64_t resultAxis =
          operand ? axis + rankOf(op->getResult(0)) -
                        rankOf(op->getOperand(*operand))
                  : axis;
      if (auto norm = dyn_cast<LayerNormOp>(op);
          norm && operand && *operand != 0)
        return pin(s, "a layer_norm's scale is computed at run time");
      return linkBroadcast(s, op, resultAxis, worklist);
    }
    if (auto bn = dyn_cast<BatchNormOp>(op)) {
      if (operand && *operand != 0)
        return pin(s, "batch_norm statistics are computed at run time");
      linkOperand(s, bn->getOpOperand(0), axis, worklist);
      if (axis == 1)
        for (OpOperand &param : bn->getOpOperands().drop_front())
          linkOperand(s, param, 0, worklist);
      return link(s, bn.getResult(), axis, worklist);
    }
    if (isa<MaxPool2DOp, AvgPool2DOp, GlobalAvgPool2DOp, GlobalMaxPool2DOp>(
            op)) {
      if (axis >= 2)
        return pin(s, name + " pools along its channels");
      return linkAll(axis);
    }
    if (isa<ResizeOp, SliceOp, PadOp>(op)) {
      Value input = op->getOperand(0), result = op->getResult(0);
      bool whole = dimOf(input, axis) == dimOf(result, axis);
      if (auto slice = dyn_cast<SliceOp>(op))
        whole &= slice.getStarts()[axis] == 0 && slice.getSteps()[axis] == 1;
      if (auto pad = dyn_cast<PadOp>(op))
        whole &= pad.getPads()[axis] == 0 &&
                 pad.getPads()[axis + rankOf(input)] == 0;
      if (!whole)
        return pin(s, name + " changes the channel axis");
      return linkAll(axis);
    }
    if (isa<ReduceMeanOp, ReduceSumOp, ReduceMaxOp, ReduceMinOp>(op)) {
      llvm::TypeSwitch<Operation *>(op)
          .Case<ReduceMeanOp, ReduceSumOp, ReduceMaxOp, ReduceMinOp>(
              [&](auto reduce) {
                visitReduce(s, op, reduce.getAxes(), reduce.getKeepdims(),
                            operand, axis, worklist);
              });
      return;
    }
    if (auto transpose = dyn_cast<TransposeOp>(op)) {
      ArrayRef<int64_t> perm = transpose.getPerm();
      int64_t inputAxis = operand ? axis : perm[axis];
      int64_t resultAxis =
          operand ? int64_t(llvm::find(perm, axis) - perm.begin()) : axis;
      linkOperand(s, transpose->getOpOperand(0), inputAxis, worklist);
      return link(s, transpose.getResult(), resultAxis, worklist);
    }
    if (auto reshape = dyn_cast<ReshapeOp>(op)) {
      auto in = reshape.getInput().getType(), out = reshape.getType();
      std::optional<int64_t> mapped =
          operand ? mapThroughReshape(in.getShape(), out.getShape(), axis)
                  : mapThroughReshape(out.getShape(), in.getShape(), axis);
      if (!mapped)
        return pin(s, "a reshape splits or merges its channels");
      linkOperand(s, reshape->getOpOperand(0), operand ? axis : *mapped,
                  worklist);
      return link(s, reshape.getResult(), operand ? *mapped : axis, worklist);
    }
    if (auto concat = dyn_cast<ConcatOp>(op)) {
      int64_t concatAxis = concat.getAxis();
      if (concatAxis < 0)
        concatAxis += rankOf(concat.getResult());
      if (axis != concatAxis)
        return linkAll(axis);
      // Each side of a concatenation along the channels is its own space.
      if (!concats.insert(op))
        return;
      for (Value v : concat.getInputs())
        if (!isConstant(v))
          pending.emplace_back(v, concatAxis);
      pending.emplace_back(concat.getResult(), concatAxis);
      return;
    }
    if (auto gather = dyn_cast<GatherOp>(op)) {
      int64_t gatherAxis = gather.getAxis(), indices = rankOf(gather.getIndices());
      if (gatherAxis < 0)
        gatherAxis += rankOf(gather.getData());
      std::optional<int64_t> dataAxis, resultAxis;
      if (operand && *operand == 0 && axis != gatherAxis) {
        dataAxis = axis;
        resultAxis = axis < gatherAxis ? axis : axis - 1 + indices;
      } else if (!operand && (axis < gatherAxis || axis >= gatherAxis + indices)) {
        resultAxis = axis;
        dataAxis = axis < gatherAxis ? axis : axis + 1 - indices;
      }
      if (!dataAxis)
        return pin(s, "a gather indexes its channels");
      linkOperand(s, gather->getOpOperand(0), *dataAxis, worklist);
      return link(s, gather.getResult(), *resultAxis, worklist);
    }
    if (auto conv = dyn_cast<Conv2DOp>(op))
      return visitConv(s, conv, operand, axis, worklist);
    if (auto matmul = dyn_cast<MatMulOp>(op))
      return visitMatMul(s, matmul, operand, axis, worklist);
    if (auto gemm = dyn_cast<GemmOp>(op))
      return visitGemm(s, gemm, operand, axis, worklist);
    pin(s, "it reaches " + name);
  }

  void visitReduce(unsigned s, Operation *op, ArrayRef<int64_t> axes,
                   bool keepdims, std::optional<unsigned> operand, int64_t axis,
                   SmallVectorImpl<std::pair<Value, int64_t>> &worklist) {
    int64_t rank = rankOf(op->getOperand(0));
    SmallVector<bool> reduced(rank, false);
    for (int64_t a : axes)
      reduced[a < 0 ? a + rank : a] = true;
    SmallVector<int64_t> kept; // result axis -> input axis
    for (int64_t a = 0; a < rank; ++a)
      if (keepdims || !reduced[a])
        kept.push_back(a);
    int64_t inputAxis = operand ? axis : kept[axis];
    if (reduced[inputAxis])
      return; // A reduction over the channels does not depend on their order.
    linkOperand(s, op->getOpOperand(0), inputAxis, worklist);
    link(s, op->getResult(0),
         operand ? int64_t(llvm::find(kept, axis) - kept.begin()) : axis,
         worklist);
  }

  void addConsumer(unsigned s, Operation *op, OpOperand &weight, int64_t axis) {
    spaces[s].params.insert({&weight, axis});
    spaces[s].consumers.push_back({op, &weight, axis, patternOf(op)});
  }

  void visitConv(unsigned s, Conv2DOp conv, std::optional<unsigned> operand,
                 int64_t axis,
                 SmallVectorImpl<std::pair<Value, int64_t>> &worklist) {
    if (operand && *operand != 0)
      return pin(s, "it is a convolution's weight or bias");
    if (axis != 1)
      return pin(s, "a convolution reads it along another axis");
    int64_t groups = conv.getGroups();
    auto weightType = conv.getWeight().getType();
    bool depthwise = groups > 1 && weightType.getDimSize(1) == 1 &&
                     weightType.getDimSize(0) == groups;
    OpOperand &weight = conv->getOpOperand(1);
    if (depthwise) {
      linkOperand(s, conv->getOpOperand(0), 1, worklist);
      linkOperand(s, weight, 0, worklist);
      if (conv.getBias())
        linkOperand(s, conv->getOpOperand(2), 0, worklist);
      return link(s, conv.getResult(), 1, worklist);
    }
    if (groups != 1)
      return pin(s, "a grouped convolution mixes its channels in groups");
    if (!isConstant(conv.getWeight()))
      return pin(s, "a convolution's weights are computed at run time");
    if (operand)
      return addConsumer(s, conv, weight, 1);
    linkOperand(s, weight, 0, worklist);
    if (conv.getBias())
      linkOperand(s, conv->getOpOperand(2), 0, worklist);
  }

  void visitMatMul(unsigned s, MatMulOp matmul, std::optional<unsigned> operand,
                   int64_t axis,
                   SmallVectorImpl<std::pair<Value, int64_t>> &worklist) {
    Value rhs = matmul.getRhs();
    if ((operand && *operand != 0) || !isConstant(rhs) || rankOf(rhs) != 2)
      return pin(s, "a matmul multiplies it by a matrix computed at run time");
    int64_t lhsRank = rankOf(matmul.getLhs()),
            rank = rankOf(matmul.getResult());
    if (operand && axis == lhsRank - 1)
      return addConsumer(s, matmul, matmul->getOpOperand(1), 0);
    if (!operand && axis == rank - 1)
      return linkOperand(s, matmul->getOpOperand(1), 1, worklist);
    // A row or batch dimension passes through.
    int64_t shift = rank - lhsRank;
    if (lhsRank < 2)
      return pin(s, "a matmul reads it as a vector");
    linkOperand(s, matmul->getOpOperand(0), operand ? axis : axis - shift,
                worklist);
    link(s, matmul.getResult(), operand ? axis + shift : axis, worklist);
  }

  void visitGemm(unsigned s, GemmOp gemm, std::optional<unsigned> operand,
                 int64_t axis,
                 SmallVectorImpl<std::pair<Value, int64_t>> &worklist) {
    if ((operand && *operand != 0) || !isConstant(gemm.getB()))
      return pin(s, "a gemm multiplies it by a matrix computed at run time");
    int64_t kAxis = gemm.getTransA() ? 0 : 1;
    bool transB = gemm.getTransB();
    if (operand && axis == kAxis)
      return addConsumer(s, gemm, gemm->getOpOperand(1), transB ? 1 : 0);
    int64_t resultAxis = operand ? 0 : axis;
    if (resultAxis == 1) {
      linkOperand(s, gemm->getOpOperand(1), transB ? 0 : 1, worklist);
    } else {
      linkOperand(s, gemm->getOpOperand(0), 1 - kAxis, worklist);
      link(s, gemm.getResult(), 0, worklist);
    }
    if (Value c = gemm.getC()) {
      int64_t a = resultAxis - (2 - rankOf(c));
      if (a >= 0 && dimOf(c, a) != 1)
        linkOperand(s, gemm->getOpOperand(2), a, worklist);
    }
  }

  llvm::function_ref<std::optional<PruneSpec>(Operation *)> patternOf;
  SmallVector<std::pair<Value, int64_t>> pending;
  llvm::SetVector<Operation *> concats;
};

/// The magnitudes of a consumer's weight as a channel-major matrix over its
/// input channels ([channels][rows], one row per output channel and filter
/// tap), scaled so that the whole weight sums to one. Empty when the
/// weight cannot be read.
std::vector<float> getChannelMagnitudes(const Consumer &consumer) {
  auto constant = consumer.weight->get().getDefiningOp<ConstantOp>();
  std::optional<WeightValues> values = readWeightValues(constant.getValue());
  if (!values)
    return {};
  ArrayRef<int64_t> shape = constant.getType().getShape();
  int64_t axis = consumer.axis, outer = 1, inner = 1, extent = shape[axis];
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (int64_t d = axis + 1; d < int64_t(shape.size()); ++d)
    inner *= shape[d];
  double total = 0.0;
  for (double v : values->v)
    total += getMagnitude(v);
  float scale = total > 0.0 ? float(1.0 / total) : 0.0f;
  int64_t rows = outer * inner;
  std::vector<float> m(extent * rows);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < extent; ++c)
      for (int64_t i = 0; i < inner; ++i)
        m[c * rows + o * inner + i] =
            float(getMagnitude(values->v[(o * extent + c) * inner + i])) *
            scale;
  return m;
}

/// Reorders `bytes` (a row-major tensor of `shape`) along `axis`:
/// position p takes index permutation[p].
std::vector<char> permuteAlong(ArrayRef<char> bytes, ArrayRef<int64_t> shape,
                               int64_t axis, ArrayRef<int64_t> permutation,
                               int64_t elementBytes) {
  int64_t outer = 1, inner = elementBytes, extent = shape[axis];
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (int64_t d = axis + 1; d < int64_t(shape.size()); ++d)
    inner *= shape[d];
  std::vector<char> out(bytes.size());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t p = 0; p < extent; ++p)
      std::memcpy(&out[(o * extent + p) * inner],
                  &bytes[(o * extent + permutation[p]) * inner], inner);
  return out;
}

struct PermuteChannelsPass
    : public spa::impl::SpaPermuteChannelsBase<PermuteChannelsPass> {
  using SpaPermuteChannelsBase::SpaPermuteChannelsBase;

  void runOnOperation() override {
    std::string error;
    FailureOr<PruneSpec> global = parsePruneSpec(pattern, error);
    if (failed(global)) {
      getOperation()->emitError() << "spa-permute-channels pattern " << error;
      return signalPassFailure();
    }
    if (global->kind == PruneSpec::Kind::Unstructured) {
      getOperation()->emitError()
          << "spa-permute-channels pattern '" << pattern
          << "': channel permutation is for N:M patterns (nm:N:M or none)";
      return signalPassFailure();
    }
    FailureOr<Overrides> read = loadOverrides(getOperation(), overrides);
    if (failed(read))
      return signalPassFailure();
    Overrides layers = std::move(*read);
    auto patternOf = [&](Operation *op) -> std::optional<PruneSpec> {
      PruneSpec spec = *global;
      if (auto it = layers.find(getNodeName(op));
          it != layers.end() && it->second.prune)
        spec = *it->second.prune;
      if (spec.kind != PruneSpec::Kind::NM)
        return std::nullopt;
      return spec;
    };

    // Seed a space at the input of every contraction to be pruned N:M.
    SpaceBuilder builder(patternOf);
    getOperation()->walk([&](Operation *op) {
      bool prunable = false;
      if (auto conv = dyn_cast<Conv2DOp>(op))
        prunable = conv.getGroups() == 1 && isConstant(conv.getWeight());
      else if (auto matmul = dyn_cast<MatMulOp>(op))
        prunable = isConstant(matmul.getRhs()) && rankOf(matmul.getRhs()) == 2;
      else if (auto gemm = dyn_cast<GemmOp>(op))
        prunable = isConstant(gemm.getB());
      if (!prunable || !patternOf(op))
        return;
      Value input = op->getOperand(0);
      int64_t axis = rankOf(input) - 1;
      if (isa<Conv2DOp>(op))
        axis = 1;
      else if (auto gemm = dyn_cast<GemmOp>(op); gemm && gemm.getTransA())
        axis = 0;
      builder.seed(input, axis);
    });
    builder.resolveConcats();
    std::vector<Space> &spaces = builder.spaces;

    // A concatenation's groups must not straddle its blocks.
    for (auto [d, space] : llvm::enumerate(spaces))
      for (const Consumer &consumer : space.consumers)
        if (consumer.pattern)
          for (const Segment &segment : space.segments)
            if (segment.offset % consumer.pattern->m ||
                segment.length % consumer.pattern->m)
              builder.pin(unsigned(d),
                          llvm::formatv("its concatenated blocks do not align "
                                        "with groups of {0}",
                                        consumer.pattern->m)
                              .str());
    builder.propagatePins();

    for (auto [s, space] : llvm::enumerate(spaces))
      if (space.segments.empty())
        search(spaces, unsigned(s));
    // A concatenation reads its blocks in their spaces' orders.
    for (Space &space : spaces) {
      if (space.segments.empty() || !space.pinned.empty())
        continue;
      bool moved = false;
      std::vector<int64_t> permutation(space.channels);
      std::iota(permutation.begin(), permutation.end(), 0);
      for (const Segment &segment : space.segments)
        for (auto [p, c] : llvm::enumerate(spaces[segment.space].permutation)) {
          permutation[segment.offset + p] = segment.offset + c;
          moved = true;
        }
      if (moved)
        space.permutation = std::move(permutation);
    }

    // Retained magnitude per consumer, before folding moves the weights.
    DenseMap<OpOperand *, DictionaryAttr> reports;
    for (Space &space : spaces)
      for (const Consumer &consumer : space.consumers)
        if (consumer.pattern)
          if (DictionaryAttr report = describe(space, consumer))
            reports[consumer.weight] = report;
    fold(spaces);
    for (auto [operand, report] : reports)
      getExclusiveConstant(*operand)->setAttr(kPermutedAttrName, report);
    for (Operation *original : cloned)
      if (original->use_empty())
        original->erase();
  }

  /// Searches the permutation of root space `s` for its consumers and the
  /// consumers of the concatenations it is a block of.
  void search(std::vector<Space> &spaces, unsigned s) {
    Space &space = spaces[s];
    struct Part {
      const Consumer *consumer;
      int64_t begin;
    };
    SmallVector<Part> parts;
    for (const Consumer &consumer : space.consumers)
      parts.push_back({&consumer, 0});
    for (const Space &other : spaces)
      if (other.pinned.empty())
        for (const Segment &segment : other.segments)
          if (segment.space == s)
            for (const Consumer &consumer : other.consumers)
              parts.push_back({&consumer, segment.offset});
    // Optimize for the first pattern among the consumers.
    std::optional<PruneSpec> target;
    for (const Part &part : parts)
      if (part.consumer->pattern && space.channels % part.consumer->pattern->m == 0 &&
          shapeOf(*part.consumer)[part.consumer->axis] %
                  part.consumer->pattern->m ==
              0) {
        target = part.consumer->pattern;
        break;
      }
    if (!target)
      return;
    ++numSpaces;
    if (!space.pinned.empty()) {
      ++numPinned;
      SmallVector<Operation *> layers;
      for (const Part &part : parts)
        layers.push_back(part.consumer->op);
      llvm::sort(layers, [](Operation *a, Operation *b) {
        return a->getBlock() == b->getBlock() && a->isBeforeInBlock(b);
      });
      InFlightDiagnostic remark = layers.front()->emitRemark();
      remark << "input channels of layer" << (layers.size() > 1 ? "s" : "");
      for (auto [i, layer] : llvm::enumerate(layers))
        remark << (i ? ", '" : " '") << getNodeName(layer) << "'";
      remark << " are not permuted: " << space.pinned;
      return;
    }
    if (space.channels / target->m < 2 || target->n >= target->m)
      return;
    // The rows of every part, channel-major: column c of the search holds
    // channel c's rows of each part in turn.
    SmallVector<std::pair<ArrayRef<float>, int64_t>> columns; // rows, offset
    int64_t rows = 0;
    for (const Part &part : parts) {
      const Consumer &consumer = *part.consumer;
      if (!consumer.pattern || consumer.pattern->n != target->n ||
          consumer.pattern->m != target->m ||
          shapeOf(consumer)[consumer.axis] % target->m != 0)
        continue;
      ArrayRef<float> m = getMagnitudes(consumer);
      if (m.empty())
        continue;
      int64_t partRows = int64_t(m.size()) / shapeOf(consumer)[consumer.axis];
      columns.push_back({m.slice(part.begin * partRows,
                                 space.channels * partRows),
                         partRows});
      rows += partRows;
    }
    std::vector<float> magnitudes(space.channels * rows);
    for (int64_t c = 0, at = 0; c < space.channels; ++c)
      for (auto [m, partRows] : columns) {
        std::copy_n(&m[c * partRows], partRows, &magnitudes[at]);
        at += partRows;
      }
    if (magnitudes.empty())
      return;
    ChannelPermutationResult result = searchChannelPermutation(
        magnitudes, space.channels, target->n, target->m,
        uint64_t(budget) * 1000000, /*seed=*/s);
    numSwaps += result.swaps;
    if (result.swaps) {
      ++numPermuted;
      space.permutation = std::move(result.permutation);
    }
  }

  /// getChannelMagnitudes of a consumer, computed once.
  ArrayRef<float> getMagnitudes(const Consumer &consumer) {
    auto [it, inserted] = magnitudeCache.try_emplace(consumer.weight);
    if (inserted)
      it->second = getChannelMagnitudes(consumer);
    return it->second;
  }
  DenseMap<OpOperand *, std::vector<float>> magnitudeCache;

  static ArrayRef<int64_t> shapeOf(const Consumer &consumer) {
    return cast<RankedTensorType>(consumer.weight->get().getType()).getShape();
  }

  /// `{pattern, retained_before, retained_after[, reason]}` of a consumer,
  /// each the fraction of |W| N:M pruning keeps.
  DictionaryAttr describe(const Space &space, const Consumer &consumer) {
    const PruneSpec &spec = *consumer.pattern;
    ArrayRef<int64_t> shape = shapeOf(consumer);
    int64_t channels = shape[consumer.axis];
    if (channels % spec.m != 0 || spec.n >= spec.m)
      return {};
    ArrayRef<float> m = getMagnitudes(consumer);
    if (m.empty())
      return {};
    std::vector<int64_t> identity(channels);
    std::iota(identity.begin(), identity.end(), 0);
    ArrayRef<int64_t> permutation =
        space.permutation.empty() ? ArrayRef<int64_t>(identity)
                                  : ArrayRef<int64_t>(space.permutation);
    MLIRContext *ctx = &getContext();
    auto number = [&](double v) {
      return FloatAttr::get(Float64Type::get(ctx), v);
    };
    SmallVector<NamedAttribute> fields = {
        NamedAttribute(StringAttr::get(ctx, "pattern"),
                       StringAttr::get(ctx, spec.str())),
        NamedAttribute(StringAttr::get(ctx, "retained_before"),
                       number(getRetainedMagnitude(m, identity, spec.n, spec.m))),
        NamedAttribute(
            StringAttr::get(ctx, "retained_after"),
            number(getRetainedMagnitude(m, permutation, spec.n, spec.m)))};
    if (!space.pinned.empty())
      fields.push_back(NamedAttribute(StringAttr::get(ctx, "reason"),
                                      StringAttr::get(ctx, space.pinned)));
    return DictionaryAttr::get(ctx, fields);
  }

  /// Permutes every constant operand of a moved space along its axes.
  void fold(const std::vector<Space> &spaces) {
    llvm::MapVector<OpOperand *, SmallVector<std::pair<int64_t, const Space *>>>
        moves;
    for (const Space &space : spaces)
      if (!space.permutation.empty())
        for (auto [operand, axis] : space.params)
          moves[operand].push_back({axis, &space});
    for (auto &[operand, axes] : moves) {
      auto constant = operand->get().getDefiningOp<ConstantOp>();
      std::optional<RawConstantData> raw =
          getRawConstantData(constant.getValue());
      if (!raw || raw->isSplat)
        continue; // A splat reads the same in every order.
      RankedTensorType type = constant.getType();
      std::vector<char> bytes(raw->bytes.begin(), raw->bytes.end());
      for (auto [axis, space] : axes)
        bytes = permuteAlong(bytes, type.getShape(), axis, space->permutation,
                             type.getElementTypeBitWidth() / 8);
      if (llvm::equal(bytes, raw->bytes))
        continue;
      setConstantData(getExclusiveConstant(*operand), bytes, "_permuted");
      ++numConstants;
    }
  }

  /// The constant `operand` reads, cloned first when other operands read it
  /// too.
  ConstantOp getExclusiveConstant(OpOperand &operand) {
    auto constant = operand.get().getDefiningOp<ConstantOp>();
    if (constant->hasOneUse())
      return constant;
    OpBuilder builder(constant);
    builder.setInsertionPointAfter(constant);
    auto clone = cast<ConstantOp>(builder.clone(*constant));
    operand.set(clone.getResult());
    cloned.insert(constant);
    return clone;
  }

  /// Constants cloned for one of their operands; erased once unused.
  llvm::SetVector<Operation *> cloned;
};

} // namespace
