// Softmax along rows on the vector unit (ISA §4.7): the row maximum, x - max
// with the maximum broadcast along columns (column stride 0), exp, the row
// sum, its reciprocal, and the product.

spt.program @softmax target "dense-systolic" dram_size 8192 {
  spt.tensor input "x" f32 [16, 64] at 0
  spt.tensor output "y" f32 [16, 64] at 4096
  spt.layer "/softmax/Softmax" load [0, 1) compute [0, 6) store [0, 1)
  spt.queue load {
    spt.load f32 dram[0] to act[0] size [1, 1, 16, 64]
        dram_stride [0, 0, 64, 1] sram_stride [0, 0, 64, 1] deps(push_next)
    spt.end
  }
  spt.queue compute {
    spt.vec rmax f32 rows 16 cols 64 dst acc[0, 1, 0] src1 act[0, 64, 1]
        deps(pop_prev)
    spt.vec sub f32 rows 16 cols 64 dst act[4096, 64, 1] src1 act[0, 64, 1]
        src2 acc[0, 1, 0]
    spt.vec exp f32 rows 16 cols 64 dst act[4096, 64, 1] src1 act[4096, 64, 1]
    spt.vec rsum f32 rows 16 cols 64 dst acc[64, 1, 0] src1 act[4096, 64, 1]
    spt.vec recip f32 rows 16 cols 1 dst acc[64, 1, 0] src1 acc[64, 1, 0]
    spt.vec mul f32 rows 16 cols 64 dst acc[128, 64, 1] src1 act[4096, 64, 1]
        src2 acc[64, 1, 0] deps(push_next)
    spt.end
  }
  spt.queue store {
    spt.store f32 acc[128] to dram[4096] size [1, 1, 16, 64]
        dram_stride [0, 0, 64, 1] sram_stride [0, 0, 64, 1] deps(pop_prev)
    spt.end
  }
}
