//===- EmitDataMovement.cpp - Data movement ops ---------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// transpose, concat, slice, pad, expand, tile, resize and gather, all on the
// accelerator. Most of them are strided copies: a LOAD gathers a box of one
// strided DRAM view into a dense scratchpad tile and a STORE scatters it to
// another view (ISA §3.1). The scratchpad side of a DMA is free in the cost
// model (docs/CycleModel.md §2), so each DMA is ordered to keep its DRAM side
// contiguous, broadcasts are a zero scratchpad stride on the STORE, and the
// vector unit only runs where the DMA cannot help: reversed dimensions
// (negative slice steps) and gathers with index maps too irregular for a few
// strided boxes (reflect and edge padding, irregular nearest resize,
// scattered constant indices), which load the source box once and copy in
// the scratchpad with signed and zero VEC strides (ISA §4.7). Linear resize
// and gathers with run-time indices run on the matrix unit, with
// compile-time interpolation matrices and with one-hot matrices the vector
// unit builds from the indices.
//
//===----------------------------------------------------------------------===//

#include "CodeGen.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

using namespace mlir;
using namespace spc;
using namespace spc::codegen;
using isa::Buffer;
using isa::DType;
using isa::VecFunc;

namespace {

/// The largest DMA size, VEC rows/cols and GEMM M/N/K (u16 fields).
constexpr int64_t kMaxExtent = UINT16_MAX;
/// DMA boxes have four dimensions (ISA §3.1).
constexpr size_t kDmaRank = 4;
/// The largest DMA padding per dimension (u8 fields).
constexpr int64_t kMaxPad = UINT8_MAX;

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// A stable insertion sort for the few dimensions of a view (libstdc++'s
/// std::stable_sort uses a deprecated buffer API).
template <typename Range, typename Less>
void stableSort(Range begin, Range end, Less less) {
  for (Range i = begin; i != end; ++i)
    for (Range j = i; j != begin && less(*j, *(j - 1)); --j)
      std::swap(*j, *(j - 1));
}

uint64_t offsetAddr(uint64_t addr, int64_t elements, unsigned es) {
  return uint64_t(int64_t(addr) + elements * int64_t(es));
}

/// The tile budget of `buffer` in elements of `es` bytes.
int64_t budgetElems(Emitter &emitter, Buffer buffer, unsigned es) {
  return std::max<int64_t>(1, emitter.getTileBudget(buffer) / es);
}

//===----------------------------------------------------------------------===//
// DMA and VEC helpers
//===----------------------------------------------------------------------===//

/// One dimension of a DMA box.
struct BoxDim {
  int64_t size, dramStride, sramStride;
};

/// Emits a LOAD or STORE of a box given in any dimension order: size-1
/// dimensions are dropped and the rest ordered by decreasing DRAM stride, so
/// that the contiguous dimension is innermost (long DRAM runs).
void emitDma(Emitter &emitter, bool load, Buffer buffer, uint32_t sram,
             uint64_t dram, DType dtype, SmallVector<BoxDim, 8> dims) {
  llvm::erase_if(dims, [](const BoxDim &d) { return d.size == 1; });
  stableSort(dims.begin(), dims.end(),
                   [](const BoxDim &a, const BoxDim &b) {
                     if (a.dramStride != b.dramStride)
                       return a.dramStride > b.dramStride;
                     return a.sramStride > b.sramStride;
                   });
  if (dims.empty())
    dims.push_back({1, 1, 1});
  assert(dims.size() <= kDmaRank && "a DMA box has four dimensions");
  View view;
  view.addr = dram;
  view.dtype = dtype;
  SmallVector<int64_t, 4> sramStrides;
  for (const BoxDim &d : dims) {
    assert(d.size >= 1 && d.size <= kMaxExtent && d.dramStride >= 0 &&
           d.sramStride >= 0);
    view.shape.push_back(d.size);
    view.strides.push_back(d.dramStride);
    sramStrides.push_back(d.sramStride);
  }
  if (load)
    emitter.load(buffer, sram, view, sramStrides);
  else
    emitter.store(buffer, sram, view, sramStrides);
}

/// VEC COPYs of an n-D box between two scratchpad layouts with signed
/// strides: element i goes from `src + es * Σ i_d srcStrides[d]` to
/// `dst + es * Σ i_d dstStrides[d]`. Dimensions both layouts walk alike are
/// merged; the two innermost are one VEC, the others a loop.
void vecCopy(Emitter &emitter, DType dtype, ArrayRef<int64_t> shape,
             Buffer srcBuffer, uint32_t src, ArrayRef<int64_t> srcStrides,
             Buffer dstBuffer, uint32_t dst, ArrayRef<int64_t> dstStrides) {
  struct Dim {
    int64_t size, s, d;
  };
  SmallVector<Dim> dims;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1)
      continue;
    Dim dim{shape[i], srcStrides[i], dstStrides[i]};
    if (!dims.empty()) {
      Dim &outer = dims.back();
      if (outer.s == dim.s * dim.size && outer.d == dim.d * dim.size &&
          outer.size * dim.size <= kMaxExtent) {
        outer = {outer.size * dim.size, dim.s, dim.d};
        continue;
      }
    }
    dims.push_back(dim);
  }
  while (dims.size() < 2)
    dims.insert(dims.begin(), Dim{1, 0, 0});
  unsigned es = isa::elementSize(dtype);
  size_t outer = dims.size() - 2;
  SmallVector<int64_t> index(outer, 0);
  while (true) {
    int64_t srcOffset = 0, dstOffset = 0;
    for (size_t i = 0; i < outer; ++i) {
      srcOffset += index[i] * dims[i].s;
      dstOffset += index[i] * dims[i].d;
    }
    const Dim &rows = dims[outer], &cols = dims[outer + 1];
    emitter.emit(makeVec(
        VecFunc::Copy, dtype, dtype, uint16_t(rows.size), uint16_t(cols.size),
        sramOperand(dstBuffer, uint32_t(offsetAddr(dst, dstOffset, es)),
                    rows.d, cols.d),
        sramOperand(srcBuffer, uint32_t(offsetAddr(src, srcOffset, es)),
                    rows.s, cols.s)));
    int64_t i = int64_t(outer) - 1;
    for (; i >= 0; --i) {
      if (++index[i] < dims[i].size)
        break;
      index[i] = 0;
    }
    if (i < 0)
      break;
  }
}

/// Calls `body` with the start index and extent of every tile of `shape`
/// cut into tiles of `tile`, in row-major order.
void forEachTile(ArrayRef<int64_t> shape, ArrayRef<int64_t> tile,
                 function_ref<void(ArrayRef<int64_t>, ArrayRef<int64_t>)> body) {
  size_t rank = shape.size();
  for (int64_t extent : shape)
    if (extent == 0)
      return;
  SmallVector<int64_t> start(rank, 0), count(rank, 0);
  while (true) {
    for (size_t d = 0; d < rank; ++d)
      count[d] = std::min(tile[d], shape[d] - start[d]);
    body(start, count);
    int64_t d = int64_t(rank) - 1;
    for (; d >= 0; --d) {
      start[d] += tile[d];
      if (start[d] < shape[d])
        break;
      start[d] = 0;
    }
    if (d < 0)
      break;
  }
}

/// Tile extents for a copy: dimensions grow in `order` while the tile's
/// scratchpad footprint (Π extent * weight over dimensions of non-zero
/// weight; zero-weight dimensions are broadcast and take no space) stays
/// within `budget`. `seed`, when set, first gets about the square root of the
/// budget so that two different innermost dimensions (a transpose) both keep
/// long DRAM runs. At most four dimensions get an extent above 1.
SmallVector<int64_t> chooseTile(ArrayRef<int64_t> shape,
                                ArrayRef<int64_t> weight,
                                ArrayRef<int64_t> maxExtent,
                                ArrayRef<unsigned> order,
                                std::optional<unsigned> seed, int64_t budget) {
  size_t rank = shape.size();
  SmallVector<int64_t> tile(rank, 1);
  auto usedWithout = [&](unsigned skip) {
    int64_t used = 1;
    for (size_t d = 0; d < rank; ++d)
      if (d != skip && weight[d] > 0)
        used *= tile[d] * weight[d];
    return used;
  };
  auto grow = [&](unsigned d, int64_t limit) {
    int64_t most = std::min(shape[d], maxExtent[d]);
    if (weight[d] > 0)
      most = std::min(most, std::max<int64_t>(
                                1, limit / (usedWithout(d) * weight[d])));
    tile[d] = std::max<int64_t>(1, most);
  };
  if (seed && weight[*seed] > 0)
    grow(*seed, int64_t(std::sqrt(double(budget))));
  size_t grown = 0;
  for (unsigned d : order) {
    if (grown == kDmaRank) {
      tile[d] = 1;
      continue;
    }
    grow(d, budget);
    if (tile[d] > 1)
      ++grown;
  }
  return tile;
}

//===----------------------------------------------------------------------===//
// Strided copies
//===----------------------------------------------------------------------===//

