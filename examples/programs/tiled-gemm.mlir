// A fully connected layer, y = relu(x . W^T + b), hand-tiled for the
// scratchpads: K = 128 in two tiles of 64 that accumulate (ISA §4.2), and
// N = 64 in two tiles of 32. The second K tile of x and the other weight
// tiles load while the first GEMM runs: each weight tile pushes a token that
// one GEMM pops (ISA §1.2). Bias and ReLU run on the vector unit, the bias
// broadcast along rows by a zero row stride (ISA §4.7).

spt.program @fc target "dense-systolic" dram_size 86016 {
  spt.tensor input "x" f32 [64, 128] at 0
  spt.tensor output "y" f32 [64, 64] at 69632
  spt.constant "fc.weight" f32 dense rows 64 cols 128 at 32768
      = dense_resource<fc_weight> : tensor<32768xi8>
  spt.constant "fc.bias" f32 dense rows 1 cols 64 at 65536
      = dense_resource<fc_bias> : tensor<256xi8>
  spt.layer "/fc/Gemm" load [0, 7) compute [0, 5) store [0, 0)
  spt.layer "/relu/Relu" load [7, 7) compute [5, 6) store [0, 1)
  spt.queue load {
    // x[:, 0:64] and W[0:32, 0:64].
    spt.load f32 dram[0] to act[0] size [1, 1, 64, 64]
        dram_stride [0, 0, 128, 1] sram_stride [0, 0, 64, 1]
    spt.load f32 dram[32768] to wgt[0] size [1, 1, 32, 64]
        dram_stride [0, 0, 128, 1] sram_stride [0, 0, 64, 1] deps(push_next)
    // x[:, 64:128] and W[0:32, 64:128].
    spt.load f32 dram[256] to act[16384] size [1, 1, 64, 64]
        dram_stride [0, 0, 128, 1] sram_stride [0, 0, 64, 1]
    spt.load f32 dram[33024] to wgt[8192] size [1, 1, 32, 64]
        dram_stride [0, 0, 128, 1] sram_stride [0, 0, 64, 1] deps(push_next)
    // W[32:64, 0:64].
    spt.load f32 dram[49152] to wgt[16384] size [1, 1, 32, 64]
        dram_stride [0, 0, 128, 1] sram_stride [0, 0, 64, 1] deps(push_next)
    // W[32:64, 64:128] and the bias.
    spt.load f32 dram[49408] to wgt[24576] size [1, 1, 32, 64]
        dram_stride [0, 0, 128, 1] sram_stride [0, 0, 64, 1]
    spt.load f32 dram[65536] to act[32768] size [1, 1, 1, 64]
        dram_stride [0, 0, 0, 1] sram_stride [0, 0, 0, 1] deps(push_next)
    spt.end
  }
  spt.queue compute {
    spt.gemm f32 M=64 N=32 K=64 act[0, stride 64] wgt[0, stride 64]
        acc[0, stride 64] deps(pop_prev)
    spt.gemm f32 M=64 N=32 K=64 act[16384, stride 64] wgt[8192, stride 64]
        acc[0, stride 64] accumulate deps(pop_prev)
    spt.gemm f32 M=64 N=32 K=64 act[0, stride 64] wgt[16384, stride 64]
        acc[128, stride 64] deps(pop_prev)
    spt.gemm f32 M=64 N=32 K=64 act[16384, stride 64] wgt[24576, stride 64]
        acc[128, stride 64] accumulate deps(pop_prev)
    spt.vec add f32 rows 64 cols 64 dst acc[0, 64, 1] src1 acc[0, 64, 1]
        src2 act[32768, 0, 1]
    spt.vec relu f32 rows 64 cols 64 dst acc[0, 64, 1] src1 acc[0, 64, 1]
        deps(push_next)
    spt.end
  }
  spt.queue store {
    spt.store f32 acc[0] to dram[69632] size [1, 1, 64, 64]
        dram_stride [0, 0, 64, 1] sram_stride [0, 0, 64, 1] deps(pop_prev)
    spt.end
  }
}
