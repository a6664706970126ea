// A 2:4-pruned fully connected layer on the 2:4 sparse tensor core. The
// weight is packed as ISA §6.4.1 describes (values, then 2-bit indices at a
// 4-byte boundary), loaded as is, and GEMM.NM streams only the stored values:
// K = 128 dense becomes 64 streamed (ISA §4.3, docs/CycleModel.md).

spt.program @fc target "sparse-2of4" dram_size 115712 {
  spt.tensor input "x" f32 [128, 128] at 0
  spt.tensor output "y" f32 [128, 64] at 82944
  spt.constant "fc.weight" f32 nm(2:4) rows 64 cols 128 at 65536
      = dense_resource<fc_weight> : tensor<17408xi8>
  spt.layer "/fc/MatMul" load [0, 3) compute [0, 1) store [0, 1)
  spt.queue load {
    spt.load f32 dram[0] to act[0] size [1, 1, 128, 128]
        dram_stride [0, 0, 128, 1] sram_stride [0, 0, 128, 1]
    // 64 rows of 64 stored values, then 64 rows of 16 metadata bytes.
    spt.load f32 dram[65536] to wgt[0] size [1, 1, 64, 64]
        dram_stride [0, 0, 64, 1] sram_stride [0, 0, 64, 1]
    spt.load i8 dram[81920] to wgt[16384] size [1, 1, 64, 16]
        dram_stride [0, 0, 16, 1] sram_stride [0, 0, 16, 1] deps(push_next)
    spt.end
  }
  spt.queue compute {
    spt.gemm_nm f32 2:4 M=128 N=64 K=128 act[0, stride 128] wgt[0, stride 64]
        meta[16384, stride 16] acc[0, stride 64] deps(pop_prev, push_next)
    spt.end
  }
  spt.queue store {
    spt.store f32 acc[0] to dram[82944] size [1, 1, 128, 64]
        dram_stride [0, 0, 64, 1] sram_stride [0, 0, 64, 1] deps(pop_prev)
    spt.end
  }
}
