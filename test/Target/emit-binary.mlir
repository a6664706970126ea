// RUN: sed -e "s|INPUTS|%S/Inputs|" %s | spc-translate --emit-binary -o %t.spab
// RUN: spc-objdump --words %t.spab | FileCheck %s

// One instruction of every opcode, and the exact 64-byte word it encodes to.
// Multi-byte fields are little-endian (docs/ISA.md, introduction); bytes
// not named by an opcode's layout are zero (ISA §2).

// No preset has every unit: the target is a file, flexible-nm plus an
// unstructured mode, whose path the RUN line fills in.
spt.program @words target "INPUTS/all-units.json" dram_size 65536 {
  spt.tensor input "x" f32 [4, 16] at 0
  spt.tensor output "y" f32 [4, 8] at 1024
  spt.layer "fc" load [0, 2) compute [0, 7) store [0, 1)
  spt.queue load {
    spt.load f32 dram[256] to act[64] size [1, 2, 4, 16] dram_stride [0, 64, 16, 1] sram_stride [0, 96, 18, 1] pad_lo [0, 0, 1, 1] pad_hi [0, 0, 0, 1] pad_value 1065353216 deps(push_next)
    spt.load_decomp i8 nm(2:4) rows 8 cols 16 dram[2048] meta[4096] to wgt[32, stride 16] deps(pop_next)
    spt.end
  }
  spt.queue compute {
    spt.gemm i8 M=4 N=8 K=16 act[0, stride 16] wgt[0, stride 16] acc[0, stride 8] accumulate act_nm(2:4) a_zp -3 w_zp 1 deps(pop_prev)
    spt.gemm_nm f32 2:4 M=4 N=8 K=16 act[0, stride 16] wgt[0, stride 8] meta[512, stride 4] acc[0, stride 8] deps(push_prev)
    spt.gemm_sp f32 M=2 N=4 K=64 act[0, stride 64] wgt[0] idx[256] ptr[512] acc[0, stride 4]
    spt.struct acc f32 1:4 rows 4 cols 8 src[0, stride 8] dst[0, stride 8]
    spt.vec requant i32 -> i8 rows 4 cols 8 dst act[0, 8, 1] src1 acc[28, 8, -1] imm0 0.5 imm2 -3
    spt.sync deps(pop_next, push_next)
    spt.end
  }
  spt.queue store {
    spt.store f32 acc[0] to dram[1024] size [1, 1, 4, 8] dram_stride [0, 0, 8, 1] sram_stride [0, 0, 8, 1] deps(pop_prev)
    spt.end
  }
}

// CHECK-LABEL: load queue (3 instructions):
// LOAD (ISA §3.1): opcode 0x10, deps 0x08 PUSH_NEXT, buffer 2 act, dtype 1
// f32, sram_addr 64, dram_addr 256, pad_value 0x3f800000 (1.0f), size
// [1,2,4,16] as u16, dram_stride and sram_stride as u32, pad_lo at 56, pad_hi
// at 60.
// CHECK-NEXT:   0  LOAD        f32 dram[256] to act[64] size [1, 2, 4, 16] dram_stride [0, 64, 16, 1] sram_stride [0, 96, 18, 1] pad_lo [0, 0, 1, 1] pad_hi [0, 0, 0, 1] pad_value 0x3f800000 deps(push_next)  ; fc
// CHECK-NEXT: 00: 10 08 02 01 40 00 00 00 00 01 00 00 00 00 80 3f
// CHECK-NEXT: 10: 01 00 02 00 04 00 10 00 00 00 00 00 40 00 00 00
// CHECK-NEXT: 20: 10 00 00 00 01 00 00 00 00 00 00 00 60 00 00 00
// CHECK-NEXT: 30: 12 00 00 00 01 00 00 00 00 00 01 01 00 00 00 01
// LOAD.DECOMP (ISA §3.2): buffer 1 wgt, dtype 2 i8, sram_addr 32, dram_addr
// 0x800, dram_meta_addr 0x1000, rows 8, cols 16, format 1 N:M at byte 20, n
// at 22, m at 24, sram_row_stride at 28.
// CHECK-NEXT:   1  LOAD.DECOMP i8 nm(2:4) rows 8 cols 16 dram[2048] meta[4096] to wgt[32, stride 16] deps(pop_next)  ; fc
// CHECK-NEXT: 00: 11 02 01 02 20 00 00 00 00 08 00 00 00 10 00 00
// CHECK-NEXT: 10: 08 00 10 00 01 00 02 00 04 00 00 00 10 00 00 00
// CHECK-NEXT: 20: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
// CHECK-NEXT: 30: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
// END (ISA §3.3): deps zero, no operands.
// CHECK-NEXT:   2  END         deps()
// CHECK-NEXT: 00: 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
// CHECK-NEXT: 10: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
// CHECK-NEXT: 20: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
// CHECK-NEXT: 30: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00

