//===- SptOps.td - Spt target-level operations -------------*- tablegen -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// One op per instruction of docs/ISA.md (§3, §4), and the container ops that
// hold the tables of the binary (§6). Every field of an instruction word is an
// attribute whose integer type has the field's width, so a value that does not
// fit the word cannot be written; the verifiers add the ISA's other rules.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_DIALECT_SPT_IR_SPTOPS_TD
#define SPC_DIALECT_SPT_IR_SPTOPS_TD

include "spc/Dialect/Spt/IR/SptDialect.td"
include "spc/Dialect/Spt/IR/SptAttrDefs.td"
include "spc/Dialect/Spt/IR/SptInterfaces.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/SymbolInterfaces.td"

// clang-format off

//===----------------------------------------------------------------------===//
// Base classes and constraints
//===----------------------------------------------------------------------===//

class Spt_Op<string mnemonic, list<Trait> traits = []>
    : Op<Spt_Dialect, mnemonic, traits>;

/// An instruction op. `queue` is the C++ value of the queue its opcode must
/// run on (ISA §2), or std::nullopt.
class Spt_InstOp<string mnemonic, string queue, list<Trait> traits = []>
    : Spt_Op<mnemonic, !listconcat(traits, [
        HasParent<"QueueOp">,
        DeclareOpInterfaceMethods<Spt_InstructionOpInterface,
                                  ["getRequiredQueue"]>])> {
  let extraClassDefinition = [{
    std::optional<::spc::spt::Queue> $cppClass::getRequiredQueue() {
      return }] # queue # [{;
    }
  }];
}

def Spt_DepsDefault : DefaultValuedAttr<Spt_Deps, "::spc::spt::Deps::none">;

def Spt_U8Zero : DefaultValuedAttr<UI8Attr, "0">;
def Spt_U16Zero : DefaultValuedAttr<UI16Attr, "0">;
def Spt_U32Zero : DefaultValuedAttr<UI32Attr, "0">;
def Spt_I8Zero : DefaultValuedAttr<SI8Attr, "0">;
def Spt_I32Zero : DefaultValuedAttr<SI32Attr, "0">;
def Spt_F32Zero : DefaultValuedAttr<F32Attr, "0.0f">;

/// Four per-dimension values of a DMA box (ISA §3.1), outermost first.
def Spt_Box : ConfinedAttr<DenseI64ArrayAttr, [DenseArrayCount<4>]>;
def Spt_PadDefault : DefaultValuedAttr<Spt_Box, "{0, 0, 0, 0}">;

/// Constant data: raw bytes in a resource blob, never a textual attribute.
def Spt_ByteBlobAttr : Attr<CPred<"::spc::spt::isByteBlob($_self)">,
                            "a 1-D dense_resource blob of i8 or ui8"> {
  let storageType = "::mlir::DenseResourceElementsAttr";
  let returnType = "::mlir::DenseResourceElementsAttr";
  let convertFromStorage = "$_self";
}

//===----------------------------------------------------------------------===//
// Containers
//===----------------------------------------------------------------------===//

