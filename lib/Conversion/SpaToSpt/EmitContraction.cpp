//===- EmitContraction.cpp - Convolutions and matrix products -------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// spa.conv2d, spa.conv_transpose2d, spa.matmul and spa.gemm on the matrix
// unit (ISA §4.2), with the fused f32 activations of the layer applied to
// each accumulator tile before it is stored.
//
// Every contraction becomes one or more GEMM problems
// C[m][n] = Σ_k A[m][k] · W[n][k] (A in `act`, W in `wgt`, C in `acc`):
//
// * conv2d is an implicit GEMM per image and group: m is an output pixel, n
//   an output channel and k = c · KH·KW + kh · KW + kw, the ONNX weight order,
//   so the weight [O][C/g][KH][KW] is W as it is. A is never built in DRAM:
//   - "direct" im2col: one strided LOAD per kernel tap writes the tap's
//     column of every channel in the K tile (pads come from the DMA padding,
//     computed per tile and tap from strides, dilations and pads);
//   - "explicit" im2col: one LOAD brings the input patch of the tile into
//     `act` and VEC COPYs place each tap's shifted window into A.
// * depthwise convolutions (C/g = 1, O/g = 1) may run on the vector unit
//   instead: per tap one VEC MUL by the per-channel weight (a column
//   operand with stride 0) and one VEC ADD, over [channel][pixel] views.
// * conv_transpose2d is split into its stride phases (sub-pixel
//   convolution): the outputs oy ≡ r (mod stride) receive exactly the taps
//   kh with (r + pad - kh·dil) ≡ 0 (mod stride), so each phase is a stride-1
//   convolution of the input with those taps, stored with the output stride.
//   No zero is ever multiplied.
// * matmul and gemm are plain GEMMs; W = B^T is made at compile time for a
//   constant B, or loaded with transposing DMA strides at run time.
//
// Tiling comes from the target: K tiles are multiples of
// R = array rows × MACs per multiplier of the type, N tiles multiples of the
// array columns, M as large as the scratchpads allow (GEMM dimensions are
// u16), and every tile takes at most the tile budget (half) of `act`, `wgt`
// and `acc`, so consecutive tiles double-buffer through the allocator's
// rings. Loaded A and W tiles are kept and reused while the ring has not
// overwritten them (A across N tiles, W across M tiles; the K order snakes so
// that the last tile of one output tile is the first of the next).
//
// Choosing a strategy and a tiling. A candidate is a strategy × K, N, M tile
// sizes × loop order. It can be emitted "dry" (nothing reaches the
// instruction stream) to sum the costs of CycleModel.md per unit (the load
// queue, the store queue, the shared DRAM channel, the matrix unit and the
// vector unit), or to time it: each instruction starts when its queue, its
// unit, the DRAM channel and every scratchpad hazard allow, as the emulator
// schedules it. The search is best first over lower bounds: a candidate
// starts with its matrix cycles, counted from its tile sizes alone; the
// candidate with the smallest bound is refined to the busiest unit's sum
// (a dry run), then to its time (a timed dry run), until the smallest bound
// is a time, which nothing else can beat, or 32 candidates have been timed.
// Layers of the same shape (the same dimensions and the same dry-run
// instructions, DRAM addresses aside) reuse the first one's plan. In
// practice this picks direct im2col for 1×1 stride-1 convolutions (nothing
// is duplicated), explicit im2col when the direct loads would move KH·KW
// times the input or read short strided runs, and the vector unit for
// depthwise layers, whose matrix passes use one column of the array.
//
//===----------------------------------------------------------------------===//

#include "CodeGen.h"
#include "WeightMatrix.h"

#include "spc/Support/Tasd.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <queue>
#include <set>
#include <tuple>

using namespace mlir;
using namespace spc;
using namespace spc::codegen;
using isa::Buffer;
using isa::DType;
using isa::VecFunc;

#define DEBUG_TYPE "spc-contraction"

namespace spc::codegen {
/// Whether `op` is the float core of a QDQ group that runs as one int8
/// GEMM layer: `prologue` gets the spa.dequantize ops the layer absorbs
/// (input, weight, bias), `epilogue` the ops after `op` up to and including
/// the spa.quantize. (To be declared in CodeGen.h for the driver.)
bool matchQuantizedContraction(Operation *op,
                               SmallVectorImpl<Operation *> &prologue,
                               SmallVectorImpl<Operation *> &epilogue);
} // namespace spc::codegen

namespace {

constexpr int64_t kMaxU16 = UINT16_MAX;
constexpr int64_t kMaxPad = UINT8_MAX;

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
/// Floor division for any sign of `a` (b > 0).
int64_t floorDivS(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}
/// Ceiling division for any sign of `a` (b > 0).
int64_t ceilDivS(int64_t a, int64_t b) { return -floorDivS(-a, b); }
int64_t roundUp(int64_t a, int64_t b) { return ceilDiv(a, b) * b; }

unsigned getMacsPerMultiplier(const target::TargetDescription &t, DType d) {
  return d == DType::I8 ? t.int8.macsPerMultiplier : t.fp32.macsPerMultiplier;
}

//===----------------------------------------------------------------------===//
// Out: the instruction sink, real or dry (costing only)
//===----------------------------------------------------------------------===//

/// The estimated timing of what a candidate emits: a small model of the
/// emulator's schedule (CycleModel.md §1): in-order queues, one timeline per
/// unit, the shared DRAM channel, and every scratchpad hazard with an
/// earlier instruction (tokens or in-queue) delaying the start to its end.
struct Estimate {
  uint64_t load = 0, store = 0, dram = 0, matrix = 0, vector = 0,
           structuring = 0;
  uint64_t instructions = 0;
  uint64_t finish = 0;

  uint64_t total() const { return finish; }
  /// A lower bound of the time: the busiest unit.
  uint64_t bound() const {
    return std::max({load, store, dram, matrix, vector, structuring});
  }
};

class Timing {
public:
  /// Starts `inst` at the earliest time the model allows; returns its end.
  uint64_t add(const isa::Instruction &inst, unsigned queue, unsigned unit,
               uint64_t cycles, uint64_t dramBusy) {
    std::vector<binary::SramAccess> accesses = binary::getSramAccesses(inst);
    uint64_t start = std::max(queueStart[queue], unitFree[unit]);
    bool relay = false;
    for (const binary::SramAccess &a : accesses) {
      if (a.buffer == Buffer::None)
        continue;
      for (const Access &r : recent[unsigned(a.buffer)])
        if ((a.write || r.write) && a.begin < r.end && r.begin < a.end) {
          start = std::max(start, r.done);
          // Load and store queues have no channel: the scheduler relays
          // the wait through a compute SYNC, which waits for every compute
          // instruction before it (and holds up those after it).
          relay |= (queue == 0 && r.queue == 2) || (queue == 2 && r.queue == 0);
        }
    }
    if (relay) {
      start = std::max(start, computeEnd);
      queueStart[1] = std::max(queueStart[1], computeEnd);
    }
    uint64_t end;
    if (dramBusy || unit <= 1) {
      uint64_t chan = reserveChannel(start, dramBusy);
      end = chan + cycles;
    } else {
      end = start + cycles;
    }
    queueStart[queue] = start;
    issued[queue] = true;
    unitFree[unit] = end;
    if (queue == 1)
      computeEnd = std::max(computeEnd, end);
    finish = std::max(finish, end);
    for (const binary::SramAccess &a : accesses)
      if (a.buffer != Buffer::None)
        recent[unsigned(a.buffer)].push_back(
            {a.begin, a.end, a.write, queue, end});
    if (++sincePrune >= 256)
      prune();
    return end;
  }
  uint64_t getFinish() const { return finish; }

private:
  struct Access {
    uint64_t begin, end;
    bool write;
    unsigned queue;
    uint64_t done;
  };
  /// The first time at or after `start` when the DRAM channel is free for
  /// `busy` cycles. Instructions are modelled in program order, but the
  /// emulator runs them in time order: a load can use the channel before a
  /// store that was emitted earlier but starts later.
  uint64_t reserveChannel(uint64_t start, uint64_t busy) {
    uint64_t at = start;
    auto it = llvm::lower_bound(channel, std::make_pair(at, uint64_t(0)));
    if (it != channel.begin() && std::prev(it)->second > at)
      at = std::prev(it)->second;
    while (it != channel.end() && it->first < at + busy) {
      at = std::max(at, it->second);
      ++it;
    }
    if (busy)
      channel.insert(it, {at, at + busy});
    return at;
  }

  /// Drops accesses that ended before every queue's current start: nothing
  /// later can wait for them.
  void prune() {
    sincePrune = 0;
    uint64_t horizon = UINT64_MAX;
    for (unsigned q = 0; q < 3; ++q)
      if (issued[q])
        horizon = std::min(horizon, queueStart[q]);
    if (horizon == UINT64_MAX)
      return;
    llvm::erase_if(channel, [&](const std::pair<uint64_t, uint64_t> &busy) {
      return busy.second <= horizon;
    });
    for (auto &list : recent) {
      llvm::erase_if(list, [&](const Access &a) { return a.done <= horizon; });
      // A queue that stalls for long keeps the list bounded anyway.
      if (list.size() > 4096)
        list.erase(list.begin(), list.end() - 4096);
    }
  }

  std::array<uint64_t, 3> queueStart = {0, 0, 0};
  std::array<bool, 3> issued = {false, false, false};
  /// load DMA, store DMA, matrix, vector, structuring.
  std::array<uint64_t, 5> unitFree = {0, 0, 0, 0, 0};
  uint64_t finish = 0, computeEnd = 0;
  /// Busy intervals of the DRAM channel, sorted.
  std::vector<std::pair<uint64_t, uint64_t>> channel;
  std::array<std::vector<Access>, 4> recent;
  unsigned sincePrune = 0;
};

/// Where a contraction's instructions go. A dry sink only costs them and
/// simulates the scratchpad rings; a real one emits them. Both track the
/// ring allocations, so that tiles kept for reuse are known to be intact
/// (`Cached`), and tiles still in use are never handed out again (`pin`).
class Out {
public:
  Out(Emitter &emitter, Operation *op, bool dry, bool timed = true)
      : emitter(emitter), target(emitter.getTarget()), op(op), dry(dry),
        timed(timed) {}

  Emitter &emitter;
  const target::TargetDescription &target;
  Operation *op;
  bool dry, timed;
  Estimate est;

  uint64_t capacity(Buffer b) const { return emitter.getCapacity(b); }
  uint64_t budget(Buffer b) const { return emitter.getTileBudget(b); }

  /// `bytes` of `buffer` that overlap no pinned range. When there is no
  /// such room, sets `overflowed` (the plan does not fit) and returns 0.
  uint32_t alloc(Buffer buffer, uint64_t bytes) {
    bytes = std::max<uint64_t>(bytes, 1);
    if (bytes > capacity(buffer)) {
      overflowed = true;
      return 0;
    }
    for (int attempt = 0; attempt < 64; ++attempt) {
      uint32_t addr =
          dry ? simulateAlloc(buffer, bytes) : emitter.alloc(buffer, bytes);
      uint64_t clashEnd = 0;
      for (const Range &pin : pins)
        if (pin.buffer == buffer && pin.overlaps(addr, bytes))
          clashEnd = std::max<uint64_t>(clashEnd, pin.addr + pin.bytes);
      if (clashEnd) {
        // Move the ring past the pinned range (a filler allocation), so the
        // next attempt starts where it ends.
        uint64_t next = llvm::alignTo(uint64_t(addr) + bytes, 64);
        if (clashEnd > next && next < capacity(buffer)) {
          if (dry)
            simulateAlloc(buffer, clashEnd - next);
          else
            emitter.alloc(buffer, clashEnd - next);
        }
        continue;
      }
      llvm::erase_if(cache, [&](const std::pair<Key, Range> &entry) {
        return entry.second.buffer == buffer &&
               entry.second.overlaps(addr, bytes);
      });
      return addr;
    }
    overflowed = true;
    return 0;
  }

  /// Set when an allocation found no room: what was emitted is unusable.
  bool overflowed = false;

  /// Keeps [addr, addr + bytes) of `buffer` from being allocated again until
  /// `unpin`.
  void pin(Buffer buffer, uint32_t addr, uint64_t bytes) {
    pins.push_back({buffer, addr, bytes});
  }
  void unpin(Buffer buffer, uint32_t addr) {
    for (size_t i = 0; i < pins.size(); ++i)
      if (pins[i].buffer == buffer && pins[i].addr == addr) {
        pins.erase(pins.begin() + i);
        return;
      }
  }

  /// A tile loaded earlier under `key`, if the ring has not reused its bytes.
  using Key = std::tuple<int, int64_t, int64_t, int64_t>;
  std::optional<uint32_t> lookupCached(const Key &key) const {
    for (const auto &[k, range] : cache)
      if (k == key)
        return range.addr;
    return std::nullopt;
  }
  void remember(const Key &key, Buffer buffer, uint32_t addr, uint64_t bytes) {
    llvm::erase_if(cache, [&](const std::pair<Key, Range> &entry) {
      return entry.first == key;
    });
    cache.push_back({key, {buffer, addr, bytes}});
  }
  void forgetAll() { cache.clear(); }

  /// Emits `inst`. `dataCost` is the part of its cost that depends on data
  /// it does not carry: the array passes of a GEMM.SP, the value bytes of a
  /// bitmap LOAD.DECOMP.
  void emit(const isa::Instruction &inst, uint64_t dataCost = 0) {
    if (dry)
      account(inst, dataCost);
    else
      emitter.emit(inst);
    if (fingerprint) {
      // Everything but where the operands live in DRAM.
      isa::Instruction shape = inst;
      if (auto *dma = std::get_if<isa::Dma>(&shape.operands))
        dma->dramAddr = 0;
      isa::Word word = isa::encode(shape);
      fingerprint = llvm::hash_combine(
          *fingerprint, llvm::hash_combine_range(word.begin(), word.end()));
    }
  }
  /// When set, every instruction emitted is hashed into it.
  std::optional<llvm::hash_code> fingerprint;

  /// The DRAM address of `count` elements of `padBits` (a fill source for
  /// boxes the DMA padding cannot produce).
  uint64_t getFill(DType dtype, uint32_t padBits, int64_t count) {
    if (dry)
      return 0;
    unsigned es = isa::elementSize(dtype);
    for (const FillConstant &f : fills)
      if (f.dtype == dtype && f.bits == padBits && f.count >= count)
        return f.addr;
    std::vector<uint8_t> data(count * es);
    for (int64_t i = 0; i < count; ++i)
      std::memcpy(&data[i * es], &padBits, es);
    uint64_t addr = emitter.addConstant(getNodeName(op) + ".fill", dtype, 1,
                                        uint32_t(count), std::move(data));
    fills.push_back({dtype, padBits, count, addr});
    return addr;
  }

private:
  struct Range {
    Buffer buffer;
    uint32_t addr;
    uint64_t bytes;
    bool overlaps(uint32_t a, uint64_t b) const {
      return a < addr + bytes && addr < a + b;
    }
  };
  struct FillConstant {
    DType dtype;
    uint32_t bits;
    int64_t count;
    uint64_t addr;
  };

  uint32_t simulateAlloc(Buffer buffer, uint64_t bytes) {
    uint64_t cap = capacity(buffer);
    uint64_t &next = ring[unsigned(buffer) - 1];
    if (next + bytes > cap)
      next = 0;
    uint64_t addr = next;
    next = llvm::alignTo(next + bytes, 64);
    if (next >= cap)
      next = 0;
    return uint32_t(addr);
  }

  void account(const isa::Instruction &inst, uint64_t dataCost);