/// Copies the DRAM view `src` to the DRAM view `dst` (the same shape, any
/// rank) through the scratchpad. Source strides may be zero (broadcast: the
/// element is loaded once and the STORE repeats it) or negative, and
/// destination strides negative; a dimension the two walk in opposite
/// directions is reversed by a VEC COPY with a negative stride.
void copyView(Emitter &emitter, View src, View dst) {
  assert(src.shape == dst.shape && "copy between different shapes");
  if (src.getNumElements() == 0)
    return;
  unsigned es = src.getElementSize();
  // Walk every source dimension forwards; a broadcast one also forwards on
  // the destination.
  for (size_t d = 0; d < src.shape.size(); ++d) {
    int64_t n = src.shape[d];
    if (n == 1)
      continue;
    if (src.strides[d] < 0) {
      src.addr = offsetAddr(src.addr, (n - 1) * src.strides[d], es);
      src.strides[d] = -src.strides[d];
      dst.addr = offsetAddr(dst.addr, (n - 1) * dst.strides[d], es);
      dst.strides[d] = -dst.strides[d];
    } else if (src.strides[d] == 0 && dst.strides[d] < 0) {
      dst.addr = offsetAddr(dst.addr, (n - 1) * dst.strides[d], es);
      dst.strides[d] = -dst.strides[d];
    }
  }
  View *views[] = {&src, &dst};
  collapseJointly(views);
  size_t rank = src.shape.size();
  ArrayRef<int64_t> shape = src.shape, ss = src.strides, ds = dst.strides;

  bool anyReversed = false;
  std::optional<unsigned> srcInner, dstInner;
  for (unsigned d = 0; d < rank; ++d) {
    if (shape[d] == 1)
      continue;
    anyReversed |= ds[d] < 0;
    if (ss[d] > 0 && (!srcInner || ss[d] < ss[*srcInner]))
      srcInner = d;
    if (!dstInner || std::abs(ds[d]) < std::abs(ds[*dstInner]))
      dstInner = d;
  }
  // A source whose innermost stride leaves gaps shorter than a DRAM burst is
  // loaded whole (one run) and the STORE or VEC skips the gaps in the
  // scratchpad instead of paying a burst per element.
  int64_t burstElems =
      std::max<int64_t>(1, emitter.getTarget().dramBurstBytes / es);
  std::optional<unsigned> gapped;
  if (srcInner && ss[*srcInner] > 1 && ss[*srcInner] < burstElems)
    gapped = srcInner;

  int64_t budget = budgetElems(emitter, Buffer::Act, es);
  if (anyReversed)
    budget = std::min(budget, budgetElems(emitter, Buffer::Acc, es));
  SmallVector<int64_t> weight(rank), maxExtent(rank, kMaxExtent);
  for (unsigned d = 0; d < rank; ++d)
    weight[d] = ss[d] == 0 ? 0 : 1;
  if (gapped) {
    weight[*gapped] = ss[*gapped];
    maxExtent[*gapped] = (kMaxExtent - 1) / ss[*gapped] + 1;
  }
  SmallVector<unsigned> order;
  if (srcInner)
    order.push_back(*srcInner);
  if (dstInner && dstInner != srcInner)
    order.push_back(*dstInner);
  SmallVector<unsigned> rest;
  for (unsigned d = 0; d < rank; ++d)
    if (!llvm::is_contained(order, d))
      rest.push_back(d);
  auto key = [&](unsigned d) {
    return ss[d] == 0 ? std::abs(ds[d])
                      : std::min<int64_t>(ss[d], std::abs(ds[d]));
  };
  stableSort(rest.begin(), rest.end(),
                   [&](unsigned a, unsigned b) { return key(a) < key(b); });
  order.append(rest.begin(), rest.end());
  std::optional<unsigned> seed;
  if (dstInner && dstInner != srcInner)
    seed = dstInner;
  SmallVector<int64_t> tile =
      chooseTile(shape, weight, maxExtent, order, seed, budget);

  forEachTile(shape, tile, [&](ArrayRef<int64_t> start,
                               ArrayRef<int64_t> count) {
    int64_t srcOffset = 0, dstOffset = 0;
    bool reverse = false;
    for (size_t d = 0; d < rank; ++d) {
      srcOffset += start[d] * ss[d];
      // A reversed dimension's box starts at its lowest address.
      dstOffset += (ds[d] < 0 ? start[d] + count[d] - 1 : start[d]) * ds[d];
      reverse |= ds[d] < 0 && count[d] > 1;
    }
    // The loaded tile: dense over the loaded dimensions, innermost source
    // stride innermost; the gapped dimension keeps its source gaps.
    SmallVector<unsigned> loaded;
    for (unsigned d = 0; d < rank; ++d)
      if (ss[d] != 0 && count[d] > 1)
        loaded.push_back(d);
    stableSort(loaded.begin(), loaded.end(),
                     [&](unsigned a, unsigned b) { return ss[a] > ss[b]; });
    SmallVector<int64_t> actStride(rank, 0);
    SmallVector<BoxDim, 8> loadBox;
    int64_t size = 1;
    for (auto it = loaded.rbegin(); it != loaded.rend(); ++it) {
      unsigned d = *it;
      bool gap = gapped && d == *gapped;
      int64_t extent = gap ? (count[d] - 1) * ss[d] + 1 : count[d];
      actStride[d] = gap ? size * ss[d] : size;
      loadBox.push_back({extent, gap ? 1 : ss[d], size});
      size *= extent;
    }
    uint32_t act = emitter.alloc(Buffer::Act, size * es);
    emitDma(emitter, /*load=*/true, Buffer::Act, act,
            offsetAddr(src.addr, srcOffset, es), src.dtype, loadBox);

    Buffer storeBuffer = Buffer::Act;
    uint32_t storeAddr = act;
    SmallVector<int64_t> storeStride = actStride;
    if (reverse) {
      // VEC into a tile laid out in the destination's order, reversing the
      // reversed dimensions.
      SmallVector<unsigned> stored;
      for (unsigned d = 0; d < rank; ++d)
        if (ss[d] != 0 && count[d] > 1)
          stored.push_back(d);
      stableSort(stored.begin(), stored.end(), [&](unsigned a, unsigned b) {
        return std::abs(ds[a]) > std::abs(ds[b]);
      });
      SmallVector<int64_t> accStride(rank, 0), vecStride(rank, 0),
          vecShape(rank, 1);
      int64_t accSize = 1, base = 0;
      for (auto it = stored.rbegin(); it != stored.rend(); ++it) {
        unsigned d = *it;
        accStride[d] = accSize;
        vecShape[d] = count[d];
        if (ds[d] < 0) {
          vecStride[d] = -accSize;
          base += (count[d] - 1) * accSize;
        } else {
          vecStride[d] = accSize;
        }
        accSize *= count[d];
      }
      uint32_t acc = emitter.alloc(Buffer::Acc, accSize * es);
      vecCopy(emitter, src.dtype, vecShape, Buffer::Act, act, actStride,
              Buffer::Acc, uint32_t(acc + base * es), vecStride);
      storeBuffer = Buffer::Acc;
      storeAddr = acc;
      storeStride = accStride;
    }
    SmallVector<BoxDim, 8> storeBox;
    for (size_t d = 0; d < rank; ++d)
      if (count[d] > 1)
        storeBox.push_back({count[d], std::abs(ds[d]), storeStride[d]});
    emitDma(emitter, /*load=*/false, storeBuffer, storeAddr,
            offsetAddr(dst.addr, dstOffset, es), dst.dtype, storeBox);
  });
}

/// A one-element constant of the pad value in DRAM.
uint64_t addScalarConstant(Emitter &emitter, Operation *op, DType dtype,
                           uint32_t bits) {
  unsigned es = isa::elementSize(dtype);
  std::vector<uint8_t> data(es);
  std::memcpy(data.data(), &bits, es); // little-endian host
  return emitter.addConstant(getNodeName(op) + ".fill", dtype, 1, 1,
                             std::move(data));
}

/// Fills the DRAM view `dst` with the element at `scalar`: one element is
/// loaded and STOREs repeat it with zero scratchpad strides.
void fillView(Emitter &emitter, View dst, uint64_t scalar) {
  if (dst.getNumElements() == 0)
    return;
  unsigned es = dst.getElementSize();
  for (size_t d = 0; d < dst.shape.size(); ++d)
    if (dst.strides[d] < 0) {
      dst.addr = offsetAddr(dst.addr, (dst.shape[d] - 1) * dst.strides[d], es);
      dst.strides[d] = -dst.strides[d];
    }
  View *views[] = {&dst};
  collapseJointly(views);
  size_t rank = dst.shape.size();
  SmallVector<unsigned> order(rank);
  std::iota(order.begin(), order.end(), 0);
  stableSort(order.begin(), order.end(), [&](unsigned a, unsigned b) {
    return dst.strides[a] < dst.strides[b];
  });
  SmallVector<int64_t> tile =
      chooseTile(dst.shape, SmallVector<int64_t>(rank, 0),
                 SmallVector<int64_t>(rank, kMaxExtent), order, std::nullopt, 1);
  uint32_t sram = emitter.alloc(Buffer::Act, es);
  View one = View::contiguous(scalar, dst.dtype, {1});
  emitter.loadDense(Buffer::Act, sram, one);
  forEachTile(dst.shape, tile, [&](ArrayRef<int64_t> start,
                                   ArrayRef<int64_t> count) {
    int64_t offset = 0;
    SmallVector<BoxDim, 8> box;
    for (size_t d = 0; d < rank; ++d) {
      offset += start[d] * dst.strides[d];
      box.push_back({count[d], dst.strides[d], 0});
    }
    emitDma(emitter, /*load=*/false, Buffer::Act, sram,
            offsetAddr(dst.addr, offset, es), dst.dtype, box);
  });
}

