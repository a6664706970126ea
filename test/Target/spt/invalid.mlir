// RUN: spc-opt %s -split-input-file -verify-diagnostics

// One case per verifier message of the spt dialect; each cites the ISA rule
// (docs/ISA.md) it enforces in its section header.
//===----------------------------------------------------------------------===//
// Dependency flags and queue placement (ISA §1.2, §2)
//===----------------------------------------------------------------------===//

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{unknown dependency flag 'pop_both'; expected pop_prev, pop_next, push_prev or push_next}}
    spt.sync deps(pop_both)
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
    // expected-error @+1 {{'spt.gemm' op belongs on the compute queue, not the load queue}}
    spt.gemm f32 M=4 N=8 K=16 act[0, stride 16] wgt[0, stride 16] acc[0, stride 8]
    spt.end
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.load' op belongs on the load queue, not the compute queue}}
    spt.load f32 dram[0] to act[0] size [1, 1, 4, 16] dram_stride [0, 0, 16, 1] sram_stride [0, 0, 16, 1]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
    // expected-error @+1 {{'spt.store' op belongs on the store queue, not the load queue}}
    spt.store f32 acc[0] to dram[0] size [1, 1, 4, 16] dram_stride [0, 0, 16, 1] sram_stride [0, 0, 16, 1]
    spt.end
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
    // expected-error @+1 {{pop_prev and push_prev are invalid on the load queue, which has no previous queue}}
    spt.sync deps(pop_prev)
    spt.end
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
  }
  spt.queue store {
    // expected-error @+1 {{pop_next and push_next are invalid on the store queue, which has no next queue}}
    spt.sync deps(push_next)
    spt.end
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.end' op must have no dependency flags (ISA §3.3)}}
    spt.end deps(pop_prev)
  }
  spt.queue store {
  }
}

// -----

//===----------------------------------------------------------------------===//
// spt.queue (ISA §2)
//===----------------------------------------------------------------------===//

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.end' op must be the last instruction of its queue}}
    spt.end
    spt.sync
    spt.end
  }
  spt.queue store {
  }
}

// -----

// expected-error @+4 {{'spt.queue' op is not empty, so it must end with spt.end}}
spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    spt.sync
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.tensor' op expects parent op 'spt.program'}}
    spt.tensor input "x" f32 [1] at 0
    spt.end
  }
  spt.queue store {
  }
}

// -----

//===----------------------------------------------------------------------===//
// spt.program and its tables (ISA §6.3)
//===----------------------------------------------------------------------===//

// expected-error @+1 {{'spt.program' op needs a target: a preset name, a target file or the target JSON}}
spt.program @p target "" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

// expected-error @+1 {{'spt.program' op needs an spt.queue store}}
spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  // expected-error @+1 {{'spt.queue' op is a second load queue; a program has exactly one of each}}
  spt.queue load {
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  // expected-error @+1 {{'spt.tensor' op tensor 'x' at DRAM address 4000 does not fit in dram_size 4096}}
  spt.tensor input "x" f32 [2, 16] at 4000
  spt.queue load {
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.tensor input "x" f32 [16] at 0
  // expected-error @+1 {{'spt.tensor' op duplicates input tensor 'x'}}
  spt.tensor input "x" f32 [16] at 64
  spt.queue load {
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  // expected-error @+1 {{'spt.tensor' op needs a non-empty name}}
  spt.tensor input "" f32 [16] at 0
  spt.queue load {
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  // expected-error @+1 {{'spt.tensor' op dimensions must be non-negative, got -1}}
  spt.tensor input "x" f32 [-1] at 0
  spt.queue load {
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  // expected-error @+1 {{'spt.constant' op constant 'c' at DRAM address 4092 does not fit in dram_size 4096}}
  spt.constant "c" i8 dense rows 1 cols 8 at 4092 = dense_resource<blob> : tensor<8xi8>
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
      blob: "0x010000000102030405060708"
    }
  }
#-}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.constant "a" i8 dense rows 1 cols 8 at 0 = dense_resource<blob> : tensor<8xi8>
  // expected-error @+1 {{'spt.constant' op overlaps constant 'a' in DRAM}}
  spt.constant "b" i8 dense rows 1 cols 8 at 4 = dense_resource<blob> : tensor<8xi8>
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
      blob: "0x010000000102030405060708"
    }
  }
#-}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.tensor output "y" i8 [8] at 8
  // expected-error @+1 {{'spt.constant' op overlaps tensor 'y' in DRAM}}
  spt.constant "b" i8 dense rows 1 cols 8 at 4 = dense_resource<blob> : tensor<8xi8>
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
      blob: "0x010000000102030405060708"
    }
  }