  Timing timing;
  std::array<uint64_t, isa::kNumBuffers> ring = {0, 0, 0};
  SmallVector<Range> pins;
  /// Tiles loaded and not overwritten since (few: they share the buffers).
  std::vector<std::pair<Key, Range>> cache;
  SmallVector<FillConstant> fills;
};

uint64_t dmaBusy(const target::TargetDescription &t, const isa::Dma &d) {
  return ceilDiv(t.getChargedDramBytes(d), std::max(1u, t.dramBytesPerCycle));
}

uint64_t vecCycles(const target::TargetDescription &t, const isa::Vec &v) {
  uint64_t elems = uint64_t(v.rows) * v.cols;
  std::array<uint64_t, 4> perBuffer = {0, 0, 0, 0};
  bool reduces = isa::getVecFuncKind(v.func) == isa::VecFuncKind::Reduction;
  perBuffer[unsigned(v.src1.buffer)] += elems * isa::elementSize(v.srcType);
  if (v.src2.buffer != Buffer::None)
    perBuffer[unsigned(v.src2.buffer)] += elems * isa::elementSize(v.srcType);
  perBuffer[unsigned(v.dst.buffer)] +=
      (reduces ? v.rows : elems) * isa::elementSize(v.dstType);
  return t.getVecCycles(v.func, elems, perBuffer);
}

void Out::account(const isa::Instruction &inst, uint64_t dataCost) {
  ++est.instructions;
  switch (inst.opcode) {
  case isa::Opcode::Load: {
    uint64_t busy = dmaBusy(target, inst.get<isa::Dma>());
    est.load += busy + target.dramLatency;
    est.dram += busy;
    if (timed)
      timing.add(inst, 0, 0, busy + target.dramLatency, busy);
    break;
  }
  case isa::Opcode::Store: {
    uint64_t busy = dmaBusy(target, inst.get<isa::Dma>());
    est.store += busy + target.dramLatency;
    est.dram += busy;
    if (timed)
      timing.add(inst, 2, 1, busy + target.dramLatency, busy);
    break;
  }
  case isa::Opcode::LoadDecomp: {
    // CycleModel.md §2: the packed parts cross the channel; the
    // decompressor writes the dense tile at the scratchpad's bandwidth.
    const isa::LoadDecomp &d = inst.get<isa::LoadDecomp>();
    uint64_t rows = d.rows, cols = d.cols;
    uint64_t first, second;
    if (d.format == isa::Format::NM) {
      first = rows * packing::getNMValuesPerRow(cols, d.n, d.m) *
              isa::elementSize(d.dtype);
      second = rows * packing::getNMMetaBytesPerRow(cols, d.n, d.m);
    } else {
      first = rows * ceilDiv(cols, 8);
      second = dataCost;
    }
    uint64_t charged = roundUp(first, target.dramBurstBytes) +
                       roundUp(second, target.dramBurstBytes);
    uint64_t busy = ceilDiv(charged, std::max(1u, target.dramBytesPerCycle));
    uint64_t write = ceilDiv(rows * cols * isa::elementSize(d.dtype),
                             target.getSramBandwidth(d.buffer));
    uint64_t cycles = std::max(busy + target.dramLatency, write);
    est.load += cycles;
    est.dram += busy;
    if (timed)
      timing.add(inst, 0, 0, cycles, busy);
    break;
  }
  case isa::Opcode::Gemm:
  case isa::Opcode::GemmNM:
  case isa::Opcode::GemmSparse: {
    const isa::Gemm &g = inst.get<isa::Gemm>();
    uint64_t cycles;
    if (inst.opcode == isa::Opcode::GemmSparse) {
      cycles = target.getMatrixCyclesOfPasses(g.dtype, g.m, dataCost);
    } else {
      uint64_t kp = inst.opcode == isa::Opcode::GemmNM
                        ? target.getNMStreamedLength(g.wN, g.wM, g.k)
                              .value_or(g.k)
                        : g.k;
      // CycleModel.md §3: a dual-side engine skips structured activations.
      if (g.actNM)
        kp = target.getDualSideLength(kp, g.actN, g.actM);
      cycles = target.getMatrixCycles(g.dtype, g.m, g.n, kp);
    }
    est.matrix += cycles;
    if (timed)
      timing.add(inst, 1, 2, cycles, 0);
    break;
  }
  case isa::Opcode::Struct: {
    const isa::Struct &st = inst.get<isa::Struct>();
    uint64_t cycles = target.getStructCycles(uint64_t(st.rows) * st.cols);
    est.structuring += cycles;
    if (timed)
      timing.add(inst, 1, 4, cycles, 0);
    break;
  }
  case isa::Opcode::Vec: {
    uint64_t cycles = vecCycles(target, inst.get<isa::Vec>());
    est.vector += cycles;
    if (timed)
      timing.add(inst, 1, 3, cycles, 0);
    break;
  }
  default:
    break;
  }
  est.finish = timing.getFinish();
}

//===----------------------------------------------------------------------===//
// DMA helpers
//===----------------------------------------------------------------------===//

/// A box of up to four dimensions, outermost first.
struct Box {
  SmallVector<int64_t, 4> size, dramStride, sramStride, padLo, padHi;
};

isa::Instruction makeDma(bool load, Buffer buffer, DType dtype, uint32_t sram,
                         uint64_t dram, const Box &box, uint32_t padBits = 0) {
  size_t rank = box.size.size();
  assert(rank >= 1 && rank <= 4 && "DMA boxes have rank 1 to 4");
  isa::Dma dma;
  dma.buffer = buffer;
  dma.dtype = dtype;
  dma.sramAddr = sram;
  dma.dramAddr = uint32_t(dram);
  size_t lead = 4 - rank;
  for (size_t d = 0; d < rank; ++d) {
    assert(box.size[d] >= 1 && box.size[d] <= kMaxU16);
    dma.size[lead + d] = uint16_t(box.size[d]);
    dma.dramStride[lead + d] = uint32_t(box.dramStride[d]);
    dma.sramStride[lead + d] = uint32_t(box.sramStride[d]);
    if (load && d < box.padLo.size()) {
      assert(box.padLo[d] <= kMaxPad && box.padHi[d] <= kMaxPad);
      dma.padLo[lead + d] = uint8_t(box.padLo[d]);
      dma.padHi[lead + d] = uint8_t(box.padHi[d]);
    }
  }
  if (load)
    dma.padValue = padBits;
  return {load ? isa::Opcode::Load : isa::Opcode::Store, 0, dma};
}

/// A box to load whose element p (per dimension) comes from source index
/// `origin[d] + p · step[d]` of a tensor of extents `extent` and element
/// strides `stride` at `base`; elements outside the tensor are `padBits`.
struct PaddedBox {
  uint64_t base = 0;
  SmallVector<int64_t, 4> extent, stride, origin, step, size, sramStride;
};

/// Fills a box of the scratchpad with `padBits` from a fill constant.
void fillBox(Out &out, Buffer buffer, DType dtype, uint32_t sram,
             ArrayRef<int64_t> size, ArrayRef<int64_t> sramStride,
             uint32_t padBits) {
  // The innermost dimension reads consecutive elements of the constant,
  // outer ones re-read it (stride 0).
  constexpr int64_t kFillElements = 256;
  Box box;
  box.size.assign(size.begin(), size.end());
  box.sramStride.assign(sramStride.begin(), sramStride.end());
  box.dramStride.assign(size.size(), 0);
  int64_t inner = size.back();
  if (inner <= kFillElements)
    box.dramStride.back() = 1;
  uint64_t addr = out.getFill(dtype, padBits, kFillElements);
  out.emit(makeDma(true, buffer, dtype, sram, addr, box, padBits));
}

/// Loads a padded box: one LOAD with DMA padding when it can, else the
/// valid part plus fills of the padded slabs.
void loadPadded(Out &out, Buffer buffer, DType dtype, uint32_t sram,
                const PaddedBox &p, uint32_t padBits) {
  size_t rank = p.size.size();
  unsigned es = isa::elementSize(dtype);
  SmallVector<int64_t, 4> lo(rank), hi(rank);
  bool empty = false, padsFit = true;
  for (size_t d = 0; d < rank; ++d) {
    // origin + p·step in [0, extent).
    lo[d] = std::max<int64_t>(0, ceilDivS(-p.origin[d], p.step[d]));
    hi[d] = std::min<int64_t>(
        p.size[d], floorDivS(p.extent[d] - 1 - p.origin[d], p.step[d]) + 1);
    if (lo[d] >= hi[d])
      empty = true;
    else if (lo[d] > kMaxPad || p.size[d] - hi[d] > kMaxPad)
      padsFit = false;
  }
  if (empty) {
    fillBox(out, buffer, dtype, sram, p.size, p.sramStride, padBits);
    return;
  }
  Box box;
  uint64_t dram = p.base;
  for (size_t d = 0; d < rank; ++d) {
    dram += uint64_t(p.origin[d] + lo[d] * p.step[d]) * p.stride[d] * es;
    box.size.push_back(hi[d] - lo[d]);
    box.dramStride.push_back(p.step[d] * p.stride[d]);
    box.sramStride.push_back(p.sramStride[d]);
    box.padLo.push_back(padsFit ? lo[d] : 0);
    box.padHi.push_back(padsFit ? p.size[d] - hi[d] : 0);
  }
  if (padsFit) {
    out.emit(makeDma(true, buffer, dtype, sram, dram, box, padBits));
    return;
  }
  // The valid part, then the slabs before and after it in each dimension
  // (dimensions before d restricted to their valid range).
  uint32_t validSram = sram;
  for (size_t d = 0; d < rank; ++d)
    validSram += uint32_t(lo[d] * p.sramStride[d] * es);
  out.emit(makeDma(true, buffer, dtype, validSram, dram, box, padBits));
  for (size_t d = 0; d < rank; ++d) {
    for (int side = 0; side < 2; ++side) {
      int64_t from = side ? hi[d] : 0, to = side ? p.size[d] : lo[d];
      if (from >= to)
        continue;
      SmallVector<int64_t, 4> size(rank);
      uint32_t at = sram;
      for (size_t e = 0; e < rank; ++e) {
        int64_t b = e < d ? lo[e] : e == d ? from : 0;
        int64_t n = e < d ? hi[e] - lo[e] : e == d ? to - from : p.size[e];
        size[e] = n;
        at += uint32_t(b * p.sramStride[e] * es);
      }
      fillBox(out, buffer, dtype, at, size, p.sramStride, padBits);
    }
  }
}

/// A dense load of a 2-D DRAM block [rows][cols] with DRAM strides
/// (rowStride, colStride) into a row-major tile with row stride `ld`.
void load2D(Out &out, Buffer buffer, DType dtype, uint32_t sram, uint64_t dram,
            int64_t rows, int64_t cols, int64_t rowStride, int64_t colStride,
            int64_t ld) {
  Box box;
  box.size = {rows, cols};
  box.dramStride = {rowStride, colStride};
  box.sramStride = {ld, 1};
  out.emit(makeDma(true, buffer, dtype, sram, dram, box));
}

void emitVec(Out &out, VecFunc func, DType type, uint16_t rows, uint16_t cols,
             isa::VecOperand dst, isa::VecOperand src1,
             isa::VecOperand src2 = {}, float imm0 = 0.0f) {
  out.emit(makeVec(func, type, type, rows, cols, dst, src1, src2, imm0));
}

//===----------------------------------------------------------------------===//
// The GEMM tiling engine
//===----------------------------------------------------------------------===//

/// One tile of GEMM rows. Matrix products use rows [m0, m0 + rows);
/// convolutions a rectangle of the output pixel grid.
struct MTile {
  int64_t m0 = 0, rows = 0;
  int64_t oh0 = 0, nh = 1, ow0 = 0, nw = 1;
};

struct Plan {
  int64_t mCap = 0, nt = 0, kt = 0;
  bool nOuter = false;
  /// The first K tile is a quarter of the others, so that the first GEMM
  /// starts sooner (pipeline fill).
  bool ramp = false;
};

/// A constant weight in a packed format (WeightMatrix.h), and the tile
/// constants the layer has added to the binary so far. A TASD series has
/// one N:M matrix per term; a W tile then holds each term's packed tile in
/// turn, and the GEMM runs once per term into the same accumulator.
struct PackedWeights {
  /// Each term's packed tile starts at a multiple of this in wgt.
  static constexpr uint64_t kTermAlign = 64;

  std::vector<WeightMatrix> terms;
  std::string name;
  /// Per term, the DRAM address of each tile constant (and of its
  /// metadata's when its values are compressed), by (row, rows, k0, kt).
  std::vector<std::map<std::array<int64_t, 4>, std::array<uint64_t, 2>>>
      tiles;

