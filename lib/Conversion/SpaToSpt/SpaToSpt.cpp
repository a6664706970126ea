//===- SpaToSpt.cpp - Compile a spa function into an spt program ----------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The driver of convert-spa-to-spt: groups ops into layers (fusing GEMM
// epilogues), plans DRAM, calls each op family's emitter, schedules the
// instruction stream into queues and builds the spt.program. See the pass
// description in Passes.td and docs/Compiler.md.
//
//===----------------------------------------------------------------------===//

#include "CodeGen.h"
#include "MemoryPlan.h"

#include "spc/Conversion/Passes.h"
#include "spc/Target/SptBinary.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/ToolOutputFile.h"

namespace spc {
#define GEN_PASS_DEF_CONVERTSPATOSPT
#include "spc/Conversion/Passes.h.inc"
} // namespace spc

using namespace mlir;
using namespace spc;
using namespace spc::codegen;

namespace {

/// One layer: an op and the activations fused into its epilogue.
struct Layer {
  Operation *anchor = nullptr;
  SmallVector<Operation *> epilogue;
  Operation *getLast() const {
    return epilogue.empty() ? anchor : epilogue.back();
  }
  Value getResult() const { return getLast()->getResult(0); }
};

bool isContraction(Operation *op) {
  return llvm::isa<spa::Conv2DOp, spa::ConvTranspose2DOp, spa::MatMulOp,
             spa::GemmOp>(op);
}

/// Whether `op` can apply fused activations to its result tiles: a
/// contraction, or a binary element-wise op (a residual add before its
/// ReLU), with an f32 result.
bool takesEpilogue(Operation *op) {
  return (isContraction(op) ||
          llvm::isa<spa::AddOp, spa::SubOp, spa::MulOp, spa::DivOp,
                    spa::MaxOp, spa::MinOp>(op)) &&
         cast<ShapedType>(op->getResult(0).getType()).getElementType().isF32();
}

/// Groups the function's ops into layers, fusing each contraction or binary
/// element-wise op with the chain of activations that alone use its result.
SmallVector<Layer> formLayers(func::FuncOp func, int64_t &numFused) {
  SmallVector<Layer> layers;
  DenseSet<Operation *> fused;
  for (Operation &op : func.getBody().front()) {
    if (llvm::isa<spa::ConstantOp, func::ReturnOp>(op) || fused.contains(&op))
      continue;
    Layer layer;
    layer.anchor = &op;
    // Only f32 tiles take an epilogue; int8 results are i32 and are
    // requantized on their own.
    if (takesEpilogue(&op)) {
      Value value = op.getResult(0);
      while (value.hasOneUse()) {
        Operation *user = *value.getUsers().begin();
        if (!isFusibleEpilogue(user) || user->getOperand(0) != value)
          break;
        layer.epilogue.push_back(user);
        fused.insert(user);
        value = user->getResult(0);
      }
      numFused += layer.epilogue.size();
    }
    layers.push_back(std::move(layer));
  }
  return layers;
}

struct ConvertSpaToSpt
    : public spc::impl::ConvertSpaToSptBase<ConvertSpaToSpt> {
  using Base::Base;

  void runOnOperation() override;
  LogicalResult compile(func::FuncOp func, const target::TargetDescription &t,
                        binary::Program &program, llvm::json::Object &report);
};

} // namespace

