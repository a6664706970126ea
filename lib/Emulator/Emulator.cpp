//===- Emulator.cpp - Functional and timing emulator ------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The run loop (ISA §5.2), the DRAM image and the statistics. Instruction
// semantics and costs live in Execute.cpp.
//
//===----------------------------------------------------------------------===//

#include "spc/Emulator/Emulator.h"

#include "Machine.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <mutex>
#include <set>

using namespace llvm;

namespace spc::emu {

//===----------------------------------------------------------------------===//
// HostTensor
//===----------------------------------------------------------------------===//

uint64_t HostTensor::getNumElements() const {
  uint64_t count = 1;
  for (uint64_t dim : shape)
    count *= dim;
  return count;
}

uint64_t HostTensor::getExpectedBytes() const {
  return getNumElements() * isa::elementSize(dtype);
}

template <typename T>
static HostTensor makeTensor(isa::DType dtype, ArrayRef<uint64_t> shape,
                             ArrayRef<T> values) {
  HostTensor t;
  t.dtype = dtype;
  t.shape.assign(shape.begin(), shape.end());
  t.bytes.resize(values.size() * sizeof(T));
  if (!values.empty())
    std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
  return t;
}

template <typename T> static std::vector<T> readAs(const HostTensor &t) {
  std::vector<T> out(t.bytes.size() / sizeof(T));
  if (!out.empty())
    std::memcpy(out.data(), t.bytes.data(), out.size() * sizeof(T));
  return out;
}

HostTensor HostTensor::fromF32(ArrayRef<uint64_t> shape,
                               ArrayRef<float> values) {
  return makeTensor(isa::DType::F32, shape, values);
}
HostTensor HostTensor::fromI8(ArrayRef<uint64_t> shape,
                              ArrayRef<int8_t> values) {
  return makeTensor(isa::DType::I8, shape, values);
}
HostTensor HostTensor::fromI32(ArrayRef<uint64_t> shape,
                               ArrayRef<int32_t> values) {
  return makeTensor(isa::DType::I32, shape, values);
}
std::vector<float> HostTensor::toF32() const { return readAs<float>(*this); }
std::vector<int8_t> HostTensor::toI8() const { return readAs<int8_t>(*this); }
std::vector<int32_t> HostTensor::toI32() const {
  return readAs<int32_t>(*this);
}

const HostTensor *RunResult::getOutput(StringRef name) const {
  for (const auto &[outName, tensor] : outputs)
    if (outName == name)
      return &tensor;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Units, trace and JSON
//===----------------------------------------------------------------------===//

StringRef getName(Unit unit) {
  switch (unit) {
  case Unit::None:
    return "none";
  case Unit::LoadDMA:
    return "load-dma";
  case Unit::StoreDMA:
    return "store-dma";
  case Unit::Matrix:
    return "matrix";
  case Unit::Vector:
    return "vector";
  case Unit::Struct:
    return "struct";
  }
  return "?";
}

Unit getUnit(isa::Opcode opcode) {
  switch (opcode) {
  case isa::Opcode::Sync:
  case isa::Opcode::End:
    return Unit::None;
  case isa::Opcode::Load:
  case isa::Opcode::LoadDecomp:
    return Unit::LoadDMA;
  case isa::Opcode::Store:
    return Unit::StoreDMA;
  case isa::Opcode::Gemm:
  case isa::Opcode::GemmNM:
  case isa::Opcode::GemmSparse:
    return Unit::Matrix;
  case isa::Opcode::Struct:
    return Unit::Struct;
  case isa::Opcode::Vec:
    return Unit::Vector;
  }
  return Unit::None;
}

void printTrace(ArrayRef<TraceEntry> trace, const binary::Program &program,
                raw_ostream &os) {
  os << "# queue index mnemonic unit start end layer\n";
  for (const TraceEntry &e : trace) {
    os << isa::getName(e.queue) << ' ' << e.index << ' '
       << isa::getMnemonic(e.opcode) << ' ' << getName(e.unit) << ' '
       << e.start << ' ' << e.end << ' ';
    if (e.layer >= 0 && size_t(e.layer) < program.layers.size())
      os << program.layers[e.layer].name;
    else
      os << '-';
    os << '\n';
  }
}

json::Value toJSON(const Stats &stats) {
  json::Object units;
  for (unsigned u = 1; u < kNumUnits; ++u)
    units[getName(Unit(u))] = stats.unitBusy[u];
  units["dram-channel"] = stats.dramChannelBusy;
  json::Object counts;
  for (const auto &[name, count] : stats.instructionCounts)
    counts[name] = count;
  json::Array layers;
  for (const LayerStats &l : stats.layers)
    layers.push_back(json::Object{
        {"name", l.name},
        {"start", l.startCycle},
        {"end", l.endCycle},
        {"cycles", l.cycles},
        {"macs", l.macs},
        {"performed_macs", l.performedMacs},
        {"utilization", l.utilization},
        {"energy_pj", l.energyPJ},
        {"dram_bytes", l.dramBytes},
        {"sram_bytes", l.sramBytes},
        {"instructions", l.instructions},
        {"format", l.format},
        {"density", l.denseMacs ? double(l.macs) / double(l.denseMacs) : 1.0},
        {"weight_bytes_streamed", l.weightBytes},
        {"weight_bytes_streamed_dense", l.denseWeightBytes},
    });
  return json::Object{
      {"target", stats.target},
      {"clock_mhz", stats.clockMHz},
      {"cycles", stats.cycles},
      {"seconds", stats.getSeconds()},
      {"energy_pj", stats.energyPJ},
      {"macs", stats.macs},
      {"performed_macs", stats.performedMacs},
      {"dram_bytes", stats.dramBytes},
      {"dram_charged_bytes", stats.dramChargedBytes},
      {"sram_bytes", stats.sramBytes},
      {"vector_elements", stats.vectorElements},
      {"utilization", stats.utilization},
      {"unit_busy_cycles", std::move(units)},
      {"instructions", std::move(counts)},
      {"layers", std::move(layers)},
  };
}

bool fromJSON(const json::Value &value, LayerStats &layer, json::Path path) {
  json::ObjectMapper o(value, path);
  double density = 1.0;
  if (!o || !o.map("name", layer.name) || !o.map("start", layer.startCycle) ||
      !o.map("end", layer.endCycle) || !o.map("cycles", layer.cycles) ||
      !o.map("macs", layer.macs) ||
      !o.map("performed_macs", layer.performedMacs) ||
      !o.map("utilization", layer.utilization) ||
      !o.map("energy_pj", layer.energyPJ) ||
      !o.map("dram_bytes", layer.dramBytes) ||
      !o.map("sram_bytes", layer.sramBytes) ||
      !o.map("instructions", layer.instructions) ||
      !o.map("format", layer.format) || !o.map("density", density) ||
      !o.map("weight_bytes_streamed", layer.weightBytes) ||
      !o.map("weight_bytes_streamed_dense", layer.denseWeightBytes))
    return false;
  layer.denseMacs =
      density > 0.0 ? uint64_t(std::llround(double(layer.macs) / density)) : 0;
  return true;
}

bool fromJSON(const json::Value &value, Stats &stats, json::Path path) {
  json::ObjectMapper o(value, path);
  std::map<std::string, uint64_t> units;
  if (!o || !o.map("target", stats.target) ||
      !o.map("clock_mhz", stats.clockMHz) || !o.map("cycles", stats.cycles) ||
      !o.map("energy_pj", stats.energyPJ) || !o.map("macs", stats.macs) ||
      !o.map("performed_macs", stats.performedMacs) ||
      !o.map("dram_bytes", stats.dramBytes) ||
      !o.map("dram_charged_bytes", stats.dramChargedBytes) ||
      !o.map("sram_bytes", stats.sramBytes) ||
      !o.map("vector_elements", stats.vectorElements) ||
      !o.map("utilization", stats.utilization) ||
      !o.map("unit_busy_cycles", units) ||
      !o.map("instructions", stats.instructionCounts) ||
      !o.map("layers", stats.layers))
    return false;
  for (const auto &[name, busy] : units) {
    if (name == "dram-channel") {
      stats.dramChannelBusy = busy;
      continue;
    }
    unsigned u = 1;
    while (u < kNumUnits && getName(Unit(u)) != name)
      ++u;
    if (u == kNumUnits) {
      path.field("unit_busy_cycles").field(name).report("unknown unit");
      return false;
    }
    stats.unitBusy[u] = busy;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Emulator
//===----------------------------------------------------------------------===//

struct Emulator::Prepared {
  /// DRAM images of finished runs, restored to the initial state (zeros
  /// and the constants), so that the next run does not map and fill a new
  /// one. Runs may be concurrent: each takes its own.
  std::mutex dramMutex;
  std::vector<ZeroedBytes> spareDram;
  /// Per queue and instruction: scratchpad accesses and layer index.
  std::array<std::vector<std::vector<binary::SramAccess>>, isa::kNumQueues>
      accesses;
  std::array<std::vector<int32_t>, isa::kNumQueues> layerOf;
};

Emulator::Emulator(binary::Program program, target::TargetDescription target)
    : program(std::move(program)), target(std::move(target)),
      prepared(std::make_unique<Prepared>()) {}

Emulator::~Emulator() = default;

Expected<std::unique_ptr<Emulator>>
Emulator::create(binary::Program program, target::TargetDescription target) {
  if (Error err = binary::verifyProgram(program, target))
    return std::move(err);
  std::unique_ptr<Emulator> emu(
      new Emulator(std::move(program), std::move(target)));
  const binary::Program &p = emu->program;
  Prepared &prep = *emu->prepared;
  if (p.dramSize > (uint64_t(1) << 40))
    return createStringError("DRAM size %llu is too large to emulate",
                             (unsigned long long)p.dramSize);
  for (const binary::Constant &c : p.constants)
    if (c.dramAddr > p.dramSize || c.data.size() > p.dramSize - c.dramAddr)
      return createStringError("constant '%s' lies outside DRAM",
                               c.name.c_str());
  for (unsigned q = 0; q < isa::kNumQueues; ++q) {
    const auto &queue = p.queues[q];
    prep.accesses[q].reserve(queue.size());
    for (const isa::Instruction &inst : queue)
      prep.accesses[q].push_back(binary::getSramAccesses(inst));
    prep.layerOf[q].assign(queue.size(), -1);
  }
  for (auto [li, layer] : enumerate(p.layers))
    for (unsigned q = 0; q < isa::kNumQueues; ++q)
      for (uint32_t i = layer.begin[q];
           i < layer.end[q] && i < prep.layerOf[q].size(); ++i)
        prep.layerOf[q][i] = int32_t(li);
  return std::move(emu);
}

std::vector<const binary::Tensor *> Emulator::getInputs() const {
  std::vector<const binary::Tensor *> out;
  for (const binary::Tensor &t : program.tensors)
    if (t.kind == binary::Tensor::Kind::Input)
      out.push_back(&t);
  return out;
}

std::vector<const binary::Tensor *> Emulator::getOutputs() const {
  std::vector<const binary::Tensor *> out;
  for (const binary::Tensor &t : program.tensors)
    if (t.kind == binary::Tensor::Kind::Output)
      out.push_back(&t);
  return out;
}

static std::string formatShape(ArrayRef<uint64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : enumerate(shape))
    s += (i ? "x" : "") + std::to_string(d);
  return s + "]";
}

Error Emulator::checkInputs(
    const std::map<std::string, HostTensor> &inputs) const {
  for (const auto &[name, tensor] : inputs) {
    const binary::Tensor *decl = nullptr;
    for (const binary::Tensor &t : program.tensors)
      if (t.kind == binary::Tensor::Kind::Input && t.name == name)
        decl = &t;
    if (!decl) {
      std::string known;
      for (const binary::Tensor *t : getInputs())
        known += (known.empty() ? "'" : ", '") + t->name + "'";
      return createStringError(
          "unknown input '%s' (the model's inputs are %s)", name.c_str(),
          known.empty() ? "none" : known.c_str());
    }
    if (tensor.dtype != decl->dtype)
      return createStringError(
          "input '%s' has dtype %s, the model expects %s", name.c_str(),
          isa::getName(tensor.dtype).str().c_str(),
          isa::getName(decl->dtype).str().c_str());
    if (tensor.shape != decl->shape)
      return createStringError(
          "input '%s' has shape %s, the model expects %s", name.c_str(),
          formatShape(tensor.shape).c_str(), formatShape(decl->shape).c_str());
    if (tensor.bytes.size() != decl->getNumBytes())
      return createStringError("input '%s' holds %zu bytes, its shape needs "
                               "%llu",
                               name.c_str(), tensor.bytes.size(),
                               (unsigned long long)decl->getNumBytes());
  }
  for (const binary::Tensor *t : getInputs())
    if (!inputs.count(t->name))
      return createStringError("missing input '%s' (%s %s)", t->name.c_str(),
                               isa::getName(t->dtype).str().c_str(),
                               formatShape(t->shape).c_str());
  return Error::success();
}

namespace {
/// Token channels of ISA §1.2.
enum Channel { LtoC = 0, CtoL = 1, CtoS = 2, StoC = 3 };

std::optional<Channel> popChannel(unsigned queue, uint8_t bit) {
  switch (queue) {
  case 0:
    return bit == isa::PopNext ? std::optional(CtoL) : std::nullopt;
  case 1:
    if (bit == isa::PopPrev)
      return LtoC;
    return bit == isa::PopNext ? std::optional(StoC) : std::nullopt;
  default:
    return bit == isa::PopPrev ? std::optional(CtoS) : std::nullopt;
  }
}

std::optional<Channel> pushChannel(unsigned queue, uint8_t bit) {
  switch (queue) {
  case 0:
    return bit == isa::PushNext ? std::optional(LtoC) : std::nullopt;
  case 1:
    if (bit == isa::PushPrev)
      return CtoL;
    return bit == isa::PushNext ? std::optional(CtoS) : std::nullopt;
  default:
    return bit == isa::PushPrev ? std::optional(StoC) : std::nullopt;
  }
}

const char *channelName(Channel c) {
  static const char *names[] = {"L->C", "C->L", "C->S", "S->C"};
  return names[c];
}

struct HazardEntry {
  isa::Buffer buffer;
  uint64_t begin, end;
  bool write;
  uint64_t endTime;
};

struct QueueState {
  size_t pc = 0;
  bool finished = false;
  uint64_t prevStart = 0;
  /// Latest end of any instruction of this queue so far.
  uint64_t lastEnd = 0;
  /// End of the previous instruction of this queue, per unit.
  std::array<uint64_t, kNumUnits> unitFree = {};
  std::vector<HazardEntry> hazards;
};
} // namespace

std::string describeInstruction(const binary::Program &program, unsigned q,
                                size_t index, int32_t layer) {
  std::string s = formatv("{0} queue instruction {1} ({2}", isa::getName(
                                                                isa::Queue(q)),
                          index,
                          isa::getMnemonic(program.queues[q][index].opcode))
                      .str();
  if (layer >= 0)
    s += ", layer '" + program.layers[layer].name + "'";
  return s + ")";
}

/// Copies the bytes of `program`'s constants that lie in [lo, hi) into
/// `dram`.
/// How a matrix instruction or a decompressing load handles weights, for
/// the per-layer format: "GEMM", "GEMM.NM 2:4", "GEMM.SP", "LOAD.DECOMP
/// 2:4", "LOAD.DECOMP bitmap"; empty for anything else.
static std::string describeWeightPath(const isa::Instruction &inst) {
  switch (inst.opcode) {
  case isa::Opcode::Gemm:
    return "GEMM";
  case isa::Opcode::GemmNM: {
    const isa::Gemm &g = inst.get<isa::Gemm>();
    return formatv("GEMM.NM {0}:{1}", g.wN, g.wM).str();
  }
  case isa::Opcode::GemmSparse:
    return "GEMM.SP";
  case isa::Opcode::LoadDecomp: {
    const isa::LoadDecomp &d = inst.get<isa::LoadDecomp>();
    if (d.format == isa::Format::NM)
      return formatv("LOAD.DECOMP {0}:{1}", d.n, d.m).str();
    return "LOAD.DECOMP bitmap";
  }
  default:
    return "";
  }
}

static void copyConstants(const binary::Program &program, ZeroedBytes &dram,
                          uint64_t lo, uint64_t hi) {
  for (const binary::Constant &c : program.constants) {
    uint64_t begin = std::max(lo, c.dramAddr);
    uint64_t end = std::min<uint64_t>(hi, c.dramAddr + c.data.size());
    if (begin < end)
      std::memcpy(dram.data() + begin, c.data.data() + (begin - c.dramAddr),
                  end - begin);
  }
}

Expected<RunResult> Emulator::run(const std::map<std::string, HostTensor> &inputs,
                                  const RunOptions &options) const {
  if (Error err = checkInputs(inputs))
    return std::move(err);

  Machine machine;
  machine.target = &target;
  // Each run starts from zeroed DRAM with the constants in place: a spare
  // image, or a new one.
  {
    std::lock_guard<std::mutex> lock(prepared->dramMutex);
    if (!prepared->spareDram.empty()) {
      machine.dram = std::move(prepared->spareDram.back());
      prepared->spareDram.pop_back();
    }
  }
  if (!machine.dram.data()) {
    machine.dram = ZeroedBytes(program.dramSize);
    if (!machine.dram.data())
      return createStringError("cannot allocate the %llu bytes of DRAM",
                               (unsigned long long)program.dramSize);
    copyConstants(program, machine.dram, 0, program.dramSize);
  }
  // Whatever the outcome, the image goes back clean: what the run wrote is
  // zeroed and the constants in it are copied again.
  llvm::scope_exit recycle([&] {
    if (machine.writtenLo < machine.writtenHi) {
      uint64_t hi = std::min<uint64_t>(machine.writtenHi, machine.dram.size());
      std::memset(machine.dram.data() + machine.writtenLo, 0,
                  hi - machine.writtenLo);
      copyConstants(program, machine.dram, machine.writtenLo, hi);
    }
    std::lock_guard<std::mutex> lock(prepared->dramMutex);
    prepared->spareDram.push_back(std::move(machine.dram));
  });
  machine.sram[0].assign(target.wgt.bytes, 0);
  machine.sram[1].assign(target.act.bytes, 0);
  machine.sram[2].assign(target.acc.bytes, 0);
  for (const binary::Tensor &t : program.tensors) {
    if (t.kind != binary::Tensor::Kind::Input)
      continue;
    const HostTensor &in = inputs.at(t.name);
    if (t.dramAddr > machine.dram.size() ||
        in.bytes.size() > machine.dram.size() - t.dramAddr)
      return createStringError("input '%s' lies outside DRAM",
                               t.name.c_str());
    if (!in.bytes.empty())
      std::memcpy(machine.dram.data() + t.dramAddr, in.bytes.data(),
                  in.bytes.size());
    machine.noteWrite(t.dramAddr, t.dramAddr + in.bytes.size());
  }

  RunResult result;
  Stats &stats = result.stats;
  stats.target = target.name;
  stats.clockMHz = target.clockMHz;
  stats.layers.resize(program.layers.size());
  for (auto [i, layer] : enumerate(program.layers))
    stats.layers[i].name = layer.name;
  std::vector<uint64_t> layerStart(program.layers.size(), UINT64_MAX);
  std::vector<double> layerCapacity(program.layers.size(), 0.0);
  std::vector<std::set<std::string>> layerFormats(program.layers.size());
  double totalCapacity = 0.0;

  std::array<QueueState, isa::kNumQueues> queues;
  std::array<std::deque<uint64_t>, 4> channels;
  uint64_t dramChannelFree = 0;
  std::array<uint64_t, 256> opcodeCounts = {};

  while (true) {
    int best = -1;
    uint64_t bestStart = 0;
    for (unsigned q = 0; q < isa::kNumQueues; ++q) {
      QueueState &qs = queues[q];
      const auto &code = program.queues[q];
      if (qs.finished)
        continue;
      if (qs.pc >= code.size() || code[qs.pc].opcode == isa::Opcode::End) {
        qs.finished = true;
        continue;
      }
      const isa::Instruction &inst = code[qs.pc];
      uint64_t start = qs.prevStart;
      bool ready = true;
      for (uint8_t bit : {uint8_t(isa::PopPrev), uint8_t(isa::PopNext)}) {
        if (!(inst.deps & bit))
          continue;
        std::optional<Channel> ch = popChannel(q, bit);
        if (!ch || channels[*ch].empty()) {
          ready = false;
          break;
        }
        start = std::max(start, channels[*ch].front());
      }
      if (!ready)
        continue;
      Unit unit = getUnit(inst.opcode);
      if (unit != Unit::None)
        start = std::max(start, qs.unitFree[unsigned(unit)]);
      else
        // SYNC is a fence on every unit of its queue: the tokens it pushes
        // mean "everything before me is done" (docs/CycleModel.md).
        start = std::max(start, qs.lastEnd);
      // Scratchpad hazards with earlier instructions of this queue.
      for (const binary::SramAccess &acc : prepared->accesses[q][qs.pc])
        for (const HazardEntry &h : qs.hazards)
          if (h.buffer == acc.buffer && (h.write || acc.write) &&
              h.begin < acc.end && acc.begin < h.end)
            start = std::max(start, h.endTime);
      if (best < 0 || start < bestStart) {
        best = int(q);
        bestStart = start;
      }
    }
    if (best < 0) {
      bool allDone = true;
      std::string waiting;
      for (unsigned q = 0; q < isa::kNumQueues; ++q) {
        if (queues[q].finished)
          continue;
        allDone = false;
        const isa::Instruction &inst = program.queues[q][queues[q].pc];
        std::string chans;
        for (uint8_t bit : {uint8_t(isa::PopPrev), uint8_t(isa::PopNext)})
          if (inst.deps & bit)
            if (auto ch = popChannel(q, bit); ch && channels[*ch].empty())
              chans += std::string(chans.empty() ? "" : ", ") +
                       channelName(*ch);
        waiting += "\n  " +
                   describeInstruction(program, q, queues[q].pc,
                                       prepared->layerOf[q][queues[q].pc]) +
                   " waits for a " + chans + " token";
      }
      if (allDone)
        break;
      return createStringError("deadlock: every unfinished queue waits for a "
                               "token that is never pushed:" +
                               waiting);
    }

    unsigned q = unsigned(best);
    QueueState &qs = queues[q];
    size_t index = qs.pc;
    const isa::Instruction &inst = program.queues[q][index];
    int32_t layer = prepared->layerOf[q][index];
    for (uint8_t bit : {uint8_t(isa::PopPrev), uint8_t(isa::PopNext)})
      if (inst.deps & bit)
        channels[*popChannel(q, bit)].pop_front();

    Cost cost;
    if (Error err = execute(inst, machine, cost))
      return createStringError(
          describeInstruction(program, q, index, layer) + ": " +
          toString(std::move(err)));

    uint64_t start = bestStart, end = start;
    Unit unit = getUnit(inst.opcode);
    if (cost.usesDram) {
      uint64_t chanStart = std::max(start, dramChannelFree);
      dramChannelFree = chanStart + cost.dramBusy;
      end = chanStart +
            std::max(cost.dramBusy + target.dramLatency, cost.cycles);
      stats.dramChannelBusy += cost.dramBusy;
    } else {
      end = start + cost.cycles;
    }
    if (unit != Unit::None) {
      qs.unitFree[unsigned(unit)] = end;
      stats.unitBusy[unsigned(unit)] += end - start;
    }
    qs.prevStart = start;
    qs.lastEnd = std::max(qs.lastEnd, end);
    ++qs.pc;
    for (uint8_t bit : {uint8_t(isa::PushPrev), uint8_t(isa::PushNext)})
      if (inst.deps & bit)
        channels[*pushChannel(q, bit)].push_back(end);
    // Drop hazards that can no longer delay anything, then record ours.
    llvm::erase_if(qs.hazards,
                   [&](const HazardEntry &h) { return h.endTime <= start; });
    if (end > start)
      for (const binary::SramAccess &acc : prepared->accesses[q][index])
        qs.hazards.push_back(
            {acc.buffer, acc.begin, acc.end, acc.write, end});

    // Statistics.
    double energy = cost.energyPJ;
    double capacity =
        cost.macsPerMultiplier
            ? double(cost.macs) / double(cost.macsPerMultiplier)
            : 0.0;
    stats.cycles = std::max(stats.cycles, end);
    stats.energyPJ += energy;
    stats.macs += cost.macs;
    stats.performedMacs += cost.performedMacs;
    stats.dramBytes += cost.dramBytes;
    stats.dramChargedBytes += cost.dramChargedBytes;
    stats.sramBytes += cost.sramBytes;
    stats.vectorElements += cost.vectorElements;
    totalCapacity += capacity;
    ++opcodeCounts[unsigned(inst.opcode)];
    if (layer >= 0) {
      LayerStats &ls = stats.layers[layer];
      layerStart[layer] = std::min(layerStart[layer], start);
      ls.startCycle = layerStart[layer];
      ls.endCycle = std::max(ls.endCycle, end);
      ls.macs += cost.macs;
      ls.performedMacs += cost.performedMacs;
      ls.denseMacs += cost.denseMacs;
      ls.weightBytes += cost.weightBytes;
      ls.denseWeightBytes += cost.denseWeightBytes;
      if (std::string kind = describeWeightPath(inst); !kind.empty())
        layerFormats[layer].insert(std::move(kind));
      ls.dramBytes += cost.dramBytes;
      ls.sramBytes += cost.sramBytes;
      ls.energyPJ += energy;
      ++ls.instructions;
      layerCapacity[layer] += capacity;
    }
    if (options.trace)
      result.trace.push_back(
          {isa::Queue(q), uint32_t(index), inst.opcode, unit, start, end,
           layer});
  }

  // Opcode counts by mnemonic (END included: one per non-empty queue).
  for (unsigned q = 0; q < isa::kNumQueues; ++q)
    if (!program.queues[q].empty())
      ++opcodeCounts[unsigned(isa::Opcode::End)];
  for (isa::Opcode op :
       {isa::Opcode::Sync, isa::Opcode::End, isa::Opcode::Load,
        isa::Opcode::LoadDecomp, isa::Opcode::Store, isa::Opcode::Gemm,
        isa::Opcode::GemmNM, isa::Opcode::GemmSparse, isa::Opcode::Struct,
        isa::Opcode::Vec})
    if (uint64_t n = opcodeCounts[unsigned(op)])
      stats.instructionCounts[isa::getMnemonic(op).str()] = n;

  double multipliers = double(target.multipliers);
  for (auto [i, ls] : enumerate(stats.layers)) {
    ls.cycles = ls.endCycle - ls.startCycle;
    ls.format = join(layerFormats[i], " + ");
    if (ls.cycles && multipliers > 0)
      ls.utilization = layerCapacity[i] / (multipliers * double(ls.cycles));
  }
  if (stats.cycles && multipliers > 0)
    stats.utilization = totalCapacity / (multipliers * double(stats.cycles));

  // Outputs.
  for (const binary::Tensor &t : program.tensors) {
    if (t.kind != binary::Tensor::Kind::Output)
      continue;
    HostTensor out;
    out.dtype = t.dtype;
    out.shape = t.shape;
    uint64_t bytes = t.getNumBytes();
    if (t.dramAddr > machine.dram.size() ||
        bytes > machine.dram.size() - t.dramAddr)
      return createStringError("output '%s' lies outside DRAM",
                               t.name.c_str());
    out.bytes.assign(machine.dram.begin() + t.dramAddr,
                     machine.dram.begin() + t.dramAddr + bytes);
    result.outputs.emplace_back(t.name, std::move(out));
  }
  return std::move(result);
}

} // namespace spc::emu
