// An int8 fully connected layer as a QLinear model runs it: int8 GEMM with
// zero points into int32 (ISA §4.1), the int32 bias, and REQUANT to int8
// with a per-output-channel scale broadcast along rows (ISA §4.7).

spt.program @qfc target "dense-systolic" dram_size 5376 {
  spt.tensor input "x" i8 [32, 64] at 0
  spt.tensor output "y" i8 [32, 32] at 4352
  spt.constant "fc.weight" i8 dense rows 32 cols 64 at 2048
      = dense_resource<fc_weight> : tensor<2048xi8>
  spt.constant "fc.bias" i32 dense rows 1 cols 32 at 4096
      = dense_resource<fc_bias> : tensor<128xi8>
  spt.constant "fc.scale" f32 dense rows 1 cols 32 at 4224
      = dense_resource<fc_scale> : tensor<128xi8>
  spt.layer "/fc/QLinearMatMul" load [0, 4) compute [0, 3) store [0, 1)
  spt.queue load {
    spt.load i8 dram[0] to act[0] size [1, 1, 32, 64]
        dram_stride [0, 0, 64, 1] sram_stride [0, 0, 64, 1]
    spt.load i8 dram[2048] to wgt[0] size [1, 1, 32, 64]
        dram_stride [0, 0, 64, 1] sram_stride [0, 0, 64, 1]
    spt.load i32 dram[4096] to acc[4096] size [1, 1, 1, 32]
        dram_stride [0, 0, 0, 1] sram_stride [0, 0, 0, 1]
    spt.load f32 dram[4224] to act[2048] size [1, 1, 1, 32]
        dram_stride [0, 0, 0, 1] sram_stride [0, 0, 0, 1] deps(push_next)
    spt.end
  }
  spt.queue compute {
    spt.gemm i8 M=32 N=32 K=64 act[0, stride 64] wgt[0, stride 64]
        acc[0, stride 32] a_zp -3 w_zp 2 deps(pop_prev)
    spt.vec add i32 rows 32 cols 32 dst acc[0, 32, 1] src1 acc[0, 32, 1]
        src2 acc[4096, 0, 1]
    spt.vec requant i32 -> i8 rows 32 cols 32 dst act[4096, 32, 1]
        src1 acc[0, 32, 1] src2 act[2048, 0, 1] imm2 5 deps(push_next)
    spt.end
  }
  spt.queue store {
    spt.store i8 act[4096] to dram[4352] size [1, 1, 32, 32]
        dram_stride [0, 0, 32, 1] sram_stride [0, 0, 32, 1] deps(pop_prev)
    spt.end
  }
}