  const WeightMatrix &front() const { return terms.front(); }
  /// K tiles must be multiples of every term's group.
  int64_t getKUnit() const {
    int64_t unit = 1;
    for (const WeightMatrix &t : terms)
      unit = std::lcm(unit, t.getKUnit());
    return unit;
  }
  /// Where term `j`'s part of W tile (row, nt, k0, kt) starts in the tile.
  uint64_t getTermOffset(size_t j, int64_t row, int64_t nt, int64_t k0,
                         int64_t kt) const {
    uint64_t offset = 0;
    for (size_t i = 0; i < j; ++i)
      offset += roundUp(terms[i].getSramBytes(row, nt, k0, kt), kTermAlign);
    return offset;
  }
  uint64_t getSramBytes(int64_t row, int64_t nt, int64_t k0,
                        int64_t kt) const {
    if (terms.size() == 1)
      return front().getSramBytes(row, nt, k0, kt);
    return getTermOffset(terms.size() - 1, row, nt, k0, kt) +
           terms.back().getSramBytes(row, nt, k0, kt);
  }
  uint64_t getNumNonZeros() const {
    uint64_t count = 0;
    for (const WeightMatrix &t : terms)
      count += t.getNumNonZeros();
    return count;
  }
  uint64_t getHash() const {
    llvm::hash_code hash = llvm::hash_value(terms.size());
    for (const WeightMatrix &t : terms)
      hash = llvm::hash_combine(hash, t.getHash());
    return uint64_t(size_t(hash));
  }
};

/// One GEMM problem and how to move its operands.
struct GemmProblem {
  DType dtype = DType::F32;
  int64_t M = 0, N = 0, K = 0;
  int8_t aZp = 0, wZp = 0;
  /// The share of the acc tile budget one accumulator tile may take (the
  /// rest holds what `finish` loads next to it).
  int64_t accShare = 1;
  /// M tiles of at most `mCap` rows for the plan's K tiles (`kTiles`, as
  /// splitK gives them) and W tiles of `nt` rows; empty when none fits.
  std::function<SmallVector<MTile>(
      int64_t mCap, ArrayRef<std::pair<int64_t, int64_t>> kTiles, int64_t nt)>
      tileM;
  /// Fills the A tile [tile.rows][kt] (row stride `ld`) at `addr` in act.
  std::function<void(Out &, const MTile &, int64_t k0, int64_t kt,
                     uint32_t addr, int64_t ld)>
      loadA;
  /// Fills the W tile [nt][kt] (row stride `ld`) at `addr` in wgt.
  std::function<void(Out &, int64_t n0, int64_t nt, int64_t k0, int64_t kt,
                     uint32_t addr, int64_t ld)>
      loadW;
  /// Packed weights instead of `loadW`: problem row n is row `packedRow + n`
  /// of the matrix.
  PackedWeights *packed = nullptr;
  int64_t packedRow = 0;
  /// TASD-A: each A tile is structured to this N:M pattern along K by
  /// STRUCT (ISA §4.6) before the GEMMs that declare it (n = 0: none).
  NMPattern actNM;
  /// Finishes the accumulator tile [tile.rows][nt] (row stride `ld`) at
  /// `acc`: bias, scaling, epilogue, store.
  std::function<void(Out &, const MTile &, int64_t n0, int64_t nt, uint32_t acc,
                     int64_t ld)>
      finish;
  /// Extra act bytes a tile needs besides A (an im2col patch); 0 if none.
  std::function<int64_t(const MTile &, int64_t k0, int64_t kt)> actExtra;
};

SmallVector<std::pair<int64_t, int64_t>> splitRange(int64_t total,
                                                    int64_t tile) {
  SmallVector<std::pair<int64_t, int64_t>> ranges;
  for (int64_t i = 0; i < total; i += tile)
    ranges.push_back({i, std::min(tile, total - i)});
  return ranges;
}

/// Row ranges of at most `cap` rows, balanced.
SmallVector<MTile> tileRows(int64_t total, int64_t cap) {
  SmallVector<MTile> tiles;
  if (cap < 1)
    return tiles;
  int64_t count = ceilDiv(total, cap);
  int64_t size = ceilDiv(total, count);
  for (int64_t m0 = 0; m0 < total; m0 += size) {
    MTile t;
    t.m0 = m0;
    t.rows = std::min(size, total - m0);
    t.nh = 1;
    t.nw = t.rows;
    tiles.push_back(t);
  }
  return tiles;
}

/// Rectangles of an MH x MW pixel grid with at most `cap` pixels: whole rows
/// when a row fits, else pieces of one row. Balanced.
SmallVector<MTile> tileGrid(int64_t mh, int64_t mw, int64_t cap) {
  SmallVector<MTile> tiles;
  if (cap < 1)
    return tiles;
  if (mw <= cap) {
    int64_t perTile = std::min(mh, cap / mw);
    int64_t count = ceilDiv(mh, perTile);
    perTile = ceilDiv(mh, count);
    for (int64_t j = 0; j < mh; j += perTile) {
      MTile t;
      t.oh0 = j;
      t.nh = std::min(perTile, mh - j);
      t.ow0 = 0;
      t.nw = mw;
      t.m0 = j * mw;
      t.rows = t.nh * t.nw;
      tiles.push_back(t);
    }
    return tiles;
  }
  int64_t count = ceilDiv(mw, cap);
  int64_t perTile = ceilDiv(mw, count);
  for (int64_t j = 0; j < mh; ++j)
    for (int64_t i = 0; i < mw; i += perTile) {
      MTile t;
      t.oh0 = j;
      t.nh = 1;
      t.ow0 = i;
      t.nw = std::min(perTile, mw - i);
      t.m0 = j * mw + i;
      t.rows = t.nw;
      tiles.push_back(t);
    }
  return tiles;
}

/// Splits an M tile into at most `parts` pieces of whole output rows (or of
/// one row), each with its row offset inside the tile.
SmallVector<std::pair<MTile, int64_t>> splitTile(const MTile &t,
                                                 int64_t parts) {
  SmallVector<std::pair<MTile, int64_t>> pieces;
  int64_t lines = t.nh > 1 ? t.nh : t.nw;
  parts = std::max<int64_t>(1, std::min(parts, lines));
  int64_t per = ceilDiv(lines, parts);
  for (int64_t l = 0; l < lines; l += per) {
    int64_t n = std::min(per, lines - l);
    MTile sub = t;
    int64_t offset;
    if (t.nh > 1) {
      sub.oh0 = t.oh0 + l;
      sub.nh = n;
      offset = l * t.nw;
    } else {
      sub.ow0 = t.ow0 + l;
      sub.nw = n;
      offset = l;
    }
    sub.m0 = t.m0 + offset;
    sub.rows = sub.nh * sub.nw;
    pieces.push_back({sub, offset});
  }
  return pieces;
}

/// The K granule of `p`'s tiles: the array depth, and a multiple of the
/// N:M group size for N:M weights.
int64_t getKUnit(const target::TargetDescription &t, const GemmProblem &p) {
  int64_t r = int64_t(t.getReductionDepth(p.dtype));
  if (p.packed)
    r = std::lcm(r, p.packed->getKUnit());
  return p.actNM.m ? std::lcm(r, p.actNM.m) : r;
}

/// The K ranges of `plan`: tiles of `plan.kt`, after a first quarter tile
/// when it ramps.
SmallVector<std::pair<int64_t, int64_t>>
splitK(const target::TargetDescription &t, const GemmProblem &p,
       const Plan &plan) {
  auto kTiles = splitRange(p.K, plan.kt);
  if (plan.ramp && kTiles.size() > 1) {
    int64_t r = getKUnit(t, p);
    int64_t first = std::max(r, plan.kt / 4 / r * r);
    kTiles = splitRange(p.K - first, plan.kt);
    for (auto &range : kTiles)
      range.first += first;
    kTiles.insert(kTiles.begin(), {0, first});
  }
  return kTiles;
}

/// The wgt bytes of W tile [n0, n0 + nt) x [k0, k0 + kt).
uint64_t getWTileBytes(const GemmProblem &p, int64_t n0, int64_t nt,
                       int64_t k0, int64_t kt) {
  if (p.packed)
    return p.packed->getSramBytes(p.packedRow + n0, nt, k0, kt);
  return uint64_t(nt) * kt * isa::elementSize(p.dtype);
}

/// The array passes of a GEMM of W tile [n0, n0 + nt) x [k0, k0 + kt).
uint64_t getGemmPasses(const target::TargetDescription &t, const GemmProblem &p,
                       int64_t n0, int64_t nt, int64_t k0, int64_t kt) {
  if (p.packed)
    return p.packed->front().getGemmPasses(p.packedRow + n0, nt, k0, kt);
  return t.getMatrixPasses(p.dtype, nt, kt);
}

/// Loads `bytes` contiguous bytes from DRAM.
void loadBytes(Out &out, Buffer buffer, uint32_t sram, uint64_t dram,
               uint64_t bytes) {
  constexpr uint64_t kChunk = 32768;
  if (uint64_t full = bytes / kChunk) {
    Box box;
    box.size = {int64_t(full), int64_t(kChunk)};
    box.dramStride = {int64_t(kChunk), 1};
    box.sramStride = {int64_t(kChunk), 1};
    out.emit(makeDma(true, buffer, DType::I8, sram, dram, box));
  }
  if (uint64_t rest = bytes % kChunk) {
    uint64_t done = bytes - rest;
    Box box;
    box.size = {int64_t(rest)};
    box.dramStride = {1};
    box.sramStride = {1};
    out.emit(makeDma(true, buffer, DType::I8, sram + uint32_t(done),
                     dram + done, box));
  }
}

/// Loads W tile [row, row + nt) x [k0, k0 + kt) of packed weights into wgt
/// at `sram`: the tile's constant (added to the binary on first use) as it
/// is for GEMM.NM and GEMM.SP, or decompressed to a dense tile of row
/// stride `ld` for GEMM. The terms of a TASD series follow each other.
void loadPackedTile(Out &out, PackedWeights &w, int64_t row, int64_t nt,
                    int64_t k0, int64_t kt, uint32_t sram, int64_t ld) {
  for (auto [j, matrix] : llvm::enumerate(w.terms)) {
    packing::Layout layout = matrix.getTileLayout(row, nt, k0, kt);
    bool compressed = matrix.compressesValues(row, nt, k0, kt);
    DType dtype = matrix.getDType();
    unsigned n = matrix.getN(), m = matrix.getM();
    uint64_t valuesPerRow =
        compressed ? packing::getNMValuesPerRow(uint64_t(kt), n, m) : 0;
    std::array<uint64_t, 2> dram = {0, 0};
    if (!out.dry) {
      auto [it, inserted] = w.tiles[j].insert({{row, nt, k0, kt}, {0, 0}});
      if (inserted) {
        std::string name =
            w.name + (w.terms.size() > 1 ? ".term" + std::to_string(j) : "") +
            ".tile" + std::to_string(row) + "_" + std::to_string(k0);
        if (compressed) {
          auto [values, meta] =
              llvm::cantFail(matrix.packCompressedTile(row, nt, k0, kt));
          it->second[0] = out.emitter.addConstant(
              name + ".values", dtype, uint32_t(nt), uint32_t(valuesPerRow),
              std::move(values), isa::Format::Bitmap);
          it->second[1] = out.emitter.addConstant(
              name + ".meta", DType::I8, uint32_t(nt),
              uint32_t(packing::getNMMetaBytesPerRow(kt, n, m)),
              std::move(meta));
        } else {
          it->second[0] = out.emitter.addConstant(
              name, dtype, uint32_t(nt), uint32_t(kt),
              llvm::cantFail(matrix.packTile(row, nt, k0, kt)),
              matrix.getFormat(), n, m);
        }
      }
      dram = it->second;
    }
    uint32_t at = sram + uint32_t(w.getTermOffset(j, row, nt, k0, kt));
    // A LOAD.DECOMP of the tile's rows, `cols` wide, to `at`.
    auto decompress = [&](isa::Format format, uint64_t cols,
                          uint64_t stride) {
      isa::LoadDecomp d;
      d.buffer = Buffer::Wgt;
      d.dtype = dtype;
      d.sramAddr = at;
      d.rows = uint16_t(nt);
      d.cols = uint16_t(cols);
      d.format = format;
      d.sramRowStride = uint32_t(stride);
      return d;
    };
    if (compressed) {
      // The values expand to the N:M values in place; the metadata follows
      // where GEMM.NM expects it.
      isa::LoadDecomp d =
          decompress(isa::Format::Bitmap, valuesPerRow, valuesPerRow);
      packing::Layout values =
          packing::getLayout(isa::Format::Bitmap, d.dtype, nt, valuesPerRow,
                             0, 0, matrix.countTileNonZeros(row, nt, k0, kt));
      d.dramMetaAddr = uint32_t(dram[0]);
      d.dramAddr = uint32_t(dram[0] + values.secondOffset);
      out.emit({isa::Opcode::LoadDecomp, 0, d}, values.secondBytes);
      loadBytes(out, Buffer::Wgt, at + uint32_t(layout.secondOffset), dram[1],
                layout.secondBytes);
      continue;
    }
    if (matrix.getEngine() != WeightMatrix::Engine::Decompress) {
      loadBytes(out, Buffer::Wgt, at, dram[0], layout.totalBytes);
      continue;
    }
    isa::LoadDecomp d = decompress(matrix.getFormat(), kt, ld);
    uint64_t valueBytes = 0;
    if (d.format == isa::Format::NM) {
      d.n = uint16_t(n);
      d.m = uint16_t(m);
      d.dramAddr = uint32_t(dram[0]);
      d.dramMetaAddr = uint32_t(dram[0] + layout.secondOffset);
    } else {
      d.dramMetaAddr = uint32_t(dram[0]);
      d.dramAddr = uint32_t(dram[0] + layout.secondOffset);
      valueBytes = layout.secondBytes;
    }
    out.emit({isa::Opcode::LoadDecomp, 0, d}, valueBytes);
  }
}

/// Points `g` (whose wgtAddr is the tile's) at the parts of term `term` of
/// a packed tile for GEMM.NM or GEMM.SP; returns its opcode.
isa::Opcode setPackedOperands(const GemmProblem &p, isa::Gemm &g, size_t term,
                              int64_t n0, int64_t nt, int64_t k0, int64_t kt) {
  if (!p.packed)
    return isa::Opcode::Gemm;
  const WeightMatrix &matrix = p.packed->terms[term];
  int64_t row = p.packedRow + n0;
  g.wgtAddr += uint32_t(p.packed->getTermOffset(term, row, nt, k0, kt));
  switch (matrix.getEngine()) {
  case WeightMatrix::Engine::Dense:
  case WeightMatrix::Engine::Decompress:
    return isa::Opcode::Gemm;
  case WeightMatrix::Engine::NM: {
    packing::Layout layout = matrix.getTileLayout(row, nt, k0, kt);
    unsigned n = matrix.getN(), m = matrix.getM();
    g.kind = isa::Gemm::Kind::NM;
    g.wN = uint16_t(n);
    g.wM = uint16_t(m);
    g.wgtRowStride = uint32_t(packing::getNMValuesPerRow(kt, n, m));
    g.metaAddr = g.wgtAddr + uint32_t(layout.secondOffset);
    g.metaRowStride = uint32_t(packing::getNMMetaBytesPerRow(kt, n, m));
    return isa::Opcode::GemmNM;
  }
  case WeightMatrix::Engine::Sparse: {
    packing::Layout layout = matrix.getTileLayout(row, nt, k0, kt);
    uint32_t base = g.wgtAddr;
    g.kind = isa::Gemm::Kind::Sparse;
    g.metaRowStride = base; // ptrAddr
    g.metaAddr = base + uint32_t(layout.secondOffset); // idxAddr
    g.wgtAddr = base + uint32_t(layout.thirdOffset);
    g.wgtRowStride = 0;
    return isa::Opcode::GemmSparse;
  }
  }
  llvm_unreachable("unknown engine");
}

/// Emits the whole problem with `plan`. Returns false when a tile does not
/// fit (the plan is then unusable).
bool runGemm(Out &out, const GemmProblem &p, const Plan &plan) {
  unsigned es = isa::elementSize(p.dtype);
  out.overflowed = false;
  auto kTiles = splitK(out.target, p, plan);
  SmallVector<MTile> mTiles = p.tileM(plan.mCap, kTiles, plan.nt);
  if (mTiles.empty())
    return false;
  auto nTiles = splitRange(p.N, plan.nt);
  if (p.packed)
    for (auto [n0, nt] : nTiles)
      for (auto [k0, kt] : kTiles)
        if (getWTileBytes(p, n0, nt, k0, kt) > out.budget(Buffer::Wgt))
          return false;
  out.forgetAll();

  auto getA = [&](int64_t mi, int64_t ki) {
    Out::Key key{1, mi, ki, 0};
    if (std::optional<uint32_t> addr = out.lookupCached(key))
      return *addr;
    const MTile &t = mTiles[mi];
    auto [k0, kt] = kTiles[ki];
    uint64_t bytes = uint64_t(t.rows) * kt * es;
    uint32_t addr = out.alloc(Buffer::Act, bytes);
    out.pin(Buffer::Act, addr, bytes);
    p.loadA(out, t, k0, kt, addr, kt);
    if (p.actNM.n) {
      // TASD-A: structure the tile in place; every GEMM of it declares it.
      isa::Struct st;
      st.buffer = Buffer::Act;
      st.dtype = p.dtype;
      st.rows = uint16_t(t.rows);
      st.cols = uint16_t(kt);
      st.n = uint16_t(p.actNM.n);
      st.m = uint16_t(p.actNM.m);
      st.srcAddr = st.dstAddr = addr;
      st.srcRowStride = st.dstRowStride = uint32_t(kt);
      out.emit({isa::Opcode::Struct, 0, st});
    }
    out.unpin(Buffer::Act, addr);
    out.remember(key, Buffer::Act, addr, bytes);
    return addr;
  };
  auto getW = [&](int64_t ni, int64_t ki) {
    Out::Key key{2, ni, ki, 0};
    if (std::optional<uint32_t> addr = out.lookupCached(key))
      return *addr;
    auto [n0, nt] = nTiles[ni];
    auto [k0, kt] = kTiles[ki];
    uint64_t bytes = getWTileBytes(p, n0, nt, k0, kt);
    uint32_t addr = out.alloc(Buffer::Wgt, bytes);
    if (p.packed)
      loadPackedTile(out, *p.packed, p.packedRow + n0, nt, k0, kt, addr, kt);
    else
      p.loadW(out, n0, nt, k0, kt, addr, kt);
    out.remember(key, Buffer::Wgt, addr, bytes);
    return addr;
  };

  // The steps in order: output tiles (M or N outer), and in each the K
  // tiles, snaking so that consecutive tiles share an operand tile.
  struct Step {
    int64_t mi, ni, ki;
    bool first, last;
    uint32_t a = 0, w = 0;
  };
  SmallVector<Step> steps;
  int64_t numK = kTiles.size();
  bool forward = true;
  auto addTile = [&](int64_t mi, int64_t ni) {
    for (int64_t s = 0; s < numK; ++s)
      steps.push_back(
          {mi, ni, forward ? s : numK - 1 - s, s == 0, s == numK - 1});
    forward = !forward;
  };
  if (plan.nOuter) {
    for (int64_t ni = 0; ni < int64_t(nTiles.size()); ++ni)
      for (int64_t mi = 0; mi < int64_t(mTiles.size()); ++mi)
        addTile(mi, ni);
  } else {
    for (int64_t mi = 0; mi < int64_t(mTiles.size()); ++mi)
      for (int64_t ni = 0; ni < int64_t(nTiles.size()); ++ni)
        addTile(mi, ni);
  }

  // Operands of step i + 1 are prepared right after the GEMM of step i and
  // before step i's tile is finished, so that the vector unit builds the
  // next A tile while the matrix unit runs and the finishing VECs do not
  // hold it up.
  auto prepare = [&](Step &step) {
    const MTile &t = mTiles[step.mi];
    step.a = getA(step.mi, step.ki);
    out.pin(Buffer::Act, step.a,
            uint64_t(t.rows) * kTiles[step.ki].second * es);
    step.w = getW(step.ni, step.ki);
    out.unpin(Buffer::Act, step.a);
  };
  prepare(steps.front());
  uint32_t acc = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    Step &step = steps[i];
    const MTile &t = mTiles[step.mi];
    auto [n0, nt] = nTiles[step.ni];
    if (step.first) {
      // The accumulator is taken only now, after the previous tile's
      // finish, so that one is pinned at a time.
      uint64_t bytes = uint64_t(t.rows) * nt * 4;
      out.pin(Buffer::Act, step.a,
              uint64_t(t.rows) * kTiles[step.ki].second * es);
      acc = out.alloc(Buffer::Acc, bytes);
      out.unpin(Buffer::Act, step.a);
      out.pin(Buffer::Acc, acc, bytes);
    }
    auto [k0, kt] = kTiles[step.ki];
    isa::Gemm g;
    g.kind = isa::Gemm::Kind::Dense;
    g.dtype = p.dtype;
    g.accumulate = !step.first;
    g.m = uint16_t(t.rows);
    g.n = uint16_t(nt);
    g.k = uint16_t(kt);
    g.aZeroPoint = p.aZp;
    g.wZeroPoint = p.wZp;
    g.actAddr = step.a;
    g.actRowStride = uint32_t(kt);
    g.wgtAddr = step.w;
    g.wgtRowStride = uint32_t(kt);
    g.accAddr = acc;
    g.accRowStride = uint32_t(nt);
    if (p.actNM.n) {
      g.actNM = true;
      g.actN = uint16_t(p.actNM.n);
      g.actM = uint16_t(p.actNM.m);
    }
    // One GEMM per term of a TASD series, all into the accumulator.
    size_t numTerms = p.packed ? p.packed->terms.size() : 1;
    SmallVector<std::pair<isa::Instruction, uint64_t>, 2> gemms;
    for (size_t j = 0; j < numTerms; ++j) {
      isa::Gemm term = g;
      term.accumulate = g.accumulate || j > 0;
      isa::Opcode opcode = setPackedOperands(p, term, j, n0, nt, k0, kt);
      uint64_t passes = opcode == isa::Opcode::GemmSparse
                            ? getGemmPasses(out.target, p, n0, nt, k0, kt)
                            : 0;
      gemms.push_back({{opcode, 0, term}, passes});
    }
    if (i + 1 == steps.size()) {
      // The last GEMM runs in row chunks, each finished (and stored) while
      // the next one computes: a shorter drain.
      int64_t r = int64_t(out.target.arrayRows) *
                  getMacsPerMultiplier(out.target, p.dtype);
      SmallVector<std::pair<MTile, int64_t>> chunks =
          splitTile(t, std::min<int64_t>(4, t.rows / (2 * r)));
      for (auto &[sub, offset] : chunks) {
        uint32_t accAddr = acc + uint32_t(offset * nt * 4);
        for (auto [inst, passes] : gemms) {
          isa::Gemm &part = inst.get<isa::Gemm>();
          part.m = uint16_t(sub.rows);
          part.actAddr = step.a + uint32_t(offset * kt * es);
          part.accAddr = accAddr;
          out.emit(inst, passes);
        }
        p.finish(out, sub, n0, nt, accAddr, nt);
      }
      out.unpin(Buffer::Acc, acc);
      break;
    }
    for (auto &[inst, passes] : gemms)
      out.emit(inst, passes);
    if (i + 1 < steps.size())
      prepare(steps[i + 1]);
    if (step.last) {
      p.finish(out, t, n0, nt, acc, nt);
      out.unpin(Buffer::Acc, acc);
    }
  }
  return !out.overflowed;
}

/// Tile counts to try along a dimension of `total` split into multiples of
/// `unit`: 1, 2, 3, ... then geometrically, up to one unit per tile.
SmallVector<int64_t> tileSizes(int64_t total, int64_t unit, int64_t limit) {
  SmallVector<int64_t> sizes;
  int64_t maxCount = ceilDiv(total, unit);
  for (int64_t count = 1; count <= maxCount;) {
    int64_t size = std::min(roundUp(ceilDiv(total, count), unit), total);
    if (size <= limit && (sizes.empty() || sizes.back() != size))
      sizes.push_back(size);
    count = count < 4 ? count + 1 : std::max(count + 1, count * 3 / 2);
  }
  if (sizes.empty() || sizes.back() != std::min(unit, total)) {
    int64_t size = std::min(unit, total);
    if (size <= limit)
      sizes.push_back(size);
  }
  // Sizes above the u16 limit are not tiles; make sure something fits.
  if (sizes.empty())
    sizes.push_back(std::min(limit, total));
  return sizes;
}

/// The plans worth trying for `p`.
SmallVector<Plan> candidatePlans(Emitter &emitter, const GemmProblem &p) {
  const target::TargetDescription &t = emitter.getTarget();
  unsigned es = isa::elementSize(p.dtype);
  int64_t r = int64_t(t.arrayRows) * getMacsPerMultiplier(t, p.dtype);
  int64_t c = t.arrayCols;
  int64_t actBudget = emitter.getTileBudget(Buffer::Act);
  int64_t wgtBudget = emitter.getTileBudget(Buffer::Wgt);
  int64_t accBudget = emitter.getTileBudget(Buffer::Acc) / p.accShare;
  SmallVector<Plan> plans;
  // The largest W tile of a tiling (packed tiles differ in size).
  auto wBytes = [&](int64_t nt, int64_t kt) {
    if (!p.packed)
      return nt * kt * es;
    uint64_t most = 0;
    for (auto [n0, n] : splitRange(p.N, nt))
      for (auto [k0, k] : splitRange(p.K, kt))
        most = std::max(most, getWTileBytes(p, n0, n, k0, k));
    return int64_t(most);
  };
  for (int64_t kt : tileSizes(p.K, getKUnit(t, p), kMaxU16)) {
    if (!p.packed && int64_t(std::min(c, p.N)) * kt * es > wgtBudget)
      continue;
    for (int64_t nt : tileSizes(p.N, c, kMaxU16)) {
      if (wBytes(nt, kt) > wgtBudget)
        continue;
      int64_t mCap = std::min<int64_t>(
          {kMaxU16, actBudget / (kt * es), accBudget / (nt * 4)});
      if (mCap < 1)
        continue;
      SmallVector<int64_t, 3> caps = {mCap};
      // Smaller tiles pipeline deeper.
      if (mCap / 2 >= std::min<int64_t>(r, p.M) && mCap < 2 * p.M)
        caps.push_back(mCap / 2);
      // A whole K of A resident across the N tiles.
      int64_t resident = actBudget / (p.K * es);
      if (resident >= std::min<int64_t>(r, p.M) && resident < mCap && kt < p.K)
        caps.push_back(resident);
      for (int64_t cap : caps)
        for (bool nOuter : {false, true}) {
          plans.push_back({cap, nt, kt, nOuter, false});
          if (kt < p.K && kt >= 2 * r)
            plans.push_back({cap, nt, kt, nOuter, true});
        }
    }
  }
  return plans;
}

/// The chosen problem (index into the candidates) and plan.
struct Choice {
  size_t index = 0;
  Plan plan;
  Estimate estimate;
};

