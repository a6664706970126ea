// A 90%-sparse fully connected layer on the high-sparsity engine: W (8x16,
// two non-zeros per row) is stored as CSR (ISA §6.4.3): row pointers at 0,
// column indices at 36, values at 68, loaded into wgt as bytes.
spt.program @sparse_fc target "high-sparsity" dram_size 640 {
  spt.tensor input "x" f32 [4, 16] at 0
  spt.tensor output "y" f32 [4, 8] at 512
  spt.constant "fc.weight" f32 csr rows 8 cols 16 at 256
      = dense_resource<fc_weight> : tensor<132xi8>
  spt.layer "fc" load [0, 2) compute [0, 1) store [0, 1)
  spt.queue load {
    spt.load f32 dram[0] to act[0] size [1, 1, 4, 16]
        dram_stride [0, 0, 16, 1] sram_stride [0, 0, 16, 1]
    spt.load i8 dram[256] to wgt[0] size [1, 1, 1, 132]
        dram_stride [0, 0, 0, 1] sram_stride [0, 0, 0, 1] deps(push_next)
    spt.end
  }
  spt.queue compute {
    spt.gemm_sp f32 M=4 N=8 K=16 act[0, stride 16] wgt[68] idx[36] ptr[0]
        acc[0, stride 8] deps(pop_prev, push_next)
    spt.end
  }
  spt.queue store {
    spt.store f32 acc[0] to dram[512] size [1, 1, 4, 8]
        dram_stride [0, 0, 8, 1] sram_stride [0, 0, 8, 1] deps(pop_prev)
    spt.end
  }
}

{-#
  dialect_resources: {
    builtin: {
      fc_weight: "0x0400000000000000020000000400000006000000080000000a0000000c0000000e000000100000000700080002000d0006000d0006000a000c000f00040007000100070006000e00000080400000803f0000803f0000004000008040000000400000803f0000803f00004040000080400000803f000000400000803f000000400000004000004040"
    }
  }
#-}