//===----------------------------------------------------------------------===//
// Index maps: gathers along each dimension
//===----------------------------------------------------------------------===//

/// A piece of a one-dimensional index map: destination positions
/// `dstStart + p * dstStep + q` (p < outer, q < repeat) read source index
/// `srcStart + p * srcStep`. Pieces of contiguous destination ranges have
/// `dstStep == repeat`.
struct Piece {
  int64_t dstStart, outer, repeat, srcStart, srcStep, dstStep;
};

/// Cuts `map[begin, end)` into contiguous pieces greedily: blocks of equal
/// indices that advance by a constant step, or arithmetic progressions.
void decomposeGreedy(ArrayRef<int64_t> map, int64_t begin, int64_t end,
                     SmallVectorImpl<Piece> &pieces) {
  int64_t pos = begin;
  while (pos < end) {
    int64_t repeat = 1;
    while (pos + repeat < end && map[pos + repeat] == map[pos])
      ++repeat;
    Piece piece{pos, 1, repeat, map[pos], 0, repeat};
    if (repeat > 1) {
      // Further blocks of the same length with a constant step.
      auto constantBlock = [&](int64_t at) {
        if (at + repeat > end)
          return false;
        for (int64_t i = 1; i < repeat; ++i)
          if (map[at + i] != map[at])
            return false;
        return true;
      };
      int64_t next = pos + repeat;
      if (constantBlock(next) && map[next] != map[pos]) {
        piece.srcStep = map[next] - map[pos];
        while (constantBlock(pos + piece.outer * repeat) &&
               map[pos + piece.outer * repeat] ==
                   map[pos] + piece.outer * piece.srcStep)
          ++piece.outer;
      }
    } else if (pos + 1 < end) {
      piece.srcStep = map[pos + 1] - map[pos];
      while (pos + piece.outer < end &&
             map[pos + piece.outer] ==
                 map[pos] + piece.outer * piece.srcStep)
        ++piece.outer;
    }
    if (piece.outer == 1)
      piece.srcStep = 0;
    pieces.push_back(piece);
    pos += piece.outer * piece.repeat;
  }
}

/// Cuts `map` into pieces: greedily (see decomposeGreedy), or, when fewer,
/// as a periodic core plus greedy ends. A map that advances by Q source
/// indices every P outputs (an irregular resize scale) is P interleaved
/// arithmetic progressions of destination step P.
SmallVector<Piece> decompose(ArrayRef<int64_t> map) {
  int64_t size = map.size();
  SmallVector<Piece> best;
  decomposeGreedy(map, 0, size, best);
  // Periods below the number of greedy pieces could help; the search is
  // linear in the map per period, so it stops at 64.
  int64_t maxPeriod =
      std::min<int64_t>({int64_t(best.size()) - 1, size / 2, 64});
  for (int64_t period = 2; period <= maxPeriod; ++period) {
    // The longest range [a, e) where map[o + period] - map[o] is constant.
    int64_t bestA = 0, bestE = 0;
    for (int64_t a = 0; a + period < size;) {
      int64_t step = map[a + period] - map[a], e = a + 1;
      while (e + period < size && map[e + period] - map[e] == step)
        ++e;
      if (e - a > bestE - bestA) {
        bestA = a;
        bestE = e;
      }
      a = e;
    }
    // The chains starting in [a, a + period) run to e + period.
    int64_t a = bestA, e = bestE;
    if (e - a < period)
      continue;
    SmallVector<Piece> pieces;
    decomposeGreedy(map, 0, a, pieces);
    int64_t step = map[a + period] - map[a];
    for (int64_t r = 0; r < period; ++r) {
      int64_t start = a + r;
      int64_t outer = (e + period - start + period - 1) / period;
      pieces.push_back(
          {start, outer, 1, map[start], outer > 1 ? step : 0, period});
    }
    decomposeGreedy(map, e + period, size, pieces);
    if (pieces.size() < best.size())
      best = std::move(pieces);
  }
  return best;
}

/// Appends the view dimensions of `piece` along a dimension of source stride
/// `srcStride` and destination stride `dstStride`, and moves the bases.
void appendPiece(const Piece &piece, int64_t srcStride, int64_t dstStride,
                 View &src, View &dst) {
  unsigned es = src.getElementSize();
  src.addr = offsetAddr(src.addr, piece.srcStart * srcStride, es);
  dst.addr = offsetAddr(dst.addr, piece.dstStart * dstStride, es);
  if (piece.outer > 1) {
    src.shape.push_back(piece.outer);
    src.strides.push_back(piece.srcStep * srcStride);
    dst.shape.push_back(piece.outer);
    dst.strides.push_back(piece.dstStep * dstStride);
  }
  if (piece.repeat > 1) {
    src.shape.push_back(piece.repeat);
    src.strides.push_back(0);
    dst.shape.push_back(piece.repeat);
    dst.strides.push_back(dstStride);
  }
}

SmallVector<int64_t> identityMap(int64_t size) {
  SmallVector<int64_t> map(size);
  std::iota(map.begin(), map.end(), 0);
  return map;
}

bool isIdentityMap(ArrayRef<int64_t> map, int64_t inExtent) {
  if (int64_t(map.size()) != inExtent)
    return false;
  for (int64_t i = 0, e = map.size(); i < e; ++i)
    if (map[i] != i)
      return false;
  return true;
}

/// The largest source span `map` reads over aligned windows of `size`.
int64_t getMaxSpan(ArrayRef<int64_t> map, int64_t size) {
  int64_t most = 1;
  for (int64_t o0 = 0, n = map.size(); o0 < n; o0 += size) {
    auto window = map.slice(o0, std::min(size, n - o0));
    auto [lo, hi] = std::minmax_element(window.begin(), window.end());
    most = std::max(most, *hi - *lo + 1);
  }
  return most;
}

