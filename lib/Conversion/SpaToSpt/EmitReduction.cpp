//===- EmitReduction.cpp - Reductions, normalizations and pooling ---------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Softmax, log-softmax, layer normalization, the reductions (sum, mean,
// max, min), global pooling and windowed max and average pooling, all on
// the vector unit (ISA §4.7).
//
// Row-wise ops view their input as rows of the reduced elements: the kept
// dimensions index the rows and the reduced ones the columns. The DMA reads
// DRAM in its own order (so runs stay contiguous) and scatters each tile
// into the scratchpad as a dense `rows x cols` matrix through its SRAM
// strides, whatever dimensions are reduced; the vector unit then reduces
// each row (RSUM, RMAX, RMIN) into a column of per-row statistics, which
// other instructions broadcast back along the rows with a zero column
// stride. Rows too long for one tile are reduced in pieces: partial results
// are combined (sums, maxima), softmax keeps a running maximum and rescales
// its running sum (two passes over the row), and layer normalization
// combines per-piece means and squared deviations (Chan et al.) before a
// second pass writes the output.
//
// Pooling loads a tile of planes and output rows with the window's padding
// done by the DMA (ISA §3.1), then accumulates one VEC per kernel tap over
// strided views of the padded tile.
//
// Scratchpad: each tile takes one block per buffer from the ring and
// sub-allocates it, so that long-lived per-row statistics are never
// recycled by the ring while a row is processed in pieces, and each block
// stays within the tile budget so the next tile's loads overlap.
//
//===----------------------------------------------------------------------===//

#include "CodeGen.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace spc;
using namespace spc::codegen;
using isa::Buffer;
using isa::DType;
using isa::VecFunc;
using isa::VecOperand;

