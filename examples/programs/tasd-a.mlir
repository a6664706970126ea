// TASD on activations: STRUCT keeps the two largest magnitudes of every four
// activations along K, in place (ISA §4.6), and the GEMM declares them 2:4
// (act_nm, ISA §4.2). On flexible-nm, which has dual-side sparsity, the
// array streams half of K.

spt.program @fc target "flexible-nm" dram_size 32768 {
  spt.tensor input "x" f32 [64, 64] at 0
  spt.tensor output "y" f32 [64, 32] at 24576
  spt.constant "fc.weight" f32 dense rows 32 cols 64 at 16384
      = dense_resource<fc_weight> : tensor<8192xi8>
  spt.layer "/fc/MatMul" load [0, 2) compute [0, 2) store [0, 1)
  spt.queue load {
    spt.load f32 dram[0] to act[0] size [1, 1, 64, 64]
        dram_stride [0, 0, 64, 1] sram_stride [0, 0, 64, 1]
    spt.load f32 dram[16384] to wgt[0] size [1, 1, 32, 64]
        dram_stride [0, 0, 64, 1] sram_stride [0, 0, 64, 1] deps(push_next)
    spt.end
  }
  spt.queue compute {
    spt.struct act f32 2:4 rows 64 cols 64 src[0, stride 64] dst[0, stride 64]
        deps(pop_prev)
    spt.gemm f32 M=64 N=32 K=64 act[0, stride 64] wgt[0, stride 64]
        acc[0, stride 32] act_nm(2:4) deps(push_next)
    spt.end
  }
  spt.queue store {
    spt.store f32 acc[0] to dram[24576] size [1, 1, 64, 32]
        dram_stride [0, 0, 32, 1] sram_stride [0, 0, 32, 1] deps(pop_prev)
    spt.end
  }
}