/// A gather through the scratchpad: per output tile, the box of the source
/// the tile reads is loaded once into `act`, every combination of the maps'
/// pieces inside the tile is a VEC COPY into the output tile in `acc`
/// (signed and zero strides), and the tile is stored once.
void sramGather(Emitter &emitter, const View &in, const View &out,
                ArrayRef<SmallVector<int64_t>> maps) {
  unsigned es = in.getElementSize();
  // Merge neighbouring identity dimensions and fold dimensions of one
  // output element into the base address.
  struct Dim {
    int64_t inExtent, inStride, outStride;
    SmallVector<int64_t> map;
    bool identity;
  };
  SmallVector<Dim> dims;
  uint64_t inAddr = in.addr;
  for (size_t d = 0; d < maps.size(); ++d) {
    if (maps[d].size() == 1) {
      inAddr = offsetAddr(inAddr, maps[d][0] * in.strides[d], es);
      continue;
    }
    bool identity = isIdentityMap(maps[d], in.shape[d]);
    if (identity && !dims.empty() && dims.back().identity &&
        dims.back().inStride == in.strides[d] * in.shape[d] &&
        dims.back().outStride == out.strides[d] * out.shape[d]) {
      Dim &outer = dims.back();
      outer.inExtent *= in.shape[d];
      outer.inStride = in.strides[d];
      outer.outStride = out.strides[d];
      outer.map = identityMap(outer.inExtent);
      continue;
    }
    dims.push_back(
        {in.shape[d], in.strides[d], out.strides[d], maps[d], identity});
  }
  if (dims.empty())
    dims.push_back({1, 1, 1, {0}, true});
  size_t rank = dims.size();
  SmallVector<int64_t> outShape, inStrides, outStrides;
  for (const Dim &dim : dims) {
    outShape.push_back(dim.map.size());
    inStrides.push_back(dim.inStride);
    outStrides.push_back(dim.outStride);
  }

  // Tile: innermost dimensions first, each as large as both tiles allow.
  int64_t actBudget = budgetElems(emitter, Buffer::Act, es);
  int64_t accBudget = budgetElems(emitter, Buffer::Acc, es);
  SmallVector<int64_t> tile(rank, 1);
  int64_t actUsed = 1, accUsed = 1;
  size_t grown = 0;
  for (int64_t d = rank - 1; d >= 0 && grown < kDmaRank; --d) {
    int64_t size = std::min(outShape[d], kMaxExtent);
    int64_t span = getMaxSpan(dims[d].map, size);
    while (size > 1 && (actUsed * span > actBudget ||
                        accUsed * size > accBudget || span > kMaxExtent)) {
      size = ceilDiv(size, 2);
      span = getMaxSpan(dims[d].map, size);
    }
    tile[d] = size;
    actUsed *= span;
    accUsed *= size;
    if (size > 1)
      ++grown;
    if (size < outShape[d])
      break;
  }

  forEachTile(outShape, tile, [&](ArrayRef<int64_t> start,
                                  ArrayRef<int64_t> count) {
    SmallVector<int64_t> lo(rank), span(rank), actStride(rank),
        accStride(rank);
    SmallVector<SmallVector<Piece>> pieces(rank);
    int64_t srcOffset = 0, dstOffset = 0;
    for (size_t d = 0; d < rank; ++d) {
      ArrayRef<int64_t> window =
          ArrayRef<int64_t>(dims[d].map).slice(start[d], count[d]);
      auto [min, max] = std::minmax_element(window.begin(), window.end());
      lo[d] = *min;
      span[d] = *max - *min + 1;
      SmallVector<int64_t> relative;
      for (int64_t index : window)
        relative.push_back(index - lo[d]);
      pieces[d] = decompose(relative);
      srcOffset += lo[d] * inStrides[d];
      dstOffset += start[d] * outStrides[d];
    }
    int64_t actSize = 1, accSize = 1;
    for (int64_t d = rank - 1; d >= 0; --d) {
      actStride[d] = actSize;
      accStride[d] = accSize;
      actSize *= span[d];
      accSize *= count[d];
    }
    uint32_t act = emitter.alloc(Buffer::Act, actSize * es);
    SmallVector<BoxDim, 8> loadBox;
    for (size_t d = 0; d < rank; ++d)
      loadBox.push_back({span[d], inStrides[d], actStride[d]});
    emitDma(emitter, /*load=*/true, Buffer::Act, act,
            offsetAddr(inAddr, srcOffset, es), in.dtype, loadBox);
    uint32_t acc = emitter.alloc(Buffer::Acc, accSize * es);
    SmallVector<int64_t> counts, ones(rank, 1);
    for (auto &list : pieces)
      counts.push_back(list.size());
    forEachTile(counts, ones, [&](ArrayRef<int64_t> choice, ArrayRef<int64_t>) {
      SmallVector<int64_t> shape, srcStrides, dstStrides;
      int64_t src = 0, dst = 0;
      for (size_t d = 0; d < rank; ++d) {
        const Piece &piece = pieces[d][choice[d]];
        src += piece.srcStart * actStride[d];
        dst += piece.dstStart * accStride[d];
        if (piece.outer > 1) {
          shape.push_back(piece.outer);
          srcStrides.push_back(piece.srcStep * actStride[d]);
          dstStrides.push_back(piece.dstStep * accStride[d]);
        }
        if (piece.repeat > 1) {
          shape.push_back(piece.repeat);
          srcStrides.push_back(0);
          dstStrides.push_back(accStride[d]);
        }
      }
      vecCopy(emitter, in.dtype, shape, Buffer::Act, uint32_t(act + src * es),
              srcStrides, Buffer::Acc, uint32_t(acc + dst * es), dstStrides);
    });
    SmallVector<BoxDim, 8> storeBox;
    for (size_t d = 0; d < rank; ++d)
      storeBox.push_back({count[d], outStrides[d], accStride[d]});
    emitDma(emitter, /*load=*/false, Buffer::Acc, acc,
            offsetAddr(out.addr, dstOffset, es), out.dtype, storeBox);
  });
}

/// out[o_0, ..., o_n] = in[maps[0][o_0], ..., maps[n][o_n]] for dense `in`
/// and `out` of the same rank. Each map is cut into pieces. With one or two
/// pieces in all, each is a strided copy (broadcasts are free on the DMA);
/// with more, the gather runs through the scratchpad on the vector unit.
void mapCopy(Emitter &emitter, const View &in, const View &out,
             ArrayRef<SmallVector<int64_t>> maps) {
  size_t rank = in.shape.size();
  if (out.getNumElements() == 0)
    return;
  SmallVector<SmallVector<Piece>> pieces;
  int64_t combinations = 1;
  for (size_t d = 0; d < rank; ++d) {
    pieces.push_back(decompose(maps[d]));
    combinations *= pieces.back().size();
  }
  if (combinations > 2) {
    sramGather(emitter, in, out, maps);
    return;
  }
  SmallVector<int64_t> counts, ones(rank, 1);
  for (size_t d = 0; d < rank; ++d)
    counts.push_back(pieces[d].size());
  forEachTile(counts, ones, [&](ArrayRef<int64_t> choice, ArrayRef<int64_t>) {
    View src, dst;
    src.addr = in.addr;
    dst.addr = out.addr;
    src.dtype = dst.dtype = in.dtype;
    for (size_t d = 0; d < rank; ++d)
      appendPiece(pieces[d][choice[d]], in.strides[d], out.strides[d], src,
                  dst);
    if (src.shape.empty()) {
      src.shape = dst.shape = {1};
      src.strides = dst.strides = {0};
    }
    copyView(emitter, src, dst);
  });
}

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

/// The bit pattern of `value` as a DMA pad value of `dtype` (ISA §3.1).
uint32_t getPadBits(DType dtype, double value) {
  if (dtype == DType::F32) {
    float f = float(value);
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    return bits;
  }
  double limit = dtype == DType::I8 ? 128.0 : 2147483648.0;
  double clamped = std::clamp(std::nearbyint(value), -limit, limit - 1);
  return uint32_t(int32_t(clamped));
}

LogicalResult emitTranspose(Emitter &emitter, spa::TransposeOp op) {
  FailureOr<View> in = emitter.lookup(op.getInput(), op);
  FailureOr<View> out = emitter.lookup(op.getResult(), op);
  if (failed(in) || failed(out))
    return failure();
  copyView(emitter, in->permute(op.getPerm()), *out);
  return success();
}

LogicalResult emitConcat(Emitter &emitter, spa::ConcatOp op) {
  FailureOr<View> out = emitter.lookup(op.getResult(), op);
  if (failed(out))
    return failure();
  int64_t rank = out->shape.size();
  int64_t axis = int64_t(op.getAxis());
  if (axis < 0)
    axis += rank;
  int64_t offset = 0;
  for (Value input : op.getInputs()) {
    FailureOr<View> in = emitter.lookup(input, op);
    if (failed(in))
      return failure();
    View slot = *out;
    slot.shape = in->shape;
    slot.addr = offsetAddr(out->addr, offset * out->strides[axis],
                           out->getElementSize());
    copyView(emitter, *in, slot);
    offset += in->shape[axis];
  }
  return success();
}

LogicalResult emitSlice(Emitter &emitter, spa::SliceOp op) {
  FailureOr<View> in = emitter.lookup(op.getInput(), op);
  FailureOr<View> out = emitter.lookup(op.getResult(), op);
  if (failed(in) || failed(out))
    return failure();
  View src = *in;
  src.shape = out->shape;
  for (size_t d = 0; d < src.shape.size(); ++d) {
    src.addr = offsetAddr(src.addr, op.getStarts()[d] * in->strides[d],
                          in->getElementSize());
    src.strides[d] = in->strides[d] * op.getSteps()[d];
  }
  copyView(emitter, src, *out);
  return success();
}