def Spt_ProgramOp : Spt_Op<"program", [Symbol, IsolatedFromAbove, SingleBlock,
                                       NoTerminator, NoRegionArguments]> {
  let summary = "A compiled program: everything one .spab binary holds";
  let description = [{
    The container of one binary (ISA §6). `target` names the target the
    program is built for: a preset name (`dense-systolic`, `sparse-2of4`,
    `flexible-nm`, `relaxed-nm`, `high-sparsity`), a path to a target file,
    or the canonical target JSON itself (a string that starts with `{`, which
    is what `--import-binary` writes so that the round trip is exact).
    `dram_size` is the DRAM size in bytes (ISA §6.1).

    The body holds, in any order, the `spt.tensor`, `spt.constant` and
    `spt.layer` tables (each table keeps the order of its ops) and exactly one
    `spt.queue` of each kind. The verifier checks that every DRAM range lies
    inside `dram_size`, that constants overlap neither each other nor
    tensors, and that layer ranges lie inside their queues without
    overlapping (ISA §6.3, §7).

    Example:

    ```mlir
    spt.program @main target "dense-systolic" dram_size 65536 {
      spt.tensor input "x" f32 [4, 4] at 0
      spt.tensor output "y" f32 [4, 4] at 64
      spt.layer "copy" load [0, 2) compute [0, 2) store [0, 2)
      spt.queue load {
        spt.load f32 dram[0] to acc[0] size [1, 1, 4, 4] dram_stride [0, 0, 4, 1]
            sram_stride [0, 0, 4, 1] deps(push_next)
        spt.end
      }
      spt.queue compute {
        spt.sync deps(pop_prev, push_next)
        spt.end
      }
      spt.queue store {
        spt.store f32 acc[0] to dram[64] size [1, 1, 4, 4]
            dram_stride [0, 0, 4, 1] sram_stride [0, 0, 4, 1] deps(pop_prev)
        spt.end
      }
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, StrAttr:$target,
                       UI64Attr:$dram_size);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $sym_name `target` $target `dram_size` $dram_size attr-dict-with-keyword
    $body
  }];
  let hasRegionVerifier = 1;
  let builders = [
    OpBuilder<(ins "::llvm::StringRef":$name, "::llvm::StringRef":$target,
                   "uint64_t":$dramSize)>
  ];
  let extraClassDeclaration = [{
    /// The queue of `kind`, or null when the body has none.
    QueueOp getQueue(Queue kind);
  }];
}

def Spt_QueueOp : Spt_Op<"queue", [HasParent<"ProgramOp">, SingleBlock,
                                   NoTerminator, NoRegionArguments]> {
  let summary = "One in-order instruction queue";
  let description = [{
    The instructions of the load, compute or store queue (ISA §1.2), in
    order; the `i`-th op is instruction `i` of the queue's section. A
    non-empty queue ends with `spt.end`, which appears nowhere else (ISA §2).
    Only instruction ops may appear in a queue.

    Example:

    ```mlir
    spt.queue compute {
      spt.sync deps(pop_prev)
      spt.end
    }
    ```
  }];
  let arguments = (ins Spt_Queue:$kind);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$kind attr-dict-with-keyword $body";
  let hasRegionVerifier = 1;
  let builders = [OpBuilder<(ins "::spc::spt::Queue":$kind)>];
  let extraClassDeclaration = [{
    /// The instruction ops in order; empty when the region has no block.
    ::llvm::SmallVector<InstructionOpInterface> getInstructions();
  }];
}

def Spt_TensorOp : Spt_Op<"tensor", [HasParent<"ProgramOp">]> {
  let summary = "A model input or output in DRAM";
  let description = [{
    One entry of the TENSORS table (ISA §6.3): the ONNX name, whether it is an
    input or an output, its element type and shape, and the DRAM address at
    which it is stored dense and row-major.

    Example:

    ```mlir
    spt.tensor input "input.1" f32 [1, 3, 32, 32] at 4096
    ```
  }];
  let arguments = (ins Spt_TensorKind:$kind, StrAttr:$name, Spt_DType:$dtype,
                       DenseI64ArrayAttr:$shape, UI64Attr:$dram_addr);
  let assemblyFormat = "$kind $name $dtype $shape `at` $dram_addr attr-dict";
  let hasVerifier = 1;
}

def Spt_ConstantOp : Spt_Op<"constant", [HasParent<"ProgramOp">]> {
  let summary = "Bytes copied to DRAM before the run (weights, tables)";
  let description = [{
    One entry of the CONSTANTS table (ISA §6.3). The data are the packed bytes
    exactly as they go to DRAM, held in a `dense_resource` blob of `i8` or
    `ui8` so that weights are never printed or parsed as text. `format`,
    `rows`, `cols` and the optional `(n:m)` pattern describe the packing
    (ISA §6.4) for the disassembler and reports.

    Syntax: `spt.constant NAME DTYPE FORMAT[(N:M)] rows R cols C at ADDR = BLOB`.

    Example:

    ```mlir
    spt.constant "conv1.weight" f32 nm(2:4) rows 64 cols 576 at 8192
        = dense_resource<conv1_weight> : tensor<78336xi8>
    ```
  }];
  let arguments = (ins StrAttr:$name, Spt_DType:$dtype, Spt_Format:$format,
                       Spt_U16Zero:$n, Spt_U16Zero:$m, UI32Attr:$rows,
                       UI32Attr:$cols, UI64Attr:$dram_addr,
                       Spt_ByteBlobAttr:$data);
  let assemblyFormat = [{
    $name $dtype $format (`(` $n^ `` `:` `` $m `)`)? `rows` $rows `cols` $cols
    `at` $dram_addr `=` $data attr-dict
  }];
  let hasVerifier = 1;
}

def Spt_LayerOp : Spt_Op<"layer", [HasParent<"ProgramOp">]> {
  let summary = "The instructions of one model node";
  let description = [{
    One entry of the LAYERS table (ISA §6.3): for each queue, the half-open
    range `[begin, end)` of its instructions that belong to the layer. The
    disassembler and the emulator's per-layer report use it.

    Example:

    ```mlir
    spt.layer "/conv1/Conv" load [0, 6) compute [0, 9) store [0, 1)
    ```
  }];
  let arguments = (ins StrAttr:$name,
                       UI32Attr:$load_begin, UI32Attr:$load_end,
                       UI32Attr:$compute_begin, UI32Attr:$compute_end,
                       UI32Attr:$store_begin, UI32Attr:$store_end);
  let assemblyFormat = [{
    $name `load` ` ` `[` $load_begin `,` $load_end `)`
    `compute` ` ` `[` $compute_begin `,` $compute_end `)`
    `store` ` ` `[` $store_begin `,` $store_end `)` attr-dict
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The [begin, end) range of `queue`.
    std::pair<uint32_t, uint32_t> getRange(Queue queue);
  }];
}

//===----------------------------------------------------------------------===//
// Data movement and synchronisation (ISA §3)
//===----------------------------------------------------------------------===//

def Spt_LoadOp : Spt_InstOp<"load", "Queue::Load"> {
  let summary = "LOAD: strided 4-D DMA from DRAM into a scratchpad";
  let description = [{
    Opcode `0x10` (ISA §3.1). Copies the box `size` (elements, outermost
    dimension first) from DRAM at `dram_addr` (bytes) to `buffer` at
    `sram_addr` (bytes), with per-dimension element strides on both sides.
    `pad_lo`/`pad_hi` surround the box with `pad_value` (the raw 32-bit
    pattern: f32 bits or the integer); they are printed only when not zero.
    Every size is in [1, 65535], every stride a u32, every pad a u8.

    Example:

    ```mlir
    spt.load f32 dram[4096] to act[0] size [1, 3, 32, 32]
        dram_stride [0, 1024, 32, 1] sram_stride [0, 1156, 34, 1]
        pad_lo [0, 0, 1, 1] pad_hi [0, 0, 1, 1] deps(pop_next, push_next)
    ```
  }];
  let arguments = (ins Spt_DType:$dtype, UI32Attr:$dram_addr,
                       Spt_Buffer:$buffer, UI32Attr:$sram_addr,
                       Spt_Box:$size, Spt_Box:$dram_stride,
                       Spt_Box:$sram_stride, Spt_PadDefault:$pad_lo,
                       Spt_PadDefault:$pad_hi, Spt_U32Zero:$pad_value,
                       Spt_DepsDefault:$deps);
  let assemblyFormat = [{
    $dtype `dram` `[` $dram_addr `]` `to` $buffer `[` $sram_addr `]`
    `size` $size `dram_stride` $dram_stride `sram_stride` $sram_stride
    (`pad_lo` $pad_lo^)? (`pad_hi` $pad_hi^)? (`pad_value` $pad_value^)?
    `` custom<Deps>($deps) attr-dict
  }];
  let hasVerifier = 1;
}

def Spt_StoreOp : Spt_InstOp<"store", "Queue::Store"> {
  let summary = "STORE: strided 4-D DMA from a scratchpad to DRAM";
  let description = [{
    Opcode `0x18` (ISA §3.1). Copies the box `size` from `buffer` at
    `sram_addr` to DRAM at `dram_addr`; strides as `spt.load`. The word's
    padding fields are zero, so the op has none.

    Example:

    ```mlir
    spt.store f32 acc[0] to dram[8192] size [1, 1, 16, 64]
        dram_stride [0, 0, 64, 1] sram_stride [0, 0, 64, 1] deps(pop_prev, push_prev)
    ```
  }];
  let arguments = (ins Spt_DType:$dtype, Spt_Buffer:$buffer,
                       UI32Attr:$sram_addr, UI32Attr:$dram_addr,
                       Spt_Box:$size, Spt_Box:$dram_stride,
                       Spt_Box:$sram_stride, Spt_DepsDefault:$deps);
  let assemblyFormat = [{
    $dtype $buffer `[` $sram_addr `]` `to` `dram` `[` $dram_addr `]`
    `size` $size `dram_stride` $dram_stride `sram_stride` $sram_stride
    `` custom<Deps>($deps) attr-dict
  }];
  let hasVerifier = 1;
}

def Spt_LoadDecompOp : Spt_InstOp<"load_decomp", "Queue::Load"> {
  let summary = "LOAD.DECOMP: load packed weights and write them dense";
  let description = [{
    Opcode `0x11` (ISA §3.2). Reads a `rows x cols` matrix packed as `nm(n:m)`
    (ISA §6.4.1) or `bitmap` (§6.4.2) from DRAM (values at `dram[...]`,
    metadata at `meta[...]`) and writes it dense into `buffer` at
    `sram_addr`, rows `stride` elements apart. `dtype` is `f32` or `i8`; with
    `nm`, `1 <= n <= m <= 256` and `m` divides `cols`; the row stride is
    at least `cols`.

    Example:

    ```mlir
    spt.load_decomp f32 nm(2:4) rows 64 cols 128 dram[0] meta[16384]
        to wgt[0, stride 128] deps(push_next)
    ```
  }];
  let arguments = (ins Spt_DType:$dtype, Spt_Format:$format,
                       Spt_U16Zero:$n, Spt_U16Zero:$m, UI16Attr:$rows,
                       UI16Attr:$cols, UI32Attr:$dram_addr,
                       UI32Attr:$dram_meta_addr, Spt_Buffer:$buffer,
                       UI32Attr:$sram_addr, UI32Attr:$sram_row_stride,
                       Spt_DepsDefault:$deps);
  let assemblyFormat = [{
    $dtype $format (`(` $n^ `` `:` `` $m `)`)? `rows` $rows `cols` $cols
    `dram` `[` $dram_addr `]` `meta` `[` $dram_meta_addr `]`
    `to` $buffer `[` $sram_addr `,` `stride` $sram_row_stride `]`
    `` custom<Deps>($deps) attr-dict
  }];
  let hasVerifier = 1;
}

def Spt_SyncOp : Spt_InstOp<"sync", "std::nullopt"> {
  let summary = "SYNC: only pop and push dependency tokens";
  let description = [{
    Opcode `0x01` (ISA §3.3). Has no operands; it waits for the tokens its
    `deps` pop and pushes the tokens its `deps` push. Valid on every queue.

    Example:

    ```mlir
    spt.sync deps(pop_prev, push_next)
    ```
  }];
  let arguments = (ins Spt_DepsDefault:$deps);
  let assemblyFormat = "`` custom<Deps>($deps) attr-dict";
}

def Spt_EndOp : Spt_InstOp<"end", "std::nullopt"> {
  let summary = "END: the last instruction of a queue";
  let description = [{
    Opcode `0x02` (ISA §3.3). Marks the end of a queue: it is the last op of
    every non-empty `spt.queue` and appears nowhere else. Its `deps` must be
    empty.

    Example:

    ```mlir
    spt.end
    ```
  }];
  let arguments = (ins Spt_DepsDefault:$deps);
  let assemblyFormat = "`` custom<Deps>($deps) attr-dict";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Matrix unit (ISA §4.1-§4.4)
//===----------------------------------------------------------------------===//

/// The fields GEMM, GEMM.NM and GEMM.SP share (bytes 2-39 of the word).
class Spt_GemmOpBase<string mnemonic> : Spt_InstOp<mnemonic, "Queue::Compute"> {
  let hasVerifier = 1;
}

def Spt_GemmOp : Spt_GemmOpBase<"gemm"> {
  let summary = "GEMM: dense matrix tile";
  let description = [{
    Opcode `0x20` (ISA §4.2). `acc[m][n] (= or +=) sum_k act[m][k] *
    wgt[n][k]` for an `M x N x K` tile; each operand is `buffer[address,
    stride row_stride]` with the row stride in elements. `accumulate` adds to
    `acc` instead of overwriting it. `act_nm(n:m)` declares that the
    activations are N:M along `k` (TASD-A output), with `1 <= n <= m <= 256`
    and `m` dividing `K`. `dtype` is `f32` or `i8` (`i8` operands accumulate
    into `i32`); the zero points `a_zp` and `w_zp` need `i8`.

    Example:

    ```mlir
    spt.gemm f32 M=64 N=64 K=64 act[0, stride 64] wgt[0, stride 64]
        acc[0, stride 64] accumulate deps(pop_prev)
    spt.gemm i8 M=16 N=32 K=64 act[0, stride 64] wgt[0, stride 64]
        acc[0, stride 32] act_nm(2:4) a_zp -3 w_zp 1
    ```
  }];
  let arguments = (ins Spt_DType:$dtype, UI16Attr:$M, UI16Attr:$N,
                       UI16Attr:$K, UI32Attr:$act_addr,
                       UI32Attr:$act_row_stride, UI32Attr:$wgt_addr,
                       UI32Attr:$wgt_row_stride, UI32Attr:$acc_addr,
                       UI32Attr:$acc_row_stride, UnitAttr:$accumulate,
                       Spt_U16Zero:$act_n, Spt_U16Zero:$act_m,
                       Spt_I8Zero:$a_zp, Spt_I8Zero:$w_zp,
                       Spt_DepsDefault:$deps);
  let assemblyFormat = [{
    $dtype `M` `` `=` `` $M `N` `` `=` `` $N `K` `` `=` `` $K
    `act` `[` $act_addr `,` `stride` $act_row_stride `]`
    `wgt` `[` $wgt_addr `,` `stride` $wgt_row_stride `]`
    `acc` `[` $acc_addr `,` `stride` $acc_row_stride `]`
    (`accumulate` $accumulate^)? (`act_nm` `(` $act_n^ `` `:` `` $act_m `)`)?
    (`a_zp` $a_zp^)? (`w_zp` $w_zp^)? `` custom<Deps>($deps) attr-dict
  }];
}

def Spt_GemmNMOp : Spt_GemmOpBase<"gemm_nm"> {
  let summary = "GEMM.NM: matrix tile with N:M structured sparse weights";
  let description = [{
    Opcode `0x21` (ISA §4.3). As `spt.gemm`, but each weight row is packed
    N:M (ISA §6.4.1) with the pattern written after the dtype: the packed
    values at `wgt[...]` (row stride in elements) and the index metadata at
    `meta[address, stride bytes]`. `K` is the dense reduction length, a
    multiple of `m`; `1 <= n <= m <= 256`. The weight zero point is zero, so
    the op has no `w_zp`. The target must run the pattern (checked when the
    program is emitted).

    Example:

    ```mlir
    spt.gemm_nm f32 2:4 M=64 N=64 K=128 act[0, stride 128] wgt[0, stride 64]
        meta[16384, stride 16] acc[0, stride 64] deps(pop_prev, push_next)
    ```
  }];
  let arguments = (ins Spt_DType:$dtype, UI16Attr:$wgt_n, UI16Attr:$wgt_m,
                       UI16Attr:$M, UI16Attr:$N, UI16Attr:$K,
                       UI32Attr:$act_addr, UI32Attr:$act_row_stride,
                       UI32Attr:$wgt_addr, UI32Attr:$wgt_row_stride,
                       UI32Attr:$meta_addr, UI32Attr:$meta_row_stride,
                       UI32Attr:$acc_addr, UI32Attr:$acc_row_stride,
                       UnitAttr:$accumulate, Spt_U16Zero:$act_n,
                       Spt_U16Zero:$act_m, Spt_I8Zero:$a_zp,
                       Spt_DepsDefault:$deps);
  let assemblyFormat = [{
    $dtype $wgt_n `` `:` `` $wgt_m
    `M` `` `=` `` $M `N` `` `=` `` $N `K` `` `=` `` $K
    `act` `[` $act_addr `,` `stride` $act_row_stride `]`
    `wgt` `[` $wgt_addr `,` `stride` $wgt_row_stride `]`
    `meta` `[` $meta_addr `,` `stride` $meta_row_stride `]`
    `acc` `[` $acc_addr `,` `stride` $acc_row_stride `]`
    (`accumulate` $accumulate^)? (`act_nm` `(` $act_n^ `` `:` `` $act_m `)`)?
    (`a_zp` $a_zp^)? `` custom<Deps>($deps) attr-dict
  }];
}

def Spt_GemmSparseOp : Spt_GemmOpBase<"gemm_sp"> {
  let summary = "GEMM.SP: matrix tile with unstructured (CSR) sparse weights";
  let description = [{
    Opcode `0x22` (ISA §4.4). As `spt.gemm`, with the weights in compressed
    sparse rows (ISA §6.4.3): values at `wgt[...]`, u16 column indices at
    `idx[...]` and `N + 1` u32 row pointers at `ptr[...]`, all in the `wgt`
    scratchpad. The weight row stride and zero point are zero, so the op has
    neither. The target needs an unstructured mode.

    Example:

    ```mlir
    spt.gemm_sp f32 M=16 N=64 K=256 act[0, stride 256] wgt[0] idx[8192]
        ptr[12288] acc[0, stride 64]
    ```
  }];
  let arguments = (ins Spt_DType:$dtype, UI16Attr:$M, UI16Attr:$N,
                       UI16Attr:$K, UI32Attr:$act_addr,
                       UI32Attr:$act_row_stride, UI32Attr:$wgt_addr,
                       UI32Attr:$idx_addr, UI32Attr:$ptr_addr,
                       UI32Attr:$acc_addr, UI32Attr:$acc_row_stride,
                       UnitAttr:$accumulate, Spt_U16Zero:$act_n,
                       Spt_U16Zero:$act_m, Spt_I8Zero:$a_zp,
                       Spt_DepsDefault:$deps);
  let assemblyFormat = [{
    $dtype `M` `` `=` `` $M `N` `` `=` `` $N `K` `` `=` `` $K
    `act` `[` $act_addr `,` `stride` $act_row_stride `]`
    `wgt` `[` $wgt_addr `]` `idx` `[` $idx_addr `]` `ptr` `[` $ptr_addr `]`
    `acc` `[` $acc_addr `,` `stride` $acc_row_stride `]`
    (`accumulate` $accumulate^)? (`act_nm` `(` $act_n^ `` `:` `` $act_m `)`)?
    (`a_zp` $a_zp^)? `` custom<Deps>($deps) attr-dict
  }];
}

//===----------------------------------------------------------------------===//
// Structuring and vector units (ISA §4.6, §4.7)
//===----------------------------------------------------------------------===//

def Spt_StructOp : Spt_InstOp<"struct", "Queue::Compute"> {
  let summary = "STRUCT: run-time N:M structuring of activations (TASD-A)";
  let description = [{
    Opcode `0x28` (ISA §4.6). In every row and every group of `m` columns of
    the `rows x cols` source, keeps the `n` entries of largest magnitude and
    zeroes the others, writing to `dst` in the same `buffer` (`act` or
    `acc`). `1 <= n <= m <= 256`, `m` divides `cols`, `dtype` is `f32` or
    `i8`; source and destination are identical or do not overlap. The target
    needs a structuring unit.

    Example:

    ```mlir
    spt.struct act f32 2:4 rows 16 cols 64 src[0, stride 64] dst[4096, stride 64]
    ```
  }];
  let arguments = (ins Spt_Buffer:$buffer, Spt_DType:$dtype, UI16Attr:$n,
                       UI16Attr:$m, UI16Attr:$rows, UI16Attr:$cols,
                       UI32Attr:$src_addr, UI32Attr:$src_row_stride,
                       UI32Attr:$dst_addr, UI32Attr:$dst_row_stride,
                       Spt_DepsDefault:$deps);
  let assemblyFormat = [{
    $buffer $dtype $n `` `:` `` $m `rows` $rows `cols` $cols
    `src` `[` $src_addr `,` `stride` $src_row_stride `]`
    `dst` `[` $dst_addr `,` `stride` $dst_row_stride `]`
    `` custom<Deps>($deps) attr-dict
  }];
  let hasVerifier = 1;
}

def Spt_VecOp : Spt_InstOp<"vec", "Queue::Compute"> {
  let summary = "VEC: element-wise, reduction and quantisation functions";
  let description = [{
    Opcode `0x30` (ISA §4.7). Applies `func` to `rows x cols` views. Each
    operand is `buffer[address, row_stride, col_stride]` (signed element
    strides; zero broadcasts). The types are written `T` when source and
    destination agree and `S -> D` otherwise (the quantisation functions).
    `src2` is printed when its buffer or a field is not zero; with buffer
    `none` (printed only when its fields are not zero), binary and
    quantisation functions take `imm0` as their second operand.
    `imm0`, `imm1` (f32) and `imm2` (i32) are printed when not zero. The
    verifier checks the type table of ISA §4.7, that unary functions and
    reductions take no `src2`, and that the immediates a function does not
    use are zero (they are reserved bytes of the word).

    Example:

    ```mlir
    spt.vec add f32 rows 16 cols 64 dst acc[0, 64, 1] src1 acc[0, 64, 1]
        src2 act[0, 0, 1]
    spt.vec requant i32 -> i8 rows 16 cols 64 dst act[0, 64, 1]
        src1 acc[0, 64, 1] imm0 0.0125 imm2 -3 deps(push_next)
    ```
  }];
  let arguments = (ins Spt_VecFunc:$func, Spt_DType:$src_type,
                       Spt_DType:$dst_type, UI16Attr:$rows, UI16Attr:$cols,
                       Spt_Buffer:$dst_buffer, UI32Attr:$dst_addr,
                       SI32Attr:$dst_row_stride, SI32Attr:$dst_col_stride,
                       Spt_Buffer:$src1_buffer, UI32Attr:$src1_addr,
                       SI32Attr:$src1_row_stride, SI32Attr:$src1_col_stride,
                       DefaultValuedAttr<Spt_Buffer,
                                         "::spc::spt::Buffer::None">:$src2_buffer,
                       Spt_U32Zero:$src2_addr, Spt_I32Zero:$src2_row_stride,
                       Spt_I32Zero:$src2_col_stride, Spt_F32Zero:$imm0,
                       Spt_F32Zero:$imm1, Spt_I32Zero:$imm2,
                       Spt_DepsDefault:$deps);
  let assemblyFormat = [{
    $func custom<VecTypes>($src_type, $dst_type) `rows` $rows `cols` $cols
    `dst` $dst_buffer `[` $dst_addr `,` $dst_row_stride `,` $dst_col_stride `]`
    `src1` $src1_buffer `[` $src1_addr `,` $src1_row_stride `,`
    $src1_col_stride `]`
    `` custom<Src2>($src2_buffer, $src2_addr, $src2_row_stride,
                    $src2_col_stride)
    (`imm0` $imm0^)? (`imm1` $imm1^)? (`imm2` $imm2^)?
    `` custom<Deps>($deps) attr-dict
  }];
  let hasVerifier = 1;
}

// clang-format on

#endif // SPC_DIALECT_SPT_IR_SPTOPS_TD
