//===- CodeGen.h - Instruction emission for spa ops -------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The shared machinery of `convert-spa-to-spt`: where each tensor lives in
// DRAM, the scratchpad allocator, DMA and compute helpers, and the
// entry point of every op family's emitter. Emitters write instructions in
// one correct sequential order; the Scheduler (spc/Target/Schedule.h) splits
// them into the three queues with dependency tokens. Scratchpad space comes
// from a ring per buffer, so consecutive tiles land in different places and
// the next tile's loads overlap this tile's compute (double buffering) as
// long as a tile takes at most half of each buffer (`getTileBudget`).
//
// See docs/Compiler.md.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_LIB_CONVERSION_SPATOSPT_CODEGEN_H
#define SPC_LIB_CONVERSION_SPATOSPT_CODEGEN_H

#include "spc/Dialect/Spa/IR/Spa.h"
#include "spc/Target/Binary.h"
#include "spc/Target/Schedule.h"
#include "spc/Target/TargetDescription.h"

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/JSON.h"

#include <memory>
#include <optional>

namespace spc::codegen {

/// The ISA element type of `type`, if the accelerator has one (ISA §1.1).
std::optional<isa::DType> getDType(mlir::Type type);

/// The ONNX node `op` came from, as the importer's location names it.
using spa::getNodeName;
/// An error on `op` that starts by naming its ONNX node and op:
/// `node 'conv1' (spa.conv2d): ...`. Every emitter reports through it.
mlir::InFlightDiagnostic emitNodeError(mlir::Operation *op);

/// The elements of a constant tensor (`spa.constant`) as doubles, splats
/// expanded; none when `value` is not a readable constant of a float or
/// integer type.
std::optional<llvm::SmallVector<double>> readConstant(mlir::Value value);

/// A strided view of DRAM: element (i0, i1, ...) is at
/// `addr + es * Σ i_d * strides[d]`. A zero stride broadcasts.
struct View {
  uint64_t addr = 0;
  isa::DType dtype = isa::DType::F32;
  llvm::SmallVector<int64_t, 4> shape;
  llvm::SmallVector<int64_t, 4> strides;

  /// The row-major view of a dense tensor.
  static View contiguous(uint64_t addr, isa::DType dtype,
                         llvm::ArrayRef<int64_t> shape);
  int64_t getNumElements() const;
  unsigned getElementSize() const { return isa::elementSize(dtype); }
  /// NumPy broadcasting to `shape` (right-aligned, stride 0 on new and
  /// size-1 dimensions).
  View broadcastTo(llvm::ArrayRef<int64_t> shape) const;
  /// The view with dimensions permuted: result dim i is dim perm[i].
  View permute(llvm::ArrayRef<int64_t> perm) const;
};

/// Merges adjacent dimensions that every view walks contiguously and drops
/// dimensions of size 1, so that all views keep the same (smaller) shape.
/// The result has rank at least 1.
void collapseJointly(llvm::MutableArrayRef<View *> views);

/// One function's compile state: the target, the DRAM map, the scratchpad
/// rings and the instruction stream.
class Emitter {
public:
  Emitter(const target::TargetDescription &target,
          schedule::Scheduler &scheduler, binary::Program &program);

  const target::TargetDescription &getTarget() const { return target; }

  //===--------------------------------------------------------------------===//
  // DRAM
  //===--------------------------------------------------------------------===//

  /// Records that `value` lives densely at `addr`.
  void bind(mlir::Value value, uint64_t addr) { addresses[value] = addr; }
  /// The dense row-major view of a tensor value: a function argument, an op
  /// result the memory plan placed, or a constant (copied into the binary on
  /// first use). Fails with an error on `user` when the element type has no
  /// ISA type or a constant cannot be read.
  mlir::FailureOr<View> lookup(mlir::Value value, mlir::Operation *user);
  /// Adds a constant to the binary and returns its DRAM address. `rows` and
  /// `cols` describe it for the disassembler (ISA §6.3); a packed constant
  /// (ISA §6.4.4) gives its format and, for N:M, its pattern.
  uint64_t addConstant(llvm::StringRef name, isa::DType dtype, uint32_t rows,
                       uint32_t cols, std::vector<uint8_t> data,
                       isa::Format format = isa::Format::Dense,
                       unsigned n = 0, unsigned m = 0);
  /// Reserves DRAM for the constants section after everything the memory
  /// plan placed.
  void setConstantBase(uint64_t base) { nextConstant = base; }
  uint64_t getDramEnd() const { return nextConstant; }

  //===--------------------------------------------------------------------===//
  // Scratchpads
  //===--------------------------------------------------------------------===//

  uint64_t getCapacity(isa::Buffer buffer) const;
  /// The most one tile should take of `buffer`: half of it, so that the next
  /// tile can load while this one computes.
  uint64_t getTileBudget(isa::Buffer buffer) const {
    return getCapacity(buffer) / 2;
  }
  /// `bytes` of `buffer`, 64-byte aligned, from its ring. Earlier
  /// allocations are reused in turn; the scheduler orders the reuse.
  uint32_t alloc(isa::Buffer buffer, uint64_t bytes);

  //===--------------------------------------------------------------------===//
  // Instructions
  //===--------------------------------------------------------------------===//