// CHECK-LABEL: compute queue (7 instructions):
// GEMM (ISA §4.2): dtype 2 i8, flags 0x03 (accumulate | act_nm), M 4, N 8,
// K 16, act_n 2, act_m 4, a_zp -3 (0xfd) at 14, w_zp 1 at 15, then the
// act/wgt/acc addresses and row strides from byte 16.
// CHECK-NEXT:   0  GEMM        i8 M=4 N=8 K=16 act[0, stride 16] wgt[0, stride 16] acc[0, stride 8] accumulate act_nm(2:4) a_zp -3 w_zp 1 deps(pop_prev)  ; fc
// CHECK-NEXT: 00: 20 01 02 03 04 00 08 00 10 00 02 00 04 00 fd 01
// CHECK-NEXT: 10: 00 00 00 00 10 00 00 00 00 00 00 00 10 00 00 00
// CHECK-NEXT: 20: 00 00 00 00 08 00 00 00 00 00 00 00 00 00 00 00
// CHECK-NEXT: 30: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
// GEMM.NM (ISA §4.3): bytes 2-39 as GEMM, meta_addr 0x200 at 40,
// meta_row_stride 4 at 44, n 2 at 48, m 4 at 50. deps 0x04 PUSH_PREV.
// CHECK-NEXT:   1  GEMM.NM     f32 2:4 M=4 N=8 K=16 act[0, stride 16] wgt[0, stride 8] meta[512, stride 4] acc[0, stride 8] overwrite a_zp 0 deps(push_prev)  ; fc
// CHECK-NEXT: 00: 21 04 01 00 04 00 08 00 10 00 00 00 00 00 00 00
// CHECK-NEXT: 10: 00 00 00 00 10 00 00 00 00 00 00 00 08 00 00 00
// CHECK-NEXT: 20: 00 00 00 00 08 00 00 00 00 02 00 00 04 00 00 00
// CHECK-NEXT: 30: 02 00 04 00 00 00 00 00 00 00 00 00 00 00 00 00
// GEMM.SP (ISA §4.4): wgt_row_stride (28) is zero, idx_addr 0x100 at 40,
// ptr_addr 0x200 at 44.
// CHECK-NEXT:   2  GEMM.SP     f32 M=2 N=4 K=64 act[0, stride 64] wgt[0] idx[256] ptr[512] acc[0, stride 4] overwrite a_zp 0 deps()  ; fc
// CHECK-NEXT: 00: 22 00 01 00 02 00 04 00 40 00 00 00 00 00 00 00
// CHECK-NEXT: 10: 00 00 00 00 40 00 00 00 00 00 00 00 00 00 00 00
// CHECK-NEXT: 20: 00 00 00 00 04 00 00 00 00 01 00 00 00 02 00 00
// CHECK-NEXT: 30: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
// STRUCT (ISA §4.6): buffer 3 acc, dtype 1, rows 4, cols 8, n 1, m 4, then
// src and dst addresses and row strides (in place).
// CHECK-NEXT:   3  STRUCT      acc f32 1:4 rows 4 cols 8 src[0, stride 8] dst[0, stride 8] deps()  ; fc
// CHECK-NEXT: 00: 28 00 03 01 04 00 08 00 01 00 04 00 00 00 00 00
// CHECK-NEXT: 10: 08 00 00 00 00 00 00 00 08 00 00 00 00 00 00 00
// CHECK-NEXT: 20: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
// CHECK-NEXT: 30: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
// VEC (ISA §4.7): func 66 REQUANT, types 0x23 (src i32 in bits 0-3, dst i8
// in bits 4-7), rows 4, cols 8, buffers dst 2 / src1 3 / src2 0 at 8-10,
// src1 at 28 walking back with col stride -1 (0xffffffff), imm0 0.5f (0x3f000000) at 48, imm2 -3 at
// 56.
// CHECK-NEXT:   4  VEC         REQUANT i32 -> i8 rows 4 cols 8 dst act[0, 8, 1] src1 acc[28, 8, -1] src2 none[0, 0, 0] imm0 0.5 imm1 0 imm2 -3 deps()  ; fc
// CHECK-NEXT: 00: 30 00 42 23 04 00 08 00 02 03 00 00 00 00 00 00
// CHECK-NEXT: 10: 08 00 00 00 01 00 00 00 1c 00 00 00 08 00 00 00
// CHECK-NEXT: 20: ff ff ff ff 00 00 00 00 00 00 00 00 00 00 00 00
// CHECK-NEXT: 30: 00 00 00 3f 00 00 00 00 fd ff ff ff 00 00 00 00
// SYNC (ISA §3.3): deps 0x0a (POP_NEXT | PUSH_NEXT), no operands.
// CHECK-NEXT:   5  SYNC        deps(pop_next, push_next)  ; fc
// CHECK-NEXT: 00: 01 0a 00 00 00 00 00 00 00 00 00 00 00 00 00 00
// CHECK:        6  END         deps()  ; fc

// CHECK-LABEL: store queue (2 instructions):
// STORE (ISA §3.1): deps 0x01 POP_PREV, buffer 3 acc, sram_addr 0,
// dram_addr 0x400; pad_value, pad_lo and pad_hi are zero.
// CHECK-NEXT:   0  STORE       f32 acc[0] to dram[1024] size [1, 1, 4, 8] dram_stride [0, 0, 8, 1] sram_stride [0, 0, 8, 1] deps(pop_prev)  ; fc
// CHECK-NEXT: 00: 18 01 03 01 00 00 00 00 00 04 00 00 00 00 00 00
// CHECK-NEXT: 10: 01 00 01 00 04 00 08 00 00 00 00 00 00 00 00 00
// CHECK-NEXT: 20: 08 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00
// CHECK-NEXT: 30: 08 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00
