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
// Pooling loads a tile of planes x output rows x output columns with the
// window's padding done by the DMA (ISA §3.1: -inf, or the integer minimum,
// for max pooling; zero for average pooling), then accumulates one VEC per
// kernel tap over strided views of the padded tile, or, when it takes fewer
// taps, the kernel's columns and then its rows (separable windows). Average
// pooling divides by the number of counted taps: an immediate when it is the
// same everywhere, else a compile-time divisor map.
//
// Scratchpad: each layer takes one block per buffer from the ring, split
// into two tile slots (`DoubleBuffer`), plus layer-long data (per-row
// statistics, layer-norm parameters). Tile i works in slot i % 2 and the
// loads of tile i + 1 are emitted before the compute of tile i, so they
// overlap it. Stores never read `act`, which the loads write, so a load
// never waits for a store (the scheduler would relay that wait through the
// compute queue). Each VEC over a full tile reads and writes distinct
// buffers where it can, since a buffer streams one operand per cycle
// (docs/CycleModel.md §4).
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
  // A stable order by decreasing DRAM stride.
  SmallVector<std::pair<int64_t, size_t>, 6> order;
  for (size_t i = 0; i < dims.size(); ++i)
    order.push_back({-dims[i].dram, i});
  llvm::sort(order);
  SmallVector<BoxDim, 6> sorted;
  for (auto &entry : order)
    sorted.push_back(dims[entry.second]);
  dims = std::move(sorted);
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
      : next(bytes ? emitter.alloc(buffer, bytes) : 0), size(bytes) {}
  Block(uint64_t addr, uint64_t bytes) : next(addr), size(bytes) {}
  uint32_t take(uint64_t bytes) {
    uint32_t addr = static_cast<uint32_t>(next);
    next += align(bytes);
    used += align(bytes);
    assert(used <= size && "block overflow");
    return addr;
  }
  uint64_t getUsed() const { return used; }
  uint64_t getSize() const { return size; }

private:
  uint64_t next = 0, size = 0, used = 0;
};

/// Two slots of one buffer for the tiles of a layer, taken from the ring
/// once: tile i works in slot i % 2, so the next tile's loads fill one slot
/// while the current tile computes in the other. Nothing else allocates
/// the buffer during the layer, so the ring never hands out a live slot
/// (which per-tile allocations could, with two tiles in flight).
class DoubleBuffer {
public:
  DoubleBuffer() = default;
  /// Two slots of `slotBytes` after `reservedBytes` for the whole layer.
  DoubleBuffer(Emitter &emitter, Buffer buffer, uint64_t slotBytes,
               uint64_t reservedBytes = 0)
      : slotBytes(align(slotBytes)), reservedBytes(align(reservedBytes)),
        base(slotBytes + reservedBytes
                 ? emitter.alloc(buffer,
                                 align(reservedBytes) + 2 * align(slotBytes))
                 : 0) {}
  /// A bump allocator over slot `i % 2`.
  Block slot(size_t i) const {
    return Block(base + reservedBytes + (i % 2) * slotBytes, slotBytes);
  }
  uint32_t getReserved() const { return static_cast<uint32_t>(base); }

private:
  uint64_t slotBytes = 0, reservedBytes = 0;
  uint64_t base = 0;
};

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

/// A per-row column of `wgt`: `rows x 1`, or broadcast along each row.
VecOperand column(uint32_t addr) {
  return sramOperand(Buffer::Wgt, addr, 1, 0);
}

