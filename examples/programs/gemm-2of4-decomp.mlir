// The same 2:4-packed weight on the dense systolic array: it crosses DRAM
// packed and LOAD.DECOMP writes it dense into the scratchpad (ISA §3.2), so
// the dense GEMM streams all of K = 128. The matrix unit takes about twice
// the cycles of gemm-2of4.mlir.

spt.program @fc target "dense-systolic" dram_size 115712 {
  spt.tensor input "x" f32 [128, 128] at 0
  spt.tensor output "y" f32 [128, 64] at 82944
  spt.constant "fc.weight" f32 nm(2:4) rows 64 cols 128 at 65536
      = dense_resource<fc_weight> : tensor<17408xi8>
  spt.layer "/fc/MatMul" load [0, 2) compute [0, 1) store [0, 1)
  spt.queue load {
    spt.load f32 dram[0] to act[0] size [1, 1, 128, 128]
        dram_stride [0, 0, 128, 1] sram_stride [0, 0, 128, 1]
    spt.load_decomp f32 nm(2:4) rows 64 cols 128 dram[65536] meta[81920]
        to wgt[0, stride 128] deps(push_next)
    spt.end
  }
  spt.queue compute {
    spt.gemm f32 M=128 N=64 K=128 act[0, stride 128] wgt[0, stride 128]
        acc[0, stride 64] deps(pop_prev, push_next)
    spt.end
  }
  spt.queue store {
    spt.store f32 acc[0] to dram[82944] size [1, 1, 128, 64]
        dram_stride [0, 0, 64, 1] sram_stride [0, 0, 64, 1] deps(pop_prev)
    spt.end
  }
}