/// Constant padding: the output is cut into tiles; a tile that overlaps the
/// input is one LOAD whose DMA padding (ISA §3.1) fills the border, then
/// one STORE. Tiles entirely in the border are filled from a one-element
/// constant, and so are tiles whose border exceeds the DMA's 255 elements
/// before their interior is copied.
LogicalResult emitConstantPad(Emitter &emitter, spa::PadOp op, const View &in,
                              const View &out) {
  unsigned es = in.getElementSize();
  int64_t rank = in.shape.size();
  ArrayRef<int64_t> pads = op.getPads();
  // Merge a dimension with the unpadded dimensions inside it: padding the
  // outer one pads whole blocks of them. A padded dimension merges only
  // while its padding stays within what one DMA pads.
  struct Dim {
    int64_t size, lo, hi;
  };
  SmallVector<Dim> dims;
  for (int64_t d = rank - 1; d >= 0; --d) {
    Dim dim{in.shape[d], pads[d], pads[rank + d]};
    if (!dims.empty() && dims.back().lo == 0 && dims.back().hi == 0) {
      int64_t inner = dims.back().size;
      if (std::max(dim.lo, dim.hi) * inner <= kMaxPad) {
        dims.back() = {dim.size * inner, dim.lo * inner, dim.hi * inner};
        continue;
      }
    }
    dims.push_back(dim);
  }
  std::reverse(dims.begin(), dims.end());
  size_t n = dims.size();
  SmallVector<int64_t> inShape, outShape;
  for (const Dim &dim : dims) {
    inShape.push_back(dim.size);
    outShape.push_back(dim.lo + dim.size + dim.hi);
  }
  View src = View::contiguous(in.addr, in.dtype, inShape);
  View dst = View::contiguous(out.addr, out.dtype, outShape);
  uint32_t bits = getPadBits(in.dtype, op.getValue().convertToDouble());
  std::optional<uint64_t> scalar;
  auto fill = [&](const View &view) {
    if (!scalar)
      scalar = addScalarConstant(emitter, op, in.dtype, bits);
    fillView(emitter, view, *scalar);
  };

  SmallVector<unsigned> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::reverse(order.begin(), order.end());
  SmallVector<int64_t> tile =
      chooseTile(outShape, SmallVector<int64_t>(n, 1),
                 SmallVector<int64_t>(n, kMaxExtent), order, std::nullopt,
                 budgetElems(emitter, Buffer::Act, es));
  forEachTile(outShape, tile, [&](ArrayRef<int64_t> start,
                                  ArrayRef<int64_t> count) {
    View region = dst;
    region.shape.assign(count.begin(), count.end());
    int64_t dstOffset = 0, srcOffset = 0;
    bool empty = false, small = true;
    SmallVector<int64_t> lo(n), hi(n), inner(n);
    for (size_t d = 0; d < n; ++d) {
      dstOffset += start[d] * dst.strides[d];
      int64_t first = std::max(start[d], dims[d].lo);
      int64_t last = std::min(start[d] + count[d], dims[d].lo + dims[d].size);
      if (first >= last) {
        empty = true;
        continue;
      }
      lo[d] = first - start[d];
      hi[d] = start[d] + count[d] - last;
      inner[d] = last - first;
      srcOffset += (first - dims[d].lo) * src.strides[d];
      small &= lo[d] <= kMaxPad && hi[d] <= kMaxPad;
    }
    region.addr = offsetAddr(dst.addr, dstOffset, es);
    if (empty) {
      fill(region);
      return;
    }
    View box = src;
    box.shape.assign(inner.begin(), inner.end());
    box.addr = offsetAddr(src.addr, srcOffset, es);
    if (!small) {
      fill(region);
      View interior = region;
      interior.shape = box.shape;
      int64_t offset = 0;
      for (size_t d = 0; d < n; ++d)
        offset += lo[d] * dst.strides[d];
      interior.addr = offsetAddr(region.addr, offset, es);
      copyView(emitter, box, interior);
      return;
    }
    // The tile's dimensions of extent above 1 (at most four): the box, its
    // padding and the dense tile strides.
    View loadView;
    loadView.addr = box.addr;
    loadView.dtype = box.dtype;
    SmallVector<int64_t> padLo, padHi, sramStrides;
    int64_t size = 1;
    SmallVector<int64_t> denseStride(n, 0);
    for (int64_t d = int64_t(n) - 1; d >= 0; --d) {
      denseStride[d] = size;
      size *= count[d];
    }
    for (size_t d = 0; d < n; ++d) {
      if (count[d] == 1)
        continue;
      loadView.shape.push_back(inner[d]);
      loadView.strides.push_back(src.strides[d]);
      sramStrides.push_back(denseStride[d]);
      padLo.push_back(lo[d]);
      padHi.push_back(hi[d]);
    }
    if (loadView.shape.empty()) {
      loadView.shape = {1};
      loadView.strides = {1};
      sramStrides = {1};
    }
    uint32_t sram = emitter.alloc(Buffer::Act, size * es);
    emitter.load(Buffer::Act, sram, loadView, sramStrides, padLo, padHi, bits);
    SmallVector<BoxDim, 8> storeBox;
    for (size_t d = 0; d < n; ++d)
      storeBox.push_back({count[d], dst.strides[d], denseStride[d]});
    emitDma(emitter, /*load=*/false, Buffer::Act, sram, region.addr,
            region.dtype, storeBox);
  });
  return success();
}

/// Reflect and edge padding are gathers: output index o of a dimension
/// reads input index o - lo, reflected at or clamped to the edges.
LogicalResult emitPad(Emitter &emitter, spa::PadOp op) {
  FailureOr<View> in = emitter.lookup(op.getInput(), op);
  FailureOr<View> out = emitter.lookup(op.getResult(), op);
  if (failed(in) || failed(out))
    return failure();
  if (out->getNumElements() == 0)
    return success();
  if (op.getMode() == spa::PadMode::Constant)
    return emitConstantPad(emitter, op, *in, *out);
  if (in->getNumElements() == 0)
    return emitNodeError(op) << spa::stringifyPadMode(op.getMode())
                             << " padding of an empty tensor is undefined";
  int64_t rank = in->shape.size();
  ArrayRef<int64_t> pads = op.getPads();
  bool reflect = op.getMode() == spa::PadMode::Reflect;
  SmallVector<SmallVector<int64_t>> maps;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t n = in->shape[d], lo = pads[d];
    if (reflect && n == 1 && (lo || pads[rank + d]))
      return emitNodeError(op) << "reflect padding of dimension " << d
                               << " of extent 1 has nothing to reflect";
    SmallVector<int64_t> map;
    for (int64_t o = 0; o < out->shape[d]; ++o) {
      int64_t i = o - lo;
      if (reflect) {
        // Verified: the pads are smaller than the extent.
        if (i < 0)
          i = -i;
        if (i >= n)
          i = 2 * (n - 1) - i;
      } else {
        i = std::clamp<int64_t>(i, 0, n - 1);
      }
      map.push_back(i);
    }
    maps.push_back(std::move(map));
  }
  mapCopy(emitter, *in, *out, maps);
  return success();
}

LogicalResult emitExpand(Emitter &emitter, spa::ExpandOp op) {
  FailureOr<View> in = emitter.lookup(op.getInput(), op);
  FailureOr<View> out = emitter.lookup(op.getResult(), op);
  if (failed(in) || failed(out))
    return failure();
  copyView(emitter, in->broadcastTo(out->shape), *out);
  return success();
}

/// Tile: output dimension d is [repeats[d], in[d]]; the source repeats with
/// a zero stride along the first.
LogicalResult emitTile(Emitter &emitter, spa::TileOp op) {
  FailureOr<View> in = emitter.lookup(op.getInput(), op);
  FailureOr<View> out = emitter.lookup(op.getResult(), op);
  if (failed(in) || failed(out))
    return failure();
  View src = *in, dst = *out;
  src.shape.clear();
  src.strides.clear();
  dst.shape.clear();
  dst.strides.clear();
  for (size_t d = 0; d < in->shape.size(); ++d) {
    int64_t repeats = op.getRepeats()[d], n = in->shape[d];
    src.shape.append({repeats, n});
    src.strides.append({0, in->strides[d]});
    dst.shape.append({repeats, n});
    dst.strides.append({n * out->strides[d], out->strides[d]});
  }
  copyView(emitter, src, dst);
  return success();
}

/// The input coordinate of output coordinate `o` of a resized dimension
/// (ONNX Resize's coordinate_transformation_mode), computed as the ONNX
/// reference implementation does, whose outputs the backend tests hold: in
/// double precision, with the scale `out / in` when the op has no scales, and
/// `scale * in` (not the integer extent) as the resized length.
double getSourceCoordinate(spa::CoordinateTransform transform, int64_t o,
                           int64_t in, int64_t out, std::optional<float> scale) {
  double s = scale ? double(*scale) : double(out) / double(in);
  double length = s * double(in);
  switch (transform) {
  case spa::CoordinateTransform::HalfPixel:
    return (double(o) + 0.5) / s - 0.5;
  case spa::CoordinateTransform::PytorchHalfPixel:
    return length == 1.0 ? -0.5 : (double(o) + 0.5) / s - 0.5;
  case spa::CoordinateTransform::AlignCorners:
    return length == 1.0 ? 0.0 : double(o) * double(in - 1) / (length - 1.0);
  case spa::CoordinateTransform::Asymmetric:
    return double(o) / s;
  }
  llvm_unreachable("unknown coordinate transform");
}

/// The two input indices the ONNX reference interpolates between at
/// coordinate `x`, and the weight of the second: the two indices nearest to
/// `x` (the lower on a tie) in the input padded by one edge element on each
/// side, where `x + 1` is rounded as the reference rounds it; an integer `x`
/// takes the second (`x` itself) whole.
struct Neighbors {
  int64_t first, second;
  double ratio;
};
Neighbors getNeighbors(double x, int64_t in) {
  double lower = std::floor(x);
  double ratio = x == lower ? 1.0 : x - lower;
  double padded = x + 1.0;
  double floor = std::floor(padded);
  int64_t limit = in + 2;
  int64_t a = padded == floor ? int64_t(floor) - 1 : int64_t(floor);
  if (padded < 0 || a < 0)
    a = 0;
  a = std::min(a, limit - 2);
  return {std::clamp<int64_t>(a - 1, 0, in - 1),
          std::clamp<int64_t>(a, 0, in - 1), ratio};
}

int64_t getNearestIndex(spa::NearestRounding rounding, double x, int64_t in) {
  Neighbors n = getNeighbors(x, in);
  bool second = false;
  if (n.ratio == 1.0) {
    second = true;
  } else {
    switch (rounding) {
    case spa::NearestRounding::RoundPreferFloor:
      second = n.ratio > 0.5;
      break;
    case spa::NearestRounding::RoundPreferCeil:
      second = n.ratio >= 0.5;
      break;
    case spa::NearestRounding::Floor:
      second = false;
      break;
    case spa::NearestRounding::Ceil:
      second = true;
      break;
    }
  }
  return second ? n.second : n.first;
}