/// Emits a row-wise op. Buffers are chosen so that every full-size VEC
/// streams each buffer once (docs/CycleModel.md §4): tiles alternate
/// between `act` and `acc`, and the per-row statistics and the layer-norm
/// parameters, which are broadcast, live in `wgt`.
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
    SmallVector<int64_t, 6> sizes;
    for (int64_t d = 0; d < int64_t(shape.size()); ++d)
      if (!llvm::is_contained(axes, d))
        sizes.push_back(shape[d]);
    SmallVector<int64_t, 6> keptOut = denseStrides(sizes);
    size_t k = 0;
    for (int64_t d = 0; d < int64_t(shape.size()); ++d) {
      if (llvm::is_contained(axes, d)) {
        reduced.push_back({shape[d], inStrides[d], inStrides[d]});
        continue;
      }
      kept.push_back(
          {shape[d], inStrides[d], sameShape ? inStrides[d] : keptOut[k]});
      ++k;
    }
    collapse(kept);
    collapse(reduced);
    int64_t minReducedStride = std::numeric_limits<int64_t>::max();
    for (const Axis &a : reduced) {
      reducedSizes.push_back(a.size);
      if (a.size > 1)
        minReducedStride = std::min(minReducedStride, a.in);
    }
    for (const Axis &a : kept) {
      keptSizes.push_back(a.size);
      // Rows that interleave with the reduced elements in DRAM.
      if (a.in < minReducedStride)
        innerRows *= a.size;
    }
    n = product(reducedSizes);
    numRows = product(keptSizes);
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
  bool hasScale() const { return kind == RowKind::LayerNorm; }
  bool hasBias() const { return kind == RowKind::LayerNorm && biasAddr; }
  /// Whether tiles of `rows x cols` fit a slot of each buffer, with
  /// `paramSlots` copies of the layer-norm parameters (two when rows are
  /// processed in pieces). The scale is in `wgt` and the bias in `act`, so
  /// that the last two steps, `* scale` (act to acc) and `+ bias` (acc to
  /// wgt), each stream every buffer once; the output is then staged in
  /// `wgt`. `wgt` is one block for the whole layer.
  bool fits(int64_t rows, int64_t cols, int64_t paramSlots) const {
    uint64_t tile = uint64_t(rows) * cols;
    uint64_t param = align(uint64_t(cols) * 4);
    uint64_t act = align(tile * es) + (hasBias() ? param : 0);
    uint64_t acc = hasAccTile() ? align(tile * 4) : 0;
    uint64_t wgt = (hasScale() ? paramSlots * param : 0) +
                   2 * numColumns() * align(uint64_t(rows) * 4) +
                   (hasBias() ? 2 * align(tile * 4) : 0);
    return act <= emitter.getTileBudget(Buffer::Act) &&
           acc <= emitter.getTileBudget(Buffer::Acc) &&
           wgt <= emitter.getCapacity(Buffer::Wgt);
  }
  /// The largest value in [1, hi] for which `ok` holds (it is monotone), or
  /// 0.
  static int64_t largest(int64_t hi, function_ref<bool(int64_t)> ok) {
    if (hi < 1 || !ok(1))
      return 0;
    int64_t lo = 1;
    while (lo < hi) {
      int64_t mid = lo + (hi - lo + 1) / 2;
      if (ok(mid))
        lo = mid;
      else
        hi = mid - 1;
    }
    return lo;
  }

  void vec(VecFunc func, int64_t rows, int64_t cols, VecOperand dst,
           VecOperand src1, VecOperand src2 = {}, float imm = 0) {
    emitter.emit(makeVec(func, dtype, dtype, uint16_t(rows), uint16_t(cols),
                         dst, src1, src2, imm));
  }

  /// The DMA dimensions of the tile at kept box extents `ke` and reduced
  /// box extents `re`, scattered to a dense `rows x cols` matrix.
  SmallVector<BoxDim, 6> tileDims(ArrayRef<int64_t> ke, ArrayRef<int64_t> re,
                                  bool output) const {
    int64_t cols = product(re);
    SmallVector<int64_t, 6> rowStrides = denseStrides(ke);
    SmallVector<int64_t, 6> colStrides = denseStrides(re);
    SmallVector<BoxDim, 6> dims;
    for (size_t d = 0; d < kept.size(); ++d)
      dims.push_back(
          {ke[d], output ? kept[d].out : kept[d].in, rowStrides[d] * cols});
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
    emitBox(emitter, /*isLoad=*/false, Buffer::Wgt, sram,
            outAddr + es * keptOffset(ks, true), dtype, dims);
  }
  /// Loads the layer-norm parameter at `addr` for the reduced box (`rs`,
  /// `re`) as one row. The parameters are dense over the normalized
  /// (trailing) dimensions, so their strides are the input's.
  void loadParam(Buffer buffer, uint32_t sram, uint64_t addr,
                 ArrayRef<int64_t> rs, ArrayRef<int64_t> re) {
    SmallVector<int64_t, 6> colStrides = denseStrides(re);
    SmallVector<BoxDim, 6> dims;
    for (size_t d = 0; d < reduced.size(); ++d)
      dims.push_back({re[d], reduced[d].in, colStrides[d]});
    emitBox(emitter, /*isLoad=*/true, buffer, sram,
            addr + 4 * reducedOffset(rs), DType::F32, dims);
  }

  void emitWhole(ArrayRef<int64_t> ks, ArrayRef<int64_t> ke, uint32_t x,
                 uint32_t t, uint32_t w,
                 ArrayRef<uint32_t> c);
  void emitPieces(ArrayRef<int64_t> ks, ArrayRef<int64_t> ke,
                  ArrayRef<uint32_t> c);

  Emitter &emitter;
  Operation *op;
  RowKind kind;
  DType dtype = DType::F32;
  unsigned es = 4;
  uint64_t inAddr = 0, outAddr = 0;
  SmallVector<Axis, 6> kept, reduced;
  SmallVector<int64_t, 6> keptSizes, reducedSizes;
  int64_t n = 1, numRows = 1, innerRows = 1;
  /// The tile slots of `act` and `acc`.
  DoubleBuffer actSlots, accSlots;
  /// Pieces of a row: at most this many columns.
  int64_t maxCols = 1;
  // Layer normalization: the parameters in DRAM and in the scratchpad, the
  // scale in `wgt` and the bias in `act` (one copy when rows are whole, one
  // per piece slot otherwise).
  uint64_t scaleAddr = 0;
  std::optional<uint64_t> biasAddr;
  float epsilon = 0;
  uint32_t scaleSram[2] = {0, 0}, biasSram[2] = {0, 0};
  /// Layer normalization with a bias: the output slots in `wgt`.
  uint32_t outSram[2] = {0, 0};
};