/// The matrix cycles of `plan` on `p` without running it: the GEMM of every
/// (M, N, K) tile. runGemm issues these GEMMs (the last one in row chunks,
/// which costs more), so this is a lower bound of its time. Nothing when no
/// M tiling fits.
std::optional<uint64_t> matrixBound(const target::TargetDescription &t,
                                    const GemmProblem &p, const Plan &plan,
                                    ArrayRef<MTile> mTiles) {
  if (mTiles.empty())
    return std::nullopt;
  uint64_t r = t.getReductionDepth(p.dtype);
  uint64_t c = t.arrayCols;
  uint64_t rows = 0, passes = 0;
  for (const MTile &tile : mTiles)
    rows += std::max<uint64_t>(tile.rows, r);
  auto nTiles = splitRange(p.N, plan.nt);
  auto kTiles = splitK(t, p, plan);
  for (auto [n0, nt] : nTiles)
    for (auto [k0, kt] : kTiles)
      passes += getGemmPasses(t, p, n0, nt, k0, kt);
  uint64_t gemms = mTiles.size() * nTiles.size() * kTiles.size();
  return rows * passes + gemms * (r + c - 1);
}

/// The plans chosen so far, by planKey.
using PlanMemo = llvm::DenseMap<uint64_t, std::optional<Choice>>;

/// A key that tells the problems of two layers of the same shape (ResNet's
/// repeated blocks) apart from everything else: their dimensions, how many
/// plans they have, and the instructions (with DRAM addresses left out) of
/// dry runs of their first and last plans, which differ when the geometry,
/// the operand layout or the epilogue do.
uint64_t planKey(Emitter &emitter, Operation *op,
                 ArrayRef<const GemmProblem *> problems,
                 ArrayRef<SmallVector<Plan>> plans) {
  llvm::hash_code key = llvm::hash_value(problems.size());
  for (auto [p, candidates] : llvm::zip_equal(problems, plans)) {
    key = llvm::hash_combine(key, p->dtype, p->M, p->N, p->K, p->aZp, p->wZp,
                             p->accShare, candidates.size(),
                             p->packed ? p->packed->getHash() : 0,
                             p->packedRow, p->actNM.n, p->actNM.m);
    if (candidates.empty())
      continue;
    for (const Plan *plan : {&candidates.front(), &candidates.back()}) {
      Out dry(emitter, op, /*dry=*/true, /*timed=*/false);
      dry.fingerprint = llvm::hash_code(0);
      bool fits = runGemm(dry, *p, *plan);
      key = llvm::hash_combine(key, fits, *dry.fingerprint);
    }
  }
  return uint64_t(size_t(key));
}

