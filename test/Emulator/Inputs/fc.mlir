// A small fully connected layer, y = relu(x . W^T + b), for the spc-run
// tests: x is 4x16, W 8x16 (all non-zero), b 8.
spt.program @fc target "dense-systolic" dram_size 928 {
  spt.tensor input "x" f32 [4, 16] at 0
  spt.tensor output "y" f32 [4, 8] at 800
  spt.constant "fc.weight" f32 dense rows 8 cols 16 at 256
      = dense_resource<fc_weight> : tensor<512xi8>
  spt.constant "fc.bias" f32 dense rows 1 cols 8 at 768
      = dense_resource<fc_bias> : tensor<32xi8>
  spt.layer "fc" load [0, 3) compute [0, 2) store [0, 0)
  spt.layer "relu" load [3, 3) compute [2, 3) store [0, 1)
  spt.queue load {
    spt.load f32 dram[0] to act[0] size [1, 1, 4, 16]
        dram_stride [0, 0, 16, 1] sram_stride [0, 0, 16, 1]
    spt.load f32 dram[256] to wgt[0] size [1, 1, 8, 16]
        dram_stride [0, 0, 16, 1] sram_stride [0, 0, 16, 1]
    spt.load f32 dram[768] to acc[1024] size [1, 1, 1, 8]
        dram_stride [0, 0, 0, 1] sram_stride [0, 0, 0, 1] deps(push_next)
    spt.end
  }
  spt.queue compute {
    spt.gemm f32 M=4 N=8 K=16 act[0, stride 16] wgt[0, stride 16]
        acc[0, stride 8] deps(pop_prev)
    spt.vec add f32 rows 4 cols 8 dst acc[0, 8, 1] src1 acc[0, 8, 1]
        src2 acc[1024, 0, 1]
    spt.vec relu f32 rows 4 cols 8 dst acc[0, 8, 1] src1 acc[0, 8, 1]
        deps(push_next)
    spt.end
  }
  spt.queue store {
    spt.store f32 acc[0] to dram[800] size [1, 1, 4, 8]
        dram_stride [0, 0, 8, 1] sram_stride [0, 0, 8, 1] deps(pop_prev)
    spt.end
  }
}

{-#
  dialect_resources: {
    builtin: {
      fc_weight: "0x04000000000040bf000000bf000080be0000003f0000803e0000003f0000403f000040bf000000bf000080be0000003f0000803e0000003f0000403f000040bf000000bf000080be0000003f0000803e0000003f0000403f000040bf000000bf000080be0000003f0000803e0000003f0000403f000040bf000000bf000080be0000003f0000803e0000003f0000403f000040bf000000bf000080be0000003f0000803e0000003f0000403f000040bf000000bf000080be0000003f0000803e0000003f0000403f000040bf000000bf000080be0000003f0000803e0000003f0000403f000040bf000000bf000080be0000003f0000803e0000003f0000403f000040bf000000bf000080be0000003f0000803e0000003f0000403f000040bf000000bf000080be0000003f0000803e0000003f0000403f000040bf000000bf000080be0000003f0000803e0000003f0000403f000040bf000000bf000080be0000003f0000803e0000003f0000403f000040bf000000bf000080be0000003f0000803e0000003f0000403f000040bf000000bf000080be0000003f0000803e0000003f0000403f000040bf000000bf000080be0000003f0000803e0000003f0000403f000040bf000000bf000080be0000003f0000803e0000003f0000403f000040bf000000bf000080be0000003f0000803e0000003f0000403f000040bf000000bf",
      fc_bias: "0x04000000000000bf0000c0be000080be000000be000000000000003e0000803e0000c03e"
    }
  }
#-}