/// The linear interpolation of one dimension: two taps per output index.
std::vector<Neighbors> getInterpolation(spa::CoordinateTransform transform,
                                        int64_t in, int64_t out,
                                        std::optional<float> scale) {
  std::vector<Neighbors> taps;
  for (int64_t o = 0; o < out; ++o)
    taps.push_back(
        getNeighbors(getSourceCoordinate(transform, o, in, out, scale), in));
  return taps;
}

/// The weight of input `i` in an interpolation row.
double getWeight(const Neighbors &tap, int64_t i) {
  return (tap.first == i ? 1.0 - tap.ratio : 0.0) +
         (tap.second == i ? tap.ratio : 0.0);
}

bool isIdentity(ArrayRef<Neighbors> taps, int64_t in) {
  if (int64_t(taps.size()) != in)
    return false;
  for (int64_t o = 0; o < in; ++o) {
    const Neighbors &tap = taps[o];
    if (getWeight(tap, o) != 1.0 ||
        (tap.first != o && getWeight(tap, tap.first) != 0.0) ||
        (tap.second != o && getWeight(tap, tap.second) != 0.0))
      return false;
  }
  return true;
}

/// The rows `[r0, r0 + rows)` and columns `[c0, c0 + cols)` of an
/// interpolation matrix as an f32 constant.
uint64_t addMatrixTile(Emitter &emitter, StringRef name,
                       ArrayRef<Neighbors> taps, int64_t r0, int64_t rows,
                       int64_t c0, int64_t cols) {
  std::vector<uint8_t> data(rows * cols * 4, 0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i : {taps[r0 + r].first, taps[r0 + r].second}) {
      if (i < c0 || i >= c0 + cols)
        continue;
      float f = float(getWeight(taps[r0 + r], i));
      std::memcpy(&data[(r * cols + i - c0) * 4], &f, 4);
    }
  return emitter.addConstant(name, DType::F32, rows, cols, std::move(data));
}

isa::Instruction makeGemm(DType dtype, bool accumulate, int64_t m, int64_t n,
                          int64_t k, uint32_t act, int64_t actStride,
                          uint32_t wgt, int64_t wgtStride, uint32_t acc,
                          int64_t accStride) {
  isa::Gemm gemm;
  gemm.kind = isa::Gemm::Kind::Dense;
  gemm.dtype = dtype;
  gemm.accumulate = accumulate;
  gemm.m = uint16_t(m);
  gemm.n = uint16_t(n);
  gemm.k = uint16_t(k);
  gemm.actAddr = act;
  gemm.actRowStride = uint32_t(actStride);
  gemm.wgtAddr = wgt;
  gemm.wgtRowStride = uint32_t(wgtStride);
  gemm.accAddr = acc;
  gemm.accRowStride = uint32_t(accStride);
  return {isa::Opcode::Gemm, 0, gemm};
}

/// The input rows `[lo, hi]` a range of output rows of an interpolation
/// reads (with a non-zero weight).
std::pair<int64_t, int64_t> getBand(ArrayRef<Neighbors> taps, int64_t o0,
                                    int64_t count) {
  int64_t lo = INT64_MAX, hi = -1;
  for (int64_t o = o0; o < o0 + count; ++o)
    for (int64_t i : {taps[o].first, taps[o].second})
      if (getWeight(taps[o], i) != 0.0) {
        lo = std::min(lo, i);
        hi = std::max(hi, i);
      }
  if (hi < lo)
    return {0, 0};
  return {lo, hi};
}

/// Linear resize of the two innermost dimensions on the matrix unit:
/// out_b = Rh · X_b · Rw^T with compile-time interpolation matrices. Per
/// tile, GEMM 1 computes T^T = Rw · X^T (X's rows are the weight rows, as
/// loaded), a VEC COPY regroups T^T per batch into the weight buffer, and
/// GEMM 2 computes out = Rh · T. An identity matrix skips its GEMM.
LogicalResult emitLinearResize(Emitter &emitter, spa::ResizeOp op,
                               const View &in, const View &out) {
  const target::TargetDescription &t = emitter.getTarget();
  if (!t.findMode(target::MatrixMode::Kind::Dense))
    return emitNodeError(op) << "linear resize runs on the matrix unit's "
                                "dense mode, which the target lacks";
  if (in.dtype != DType::F32)
    return emitNodeError(op) << "linear resize needs f32 elements";
  int64_t rank = in.shape.size();
  std::optional<ArrayRef<float>> scales = op.getScales();
  auto scaleOf = [&](int64_t d) -> std::optional<float> {
    if (scales)
      return (*scales)[d];
    return std::nullopt;
  };
  auto transform = op.getCoordinateTransform();
  for (int64_t d = 0; d + 2 < rank; ++d) {
    if (!isIdentity(
            getInterpolation(transform, in.shape[d], out.shape[d], scaleOf(d)),
            in.shape[d]))
      return emitNodeError(op)
             << "linear resize of dimension " << d
             << " is not supported: the accelerator interpolates the two "
                "innermost dimensions";
  }
  int64_t hIn = rank >= 2 ? in.shape[rank - 2] : 1;
  int64_t hOut = rank >= 2 ? out.shape[rank - 2] : 1;
  int64_t wIn = in.shape[rank - 1], wOut = out.shape[rank - 1];
  int64_t batch = in.getNumElements() / (hIn * wIn);
  std::vector<Neighbors> rh =
      rank >= 2 ? getInterpolation(transform, hIn, hOut, scaleOf(rank - 2))
                : std::vector<Neighbors>{{0, 0, 1.0}};
  std::vector<Neighbors> rw =
      getInterpolation(transform, wIn, wOut, scaleOf(rank - 1));
  bool doH = !isIdentity(rh, hIn), doW = !isIdentity(rw, wIn);
  if (!doH && !doW) {
    copyView(emitter, in, out);
    return success();
  }

  int64_t actElems = budgetElems(emitter, Buffer::Act, 4);
  int64_t wgtElems = budgetElems(emitter, Buffer::Wgt, 4);
  int64_t accElems = budgetElems(emitter, Buffer::Acc, 4);
  // The widest input band a tile of `count` output rows reads.
  auto maxBand = [](ArrayRef<Neighbors> taps, int64_t count) {
    int64_t most = 1, outN = taps.size();
    for (int64_t o0 = 0; o0 < outN; o0 += count) {
      auto [lo, hi] = getBand(taps, o0, std::min(count, outN - o0));
      most = std::max(most, hi - lo + 1);
    }
    return most;
  };
  // Tile sizes: the candidate with the lowest estimated time, counting DRAM
  // bytes charged per burst, the DMA latency of every tile and the matrix
  // unit's passes (docs/CycleModel.md). The interpolation tiles stay in
  // `act` while all batch tiles of an output tile run.
  int64_t burst = std::max<unsigned>(t.dramBurstBytes, 1);
  int64_t bytesPerCycle = std::max<unsigned>(t.dramBytesPerCycle, 1);
  int64_t arrayR = t.arrayRows * std::max(t.fp32.macsPerMultiplier, 1u);
  int64_t arrayC = std::max(t.arrayCols, 1u);
  auto charged = [&](int64_t runs, int64_t runElems) {
    return runs * ceilDiv(runElems * 4, burst) * burst;
  };
  auto gemmCycles = [&](int64_t m, int64_t n, int64_t k) {
    return ceilDiv(k, arrayR) * ceilDiv(n, arrayC) * std::max(m, arrayR) +
           arrayR + arrayC - 1;
  };
  auto candidates = [](int64_t n) {
    SmallVector<int64_t> list = {n};
    for (int64_t c = 8; c < n; c *= 2)
      list.push_back(c);
    return list;
  };
  struct Choice {
    int64_t bN = 0, ohN = 0, owN = 0;
    double cost = 0;
  } best;
  for (int64_t ohN : candidates(hOut)) {
    int64_t hN = doH ? maxBand(rh, ohN) : ohN;
    for (int64_t owN : candidates(wOut)) {
      int64_t wN = doW ? maxBand(rw, owN) : owN;
      int64_t act = (doW ? owN * wN : 0) + (doH ? ohN * hN : 0);
      if (act > actElems || hN > kMaxExtent || wN > kMaxExtent ||
          owN > kMaxExtent || ohN > kMaxExtent)
        continue;
      int64_t perBatchWgt = hN * wN + (doW && doH ? owN * hN : 0);
      int64_t perBatchAcc = (doW ? owN * hN : 0) + (doH ? ohN * owN : 0);
      int64_t bN = std::min({batch, wgtElems / perBatchWgt,
                             accElems / perBatchAcc,
                             kMaxExtent / std::max(hN, owN)});
      if (bN < 1)
        continue;
      int64_t spatial = ceilDiv(hOut, ohN) * ceilDiv(wOut, owN);
      int64_t tiles = spatial * ceilDiv(batch, bN);
      double bytes =
          double(spatial) * (charged(owN, wN) + charged(ohN, hN)) +
          double(tiles) * (charged(bN * hN, wN) + charged(bN * ohN, owN));
      double dma = bytes / double(bytesPerCycle) +
                   double(tiles) * double(t.dramLatency);
      double matrix = double(tiles) *
                      double((doW ? gemmCycles(owN, bN * hN, wN) : 0) +
                             (doH ? gemmCycles(ohN, bN * owN, hN) : 0));
      double cost = std::max(dma, matrix);
      if (!best.bN || cost < best.cost)
        best = {bN, ohN, owN, cost};
    }
  }
  if (!best.bN)
    return emitNodeError(op) << "no linear resize tile fits the scratchpads "
                                "(the interpolation band is too wide)";
  int64_t bN = best.bN, ohN = best.ohN, owN = best.owN;

  std::string name = getNodeName(op);
  // One constant per interpolation tile: Rw's depend on the output column
  // range, Rh's on the output row range.
  DenseMap<int64_t, uint64_t> rwTiles, rhTiles;
  for (int64_t oh0 = 0; oh0 < hOut; oh0 += ohN) {
    int64_t nh = std::min(ohN, hOut - oh0);
    auto [hLo, hHi] = doH ? getBand(rh, oh0, nh)
                          : std::pair<int64_t, int64_t>{oh0, oh0 + nh - 1};
    int64_t hN = hHi - hLo + 1;
    for (int64_t ow0 = 0; ow0 < wOut; ow0 += owN) {
      int64_t nw = std::min(owN, wOut - ow0);
      auto [wLo, wHi] = doW ? getBand(rw, ow0, nw)
                            : std::pair<int64_t, int64_t>{ow0, ow0 + nw - 1};
      int64_t wN = wHi - wLo + 1;
      // The interpolation tiles, loaded once for every batch tile (nothing
      // else is allocated in `act` until the next output tile).
      uint32_t rwAct = 0, rhAct = 0;
      if (doW) {
        auto [it, added] = rwTiles.try_emplace(ow0);
        if (added)
          it->second =
              addMatrixTile(emitter, name + ".rw", rw, ow0, nw, wLo, wN);
        rwAct = emitter.alloc(Buffer::Act, nw * wN * 4);
        emitter.loadDense(Buffer::Act, rwAct,
                          View::contiguous(it->second, DType::F32, {nw, wN}));
      }
      if (doH) {
        auto [it, added] = rhTiles.try_emplace(oh0);
        if (added)
          it->second =
              addMatrixTile(emitter, name + ".rh", rh, oh0, nh, hLo, hN);
        rhAct = emitter.alloc(Buffer::Act, nh * hN * 4);
        emitter.loadDense(Buffer::Act, rhAct,
                          View::contiguous(it->second, DType::F32, {nh, hN}));
      }
      for (int64_t b0 = 0; b0 < batch; b0 += bN) {
        int64_t nb = std::min(bN, batch - b0);
        uint64_t xAddr =
            offsetAddr(in.addr, b0 * hIn * wIn + hLo * wIn + wLo, 4);
        uint64_t yAddr =
            offsetAddr(out.addr, b0 * hOut * wOut + oh0 * wOut + ow0, 4);
        // W2[(b, ow)][h] for GEMM 2: T^T regrouped, or X^T loaded so.
        uint32_t w2 = 0;
        if (doW) {
          // X rows [(b, h)][w] as the weight of GEMM 1.
          uint32_t x = emitter.alloc(Buffer::Wgt, nb * hN * wN * 4);
          emitDma(emitter, true, Buffer::Wgt, x, xAddr, DType::F32,
                  {{nb, hIn * wIn, hN * wN}, {hN, wIn, wN}, {wN, 1, 1}});
          uint32_t c1 = emitter.alloc(Buffer::Acc, nw * nb * hN * 4);
          emitter.emit(makeGemm(DType::F32, false, nw, nb * hN, wN, rwAct, wN,
                                x, wN, c1, nb * hN));
          if (!doH) {
            // out[b][h][ow] = C1[ow][(b, h)].
            emitDma(emitter, false, Buffer::Acc, c1, yAddr, DType::F32,
                    {{nb, hOut * wOut, hN}, {hN, wOut, 1}, {nw, 1, nb * hN}});
            continue;
          }
          w2 = emitter.alloc(Buffer::Wgt, nb * nw * hN * 4);
          vecCopy(emitter, DType::F32, {nb, nw, hN}, Buffer::Acc, c1,
                  {hN, nb * hN, 1}, Buffer::Wgt, w2, {nw * hN, hN, 1});
        } else {
          w2 = emitter.alloc(Buffer::Wgt, nb * nw * hN * 4);
          emitDma(emitter, true, Buffer::Wgt, w2, xAddr, DType::F32,
                  {{nb, hIn * wIn, nw * hN}, {hN, wIn, 1}, {nw, 1, hN}});
        }
        uint32_t c2 = emitter.alloc(Buffer::Acc, nh * nb * nw * 4);
        emitter.emit(makeGemm(DType::F32, false, nh, nb * nw, hN, rhAct, hN,
                              w2, hN, c2, nb * nw));
        emitDma(emitter, false, Buffer::Acc, c2, yAddr, DType::F32,
                {{nb, hOut * wOut, nw}, {nh, wOut, nb * nw}, {nw, 1, 1}});
      }
    }
  }
  return success();
}

