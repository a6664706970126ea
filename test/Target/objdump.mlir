// RUN: spc-translate --emit-binary %s -o %t.spab
// RUN: spc-objdump %t.spab | FileCheck %s

// The listing: header (ISA §6.1), target and fingerprint (§6.5), the tables
// (§6.3) and one line per instruction with its index, fields, deps and layer.

spt.program @main target "sparse-2of4" dram_size 8192 {
  spt.tensor input "x" f32 [4, 8] at 0
  spt.tensor output "y" f32 [4, 4] at 128
  spt.constant "w" f32 nm(2:4) rows 4 cols 8 at 1024 = dense_resource<w> : tensor<68xi8>
  spt.layer "/fc/Gemm" load [0, 3) compute [0, 2) store [0, 1)
  spt.queue load {
    spt.load f32 dram[0] to act[0] size [1, 1, 4, 8] dram_stride [0, 0, 8, 1] sram_stride [0, 0, 8, 1]
    spt.load_decomp f32 nm(2:4) rows 4 cols 8 dram[1024] meta[1088] to wgt[0, stride 8] deps(push_next)
    spt.end
  }
  spt.queue compute {
    spt.gemm f32 M=4 N=4 K=8 act[0, stride 8] wgt[0, stride 8] acc[0, stride 4] deps(pop_prev, push_next)
    spt.end
  }
  spt.queue store {
    spt.store f32 acc[0] to dram[128] size [1, 1, 4, 4] dram_stride [0, 0, 4, 1] sram_stride [0, 0, 4, 1] deps(pop_prev)
    spt.end
  }
}

// CHECK:      SPAB binary, format 1.0
// CHECK-NEXT: target: sparse-2of4 (fingerprint 0x{{[0-9a-f]+}})
// CHECK-NEXT: dram_size: 8192 bytes
// CHECK-EMPTY:
// CHECK-NEXT: tensors (2):
// CHECK-NEXT:   input  "x" f32 [4, 8] 128 bytes dram[0x00000000, 0x00000080)
// CHECK-NEXT:   output "y" f32 [4, 4] 64 bytes dram[0x00000080, 0x000000c0)
// CHECK-EMPTY:
// CHECK-NEXT: constants (1):
// CHECK-NEXT:   "w" f32 nm(2:4) rows 4 cols 8 68 bytes dram[0x00000400, 0x00000444)
// CHECK-EMPTY:
// CHECK-NEXT: layers (1):
// CHECK-NEXT:   "/fc/Gemm" load [0, 3) compute [0, 2) store [0, 1)
// CHECK-EMPTY:
// CHECK-NEXT: load queue (3 instructions):
// CHECK-NEXT:      0  LOAD        f32 dram[0] to act[0] size [1, 1, 4, 8] dram_stride [0, 0, 8, 1] sram_stride [0, 0, 8, 1] pad_lo [0, 0, 0, 0] pad_hi [0, 0, 0, 0] pad_value 0x00000000 deps()  ; /fc/Gemm
// CHECK-NEXT:      1  LOAD.DECOMP f32 nm(2:4) rows 4 cols 8 dram[1024] meta[1088] to wgt[0, stride 8] deps(push_next)  ; /fc/Gemm
// CHECK-NEXT:      2  END         deps()  ; /fc/Gemm
// CHECK-EMPTY:
// CHECK-NEXT: compute queue (2 instructions):
// CHECK-NEXT:      0  GEMM        f32 M=4 N=4 K=8 act[0, stride 8] wgt[0, stride 8] acc[0, stride 4] overwrite a_zp 0 w_zp 0 deps(pop_prev, push_next)  ; /fc/Gemm
// CHECK-NEXT:      1  END         deps()  ; /fc/Gemm
// CHECK-EMPTY:
// CHECK-NEXT: store queue (2 instructions):
// CHECK-NEXT:      0  STORE       f32 acc[0] to dram[128] size [1, 1, 4, 4] dram_stride [0, 0, 4, 1] sram_stride [0, 0, 4, 1] deps(pop_prev)  ; /fc/Gemm
// CHECK-NEXT:      1  END         deps(){{$}}

// 4 rows x 2 groups x 2 f32 values = 64 bytes, then 4 rows of 4 two-bit
// indices = 1 byte each (ISA §6.4.1).
{-#
  dialect_resources: {
    builtin: {
      w: "0x010000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041000020410000304100004041000050410000604100007041000080410E0E0E0E"
    }
  }
#-}