LogicalResult ConvertSpaToSpt::compile(func::FuncOp func,
                                       const target::TargetDescription &t,
                                       binary::Program &program,
                                       llvm::json::Object &report) {
  Block &body = func.getBody().front();
  auto returnOp = cast<func::ReturnOp>(body.getTerminator());

  for (BlockArgument arg : func.getArguments()) {
    auto type = cast<RankedTensorType>(arg.getType());
    auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                  "onnx.name");
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (type.isDynamicDim(d))
        return func.emitError()
               << "input '" << (name ? name.getValue() : "?")
               << "' has a dynamic dimension " << d
               << "; fix it with --input-shape="
               << (name ? name.getValue() : "NAME") << "=...";
    if (!getDType(type.getElementType()))
      return func.emitError()
             << "input '" << (name ? name.getValue() : "?") << "' has type "
             << type << ", which the accelerator has no element type for "
             << "(ISA §1.1: f32, i8 and i32)";
  }

  int64_t fusedCount = 0;
  SmallVector<Layer> layers = formLayers(func, fusedCount);
  numFused = fusedCount;

  // Storage roots: a reshape shares its input's bytes.
  DenseMap<Value, Value> roots;
  auto getRoot = [&](Value value) {
    while (auto reshape = value.getDefiningOp<spa::ReshapeOp>())
      value = reshape.getInput();
    return value;
  };
  DenseMap<Operation *, unsigned> layerOf;
  for (auto [index, layer] : llvm::enumerate(layers)) {
    layerOf[layer.anchor] = index;
    for (Operation *op : layer.epilogue)
      layerOf[op] = index;
  }
  // The last layer that reads each root.
  DenseMap<Value, unsigned> lastUse;
  for (auto [layerIndex, layer] : llvm::enumerate(layers)) {
    unsigned index = layerIndex;
    auto note = [&](Operation *op) {
      for (Value operand : op->getOperands()) {
        Value root = getRoot(operand);
        unsigned &last = lastUse[root];
        last = std::max<unsigned>(last, index);
      }
    };
    note(layer.anchor);
    for (Operation *op : layer.epilogue)
      note(op);
  }

  // Outputs own their root's storage unless it is an input, a constant or
  // another output's; those get a copy.
  DenseSet<Value> outputRoots;
  SmallVector<bool> needsCopy;
  for (Value result : returnOp.getOperands()) {
    Value root = getRoot(result);
    bool own = root.getDefiningOp() &&
               !llvm::isa<spa::ConstantOp>(root.getDefiningOp()) &&
               outputRoots.insert(root).second;
    needsCopy.push_back(!own);
  }

  auto getBytes = [](Value value) {
    auto type = cast<RankedTensorType>(value.getType());
    std::optional<isa::DType> dtype = getDType(type.getElementType());
    return uint64_t(type.getNumElements()) *
           (dtype ? isa::elementSize(*dtype) : 4);
  };

  // The arena. Outputs are placed after it, so they are planned apart.
  Arena arena;
  DenseMap<Value, uint64_t> arenaOffset;
  SmallVector<std::pair<Value, uint64_t>> outputAllocs;
  uint64_t outputBytes = 0;
  for (auto [index, layer] : llvm::enumerate(layers)) {
    if (llvm::isa<spa::ReshapeOp>(layer.anchor) &&
        getRoot(layer.getResult()) != layer.getResult())
      continue;
    for (Value result : layer.getLast()->getResults()) {
      if (outputRoots.contains(result)) {
        outputAllocs.emplace_back(result, outputBytes);
        outputBytes = llvm::alignTo(outputBytes + getBytes(result), 64);
        continue;
      }
      arenaOffset[result] = arena.allocate(getBytes(result));
      if (!lastUse.count(result))
        arena.free(arenaOffset[result]);
    }
    for (auto &[root, last] : lastUse)
      if (last == index && arenaOffset.count(root) && !outputRoots.contains(root))
        arena.free(arenaOffset[root]);
  }
  uint64_t arenaBytes = llvm::alignTo(arena.getPeak(), 64);
  peakDram = arenaBytes;

  schedule::Scheduler scheduler(t.wgt.bytes);
  Emitter emitter(t, scheduler, program);

  // DRAM: the arena, then inputs, outputs and constants.
  uint64_t next = arenaBytes;
  for (BlockArgument arg : func.getArguments()) {
    auto type = cast<RankedTensorType>(arg.getType());
    auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                  "onnx.name");
    binary::Tensor tensor;
    tensor.name = name ? name.getValue().str()
                       : llvm::formatv("input{0}", arg.getArgNumber()).str();
    tensor.kind = binary::Tensor::Kind::Input;
    tensor.dtype = *getDType(type.getElementType());
    tensor.shape.assign(type.getShape().begin(), type.getShape().end());
    tensor.dramAddr = next;
    emitter.bind(arg, next);
    program.tensors.push_back(std::move(tensor));
    next = llvm::alignTo(next + getBytes(arg), 64);
  }
  uint64_t outputBase = next;
  for (auto &[value, offset] : outputAllocs)
    emitter.bind(value, outputBase + offset);
  next = outputBase + outputBytes;
  SmallVector<uint64_t> copyAddrs;
  for (auto [index, result] : llvm::enumerate(returnOp.getOperands())) {
    copyAddrs.push_back(next);
    if (needsCopy[index])
      next = llvm::alignTo(next + getBytes(result), 64);
  }
  for (auto &[value, offset] : arenaOffset)
    emitter.bind(value, offset);
  emitter.setConstantBase(next);

  // Emit every layer.
  llvm::json::Array layerReport;
  for (Layer &layer : layers) {
    Operation *op = layer.anchor;
    if (auto reshape = dyn_cast<spa::ReshapeOp>(op)) {
      if (getRoot(reshape.getResult()) != reshape.getResult()) {
        // An alias: the same bytes, nothing to run.
        continue;
      }
    }
    // An empty result needs no instructions.
    if (cast<RankedTensorType>(layer.getResult().getType()).getNumElements() ==
        0)
      continue;
    std::string name = getNodeName(op);
    for (Operation *fusedOp : layer.epilogue)
      name += "+" + getNodeName(fusedOp);
    uint64_t before = scheduler.size(), macsBefore = emitter.getNumMacs();
    scheduler.beginLayer(name);
    LogicalResult result =
        isContraction(op) ? emitContraction(emitter, op, layer.epilogue)
        : llvm::isa<spa::SoftmaxOp, spa::LogSoftmaxOp, spa::LayerNormOp,
              spa::ReduceMeanOp, spa::ReduceSumOp, spa::ReduceMaxOp,
              spa::ReduceMinOp, spa::MaxPool2DOp, spa::AvgPool2DOp,
              spa::GlobalAvgPool2DOp, spa::GlobalMaxPool2DOp>(op)
            ? emitReduction(emitter, op)
        : llvm::isa<spa::TransposeOp, spa::ReshapeOp, spa::ConcatOp, spa::SliceOp,
              spa::PadOp, spa::ExpandOp, spa::TileOp, spa::ResizeOp,
              spa::GatherOp>(op)
            ? emitDataMovement(emitter, op)
            : emitElementwise(emitter, op, layer.epilogue);
    scheduler.endLayer();
    if (failed(result))
      return failure();
    ++numLayers;
    llvm::json::Array ops;
    ops.push_back(op->getName().getStringRef());
    for (Operation *fusedOp : layer.epilogue)
      ops.push_back(fusedOp->getName().getStringRef());
    llvm::json::Object entry{
        {"name", name},
        {"ops", std::move(ops)},
        {"instructions", int64_t(scheduler.size() - before)},
        {"macs", int64_t(emitter.getNumMacs() - macsBefore)},
    };
    for (auto &[key, value] : emitter.getLayerNotes())
      entry[key] = std::move(value);
    emitter.getLayerNotes().clear();
    layerReport.push_back(std::move(entry));
  }

  // Outputs whose bytes belong to something else are copied.
  for (auto [index, result] : llvm::enumerate(returnOp.getOperands())) {
    auto type = cast<RankedTensorType>(result.getType());
    FailureOr<View> src = emitter.lookup(result, returnOp);
    if (failed(src))
      return failure();
    uint64_t addr = copyAddrs[index];
    if (needsCopy[index]) {
      scheduler.beginLayer(llvm::formatv("output{0}", index).str());
      emitCopy(emitter, *src, View::contiguous(addr, src->dtype,
                                               type.getShape()));
      scheduler.endLayer();
    } else {
      addr = src->addr;
    }
    auto name = func.getResultAttrOfType<StringAttr>(index, "onnx.name");
    binary::Tensor tensor;
    tensor.name = name ? name.getValue().str()
                       : llvm::formatv("output{0}", index).str();
    tensor.kind = binary::Tensor::Kind::Output;
    tensor.dtype = src->dtype;
    tensor.shape.assign(type.getShape().begin(), type.getShape().end());
    tensor.dramAddr = addr;
    program.tensors.push_back(std::move(tensor));
  }

  numInstructions = scheduler.size();
  numTokens = scheduler.getNumTokens();
  scheduler.finish(program);
  program.dramSize = std::max<uint64_t>(emitter.getDramEnd(), 64);

  uint64_t constantBytes = 0;
  for (const binary::Constant &constant : program.constants)
    constantBytes += constant.data.size();
  report["target"] = t.name;
  report["dram"] = llvm::json::Object{
      {"arena_peak_bytes", int64_t(arenaBytes)},
      {"io_bytes", int64_t(emitter.getDramEnd() - arenaBytes - constantBytes)},
      {"constant_bytes", int64_t(constantBytes)},
      {"total_bytes", int64_t(program.dramSize)},
  };
  report["instructions"] = llvm::json::Object{
      {"load", int64_t(program.queues[0].size())},
      {"compute", int64_t(program.queues[1].size())},
      {"store", int64_t(program.queues[2].size())},
      {"tokens", int64_t(scheduler.getNumTokens())},
      {"relay_syncs", int64_t(scheduler.getNumRelays())},
  };
  report["macs"] = int64_t(emitter.getNumMacs());
  report["fused_activations"] = fusedCount;
  report["layers"] = std::move(layerReport);
  return success();
}