LogicalResult emitResize(Emitter &emitter, spa::ResizeOp op) {
  FailureOr<View> in = emitter.lookup(op.getInput(), op);
  FailureOr<View> out = emitter.lookup(op.getResult(), op);
  if (failed(in) || failed(out))
    return failure();
  if (out->getNumElements() == 0)
    return success();
  if (op.getMode() == spa::ResizeMode::Linear)
    return emitLinearResize(emitter, op, *in, *out);
  std::optional<ArrayRef<float>> scales = op.getScales();
  SmallVector<SmallVector<int64_t>> maps;
  for (size_t d = 0; d < in->shape.size(); ++d) {
    int64_t inN = in->shape[d], outN = out->shape[d];
    SmallVector<int64_t> map(outN);
    for (int64_t o = 0; o < outN; ++o)
      map[o] = getNearestIndex(
          op.getNearestRounding(),
          getSourceCoordinate(op.getCoordinateTransform(), o, inN, outN,
                              scales ? std::optional<float>((*scales)[d])
                                     : std::nullopt),
          inN);
    maps.push_back(std::move(map));
  }
  mapCopy(emitter, *in, *out, maps);
  return success();
}

/// Gather with run-time indices: the ISA has no indirect addressing, so
/// out[p, i, :] = Σ_v onehot[i][v] · data[p, v, :] on the matrix unit. The
/// vector unit builds onehot[i][v] = 1 - min(|idx_i - v|, 1) from the index
/// column and an iota row (both broadcast), after wrapping negative indices;
/// the data chunk loads transposed into the weight buffer (W[n][k] =
/// data[p][v0 + k][n]). Exact for finite data.
LogicalResult emitRuntimeGather(Emitter &emitter, spa::GatherOp op,
                                const View &data, const View &indices,
                                const View &out) {
  const target::TargetDescription &t = emitter.getTarget();
  if (data.dtype == DType::I32)
    return emitNodeError(op)
           << "gathering i32 data with run-time indices needs an i32 matrix "
              "product, which the accelerator lacks (the indices must be "
              "constant)";
  if (indices.dtype != DType::I32)
    return emitNodeError(op) << "run-time indices must be i32";
  if (!t.findMode(target::MatrixMode::Kind::Dense))
    return emitNodeError(op) << "a gather with run-time indices runs on the "
                                "matrix unit's dense mode, which the target "
                                "lacks";
  for (VecFunc func : {VecFunc::Sub, VecFunc::Abs, VecFunc::Min, VecFunc::Max,
                       VecFunc::Mul, VecFunc::Dequant, VecFunc::Requant})
    if (!t.getVectorFunction(func))
      return emitNodeError(op) << "a gather with run-time indices needs the "
                                  "vector unit's "
                               << isa::getName(func);
  int64_t axis = int64_t(op.getAxis());
  int64_t pre = 1, post = 1;
  for (int64_t d = 0; d < axis; ++d)
    pre *= data.shape[d];
  for (size_t d = axis + 1; d < data.shape.size(); ++d)
    post *= data.shape[d];
  int64_t vocab = data.shape[axis];
  int64_t count = indices.getNumElements();
  if (vocab >= (int64_t(1) << 24))
    return emitNodeError(op) << "the gathered dimension " << vocab
                             << " is too large for exact index arithmetic";
  bool int8 = data.dtype == DType::I8;
  unsigned es = data.getElementSize();

  int64_t accElems = emitter.getTileBudget(Buffer::Acc) / (4 + (int8 ? 1 : 0));
  // The output columns of a GEMM are (p, q) pairs: whole rows of `post`
  // for several p when they are short, else a part of one row.
  int64_t rows = t.arrayRows;
  int64_t nTarget = std::min<int64_t>(
      {pre * post, kMaxExtent,
       std::max<int64_t>(1, accElems / std::min<int64_t>(count, rows))});
  int64_t qc = std::min(post, nTarget);
  int64_t pc = post >= nTarget ? 1 : std::min(pre, nTarget / post);
  int64_t nc = pc * qc;
  int64_t mc = std::min<int64_t>(
      {count, kMaxExtent, std::max<int64_t>(1, accElems / nc)});
  int64_t actBytes = emitter.getTileBudget(Buffer::Act);
  int64_t vc = std::min<int64_t>(
      {vocab, kMaxExtent,
       std::max<int64_t>(1, int64_t(emitter.getTileBudget(Buffer::Wgt) / es) /
                                nc),
       std::max<int64_t>(1, (actBytes - 16 * mc - 64 * 3) /
                                (mc * (4 + (int8 ? 1 : 0))))});
  // An iota row 0 .. vc-1.
  std::vector<uint8_t> iotaData(vc * 4);
  for (int64_t v = 0; v < vc; ++v) {
    int32_t value = int32_t(v);
    std::memcpy(&iotaData[v * 4], &value, 4);
  }
  uint64_t iota = emitter.addConstant(getNodeName(op) + ".iota", DType::I32, 1,
                                      vc, std::move(iotaData));
  DType gemmType = int8 ? DType::I8 : DType::F32;
  auto vec = [&](VecFunc func, int64_t r, int64_t c, isa::VecOperand dst,
                 isa::VecOperand src1, isa::VecOperand src2 = {},
                 float imm0 = 0, int32_t imm2 = 0, DType from = DType::I32,
                 DType to = DType::I32) {
    emitter.emit(makeVec(func, from, to, uint16_t(r), uint16_t(c), dst, src1,
                         src2, imm0, 0.0f, imm2));
  };

  for (int64_t p0 = 0; p0 < pre; p0 += pc) {
    int64_t np = std::min(pc, pre - p0);
    for (int64_t m0 = 0; m0 < count; m0 += mc) {
      int64_t nm = std::min(mc, count - m0);
      for (int64_t q0 = 0; q0 < post; q0 += qc) {
        int64_t nq = std::min(qc, post - q0);
        int64_t nn = np * nq;
        uint32_t acc = emitter.alloc(Buffer::Acc, nm * nn * 4);
        for (int64_t v0 = 0; v0 < vocab; v0 += vc) {
          int64_t nv = std::min(vc, vocab - v0);
          // The index column, wrapped (idx + V when negative) and shifted by
          // the chunk start; then the one-hot chunk.
          uint32_t idx = emitter.alloc(Buffer::Act, nm * 4);
          uint32_t tmp = emitter.alloc(Buffer::Act, nm * 4);
          uint32_t row = emitter.alloc(Buffer::Act, nv * 4);
          emitter.loadDense(
              Buffer::Act, idx,
              View::contiguous(offsetAddr(indices.addr, m0, 4), DType::I32,
                               {nm}));
          emitter.loadDense(Buffer::Act, row,
                            View::contiguous(iota, DType::I32, {nv}));
          auto column = [&](uint32_t addr) {
            return sramOperand(Buffer::Act, addr, 1, 0);
          };
          vec(VecFunc::Min, nm, 1, column(tmp), column(idx), {}, 0.0f);
          vec(VecFunc::Max, nm, 1, column(tmp), column(tmp), {}, -1.0f);
          vec(VecFunc::Mul, nm, 1, column(tmp), column(tmp), {}, float(vocab));
          vec(VecFunc::Sub, nm, 1, column(idx), column(idx), column(tmp));
          vec(VecFunc::Sub, nm, 1, column(idx), column(idx), {}, float(v0));
          uint32_t hot = emitter.alloc(Buffer::Act, nm * nv * 4);
          isa::VecOperand hotView = sramOperand(Buffer::Act, hot, nv, 1);
          vec(VecFunc::Sub, nm, nv, hotView, column(idx),
              sramOperand(Buffer::Act, row, 0, 1));
          vec(VecFunc::Abs, nm, nv, hotView, hotView);
          vec(VecFunc::Min, nm, nv, hotView, hotView, {}, 1.0f);
          uint32_t hotGemm = hot;
          if (int8) {
            hotGemm = emitter.alloc(Buffer::Act, nm * nv);
            vec(VecFunc::Requant, nm, nv,
                sramOperand(Buffer::Act, hotGemm, nv, 1), hotView, {}, -1.0f,
                1, DType::I32, DType::I8);
          } else {
            // (d - 1) * -1 = 1 - d.
            vec(VecFunc::Dequant, nm, nv, hotView, hotView, {}, -1.0f, 1,
                DType::I32, DType::F32);
          }
          // W[(p, q)][v] = data[p0 + p][v0 + v][q0 + q].
          uint32_t w = emitter.alloc(Buffer::Wgt, nn * nv * es);
          uint64_t chunk =
              offsetAddr(data.addr, (p0 * vocab + v0) * post + q0, es);
          emitDma(emitter, true, Buffer::Wgt, w, chunk, data.dtype,
                  {{np, vocab * post, nq * nv}, {nv, post, 1}, {nq, 1, nv}});
          emitter.emit(makeGemm(gemmType, v0 > 0, nm, nn, nv, hotGemm, nv, w,
                                nv, acc, nn));
        }
        uint64_t dst =
            offsetAddr(out.addr, (p0 * count + m0) * post + q0, es);
        uint32_t result = acc;
        if (int8) {
          result = emitter.alloc(Buffer::Acc, nm * nn);
          emitter.emit(makeVec(VecFunc::Requant, DType::I32, DType::I8,
                               uint16_t(nm), uint16_t(nn),
                               sramOperand(Buffer::Acc, result, nn),
                               sramOperand(Buffer::Acc, acc, nn), {}, 1.0f,
                               0.0f, 0));
        }
        emitDma(emitter, false, Buffer::Acc, result, dst, data.dtype,
                {{nm, post, nn}, {np, count * post, nq}, {nq, 1, 1}});
      }
    }
  }
  return success();
}