#-}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  // expected-error @+1 {{'spt.constant' op needs a non-empty name}}
  spt.constant "" i8 dense rows 1 cols 8 at 0 = dense_resource<blob> : tensor<8xi8>
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
      blob: "0x010000000102030405060708"
    }
  }
#-}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  // expected-error @+1 {{'spt.constant' op N:M pattern 4:2 must satisfy 1 <= n <= m <= 256}}
  spt.constant "c" i8 nm(4:2) rows 1 cols 8 at 0 = dense_resource<blob> : tensor<8xi8>
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
      blob: "0x010000000102030405060708"
    }
  }
#-}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  // expected-error @+1 {{'spt.constant' op cols 6 must be a multiple of m 4}}
  spt.constant "c" i8 nm(2:4) rows 1 cols 6 at 0 = dense_resource<blob> : tensor<8xi8>
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
      blob: "0x010000000102030405060708"
    }
  }
#-}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  // expected-error @+1 {{'spt.constant' op only the nm format takes an (n:m) pattern}}
  spt.constant "c" i8 bitmap(2:4) rows 1 cols 8 at 0 = dense_resource<blob> : tensor<8xi8>
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
      blob: "0x010000000102030405060708"
    }
  }
#-}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  // expected-error @+1 {{'spt.constant' op attribute 'data' failed to satisfy constraint: a 1-D dense_resource blob of i8 or ui8}}
  spt.constant "c" i8 dense rows 1 cols 8 at 0 = dense_resource<blob> : tensor<2xf32>
  spt.queue load {
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  // expected-error @+1 {{'spt.layer' op needs a non-empty name}}
  spt.layer "" load [0, 0) compute [0, 0) store [0, 0)
  spt.queue load {
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  // expected-error @+1 {{'spt.layer' op compute range [2, 1) ends before it begins}}
  spt.layer "l" load [0, 0) compute [2, 1) store [0, 0)
  spt.queue load {
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  // expected-error @+1 {{'spt.layer' op load range [0, 3) exceeds the 2 instructions of the queue}}
  spt.layer "l" load [0, 3) compute [0, 0) store [0, 0)
  spt.queue load {
    spt.sync
    spt.end
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.layer "a" load [0, 2) compute [0, 0) store [0, 0)
  // expected-error @+1 {{'spt.layer' op load range overlaps that of layer 'a'}}
  spt.layer "b" load [1, 2) compute [0, 0) store [0, 0)
  spt.queue load {
    spt.sync
    spt.end
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

//===----------------------------------------------------------------------===//
// spt.load and spt.store (ISA §3.1)
//===----------------------------------------------------------------------===//

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
    // expected-error @+1 {{'spt.load' op buffer must be wgt, act or acc}}
    spt.load f32 dram[0] to none[0] size [1, 1, 4, 16] dram_stride [0, 0, 16, 1] sram_stride [0, 0, 16, 1]
    spt.end
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
    // expected-error @+1 {{'spt.load' op 'size' values must be in [1, 65535], got 0}}
    spt.load f32 dram[0] to act[0] size [0, 1, 4, 16] dram_stride [0, 0, 16, 1] sram_stride [0, 0, 16, 1]
    spt.end
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
    // expected-error @+1 {{'spt.load' op 'dram_stride' values must be in [0, 4294967295], got 4294967296}}
    spt.load f32 dram[0] to act[0] size [1, 1, 4, 16] dram_stride [0, 0, 4294967296, 1] sram_stride [0, 0, 16, 1]
    spt.end
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
    // expected-error @+1 {{'spt.load' op 'pad_hi' values must be in [0, 255], got 256}}
    spt.load f32 dram[0] to act[0] size [1, 1, 4, 16] dram_stride [0, 0, 16, 1] sram_stride [0, 0, 16, 1] pad_hi [0, 0, 0, 256]
    spt.end
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
    // expected-error @+1 {{'spt.load' op attribute 'size' failed to satisfy constraint: i64 dense array attribute with exactly 4 elements}}
    spt.load f32 dram[0] to act[0] size [4, 16] dram_stride [0, 0, 16, 1] sram_stride [0, 0, 16, 1]
    spt.end
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
  }
  spt.queue store {
    // expected-error @+1 {{'spt.store' op 'sram_stride' values must be in [0, 4294967295], got -1}}
    spt.store f32 acc[0] to dram[0] size [1, 1, 4, 16] dram_stride [0, 0, 16, 1] sram_stride [0, 0, -1, 1]
    spt.end
  }
}

// -----

//===----------------------------------------------------------------------===//
// spt.load_decomp (ISA §3.2)
//===----------------------------------------------------------------------===//

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
    // expected-error @+1 {{'spt.load_decomp' op dtype must be f32 or i8, got i32}}
    spt.load_decomp i32 nm(2:4) rows 4 cols 16 dram[0] meta[64] to wgt[0, stride 16]
    spt.end
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
    // expected-error @+1 {{'spt.load_decomp' op buffer must be wgt, act or acc}}
    spt.load_decomp f32 nm(2:4) rows 4 cols 16 dram[0] meta[64] to none[0, stride 16]
    spt.end
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
    // expected-error @+1 {{'spt.load_decomp' op rows and cols must be at least 1}}
    spt.load_decomp f32 nm(2:4) rows 0 cols 16 dram[0] meta[64] to wgt[0, stride 16]
    spt.end
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
    // expected-error @+1 {{'spt.load_decomp' op N:M pattern 0:4 must satisfy 1 <= n <= m <= 256}}
    spt.load_decomp f32 nm(0:4) rows 4 cols 16 dram[0] meta[64] to wgt[0, stride 16]
    spt.end
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
    // expected-error @+1 {{'spt.load_decomp' op N:M pattern 2:512 must satisfy 1 <= n <= m <= 256}}
    spt.load_decomp f32 nm(2:512) rows 4 cols 16 dram[0] meta[64] to wgt[0, stride 16]
    spt.end
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
    // expected-error @+1 {{'spt.load_decomp' op cols 10 must be a multiple of m 4}}
    spt.load_decomp f32 nm(2:4) rows 4 cols 10 dram[0] meta[64] to wgt[0, stride 16]
    spt.end
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
    // expected-error @+1 {{'spt.load_decomp' op the bitmap format takes no (n:m) pattern}}
    spt.load_decomp f32 bitmap(2:4) rows 4 cols 16 dram[0] meta[64] to wgt[0, stride 16]
    spt.end
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
    // expected-error @+1 {{'spt.load_decomp' op format must be nm or bitmap, got csr}}
    spt.load_decomp f32 csr rows 4 cols 16 dram[0] meta[64] to wgt[0, stride 16]
    spt.end
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
    // expected-error @+1 {{'spt.load_decomp' op row stride 8 must be at least cols 16}}
    spt.load_decomp f32 nm(2:4) rows 4 cols 16 dram[0] meta[64] to wgt[0, stride 8]
    spt.end
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

//===----------------------------------------------------------------------===//
// spt.gemm, spt.gemm_nm, spt.gemm_sp (ISA §4.2-§4.4)
//===----------------------------------------------------------------------===//

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.gemm' op dtype must be f32 or i8, got i32}}
    spt.gemm i32 M=4 N=8 K=16 act[0, stride 16] wgt[0, stride 16] acc[0, stride 8]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.gemm' op M, N and K must be at least 1}}
    spt.gemm f32 M=4 N=0 K=16 act[0, stride 16] wgt[0, stride 16] acc[0, stride 8]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.gemm' op act_nm pattern 3:2 must satisfy 1 <= n <= m <= 256}}
    spt.gemm f32 M=4 N=8 K=16 act[0, stride 16] wgt[0, stride 16] acc[0, stride 8] act_nm(3:2)
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.gemm' op K 16 must be a multiple of act_nm's m 3}}
    spt.gemm f32 M=4 N=8 K=16 act[0, stride 16] wgt[0, stride 16] acc[0, stride 8] act_nm(1:3)
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.gemm' op a_zp needs dtype i8}}
    spt.gemm f32 M=4 N=8 K=16 act[0, stride 16] wgt[0, stride 16] acc[0, stride 8] a_zp 1
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.gemm' op w_zp needs dtype i8}}
    spt.gemm f32 M=4 N=8 K=16 act[0, stride 16] wgt[0, stride 16] acc[0, stride 8] w_zp 1
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.gemm_nm' op weight pattern 0:4 must satisfy 1 <= n <= m <= 256}}
    spt.gemm_nm f32 0:4 M=4 N=8 K=16 act[0, stride 16] wgt[0, stride 8] meta[512, stride 4] acc[0, stride 8]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.gemm_nm' op K 18 must be a multiple of m 4}}
    spt.gemm_nm f32 2:4 M=4 N=8 K=18 act[0, stride 16] wgt[0, stride 8] meta[512, stride 4] acc[0, stride 8]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.gemm_nm' op a_zp needs dtype i8}}
    spt.gemm_nm f32 2:4 M=4 N=8 K=16 act[0, stride 16] wgt[0, stride 8] meta[512, stride 4] acc[0, stride 8] a_zp -1
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.gemm_sp' op M, N and K must be at least 1}}
    spt.gemm_sp f32 M=0 N=4 K=64 act[0, stride 64] wgt[0] idx[256] ptr[512] acc[0, stride 4]
    spt.end
  }
  spt.queue store {
  }
}

