// RUN: spc-opt %s | spc-opt | FileCheck %s
// RUN: spc-opt %s --mlir-print-op-generic | spc-opt | FileCheck %s

// Every `spt` op prints in a form that parses back to itself, in the custom
// and the generic syntax. Optional fields (pads, zero points, immediates,
// src2, deps) print only when they are not zero.

// CHECK-LABEL: spt.program @all_ops target "flexible-nm" dram_size 65536 {
spt.program @all_ops target "flexible-nm" dram_size 65536 {
  // CHECK-NEXT: spt.tensor input "input.1" f32 [1, 3, 4, 4] at 0
  spt.tensor input "input.1" f32 [1, 3, 4, 4] at 0
  // CHECK-NEXT: spt.tensor output "out" i8 [] at 256
  spt.tensor output "out" i8 [] at 256
  // CHECK-NEXT: spt.constant "w.nm" f32 nm(2:4) rows 2 cols 4 at 1024 = dense_resource<w_nm> : tensor<17xi8>
  spt.constant "w.nm" f32 nm(2:4) rows 2 cols 4 at 1024 = dense_resource<w_nm> : tensor<17xi8>
  // CHECK-NEXT: spt.constant "w.dense" i8 dense rows 1 cols 4 at 2048 = dense_resource<w_dense> : tensor<4xui8>
  spt.constant "w.dense" i8 dense rows 1 cols 4 at 2048 = dense_resource<w_dense> : tensor<4xui8>
  // CHECK-NEXT: spt.layer "/conv/Conv" load [0, 3) compute [0, 9) store [0, 1)
  spt.layer "/conv/Conv" load [0, 3) compute [0, 9) store [0, 1)
  // CHECK-NEXT: spt.queue load {
  spt.queue load {
    // CHECK-NEXT: spt.load f32 dram[0] to act[0] size [1, 3, 4, 4] dram_stride [0, 16, 4, 1] sram_stride [0, 36, 6, 1] pad_lo [0, 0, 1, 1] pad_hi [0, 0, 1, 1] pad_value 1065353216 deps(pop_next, push_next)
    spt.load f32 dram[0] to act[0] size [1, 3, 4, 4] dram_stride [0, 16, 4, 1] sram_stride [0, 36, 6, 1] pad_lo [0, 0, 1, 1] pad_hi [0, 0, 1, 1] pad_value 1065353216 deps(push_next, pop_next)
    // CHECK-NEXT: spt.load i8 dram[2048] to wgt[64] size [1, 1, 1, 4] dram_stride [0, 0, 0, 1] sram_stride [0, 0, 0, 1]{{$}}
    spt.load i8 dram[2048] to wgt[64] size [1, 1, 1, 4] dram_stride [0, 0, 0, 1] sram_stride [0, 0, 0, 1]
    // CHECK-NEXT: spt.load_decomp f32 nm(2:4) rows 2 cols 4 dram[1024] meta[1040] to wgt[0, stride 4] deps(push_next)
    spt.load_decomp f32 nm(2:4) rows 2 cols 4 dram[1024] meta[1040] to wgt[0, stride 4] deps(push_next)
    // CHECK-NEXT: spt.load_decomp i8 bitmap rows 2 cols 8 dram[1024] meta[1040] to wgt[0, stride 8]{{$}}
    spt.load_decomp i8 bitmap rows 2 cols 8 dram[1024] meta[1040] to wgt[0, stride 8]
    // CHECK-NEXT: spt.sync deps(pop_next)
    spt.sync deps(pop_next)
    // CHECK-NEXT: spt.end{{$}}
    spt.end
  }
  // CHECK: spt.queue compute {
  spt.queue compute {
    // CHECK-NEXT: spt.gemm f32 M=4 N=8 K=16 act[0, stride 16] wgt[0, stride 16] acc[0, stride 8] accumulate deps(pop_prev)
    spt.gemm f32 M=4 N=8 K=16 act[0, stride 16] wgt[0, stride 16] acc[0, stride 8] accumulate deps(pop_prev)
    // CHECK-NEXT: spt.gemm i8 M=1 N=2 K=8 act[0, stride 8] wgt[0, stride 8] acc[0, stride 2] act_nm(2:4) a_zp -3 w_zp 1{{$}}
    spt.gemm i8 M=1 N=2 K=8 act[0, stride 8] wgt[0, stride 8] acc[0, stride 2] act_nm(2:4) a_zp -3 w_zp 1
    // CHECK-NEXT: spt.gemm_nm f32 2:4 M=4 N=8 K=16 act[0, stride 16] wgt[0, stride 8] meta[512, stride 4] acc[0, stride 8] accumulate deps(pop_prev, push_prev)
    spt.gemm_nm f32 2:4 M=4 N=8 K=16 act[0, stride 16] wgt[0, stride 8] meta[512, stride 4] acc[0, stride 8] accumulate deps(pop_prev, push_prev)
    // CHECK-NEXT: spt.gemm_nm i8 1:4 M=1 N=1 K=4 act[0, stride 4] wgt[0, stride 1] meta[16, stride 1] acc[0, stride 1] a_zp 5{{$}}
    spt.gemm_nm i8 1:4 M=1 N=1 K=4 act[0, stride 4] wgt[0, stride 1] meta[16, stride 1] acc[0, stride 1] a_zp 5
    // CHECK-NEXT: spt.gemm_sp f32 M=2 N=4 K=64 act[0, stride 64] wgt[0] idx[256] ptr[512] acc[0, stride 4] act_nm(4:8)
    spt.gemm_sp f32 M=2 N=4 K=64 act[0, stride 64] wgt[0] idx[256] ptr[512] acc[0, stride 4] act_nm(4:8)
    // CHECK-NEXT: spt.struct act f32 2:4 rows 16 cols 64 src[0, stride 64] dst[4096, stride 64] deps(pop_next)
    spt.struct act f32 2:4 rows 16 cols 64 src[0, stride 64] dst[4096, stride 64] deps(pop_next)
    // CHECK-NEXT: spt.vec add f32 rows 4 cols 8 dst acc[0, 8, 1] src1 acc[0, 8, 1] src2 act[0, 0, 1]{{$}}
    spt.vec add f32 rows 4 cols 8 dst acc[0, 8, 1] src1 acc[0, 8, 1] src2 act[0, 0, 1]
    // CHECK-NEXT: spt.vec mul i32 rows 4 cols 8 dst acc[0, -8, 1] src1 acc[0, 1, 4] src2 none[4, 0, 0] imm0 2.500000e-01
    spt.vec mul i32 rows 4 cols 8 dst acc[0, -8, 1] src1 acc[0, 1, 4] src2 none[4, 0, 0] imm0 0.25
    // CHECK-NEXT: spt.vec clip f32 rows 1 cols 8 dst act[0, 8, 1] src1 act[0, 8, 1] imm0 -1.000000e+00 imm1 1.000000e+00
    spt.vec clip f32 rows 1 cols 8 dst act[0, 8, 1] src1 act[0, 8, 1] imm0 -1.0 imm1 1.0
    // CHECK-NEXT: spt.vec rsum f32 rows 4 cols 8 dst acc[0, 1, 0] src1 acc[0, 8, 1]{{$}}
    spt.vec rsum f32 rows 4 cols 8 dst acc[0, 1, 0] src1 acc[0, 8, 1]
    // CHECK-NEXT: spt.vec requant i32 -> i8 rows 4 cols 8 dst act[0, 8, 1] src1 acc[0, 8, 1] imm0 1.250000e-02 imm2 -3 deps(push_next)
    spt.vec requant i32 -> i8 rows 4 cols 8 dst act[0, 8, 1] src1 acc[0, 8, 1] imm0 0.0125 imm2 -3 deps(push_next)
    // CHECK-NEXT: spt.vec leaky_relu f32 rows 1 cols 1 dst acc[0, 0, 0] src1 acc[0, 0, 0] imm0 0x7FC00001
    spt.vec leaky_relu f32 rows 1 cols 1 dst acc[0, 0, 0] src1 acc[0, 0, 0] imm0 0x7FC00001
    // CHECK-NEXT: spt.end
    spt.end
  }
  // CHECK: spt.queue store {
  spt.queue store {
    // CHECK-NEXT: spt.store f32 acc[0] to dram[256] size [1, 1, 1, 1] dram_stride [0, 0, 0, 1] sram_stride [0, 0, 0, 1] deps(pop_prev, push_prev)
    spt.store f32 acc[0] to dram[256] size [1, 1, 1, 1] dram_stride [0, 0, 0, 1] sram_stride [0, 0, 0, 1] deps(pop_prev, push_prev)
    // CHECK-NEXT: spt.end
    spt.end
  }
}

// An empty queue has no END.
// CHECK-LABEL: spt.program @empty target "{\22name\22:\22inline\22}" dram_size 0 {
spt.program @empty target "{\"name\":\"inline\"}" dram_size 0 {
  // CHECK-NEXT: spt.queue load {
  // CHECK-NEXT: }
  spt.queue load {
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

{-#
  dialect_resources: {
    builtin: {
      w_nm: "0x010000000102030405060708090A0B0C0D0E0F1011",
      w_dense: "0x0100000001020304"
    }
  }
#-}