/// Picks the (problem, plan) with the smallest timing estimate, best first:
/// every candidate starts with the matrix cycles as its lower bound; the
/// candidate with the smallest bound is refined, first to the unit sums of
/// an untimed dry run (a tighter lower bound), then to the time of a timed
/// one, until the smallest is a time: no other candidate can beat it. At
/// most kMaxTimed are timed. Nothing when no plan fits. Problems planned
/// before (planKey) get the same choice.
std::optional<Choice> choosePlan(Emitter &emitter, Operation *op,
                                 ArrayRef<const GemmProblem *> problems) {
  const target::TargetDescription &t = emitter.getTarget();
  SmallVector<SmallVector<Plan>> plans;
  for (const GemmProblem *p : problems)
    plans.push_back(candidatePlans(emitter, *p));
  PlanMemo &memo = emitter.getState<PlanMemo>();
  uint64_t key = planKey(emitter, op, problems, plans);
  if (auto it = memo.find(key); it != memo.end())
    return it->second;

  enum Stage : uint8_t { MatrixBound, UnitBound, Timed };
  struct Candidate {
    uint64_t bound;
    Stage stage;
    size_t seq;
    size_t index;
    Plan plan;
    /// Smallest bound first; at equal bounds, the most refined, then the
    /// first enumerated.
    bool operator>(const Candidate &o) const {
      return std::make_tuple(bound, -int(stage), seq) >
             std::make_tuple(o.bound, -int(o.stage), o.seq);
    }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
  // Different M caps often give the same tiles: keep one.
  std::set<std::vector<int64_t>> seen;
  size_t seq = 0;
  for (size_t i = 0; i < problems.size(); ++i)
    for (const Plan &plan : plans[i]) {
      SmallVector<MTile> mTiles = problems[i]->tileM(
          plan.mCap, splitK(t, *problems[i], plan), plan.nt);
      std::optional<uint64_t> bound =
          matrixBound(t, *problems[i], plan, mTiles);
      if (!bound)
        continue;
      std::vector<int64_t> key = {int64_t(i), plan.nt, plan.kt, plan.nOuter,
                                  plan.ramp};
      for (const MTile &tile : mTiles)
        key.insert(key.end(), {tile.m0, tile.rows, tile.oh0, tile.nh,
                               tile.ow0, tile.nw});
      if (!seen.insert(std::move(key)).second)
        continue;
      queue.push({*bound, MatrixBound, seq++, i, plan});
    }

  // Past this many timings, the bounds left are within a few percent of the
  // best time: on ResNet-50, timing up to 96 finds plans 0.7% faster in all
  // for twice the search.
  constexpr unsigned kMaxTimed = 32;
  unsigned timed = 0;
  std::optional<Choice> best;
  while (!queue.empty()) {
    Candidate c = queue.top();
    queue.pop();
    // The best time so far is no more than every bound left.
    if (c.stage == Timed)
      break;
    bool timing = c.stage == UnitBound;
    if (timing && timed == kMaxTimed)
      break;
    Out dry(emitter, op, /*dry=*/true, timing);
    if (!runGemm(dry, *problems[c.index], c.plan))
      continue;
    timed += timing;
    c.stage = timing ? Timed : UnitBound;
    c.bound = timing ? dry.est.total() : dry.est.bound();
    if (timing && (!best || c.bound < best->estimate.total()))
      best = Choice{c.index, c.plan, dry.est};
    queue.push(c);
  }
  LLVM_DEBUG(if (best) llvm::dbgs()
             << getNodeName(op) << ": variant " << best->index << " mCap "
             << best->plan.mCap << " nt " << best->plan.nt << " kt "
             << best->plan.kt << " nOuter " << best->plan.nOuter << " ramp "
             << best->plan.ramp << " est " << best->estimate.total()
             << " (load " << best->estimate.load << " dram "
             << best->estimate.dram << " matrix " << best->estimate.matrix
             << " vector " << best->estimate.vector << "), " << timed
             << " timed\n");
  memo[key] = best;
  return best;
}

/// Why no plan fits `p`: the scratchpad bytes its smallest tiles (one row
/// of A, one array pass of K and N) need against the tile budgets.
std::string describeSmallestTile(Emitter &emitter, const GemmProblem &p) {
  const target::TargetDescription &t = emitter.getTarget();
  int64_t es = isa::elementSize(p.dtype);
  int64_t k = std::min<int64_t>(p.K, int64_t(t.arrayRows) *
                                         getMacsPerMultiplier(t, p.dtype));
  int64_t n = std::min<int64_t>(p.N, t.arrayCols);
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "the smallest tiles (1 x " << k << " of A, " << n << " x " << k
     << " of W, 1 x " << n << " of C) need " << k * es << ", " << n * k * es
     << " and " << n * 4
     << " bytes; the tile budgets (half of each scratchpad) are "
     << emitter.getTileBudget(Buffer::Act) << " (act), "
     << emitter.getTileBudget(Buffer::Wgt) << " (wgt) and "
     << emitter.getTileBudget(Buffer::Acc) / p.accShare << " (acc)";
  return text;
}

//===----------------------------------------------------------------------===//
// Epilogue, bias and stores shared by the finishers
//===----------------------------------------------------------------------===//

/// A contraction whose int32 accumulators are requantized to int8 (a fused
/// QDQ group): out = sat8(rne(acc · multiplier[n]) + zero point), then
/// clamped to [lo, hi] (the quantized relu or clip).
struct Requant {
  int32_t zeroPoint = 0;
  float multiplier = 1.0f;            ///< per tensor
  std::optional<uint64_t> perChannel; ///< [N] f32 multipliers in DRAM
  int32_t lo = -128, hi = 127;
};

/// The context of one contraction layer.
struct Layer {
  Layer(Emitter &emitter, Operation *op, ArrayRef<Operation *> epilogue,
        DType type)
      : emitter(emitter), op(op), epilogue(epilogue), accType(type),
        outType(type) {}

  Emitter &emitter;
  Operation *op;
  ArrayRef<Operation *> epilogue;
  DType accType = DType::F32;       ///< f32 or i32
  DType outType = DType::F32;       ///< accType, or i8 when requantized
  std::optional<uint64_t> biasAddr; ///< [N] in accType, per output channel
  std::optional<Requant> requant;

  /// Whether an epilogue op takes a scratch tile of the accumulator's size
  /// from the acc ring (emitEpilogue allocates it itself): accumulator tiles
  /// then take a quarter of acc, so that the scratch cannot wrap onto them.
  bool needsScratch() const {
    return llvm::any_of(
        epilogue, [](Operation *ep) { return llvm::isa<spa::GeluOp>(ep); });
  }

  void applyEpilogue(Out &out, uint16_t rows, uint16_t cols,
                     isa::VecOperand tile) const {
    for (Operation *ep : epilogue) {
      if (out.dry) {
        // Cost only: one VEC per activation (tanh-GELU takes a few more).
        out.emit(makeVec(VecFunc::Relu, DType::F32, DType::F32, rows, cols,
                         tile, tile));
        continue;
      }
      emitEpilogue(out.emitter, ep, rows, cols, tile);
    }
  }

  /// Finishes an accumulator tile [rows][cols] (row stride `ld`, output
  /// channels from `n0`) after bias and scaling: the epilogue in place, or
  /// the requantization into a new int8 tile. Returns the address and row
  /// stride of what to store (in acc, of type outType).
  std::pair<uint32_t, int64_t> finishTile(Out &out, int64_t rows, int64_t cols,
                                          uint32_t acc, int64_t ld,
                                          int64_t n0) const {
    if (!requant) {
      applyEpilogue(out, uint16_t(rows), uint16_t(cols),
                    sramOperand(Buffer::Acc, acc, ld));
      return {acc, ld};
    }
    const Requant &q = *requant;
    isa::VecOperand scale;
    if (q.perChannel) {
      uint32_t at = out.alloc(Buffer::Acc, cols * 4);
      load2D(out, Buffer::Acc, DType::F32, at, *q.perChannel + n0 * 4, 1, cols,
             cols, 1, cols);
      scale = sramOperand(Buffer::Acc, at, 0, 1);
    }
    uint32_t dst = out.alloc(Buffer::Acc, rows * cols);
    isa::VecOperand tile = sramOperand(Buffer::Acc, dst, cols);
    out.emit(makeVec(VecFunc::Requant, DType::I32, DType::I8, uint16_t(rows),
                     uint16_t(cols), tile, sramOperand(Buffer::Acc, acc, ld),
                     scale, q.perChannel ? 0.0f : q.multiplier, 0.0f,
                     q.zeroPoint));
    if (q.lo > -128)
      out.emit(makeVec(VecFunc::Max, DType::I8, DType::I8, uint16_t(rows),
                       uint16_t(cols), tile, tile, {}, float(q.lo)));
    if (q.hi < 127)
      out.emit(makeVec(VecFunc::Min, DType::I8, DType::I8, uint16_t(rows),
                       uint16_t(cols), tile, tile, {}, float(q.hi)));
    return {dst, cols};
  }
};

/// Adds the per-column vector `bias[n0 .. n0 + nt)` (DRAM view of type
/// `accType`) to an accumulator tile.
void addBiasRow(Out &out, const Layer &layer, uint64_t biasAddr, int64_t n0,
                int64_t rows, int64_t nt, uint32_t acc, int64_t ld) {
  uint32_t b = out.alloc(Buffer::Acc, nt * 4);
  load2D(out, Buffer::Acc, layer.accType, b, biasAddr + n0 * 4, 1, nt, nt, 1,
         nt);
  isa::VecOperand tile = sramOperand(Buffer::Acc, acc, ld);
  emitVec(out, VecFunc::Add, layer.accType, uint16_t(rows), uint16_t(nt), tile,
          tile, sramOperand(Buffer::Acc, b, 0, 1));
}

//===----------------------------------------------------------------------===//
// Convolutions as implicit GEMMs
//===----------------------------------------------------------------------===//

/// One kernel tap: GEMM pixel (j, i) reads input (j·sh + offH, i·sw + offW).
struct Tap {
  int64_t offH = 0, offW = 0;
};

/// The implicit GEMM of one image and group of a convolution (or one phase
/// of a transposed one).
struct ConvGemm {
  DType dtype = DType::F32;
  // Input: the image's [C][H][W] at xAddr; this group reads channels
  // [cBase, cBase + cg).
  uint64_t xAddr = 0;
  int64_t C = 0, H = 0, W = 0, cBase = 0, cg = 0;
  SmallVector<Tap> taps;
  int64_t sh = 1, sw = 1;
  // GEMM pixel grid and where pixel (j, i) is stored: output (oy0 + j·osh,
  // ox0 + i·osw) of the image's [O][OH][OW] at yAddr, channels from oBase.
  int64_t mh = 0, mw = 0;
  uint64_t yAddr = 0;
  int64_t OH = 0, OW = 0, oBase = 0, oy0 = 0, ox0 = 0, osh = 1, osw = 1;
  uint32_t padBits = 0;
  int8_t aZp = 0, wZp = 0;
  bool explicitIm2col = false;
  /// Where explicit im2col puts the input patch.
  Buffer patchBuffer = Buffer::Act;
  /// The order of K: channel-major (k = c·T + t, ONNX's weight layout) or
  /// tap-major (k = t·cg + c), where groups of contiguous k run along the
  /// input channels, as N:M weights are grouped.
  bool tapMajor = false;

  int64_t numTaps() const { return taps.size(); }
  int64_t getK() const { return cg * numTaps(); }
  /// The K index of channel c of tap t, and the K distance between
  /// consecutive channels of one tap.
  int64_t kOf(int64_t c, int64_t t) const {
    return tapMajor ? t * cg + c : c * numTaps() + t;
  }
  int64_t channelStride() const { return tapMajor ? 1 : numTaps(); }
};

/// The channel range [lo, hi] of tap `t` inside K tile [k0, k0 + kt), if any.
std::optional<std::pair<int64_t, int64_t>>
tapChannels(const ConvGemm &g, int64_t t, int64_t k0, int64_t kt) {
  int64_t T = g.numTaps();
  int64_t lo, hi;
  if (g.tapMajor) {
    lo = std::max<int64_t>(0, k0 - t * g.cg);
    hi = std::min<int64_t>(g.cg - 1, k0 + kt - 1 - t * g.cg);
  } else {
    lo = std::max<int64_t>(0, ceilDivS(k0 - t, T));
    hi = std::min<int64_t>(g.cg - 1, floorDivS(k0 + kt - 1 - t, T));
  }
  if (lo > hi)
    return std::nullopt;
  return std::make_pair(lo, hi);
}

/// Direct im2col: one padded LOAD per tap.
void loadConvADirect(Out &out, const ConvGemm &g, const MTile &tile, int64_t k0,
                     int64_t kt, uint32_t addr, int64_t ld) {
  unsigned es = isa::elementSize(g.dtype);
  int64_t T = g.numTaps();
  for (int64_t t = 0; t < T; ++t) {
    auto channels = tapChannels(g, t, k0, kt);
    if (!channels)
      continue;
    auto [cLo, cHi] = *channels;
    int64_t col = g.kOf(cLo, t) - k0;
    PaddedBox box;
    box.base = g.xAddr;
    box.extent = {g.C, g.H, g.W};
    box.stride = {g.H * g.W, g.W, 1};
    box.origin = {g.cBase + cLo, tile.oh0 * g.sh + g.taps[t].offH,
                  tile.ow0 * g.sw + g.taps[t].offW};
    box.step = {1, g.sh, g.sw};
    box.size = {cHi - cLo + 1, tile.nh, tile.nw};
    box.sramStride = {g.channelStride(), tile.nw * ld, ld};
    loadPadded(out, Buffer::Act, g.dtype, addr + uint32_t(col * es), box,
               g.padBits);
  }
}

/// The input patch an M tile reads for channels [cLo, cHi]: rows
/// [h0, h0 + ph·hstep) every hstep, columns [w0, w0 + pw).
struct Patch {
  int64_t cLo = 0, cHi = -1, h0 = 0, ph = 0, hstep = 1, w0 = 0, pw = 0;
  int64_t channels() const { return cHi - cLo + 1; }
  int64_t elements() const { return channels() * ph * pw; }
};

Patch getPatch(const ConvGemm &g, const MTile &tile, int64_t k0, int64_t kt) {
  Patch p;
  p.cLo = INT64_MAX;
  p.cHi = INT64_MIN;
  for (int64_t t = 0; t < g.numTaps(); ++t)
    if (auto channels = tapChannels(g, t, k0, kt)) {
      p.cLo = std::min(p.cLo, channels->first);
      p.cHi = std::max(p.cHi, channels->second);
    }
  int64_t minH = INT64_MAX, maxH = INT64_MIN, minW = INT64_MAX,
          maxW = INT64_MIN;
  for (const Tap &t : g.taps) {
    minH = std::min(minH, t.offH);
    maxH = std::max(maxH, t.offH);
    minW = std::min(minW, t.offW);
    maxW = std::max(maxW, t.offW);
  }
  // Rows are read at oh·sh + offH: a progression of gcd(sh, offsets).
  int64_t step = g.sh;
  for (const Tap &t : g.taps)
    step = std::gcd(step, t.offH - minH);
  p.hstep = std::max<int64_t>(step, 1);
  p.h0 = tile.oh0 * g.sh + minH;
  int64_t hLast = (tile.oh0 + tile.nh - 1) * g.sh + maxH;
  p.ph = (hLast - p.h0) / p.hstep + 1;
  p.w0 = tile.ow0 * g.sw + minW;
  p.pw = (tile.ow0 + tile.nw - 1) * g.sw + maxW - p.w0 + 1;
  return p;
}

/// Explicit im2col: the patch into act, then one VEC COPY per tap and
/// row (or column, or channel: whichever has fewest).
void loadConvAExplicit(Out &out, const ConvGemm &g, const MTile &tile,
                       int64_t k0, int64_t kt, uint32_t addr, int64_t ld) {
  unsigned es = isa::elementSize(g.dtype);
  int64_t T = g.numTaps();
  Patch patch = getPatch(g, tile, k0, kt);
  uint64_t bytes = uint64_t(patch.elements()) * es;
  uint32_t at = out.alloc(g.patchBuffer, bytes);
  PaddedBox box;
  box.base = g.xAddr;
  box.extent = {g.C, g.H, g.W};
  box.stride = {g.H * g.W, g.W, 1};
  box.origin = {g.cBase + patch.cLo, patch.h0, patch.w0};
  box.step = {1, patch.hstep, 1};
  box.size = {patch.channels(), patch.ph, patch.pw};
  box.sramStride = {patch.ph * patch.pw, patch.pw, 1};
  loadPadded(out, g.patchBuffer, g.dtype, at, box, g.padBits);

  int64_t minH = INT64_MAX, minW = INT64_MAX;
  for (const Tap &t : g.taps) {
    minH = std::min(minH, t.offH);
    minW = std::min(minW, t.offW);
  }
  int64_t plane = patch.ph * patch.pw;
  int64_t rowStep = (g.sh / patch.hstep) * patch.pw; // patch elements per j
  for (int64_t t = 0; t < T; ++t) {
    auto channels = tapChannels(g, t, k0, kt);
    if (!channels)
      continue;
    auto [cLo, cHi] = *channels;
    int64_t cc = cHi - cLo + 1;
    // Patch element of (channel c, pixel j, i).
    int64_t srcBase = (cLo - patch.cLo) * plane +
                      ((g.taps[t].offH - minH) / patch.hstep) * patch.pw +
                      (g.taps[t].offW - minW);
    int64_t dstBase = g.kOf(cLo, t) - k0;
    int64_t dcStride = g.channelStride();
    // Three ways to cut the 3-D copy into 2-D ones.
    int64_t counts[3] = {tile.nh, tile.nw, cc};
    int which = int(std::min_element(counts, counts + 3) - counts);
    for (int64_t x = 0; x < counts[which]; ++x) {
      int64_t s, d, rows, cols, srs, scs, drs, dcs;
      if (which == 0) { // per row j: rows i, cols c
        s = srcBase + x * rowStep;
        d = dstBase + x * tile.nw * ld;
        rows = tile.nw, cols = cc;
        srs = g.sw, scs = plane, drs = ld, dcs = dcStride;
      } else if (which == 1) { // per column i: rows j, cols c
        s = srcBase + x * g.sw;
        d = dstBase + x * ld;
        rows = tile.nh, cols = cc;
        srs = rowStep, scs = plane, drs = tile.nw * ld, dcs = dcStride;
      } else { // per channel: rows j, cols i
        s = srcBase + x * plane;
        d = dstBase + x * dcStride;
        rows = tile.nh, cols = tile.nw;
        srs = rowStep, scs = g.sw, drs = tile.nw * ld, dcs = ld;
      }
      out.emit(makeVec(
          VecFunc::Copy, g.dtype, g.dtype, uint16_t(rows), uint16_t(cols),
          sramOperand(Buffer::Act, addr + uint32_t(d * es), drs, dcs),
          sramOperand(g.patchBuffer, at + uint32_t(s * es), srs, scs)));
    }
  }
}

/// Stores a finished tile [pixel][channel] (in acc, row stride `ld`) to
/// NCHW.
void storeConvTile(Out &out, const ConvGemm &g, DType outType,
                   const MTile &tile, int64_t n0, int64_t nt, uint32_t at,
                   int64_t ld) {
  Box box;
  box.size = {nt, tile.nh, tile.nw};
  box.dramStride = {g.OH * g.OW, g.osh * g.OW, g.osw};
  box.sramStride = {1, tile.nw * ld, ld};
  uint64_t dram = g.yAddr + uint64_t((g.oBase + n0) * g.OH * g.OW +
                                     (g.oy0 + tile.oh0 * g.osh) * g.OW +
                                     (g.ox0 + tile.ow0 * g.osw)) *
                                isa::elementSize(outType);
  out.emit(makeDma(false, Buffer::Acc, outType, at, dram, box));
}

/// What a convolution layer shares between its GEMMs.
struct ConvLayer : Layer {
  using Layer::Layer;
};

GemmProblem makeConvProblem(const ConvLayer &layer, const ConvGemm &g,
                            std::function<void(Out &, int64_t, int64_t, int64_t,
                                               int64_t, uint32_t, int64_t)>
                                loadW,
                            int64_t n) {
  GemmProblem p;
  p.accShare = layer.needsScratch() ? 2 : 1;
  p.actNM = spa::getActStructure(layer.op);
  p.dtype = g.dtype;
  p.aZp = g.aZp;
  p.wZp = g.wZp;
  p.M = g.mh * g.mw;
  p.N = n;
  p.K = g.getK();
  unsigned es = isa::elementSize(g.dtype);
  int64_t patchBudget = layer.emitter.getTileBudget(g.patchBuffer);
  p.tileM = [&g, es, patchBudget](
                int64_t mCap, ArrayRef<std::pair<int64_t, int64_t>> kTiles,
                int64_t nt) {
    if (!g.explicitIm2col)
      return tileGrid(g.mh, g.mw, mCap);
    // Shrink until the patch of every K tile fits next to the tile of its
    // buffer.
    for (int64_t cap = mCap; cap >= 1;) {
      SmallVector<MTile> tiles = tileGrid(g.mh, g.mw, cap);
      int64_t worst = 0;
      for (const MTile &t : tiles)
        for (auto [k0, k] : kTiles) {
          int64_t other = g.patchBuffer == Buffer::Act   ? t.rows * k * es
                          : g.patchBuffer == Buffer::Wgt ? nt * k * es
                                                         : t.rows * nt * 4;
          worst = std::max(worst, other + getPatch(g, t, k0, k).elements() *
                                              int64_t(es));
        }
      if (worst <= patchBudget)
        return tiles;
      cap = cap * 3 / 4;
    }
    return SmallVector<MTile>();
  };
  p.loadA = [&g](Out &out, const MTile &tile, int64_t k0, int64_t kt,
                 uint32_t addr, int64_t ld) {
    if (g.explicitIm2col)
      loadConvAExplicit(out, g, tile, k0, kt, addr, ld);
    else
      loadConvADirect(out, g, tile, k0, kt, addr, ld);
  };
  p.loadW = std::move(loadW);
  p.finish = [&g, &layer](Out &out, const MTile &tile, int64_t n0, int64_t nt,
                          uint32_t acc, int64_t ld) {
    if (layer.biasAddr)
      addBiasRow(out, layer, *layer.biasAddr, g.oBase + n0, tile.rows, nt, acc,
                 ld);
    auto [at, atLd] =
        layer.finishTile(out, tile.rows, nt, acc, ld, g.oBase + n0);
    storeConvTile(out, g, layer.outType, tile, n0, nt, at, atLd);
  };
  return p;
}

/// The strategies of a convolution GEMM: direct im2col, and explicit
/// im2col with the patch in each scratchpad. (In tap-major order a K tile
/// that straddles two taps reads every input channel of the patch; the
/// plan's M tiles shrink until it fits.)
SmallVector<ConvGemm, 4> getVariants(const ConvGemm &base) {
  SmallVector<ConvGemm, 4> variants(4, base);
  Buffer buffers[3] = {Buffer::Act, Buffer::Acc, Buffer::Wgt};
  for (int i = 0; i < 3; ++i) {
    variants[i + 1].explicitIm2col = true;
    variants[i + 1].patchBuffer = buffers[i];
  }
  return variants;
}

/// Dense rows of a row-major [rows][cols] weight matrix at `addr`.
auto denseWeightLoader(uint64_t addr, DType dtype, int64_t cols,
                       int64_t rowBase) {
  return [=](Out &out, int64_t n0, int64_t nt, int64_t k0, int64_t kt,
             uint32_t sram, int64_t ld) {
    unsigned es = isa::elementSize(dtype);
    load2D(out, Buffer::Wgt, dtype, sram,
           addr + uint64_t((rowBase + n0) * cols + k0) * es, nt, kt, cols, 1,
           ld);
  };
}

/// The zero tile an accumulator gets when a GEMM has no K (a transposed
/// convolution phase no tap reaches): filled from a constant.
void zeroAccTile(Out &out, DType accType, uint32_t acc, int64_t rows,
                 int64_t cols) {
  fillBox(out, Buffer::Acc, accType, acc, {rows, cols}, {cols, 1}, 0);
}

/// Runs a convolution GEMM with its best plan; `g` must outlive the call.
LogicalResult runConvGemm(Out &out, const ConvLayer &layer, const ConvGemm &g,
                          const GemmProblem &p, const Plan &plan) {
  if (p.K == 0) {
    // No tap: bias (or zero) and the epilogue on every tile.
    int64_t cap = std::max<int64_t>(
        1, std::min<int64_t>(kMaxU16, out.budget(Buffer::Acc) /
                                          (4 * std::max<int64_t>(1, p.N))));
    for (const MTile &tile : tileGrid(g.mh, g.mw, cap)) {
      uint32_t acc = out.alloc(Buffer::Acc, tile.rows * p.N * 4);
      out.pin(Buffer::Acc, acc, tile.rows * p.N * 4);
      zeroAccTile(out, layer.accType, acc, tile.rows, p.N);
      p.finish(out, tile, 0, p.N, acc, p.N);
      out.unpin(Buffer::Acc, acc);
    }
    return success();
  }
  if (!runGemm(out, p, plan))
    return emitNodeError(layer.op) << "internal error: a planned tile does "
                                      "not fit";
  return success();
}

//===----------------------------------------------------------------------===//
// Depthwise convolution on the vector unit
//===----------------------------------------------------------------------===//

/// y[c][j][i] = Σ_t x[c][j·sh + offH_t][i·sw + offW_t] · w[c][t] (+ b[c]).
/// Per channel tile and row tile: the padded input patch in act, the
/// weights [c][t] in wgt; per tap and output row one VEC MUL of the patch
/// window by the weight column (stride 0) into a product in acc, and one
/// VEC ADD into the running sum. The sum alternates between wgt and act so
/// that every operand of the MUL and the ADD streams from its own
/// scratchpad (CycleModel.md §4: the SRAM bandwidth of a buffer is shared
/// by the operands it holds).
struct DepthwiseVec {
  const ConvLayer &layer;
  ConvGemm g; ///< cg = 1, one tap list; cBase is the first channel
  int64_t channels = 0;
  uint64_t wAddr = 0; ///< [C][T] f32
  int64_t wRowStride = 0;

  struct Shape {
    int64_t cc = 0, rows = 0; ///< channels and output rows per tile
  };

  static Patch patchFor(const ConvGemm &g, int64_t j0, int64_t nh) {
    MTile tile;
    tile.oh0 = j0;
    tile.nh = nh;
    tile.ow0 = 0;
    tile.nw = g.mw;
    tile.rows = nh * g.mw;
    ConvGemm one = g;
    one.cg = 1;
    return getPatch(one, tile, 0, g.numTaps());
  }

  /// Emits every tile of one image.
  void run(Out &out, Shape shape) const {
    constexpr unsigned es = 4;
    int64_t T = g.numTaps();
    int64_t minH = INT64_MAX, minW = INT64_MAX;
    for (const Tap &t : g.taps) {
      minH = std::min(minH, t.offH);
      minW = std::min(minW, t.offW);
    }
    for (int64_t c0 = 0; c0 < channels; c0 += shape.cc) {
      int64_t cc = std::min(shape.cc, channels - c0);
      uint64_t wBytes = uint64_t(cc) * T * es;
      uint32_t w = out.alloc(Buffer::Wgt, wBytes);
      load2D(out, Buffer::Wgt, DType::F32, w,
             wAddr + uint64_t(c0) * wRowStride * es, cc, T, wRowStride, 1, T);
      out.pin(Buffer::Wgt, w, wBytes);
      uint32_t bias = 0;
      if (layer.biasAddr) {
        bias = out.alloc(Buffer::Acc, cc * es);
        load2D(out, Buffer::Acc, DType::F32, bias,
               *layer.biasAddr + uint64_t(g.oBase + c0) * es, 1, cc, cc, 1, cc);
        out.pin(Buffer::Acc, bias, cc * es);
      }
      for (int64_t j0 = 0; j0 < g.mh; j0 += shape.rows) {
        int64_t nh = std::min(shape.rows, g.mh - j0);
        int64_t rows = nh * g.mw;
        Patch patch = patchFor(g, j0, nh);
        uint64_t pBytes = uint64_t(cc) * patch.ph * patch.pw * es;
        uint32_t at = out.alloc(Buffer::Act, pBytes);
        out.pin(Buffer::Act, at, pBytes);
        PaddedBox box;
        box.base = g.xAddr;
        box.extent = {g.C, g.H, g.W};
        box.stride = {g.H * g.W, g.W, 1};
        box.origin = {g.cBase + c0, patch.h0, patch.w0};
        box.step = {1, patch.hstep, 1};
        box.size = {cc, patch.ph, patch.pw};
        box.sramStride = {patch.ph * patch.pw, patch.pw, 1};
        loadPadded(out, Buffer::Act, DType::F32, at, box, g.padBits);
        // Sums [c][j][i] in wgt and act, products in acc.
        uint64_t sBytes = uint64_t(cc) * rows * es;
        uint32_t sum[2], prod;
        sum[0] = out.alloc(Buffer::Wgt, sBytes);
        out.pin(Buffer::Wgt, sum[0], sBytes);
        sum[1] = T > 1 ? out.alloc(Buffer::Act, sBytes) : 0;
        if (T > 1)
          out.pin(Buffer::Act, sum[1], sBytes);
        prod = T > 1 ? out.alloc(Buffer::Acc, sBytes) : 0;
        if (T > 1)
          out.pin(Buffer::Acc, prod, sBytes);
        Buffer sumBuffer[2] = {Buffer::Wgt, Buffer::Act};
        int64_t plane = patch.ph * patch.pw;
        int64_t rowStep = (g.sh / patch.hstep) * patch.pw;
        int cur = 0;
        for (int64_t t = 0; t < T; ++t) {
          int64_t srcBase = ((g.taps[t].offH - minH) / patch.hstep) * patch.pw +
                            (g.taps[t].offW - minW);
          for (int64_t j = 0; j < nh; ++j) {
            isa::VecOperand src = sramOperand(
                Buffer::Act, at + uint32_t((srcBase + j * rowStep) * es), plane,
                g.sw);
            isa::VecOperand weight =
                sramOperand(Buffer::Wgt, w + uint32_t(t * es), T, 0);
            auto sumAt = [&](int which) {
              return sramOperand(sumBuffer[which],
                                 sum[which] + uint32_t(j * g.mw * es), rows, 1);
            };
            if (t == 0) {
              emitVec(out, VecFunc::Mul, DType::F32, uint16_t(cc),
                      uint16_t(g.mw), sumAt(0), src, weight);
              continue;
            }
            isa::VecOperand product = sramOperand(
                Buffer::Acc, prod + uint32_t(j * g.mw * es), rows, 1);
            emitVec(out, VecFunc::Mul, DType::F32, uint16_t(cc), uint16_t(g.mw),
                    product, src, weight);
            emitVec(out, VecFunc::Add, DType::F32, uint16_t(cc), uint16_t(g.mw),
                    sumAt(1 - cur), sumAt(cur), product);
          }
          if (t > 0)
            cur = 1 - cur;
        }
        out.unpin(Buffer::Act, at);
        if (T > 1) {
          out.unpin(Buffer::Acc, prod);
          out.unpin(sumBuffer[1 - cur], sum[1 - cur]);
        }
        // The result is sum[cur], [c][pixel].
        isa::VecOperand result = sramOperand(sumBuffer[cur], sum[cur], rows, 1);
        if (layer.biasAddr)
          emitVec(out, VecFunc::Add, DType::F32, uint16_t(cc), uint16_t(rows),
                  result, result, sramOperand(Buffer::Acc, bias, 1, 0));
        layer.applyEpilogue(out, uint16_t(cc), uint16_t(rows), result);
        Box store;
        store.size = {cc, nh, g.mw};
        store.dramStride = {g.OH * g.OW, g.osh * g.OW, g.osw};
        store.sramStride = {rows, g.mw, 1};
        uint64_t dram =
            g.yAddr + uint64_t((g.oBase + c0) * g.OH * g.OW +
                               (g.oy0 + j0 * g.osh) * g.OW + g.ox0) *
                          es;
        out.emit(
            makeDma(false, sumBuffer[cur], DType::F32, sum[cur], dram, store));
        out.unpin(sumBuffer[cur], sum[cur]);
      }
      out.unpin(Buffer::Wgt, w);
      if (layer.biasAddr)
        out.unpin(Buffer::Acc, bias);
    }
  }

  /// Candidate tile shapes that fit the budgets: as many channels as fit
  /// for a few row counts.
  SmallVector<Shape> shapes(Out &out) const {
    SmallVector<Shape> result;
    int64_t T = g.numTaps();
    int64_t act = out.budget(Buffer::Act), wgt = out.budget(Buffer::Wgt),
            acc = out.budget(Buffer::Acc);
    if (g.mw > kMaxU16)
      return result;
    for (int64_t rows = g.mh; rows >= 1; rows = rows / 2) {
      Patch patch = patchFor(g, 0, rows);
      int64_t pixels = rows * g.mw;
      if (pixels > kMaxU16)
        continue;
      int64_t perChannelAct = (patch.ph * patch.pw + pixels) * 4;
      int64_t perChannelWgt = (T + pixels) * 4;
      int64_t perChannelAcc = (pixels + 1) * 4;
      int64_t cc =
          std::min<int64_t>({channels, act / perChannelAct, wgt / perChannelWgt,
                             acc / perChannelAcc, kMaxU16});
      if (cc >= 1)
        result.push_back({cc, rows});
      // Enough channels to fill the lanes: fewer rows only pipeline.
      if (cc >= channels && result.size() >= 3)
        break;
    }
    return result;
  }
};

//===----------------------------------------------------------------------===//
// QDQ groups: dequantize -> float contraction -> quantize as an int8 GEMM
//===----------------------------------------------------------------------===//

/// The one value of a constant whose elements are all equal.
std::optional<double> getUniform(Value value) {
  std::optional<SmallVector<double>> values = readConstant(value);
  if (!values || values->empty())
    return std::nullopt;
  for (double v : *values)
    if (v != values->front())
      return std::nullopt;
  return values->front();
}

bool isInt8(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && getDType(type.getElementType()) == DType::I8;
}

/// A quantized operand or result: its int8 zero point and its scales, one
/// or one per channel along `axis`.
struct QuantParams {
  int32_t zeroPoint = 0;
  SmallVector<double> scales;
  double scale(int64_t n) const {
    return scales.size() == 1 ? scales.front() : scales[n];
  }
};

/// Reads constant scale/zero point pairs: per tensor, or per channel along
/// `channelAxis` of `rank` (with `channels` entries) when allowed.
std::optional<QuantParams> readQuantParams(Value scale, Value zeroPoint,
                                           int64_t axis, int64_t rank,
                                           std::optional<int64_t> channelAxis,
                                           int64_t channels) {
  std::optional<SmallVector<double>> scales = readConstant(scale);
  std::optional<double> zp = getUniform(zeroPoint);
  if (!scales || scales->empty() || !zp)
    return std::nullopt;
  QuantParams q;
  q.zeroPoint = int32_t(*zp);
  if (scales->size() > 1) {
    if (axis < 0)
      axis += rank;
    if (!channelAxis || axis != *channelAxis ||
        int64_t(scales->size()) != channels)
      return std::nullopt;
  }
  q.scales = std::move(*scales);
  return q;
}

/// A fused QDQ group around a float contraction.
struct Qdq {
  spa::DequantizeOp x, w;
  Value xInput, wInput;   ///< the int8 tensors
  spa::DequantizeOp bias; ///< a dequantized bias, if any
  spa::QuantizeOp y;
  QuantParams xq, wq, yq;
  SmallVector<double> biasValues; ///< float bias per output channel
  int32_t lo = -128, hi = 127;
};

/// Matches `op` (conv2d, matmul or gemm on f32) whose input and weight are
/// dequantized int8 tensors (the weight a constant), each used only by `op`,
/// whose bias is constant (or a dequantized constant), and whose result
/// reaches one spa.quantize to int8 through single-use relu or clip ops.
/// `inputOperand`, `weightOperand`: the operands; `n`: output channels;
/// `wAxis`, `yAxis`: the channel axes of the weight and the result.
std::optional<Qdq> matchQdq(Operation *op, Value input, Value weight,
                            Value bias, int64_t n, std::optional<int64_t> wAxis,
                            int64_t yAxis,
                            SmallVectorImpl<Operation *> *chain) {
  if (!cast<ShapedType>(op->getResult(0).getType()).getElementType().isF32())
    return std::nullopt;
  Qdq q;
  q.x = input.getDefiningOp<spa::DequantizeOp>();
  q.w = weight.getDefiningOp<spa::DequantizeOp>();
  if (!q.x || !q.w || !input.hasOneUse() || !weight.hasOneUse() ||
      !isInt8(q.x.getInput()) || !isInt8(q.w.getInput()) ||
      !readConstant(q.w.getInput()))
    return std::nullopt;
  q.xInput = q.x.getInput();
  q.wInput = q.w.getInput();
  auto xType = cast<RankedTensorType>(input.getType());
  auto wType = cast<RankedTensorType>(weight.getType());
  std::optional<QuantParams> xq =
      readQuantParams(q.x.getScale(), q.x.getZeroPoint(), q.x.getAxis(),
                      xType.getRank(), std::nullopt, 0);
  std::optional<QuantParams> wq =
      readQuantParams(q.w.getScale(), q.w.getZeroPoint(), q.w.getAxis(),
                      wType.getRank(), wAxis, n);
  if (!xq || !wq || xq->zeroPoint < -128 || xq->zeroPoint > 127 ||
      wq->zeroPoint < -128 || wq->zeroPoint > 127)
    return std::nullopt;
  q.xq = *xq;
  q.wq = *wq;
  if (bias) {
    std::optional<SmallVector<double>> values;
    if ((q.bias = bias.getDefiningOp<spa::DequantizeOp>())) {
      if (!bias.hasOneUse())
        return std::nullopt;
      std::optional<SmallVector<double>> raw = readConstant(q.bias.getInput());
      std::optional<SmallVector<double>> scale =
          readConstant(q.bias.getScale());
      std::optional<SmallVector<double>> zp =
          readConstant(q.bias.getZeroPoint());
      if (!raw || !scale || !zp)
        return std::nullopt;
      values.emplace();
      for (size_t i = 0; i < raw->size(); ++i) {
        size_t c = scale->size() == 1 ? 0 : i;
        if (c >= scale->size() || c >= zp->size())
          return std::nullopt;
        // DEQUANT: fl((x - zp) · scale).
        values->push_back(
            double(float(((*raw)[i] - (*zp)[c]) * double(float((*scale)[c])))));
      }
    } else {
      values = readConstant(bias);
    }
    if (!values || (values->size() != 1 && int64_t(values->size()) != n))
      return std::nullopt;
    q.biasValues.assign(n, 0.0);
    for (int64_t i = 0; i < n; ++i)
      q.biasValues[i] = (*values)[values->size() == 1 ? 0 : i];
  }
  // relu / clip, then the quantize.
  Value value = op->getResult(0);
  SmallVector<Operation *> ops;
  SmallVector<std::pair<double, double>> clamps;
  while (value.hasOneUse()) {
    Operation *user = *value.getUsers().begin();
    if (user->getOperand(0) != value)
      return std::nullopt;
    if (auto quantize = dyn_cast<spa::QuantizeOp>(user)) {
      if (!isInt8(quantize.getResult()))
        return std::nullopt;
      auto yType = cast<RankedTensorType>(value.getType());
      std::optional<QuantParams> yq =
          readQuantParams(quantize.getScale(), quantize.getZeroPoint(),
                          quantize.getAxis(), yType.getRank(), yAxis, n);
      if (!yq || yq->zeroPoint < -128 || yq->zeroPoint > 127)
        return std::nullopt;
      q.y = quantize;
      q.yq = *yq;
      ops.push_back(user);
      break;
    }
    if (llvm::isa<spa::ReluOp>(user)) {
      clamps.push_back({0.0, std::numeric_limits<double>::infinity()});
    } else if (auto clip = dyn_cast<spa::ClipOp>(user)) {
      clamps.push_back(
          {clip.getMin() ? clip.getMin()->convertToDouble()
                         : -std::numeric_limits<double>::infinity(),
           clip.getMax() ? clip.getMax()->convertToDouble()
                         : std::numeric_limits<double>::infinity()});
    } else {
      return std::nullopt;
    }
    ops.push_back(user);
    value = user->getResult(0);
  }
  if (!q.y)
    return std::nullopt;
  // quantize is monotonic: quantize(clamp(v)) = clamp(quantize(v)) with the
  // quantized bounds (exact for a per-tensor scale; 0 maps to the zero
  // point for any scale).
  for (auto [lo, hi] : clamps) {
    auto quantizeBound = [&](double v) -> std::optional<int32_t> {
      if (std::isinf(v))
        return v < 0 ? -128 : 127;
      if (v == 0.0)
        return q.yq.zeroPoint;
      if (q.yq.scales.size() != 1)
        return std::nullopt;
      double r = std::nearbyint(double(float(v) / float(q.yq.scales[0])));
      return int32_t(std::clamp(r + q.yq.zeroPoint, -128.0, 127.0));
    };
    std::optional<int32_t> l = quantizeBound(lo), h = quantizeBound(hi);
    if (!l || !h)
      return std::nullopt;
    q.lo = std::max(q.lo, *l);
    q.hi = std::min(q.hi, *h);
  }
  if (chain)
    chain->assign(ops.begin(), ops.end());
  return q;
}

/// The QDQ group of a contraction, with its operands and axes.
std::optional<Qdq> matchQdqOf(Operation *op,
                              SmallVectorImpl<Operation *> *chain) {
  if (auto conv = dyn_cast<spa::Conv2DOp>(op)) {
    int64_t n =
        cast<RankedTensorType>(conv.getWeight().getType()).getDimSize(0);
    return matchQdq(op, conv.getInput(), conv.getWeight(), conv.getBias(), n, 0,
                    1, chain);
  }
  if (auto matmul = dyn_cast<spa::MatMulOp>(op)) {
    auto rhs = cast<RankedTensorType>(matmul.getRhs().getType());
    auto out = cast<RankedTensorType>(matmul.getType());
    if (rhs.getRank() != 2)
      return std::nullopt;
    return matchQdq(op, matmul.getLhs(), matmul.getRhs(), Value(),
                    rhs.getDimSize(1), 1, out.getRank() - 1, chain);
  }
  if (auto gemm = dyn_cast<spa::GemmOp>(op)) {
    if (gemm.getAlpha().convertToFloat() != 1.0f)
      return std::nullopt;
    auto b = cast<RankedTensorType>(gemm.getB().getType());
    int64_t n = b.getDimSize(gemm.getTransB() ? 0 : 1);
    Value c = gemm.getC();
    if (c) {
      // Only a C that is one row (a bias) folds into the int32 bias.
      auto cType = cast<RankedTensorType>(c.getType());
      if (cType.getRank() == 2 && cType.getDimSize(0) != 1)
        return std::nullopt;
    }
    std::optional<Qdq> q = matchQdq(op, gemm.getA(), gemm.getB(), c, n,
                                    gemm.getTransB() ? 0 : 1, 1, chain);
    if (q && c) {
      float beta = gemm.getBeta().convertToFloat();
      for (double &v : q->biasValues)
        v = double(float(beta) * float(v));
    }
    return q;
  }
  return std::nullopt;
}

/// Sets up `layer` for a QDQ group: int32 accumulation, the int32 bias
/// round(bias / (s_x · s_w)) and the requantization multipliers
/// s_x · s_w / s_y as compile-time constants.
void setUpRequant(Emitter &emitter, Operation *op, const Qdq &q, int64_t n,
                  Layer &layer) {
  layer.accType = DType::I32;
  layer.outType = DType::I8;
  auto inScale = [&](int64_t c) { return q.xq.scale(0) * q.wq.scale(c); };
  if (!q.biasValues.empty()) {
    std::vector<uint8_t> data(n * 4);
    for (int64_t c = 0; c < n; ++c) {
      double v = std::nearbyint(q.biasValues[c] / inScale(c));
      int32_t i = int32_t(std::clamp(v, -2147483648.0, 2147483647.0));
      std::memcpy(&data[c * 4], &i, 4);
    }
    layer.biasAddr =
        emitter.addConstant(getNodeName(op) + ".bias_i32", DType::I32, 1,
                            uint32_t(n), std::move(data));
  }
  Requant r;
  r.zeroPoint = q.yq.zeroPoint;
  r.lo = q.lo;
  r.hi = q.hi;
  if (q.wq.scales.size() == 1 && q.yq.scales.size() == 1) {
    r.multiplier = float(inScale(0) / q.yq.scale(0));
  } else {
    std::vector<uint8_t> data(n * 4);
    for (int64_t c = 0; c < n; ++c) {
      float f = float(inScale(c) / q.yq.scale(c));
      std::memcpy(&data[c * 4], &f, 4);
    }
    r.perChannel = emitter.addConstant(getNodeName(op) + ".requant", DType::F32,
                                       1, uint32_t(n), std::move(data));
  }
  layer.requant = r;
}

//===----------------------------------------------------------------------===//
// Packed weights
//===----------------------------------------------------------------------===//

/// The storage format `spa-select-formats` chose for a constant weight, if
/// it is not dense.
spa::SparseEncodingAttr getSparseLayout(Value weight) {
  auto constant = weight.getDefiningOp<spa::ConstantOp>();
  if (!constant)
    return {};
  auto layout =
      constant->getAttrOfType<spa::SparseEncodingAttr>(spa::kLayoutAttrName);
  if (!layout || layout.getFormat() == spa::SparsityFormat::Dense)
    return {};
  return layout;
}

/// The view of `value` without adding a constant to the binary (its data
/// goes in as packed weights or transposed): a constant gets address 0.
FailureOr<View> describe(Emitter &emitter, Value value, Operation *user) {
  if (!value.getDefiningOp<spa::ConstantOp>())
    return emitter.lookup(value, user);
  auto type = cast<RankedTensorType>(value.getType());
  std::optional<DType> dtype = getDType(type.getElementType());
  if (!dtype)
    return emitter.lookup(value, user); // reports the error
  return View::contiguous(0, *dtype, type.getShape());
}

/// The weight W[N][K] of a contraction whose constant weight `weight` is
/// stored in `layout`, packed per tile: W[n][k] is element `index(n, k)` of
/// the constant. Checks that the data and the target fit the format.
FailureOr<std::unique_ptr<PackedWeights>>
getPackedWeights(Emitter &emitter, Operation *op, Value weight,
                 spa::SparseEncodingAttr layout, int64_t N, int64_t K,
                 int8_t wZp, function_ref<int64_t(int64_t, int64_t)> index) {
  const target::TargetDescription &t = emitter.getTarget();
  auto constant = weight.getDefiningOp<spa::ConstantOp>();
  std::optional<DType> dtype = getDType(constant.getType().getElementType());
  std::optional<spa::RawConstantData> raw =
      spa::getRawConstantData(constant.getValue());
  if (!dtype || *dtype == DType::I32 || !raw)
    return emitNodeError(op) << "weight stored as " << layout
                             << " must be a readable f32 or i8 constant";
  if (wZp != 0)
    return emitNodeError(op) << "weight stored as " << layout
                             << " needs weight zero point 0 (ISA §4.1), "
                                "not "
                             << int(wZp);
  isa::Format format;
  unsigned n = 0, m = 0;
  switch (layout.getFormat()) {
  case spa::SparsityFormat::NM:
    format = isa::Format::NM;
    n = unsigned(layout.getPatterns().front().n);
    m = unsigned(layout.getPatterns().front().m);
    if (K % m != 0)
      return emitNodeError(op) << "weight stored as " << layout
                               << " needs a reduction length that is a "
                                  "multiple of "
                               << m << ", not " << K;
    break;
  case spa::SparsityFormat::Bitmap:
    format = isa::Format::Bitmap;
    break;
  case spa::SparsityFormat::CSR:
    format = isa::Format::CSR;
    if (!t.findMode(target::MatrixMode::Kind::Unstructured))
      return emitNodeError(op) << "weight stored as " << layout
                               << ", but target '" << t.name
                               << "' has no unstructured matrix mode";
    break;
  case spa::SparsityFormat::TASD:
    format = isa::Format::NM;
    for (NMPattern p : layout.getPatterns()) {
      if (K % p.m != 0)
        return emitNodeError(op) << "weight stored as " << layout
                                 << " needs a reduction length that is a "
                                    "multiple of "
                                 << p.m << ", not " << K;
      if (!t.getNMStreamedLength(unsigned(p.n), unsigned(p.m), K))
        return emitNodeError(op)
               << "TASD term " << p.n << ":" << p.m << " of " << layout
               << " is not a pattern target '" << t.name
               << "' runs (GEMM.NM)";
    }
    break;
  default:
    return emitNodeError(op) << "weight layout " << layout
                             << " is not supported by the backend";
  }
  unsigned es = isa::elementSize(*dtype);
  std::vector<uint8_t> data(uint64_t(N) * K * es);
  for (int64_t r = 0; r < N; ++r)
    for (int64_t k = 0; k < K; ++k)
      std::memcpy(&data[(uint64_t(r) * K + k) * es],
                  raw->bytes.data() + (raw->isSplat ? 0 : index(r, k) * es),
                  es);
  auto packed = std::make_unique<PackedWeights>();
  packed->name = getNodeName(op) + ".w";
  if (layout.getFormat() == spa::SparsityFormat::TASD) {
    // Split W into its terms again (the decomposition of a TASD sum is the
    // sum's own, Tasd.h); every value must belong to one of them.
    std::optional<SmallVector<double>> constant = readConstant(weight);
    std::vector<double> values(uint64_t(N) * K);
    for (auto [i, v] : llvm::enumerate(values))
      v = (*constant)[index(int64_t(i) / K, int64_t(i) % K)];
    std::vector<int8_t> terms =
        tasd::decompose(values, {N, K}, 1, layout.getPatterns());
    for (auto [i, term] : llvm::enumerate(terms))
      if (term < 0 && values[i] != 0.0)
        return emitNodeError(op)
               << "weight stored as " << layout << " breaks it: row "
               << i / K << ", column " << i % K
               << " holds a value no term keeps";
    for (auto [j, p] : llvm::enumerate(layout.getPatterns())) {
      std::vector<uint8_t> part(data.size(), 0);
      for (auto [i, term] : llvm::enumerate(terms))
        if (term == int8_t(j))
          std::memcpy(&part[i * es], &data[i * es], es);
      packed->terms.emplace_back(t, *dtype, N, K, std::move(part), format,
                                 unsigned(p.n), unsigned(p.m));
    }
  } else {
    packed->terms.emplace_back(t, *dtype, N, K, std::move(data), format, n,
                               m);
    if (format == isa::Format::NM)
      for (int64_t r = 0; r < N; ++r)
        for (int64_t k0 = 0; k0 < K; k0 += m)
          if (uint32_t count = packed->front().countNonZeros(r, k0, m);
              count > n)
            return emitNodeError(op)
                   << "weight stored as " << layout << " breaks it: row " << r
                   << ", group " << k0 / m << " holds " << count
                   << " non-zeros";
  }
  packed->tiles.resize(packed->terms.size());
  return packed;
}

/// The fraction of W's values that are non-zero (1 for dense weights).
double getDensity(const PackedWeights *packed) {
  if (!packed)
    return 1.0;
  const WeightMatrix &m = packed->front();
  return double(packed->getNumNonZeros()) /
         double(std::max<int64_t>(m.getRows() * m.getCols(), 1));
}

/// The string, integer and float fields of `dict`.
llvm::json::Object toJSON(DictionaryAttr dict) {
  llvm::json::Object object;
  for (NamedAttribute field : dict) {
    StringRef name = field.getName().getValue();
    if (auto text = dyn_cast<StringAttr>(field.getValue()))
      object[name] = text.getValue();
    else if (auto number = dyn_cast<FloatAttr>(field.getValue()))
      object[name] = number.getValueAsDouble();
    else if (auto integer = dyn_cast<IntegerAttr>(field.getValue()))
      object[name] = integer.getInt();
  }
  return object;
}

/// Adds how the layer's constant weight W[N][K] is stored to its report
/// entry: format, engine, density, dense and stored bytes, and what the
/// layout passes recorded (why the format, how it was pruned, what the
/// channel permutation kept).
void noteWeights(Emitter &emitter, Value weight, const PackedWeights *packed,
                 int64_t N, int64_t K, DType dtype) {
  auto constant = weight.getDefiningOp<spa::ConstantOp>();
  if (!constant)
    return;
  llvm::json::Object &notes = emitter.getLayerNotes();
  uint64_t denseBytes = uint64_t(N) * K * isa::elementSize(dtype);
  notes["weight_bytes_dense"] = int64_t(denseBytes);
  if (packed) {
    const WeightMatrix &matrix = packed->front();
    uint64_t stored = 0;
    for (auto [term, tiles] : llvm::zip_equal(packed->terms, packed->tiles))
      for (const auto &[key, addr] : tiles)
        stored += term.getDramBytes(key[0], key[1], key[2], key[3]);
    std::string format;
    if (packed->terms.size() > 1) {
      format = "tasd " + tasd::formatSeries(llvm::to_vector(llvm::map_range(
                             packed->terms, [](const WeightMatrix &t) {
                               return NMPattern{t.getN(), t.getM()};
                             })));
    } else {
      format = matrix.getFormat() == isa::Format::NM
                   ? llvm::formatv("nm {0}:{1}", matrix.getN(), matrix.getM())
                         .str()
               : matrix.getFormat() == isa::Format::Bitmap ? "bitmap"
                                                           : "csr";
    }
    StringRef engine;
    switch (matrix.getEngine()) {
    case WeightMatrix::Engine::NM:
      engine = "GEMM.NM";
      break;
    case WeightMatrix::Engine::Sparse:
      engine = "GEMM.SP";
      break;
    default:
      engine = "LOAD.DECOMP+GEMM";
      break;
    }
    notes["format"] = format;
    notes["engine"] = engine;
    notes["weight_bytes_stored"] = int64_t(stored);
    notes["density"] = getDensity(packed);
  } else {
    notes["format"] = "dense";
    notes["engine"] = "GEMM";
    notes["weight_bytes_stored"] = int64_t(denseBytes);
    if (auto profile = constant->getAttrOfType<spa::SparsityProfileAttr>(
            spa::kSparsityAttrName))
      notes["density"] = profile.getDensity().convertToDouble();
  }
  if (auto reason =
          constant->getAttrOfType<StringAttr>(spa::kLayoutReasonAttrName))
    notes["format_reason"] = reason.getValue();
  if (auto pruned = constant->getAttrOfType<DictionaryAttr>(spa::kPrunedAttrName)) {
    if (auto pattern = pruned.getAs<StringAttr>("pattern"))
      notes["pruned"] = pattern.getValue();
    if (auto error = pruned.getAs<FloatAttr>("error"))
      notes["prune_error"] = error.getValueAsDouble();
  }
  if (auto permuted =
          constant->getAttrOfType<DictionaryAttr>(spa::kPermutedAttrName))
    notes["channel_permutation"] = toJSON(permuted);
  // TASD: the search's configuration and modelled figures, and the weight
  // error the decomposition left.
  for (Operation *user : weight.getUsers())
    if (auto config =
            user->getAttrOfType<DictionaryAttr>(spa::kTasdConfigAttrName)) {
      llvm::json::Object tasd = toJSON(config);
      if (auto applied =
              constant->getAttrOfType<DictionaryAttr>(spa::kTasdAttrName))
        tasd["weight_error"] =
            applied.getAs<FloatAttr>("error").getValueAsDouble();
      notes["tasd"] = std::move(tasd);
    }
}

/// Adds the plan's estimated cycles and matrix utilisation (useful MACs:
/// `macs` of the dense product times the weight density) to the layer's
/// report entry.
void noteEstimate(Emitter &emitter, uint64_t cycles, uint64_t macs,
                  DType dtype, const PackedWeights *packed) {
  const target::TargetDescription &t = emitter.getTarget();
  llvm::json::Object &notes = emitter.getLayerNotes();
  notes["estimated_cycles"] = int64_t(cycles);
  double peak = double(t.multipliers) * getMacsPerMultiplier(t, dtype);
  if (cycles)
    notes["estimated_utilization"] =
        double(macs) * getDensity(packed) / (peak * double(cycles));
}

//===----------------------------------------------------------------------===//
// conv2d
//===----------------------------------------------------------------------===//

/// The DRAM view of the layer's result (the last epilogue op's).
FailureOr<View> lookupResult(Emitter &emitter, Operation *op,
                             ArrayRef<Operation *> epilogue) {
  Value result =
      epilogue.empty() ? op->getResult(0) : epilogue.back()->getResult(0);
  return emitter.lookup(result, op);
}

/// The contraction's operand/result types, checked against the ISA.
LogicalResult checkTypes(Operation *op, DType in, DType w, DType out) {
  if (in == DType::F32 && w == DType::F32 && out == DType::F32)
    return success();
  if (in == DType::I8 && w == DType::I8 && out == DType::I32)
    return success();
  return emitNodeError(op) << "the matrix unit multiplies f32 x f32 -> f32 or "
                              "i8 x i8 -> i32 (ISA §4.1), not "
                           << isa::getName(in) << " x " << isa::getName(w)
                           << " -> " << isa::getName(out);
}

LogicalResult emitConv2D(Emitter &emitter, spa::Conv2DOp op,
                         ArrayRef<Operation *> epilogue,
                         const std::optional<Qdq> &qdq) {
  Value input = qdq ? qdq->xInput : op.getInput();
  Value weight = qdq ? qdq->wInput : op.getWeight();
  spa::SparseEncodingAttr layout = getSparseLayout(weight);
  FailureOr<View> x = emitter.lookup(input, op);
  FailureOr<View> w = layout ? describe(emitter, weight, op)
                             : emitter.lookup(weight, op);
  FailureOr<View> y = lookupResult(emitter, op, epilogue);
  if (failed(x) || failed(w) || failed(y))
    return failure();
  if (!qdq && failed(checkTypes(op, x->dtype, w->dtype,
                                epilogue.empty() ? y->dtype : DType::F32)))
    return failure();
  ConvLayer layer(emitter, op, epilogue, y->dtype);
  if (qdq) {
    setUpRequant(emitter, op, *qdq, w->shape[0], layer);
  } else if (Value bias = op.getBias()) {
    FailureOr<View> b = emitter.lookup(bias, op);
    if (failed(b))
      return failure();
    layer.biasAddr = b->addr;
  }

  int64_t batch = x->shape[0], C = x->shape[1], H = x->shape[2],
          W = x->shape[3];
  int64_t O = w->shape[0], cg = w->shape[1], KH = w->shape[2], KW = w->shape[3];
  int64_t OH = y->shape[2], OW = y->shape[3];
  int64_t groups = op.getGroups(), og = O / groups;
  ArrayRef<int64_t> s = op.getStrides(), pads = op.getPads(),
                    d = op.getDilations();
  emitter.countMacs(uint64_t(batch) * OH * OW * O * cg * KH * KW);

  ConvGemm base;
  base.dtype = x->dtype;
  if (qdq) {
    base.aZp = int8_t(qdq->xq.zeroPoint);
    base.wZp = int8_t(qdq->wq.zeroPoint);
    base.padBits = uint8_t(base.aZp);
  }
  // N:M groups (of weights, TASD terms and structured activations) run
  // along the input channels: K goes tap-major.
  int64_t T = KH * KW;
  // (With one tap both orders are the same.)
  base.tapMajor = ((layout && (layout.getFormat() == spa::SparsityFormat::NM ||
                               layout.getFormat() ==
                                   spa::SparsityFormat::TASD)) ||
                   spa::getActStructure(op).n) &&
                  T > 1;
  std::unique_ptr<PackedWeights> packed;
  if (layout) {
    FailureOr<std::unique_ptr<PackedWeights>> p = getPackedWeights(
        emitter, op, weight, layout, O, cg * T, base.wZp,
        [&](int64_t n, int64_t k) {
          int64_t c = base.tapMajor ? k % cg : k / T;
          int64_t t = base.tapMajor ? k / cg : k % T;
          return (n * cg + c) * T + t;
        });
    if (failed(p))
      return failure();
    packed = std::move(*p);
  }
  base.C = C, base.H = H, base.W = W, base.cg = cg;
  base.sh = s[0], base.sw = s[1];
  for (int64_t kh = 0; kh < KH; ++kh)
    for (int64_t kw = 0; kw < KW; ++kw)
      base.taps.push_back({kh * d[0] - pads[0], kw * d[1] - pads[1]});
  base.mh = OH, base.mw = OW;
  base.OH = OH, base.OW = OW;
  if (base.mh * base.mw == 0)
    return success();

  unsigned es = isa::elementSize(x->dtype);
  uint64_t imageIn = uint64_t(C) * H * W * es;
  uint64_t imageOut = uint64_t(O) * OH * OW * isa::elementSize(y->dtype);

  // Candidates: direct and explicit im2col on the matrix unit, and for
  // depthwise layers the vector unit.
  SmallVector<ConvGemm, 4> variants = getVariants(base);
  SmallVector<GemmProblem, 4> problems;
  for (ConvGemm &g : variants) {
    g.xAddr = x->addr;
    g.yAddr = y->addr;
    problems.push_back(makeConvProblem(
        layer, g, denseWeightLoader(w->addr, w->dtype, cg * KH * KW, 0), og));
    problems.back().packed = packed.get();
  }
  SmallVector<const GemmProblem *, 4> pointers;
  for (const GemmProblem &p : problems)
    pointers.push_back(&p);
  // Every group and image costs the same: plan one.
  std::optional<Choice> best = choosePlan(emitter, op, pointers);
  // (An epilogue with its own scratch tile could land on the pinned bias.)
  bool depthwise = cg == 1 && og == 1 && x->dtype == DType::F32 &&
                   !layer.needsScratch() && !packed;
  std::optional<DepthwiseVec::Shape> dwShape;
  DepthwiseVec dw{layer, base};
  if (depthwise) {
    dw.g.xAddr = x->addr;
    dw.g.yAddr = y->addr;
    dw.channels = C;
    dw.wAddr = w->addr;
    dw.wRowStride = KH * KW;
    Out probe(emitter, op, true);
    uint64_t bestVec = UINT64_MAX;
    for (DepthwiseVec::Shape shape : dw.shapes(probe)) {
      Out dry(emitter, op, true);
      dw.run(dry, shape);
      if (dry.est.total() < bestVec) {
        bestVec = dry.est.total();
        dwShape = shape;
      }
    }
    // The matrix candidates cost one group; the vector ones all channels.
    if (dwShape && best && bestVec >= best->estimate.total() * uint64_t(groups))
      dwShape.reset();
    if (dwShape)
      best.reset();
  }
  if (!best && !dwShape)
    return emitNodeError(op) << "cannot tile the convolution: "
                             << describeSmallestTile(emitter, problems[0]);

  uint64_t layerMacs = uint64_t(batch) * OH * OW * O * cg * KH * KW;
  noteEstimate(emitter,
               best ? best->estimate.total() * uint64_t(batch * groups) : 0,
               layerMacs, x->dtype, packed.get());
  Out out(emitter, op, /*dry=*/false);
  for (int64_t b = 0; b < batch; ++b) {
    if (dwShape) {
      DepthwiseVec image = dw;
      image.g.xAddr = x->addr + b * imageIn;
      image.g.yAddr = y->addr + b * imageOut;
      image.run(out, *dwShape);
      continue;
    }
    for (int64_t gi = 0; gi < groups; ++gi) {
      ConvGemm g = variants[best->index];
      g.xAddr = x->addr + b * imageIn;
      g.yAddr = y->addr + b * imageOut;
      g.cBase = gi * cg;
      g.oBase = gi * og;
      GemmProblem p = makeConvProblem(
          layer, g, denseWeightLoader(w->addr, w->dtype, cg * KH * KW, gi * og),
          og);
      p.packed = packed.get();
      p.packedRow = gi * og;
      if (failed(runConvGemm(out, layer, g, p, best->plan)))
        return failure();
    }
  }
  noteWeights(emitter, weight, packed.get(), O, cg * T, x->dtype);
  return success();
}

//===----------------------------------------------------------------------===//
// conv_transpose2d
//===----------------------------------------------------------------------===//

LogicalResult emitConvTranspose2D(Emitter &emitter, spa::ConvTranspose2DOp op,
                                  ArrayRef<Operation *> epilogue) {
  FailureOr<View> x = emitter.lookup(op.getInput(), op);
  FailureOr<View> w = emitter.lookup(op.getWeight(), op);
  FailureOr<View> y = lookupResult(emitter, op, epilogue);
  if (failed(x) || failed(w) || failed(y))
    return failure();
  if (failed(checkTypes(op, x->dtype, w->dtype,
                        epilogue.empty() ? y->dtype : DType::F32)))
    return failure();
  ConvLayer layer(emitter, op, epilogue, y->dtype);
  if (Value bias = op.getBias()) {
    FailureOr<View> b = emitter.lookup(bias, op);
    if (failed(b))
      return failure();
    layer.biasAddr = b->addr;
  }
  int64_t batch = x->shape[0], C = x->shape[1], H = x->shape[2],
          W = x->shape[3];
  int64_t og = w->shape[1], KH = w->shape[2], KW = w->shape[3];
  int64_t groups = op.getGroups(), cg = C / groups, O = og * groups;
  int64_t OH = y->shape[2], OW = y->shape[3];
  ArrayRef<int64_t> s = op.getStrides(), pads = op.getPads(),
                    d = op.getDilations();
  unsigned es = isa::elementSize(x->dtype);
  uint64_t imageIn = uint64_t(C) * H * W * es;
  uint64_t imageOut = uint64_t(O) * OH * OW * 4;
  std::optional<SmallVector<double>> constWeight = readConstant(op.getWeight());

  // Phase (ry, rx): outputs oy = ry + s·j take the taps kh with
  // (ry + pad - kh·d) ≡ 0 (mod s), reading input j + (ry + pad - kh·d)/s.
  struct Phase {
    ConvGemm g;
    SmallVector<std::pair<int64_t, int64_t>> taps; ///< (kh, kw)
    uint64_t wConst = 0; ///< [groups][og][cg·T] when the weight is constant
  };
  SmallVector<Phase, 4> phases;
  uint64_t macs = 0;
  for (int64_t ry = 0; ry < std::min(s[0], OH); ++ry)
    for (int64_t rx = 0; rx < std::min(s[1], OW); ++rx) {
      Phase ph;
      ConvGemm &g = ph.g;
      g.dtype = x->dtype;
      g.C = C, g.H = H, g.W = W, g.cg = cg;
      g.sh = g.sw = 1;
      for (int64_t kh = 0; kh < KH; ++kh) {
        int64_t a = ry + pads[0] - kh * d[0];
        if (floorDivS(a, s[0]) * s[0] != a)
          continue;
        for (int64_t kw = 0; kw < KW; ++kw) {
          int64_t bb = rx + pads[1] - kw * d[1];
          if (floorDivS(bb, s[1]) * s[1] != bb)
            continue;
          g.taps.push_back({a / s[0], bb / s[1]});
          ph.taps.push_back({kh, kw});
        }
      }
      g.mh = ceilDiv(OH - ry, s[0]);
      g.mw = ceilDiv(OW - rx, s[1]);
      g.OH = OH, g.OW = OW, g.oy0 = ry, g.ox0 = rx, g.osh = s[0], g.osw = s[1];
      macs += uint64_t(g.mh) * g.mw * og * g.getK() * groups * batch;
      int64_t T = g.numTaps();
      if (constWeight && T) {
        // W' [g][o][c·T + t] = W[g·cg + c][o][kh_t][kw_t].
        int64_t k = cg * T;
        std::vector<uint8_t> data(uint64_t(groups) * og * k * es);
        for (int64_t gi = 0; gi < groups; ++gi)
          for (int64_t o = 0; o < og; ++o)
            for (int64_t c = 0; c < cg; ++c)
              for (int64_t t = 0; t < T; ++t) {
                auto [kh, kw] = ph.taps[t];
                double v =
                    (*constWeight)[(((gi * cg + c) * og + o) * KH + kh) * KW +
                                   kw];
                uint8_t *dst =
                    &data[((gi * og + o) * k + c * T + t) * uint64_t(es)];
                if (es == 4) {
                  float f = float(v);
                  std::memcpy(dst, &f, 4);
                } else {
                  *dst = uint8_t(int8_t(v));
                }
              }
        ph.wConst = emitter.addConstant(
            getNodeName(op) + ".phase" + std::to_string(phases.size()),
            x->dtype, uint32_t(groups * og), uint32_t(k), std::move(data));
      }
      phases.push_back(std::move(ph));
    }
  emitter.countMacs(macs);

  auto weightLoader = [&](const Phase &ph, int64_t gi) {
    if (constWeight)
      return std::function<void(Out &, int64_t, int64_t, int64_t, int64_t,
                                uint32_t, int64_t)>(
          denseWeightLoader(ph.wConst, x->dtype, ph.g.getK(), gi * og));
    // W'[n][c·T + t] = W[gi·cg + c][n][kh][kw]: one strided DMA per tap.
    const Phase *phase = &ph;
    uint64_t wAddr = w->addr;
    DType dtype = w->dtype;
    return std::function<void(Out &, int64_t, int64_t, int64_t, int64_t,
                              uint32_t, int64_t)>([=](Out &out, int64_t n0,
                                                      int64_t nt, int64_t k0,
                                                      int64_t kt, uint32_t sram,
                                                      int64_t ld) {
      int64_t T = phase->g.numTaps();
      for (int64_t t = 0; t < T; ++t) {
        auto channels = tapChannels(phase->g, t, k0, kt);
        if (!channels)
          continue;
        auto [cLo, cHi] = *channels;
        auto [kh, kw] = phase->taps[t];
        Box box;
        box.size = {nt, cHi - cLo + 1};
        box.dramStride = {KH * KW, og * KH * KW};
        box.sramStride = {ld, phase->g.channelStride()};
        uint64_t dram =
            wAddr +
            uint64_t((((gi * cg + cLo) * og + n0) * KH + kh) * KW + kw) * es;
        out.emit(makeDma(true, Buffer::Wgt, dtype,
                         sram + uint32_t((phase->g.kOf(cLo, t) - k0) * es),
                         dram, box));
      }
    });
  };

  // Plan each phase once (direct im2col: the phases are stride-1 windows).
  Out out(emitter, op, /*dry=*/false);
  for (Phase &ph : phases) {
    if (ph.g.mh <= 0 || ph.g.mw <= 0)
      continue;
    ConvGemm plannedG = ph.g;
    plannedG.xAddr = x->addr;
    plannedG.yAddr = y->addr;
    SmallVector<ConvGemm, 4> variants = getVariants(plannedG);
    std::optional<Choice> best;
    if (ph.g.getK() > 0) {
      SmallVector<GemmProblem, 4> problems;
      for (const ConvGemm &g : variants)
        problems.push_back(makeConvProblem(layer, g, weightLoader(ph, 0), og));
      SmallVector<const GemmProblem *, 4> pointers;
      for (const GemmProblem &p : problems)
        pointers.push_back(&p);
      best = choosePlan(emitter, op, pointers);
    }
    if (ph.g.getK() > 0 && !best)
      return emitNodeError(op)
             << "cannot tile the transposed convolution: "
             << describeSmallestTile(
                    emitter,
                    makeConvProblem(layer, plannedG, weightLoader(ph, 0), og));
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t gi = 0; gi < groups; ++gi) {
        ConvGemm g = best ? variants[best->index] : plannedG;
        g.xAddr = x->addr + b * imageIn;
        g.yAddr = y->addr + b * imageOut;
        g.cBase = gi * cg;
        g.oBase = gi * og;
        GemmProblem p = makeConvProblem(layer, g, weightLoader(ph, gi), og);
        if (failed(runConvGemm(out, layer, g, p, best ? best->plan : Plan())))
          return failure();
      }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// matmul and gemm
//===----------------------------------------------------------------------===//

/// A 2-D operand in DRAM: element (r, c) at addr + es·(r·rowStride +
/// c·colStride).
struct Matrix {
  uint64_t addr = 0;
  int64_t rowStride = 0, colStride = 1;
};

/// What matmul and gemm share: A [M][K], W [N][K] (B transposed), the
/// output [M][N] (row stride N), and the finishing VECs.
struct MatrixGemm {
  DType dtype = DType::F32;
  int64_t M = 0, N = 0, K = 0;
  Matrix a, w, out;
  int8_t aZp = 0, wZp = 0;
  // gemm extras
  float alpha = 1.0f, beta = 1.0f;
  std::optional<View> c; ///< broadcast to [M][N]
};

GemmProblem makeMatrixProblem(const Layer &layer, const MatrixGemm &mg) {
  GemmProblem p;
  p.actNM = spa::getActStructure(layer.op);
  p.dtype = mg.dtype;
  p.aZp = mg.aZp;
  p.wZp = mg.wZp;
  p.M = mg.M, p.N = mg.N, p.K = mg.K;
  bool fullC = mg.c && mg.c->strides[0] != 0 && mg.c->strides[1] != 0;
  p.accShare = fullC || layer.needsScratch() ? 2 : 1;
  p.tileM = [&mg](int64_t mCap, ArrayRef<std::pair<int64_t, int64_t>>,
                  int64_t) {
    return tileRows(mg.M, mCap);
  };
  unsigned es = isa::elementSize(mg.dtype);
  p.loadA = [&mg, es](Out &out, const MTile &t, int64_t k0, int64_t kt,
                      uint32_t addr, int64_t ld) {
    load2D(out, Buffer::Act, mg.dtype, addr,
           mg.a.addr +
               uint64_t(t.m0 * mg.a.rowStride + k0 * mg.a.colStride) * es,
           t.rows, kt, mg.a.rowStride, mg.a.colStride, ld);
  };
  p.loadW = [&mg, es](Out &out, int64_t n0, int64_t nt, int64_t k0, int64_t kt,
                      uint32_t addr, int64_t ld) {
    load2D(out, Buffer::Wgt, mg.dtype, addr,
           mg.w.addr + uint64_t(n0 * mg.w.rowStride + k0 * mg.w.colStride) * es,
           nt, kt, mg.w.rowStride, mg.w.colStride, ld);
  };
  p.finish = [&mg, &layer](Out &out, const MTile &t, int64_t n0, int64_t nt,
                           uint32_t acc, int64_t ld) {
    isa::VecOperand tile = sramOperand(Buffer::Acc, acc, ld);
    uint16_t rows = uint16_t(t.rows), cols = uint16_t(nt);
    if (mg.alpha != 1.0f)
      emitVec(out, VecFunc::Mul, layer.accType, rows, cols, tile, tile, {},
              mg.alpha);
    if (mg.c && mg.beta != 0.0f) {
      const View &c = *mg.c;
      int64_t rs = c.strides[0], cs = c.strides[1];
      int64_t boxRows = rs ? t.rows : 1, boxCols = cs ? nt : 1;
      uint32_t at = out.alloc(Buffer::Acc, boxRows * boxCols * 4);
      load2D(out, Buffer::Acc, c.dtype, at,
             c.addr + uint64_t(t.m0 * rs + n0 * cs) * 4, boxRows, boxCols, rs,
             cs, boxCols);
      isa::VecOperand cOp =
          sramOperand(Buffer::Acc, at, rs ? boxCols : 0, cs ? 1 : 0);
      if (mg.beta != 1.0f) {
        // Scale the loaded (broadcast-free) box once.
        isa::VecOperand box = sramOperand(Buffer::Acc, at, boxCols, 1);
        emitVec(out, VecFunc::Mul, layer.accType, uint16_t(boxRows),
                uint16_t(boxCols), box, box, {}, mg.beta);
      }
      emitVec(out, VecFunc::Add, layer.accType, rows, cols, tile, tile, cOp);
    }
    if (layer.biasAddr)
      addBiasRow(out, layer, *layer.biasAddr, n0, t.rows, nt, acc, ld);
    auto [at, atLd] = layer.finishTile(out, t.rows, nt, acc, ld, n0);
    Box box;
    box.size = {t.rows, nt};
    box.dramStride = {mg.out.rowStride, 1};
    box.sramStride = {atLd, 1};
    out.emit(makeDma(false, Buffer::Acc, layer.outType, at,
                     mg.out.addr + uint64_t(t.m0 * mg.out.rowStride + n0) *
                                       isa::elementSize(layer.outType),
                     box));
  };
  return p;
}

/// Compile-time W = B^T for a constant B [batch][K][N]: [batch][N][K].
uint64_t transposeConstant(Emitter &emitter, Operation *op, Value value,
                           DType dtype, int64_t batch, int64_t k, int64_t n) {
  std::optional<SmallVector<double>> values = readConstant(value);
  unsigned es = isa::elementSize(dtype);
  std::vector<uint8_t> data(uint64_t(batch) * n * k * es);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double v = (*values)[(b * k + i) * n + j];
        uint8_t *dst = &data[((b * n + j) * k + i) * uint64_t(es)];
        if (dtype == DType::F32) {
          float f = float(v);
          std::memcpy(dst, &f, 4);
        } else {
          *dst = uint8_t(int8_t(v));
        }
      }
  return emitter.addConstant(getNodeName(op) + ".transposed", dtype,
                             uint32_t(batch * n), uint32_t(k), std::move(data));
}

/// Plans `mg` and emits it (the same plan for each of `instances`, given
/// by their operand addresses).
LogicalResult runMatrixGemms(Emitter &emitter, const Layer &layer,
                             MatrixGemm proto,
                             ArrayRef<std::array<uint64_t, 3>> instances,
                             PackedWeights *packed = nullptr) {
  if (proto.M == 0 || proto.N == 0)
    return success();
  GemmProblem p = makeMatrixProblem(layer, proto);
  p.packed = packed;
  if (proto.K == 0)
    return emitNodeError(layer.op) << "has an empty contracting dimension";
  std::optional<Choice> plan = choosePlan(emitter, layer.op, {&p});
  if (!plan)
    return emitNodeError(layer.op)
           << "cannot tile the product: " << describeSmallestTile(emitter, p);
  noteEstimate(emitter, plan->estimate.total() * instances.size(),
               uint64_t(proto.M) * proto.N * proto.K * instances.size(),
               proto.dtype, packed);
  Out out(emitter, layer.op, /*dry=*/false);
  for (const auto &addrs : instances) {
    MatrixGemm mg = proto;
    mg.a.addr = addrs[0];
    mg.w.addr = addrs[1];
    mg.out.addr = addrs[2];
    GemmProblem q = makeMatrixProblem(layer, mg);
    q.packed = packed;
    if (!runGemm(out, q, plan->plan))
      return emitNodeError(layer.op) << "internal error: a planned tile does "
                                        "not fit";
  }
  return success();
}

LogicalResult emitMatMul(Emitter &emitter, spa::MatMulOp op,
                         ArrayRef<Operation *> epilogue,
                         const std::optional<Qdq> &qdq) {
  Value lhsValue = qdq ? qdq->xInput : op.getLhs();
  Value rhsValue = qdq ? qdq->wInput : op.getRhs();
  FailureOr<View> lhs = emitter.lookup(lhsValue, op);
  // A constant rhs goes in transposed or packed, not as it is.
  FailureOr<View> rhs = describe(emitter, rhsValue, op);
  FailureOr<View> y = lookupResult(emitter, op, epilogue);
  if (failed(lhs) || failed(rhs) || failed(y))
    return failure();
  if (!qdq && failed(checkTypes(op, lhs->dtype, rhs->dtype,
                                epilogue.empty() ? y->dtype : DType::F32)))
    return failure();
  Layer layer(emitter, op, epilogue, y->dtype);
  if (qdq)
    setUpRequant(emitter, op, *qdq, rhs->shape.back(), layer);

  SmallVector<int64_t> ls(lhs->shape.begin(), lhs->shape.end()),
      rs(rhs->shape.begin(), rhs->shape.end());
  if (ls.size() == 1)
    ls.insert(ls.begin(), 1);
  if (rs.size() == 1)
    rs.push_back(1);
  int64_t M = ls[ls.size() - 2], K = ls.back(), N = rs.back();
  SmallVector<int64_t> lb(ls.begin(), ls.end() - 2),
      rb(rs.begin(), rs.end() - 2);
  size_t rank = std::max(lb.size(), rb.size());
  SmallVector<int64_t> batchShape(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t l = i + lb.size() >= rank ? lb[i + lb.size() - rank] : 1;
    int64_t r = i + rb.size() >= rank ? rb[i + rb.size() - rank] : 1;
    batchShape[i] = std::max(l, r);
  }
  int64_t batch = 1, rhsBatch = 1;
  for (int64_t e : batchShape)
    batch *= e;
  for (int64_t e : rb)
    rhsBatch *= e;
  emitter.countMacs(uint64_t(batch) * M * N * K);
  unsigned es = isa::elementSize(lhs->dtype);

  // W: packed weights, the constant transposed once, or the rhs read with
  // transposing strides.
  int8_t wZp = qdq ? int8_t(qdq->wq.zeroPoint) : 0;
  spa::SparseEncodingAttr layout =
      rhsBatch == 1 ? getSparseLayout(rhsValue) : spa::SparseEncodingAttr();
  std::unique_ptr<PackedWeights> packed;
  if (layout) {
    FailureOr<std::unique_ptr<PackedWeights>> p = getPackedWeights(
        emitter, op, rhsValue, layout, N, K, wZp,
        [&](int64_t n, int64_t k) { return k * N + n; });
    if (failed(p))
      return failure();
    packed = std::move(*p);
  }
  uint64_t wBase = rhs->addr;
  Matrix wm{0, 1, N};
  if (packed) {
    wm = {0, K, 1};
  } else if (N == 1) {
    wm = {0, K, 1}; // [K][1] is already [1][K]
    if (failed(rhs = emitter.lookup(rhsValue, op)))
      return failure();
    wBase = rhs->addr;
  } else if (readConstant(rhsValue)) {
    wBase =
        transposeConstant(emitter, op, rhsValue, rhs->dtype, rhsBatch, K, N);
    wm = {0, K, 1};
  }

  // Strides of each operand's batch index.
  auto batchStrides = [&](ArrayRef<int64_t> b, int64_t matrix) {
    SmallVector<int64_t> strides(rank, 0);
    int64_t stride = matrix;
    for (int64_t i = int64_t(b.size()) - 1; i >= 0; --i) {
      size_t at = rank - b.size() + i;
      strides[at] = b[i] == 1 ? 0 : stride;
      stride *= b[i];
    }
    return strides;
  };
  SmallVector<int64_t> lStrides = batchStrides(lb, M * K);
  SmallVector<int64_t> rStrides = batchStrides(rb, K * N);

  MatrixGemm mg;
  mg.dtype = lhs->dtype;
  mg.M = M, mg.N = N, mg.K = K;
  mg.a = {0, K, 1};
  mg.w = wm;
  if (qdq) {
    mg.aZp = int8_t(qdq->xq.zeroPoint);
    mg.wZp = int8_t(qdq->wq.zeroPoint);
  }
  mg.out = {0, N, 1};

  // A rhs shared by every batch and a dense lhs: one GEMM of batch·M rows.
  bool shared = llvm::all_of(rStrides, [](int64_t s) { return s == 0; });
  bool lhsFull =
      llvm::all_of(lStrides, [](int64_t s) { return s != 0; }) || batch == 1;
  auto finish = [&](LogicalResult result) {
    if (succeeded(result) && rhsBatch == 1)
      noteWeights(emitter, rhsValue, packed.get(), N, K, rhs->dtype);
    return result;
  };
  if (shared && lhsFull) {
    mg.M = batch * M;
    return finish(runMatrixGemms(emitter, layer, mg,
                                 {{lhs->addr, wBase, y->addr}}, packed.get()));
  }
  SmallVector<std::array<uint64_t, 3>> instances;
  SmallVector<int64_t> index(rank, 0);
  for (int64_t bi = 0; bi < batch; ++bi) {
    int64_t lOff = 0, rOff = 0;
    for (size_t i = 0; i < rank; ++i) {
      lOff += index[i] * lStrides[i];
      rOff += index[i] * rStrides[i];
    }
    instances.push_back(
        {lhs->addr + uint64_t(lOff) * es, wBase + uint64_t(rOff) * es,
         y->addr + uint64_t(bi) * M * N * isa::elementSize(y->dtype)});
    for (int64_t i = int64_t(rank) - 1; i >= 0; --i) {
      if (++index[i] < batchShape[i])
        break;
      index[i] = 0;
    }
  }
  return finish(runMatrixGemms(emitter, layer, mg, instances, packed.get()));
}

LogicalResult emitGemm(Emitter &emitter, spa::GemmOp op,
                       ArrayRef<Operation *> epilogue,
                       const std::optional<Qdq> &qdq) {
  Value aValue = qdq ? qdq->xInput : op.getA();
  Value bValue = qdq ? qdq->wInput : op.getB();
  FailureOr<View> a = emitter.lookup(aValue, op);
  // A constant B goes in transposed or packed, not as it is.
  FailureOr<View> b = describe(emitter, bValue, op);
  FailureOr<View> y = lookupResult(emitter, op, epilogue);
  if (failed(a) || failed(b) || failed(y))
    return failure();
  if (!qdq && failed(checkTypes(op, a->dtype, b->dtype,
                                epilogue.empty() ? y->dtype : DType::F32)))
    return failure();
  Layer layer(emitter, op, epilogue, y->dtype);
  bool ta = op.getTransA(), tb = op.getTransB();
  int64_t M = ta ? a->shape[1] : a->shape[0];
  int64_t K = ta ? a->shape[0] : a->shape[1];
  int64_t N = tb ? b->shape[0] : b->shape[1];
  emitter.countMacs(uint64_t(M) * N * K);

  MatrixGemm mg;
  mg.dtype = a->dtype;
  mg.M = M, mg.N = N, mg.K = K;
  mg.a = ta ? Matrix{0, 1, M} : Matrix{0, K, 1};
  int8_t wZp = qdq ? int8_t(qdq->wq.zeroPoint) : 0;
  std::unique_ptr<PackedWeights> packed;
  if (spa::SparseEncodingAttr layout = getSparseLayout(bValue)) {
    FailureOr<std::unique_ptr<PackedWeights>> p = getPackedWeights(
        emitter, op, bValue, layout, N, K, wZp, [&](int64_t n, int64_t k) {
          return tb ? n * K + k : k * N + n;
        });
    if (failed(p))
      return failure();
    packed = std::move(*p);
  }
  bool transposing = !packed && !tb && N != 1 && readConstant(bValue);
  if (!packed && !transposing && failed(b = emitter.lookup(bValue, op)))
    return failure();
  uint64_t wBase = b->addr;
  if (packed || tb) {
    mg.w = {0, K, 1};
  } else if (N == 1) {
    mg.w = {0, K, 1}; // [K][1]: W[0][k] = B[k][0]
  } else if (transposing) {
    wBase = transposeConstant(emitter, op, bValue, b->dtype, 1, K, N);
    mg.w = {0, K, 1};
  } else {
    mg.w = {0, 1, N};
  }
  mg.out = {0, N, 1};
  if (qdq) {
    // alpha is 1 and C is folded into the int32 bias.
    mg.aZp = int8_t(qdq->xq.zeroPoint);
    mg.wZp = int8_t(qdq->wq.zeroPoint);
    setUpRequant(emitter, op, *qdq, N, layer);
    LogicalResult result = runMatrixGemms(
        emitter, layer, mg, {{a->addr, wBase, y->addr}}, packed.get());
    if (succeeded(result))
      noteWeights(emitter, bValue, packed.get(), N, K, b->dtype);
    return result;
  }
  mg.alpha = op.getAlpha().convertToFloat();
  mg.beta = op.getBeta().convertToFloat();
  if (Value c = op.getC()) {
    FailureOr<View> cv = emitter.lookup(c, op);
    if (failed(cv))
      return failure();
    if (cv->dtype != layer.accType)
      return emitNodeError(op) << "C must have the result's element type";
    View bc = cv->broadcastTo({M, N});
    mg.c = bc;
    if (layer.accType != DType::F32 && (mg.alpha != 1.0f || mg.beta != 1.0f))
      return emitNodeError(op) << "integer gemm takes alpha = beta = 1 only";
  } else if (layer.accType != DType::F32 && mg.alpha != 1.0f) {
    return emitNodeError(op) << "integer gemm takes alpha = 1 only";
  }
  LogicalResult result = runMatrixGemms(
      emitter, layer, mg, {{a->addr, wBase, y->addr}}, packed.get());
  if (succeeded(result))
    noteWeights(emitter, bValue, packed.get(), N, K, b->dtype);
  return result;
}

} // namespace

