//===- Execute.cpp - Instruction semantics and costs ------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// One function per instruction class: the functional semantics of ISA §3–§4
// and the cost of docs/CycleModel.md, computed together. Every memory range
// is checked again here (cheaply, once per instruction) so that a loader bug
// can never turn into an out-of-bounds host access.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"
#include "Machine.h"

#include "spc/Target/Packing.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Parallel.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

using namespace llvm;

namespace spc::emu {

namespace {

template <typename T> T ld(const uint8_t *p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
template <typename T> void st(uint8_t *p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

uint64_t ceilDiv(uint64_t a, uint64_t b) { return b ? (a + b - 1) / b : a; }

Error rangeError(isa::Buffer buffer, int64_t lo, int64_t hi, uint64_t size) {
  return createStringError(formatv("accesses {0} bytes [{1}, {2}) outside "
                                   "the buffer of {3} bytes",
                                   isa::getName(buffer), lo, hi, size)
                               .str());
}

/// Checks [lo, hi) against a memory of `size` bytes.
Error checkRange(isa::Buffer buffer, int64_t lo, int64_t hi, uint64_t size) {
  if (lo < 0 || hi < lo || uint64_t(hi) > size)
    return rangeError(buffer, lo, hi, size);
  return Error::success();
}

Error checkDram(uint64_t lo, uint64_t hi, uint64_t size) {
  if (hi < lo || hi > size)
    return createStringError(formatv("accesses DRAM bytes [{0}, {1}) "
                                     "outside DRAM of {2} bytes",
                                     lo, hi, size)
                                 .str());
  return Error::success();
}

const target::DataType &dataType(const Machine &m, isa::DType t) {
  return t == isa::DType::F32 ? m.target->fp32 : m.target->int8;
}

//===----------------------------------------------------------------------===//
// DMA (ISA §3.1, §3.2)
//===----------------------------------------------------------------------===//

void dmaCost(const Machine &m, uint64_t dramBytes, uint64_t charged,
             uint64_t sramBytes, Cost &cost) {
  const target::TargetDescription &t = *m.target;
  cost.usesDram = true;
  cost.dramBytes = dramBytes;
  cost.dramChargedBytes = charged;
  cost.dramBusy = ceilDiv(charged, std::max(1u, t.dramBytesPerCycle));
  cost.sramBytes = sramBytes;
  cost.energyPJ = double(dramBytes) * t.dramEnergyPJPerByte +
                  double(sramBytes) * t.sramEnergyPJPerByte;
}

Error executeDma(const isa::Instruction &inst, Machine &m, Cost &cost) {
  const isa::Dma &d = inst.get<isa::Dma>();
  bool load = inst.opcode == isa::Opcode::Load;
  unsigned es = isa::elementSize(d.dtype);
  std::vector<uint8_t> &buf = m.buffer(d.buffer);
  std::array<uint64_t, 4> P;
  uint64_t sramHi = 0, dramHi = 0, boxElems = 1, padElems = 1;
  for (unsigned i = 0; i < 4; ++i) {
    P[i] = load ? uint64_t(d.padLo[i]) + d.size[i] + d.padHi[i] : d.size[i];
    sramHi += (P[i] - 1) * d.sramStride[i];
    dramHi += uint64_t(d.size[i] - 1) * d.dramStride[i];
    boxElems *= d.size[i];
    padElems *= P[i];
  }
  if (Error e = checkRange(d.buffer, d.sramAddr,
                           int64_t(d.sramAddr + es * (sramHi + 1)),
                           buf.size()))
    return e;
  if (Error e = checkDram(d.dramAddr, d.dramAddr + es * (dramHi + 1),
                          m.dram.size()))
    return e;

  uint8_t *sram = buf.data();
  uint8_t *dram = m.dram.data();
  if (!load)
    m.noteWrite(d.dramAddr, d.dramAddr + es * (dramHi + 1));
  uint8_t padBytes[4];
  std::memcpy(padBytes, &d.padValue, 4); // little-endian host

  for (uint64_t i0 = 0; i0 < P[0]; ++i0)
    for (uint64_t i1 = 0; i1 < P[1]; ++i1)
      for (uint64_t i2 = 0; i2 < P[2]; ++i2) {
        uint64_t sBase = d.sramAddr + es * (i0 * d.sramStride[0] +
                                            i1 * d.sramStride[1] +
                                            i2 * d.sramStride[2]);
        if (!load) {
          uint64_t dBase = d.dramAddr + es * (i0 * d.dramStride[0] +
                                              i1 * d.dramStride[1] +
                                              i2 * d.dramStride[2]);
          if (d.sramStride[3] == 1 && d.dramStride[3] == 1) {
            std::memmove(dram + dBase, sram + sBase, es * P[3]);
          } else {
            for (uint64_t i3 = 0; i3 < P[3]; ++i3)
              std::memcpy(dram + dBase + es * i3 * d.dramStride[3],
                          sram + sBase + es * i3 * d.sramStride[3], es);
          }
          continue;
        }
        int64_t j0 = int64_t(i0) - d.padLo[0], j1 = int64_t(i1) - d.padLo[1],
                j2 = int64_t(i2) - d.padLo[2];
        bool outer = j0 >= 0 && j0 < d.size[0] && j1 >= 0 &&
                     j1 < d.size[1] && j2 >= 0 && j2 < d.size[2];
        uint64_t lo = outer ? d.padLo[3] : P[3];
        uint64_t hi = outer ? d.padLo[3] + d.size[3] : P[3];
        for (uint64_t i3 = 0; i3 < lo; ++i3)
          std::memcpy(sram + sBase + es * i3 * d.sramStride[3], padBytes, es);
        if (lo < hi) {
          uint64_t dBase = d.dramAddr + es * (uint64_t(j0) * d.dramStride[0] +
                                              uint64_t(j1) * d.dramStride[1] +
                                              uint64_t(j2) * d.dramStride[2]);
          if (d.sramStride[3] == 1 && d.dramStride[3] == 1) {
            std::memmove(sram + sBase + es * lo, dram + dBase,
                         es * (hi - lo));
          } else {
            for (uint64_t i3 = lo; i3 < hi; ++i3)
              std::memcpy(sram + sBase + es * i3 * d.sramStride[3],
                          dram + dBase + es * (i3 - lo) * d.dramStride[3],
                          es);
          }
        }
        for (uint64_t i3 = hi; i3 < P[3]; ++i3)
          std::memcpy(sram + sBase + es * i3 * d.sramStride[3], padBytes, es);
      }

  dmaCost(m, boxElems * es, m.target->getChargedDramBytes(d),
          (load ? padElems : boxElems) * es, cost);
  return Error::success();
}

/// Reads `bits` bits at bit offset `pos` of `p`, LSB first (ISA §6.4).
unsigned readBits(const uint8_t *p, uint64_t pos, unsigned bits) {
  // Fast path: the field lies in one or two bytes (b <= 8 always does) and
  // never reads past the field's last byte.
  unsigned shift = unsigned(pos & 7);
  if (bits <= 8) {
    const uint8_t *q = p + (pos >> 3);
    unsigned window = q[0];
    if (shift + bits > 8)
      window |= unsigned(q[1]) << 8;
    return (window >> shift) & ((1u << bits) - 1);
  }
  unsigned v = 0;
  for (unsigned i = 0; i < bits; ++i, ++pos)
    v |= unsigned((p[pos >> 3] >> (pos & 7)) & 1) << i;
  return v;
}

Error executeLoadDecomp(const isa::Instruction &inst, Machine &m,
                        Cost &cost) {
  const isa::LoadDecomp &d = inst.get<isa::LoadDecomp>();
  unsigned es = isa::elementSize(d.dtype);
  std::vector<uint8_t> &buf = m.buffer(d.buffer);
  uint64_t rows = d.rows, cols = d.cols;
  uint64_t rowBytes = cols * es;
  if (Error e = checkRange(
          d.buffer, d.sramAddr,
          int64_t(d.sramAddr + es * ((rows - 1) * d.sramRowStride) + rowBytes),
          buf.size()))
    return e;
  uint8_t *sram = buf.data();
  const uint8_t *dram = m.dram.data();
  uint64_t valueBytes = 0, metaBytes = 0;

  if (d.format == isa::Format::NM) {
    if (d.m == 0 || d.n == 0 || cols % d.m)
      return createStringError("bad N:M pattern %u:%u for %llu columns",
                               unsigned(d.n), unsigned(d.m),
                               (unsigned long long)cols);
    uint64_t groups = cols / d.m;
    unsigned b = packing::getIndexBits(d.m);
    uint64_t metaRow = packing::getNMMetaBytesPerRow(cols, d.n, d.m);
    valueBytes = rows * groups * d.n * es;
    metaBytes = rows * metaRow;
    if (Error e = checkDram(d.dramAddr, d.dramAddr + valueBytes,
                            m.dram.size()))
      return e;
    if (Error e = checkDram(d.dramMetaAddr, d.dramMetaAddr + metaBytes,
                            m.dram.size()))
      return e;
    for (uint64_t r = 0; r < rows; ++r) {
      uint8_t *row = sram + d.sramAddr + es * r * d.sramRowStride;
      std::memset(row, 0, rowBytes);
      const uint8_t *meta = dram + d.dramMetaAddr + r * metaRow;
      const uint8_t *vals = dram + d.dramAddr + r * groups * d.n * es;
      for (uint64_t g = 0; g < groups; ++g) {
        int prev = -1;
        for (unsigned j = 0; j < d.n; ++j) {
          uint64_t e = g * d.n + j;
          unsigned idx = readBits(meta, e * b, b);
          if (idx >= d.m || int(idx) <= prev)
            return createStringError(formatv(
                "N:M metadata of row {0}, group {1}: index {2} is not "
                "strictly increasing below m = {3}",
                r, g, idx, d.m).str());
          prev = int(idx);
          std::memcpy(row + es * (g * d.m + idx), vals + es * e, es);
        }
      }
    }
  } else {
    uint64_t metaRow = ceilDiv(cols, 8);
    metaBytes = rows * metaRow;
    if (Error e = checkDram(d.dramMetaAddr, d.dramMetaAddr + metaBytes,
                            m.dram.size()))
      return e;
    const uint8_t *meta = dram + d.dramMetaAddr;
    uint64_t stored = 0;
    for (uint64_t i = 0; i < metaBytes; ++i) {
      // Bits past `cols` in a row's last byte are padding.
      uint8_t byte = meta[i];
      uint64_t col0 = (i % metaRow) * 8;
      if (col0 + 8 > cols)
        byte &= uint8_t((1u << (cols - col0)) - 1);
      stored += popcount(byte);
    }
    valueBytes = stored * es;
    if (Error e = checkDram(d.dramAddr, d.dramAddr + valueBytes,
                            m.dram.size()))
      return e;
    const uint8_t *vals = dram + d.dramAddr;
    for (uint64_t r = 0; r < rows; ++r) {
      uint8_t *row = sram + d.sramAddr + es * r * d.sramRowStride;
      std::memset(row, 0, rowBytes);
      for (uint64_t c = 0; c < cols; ++c)
        if ((meta[r * metaRow + c / 8] >> (c % 8)) & 1) {
          std::memcpy(row + es * c, vals, es);
          vals += es;
        }
    }
  }

  uint64_t burst = std::max(1u, m.target->dramBurstBytes);
  uint64_t charged = alignTo(valueBytes, burst) + alignTo(metaBytes, burst);
  uint64_t dense = rows * rowBytes;
  dmaCost(m, valueBytes + metaBytes, charged, dense, cost);
  cost.cycles = ceilDiv(dense, m.target->getSramBandwidth(d.buffer));
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Matrix (ISA §4.1–§4.5)
//===----------------------------------------------------------------------===//

/// cost(Kp) of docs/CycleModel.md.
/// Packs A (M x K) with the zero point applied. For uint32_t the values are
/// the int32 two's complement bits.
template <typename T>
void packA(const isa::Gemm &g, const uint8_t *act, std::vector<T> &a) {
  a.resize(size_t(g.m) * g.k);
  for (size_t i = 0; i < g.m; ++i) {
    const uint8_t *row = act + g.actAddr +
                         (std::is_same_v<T, float> ? 4 : 1) *
                             i * size_t(g.actRowStride);
    T *out = a.data() + i * g.k;
    if constexpr (std::is_same_v<T, float>) {
      std::memcpy(out, row, 4 * size_t(g.k));
    } else {
      for (size_t k = 0; k < g.k; ++k)
        out[k] = uint32_t(int32_t(int8_t(row[k])) - g.aZeroPoint);
    }
  }
}

template <typename T>
Error checkActNM(const isa::Gemm &g, const std::vector<T> &a) {
  if (!g.actNM)
    return Error::success();
  for (size_t i = 0; i < g.m; ++i)
    for (size_t k0 = 0; k0 < g.k; k0 += g.actM) {
      unsigned nz = 0;
      for (size_t k = k0; k < k0 + g.actM && k < g.k; ++k) {
        // The declaration is about the stored values (STRUCT's zeros).
        bool nonzero;
        if constexpr (std::is_same_v<T, float>)
          nonzero = !(a[i * g.k + k] == 0.0f);
        else
          nonzero = int32_t(a[i * g.k + k]) + g.aZeroPoint != 0;
        nz += nonzero;
      }
      if (nz > g.actN)
        return createStringError(formatv(
            "act_nm {0}:{1} violated: row {2} of A has {3} non-zeros in "
            "columns {4}..{5}",
            g.actN, g.actM, i, nz, k0, k0 + g.actM - 1).str());
    }
  return Error::success();
}

template <typename T>
void loadC(const isa::Gemm &g, const uint8_t *acc, std::vector<T> &c) {
  c.resize(size_t(g.m) * g.n);
  if (!g.accumulate) {
    std::fill(c.begin(), c.end(), T(0));
    return;
  }
  for (size_t i = 0; i < g.m; ++i)
    std::memcpy(c.data() + i * g.n, acc + g.accAddr + 4 * i * g.accRowStride,
                4 * size_t(g.n));
}

template <typename T>
void storeC(const isa::Gemm &g, uint8_t *acc, const std::vector<T> &c) {
  for (size_t i = 0; i < g.m; ++i)
    std::memcpy(acc + g.accAddr + 4 * i * g.accRowStride, c.data() + i * g.n,
                4 * size_t(g.n));
}

/// Stored weights of one GEMM.NM or GEMM.SP row list.
template <typename T> struct SparseW {
  std::vector<uint32_t> rowStart, k, rowNnz;
  std::vector<T> v;
};

template <typename T> T loadW(const uint8_t *p, int8_t zp) {
  if constexpr (std::is_same_v<T, float>)
    return ld<float>(p);
  else
    return uint32_t(int32_t(int8_t(*p)) - zp);
}

template <typename T> bool isNonZero(T v) {
  if constexpr (std::is_same_v<T, float>)
    return !(v == 0.0f);
  else
    return v != 0;
}

template <typename T>
Error executeGemmTyped(const isa::Instruction &inst, Machine &m, Cost &cost) {
  const isa::Gemm &g = inst.get<isa::Gemm>();
  const target::TargetDescription &t = *m.target;
  unsigned es = isa::elementSize(g.dtype);
  const std::vector<uint8_t> &act = m.buffer(isa::Buffer::Act);
  const std::vector<uint8_t> &wgt = m.buffer(isa::Buffer::Wgt);
  std::vector<uint8_t> &acc = m.buffer(isa::Buffer::Acc);
  uint64_t M = g.m, N = g.n, K = g.k;

  if (Error e = checkRange(isa::Buffer::Act, g.actAddr,
                           int64_t(g.actAddr +
                                   es * ((M - 1) * g.actRowStride + K)),
                           act.size()))
    return e;
  if (Error e = checkRange(isa::Buffer::Acc, g.accAddr,
                           int64_t(g.accAddr +
                                   4 * ((M - 1) * g.accRowStride + N)),
                           acc.size()))
    return e;

  // Per-thread storage reused across instructions: fresh large allocations
  // would fault in new zeroed pages on every instruction.
  static thread_local std::vector<T> a, c;
  static thread_local kernels::PackedW<T> pw;
  static thread_local SparseW<T> sw;
  packA(g, act.data(), a);
  if (Error e = checkActNM(g, a))
    return e;
  loadC(g, acc.data(), c);

  const target::DataType &dt = dataType(m, g.dtype);
  uint64_t Cc = std::max(1u, t.arrayCols);
  uint64_t nonZeros = 0, stored = 0, wBytes = 0;
  uint64_t cycles = 0;
  const uint8_t *w = wgt.data();

  if (g.kind == isa::Gemm::Kind::Dense) {
    if (Error e = checkRange(isa::Buffer::Wgt, g.wgtAddr,
                             int64_t(g.wgtAddr +
                                     es * ((N - 1) * g.wgtRowStride + K)),
                             wgt.size()))
      return e;
    if constexpr (std::is_same_v<T, float>)
      nonZeros = kernels::packWeights(w + g.wgtAddr, g.wgtRowStride, N, K, pw);
    else
      nonZeros = kernels::packWeights(w + g.wgtAddr, g.wgtRowStride, N, K,
                                      g.wZeroPoint, pw);
    kernels::denseGemm(a.data(), pw, c.data(), M, N, K);
    stored = N * K;
    wBytes = N * K * es;
    uint64_t kp = g.actNM ? t.getDualSideLength(K, g.actN, g.actM) : K;
    cycles = t.getMatrixCycles(g.dtype, M, N, kp);
    cost.performedMacs = M * N * kp;
  } else {
    sw.rowStart.clear();
    sw.rowStart.reserve(N + 1);
    if (g.kind == isa::Gemm::Kind::NM) {
      unsigned n = g.wN, mm = g.wM;
      if (!n || !mm || K % mm)
        return createStringError("bad N:M pattern %u:%u for K = %llu", n, mm,
                                 (unsigned long long)K);
      uint64_t groups = K / mm, perRow = packing::getNMValuesPerRow(K, n, mm);
      unsigned b = packing::getIndexBits(mm);
      uint64_t metaRow = packing::getNMMetaBytesPerRow(K, n, mm);
      if (Error e = checkRange(
              isa::Buffer::Wgt, g.wgtAddr,
              int64_t(g.wgtAddr + es * ((N - 1) * g.wgtRowStride + perRow)),
              wgt.size()))
        return e;
      if (Error e = checkRange(
              isa::Buffer::Wgt, g.metaAddr,
              int64_t(g.metaAddr + (N - 1) * g.metaRowStride + metaRow),
              wgt.size()))
        return e;
      sw.k.resize(N * perRow);
      sw.v.resize(N * perRow);
      for (uint64_t r = 0; r < N; ++r) {
        sw.rowStart.push_back(uint32_t(r * perRow));
        const uint8_t *vals = w + g.wgtAddr + es * r * g.wgtRowStride;
        const uint8_t *meta = w + g.metaAddr + r * g.metaRowStride;
        for (uint64_t gi = 0; gi < groups; ++gi) {
          int prev = -1;
          for (unsigned j = 0; j < n; ++j) {
            uint64_t e = gi * n + j;
            unsigned idx = readBits(meta, e * b, b);
            if (idx >= mm || int(idx) <= prev)
              return createStringError(formatv(
                  "N:M metadata of weight row {0}, group {1}: index {2} is "
                  "not strictly increasing below m = {3}",
                  r, gi, idx, mm).str());
            prev = int(idx);
            T v = loadW<T>(vals + es * e, 0);
            nonZeros += isNonZero(v);
            sw.k[r * perRow + e] = uint32_t(gi * mm + idx);
            sw.v[r * perRow + e] = v;
          }
        }
      }
      sw.rowStart.push_back(uint32_t(N * perRow));
      stored = N * perRow;
      wBytes = stored * es + N * metaRow;
      // The loader checked that a mode runs n:m (ISA §7).
      uint64_t kp = t.getNMStreamedLength(n, mm, K).value_or(K);
      if (g.actNM)
        kp = t.getDualSideLength(kp, g.actN, g.actM);
      cycles = t.getMatrixCycles(g.dtype, M, N, kp);
      cost.performedMacs = M * N * kp;
    } else {
      // GEMM.SP: CSR with run-time checks (ISA §4.5).
      uint64_t ptrEnd = uint64_t(g.ptrAddr()) + 4 * (N + 1);
      if (Error e = checkRange(isa::Buffer::Wgt, g.ptrAddr(), int64_t(ptrEnd),
                               wgt.size()))
        return e;
      std::vector<uint32_t> ptr(N + 1);
      std::memcpy(ptr.data(), w + g.ptrAddr(), 4 * (N + 1));
      for (uint64_t r = 0; r < N; ++r)
        if (ptr[r + 1] < ptr[r])
          return createStringError(
              formatv("row pointers decrease: ptr[{0}] = {1} > ptr[{2}] = {3}",
                      r, ptr[r], r + 1, ptr[r + 1])
                  .str());
      uint64_t nnzEnd = ptr[N];
      if (uint64_t(g.wgtAddr) + es * nnzEnd > wgt.size())
        return createStringError(
            formatv("ptr[N] = {0} values at wgt address {1} overrun the "
                    "wgt buffer of {2} bytes",
                    nnzEnd, g.wgtAddr, wgt.size())
                .str());
      if (uint64_t(g.idxAddr()) + 2 * nnzEnd > wgt.size())
        return createStringError(
            formatv("ptr[N] = {0} column indices at wgt address {1} overrun "
                    "the wgt buffer of {2} bytes",
                    nnzEnd, g.idxAddr(), wgt.size())
                .str());
      uint64_t nnz = nnzEnd - ptr[0];
      sw.k.resize(nnz);
      sw.v.resize(nnz);
      std::vector<uint32_t> &rowNnz = sw.rowNnz;
      rowNnz.assign(N, 0);
      for (uint64_t r = 0; r < N; ++r) {
        sw.rowStart.push_back(uint32_t(ptr[r] - ptr[0]));
        int64_t prev = -1;
        for (uint64_t e = ptr[r]; e < ptr[r + 1]; ++e) {
          uint16_t idx = ld<uint16_t>(w + g.idxAddr() + 2 * e);
          if (idx >= K || int64_t(idx) <= prev)
            return createStringError(formatv(
                "column index {0} of weight row {1} (entry {2}) is not "
                "strictly increasing below K = {3}",
                idx, r, e, K).str());
          prev = idx;
          T v = loadW<T>(w + g.wgtAddr + es * e, 0);
          nonZeros += isNonZero(v);
          sw.k[e - ptr[0]] = idx;
          sw.v[e - ptr[0]] = v;
        }
        rowNnz[r] = ptr[r + 1] - ptr[r];
      }
      sw.rowStart.push_back(uint32_t(nnz));
      stored = nnz;
      wBytes = nnz * (es + 2) + 4 * (N + 1);
      cycles = t.getMatrixCyclesOfPasses(
          g.dtype, M, t.getSparseMatrixPasses(g.dtype, K, rowNnz));
      cost.performedMacs = M * nnz;
    }
    kernels::sparseGemm(a.data(), sw.rowStart.data(), sw.k.data(),
                        sw.v.data(), c.data(), M, N, K);
  }
  (void)stored;
  storeC(g, acc.data(), c);
  cost.denseMacs = M * N * K;
  cost.weightBytes = wBytes;
  cost.denseWeightBytes = N * K * es;

  cost.cycles = cycles;
  cost.macs = M * nonZeros;
  cost.macsPerMultiplier = std::max(1u, dt.macsPerMultiplier);
  uint64_t aBytes = M * K * es, cBytes = M * N * 4;
  cost.sramBytes =
      aBytes * ceilDiv(N, Cc) + wBytes + cBytes * (g.accumulate ? 2 : 1);
  cost.energyPJ = double(cost.performedMacs) * dt.macEnergyPJ +
                  double(cost.sramBytes) * t.sramEnergyPJPerByte;
  return Error::success();
}

Error executeGemm(const isa::Instruction &inst, Machine &m, Cost &cost) {
  if (inst.get<isa::Gemm>().dtype == isa::DType::F32)
    return executeGemmTyped<float>(inst, m, cost);
  return executeGemmTyped<uint32_t>(inst, m, cost);
}

//===----------------------------------------------------------------------===//
// STRUCT (ISA §4.6)
//===----------------------------------------------------------------------===//

Error executeStruct(const isa::Instruction &inst, Machine &m, Cost &cost) {
  const isa::Struct &s = inst.get<isa::Struct>();
  unsigned es = isa::elementSize(s.dtype);
  std::vector<uint8_t> &buf = m.buffer(s.buffer);
  uint64_t rows = s.rows, cols = s.cols;
  if (!s.m || !s.n || s.n > s.m || s.m > 256 || cols % s.m)
    return createStringError("bad STRUCT pattern %u:%u for %llu columns",
                             unsigned(s.n), unsigned(s.m),
                             (unsigned long long)cols);
  if (Error e = checkRange(s.buffer, s.srcAddr,
                           int64_t(s.srcAddr +
                                   es * ((rows - 1) * s.srcRowStride + cols)),
                           buf.size()))
    return e;
  if (Error e = checkRange(s.buffer, s.dstAddr,
                           int64_t(s.dstAddr +
                                   es * ((rows - 1) * s.dstRowStride + cols)),
                           buf.size()))
    return e;
  // Group by group through a local copy, as the row-major definition reads
  // a whole group before writing it (source and destination are identical
  // or disjoint, ISA §4.6).
  alignas(8) uint8_t group[256 * 4];
  size_t groupBytes = size_t(s.m) * es;
  for (uint64_t r = 0; r < rows; ++r)
    for (uint64_t g0 = 0; g0 < cols; g0 += s.m) {
      const uint8_t *src =
          buf.data() + s.srcAddr + es * (r * s.srcRowStride + g0);
      std::memcpy(group, src, groupBytes);
      if (s.dtype == isa::DType::F32) {
        float *f = reinterpret_cast<float *>(group);
        kernels::structGroup(f, f, s.n, s.m);
      } else {
        int8_t *q = reinterpret_cast<int8_t *>(group);
        kernels::structGroup(q, q, s.n, s.m);
      }
      uint8_t *dst = buf.data() + s.dstAddr + es * (r * s.dstRowStride + g0);
      std::memcpy(dst, group, groupBytes);
    }
  const target::TargetDescription &t = *m.target;
  cost.cycles = t.getStructCycles(rows * cols);
  cost.sramBytes = 2 * rows * cols * es;
  cost.energyPJ = double(cost.sramBytes) * t.sramEnergyPJPerByte;
  return Error::success();
}

//===----------------------------------------------------------------------===//
// VEC (ISA §4.7)
//===----------------------------------------------------------------------===//

struct View {
  uint8_t *base = nullptr;
  int64_t addr = 0, rs = 0, cs = 0;
  unsigned es = 4;
  uint8_t *at(int64_t r, int64_t c) const {
    return base + addr + int64_t(es) * (r * rs + c * cs);
  }
};

Error makeView(Machine &m, const isa::VecOperand &op, unsigned es,
               uint64_t rows, uint64_t cols, View &v, uint64_t &bytes,
               std::array<uint64_t, 4> &perBuffer) {
  std::vector<uint8_t> &buf = m.buffer(op.buffer);
  v.base = buf.data();
  v.addr = op.addr;
  v.rs = op.rowStride;
  v.cs = op.colStride;
  v.es = es;
  int64_t r1 = int64_t(rows) - 1, c1 = int64_t(cols) - 1;
  int64_t lo = std::min<int64_t>(0, r1 * v.rs) + std::min<int64_t>(0, c1 * v.cs);
  int64_t hi = std::max<int64_t>(0, r1 * v.rs) + std::max<int64_t>(0, c1 * v.cs);
  if (Error e = checkRange(op.buffer, v.addr + int64_t(es) * lo,
                           v.addr + int64_t(es) * (hi + 1), buf.size()))
    return e;
  bytes = rows * cols * es;
  perBuffer[unsigned(op.buffer)] += bytes;
  return Error::success();
}

float sat8f(double v) {
  if (std::isnan(v))
    return 0;
  return float(std::clamp(v, -128.0, 127.0));
}

int32_t toInt32Saturating(float f) {
  if (std::isnan(f))
    return 0;
  double r = std::nearbyint(double(f));
  return int32_t(std::clamp(r, -2147483648.0, 2147483647.0));
}

//===----------------------------------------------------------------------===//
// VEC fast paths. When the destination view never writes one address twice
// and every source view is either identical to it or disjoint from it, no
// element reads a value another element wrote, so the row-major definition
// (ISA §4.7) may be evaluated in any order: in chunks gathered into local
// arrays (contiguous, broadcast or strided), with the function applied to
// the arrays, and on several threads. Other overlaps take the element-wise
// row-major path.
//===----------------------------------------------------------------------===//

/// No two elements of a rows x cols view share an address.
bool isInjective(const View &v, uint64_t rows, uint64_t cols) {
  uint64_t a = uint64_t(v.cs < 0 ? -v.cs : v.cs);
  uint64_t b = uint64_t(v.rs < 0 ? -v.rs : v.rs);
  if (rows == 1)
    return cols == 1 || a != 0;
  if (cols == 1)
    return b != 0;
  if (a == 0 || b == 0)
    return false;
  return b >= a * cols || a >= b * rows;
}

/// Byte range [lo, hi) of a view inside its buffer.
std::pair<int64_t, int64_t> byteRange(const View &v, uint64_t rows,
                                      uint64_t cols) {
  int64_t r1 = int64_t(rows) - 1, c1 = int64_t(cols) - 1;
  int64_t lo = std::min<int64_t>(0, r1 * v.rs) + std::min<int64_t>(0, c1 * v.cs);
  int64_t hi = std::max<int64_t>(0, r1 * v.rs) + std::max<int64_t>(0, c1 * v.cs);
  return {v.addr + int64_t(v.es) * lo, v.addr + int64_t(v.es) * (hi + 1)};
}

bool sameView(const View &a, const View &b) {
  return a.base == b.base && a.addr == b.addr && a.rs == b.rs &&
         a.cs == b.cs && a.es == b.es;
}

/// `src` (rows x cols) never reads an address `dst` writes, or reads
/// exactly the element being written.
bool independentOf(const View &dst, const View &src, uint64_t rows,
                   uint64_t cols) {
  if (dst.base != src.base || sameView(dst, src))
    return true;
  auto [dlo, dhi] = byteRange(dst, rows, cols);
  auto [slo, shi] = byteRange(src, rows, cols);
  return dhi <= slo || shi <= dlo;
}

bool orderFree(const View &dst, const View &x, const View *y, uint64_t rows,
               uint64_t cols) {
  return isInjective(dst, rows, cols) && independentOf(dst, x, rows, cols) &&
         (!y || independentOf(dst, *y, rows, cols));
}

constexpr size_t kVecChunk = 512;

template <typename T>
void gatherRow(const View &v, uint64_t r, uint64_t c0, size_t n, T *out) {
  const uint8_t *p = v.at(int64_t(r), int64_t(c0));
  if (v.cs == 1) {
    std::memcpy(out, p, n * sizeof(T));
  } else if (v.cs == 0) {
    T t = ld<T>(p);
    std::fill(out, out + n, t);
  } else {
    int64_t step = int64_t(sizeof(T)) * v.cs;
    for (size_t i = 0; i < n; ++i)
      out[i] = ld<T>(p + int64_t(i) * step);
  }
}

template <typename T>
void scatterRow(const View &v, uint64_t r, uint64_t c0, size_t n,
                const T *in) {
  uint8_t *p = v.at(int64_t(r), int64_t(c0));
  if (v.cs == 1) {
    std::memcpy(p, in, n * sizeof(T));
  } else {
    int64_t step = int64_t(sizeof(T)) * v.cs;
    for (size_t i = 0; i < n; ++i)
      st<T>(p + int64_t(i) * step, in[i]);
  }
}

/// Rows and columns as one row when every view is contiguous row after row.
void flatten(const View &dst, const View &x, const View *y, uint64_t &rows,
             uint64_t &cols) {
  auto flat = [&](const View &v) {
    return v.cs == 1 && v.rs == int64_t(cols);
  };
  if (rows > 1 && flat(dst) && flat(x) && (!y || flat(*y))) {
    cols *= rows;
    rows = 1;
  }
}

/// The order-free evaluation: chunks of rows x kVecChunk columns, on
/// several threads when the tile is large (`heavy`: a libm call per
/// element, worth splitting earlier).
template <typename S, typename Y, typename D, bool Binary, typename F>
void mapChunks(const View &dst, const View &x, const View *y, Y imm,
               uint64_t rows, uint64_t cols, F f, bool heavy) {
  flatten(dst, x, y, rows, cols);
  uint64_t chunksPerRow = (cols + kVecChunk - 1) / kVecChunk;
  uint64_t units = rows * chunksPerRow;
  auto run = [&](uint64_t u0, uint64_t u1) {
    S xs[kVecChunk];
    Y ys[Binary ? kVecChunk : 1];
    D ds[kVecChunk];
    for (uint64_t u = u0; u < u1; ++u) {
      uint64_t r = u / chunksPerRow, c0 = (u % chunksPerRow) * kVecChunk;
      size_t n = size_t(std::min<uint64_t>(kVecChunk, cols - c0));
      gatherRow<S>(x, r, c0, n, xs);
      if constexpr (Binary) {
        if (y)
          gatherRow<Y>(*y, r, c0, n, ys);
        else
          std::fill(ys, ys + n, imm);
        for (size_t i = 0; i < n; ++i)
          ds[i] = f(xs[i], ys[i]);
      } else {
        for (size_t i = 0; i < n; ++i)
          ds[i] = f(xs[i]);
      }
      scatterRow<D>(dst, r, c0, n, ds);
    }
  };
  uint64_t elems = rows * cols;
  if (units >= 4 && elems >= (heavy ? 8192u : 65536u)) {
    uint64_t tasks = std::min<uint64_t>(units, 64);
    uint64_t per = (units + tasks - 1) / tasks;
    tasks = (units + per - 1) / per;
    parallelFor(0, tasks, [&](size_t t) {
      run(t * per, std::min(units, (t + 1) * per));
    });
  } else {
    run(0, units);
  }
}

template <typename S, typename D, typename Y = S, typename F>
void mapBinary(const View &dst, const View &x, const View *y, Y imm,
               uint64_t rows, uint64_t cols, F f, bool heavy = false) {
  if (orderFree(dst, x, y, rows, cols)) {
    mapChunks<S, Y, D, true>(dst, x, y, imm, rows, cols, f, heavy);
    return;
  }
  for (uint64_t r = 0; r < rows; ++r)
    for (uint64_t c = 0; c < cols; ++c) {
      S a = ld<S>(x.at(r, c));
      Y b = y ? ld<Y>(y->at(r, c)) : imm;
      st<D>(dst.at(r, c), f(a, b));
    }
}

template <typename S, typename D, typename F>
void mapUnary(const View &dst, const View &x, uint64_t rows, uint64_t cols,
              F f, bool heavy = false) {
  if (orderFree(dst, x, nullptr, rows, cols)) {
    mapChunks<S, S, D, false>(dst, x, nullptr, S(), rows, cols, f, heavy);
    return;
  }
  for (uint64_t r = 0; r < rows; ++r)
    for (uint64_t c = 0; c < cols; ++c)
      st<D>(dst.at(r, c), f(ld<S>(x.at(r, c))));
}

/// dst(r, 0) = fold of row r, ascending c. Row r is read completely before
/// dst(r, 0) is written, exactly as the element-wise definition does, so
/// the gathered form is exact for any overlap.
template <typename T, typename F>
void reduceRows(const View &dst, const View &x, uint64_t rows, uint64_t cols,
                F f) {
  T xs[kVecChunk];
  for (uint64_t r = 0; r < rows; ++r) {
    T s = T();
    for (uint64_t c0 = 0; c0 < cols; c0 += kVecChunk) {
      size_t n = size_t(std::min<uint64_t>(kVecChunk, cols - c0));
      gatherRow<T>(x, r, c0, n, xs);
      size_t i = 0;
      if (c0 == 0)
        s = xs[i++];
      for (; i < n; ++i)
        s = f(s, xs[i]);
    }
    st<T>(dst.at(int64_t(r), 0), s);
  }
}

template <typename T> T nanMax(T a, T b) {
  if constexpr (std::is_same_v<T, float>) {
    if (std::isnan(a))
      return a;
    if (std::isnan(b))
      return b;
  }
  return a < b ? b : a;
}
template <typename T> T nanMin(T a, T b) {
  if constexpr (std::is_same_v<T, float>) {
    if (std::isnan(a))
      return a;
    if (std::isnan(b))
      return b;
  }
  return b < a ? b : a;
}

template <typename T>
Error vecArith(const isa::Vec &v, const View &dst, const View &x,
               const View *y, T imm, uint64_t rows, uint64_t cols) {
  using isa::VecFunc;
  auto wrap = [](auto op) {
    return [op](T a, T b) -> T {
      if constexpr (std::is_same_v<T, int32_t>)
        return T(op(uint32_t(a), uint32_t(b)));
      else
        return op(a, b);
    };
  };
  switch (v.func) {
  case VecFunc::Add:
    mapBinary<T, T>(dst, x, y, imm, rows, cols,
                    wrap([](auto a, auto b) { return a + b; }));
    return Error::success();
  case VecFunc::Sub:
    mapBinary<T, T>(dst, x, y, imm, rows, cols,
                    wrap([](auto a, auto b) { return a - b; }));
    return Error::success();
  case VecFunc::Mul:
    mapBinary<T, T>(dst, x, y, imm, rows, cols,
                    wrap([](auto a, auto b) { return a * b; }));
    return Error::success();
  case VecFunc::Max:
    mapBinary<T, T>(dst, x, y, imm, rows, cols, nanMax<T>);
    return Error::success();
  case VecFunc::Min:
    mapBinary<T, T>(dst, x, y, imm, rows, cols, nanMin<T>);
    return Error::success();
  case VecFunc::Relu:
    mapUnary<T, T>(dst, x, rows, cols, [](T a) { return a < T(0) ? T(0) : a; });
    return Error::success();
  case VecFunc::Neg:
    mapUnary<T, T>(dst, x, rows, cols, [](T a) {
      if constexpr (std::is_same_v<T, int32_t>)
        return T(0u - uint32_t(a));
      else
        return -a;
    });
    return Error::success();
  case VecFunc::Abs:
    mapUnary<T, T>(dst, x, rows, cols, [](T a) {
      if constexpr (std::is_same_v<T, int32_t>)
        return a < 0 ? T(0u - uint32_t(a)) : a;
      else
        return std::fabs(a);
    });
    return Error::success();
  case VecFunc::RSum:
    reduceRows<T>(dst, x, rows, cols, [](T s, T e) {
      if constexpr (std::is_same_v<T, int32_t>)
        return T(uint32_t(s) + uint32_t(e));
      else
        return s + e;
    });
    return Error::success();
  case VecFunc::RMax:
    reduceRows<T>(dst, x, rows, cols, nanMax<T>);
    return Error::success();
  case VecFunc::RMin:
    reduceRows<T>(dst, x, rows, cols, nanMin<T>);
    return Error::success();
  default:
    break;
  }
  return createStringError("VEC %s is not defined for %s",
                           isa::getName(v.func).str().c_str(),
                           isa::getName(v.srcType).str().c_str());
}

Error vecFloat(const isa::Vec &v, const View &dst, const View &x,
               const View *y, uint64_t rows, uint64_t cols) {
  using isa::VecFunc;
  float i0 = v.imm0, i1 = v.imm1;
  // A libm call per element: worth threads on smaller tiles.
  bool heavy = v.func == VecFunc::Pow || v.func == VecFunc::Sigmoid ||
               v.func == VecFunc::Tanh || v.func == VecFunc::Exp ||
               v.func == VecFunc::Log || v.func == VecFunc::Gelu ||
               v.func == VecFunc::Erf;
  auto un = [&](auto f) {
    mapUnary<float, float>(dst, x, rows, cols, f, heavy);
    return Error::success();
  };
  auto bin = [&](auto f) {
    mapBinary<float, float>(dst, x, y, i0, rows, cols, f, heavy);
    return Error::success();
  };
  switch (v.func) {
  case VecFunc::Div:
    return bin([](float a, float b) { return a / b; });
  case VecFunc::Pow:
    return bin([](float a, float b) { return powf(a, b); });
  case VecFunc::LeakyRelu:
    return un([i0](float a) { return a < 0 ? i0 * a : a; });
  case VecFunc::Clip:
    return un([i0, i1](float a) {
      float lo = nanMax(a, i0);
      return nanMin(lo, i1);
    });
  case VecFunc::Sigmoid:
    return un([](float a) { return 1.0f / (1.0f + expf(-a)); });
  case VecFunc::Tanh:
    return un([](float a) { return tanhf(a); });
  case VecFunc::Exp:
    return un([](float a) { return expf(a); });
  case VecFunc::Log:
    return un([](float a) { return logf(a); });
  case VecFunc::Sqrt:
    return un([](float a) { return sqrtf(a); });
  case VecFunc::Rsqrt:
    return un([](float a) { return 1.0f / sqrtf(a); });
  case VecFunc::Recip:
    return un([](float a) { return 1.0f / a; });
  case VecFunc::Gelu:
    return un([](float a) {
      const float sqrt2 = 1.41421356237309504880f;
      float half = 0.5f * a;
      return half * (1.0f + erff(a / sqrt2));
    });
  case VecFunc::Erf:
    return un([](float a) { return erff(a); });
  case VecFunc::HardSigmoid:
    return un([i0, i1](float a) {
      float t = i0 * a;
      t = t + i1;
      return nanMax(0.0f, nanMin(1.0f, t));
    });
  case VecFunc::HardSwish:
    return un([](float a) {
      float t = a / 6.0f;
      t = t + 0.5f;
      return a * nanMax(0.0f, nanMin(1.0f, t));
    });
  default:
    return vecArith<float>(v, dst, x, y, i0, rows, cols);
  }
}

Error executeVec(const isa::Instruction &inst, Machine &m, Cost &cost) {
  using isa::DType;
  using isa::VecFunc;
  const isa::Vec &v = inst.get<isa::Vec>();
  uint64_t rows = v.rows, cols = v.cols;
  isa::VecFuncKind kind = isa::getVecFuncKind(v.func);
  unsigned ses = isa::elementSize(v.srcType), des = isa::elementSize(v.dstType);
  bool quant = kind == isa::VecFuncKind::Quantization;
  std::array<uint64_t, 4> perBuffer = {};
  uint64_t bytes, total = 0;
  View dst, x, y;
  if (Error e = makeView(m, v.src1, ses, rows, cols, x, bytes, perBuffer))
    return e;
  total += bytes;
  bool hasY = v.src2.buffer != isa::Buffer::None;
  if (hasY) {
    // The scale of the quantisation functions is always f32.
    if (Error e = makeView(m, v.src2, quant ? 4 : ses, rows, cols, y, bytes,
                           perBuffer))
      return e;
    total += bytes;
  }
  bool reduction = kind == isa::VecFuncKind::Reduction;
  if (Error e = makeView(m, v.dst, des, rows, reduction ? 1 : cols, dst,
                         bytes, perBuffer))
    return e;
  total += bytes;
  const View *yp = hasY ? &y : nullptr;

  Error err = Error::success();
  if (v.func == VecFunc::Copy) {
    if (ses != des)
      return createStringError("VEC COPY needs equal source and destination "
                               "dtypes");
    // Bit copies (NaN payloads included) of 1- or 4-byte elements.
    if (ses == 1)
      mapUnary<uint8_t, uint8_t>(dst, x, rows, cols, [](uint8_t a) { return a; });
    else
      mapUnary<uint32_t, uint32_t>(dst, x, rows, cols,
                                   [](uint32_t a) { return a; });
  } else if (v.func == VecFunc::Quant) {
    mapBinary<float, int8_t>(dst, x, yp, v.imm0, rows, cols,
                             [imm2 = v.imm2](float a, float s) {
                               float q = a / s;
                               double r = std::isnan(q)
                                              ? 0.0
                                              : std::nearbyint(double(q));
                               return int8_t(sat8f(r + double(imm2)));
                             });
  } else if (v.func == VecFunc::Dequant) {
    auto f = [imm2 = int64_t(v.imm2)](auto a, float s) {
      float d = float(int64_t(a) - imm2);
      return d * s;
    };
    if (v.srcType == DType::I8)
      mapBinary<int8_t, float, float>(dst, x, yp, v.imm0, rows, cols, f);
    else
      mapBinary<int32_t, float, float>(dst, x, yp, v.imm0, rows, cols, f);
  } else if (v.func == VecFunc::Requant) {
    mapBinary<int32_t, int8_t, float>(
        dst, x, yp, v.imm0, rows, cols, [imm2 = v.imm2](int32_t a, float s) {
          float p = float(a) * s;
          double q = std::isnan(p) ? 0.0 : std::nearbyint(double(p));
          return int8_t(sat8f(q + double(imm2)));
        });
  } else if (v.srcType == DType::F32) {
    err = vecFloat(v, dst, x, yp, rows, cols);
  } else if (v.srcType == DType::I32) {
    err = vecArith<int32_t>(v, dst, x, yp, toInt32Saturating(v.imm0), rows,
                            cols);
  } else {
    switch (v.func) {
    case VecFunc::Max:
    case VecFunc::Min:
    case VecFunc::Relu:
    case VecFunc::RMax:
    case VecFunc::RMin: {
      int32_t imm = std::clamp(toInt32Saturating(v.imm0), -128, 127);
      // int8 through the int32 path's comparisons.
      auto f = [&](auto op) {
        mapBinary<int8_t, int8_t>(dst, x, yp, int8_t(imm), rows, cols, op);
      };
      if (v.func == VecFunc::Max)
        f(nanMax<int8_t>);
      else if (v.func == VecFunc::Min)
        f(nanMin<int8_t>);
      else if (v.func == VecFunc::Relu)
        mapUnary<int8_t, int8_t>(dst, x, rows, cols, [](int8_t a) {
          return a < 0 ? int8_t(0) : a;
        });
      else if (v.func == VecFunc::RMax)
        reduceRows<int8_t>(dst, x, rows, cols, nanMax<int8_t>);
      else
        reduceRows<int8_t>(dst, x, rows, cols, nanMin<int8_t>);
      break;
    }
    default:
      return createStringError("VEC %s is not defined for i8",
                               isa::getName(v.func).str().c_str());
    }
  }
  if (err)
    return err;

  const target::TargetDescription &t = *m.target;
  const target::VectorFunction *fn = t.getVectorFunction(v.func);
  target::VectorFunction dflt;
  if (!fn)
    fn = &dflt;
  uint64_t elems = rows * cols;
  cost.cycles = t.getVecCycles(v.func, elems, perBuffer);
  cost.sramBytes = total;
  cost.vectorElements = elems;
  cost.energyPJ = double(elems) * fn->energyPJ +
                  double(total) * t.sramEnergyPJPerByte;
  return Error::success();
}

} // namespace

Error execute(const isa::Instruction &inst, Machine &machine, Cost &cost) {
  switch (inst.opcode) {
  case isa::Opcode::Sync:
  case isa::Opcode::End:
    return Error::success();
  case isa::Opcode::Load:
  case isa::Opcode::Store:
    return executeDma(inst, machine, cost);
  case isa::Opcode::LoadDecomp:
    return executeLoadDecomp(inst, machine, cost);
  case isa::Opcode::Gemm:
  case isa::Opcode::GemmNM:
  case isa::Opcode::GemmSparse:
    return executeGemm(inst, machine, cost);
  case isa::Opcode::Struct:
    return executeStruct(inst, machine, cost);
  case isa::Opcode::Vec:
    return executeVec(inst, machine, cost);
  }
  return createStringError("unknown opcode");
}

} // namespace spc::emu