  void emit(const isa::Instruction &inst) { scheduler.add(inst); }
  /// DMA of a DRAM view of rank <= 4 (leading dimensions are added) to or
  /// from the scratchpad, where element i lands at `sram + es * Σ i_d *
  /// sramStrides[d]`; `sramStrides` has the view's rank. Loads may pad each
  /// dimension with `padValue` (bit pattern of the element type).
  void load(isa::Buffer buffer, uint32_t sram, const View &src,
            llvm::ArrayRef<int64_t> sramStrides,
            llvm::ArrayRef<int64_t> padLo = {},
            llvm::ArrayRef<int64_t> padHi = {}, uint32_t padValue = 0);
  void store(isa::Buffer buffer, uint32_t sram, const View &dst,
             llvm::ArrayRef<int64_t> sramStrides);
  /// A dense row-major load or store: the view lands at `sram` with
  /// row-major strides of its own shape.
  void loadDense(isa::Buffer buffer, uint32_t sram, const View &src);
  void storeDense(isa::Buffer buffer, uint32_t sram, const View &dst);

  /// Statistics for the report.
  uint64_t getNumMacs() const { return numMacs; }
  void countMacs(uint64_t macs) { numMacs += macs; }
  /// Fields the current layer's emitter adds to its entry of the report
  /// (how its weights are stored, its estimated cycles).
  llvm::json::Object &getLayerNotes() { return layerNotes; }

  /// State an op family keeps across the layers of the program (the
  /// contraction plans chosen so far, by problem), created on first use.
  template <typename T> T &getState() {
    static const char key = 0;
    std::shared_ptr<void> &slot = states[&key];
    if (!slot)
      slot = std::make_shared<T>();
    return *static_cast<T *>(slot.get());
  }

private:
  const target::TargetDescription &target;
  schedule::Scheduler &scheduler;
  binary::Program &program;
  llvm::DenseMap<mlir::Value, uint64_t> addresses;
  llvm::DenseMap<mlir::Value, uint64_t> constants;
  uint64_t nextConstant = 0;
  std::array<uint64_t, isa::kNumBuffers> ringNext = {0, 0, 0};
  uint64_t numMacs = 0;
  llvm::json::Object layerNotes;
  llvm::DenseMap<const void *, std::shared_ptr<void>> states;
};

/// A 2-D VEC operand view in the scratchpad.
inline isa::VecOperand sramOperand(isa::Buffer buffer, uint32_t addr,
                                   int64_t rowStride, int64_t colStride = 1) {
  return {buffer, addr, static_cast<int32_t>(rowStride),
          static_cast<int32_t>(colStride)};
}

/// The chunk of an element-wise computation `forEachChunk` hands to its
/// body: `rows x cols` elements, each input as a VEC operand (a broadcast
/// input has stride 0), and the output's operand.
struct Chunk {
  uint16_t rows = 1, cols = 1;
  llvm::SmallVector<isa::VecOperand, 3> inputs;
  isa::VecOperand output;
  /// Where the chunk is in the (dense) output: the element index of its
  /// first element and the element distance between its rows.
  int64_t outputOffset = 0, outputRowStride = 0;
};

/// Runs an element-wise computation over `out` (a dense tensor) chunk by
/// chunk: loads each input chunk into `act` (inputs are views already
/// broadcast to `out`'s shape; broadcast dimensions are loaded once), calls
/// `body` to emit the VEC instructions that write the output chunk (in
/// `acc`), and stores it. Chunks take at most `budget` of a tile's
/// budget over all operands.
void forEachChunk(Emitter &emitter, const View &out,
                  llvm::ArrayRef<View> inputs,
                  llvm::function_ref<void(const Chunk &)> body);

/// A VEC instruction over a chunk.
isa::Instruction makeVec(isa::VecFunc func, isa::DType src, isa::DType dst,
                         uint16_t rows, uint16_t cols, isa::VecOperand out,
                         isa::VecOperand src1,
                         isa::VecOperand src2 = isa::VecOperand(),
                         float imm0 = 0.0f, float imm1 = 0.0f,
                         int32_t imm2 = 0);

//===----------------------------------------------------------------------===//
// Op families. Each emits the instructions of one op (a layer) and fails
// with an error on the op naming the reason when the accelerator cannot run
// it.
//===----------------------------------------------------------------------===//

/// Whether `op` can run on a GEMM's accumulator tile before it is stored
/// (an activation with one input of the contraction's type).
bool isFusibleEpilogue(mlir::Operation *op);
/// Emits `op` (isFusibleEpilogue) in place on a `rows x cols` f32 tile.
void emitEpilogue(Emitter &emitter, mlir::Operation *op, uint16_t rows,
                  uint16_t cols, isa::VecOperand tile);

/// EmitContraction.cpp: conv2d, conv_transpose2d, matmul, gemm, with the
/// activations in `epilogue` applied to each output tile; the result is
/// that of the last epilogue op.
mlir::LogicalResult emitContraction(Emitter &emitter, mlir::Operation *op,
                                    llvm::ArrayRef<mlir::Operation *> epilogue);
/// EmitElementwise.cpp: element-wise arithmetic and activations, clip,
/// cast, prelu, select, quantize, dequantize, batch_norm. A binary op applies
/// the activations in `epilogue` to each chunk before it is stored; the
/// result is that of the last epilogue op.
mlir::LogicalResult
emitElementwise(Emitter &emitter, mlir::Operation *op,
                llvm::ArrayRef<mlir::Operation *> epilogue = {});
/// EmitReduction.cpp: softmax, log_softmax, layer_norm, reductions and
/// pooling.
mlir::LogicalResult emitReduction(Emitter &emitter, mlir::Operation *op);
/// EmitDataMovement.cpp: transpose, concat, slice, pad, expand, tile,
/// resize and gather. (Reshapes alias their input and need no code.)
mlir::LogicalResult emitDataMovement(Emitter &emitter, mlir::Operation *op);
/// Copies the dense tensor `src` to `dst` through the scratchpad.
void emitCopy(Emitter &emitter, const View &src, const View &dst);

} // namespace spc::codegen

#endif // SPC_LIB_CONVERSION_SPATOSPT_CODEGEN_H