bool codegen::matchQuantizedContraction(
    Operation *op, SmallVectorImpl<Operation *> &prologue,
    SmallVectorImpl<Operation *> &epilogue) {
  std::optional<Qdq> q = matchQdqOf(op, &epilogue);
  if (!q)
    return false;
  prologue.clear();
  prologue.push_back(q->x);
  prologue.push_back(q->w);
  if (q->bias)
    prologue.push_back(q->bias);
  return true;
}

LogicalResult codegen::emitContraction(Emitter &emitter, Operation *op,
                                       ArrayRef<Operation *> epilogue) {
  // A QDQ group: the driver fused the dequantized operands' producers and
  // gives the chain up to the quantize as the epilogue.
  std::optional<Qdq> qdq;
  if (!epilogue.empty() && llvm::isa<spa::QuantizeOp>(epilogue.back())) {
    SmallVector<Operation *> chain;
    qdq = matchQdqOf(op, &chain);
    if (!qdq || ArrayRef<Operation *>(chain) != epilogue)
      return emitNodeError(op)
             << "internal error: the fused quantize does not form a QDQ "
                "group with this contraction";
  }
  if (auto conv = dyn_cast<spa::Conv2DOp>(op))
    return emitConv2D(emitter, conv, epilogue, qdq);
  if (auto convT = dyn_cast<spa::ConvTranspose2DOp>(op))
    return emitConvTranspose2D(emitter, convT, epilogue);
  if (auto matmul = dyn_cast<spa::MatMulOp>(op))
    return emitMatMul(emitter, matmul, epilogue, qdq);
  if (auto gemm = dyn_cast<spa::GemmOp>(op))
    return emitGemm(emitter, gemm, epilogue, qdq);
  return emitNodeError(op) << "is not a contraction";
}