void ConvertSpaToSpt::runOnOperation() {
  ModuleOp module = getOperation();
  auto func = module.lookupSymbol<func::FuncOp>("main");
  if (!func) {
    module.emitError("no func.func @main to compile");
    return signalPassFailure();
  }
  llvm::Expected<target::TargetDescription> t =
      target::loadTarget(targetName);
  if (!t) {
    module.emitError() << llvm::toString(t.takeError());
    return signalPassFailure();
  }

  binary::Program program;
  program.setTarget(*t);
  llvm::json::Object report;
  if (failed(compile(func, *t, program, report)))
    return signalPassFailure();
  if (llvm::Error error = binary::verifyProgram(program, *t)) {
    func.emitError() << "internal error: the compiled program does not "
                        "verify: "
                     << llvm::toString(std::move(error));
    return signalPassFailure();
  }

  OwningOpRef<ModuleOp> imported =
      importProgram(std::move(program), &getContext());
  if (!imported)
    return signalPassFailure();
  // The program's constants live in the imported module's resources, which
  // share the context; move the program op over.
  bool isPreset = llvm::is_contained(target::getPresetNames(), targetName);
  for (Operation &op : llvm::make_early_inc_range(*imported->getBody())) {
    // A preset is named; a target file stays embedded as its JSON, so the
    // program does not depend on the file.
    if (auto programOp = dyn_cast<spt::ProgramOp>(op); programOp && isPreset)
      programOp.setTarget(targetName);
    op.moveBefore(func);
  }
  func.erase();

  if (!reportFile.empty()) {
    std::string error;
    auto file = mlir::openOutputFile(reportFile, &error);
    if (!file) {
      module.emitError() << error;
      return signalPassFailure();
    }
    file->os() << llvm::formatv("{0:2}",
                                llvm::json::Value(std::move(report)))
               << "\n";
    file->keep();
  }
}