LogicalResult RowEmitter::run() {
  if (numRows == 0)
    return success();
  if (n == 0)
    return emitNodeError(op) << "reduces an empty dimension";

  // Whole rows when enough of them fit for the DMA to move contiguous runs
  // of at least a burst when the reduced dimension is not the innermost
  // one (docs/CycleModel.md §2).
  const target::TargetDescription &t = emitter.getTarget();
  int64_t want = std::min<int64_t>(
      innerRows, std::max<int64_t>(1, llvm::divideCeil(t.dramBurstBytes, es)));
  // Pieces of rows keep VEC instructions long enough that their latency
  // (a few cycles, docs/CycleModel.md §4) is small against their length.
  int64_t lanes = std::max<int64_t>(1, t.vectorLanes);
  int64_t wholeRows =
      n <= kMaxExtent
          ? largest(std::min(numRows, kMaxExtent),
                    [&](int64_t rows) { return fits(rows, n, 1); })
          : 0;
  bool whole = wholeRows >= want;
  int64_t rows = wholeRows, cols = n;
  if (!whole) {
    // Pieces: the rows that share DRAM runs, and as long pieces as fit, but
    // at least 16 vectors (or the row) when that takes fewer rows.
    rows = std::min(innerRows, kMaxExtent);
    int64_t hiCols = std::min(n, kMaxExtent);
    cols = largest(hiCols, [&](int64_t c) { return fits(rows, c, 2); });
    int64_t minCols = std::min<int64_t>(hiCols, 16 * lanes);
    if (cols < minCols) {
      rows = largest(rows, [&](int64_t r) { return fits(r, minCols, 2); });
      if (rows == 0)
        rows = 1;
      cols = largest(hiCols, [&](int64_t c) { return fits(rows, c, 2); });
    }
    // Layer normalization loads its parameters with every piece: share
    // them between rows, keeping pieces of at least 32 vectors.
    if (kind == RowKind::LayerNorm && rows < numRows) {
      int64_t shared = std::min<int64_t>(hiCols, 32 * lanes);
      int64_t more = largest(std::min(numRows, kMaxExtent),
                             [&](int64_t r) { return fits(r, shared, 2); });
      if (more > rows) {
        rows = more;
        cols = largest(hiCols, [&](int64_t c) { return fits(rows, c, 2); });
      }
    }
    if (cols == 0)
      return emitNodeError(op) << "does not fit the scratchpads";
    maxCols = cols;
  }

  // `wgt` holds the scale, two sets of per-row columns (one per tile in
  // flight) and the output slots of a layer norm with a bias, for the whole
  // layer; nothing else allocates it here. The bias is in `act`: before the
  // two slots with whole rows, in each slot with pieces.
  int64_t paramSlots = whole ? 1 : 2;
  uint64_t tileBytes = uint64_t(rows) * cols * 4;
  uint64_t paramBytes = uint64_t(cols) * 4;
  Block wgt(emitter, Buffer::Wgt,
            (hasScale() ? paramSlots * align(paramBytes) : 0) +
                2 * numColumns() * align(uint64_t(rows) * 4) +
                (hasBias() ? 2 * align(tileBytes) : 0));
  for (int64_t s = 0; s < paramSlots && hasScale(); ++s)
    scaleSram[s] = wgt.take(paramBytes);
  SmallVector<uint32_t, 5> columns[2];
  for (auto &set : columns)
    for (unsigned i = 0; i < numColumns(); ++i)
      set.push_back(wgt.take(uint64_t(rows) * 4));
  for (int s = 0; s < 2 && hasBias(); ++s)
    outSram[s] = wgt.take(tileBytes);
  uint64_t xBytes = uint64_t(rows) * cols * es;
  if (whole) {
    actSlots = DoubleBuffer(emitter, Buffer::Act, xBytes,
                            hasBias() ? paramBytes : 0);
    biasSram[0] = actSlots.getReserved();
  } else {
    actSlots = DoubleBuffer(emitter, Buffer::Act,
                            align(xBytes) + (hasBias() ? paramBytes : 0));
  }
  if (hasAccTile())
    accSlots = DoubleBuffer(emitter, Buffer::Acc, tileBytes);
  if (whole && hasScale()) {
    SmallVector<int64_t, 6> zeros(reduced.size(), 0);
    loadParam(Buffer::Wgt, scaleSram[0], scaleAddr, zeros, reducedSizes);
    if (hasBias())
      loadParam(Buffer::Act, biasSram[0], *biasAddr, zeros, reducedSizes);
  }

  // The tiles of rows. Each tile's load is emitted before the previous
  // tile's compute, so that the load never waits behind that compute
  // (a load that must follow a store is relayed through the compute queue
  // at the point where it is emitted).
  SmallVector<std::pair<SmallVector<int64_t, 6>, SmallVector<int64_t, 6>>>
      tiles;
  forEachBox(keptSizes, rows, [&](ArrayRef<int64_t> ks, ArrayRef<int64_t> ke) {
    tiles.emplace_back(SmallVector<int64_t, 6>(ks), SmallVector<int64_t, 6>(ke));
  });
  if (!whole) {
    for (auto [index, tile] : llvm::enumerate(tiles))
      emitPieces(tile.first, tile.second, columns[index % 2]);
    return success();
  }
  SmallVector<uint32_t> xs(tiles.size());
  SmallVector<int64_t, 6> zeros(reduced.size(), 0);
  auto prefetch = [&](size_t i) {
    int64_t tileRows = product(tiles[i].second);
    xs[i] = actSlots.slot(i).take(uint64_t(tileRows) * n * es);
    loadTile(xs[i], tiles[i].first, tiles[i].second, zeros, reducedSizes);
  };
  prefetch(0);
  for (size_t i = 0; i < tiles.size(); ++i) {
    if (i + 1 < tiles.size())
      prefetch(i + 1);
    uint32_t t = hasAccTile() ? accSlots.slot(i).take(
                                    uint64_t(product(tiles[i].second)) * n * 4)
                              : 0;
    emitWhole(tiles[i].first, tiles[i].second, xs[i], t, outSram[i % 2],
              columns[i % 2]);
  }
  return success();
}

