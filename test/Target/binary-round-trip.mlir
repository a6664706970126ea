// RUN: sed -e "s|INPUTS|%S/Inputs|" %s | spc-translate --emit-binary -o %t.1.spab
// RUN: spc-translate --import-binary %t.1.spab -o %t.mlir
// RUN: spc-translate --emit-binary %t.mlir -o %t.2.spab
// RUN: cmp %t.1.spab %t.2.spab
// RUN: FileCheck %s --input-file %t.mlir

// mlir -> binary -> mlir -> binary gives identical bytes: every field of
// every word (ISA §2-§4) and every table entry (ISA §6.3) survives the
// import. The imported program names its target by the embedded canonical
// JSON (ISA §6.5), and its constants are printed in full, not elided.

// The N:M constant is 2 rows of 2 f32 values, then one metadata byte per row
// (indices 0 and 1, 2 bits each: 0x04) (ISA §6.4.1).
spt.program @main target "INPUTS/all-units.json" dram_size 65536 {
  spt.tensor input "input.1" f32 [1, 3, 4, 4] at 0
  spt.tensor output "logits" i8 [2] at 256
  spt.constant "conv.weight" f32 nm(2:4) rows 2 cols 4 at 1024 = dense_resource<w_nm> : tensor<18xi8>
  spt.constant "fc/bias" i8 dense rows 1 cols 4 at 2048 = dense_resource<bias> : tensor<4xui8>
  spt.layer "/conv/Conv" load [0, 2) compute [0, 3) store [0, 0)
  spt.layer "/fc/Gemm" load [2, 3) compute [3, 12) store [0, 2)
  spt.queue load {
    spt.load f32 dram[0] to act[0] size [1, 3, 4, 4] dram_stride [0, 16, 4, 1] sram_stride [0, 36, 6, 1] pad_lo [0, 0, 1, 1] pad_hi [0, 0, 1, 1] pad_value 4294967295 deps(push_next)
    spt.load_decomp f32 nm(2:4) rows 2 cols 4 dram[1024] meta[1040] to wgt[0, stride 4] deps(push_next)
    spt.load_decomp i8 bitmap rows 2 cols 8 dram[2048] meta[2050] to wgt[64, stride 8] deps(pop_next)
    spt.end
  }
  spt.queue compute {
    spt.gemm f32 M=4 N=8 K=16 act[0, stride 16] wgt[0, stride 16] acc[0, stride 8] accumulate act_nm(4:8) deps(pop_prev)
    spt.gemm i8 M=1 N=2 K=8 act[0, stride 8] wgt[0, stride 8] acc[0, stride 2] a_zp -128 w_zp 127
    spt.gemm_nm f32 2:4 M=4 N=8 K=16 act[0, stride 16] wgt[0, stride 8] meta[512, stride 4] acc[0, stride 8] deps(pop_prev, push_prev)
    spt.gemm_sp i8 M=2 N=4 K=64 act[0, stride 64] wgt[0] idx[256] ptr[512] acc[0, stride 4] accumulate a_zp 7
    spt.struct act i8 2:4 rows 16 cols 64 src[0, stride 64] dst[4096, stride 64]
    spt.vec add f32 rows 4 cols 8 dst acc[0, 8, 1] src1 acc[0, 8, 1] src2 act[0, 0, 1]
    spt.vec max i32 rows 4 cols 8 dst acc[96, -8, 1] src1 acc[96, -8, 1] src2 none[4, -1, 2] imm0 -0.0
    spt.vec clip f32 rows 1 cols 8 dst act[0, 8, 1] src1 act[0, 8, 1] imm0 0x7FC00001 imm1 6.0
    spt.vec dequant i8 -> f32 rows 1 cols 8 dst acc[0, 8, 1] src1 act[0, 8, 1] src2 acc[64, 0, 1] imm2 -3
    spt.vec rmin i8 rows 4 cols 8 dst act[0, 1, 0] src1 act[0, 8, 1]
    spt.sync deps(push_next)
    spt.end
  }
  spt.queue store {
    spt.store i8 act[0] to dram[256] size [1, 1, 1, 2] dram_stride [0, 0, 0, 1] sram_stride [0, 0, 0, 1] deps(pop_prev, push_prev)
    spt.end
  }
}

// CHECK:      spt.program @main target "{\22clock_mhz\22:1000,
// CHECK-SAME:   \22name\22:\22all-units\22
// CHECK-SAME:   dram_size 65536 {
// CHECK-NEXT:   spt.tensor input "input.1" f32 [1, 3, 4, 4] at 0
// CHECK-NEXT:   spt.tensor output "logits" i8 [2] at 256
// CHECK-NEXT:   spt.constant "conv.weight" f32 nm(2:4) rows 2 cols 4 at 1024 = dense_resource<[[W:.*]]> : tensor<18xi8>
// CHECK-NEXT:   spt.constant "fc/bias" i8 dense rows 1 cols 4 at 2048 = dense_resource<[[B:.*]]> : tensor<4xi8>
// CHECK-NEXT:   spt.layer "/conv/Conv" load [0, 2) compute [0, 3) store [0, 0)
// CHECK-NEXT:   spt.layer "/fc/Gemm" load [2, 3) compute [3, 12) store [0, 2)
// CHECK:        spt.vec max i32 rows 4 cols 8 dst acc[96, -8, 1] src1 acc[96, -8, 1] src2 none[4, -1, 2] imm0 -0.000000e+00
// CHECK-NEXT:   spt.vec clip f32 rows 1 cols 8 dst act[0, 8, 1] src1 act[0, 8, 1] imm0 0x7FC00001 imm1 6.000000e+00
// CHECK:      [[W]]: "0x01000000000102030405060708090A0B0C0D0E0F0404"
// CHECK:      [[B]]: "0x01000000FF000180"

{-#
  dialect_resources: {
    builtin: {
      w_nm: "0x01000000000102030405060708090A0B0C0D0E0F0404",
      bias: "0x01000000FF000180"
    }
  }
#-}