// -----

//===----------------------------------------------------------------------===//
// spt.struct (ISA §4.6)
//===----------------------------------------------------------------------===//

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.struct' op buffer must be act or acc}}
    spt.struct wgt f32 2:4 rows 16 cols 64 src[0, stride 64] dst[4096, stride 64]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.struct' op dtype must be f32 or i8, got i32}}
    spt.struct act i32 2:4 rows 16 cols 64 src[0, stride 64] dst[4096, stride 64]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.struct' op rows and cols must be at least 1}}
    spt.struct act f32 2:4 rows 0 cols 64 src[0, stride 64] dst[4096, stride 64]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.struct' op N:M pattern 5:4 must satisfy 1 <= n <= m <= 256}}
    spt.struct act f32 5:4 rows 16 cols 64 src[0, stride 64] dst[4096, stride 64]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.struct' op cols 64 must be a multiple of m 3}}
    spt.struct act f32 2:3 rows 16 cols 64 src[0, stride 64] dst[4096, stride 64]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.struct' op source and destination overlap without being identical}}
    spt.struct act f32 2:4 rows 16 cols 64 src[0, stride 64] dst[64, stride 64]
    spt.end
  }
  spt.queue store {
  }
}

// -----

//===----------------------------------------------------------------------===//
// spt.vec (ISA §4.7)
//===----------------------------------------------------------------------===//

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.vec' op rows and cols must be at least 1}}
    spt.vec relu f32 rows 0 cols 8 dst acc[0, 8, 1] src1 acc[0, 8, 1]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.vec' op dst buffer must be wgt, act or acc}}
    spt.vec relu f32 rows 4 cols 8 dst none[0, 8, 1] src1 acc[0, 8, 1]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.vec' op src1 buffer must be wgt, act or acc}}
    spt.vec relu f32 rows 4 cols 8 dst acc[0, 8, 1] src1 none[0, 8, 1]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.vec' op 'add' takes f32 or i32, got i8}}
    spt.vec add i8 rows 4 cols 8 dst acc[0, 8, 1] src1 acc[0, 8, 1] src2 act[0, 0, 1]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.vec' op 'exp' takes f32, got i32}}
    spt.vec exp i32 rows 4 cols 8 dst acc[0, 8, 1] src1 acc[0, 8, 1]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.vec' op 'copy' takes one type for source and destination, got f32 -> i8}}
    spt.vec copy f32 -> i8 rows 4 cols 8 dst acc[0, 8, 1] src1 acc[0, 8, 1]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.vec' op 'quant' takes f32 -> i8, got i32 -> i8}}
    spt.vec quant i32 -> i8 rows 4 cols 8 dst acc[0, 8, 1] src1 acc[0, 8, 1]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.vec' op 'dequant' takes i8 -> f32 or i32 -> f32, got f32}}
    spt.vec dequant f32 rows 4 cols 8 dst acc[0, 8, 1] src1 acc[0, 8, 1]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.vec' op 'requant' takes i32 -> i8, got i32 -> f32}}
    spt.vec requant i32 -> f32 rows 4 cols 8 dst acc[0, 8, 1] src1 acc[0, 8, 1]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.vec' op 'rmax' takes f32, i32 or i8, got i8 -> f32}}
    spt.vec rmax i8 -> f32 rows 4 cols 8 dst acc[0, 8, 1] src1 acc[0, 8, 1]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.vec' op 'relu' takes no src2}}
    spt.vec relu f32 rows 4 cols 8 dst acc[0, 8, 1] src1 acc[0, 8, 1] src2 act[0, 8, 1]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.vec' op 'rsum' takes no src2}}
    spt.vec rsum f32 rows 4 cols 8 dst acc[0, 8, 1] src1 acc[0, 8, 1] src2 none[4, 0, 0]
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.vec' op 'relu' does not use imm0, which must be zero}}
    spt.vec relu f32 rows 4 cols 8 dst acc[0, 8, 1] src1 acc[0, 8, 1] imm0 1.0
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.vec' op 'add' does not use imm0, which must be zero}}
    spt.vec add f32 rows 4 cols 8 dst acc[0, 8, 1] src1 acc[0, 8, 1] src2 act[0, 8, 1] imm0 1.0
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.vec' op 'leaky_relu' does not use imm1, which must be zero}}
    spt.vec leaky_relu f32 rows 4 cols 8 dst acc[0, 8, 1] src1 acc[0, 8, 1] imm0 0.1 imm1 -0.0
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{'spt.vec' op 'add' does not use imm2, which must be zero}}
    spt.vec add f32 rows 4 cols 8 dst acc[0, 8, 1] src1 acc[0, 8, 1] imm2 3
    spt.end
  }
  spt.queue store {
  }
}

// -----

spt.program @p target "dense-systolic" dram_size 4096 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{expected a buffer (none, wgt, act or acc), got 'dram'}}
    spt.vec add f32 rows 4 cols 8 dst acc[0, 8, 1] src1 acc[0, 8, 1] src2 dram[0, 0, 1]
    spt.end
  }
  spt.queue store {
  }
}