void RowEmitter::emitWhole(ArrayRef<int64_t> ks, ArrayRef<int64_t> ke,
                           uint32_t x, uint32_t t, uint32_t w,
                           ArrayRef<uint32_t> c) {
  int64_t rows = product(ke);
  int64_t cols = n;
  SmallVector<int64_t, 6> rs(reduced.size(), 0);
  ArrayRef<int64_t> re = reducedSizes;
  VecOperand X = sramOperand(Buffer::Act, x, cols);

  switch (kind) {
  case RowKind::Sum:
  case RowKind::Mean:
  case RowKind::Max:
  case RowKind::Min: {
    VecFunc func = kind == RowKind::Max   ? VecFunc::RMax
                   : kind == RowKind::Min ? VecFunc::RMin
                                          : VecFunc::RSum;
    vec(func, rows, cols, column(c[0]), X);
    if (kind == RowKind::Mean)
      vec(VecFunc::Div, rows, 1, column(c[0]), column(c[0]), {}, float(n));
    storeColumn(c[0], ks, ke);
    return;
  }
  case RowKind::Softmax:
  case RowKind::LogSoftmax: {
    VecOperand T = sramOperand(Buffer::Acc, t, cols);
    vec(VecFunc::RMax, rows, cols, column(c[0]), X);
    vec(VecFunc::Sub, rows, cols, T, X, column(c[0]));
    vec(VecFunc::Exp, rows, cols, X, T);
    vec(VecFunc::RSum, rows, cols, column(c[1]), X);
    if (kind == RowKind::Softmax) {
      vec(VecFunc::Recip, rows, 1, column(c[1]), column(c[1]));
      vec(VecFunc::Mul, rows, cols, T, X, column(c[1]));
      storeTile(Buffer::Acc, t, ks, ke, rs, re);
    } else {
      vec(VecFunc::Log, rows, 1, column(c[1]), column(c[1]));
      vec(VecFunc::Sub, rows, cols, T, T, column(c[1]));
      storeTile(Buffer::Acc, t, ks, ke, rs, re);
    }
    return;
  }
  case RowKind::LayerNorm: {
    VecOperand T = sramOperand(Buffer::Acc, t, cols);
    vec(VecFunc::RSum, rows, cols, column(c[0]), X);
    vec(VecFunc::Div, rows, 1, column(c[0]), column(c[0]), {}, float(n));
    vec(VecFunc::Sub, rows, cols, T, X, column(c[0]));
    vec(VecFunc::Mul, rows, cols, X, T, T);
    vec(VecFunc::RSum, rows, cols, column(c[1]), X);
    vec(VecFunc::Div, rows, 1, column(c[1]), column(c[1]), {}, float(n));
    vec(VecFunc::Add, rows, 1, column(c[1]), column(c[1]), {}, epsilon);
    vec(VecFunc::Rsqrt, rows, 1, column(c[1]), column(c[1]));
    vec(VecFunc::Mul, rows, cols, X, T, column(c[1]));
    vec(VecFunc::Mul, rows, cols, T, X,
        sramOperand(Buffer::Wgt, scaleSram[0], 0));
    if (!biasAddr) {
      storeTile(Buffer::Acc, t, ks, ke, rs, re);
      return;
    }
    vec(VecFunc::Add, rows, cols, sramOperand(Buffer::Wgt, w, cols), T,
        sramOperand(Buffer::Act, biasSram[0], 0));
    storeTile(Buffer::Wgt, w, ks, ke, rs, re);
    return;
  }
  }
}