namespace {

/// The largest DMA size and VEC row or column count (u16 fields).
constexpr int64_t kMaxExtent = UINT16_MAX;
/// Scratchpad allocations are 64-byte aligned (Emitter::alloc).
constexpr uint64_t kAlign = 64;

uint64_t align(uint64_t bytes) { return llvm::alignTo(bytes, kAlign); }

//===----------------------------------------------------------------------===//
// DMA of arbitrary boxes
//===----------------------------------------------------------------------===//

/// One dimension of a DMA box: its size, its element strides in DRAM and in
/// the scratchpad, and (loads only) its padding.
struct BoxDim {
  int64_t size = 1;
  int64_t dram = 0;
  int64_t sram = 0;
  int64_t padLo = 0, padHi = 0;
};

/// Moves a box of any rank between DRAM and the scratchpad. The dimensions
/// are ordered by DRAM stride, so the DMA finds its contiguous runs
/// (docs/CycleModel.md §2), merged where both sides allow it, and split into
/// several DMAs when more than four remain or one is larger than a DMA size.
void emitBox(Emitter &emitter, bool isLoad, Buffer buffer, uint32_t sram,
             uint64_t dram, DType dtype, SmallVector<BoxDim, 6> dims,
             uint32_t padValue = 0) {
  unsigned es = isa::elementSize(dtype);
  llvm::erase_if(dims, [](const BoxDim &d) {
    return d.size == 1 && d.padLo == 0 && d.padHi == 0;
  });
  llvm::stable_sort(
      dims, [](const BoxDim &a, const BoxDim &b) { return a.dram > b.dram; });
  SmallVector<BoxDim, 6> merged;
  for (const BoxDim &d : dims) {
    if (!merged.empty()) {
      BoxDim &o = merged.back();
      if (!o.padLo && !o.padHi && !d.padLo && !d.padHi &&
          o.dram == d.dram * d.size && o.sram == d.sram * d.size &&
          o.size * d.size <= kMaxExtent) {
        o.size *= d.size;
        o.dram = d.dram;
        o.sram = d.sram;
        continue;
      }
    }
    merged.push_back(d);
  }
  if (merged.empty())
    merged.push_back({1, 1, 1});

  auto big = llvm::find_if(merged,
                           [](const BoxDim &d) { return d.size > kMaxExtent; });
  if (merged.size() > 4 || big != merged.end()) {
    size_t which = big != merged.end() ? size_t(big - merged.begin()) : 0;
    BoxDim d = merged[which];
    assert(!d.padLo && !d.padHi && "only unpadded dimensions are split");
    int64_t step = big != merged.end() ? kMaxExtent : 1;
    for (int64_t i = 0; i < d.size; i += step) {
      SmallVector<BoxDim, 6> part = merged;
      part[which].size = std::min(step, d.size - i);
      emitBox(emitter, isLoad, buffer, sram + uint32_t(es * i * d.sram),
              dram + es * i * d.dram, dtype, part, padValue);
    }
    return;
  }

  View view;
  view.addr = dram;
  view.dtype = dtype;
  SmallVector<int64_t, 4> sramStrides, padLo, padHi;
  for (const BoxDim &d : merged) {
    view.shape.push_back(d.size);
    view.strides.push_back(d.dram);
    sramStrides.push_back(d.sram);
    padLo.push_back(d.padLo);
    padHi.push_back(d.padHi);
  }
  if (isLoad)
    emitter.load(buffer, sram, view, sramStrides, padLo, padHi, padValue);
  else
    emitter.store(buffer, sram, view, sramStrides);
}

/// Row-major strides of `shape`.
SmallVector<int64_t, 6> denseStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t, 6> strides(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

int64_t product(ArrayRef<int64_t> values) {
  int64_t p = 1;
  for (int64_t v : values)
    p *= v;
  return p;
}

/// Visits boxes that cover `sizes` (row-major), each of at most `maxElems`
/// elements: the innermost dimensions that fit are whole, the next one is
/// cut into balanced chunks and the outer ones are visited index by index.
void forEachBox(ArrayRef<int64_t> sizes, int64_t maxElems,
                function_ref<void(ArrayRef<int64_t>, ArrayRef<int64_t>)> body) {
  size_t rank = sizes.size();
  int64_t inner = 1;
  size_t level = rank;
  while (level > 0 && inner * sizes[level - 1] <= maxElems)
    inner *= sizes[--level];
  SmallVector<int64_t, 6> start(rank, 0), extent(sizes.begin(), sizes.end());
  if (level == 0) {
    body(start, extent);
    return;
  }
  size_t split = level - 1;
  int64_t chunk = std::max<int64_t>(1, maxElems / inner);
  int64_t count = llvm::divideCeil(sizes[split], chunk);
  chunk = llvm::divideCeil(sizes[split], count);
  for (size_t d = 0; d < split; ++d)
    extent[d] = 1;
  while (true) {
    for (int64_t i = 0; i < sizes[split]; i += chunk) {
      start[split] = i;
      extent[split] = std::min(chunk, sizes[split] - i);
      body(start, extent);
    }
    int64_t d = int64_t(split) - 1;
    for (; d >= 0; --d) {
      if (++start[d] < sizes[d])
        break;
      start[d] = 0;
    }
    if (d < 0)
      break;
  }
}

/// A bump allocator inside one block taken from the emitter's ring.
class Block {
public:
  Block() = default;
  Block(Emitter &emitter, Buffer buffer, uint64_t bytes)
      : buffer(buffer), next(bytes ? emitter.alloc(buffer, bytes) : 0),
        end(next + bytes) {}
  uint32_t take(uint64_t bytes) {
    uint32_t addr = static_cast<uint32_t>(next);
    next += align(bytes);
    assert(next <= end && "block overflow");
    return addr;
  }
  Buffer buffer = Buffer::Acc;

private:
  uint64_t next = 0, end = 0;
};

VecOperand column(uint32_t addr) {
  return sramOperand(Buffer::Acc, addr, 1, 0);
}
/// A per-row column broadcast along the row.
VecOperand spread(uint32_t addr) {
  return sramOperand(Buffer::Acc, addr, 1, 0);
}

/// The error for an element type a vector function does not take.
LogicalResult typeError(Operation *op, VecFunc func, DType type) {
  std::optional<StringRef> rule = isa::checkVecTypes(func, type, type);
  return emitNodeError(op) << "the vector unit's " << isa::getName(func)
                           << " takes " << (rule ? *rule : "other types")
                           << ", not " << isa::getName(type) << " (ISA §4.7)";
}

//===----------------------------------------------------------------------===//
// Row-wise ops
//===----------------------------------------------------------------------===//

enum class RowKind { Sum, Mean, Max, Min, Softmax, LogSoftmax, LayerNorm };

/// A dimension of a row problem: its size and its element strides in the
/// input and the output.
struct Axis {
  int64_t size = 1, in = 0, out = 0;
};

/// Drops unit dimensions and merges neighbours that both tensors walk
/// contiguously.
void collapse(SmallVector<Axis, 6> &axes) {
  SmallVector<Axis, 6> result;
  for (const Axis &a : axes) {
    if (a.size == 1)
      continue;
    if (!result.empty() && result.back().in == a.in * a.size &&
        result.back().out == a.out * a.size) {
      result.back().size *= a.size;
      result.back().in = a.in;
      result.back().out = a.out;
      continue;
    }
    result.push_back(a);
  }
  if (result.empty())
    result.push_back({1, 0, 0});
  axes = std::move(result);
}

class RowEmitter {
public:
  RowEmitter(Emitter &emitter, Operation *op, RowKind kind)
      : emitter(emitter), op(op), kind(kind) {}

  /// Sets up the problem: `axes` (sorted) of `in` are reduced; the output
  /// has the input's shape when `sameShape`, else the kept dimensions.
  void init(const View &inView, const View &outView, ArrayRef<int64_t> axes,
            bool sameShape) {
    dtype = inView.dtype;
    es = isa::elementSize(dtype);
    inAddr = inView.addr;
    outAddr = outView.addr;
    ArrayRef<int64_t> shape = inView.shape;
    SmallVector<int64_t, 6> inStrides = denseStrides(shape);
    SmallVector<int64_t, 6> keptSizes;
    for (int64_t d = 0; d < int64_t(shape.size()); ++d)
      if (!llvm::is_contained(axes, d))
        keptSizes.push_back(shape[d]);
    SmallVector<int64_t, 6> keptOut = denseStrides(keptSizes);
    size_t k = 0;
    for (int64_t d = 0; d < int64_t(shape.size()); ++d) {
      if (llvm::is_contained(axes, d)) {
        reduced.push_back({shape[d], inStrides[d], inStrides[d]});
        continue;
      }
      kept.push_back({shape[d], inStrides[d],
                      sameShape ? inStrides[d] : keptOut[k]});
      ++k;
    }
    collapse(kept);
    collapse(reduced);
    for (const Axis &a : kept)
      keptSizes_.push_back(a.size);
    for (const Axis &a : reduced)
      reducedSizes.push_back(a.size);
    n = product(reducedSizes);
    numRows = product(keptSizes_);
  }

  void setLayerNorm(uint64_t scale, std::optional<uint64_t> bias, float eps) {
    scaleAddr = scale;
    biasAddr = bias;
    epsilon = eps;
  }

  LogicalResult run();

private:
  bool hasAccTile() const {
    return kind == RowKind::Softmax || kind == RowKind::LogSoftmax ||
           kind == RowKind::LayerNorm;
  }
  unsigned numColumns() const {
    switch (kind) {
    case RowKind::Softmax:
    case RowKind::LogSoftmax:
      return 4;
    case RowKind::LayerNorm:
      return 5;
    default:
      return 2;
    }
  }
  /// Bytes of the acc block of a tile of `rows x cols` with `slots` tiles.
  uint64_t accBytes(int64_t rows, int64_t cols, int64_t slots) const {
    return (hasAccTile() ? slots * align(uint64_t(rows) * cols * 4) : 0) +
           numColumns() * align(uint64_t(rows) * 4);
  }
  uint64_t actBytes(int64_t rows, int64_t cols, int64_t slots) const {
    return slots * align(uint64_t(rows) * cols * es);
  }
  uint64_t wgtBytes(int64_t cols, int64_t slots) const {
    return kind == RowKind::LayerNorm ? slots * 2 * align(uint64_t(cols) * 4)
                                      : 0;
  }

  void vec(VecFunc func, int64_t rows, int64_t cols, VecOperand dst,
           VecOperand src1, VecOperand src2 = {}, float imm = 0) {
    emitter.emit(makeVec(func, dtype, dtype, uint16_t(rows), uint16_t(cols),
                         dst, src1, src2, imm));
  }

  /// The DMA dimensions of the tile at kept box (`ks`, `ke`) and reduced
  /// box (`rs`, `re`), scattered to a dense `rows x cols` matrix.
  SmallVector<BoxDim, 6> tileDims(ArrayRef<int64_t> ke, ArrayRef<int64_t> re,
                                  bool output) const {
    int64_t cols = product(re);
    SmallVector<int64_t, 6> rowStrides = denseStrides(ke);
    SmallVector<int64_t, 6> colStrides = denseStrides(re);
    SmallVector<BoxDim, 6> dims;
    for (size_t d = 0; d < kept.size(); ++d)
      dims.push_back({ke[d], output ? kept[d].out : kept[d].in,
                      rowStrides[d] * cols});
    for (size_t d = 0; d < reduced.size(); ++d)
      dims.push_back({re[d], reduced[d].in, colStrides[d]});
    return dims;
  }
  int64_t keptOffset(ArrayRef<int64_t> ks, bool output) const {
    int64_t offset = 0;
    for (size_t d = 0; d < kept.size(); ++d)
      offset += ks[d] * (output ? kept[d].out : kept[d].in);
    return offset;
  }
  int64_t reducedOffset(ArrayRef<int64_t> rs) const {
    int64_t offset = 0;
    for (size_t d = 0; d < reduced.size(); ++d)
      offset += rs[d] * reduced[d].in;
    return offset;
  }
  void loadTile(uint32_t sram, ArrayRef<int64_t> ks, ArrayRef<int64_t> ke,
                ArrayRef<int64_t> rs, ArrayRef<int64_t> re) {
    emitBox(emitter, /*isLoad=*/true, Buffer::Act, sram,
            inAddr + es * (keptOffset(ks, false) + reducedOffset(rs)), dtype,
            tileDims(ke, re, false));
  }
  void storeTile(Buffer buffer, uint32_t sram, ArrayRef<int64_t> ks,
                 ArrayRef<int64_t> ke, ArrayRef<int64_t> rs,
                 ArrayRef<int64_t> re) {
    emitBox(emitter, /*isLoad=*/false, buffer, sram,
            outAddr + es * (keptOffset(ks, true) + reducedOffset(rs)), dtype,
            tileDims(ke, re, true));
  }
  void storeColumn(uint32_t sram, ArrayRef<int64_t> ks, ArrayRef<int64_t> ke) {
    SmallVector<int64_t, 6> rowStrides = denseStrides(ke);
    SmallVector<BoxDim, 6> dims;
    for (size_t d = 0; d < kept.size(); ++d)
      dims.push_back({ke[d], kept[d].out, rowStrides[d]});
    emitBox(emitter, /*isLoad=*/false, Buffer::Acc, sram,
            outAddr + es * keptOffset(ks, true), dtype, dims);
  }
  /// Loads the layer-norm parameter at `addr` for reduced box (`rs`, `re`)
  /// as one row.
  void loadParam(uint32_t sram, uint64_t addr, ArrayRef<int64_t> rs,
                 ArrayRef<int64_t> re) {
    SmallVector<int64_t, 6> colStrides = denseStrides(re);
    SmallVector<BoxDim, 6> dims;
    for (size_t d = 0; d < reduced.size(); ++d)
      dims.push_back({re[d], reduced[d].in, colStrides[d]});
    emitBox(emitter, /*isLoad=*/true, Buffer::Wgt, sram,
            addr + 4 * reducedOffset(rs), DType::F32, dims);
  }

  void emitSingle(ArrayRef<int64_t> ks, ArrayRef<int64_t> ke);
  void emitPieces(ArrayRef<int64_t> ks, ArrayRef<int64_t> ke);

  Emitter &emitter;
  Operation *op;
  RowKind kind;
  DType dtype = DType::F32;
  unsigned es = 4;
  uint64_t inAddr = 0, outAddr = 0;
  SmallVector<Axis, 6> kept, reduced;
  SmallVector<int64_t, 6> keptSizes_, reducedSizes;
  int64_t n = 1, numRows = 1;
  // Tiling.
  int64_t maxRows = 1, maxCols = 1;
  // Layer normalization.
  uint64_t scaleAddr = 0;
  std::optional<uint64_t> biasAddr;
  float epsilon = 0;
  uint32_t scaleSram = 0, biasSram = 0;
};

LogicalResult RowEmitter::run() {
  if (numRows == 0)
    return success();
  if (n == 0)
    return emitNodeError(op) << "reduces an empty dimension";
  uint64_t actBudget = emitter.getTileBudget(Buffer::Act);
  uint64_t accBudget = emitter.getTileBudget(Buffer::Acc);
  uint64_t wgtBudget = emitter.getTileBudget(Buffer::Wgt);

  // Whole rows: as many as fit in one tile.
  bool whole = n <= kMaxExtent && actBytes(1, n, 1) <= actBudget &&
               accBytes(1, n, 1) <= accBudget && wgtBytes(n, 1) <= wgtBudget;
  if (whole) {
    int64_t lo = 1, hi = std::min<int64_t>(numRows, kMaxExtent);
    while (lo < hi) {
      int64_t mid = (lo + hi + 1) / 2;
      if (actBytes(mid, n, 1) <= actBudget && accBytes(mid, n, 1) <= accBudget)
        lo = mid;
      else
        hi = mid - 1;
    }
    maxRows = lo;
    maxCols = n;
    if (kind == RowKind::LayerNorm) {
      // The parameters stay in `wgt` for the whole layer.
      Block params(emitter, Buffer::Wgt, wgtBytes(n, 1));
      SmallVector<int64_t, 6> zeros(reduced.size(), 0);
      scaleSram = params.take(n * 4);
      loadParam(scaleSram, scaleAddr, zeros, reducedSizes);
      if (biasAddr) {
        biasSram = params.take(n * 4);
        loadParam(biasSram, *biasAddr, zeros, reducedSizes);
      }
    }
    forEachBox(keptSizes_, maxRows,
               [&](ArrayRef<int64_t> ks, ArrayRef<int64_t> ke) {
                 emitSingle(ks, ke);
               });
    return success();
  }

  // Rows in pieces: one row at a time, two piece slots per buffer so that
  // the next piece loads while this one computes.
  int64_t lo = 1, hi = std::min<int64_t>(n, kMaxExtent);
  if (!(actBytes(1, 1, 2) <= actBudget && accBytes(1, 1, 2) <= accBudget))
    return emitNodeError(op) << "does not fit the scratchpads";
  while (lo < hi) {
    int64_t mid = (lo + hi + 1) / 2;
    if (actBytes(1, mid, 2) <= actBudget && accBytes(1, mid, 2) <= accBudget &&
        wgtBytes(mid, 2) <= wgtBudget)
      lo = mid;
    else
      hi = mid - 1;
  }
  maxRows = 1;
  maxCols = lo;
  forEachBox(keptSizes_, 1, [&](ArrayRef<int64_t> ks, ArrayRef<int64_t> ke) {
    emitPieces(ks, ke);
  });
  return success();
}

void RowEmitter::emitSingle(ArrayRef<int64_t> ks, ArrayRef<int64_t> ke) {
  int64_t rows = product(ke);
  int64_t cols = n;
  SmallVector<int64_t, 6> rs(reduced.size(), 0);
  ArrayRef<int64_t> re = reducedSizes;
  Block act(emitter, Buffer::Act, actBytes(rows, cols, 1));
  Block acc(emitter, Buffer::Acc, accBytes(rows, cols, 1));
  uint32_t x = act.take(uint64_t(rows) * cols * es);
  VecOperand X = sramOperand(Buffer::Act, x, cols);
  loadTile(x, ks, ke, rs, re);
  uint32_t c0 = acc.take(rows * 4), c1 = acc.take(rows * 4);

  switch (kind) {
  case RowKind::Sum:
  case RowKind::Mean:
  case RowKind::Max:
  case RowKind::Min: {
    VecFunc func = kind == RowKind::Max   ? VecFunc::RMax
                   : kind == RowKind::Min ? VecFunc::RMin
                                          : VecFunc::RSum;
    vec(func, rows, cols, column(c0), X);
    if (kind == RowKind::Mean)
      vec(VecFunc::Div, rows, 1, column(c0), column(c0), {}, float(n));
    storeColumn(c0, ks, ke);
    return;
  }
  case RowKind::Softmax:
  case RowKind::LogSoftmax: {
    uint32_t t = acc.take(uint64_t(rows) * cols * 4);
    VecOperand T = sramOperand(Buffer::Acc, t, cols);
    vec(VecFunc::RMax, rows, cols, column(c0), X);
    vec(VecFunc::Sub, rows, cols, T, X, spread(c0));
    vec(VecFunc::Exp, rows, cols, X, T);
    vec(VecFunc::RSum, rows, cols, column(c1), X);
    if (kind == RowKind::Softmax) {
      vec(VecFunc::Recip, rows, 1, column(c1), column(c1));
      vec(VecFunc::Mul, rows, cols, T, X, spread(c1));
      storeTile(Buffer::Acc, t, ks, ke, rs, re);
    } else {
      vec(VecFunc::Log, rows, 1, column(c1), column(c1));
      vec(VecFunc::Sub, rows, cols, X, T, spread(c1));
      storeTile(Buffer::Act, x, ks, ke, rs, re);
    }
    return;
  }
  case RowKind::LayerNorm: {
    uint32_t t = acc.take(uint64_t(rows) * cols * 4);
    VecOperand T = sramOperand(Buffer::Acc, t, cols);
    vec(VecFunc::RSum, rows, cols, column(c0), X);
    vec(VecFunc::Div, rows, 1, column(c0), column(c0), {}, float(n));
    vec(VecFunc::Sub, rows, cols, T, X, spread(c0));
    vec(VecFunc::Mul, rows, cols, X, T, T);
    vec(VecFunc::RSum, rows, cols, column(c1), X);
    vec(VecFunc::Div, rows, 1, column(c1), column(c1), {}, float(n));
    vec(VecFunc::Add, rows, 1, column(c1), column(c1), {}, epsilon);
    vec(VecFunc::Rsqrt, rows, 1, column(c1), column(c1));
    vec(VecFunc::Mul, rows, cols, X, T, spread(c1));
    vec(VecFunc::Mul, rows, cols, T, X, sramOperand(Buffer::Wgt, scaleSram, 0));
    if (!biasAddr) {
      storeTile(Buffer::Acc, t, ks, ke, rs, re);
      return;
    }
    vec(VecFunc::Add, rows, cols, X, T, sramOperand(Buffer::Wgt, biasSram, 0));
    storeTile(Buffer::Act, x, ks, ke, rs, re);
    return;
  }
  }
}

void RowEmitter::emitPieces(ArrayRef<int64_t> ks, ArrayRef<int64_t> ke) {
  // One row (`ke` is all ones) in pieces of at most maxCols elements.
  int64_t cols = maxCols;
  Block act(emitter, Buffer::Act, actBytes(1, cols, 2));
  Block acc(emitter, Buffer::Acc, accBytes(1, cols, 2));
  Block wgt;
  if (kind == RowKind::LayerNorm)
    wgt = Block(emitter, Buffer::Wgt, wgtBytes(cols, 2));
  uint32_t xs[2], ts[2] = {0, 0}, ss[2] = {0, 0}, bs[2] = {0, 0};
  for (int i = 0; i < 2; ++i) {
    xs[i] = act.take(uint64_t(cols) * es);
    if (hasAccTile())
      ts[i] = acc.take(uint64_t(cols) * 4);
    if (kind == RowKind::LayerNorm) {
      ss[i] = wgt.take(uint64_t(cols) * 4);
      bs[i] = wgt.take(uint64_t(cols) * 4);
    }
  }
  SmallVector<uint32_t, 5> c;
  for (unsigned i = 0; i < numColumns(); ++i)
    c.push_back(acc.take(4));

  // The pieces of the row, in order.
  SmallVector<std::pair<SmallVector<int64_t, 6>, SmallVector<int64_t, 6>>>
      pieces;
  forEachBox(reducedSizes, cols,
             [&](ArrayRef<int64_t> rs, ArrayRef<int64_t> re) {
               pieces.emplace_back(SmallVector<int64_t, 6>(rs),
                                   SmallVector<int64_t, 6>(re));
             });
  auto X = [&](size_t p) { return sramOperand(Buffer::Act, xs[p % 2], 0); };
  auto T = [&](size_t p) { return sramOperand(Buffer::Acc, ts[p % 2], 0); };
  auto one = [](uint32_t addr) { return column(addr); };

  switch (kind) {
  case RowKind::Sum:
  case RowKind::Mean:
  case RowKind::Max:
  case RowKind::Min: {
    VecFunc func = kind == RowKind::Max   ? VecFunc::RMax
                   : kind == RowKind::Min ? VecFunc::RMin
                                          : VecFunc::RSum;
    VecFunc combine = kind == RowKind::Max   ? VecFunc::Max
                      : kind == RowKind::Min ? VecFunc::Min
                                             : VecFunc::Add;
    for (auto [p, piece] : llvm::enumerate(pieces)) {
      int64_t pc = product(piece.second);
      loadTile(xs[p % 2], ks, ke, piece.first, piece.second);
      if (p == 0) {
        vec(func, 1, pc, one(c[0]), X(p));
        continue;
      }
      vec(func, 1, pc, one(c[1]), X(p));
      vec(combine, 1, 1, one(c[0]), one(c[0]), one(c[1]));
    }
    if (kind == RowKind::Mean)
      vec(VecFunc::Div, 1, 1, one(c[0]), one(c[0]), {}, float(n));
    storeColumn(c[0], ks, ke);
    return;
  }
  case RowKind::Softmax:
  case RowKind::LogSoftmax: {
    // Pass 1: running maximum m and sum s of exp(x - m).
    uint32_t m = c[0], s = c[1], pm = c[2], ps = c[3];
    for (auto [p, piece] : llvm::enumerate(pieces)) {
      int64_t pc = product(piece.second);
      loadTile(xs[p % 2], ks, ke, piece.first, piece.second);
      if (p == 0) {
        vec(VecFunc::RMax, 1, pc, one(m), X(p));
        vec(VecFunc::Sub, 1, pc, T(p), X(p), spread(m));
        vec(VecFunc::Exp, 1, pc, X(p), T(p));
        vec(VecFunc::RSum, 1, pc, one(s), X(p));
        continue;
      }
      vec(VecFunc::RMax, 1, pc, one(pm), X(p));
      vec(VecFunc::Max, 1, 1, one(pm), one(pm), one(m));
      vec(VecFunc::Sub, 1, pc, T(p), X(p), spread(pm));
      vec(VecFunc::Exp, 1, pc, X(p), T(p));
      vec(VecFunc::RSum, 1, pc, one(ps), X(p));
      // s = s * exp(m - m') + ps, m = m'.
      vec(VecFunc::Sub, 1, 1, one(m), one(m), one(pm));
      vec(VecFunc::Exp, 1, 1, one(m), one(m));
      vec(VecFunc::Mul, 1, 1, one(s), one(s), one(m));
      vec(VecFunc::Add, 1, 1, one(s), one(s), one(ps));
      std::swap(m, pm);
    }
    vec(kind == RowKind::Softmax ? VecFunc::Recip : VecFunc::Log, 1, 1, one(s),
        one(s));
    // Pass 2: the output.
    for (auto [p, piece] : llvm::enumerate(pieces)) {
      int64_t pc = product(piece.second);
      loadTile(xs[p % 2], ks, ke, piece.first, piece.second);
      vec(VecFunc::Sub, 1, pc, T(p), X(p), spread(m));
      if (kind == RowKind::Softmax) {
        vec(VecFunc::Exp, 1, pc, X(p), T(p));
        vec(VecFunc::Mul, 1, pc, T(p), X(p), spread(s));
        storeTile(Buffer::Acc, ts[p % 2], ks, ke, piece.first, piece.second);
      } else {
        vec(VecFunc::Sub, 1, pc, X(p), T(p), spread(s));
        storeTile(Buffer::Act, xs[p % 2], ks, ke, piece.first, piece.second);
      }
    }
    return;
  }
  case RowKind::LayerNorm: {
    // Pass 1: per-piece mean and sum of squared deviations, combined as
    // Chan et al.'s parallel variance.
    uint32_t mean = c[0], m2 = c[1], pmean = c[2], pm2 = c[3], tmp = c[4];
    double count = 0;
    for (auto [p, piece] : llvm::enumerate(pieces)) {
      int64_t pc = product(piece.second);
      loadTile(xs[p % 2], ks, ke, piece.first, piece.second);
      vec(VecFunc::RSum, 1, pc, one(pmean), X(p));
      vec(VecFunc::Div, 1, 1, one(pmean), one(pmean), {}, float(pc));
      vec(VecFunc::Sub, 1, pc, T(p), X(p), spread(pmean));
      vec(VecFunc::Mul, 1, pc, X(p), T(p), T(p));
      vec(VecFunc::RSum, 1, pc, one(pm2), X(p));
      if (p == 0) {
        std::swap(mean, pmean);
        std::swap(m2, pm2);
        count = double(pc);
        continue;
      }
      double total = count + double(pc);
      // delta = pmean - mean; mean += delta * pc / total;
      // m2 += pm2 + delta^2 * count * pc / total.
      vec(VecFunc::Sub, 1, 1, one(pmean), one(pmean), one(mean));
      vec(VecFunc::Mul, 1, 1, one(tmp), one(pmean), {},
          float(double(pc) / total));
      vec(VecFunc::Add, 1, 1, one(mean), one(mean), one(tmp));
      vec(VecFunc::Mul, 1, 1, one(tmp), one(pmean), one(pmean));
      vec(VecFunc::Mul, 1, 1, one(tmp), one(tmp), {},
          float(count * double(pc) / total));
      vec(VecFunc::Add, 1, 1, one(m2), one(m2), one(pm2));
      vec(VecFunc::Add, 1, 1, one(m2), one(m2), one(tmp));
      count = total;
    }
    vec(VecFunc::Div, 1, 1, one(m2), one(m2), {}, float(n));
    vec(VecFunc::Add, 1, 1, one(m2), one(m2), {}, epsilon);
    vec(VecFunc::Rsqrt, 1, 1, one(m2), one(m2));
    // Pass 2: the output.
    for (auto [p, piece] : llvm::enumerate(pieces)) {
      int64_t pc = product(piece.second);
      loadTile(xs[p % 2], ks, ke, piece.first, piece.second);
      loadParam(ss[p % 2], scaleAddr, piece.first, piece.second);
      if (biasAddr)
        loadParam(bs[p % 2], *biasAddr, piece.first, piece.second);
      vec(VecFunc::Sub, 1, pc, T(p), X(p), spread(mean));
      vec(VecFunc::Mul, 1, pc, X(p), T(p), spread(m2));
      vec(VecFunc::Mul, 1, pc, T(p), X(p),
          sramOperand(Buffer::Wgt, ss[p % 2], 0));
      if (!biasAddr) {
        storeTile(Buffer::Acc, ts[p % 2], ks, ke, piece.first, piece.second);
        continue;
      }
      vec(VecFunc::Add, 1, pc, X(p), T(p),
          sramOperand(Buffer::Wgt, bs[p % 2], 0));
      storeTile(Buffer::Act, xs[p % 2], ks, ke, piece.first, piece.second);
    }
    return;
  }
  }
}

/// Checks that the row kind's vector functions take `type`.
LogicalResult checkRowType(Operation *op, RowKind kind, DType type) {
  switch (kind) {
  case RowKind::Sum:
    if (isa::checkVecTypes(VecFunc::RSum, type, type))
      return typeError(op, VecFunc::RSum, type);
    return success();
  case RowKind::Max:
  case RowKind::Min:
    if (isa::checkVecTypes(VecFunc::RMax, type, type))
      return typeError(op, VecFunc::RMax, type);
    return success();
  case RowKind::Mean:
    if (type != DType::F32)
      return emitNodeError(op)
             << "a mean of " << isa::getName(type)
             << " needs an integer division, which the vector unit does not "
                "have (its DIV takes f32, ISA §4.7)";
    return success();
  default:
    if (type != DType::F32)
      return emitNodeError(op) << "takes f32 on the vector unit, not "
                               << isa::getName(type) << " (ISA §4.7)";
    return success();
  }
}

LogicalResult emitRows(Emitter &emitter, Operation *op, RowKind kind,
                       Value input, ArrayRef<int64_t> axes, bool sameShape) {
  FailureOr<View> in = emitter.lookup(input, op);
  FailureOr<View> out = emitter.lookup(op->getResult(0), op);
  if (failed(in) || failed(out))
    return failure();
  if (failed(checkRowType(op, kind, in->dtype)))
    return failure();
  RowEmitter rows(emitter, op, kind);
  rows.init(*in, *out, axes, sameShape);
  if (auto ln = dyn_cast<spa::LayerNormOp>(op)) {
    FailureOr<View> scale = emitter.lookup(ln.getScale(), op);
    if (failed(scale))
      return failure();
    std::optional<uint64_t> biasAddr;
    if (ln.getBias()) {
      FailureOr<View> bias = emitter.lookup(ln.getBias(), op);
      if (failed(bias))
        return failure();
      biasAddr = bias->addr;
    }
    rows.setLayerNorm(scale->addr, biasAddr, ln.getEpsilon().convertToFloat());
  }
  return rows.run();
}

SmallVector<int64_t> trailingAxes(int64_t from, int64_t rank) {
  return llvm::to_vector(llvm::seq<int64_t>(from, rank));
}

//===----------------------------------------------------------------------===//
// Windowed pooling
//===----------------------------------------------------------------------===//

/// A 3-D strided operand: base address and element strides.
struct Operand3 {
  Buffer buffer = Buffer::None;
  uint32_t addr = 0;
  std::array<int64_t, 3> strides = {0, 0, 0};
};

/// Emits `func` over a 3-D box `extent` as VEC instructions over two of its
/// dimensions, looping over the smallest one.
void emitVec3(Emitter &emitter, VecFunc func, DType type,
              std::array<int64_t, 3> extent, Operand3 dst, Operand3 src1,
              std::optional<Operand3> src2 = std::nullopt, float imm = 0) {
  unsigned es = isa::elementSize(type);
  int loop = 0;
  for (int d = 1; d < 3; ++d)
    if (extent[d] < extent[loop])
      loop = d;
  int a = loop == 0 ? 1 : 0, b = loop == 2 ? 1 : 2;
  auto operand = [&](const Operand3 &o, int64_t i) {
    return sramOperand(o.buffer, uint32_t(o.addr + es * i * o.strides[loop]),
                       o.strides[a], o.strides[b]);
  };
  for (int64_t i = 0; i < extent[loop]; ++i)
    emitter.emit(makeVec(func, type, type, uint16_t(extent[a]),
                         uint16_t(extent[b]), operand(dst, i),
                         operand(src1, i),
                         src2 ? operand(*src2, i) : VecOperand(), imm));
}

struct PoolParams {
  bool isMax = true;
  std::array<int64_t, 2> kernel = {1, 1}, strides = {1, 1}, dilations = {1, 1};
  std::array<int64_t, 4> pads = {0, 0, 0, 0};
  bool countIncludePad = false;
};

/// The number of taps of the window at output `o` along one dimension that
/// lie in [lo, hi) of the padded coordinates.
int64_t countTaps(int64_t o, int64_t kernel, int64_t stride, int64_t dilation,
                  int64_t lo, int64_t hi) {
  int64_t count = 0;
  for (int64_t i = 0; i < kernel; ++i) {
    int64_t y = o * stride + i * dilation;
    count += y >= lo && y < hi;
  }
  return count;
}

LogicalResult emitPool(Emitter &emitter, Operation *op, Value input,
                       const PoolParams &pp) {
  FailureOr<View> in = emitter.lookup(input, op);
  FailureOr<View> out = emitter.lookup(op->getResult(0), op);
  if (failed(in) || failed(out))
    return failure();
  DType type = in->dtype;
  VecFunc accumulate = pp.isMax ? VecFunc::Max : VecFunc::Add;
  if (!pp.isMax && type != DType::F32)
    return emitNodeError(op) << "takes f32 on the vector unit, not "
                             << isa::getName(type) << " (ISA §4.7)";
  if (isa::checkVecTypes(accumulate, type, type))
    return typeError(op, accumulate, type);
  unsigned es = isa::elementSize(type);
  int64_t N = in->shape[0], C = in->shape[1], H = in->shape[2],
          W = in->shape[3];
  int64_t OH = out->shape[2], OW = out->shape[3];
  int64_t planes = N * C;
  if (planes == 0 || OH == 0 || OW == 0)
    return success();
  auto [kh, kw] = pp.kernel;
  auto [sh, sw] = pp.strides;
  auto [dh, dw] = pp.dilations;
  int64_t pt = pp.pads[0], pl = pp.pads[1], pb = pp.pads[2], pr = pp.pads[3];

  // Columns: the padded width every output row needs.
  int64_t wNeed = (OW - 1) * sw + (kw - 1) * dw + 1;
  int64_t wLoad = std::min(W, wNeed - pl);
  int64_t wPadHi = wNeed - pl - wLoad;
  if (wLoad < 1)
    return emitNodeError(op) << "has windows that cover no input column";
  if (pl > 255 || wPadHi > 255 || pt > 255 ||
      (OH - 1) * sh + (kh - 1) * dh + 1 - pt - H > 255)
    return emitNodeError(op) << "needs more than 255 elements of padding, "
                                "more than a DMA pads (ISA §3.1)";
  if (OW > kMaxExtent)
    return emitNodeError(op) << "has " << OW
                             << " output columns; the vector unit takes at "
                                "most 65535 per instruction";

  // The divisor of each output position (average pooling).
  std::optional<float> uniform;
  uint64_t divisorAddr = 0;
  if (!pp.isMax) {
    SmallVector<int64_t> rowCount, colCount;
    int64_t hLo = pp.countIncludePad ? 0 : pt,
            hHi = pp.countIncludePad ? pt + H + pb : pt + H;
    int64_t wLo = pp.countIncludePad ? 0 : pl,
            wHi = pp.countIncludePad ? pl + W + pr : pl + W;
    for (int64_t o = 0; o < OH; ++o)
      rowCount.push_back(countTaps(o, kh, sh, dh, hLo, hHi));
    for (int64_t o = 0; o < OW; ++o)
      colCount.push_back(countTaps(o, kw, sw, dw, wLo, wHi));
    bool same = llvm::all_equal(rowCount) && llvm::all_equal(colCount);
    if (same) {
      uniform = float(rowCount[0] * colCount[0]);
    } else {
      std::vector<uint8_t> data(OH * OW * 4);
      for (int64_t y = 0; y < OH; ++y)
        for (int64_t x = 0; x < OW; ++x) {
          float d = float(rowCount[y] * colCount[x]);
          std::memcpy(&data[(y * OW + x) * 4], &d, 4);
        }
      divisorAddr = emitter.addConstant(getNodeName(op) + ".divisor",
                                        DType::F32, OH, OW, std::move(data));
    }
  }

  // Tile: `tp` planes x `toh` output rows.
  uint64_t actBudget = emitter.getTileBudget(Buffer::Act);
  uint64_t accBudget = emitter.getTileBudget(Buffer::Acc);
  uint64_t wgtBudget = emitter.getTileBudget(Buffer::Wgt);
  auto hNeed = [&](int64_t rows) { return (rows - 1) * sh + (kh - 1) * dh + 1; };
  auto fits = [&](int64_t p, int64_t rows) {
    return align(uint64_t(p) * hNeed(rows) * wNeed * es) <= actBudget &&
           align(uint64_t(p) * rows * OW * es) <= accBudget &&
           (uniform || pp.isMax || align(uint64_t(rows) * OW * 4) <= wgtBudget);
  };
  if (!fits(1, 1))
    return emitNodeError(op) << "needs " << hNeed(1) * wNeed * es
                             << " bytes of input for one output row, more "
                                "than a tile of the activation scratchpad ("
                             << actBudget << " bytes)";
  int64_t lo = 1, hi = OH;
  while (lo < hi) {
    int64_t mid = (lo + hi + 1) / 2;
    if (fits(1, mid))
      lo = mid;
    else
      hi = mid - 1;
  }
  int64_t toh = lo;
  toh = llvm::divideCeil(OH, llvm::divideCeil(OH, toh));
  lo = 1, hi = std::min<int64_t>(planes, kMaxExtent);
  while (lo < hi) {
    int64_t mid = (lo + hi + 1) / 2;
    if (fits(mid, toh))
      lo = mid;
    else
      hi = mid - 1;
  }
  int64_t tp = lo;
  tp = llvm::divideCeil(planes, llvm::divideCeil(planes, tp));

  uint32_t padValue = 0;
  if (pp.isMax) {
    if (type == DType::F32) {
      float negInf = -std::numeric_limits<float>::infinity();
      std::memcpy(&padValue, &negInf, 4);
    } else if (type == DType::I8) {
      padValue = uint32_t(int32_t(INT8_MIN));
    } else {
      padValue = uint32_t(INT32_MIN);
    }
  }

  for (int64_t p0 = 0; p0 < planes; p0 += tp) {
    int64_t np = std::min(tp, planes - p0);
    for (int64_t oh0 = 0; oh0 < OH; oh0 += toh) {
      int64_t nr = std::min(toh, OH - oh0);
      int64_t hn = hNeed(nr);
      int64_t y0 = oh0 * sh - pt;
      int64_t yBegin = std::max<int64_t>(0, y0);
      int64_t yEnd = std::min(H, y0 + hn);
      if (yEnd <= yBegin)
        return emitNodeError(op) << "has windows that cover no input row";
      uint32_t x = emitter.alloc(Buffer::Act, uint64_t(np) * hn * wNeed * es);
      SmallVector<BoxDim, 6> dims = {
          {np, H * W, hn * wNeed},
          {yEnd - yBegin, W, wNeed, yBegin - y0, y0 + hn - yEnd},
          {wLoad, 1, 1, pl, wPadHi}};
      emitBox(emitter, /*isLoad=*/true, Buffer::Act, x,
              in->addr + es * (p0 * H * W + yBegin * W), type, dims, padValue);

      uint32_t y = emitter.alloc(Buffer::Acc, uint64_t(np) * nr * OW * es);
      Operand3 dst{Buffer::Acc, y, {nr * OW, OW, 1}};
      std::array<int64_t, 3> extent = {np, nr, OW};
      for (int64_t i = 0; i < kh; ++i) {
        for (int64_t j = 0; j < kw; ++j) {
          Operand3 tap{Buffer::Act,
                       uint32_t(x + es * (i * dh * wNeed + j * dw)),
                       {hn * wNeed, sh * wNeed, sw}};
          if (i == 0 && j == 0)
            emitVec3(emitter, VecFunc::Copy, type, extent, dst, tap);
          else
            emitVec3(emitter, accumulate, type, extent, dst, dst, tap);
        }
      }
      if (!pp.isMax) {
        if (uniform) {
          emitVec3(emitter, VecFunc::Div, type, extent, dst, dst, std::nullopt,
                   *uniform);
        } else {
          uint32_t d = emitter.alloc(Buffer::Wgt, uint64_t(nr) * OW * 4);
          emitBox(emitter, /*isLoad=*/true, Buffer::Wgt, d,
                  divisorAddr + 4 * oh0 * OW, DType::F32,
                  {{nr, OW, OW}, {OW, 1, 1}});
          emitVec3(emitter, VecFunc::Div, type, extent, dst, dst,
                   Operand3{Buffer::Wgt, d, {0, OW, 1}});
        }
      }
      emitBox(emitter, /*isLoad=*/false, Buffer::Acc, y,
              out->addr + es * (p0 * OH * OW + oh0 * OW), type,
              {{np, OH * OW, nr * OW}, {nr, OW, OW}, {OW, 1, 1}});
    }
  }
  return success();
}

template <typename OpTy>
PoolParams getWindow(OpTy op, bool isMax) {
  PoolParams pp;
  pp.isMax = isMax;
  for (int i = 0; i < 2; ++i) {
    pp.kernel[i] = op.getKernel()[i];
    pp.strides[i] = op.getStrides()[i];
  }
  for (int i = 0; i < 4; ++i)
    pp.pads[i] = op.getPads()[i];
  return pp;
}

} // namespace

LogicalResult codegen::emitReduction(Emitter &emitter, Operation *op) {
  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](spa::SoftmaxOp sm) {
        return emitRows(emitter, op, RowKind::Softmax, sm.getInput(),
                        {sm.getAxis()}, /*sameShape=*/true);
      })
      .Case([&](spa::LogSoftmaxOp sm) {
        return emitRows(emitter, op, RowKind::LogSoftmax, sm.getInput(),
                        {sm.getAxis()}, /*sameShape=*/true);
      })
      .Case([&](spa::LayerNormOp ln) {
        int64_t rank = cast<RankedTensorType>(ln.getType()).getRank();
        return emitRows(emitter, op, RowKind::LayerNorm, ln.getInput(),
                        trailingAxes(ln.getAxis(), rank), /*sameShape=*/true);
      })
      .Case([&](spa::ReduceSumOp r) {
        return emitRows(emitter, op, RowKind::Sum, r.getInput(), r.getAxes(),
                        false);
      })
      .Case([&](spa::ReduceMeanOp r) {
        return emitRows(emitter, op, RowKind::Mean, r.getInput(), r.getAxes(),
                        false);
      })
      .Case([&](spa::ReduceMaxOp r) {
        return emitRows(emitter, op, RowKind::Max, r.getInput(), r.getAxes(),
                        false);
      })
      .Case([&](spa::ReduceMinOp r) {
        return emitRows(emitter, op, RowKind::Min, r.getInput(), r.getAxes(),
                        false);
      })
      .Case([&](spa::GlobalAvgPool2DOp g) {
        return emitRows(emitter, op, RowKind::Mean, g.getInput(), {2, 3},
                        false);
      })
      .Case([&](spa::GlobalMaxPool2DOp g) {
        return emitRows(emitter, op, RowKind::Max, g.getInput(), {2, 3},
                        false);
      })
      .Case([&](spa::MaxPool2DOp p) {
        PoolParams pp = getWindow(p, /*isMax=*/true);
        for (int i = 0; i < 2; ++i)
          pp.dilations[i] = p.getDilations()[i];
        return emitPool(emitter, op, p.getInput(), pp);
      })
      .Case([&](spa::AvgPool2DOp p) {
        PoolParams pp = getWindow(p, /*isMax=*/false);
        pp.countIncludePad = p.getCountIncludePad();
        return emitPool(emitter, op, p.getInput(), pp);
      })
      .Default([&](Operation *) -> LogicalResult {
        return emitNodeError(op) << "is not a reduction or pooling op";
      });
}