LogicalResult emitGather(Emitter &emitter, spa::GatherOp op) {
  FailureOr<View> data = emitter.lookup(op.getData(), op);
  FailureOr<View> out = emitter.lookup(op.getResult(), op);
  if (failed(data) || failed(out))
    return failure();
  if (out->getNumElements() == 0)
    return success();
  int64_t axis = int64_t(op.getAxis());
  int64_t vocab = data->shape[axis];
  std::optional<SmallVector<double>> constant = readConstant(op.getIndices());
  if (!constant) {
    FailureOr<View> indices = emitter.lookup(op.getIndices(), op);
    if (failed(indices))
      return failure();
    return emitRuntimeGather(emitter, op, *data, *indices, *out);
  }
  SmallVector<int64_t> map;
  for (double value : *constant) {
    int64_t index = int64_t(value);
    if (index < 0)
      index += vocab;
    if (index < 0 || index >= vocab)
      return emitNodeError(op) << "index " << int64_t(value)
                               << " is out of range for extent " << vocab;
    map.push_back(index);
  }
  int64_t pre = 1, post = 1;
  for (int64_t d = 0; d < axis; ++d)
    pre *= data->shape[d];
  for (size_t d = axis + 1; d < data->shape.size(); ++d)
    post *= data->shape[d];
  int64_t count = map.size();
  View in = View::contiguous(data->addr, data->dtype, {pre, vocab, post});
  View dst = View::contiguous(out->addr, out->dtype, {pre, count, post});
  SmallVector<SmallVector<int64_t>> maps = {identityMap(pre), map,
                                            identityMap(post)};
  // Size-1 dimensions need no map.
  if (post == 1) {
    in = View::contiguous(data->addr, data->dtype, {pre, vocab});
    dst = View::contiguous(out->addr, out->dtype, {pre, count});
    maps.pop_back();
  }
  mapCopy(emitter, in, dst, maps);
  return success();
}

} // namespace

LogicalResult codegen::emitDataMovement(Emitter &emitter, Operation *op) {
  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](spa::TransposeOp o) { return emitTranspose(emitter, o); })
      .Case([&](spa::ConcatOp o) { return emitConcat(emitter, o); })
      .Case([&](spa::SliceOp o) { return emitSlice(emitter, o); })
      .Case([&](spa::PadOp o) { return emitPad(emitter, o); })
      .Case([&](spa::ExpandOp o) { return emitExpand(emitter, o); })
      .Case([&](spa::TileOp o) { return emitTile(emitter, o); })
      .Case([&](spa::ResizeOp o) { return emitResize(emitter, o); })
      .Case([&](spa::GatherOp o) { return emitGather(emitter, o); })
      .Case([&](spa::ReshapeOp o) -> LogicalResult {
        // The driver aliases reshapes; a copy is the same bytes.
        FailureOr<View> in = emitter.lookup(o.getInput(), op);
        FailureOr<View> out = emitter.lookup(o.getResult(), op);
        if (failed(in) || failed(out))
          return failure();
        copyView(emitter, View::contiguous(in->addr, in->dtype, out->shape),
                 *out);
        return success();
      })
      .Default([&](Operation *) -> LogicalResult {
        return emitNodeError(op) << "is not a data movement op";
      });
}

namespace spc::codegen {
/// A DMA-only copy between two DRAM views of the same shape (any rank,
/// zero or negative source strides); see copyView. Other emitters and the
/// driver's output copies can use it once CodeGen.h declares it.
void emitViewCopy(Emitter &emitter, const View &src, const View &dst);
} // namespace spc::codegen

void codegen::emitViewCopy(Emitter &emitter, const View &src,
                           const View &dst) {
  copyView(emitter, src, dst);
}