void RowEmitter::emitPieces(ArrayRef<int64_t> ks, ArrayRef<int64_t> ke,
                            ArrayRef<uint32_t> c) {
  // `rows` rows in pieces of at most maxCols columns, two piece slots per
  // buffer so that the next piece loads while this one computes.
  int64_t rows = product(ke);
  uint64_t slotElems = uint64_t(rows) * maxCols;
  uint32_t xs[2], ts[2];
  for (int i = 0; i < 2; ++i) {
    Block act = actSlots.slot(i);
    xs[i] = act.take(slotElems * es);
    if (hasBias())
      biasSram[i] = act.take(uint64_t(maxCols) * 4);
    ts[i] = hasAccTile() ? accSlots.slot(i).take(slotElems * 4) : 0;
  }

  SmallVector<std::pair<SmallVector<int64_t, 6>, SmallVector<int64_t, 6>>>
      pieces;
  forEachBox(reducedSizes, maxCols,
             [&](ArrayRef<int64_t> rs, ArrayRef<int64_t> re) {
               pieces.emplace_back(SmallVector<int64_t, 6>(rs),
                                   SmallVector<int64_t, 6>(re));
             });
  auto cols = [&](size_t p) { return product(pieces[p].second); };
  auto X = [&](size_t p) {
    return sramOperand(Buffer::Act, xs[p % 2], cols(p));
  };
  auto T = [&](size_t p) {
    return sramOperand(Buffer::Acc, ts[p % 2], cols(p));
  };
  auto load = [&](size_t p, bool params) {
    loadTile(xs[p % 2], ks, ke, pieces[p].first, pieces[p].second);
    if (!params)
      return;
    loadParam(Buffer::Wgt, scaleSram[p % 2], scaleAddr, pieces[p].first,
              pieces[p].second);
    if (hasBias())
      loadParam(Buffer::Act, biasSram[p % 2], *biasAddr, pieces[p].first,
                pieces[p].second);
  };
  // Each piece's loads are emitted before the previous piece's compute.
  auto prefetch = [&](size_t p, bool params) {
    if (p == 0)
      load(0, params);
    if (p + 1 < pieces.size())
      load(p + 1, params);
  };
  auto store = [&](size_t p, Buffer buffer) {
    storeTile(buffer, buffer == Buffer::Wgt ? outSram[p % 2] : ts[p % 2], ks,
              ke, pieces[p].first, pieces[p].second);
  };
  auto col = [&](uint32_t addr) { return column(addr); };

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
    for (size_t p = 0; p < pieces.size(); ++p) {
      prefetch(p, /*params=*/false);
      if (p == 0) {
        vec(func, rows, cols(p), col(c[0]), X(p));
        continue;
      }
      vec(func, rows, cols(p), col(c[1]), X(p));
      vec(combine, rows, 1, col(c[0]), col(c[0]), col(c[1]));
    }
    if (kind == RowKind::Mean)
      vec(VecFunc::Div, rows, 1, col(c[0]), col(c[0]), {}, float(n));
    storeColumn(c[0], ks, ke);
    return;
  }
  case RowKind::Softmax:
  case RowKind::LogSoftmax: {
    // Pass 1: a running maximum m and sum s of exp(x - m).
    uint32_t m = c[0], s = c[1], pm = c[2], ps = c[3];
    for (size_t p = 0; p < pieces.size(); ++p) {
      prefetch(p, /*params=*/false);
      if (p == 0) {
        vec(VecFunc::RMax, rows, cols(p), col(m), X(p));
        vec(VecFunc::Sub, rows, cols(p), T(p), X(p), col(m));
        vec(VecFunc::Exp, rows, cols(p), X(p), T(p));
        vec(VecFunc::RSum, rows, cols(p), col(s), X(p));
        continue;
      }
      vec(VecFunc::RMax, rows, cols(p), col(pm), X(p));
      vec(VecFunc::Max, rows, 1, col(pm), col(pm), col(m));
      vec(VecFunc::Sub, rows, cols(p), T(p), X(p), col(pm));
      vec(VecFunc::Exp, rows, cols(p), X(p), T(p));
      vec(VecFunc::RSum, rows, cols(p), col(ps), X(p));
      // s = s * exp(m - m') + ps, then m = m'.
      vec(VecFunc::Sub, rows, 1, col(m), col(m), col(pm));
      vec(VecFunc::Exp, rows, 1, col(m), col(m));
      vec(VecFunc::Mul, rows, 1, col(s), col(s), col(m));
      vec(VecFunc::Add, rows, 1, col(s), col(s), col(ps));
      std::swap(m, pm);
    }
    vec(kind == RowKind::Softmax ? VecFunc::Recip : VecFunc::Log, rows, 1,
        col(s), col(s));
    // Pass 2: the output.
    for (size_t p = 0; p < pieces.size(); ++p) {
      prefetch(p, /*params=*/false);
      vec(VecFunc::Sub, rows, cols(p), T(p), X(p), col(m));
      if (kind == RowKind::Softmax) {
        vec(VecFunc::Exp, rows, cols(p), X(p), T(p));
        vec(VecFunc::Mul, rows, cols(p), T(p), X(p), col(s));
        store(p, Buffer::Acc);
      } else {
        vec(VecFunc::Sub, rows, cols(p), T(p), T(p), col(s));
        store(p, Buffer::Acc);
      }
    }
    return;
  }
  case RowKind::LayerNorm: {
    // Pass 1: each piece's mean and sum of squared deviations, combined as
    // in Chan et al.'s parallel variance.
    uint32_t mean = c[0], m2 = c[1], pmean = c[2], pm2 = c[3], tmp = c[4];
    double count = 0;
    for (size_t p = 0; p < pieces.size(); ++p) {
      int64_t pc = cols(p);
      prefetch(p, /*params=*/false);
      vec(VecFunc::RSum, rows, pc, col(pmean), X(p));
      vec(VecFunc::Div, rows, 1, col(pmean), col(pmean), {}, float(pc));
      vec(VecFunc::Sub, rows, pc, T(p), X(p), col(pmean));
      vec(VecFunc::Mul, rows, pc, X(p), T(p), T(p));
      vec(VecFunc::RSum, rows, pc, col(pm2), X(p));
      if (p == 0) {
        std::swap(mean, pmean);
        std::swap(m2, pm2);
        count = double(pc);
        continue;
      }
      double total = count + double(pc);
      // delta = pmean - mean; mean += delta * pc / total;
      // m2 += pm2 + delta^2 * count * pc / total.
      vec(VecFunc::Sub, rows, 1, col(pmean), col(pmean), col(mean));
      vec(VecFunc::Mul, rows, 1, col(tmp), col(pmean), {},
          float(double(pc) / total));
      vec(VecFunc::Add, rows, 1, col(mean), col(mean), col(tmp));
      vec(VecFunc::Mul, rows, 1, col(tmp), col(pmean), col(pmean));
      vec(VecFunc::Mul, rows, 1, col(tmp), col(tmp), {},
          float(count * double(pc) / total));
      vec(VecFunc::Add, rows, 1, col(m2), col(m2), col(pm2));
      vec(VecFunc::Add, rows, 1, col(m2), col(m2), col(tmp));
      count = total;
    }
    vec(VecFunc::Div, rows, 1, col(m2), col(m2), {}, float(n));
    vec(VecFunc::Add, rows, 1, col(m2), col(m2), {}, epsilon);
    vec(VecFunc::Rsqrt, rows, 1, col(m2), col(m2));
    // Pass 2: the output.
    for (size_t p = 0; p < pieces.size(); ++p) {
      int64_t pc = cols(p);
      prefetch(p, /*params=*/true);
      vec(VecFunc::Sub, rows, pc, T(p), X(p), col(mean));
      vec(VecFunc::Mul, rows, pc, X(p), T(p), col(m2));
      vec(VecFunc::Mul, rows, pc, T(p), X(p),
          sramOperand(Buffer::Wgt, scaleSram[p % 2], 0));
      if (!biasAddr) {
        store(p, Buffer::Acc);
        continue;
      }
      vec(VecFunc::Add, rows, pc, sramOperand(Buffer::Wgt, outSram[p % 2], pc),
          T(p), sramOperand(Buffer::Act, biasSram[p % 2], 0));
      store(p, Buffer::Wgt);
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

/// The input extent a tile of `outputs` windows needs along one dimension,
/// and where it lies: `begin` is the first (padded) input position relative
/// to the real input, which may be negative.
struct WindowSpan {
  int64_t begin = 0, extent = 0;
  /// The real input rows or columns, and the padding around them.
  int64_t loadBegin = 0, loadCount = 0, padLo = 0, padHi = 0;
};

WindowSpan getSpan(int64_t first, int64_t outputs, int64_t kernel,
                   int64_t stride, int64_t dilation, int64_t pad,
                   int64_t size) {
  WindowSpan s;
  s.begin = first * stride - pad;
  s.extent = (outputs - 1) * stride + (kernel - 1) * dilation + 1;
  s.loadBegin = std::max<int64_t>(0, s.begin);
  int64_t end = std::min(size, s.begin + s.extent);
  s.loadCount = end - s.loadBegin;
  s.padLo = s.loadBegin - s.begin;
  s.padHi = s.begin + s.extent - std::max(end, s.loadBegin);
  return s;
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
  int64_t H = in->shape[2], W = in->shape[3];
  int64_t OH = out->shape[2], OW = out->shape[3];
  int64_t planes = in->shape[0] * in->shape[1];
  if (planes == 0 || OH == 0 || OW == 0)
    return success();
  int64_t kh = pp.kernel[0], kw = pp.kernel[1];
  int64_t sh = pp.strides[0], sw = pp.strides[1];
  int64_t dh = pp.dilations[0], dw = pp.dilations[1];
  int64_t pt = pp.pads[0], pl = pp.pads[1], pb = pp.pads[2], pr = pp.pads[3];

  // The most padding any tile needs: the leading pads, and past the end of
  // the input the trailing pads plus what ceil mode adds.
  int64_t padHiH = getSpan(0, OH, kh, sh, dh, pt, H).padHi;
  int64_t padHiW = getSpan(0, OW, kw, sw, dw, pl, W).padHi;
  if (std::max({pt, pl, padHiH, padHiW}) > 255)
    return emitNodeError(op) << "needs more than 255 elements of padding, "
                                "more than a DMA pads (ISA §3.1)";

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
    if (llvm::all_equal(rowCount) && llvm::all_equal(colCount)) {
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
  bool divisorMap = !pp.isMax && !uniform;

  // A separable window (rows, then columns) takes kw + kh taps per output
  // instead of kw * kh, over `sh` times as many rows in the first pass.
  bool separable = kh > 1 && kw > 1 && kw * sh + kh < kh * kw;

  // Tiles of `tp` planes x `th` output rows x `tw` output columns. The
  // input tile (and the divisors) are in `act`; partial results alternate
  // between `acc` and `wgt`, and for separable windows the second pass
  // alternates between `act` and one of them, so that every tap streams
  // each buffer once (docs/CycleModel.md §4).
  uint64_t actBudget = emitter.getTileBudget(Buffer::Act);
  uint64_t accBudget = emitter.getTileBudget(Buffer::Acc);
  uint64_t wgtBudget = emitter.getTileBudget(Buffer::Wgt);
  auto rowsNeeded = [&](int64_t rows) {
    return (rows - 1) * sh + (kh - 1) * dh + 1;
  };
  auto colsNeeded = [&](int64_t cols) {
    return (cols - 1) * sw + (kw - 1) * dw + 1;
  };
  auto fits = [&](int64_t p, int64_t rows, int64_t cols) {
    uint64_t hn = rowsNeeded(rows), wn = colsNeeded(cols);
    uint64_t outBytes = align(uint64_t(p) * rows * cols * es);
    uint64_t partBytes =
        align(uint64_t(p) * (separable ? hn : rows) * cols * es);
    uint64_t act = align(uint64_t(p) * hn * wn * es) +
                   (divisorMap ? align(uint64_t(rows) * cols * 4) : 0) +
                   (separable ? outBytes : 0);
    // Padded DMA dimensions are never split, and a separable window's
    // first pass runs over all `hn` rows.
    return hn <= uint64_t(kMaxExtent) && wn <= uint64_t(kMaxExtent) &&
           act <= actBudget && partBytes <= accBudget &&
           partBytes <= wgtBudget;
  };
  auto largest = [](int64_t hi, function_ref<bool(int64_t)> ok) {
    int64_t lo = 1;
    while (lo < hi) {
      int64_t mid = lo + (hi - lo + 1) / 2;
      if (ok(mid))
        lo = mid;
      else
        hi = mid - 1;
    }
    return lo;
  };
  auto balance = [](int64_t total, int64_t chunk) {
    return llvm::divideCeil(total, llvm::divideCeil(total, chunk));
  };
  if (!fits(1, 1, 1))
    return emitNodeError(op) << "needs " << rowsNeeded(1) * colsNeeded(1) * es
                             << " bytes of input for one output, more than a "
                                "tile of the activation scratchpad ("
                             << actBudget << " bytes)";
  int64_t tw = balance(OW, largest(std::min(OW, kMaxExtent), [&](int64_t c) {
                         return fits(1, 1, c);
                       }));
  int64_t th = balance(OH, largest(std::min(OH, kMaxExtent), [&](int64_t r) {
                         return fits(1, r, tw);
                       }));
  int64_t tp = balance(planes,
                       largest(std::min(planes, kMaxExtent),
                               [&](int64_t p) { return fits(p, th, tw); }));

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

  // One slot per buffer for each of two tiles in flight.
  uint64_t outBytes = uint64_t(tp) * th * tw * es;
  uint64_t partBytes =
      uint64_t(tp) * (separable ? rowsNeeded(th) : th) * tw * es;
  DoubleBuffer actSlots(emitter, Buffer::Act,
                        align(uint64_t(tp) * rowsNeeded(th) * colsNeeded(tw) *
                              es) +
                            (divisorMap ? align(uint64_t(th) * tw * 4) : 0) +
                            (separable ? align(outBytes) : 0));
  DoubleBuffer accSlots(emitter, Buffer::Acc, partBytes);
  DoubleBuffer wgtSlots(emitter, Buffer::Wgt, partBytes);

  struct Tile {
    int64_t p0, np, oh0, nr, ow0, nc, hn, wn;
    Block act;
    uint32_t x = 0, divisors = 0;
  };
  SmallVector<Tile> tiles;
  for (int64_t p0 = 0; p0 < planes; p0 += tp)
    for (int64_t oh0 = 0; oh0 < OH; oh0 += th)
      for (int64_t ow0 = 0; ow0 < OW; ow0 += tw) {
        Tile t;
        t.p0 = p0;
        t.np = std::min(tp, planes - p0);
        t.oh0 = oh0;
        t.nr = std::min(th, OH - oh0);
        t.ow0 = ow0;
        t.nc = std::min(tw, OW - ow0);
        t.hn = rowsNeeded(t.nr);
        t.wn = colsNeeded(t.nc);
        WindowSpan rows = getSpan(oh0, t.nr, kh, sh, dh, pt, H);
        WindowSpan cols = getSpan(ow0, t.nc, kw, sw, dw, pl, W);
        if (rows.loadCount < 1 || cols.loadCount < 1)
          return emitNodeError(op) << "has windows that lie entirely in the "
                                      "padding";
        tiles.push_back(t);
      }

  // Loads the input (and divisors) of tile `i`; emitted before the
  // previous tile's compute so that it overlaps it.
  auto prefetch = [&](Tile &t, size_t i) {
    t.act = actSlots.slot(i);
    WindowSpan rows = getSpan(t.oh0, t.nr, kh, sh, dh, pt, H);
    WindowSpan cols = getSpan(t.ow0, t.nc, kw, sw, dw, pl, W);
    t.x = t.act.take(uint64_t(t.np) * t.hn * t.wn * es);
    emitBox(emitter, /*isLoad=*/true, Buffer::Act, t.x,
            in->addr + es * (t.p0 * H * W + rows.loadBegin * W +
                             cols.loadBegin),
            type,
            {{t.np, H * W, t.hn * t.wn},
             {rows.loadCount, W, t.wn, rows.padLo, rows.padHi},
             {cols.loadCount, 1, 1, cols.padLo, cols.padHi}},
            padValue);
    if (divisorMap) {
      t.divisors = t.act.take(uint64_t(t.nr) * t.nc * 4);
      emitBox(emitter, /*isLoad=*/true, Buffer::Act, t.divisors,
              divisorAddr + 4 * (t.oh0 * OW + t.ow0), DType::F32,
              {{t.nr, OW, t.nc}, {t.nc, 1, 1}});
    }
  };

  // Accumulates `taps` views of `src` into the pair of buffers `pair`,
  // starting in pair[start]; returns the one that holds the result.
  auto reduceTaps = [&](std::array<int64_t, 3> extent,
                        ArrayRef<Operand3> taps, Operand3 pair[2],
                        int start) {
    int cur = start;
    emitVec3(emitter, VecFunc::Copy, type, extent, pair[cur], taps[0]);
    for (const Operand3 &tap : taps.drop_front()) {
      emitVec3(emitter, accumulate, type, extent, pair[1 - cur], pair[cur],
               tap);
      cur = 1 - cur;
    }
    return cur;
  };

  auto compute = [&](Tile &t, size_t index) {
    std::array<int64_t, 3> extent = {t.np, t.nr, t.nc};
    std::array<int64_t, 3> outStrides = {t.nr * t.nc, t.nc, 1};
    int64_t partRows = separable ? t.hn : t.nr;
    uint64_t tileBytes = uint64_t(t.np) * partRows * t.nc * es;
    std::array<int64_t, 3> partStrides = {partRows * t.nc, t.nc, 1};
    Operand3 part[2] = {
        {Buffer::Acc, accSlots.slot(index).take(tileBytes), partStrides},
        {Buffer::Wgt, wgtSlots.slot(index).take(tileBytes), partStrides}};
    std::array<int64_t, 3> inStrides = {t.hn * t.wn, sh * t.wn, sw};
    // The division, if any, is one more step.
    int steps = divisorMap || uniform ? 1 : 0;
    Operand3 result;
    Operand3 pair[2];
    if (!separable) {
      SmallVector<Operand3> taps;
      for (int64_t i = 0; i < kh; ++i)
        for (int64_t j = 0; j < kw; ++j)
          taps.push_back({Buffer::Act,
                          uint32_t(t.x + es * (i * dh * t.wn + j * dw)),
                          inStrides});
      pair[0] = part[0];
      pair[1] = part[1];
      result = pair[reduceTaps(extent, taps, pair, 0)];
      if (steps) {
        Operand3 dst = result.buffer == pair[0].buffer ? pair[1] : pair[0];
        if (divisorMap)
          emitVec3(emitter, VecFunc::Div, type, extent, dst, result,
                   Operand3{Buffer::Act, t.divisors, {0, t.nc, 1}});
        else
          emitVec3(emitter, VecFunc::Div, type, extent, dst, result,
                   std::nullopt, *uniform);
        result = dst;
      }
    } else {
      // Rows: every input row of the tile, reduced across the kernel's
      // columns.
      SmallVector<Operand3> taps;
      for (int64_t j = 0; j < kw; ++j)
        taps.push_back({Buffer::Act, uint32_t(t.x + es * j * dw),
                        {t.hn * t.wn, t.wn, sw}});
      int rowsDone = reduceTaps({t.np, t.hn, t.nc}, taps, part, 0);
      Operand3 rowsResult = part[rowsDone];
      // Columns: the second pass alternates between `act` and the other
      // partial buffer, and ends (after the division) out of `act`.
      Operand3 other = part[1 - rowsDone];
      other.strides = outStrides;
      Operand3 staging{Buffer::Act,
                       t.act.take(uint64_t(t.np) * t.nr * t.nc * es),
                       outStrides};
      pair[0] = other;
      pair[1] = staging;
      int last = int((kh - 1 + steps) % 2);
      taps.clear();
      for (int64_t i = 0; i < kh; ++i)
        taps.push_back({rowsResult.buffer,
                        uint32_t(rowsResult.addr + es * i * dh * t.nc),
                        {t.hn * t.nc, sh * t.nc, 1}});
      int cur = reduceTaps(extent, taps, pair, last);
      result = pair[cur];
      if (steps) {
        Operand3 dst = pair[1 - cur];
        if (divisorMap)
          emitVec3(emitter, VecFunc::Div, type, extent, dst, result,
                   Operand3{Buffer::Act, t.divisors, {0, t.nc, 1}});
        else
          emitVec3(emitter, VecFunc::Div, type, extent, dst, result,
                   std::nullopt, *uniform);
        result = dst;
      }
    }
    emitBox(emitter, /*isLoad=*/false, result.buffer, result.addr,
            out->addr + es * (t.p0 * OH * OW + t.oh0 * OW + t.ow0), type,
            {{t.np, OH * OW, t.nr * t.nc}, {t.nr, OW, t.nc}, {t.nc, 1, 1}});
  };

  prefetch(tiles[0], 0);
  for (size_t i = 0; i < tiles.size(); ++i) {
    if (i + 1 < tiles.size())
      prefetch(tiles[i + 1], i + 1);
    compute(tiles[i], i);
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
                        {int64_t(sm.getAxis())}, /*sameShape=*/true);
      })
      .Case([&](spa::LogSoftmaxOp sm) {
        return emitRows(emitter, op, RowKind::LogSoftmax, sm.getInput(),
                        {int64_t(sm.getAxis())}, /*sameShape=*/true);
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
