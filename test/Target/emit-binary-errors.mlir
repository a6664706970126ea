// RUN: spc-translate --emit-binary %s -split-input-file -verify-diagnostics -o /dev/null

// Rules that need the target (ISA §7 item 5) are checked when the program is
// emitted, and reported on the instruction that breaks them.

// dense-systolic has no N:M mode, so it cannot run GEMM.NM (ISA §4.3).
// expected-note @+1 {{in this program}}
spt.program @nm_on_dense target "dense-systolic" dram_size 64 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{the program does not run on target 'dense-systolic': compute queue, instruction 0: GEMM.NM: target 'dense-systolic' cannot run 2:4 weights; it runs no N:M pattern (ISA §4.3)}}
    spt.gemm_nm f32 2:4 M=4 N=8 K=16 act[0, stride 16] wgt[0, stride 8] meta[512, stride 4] acc[0, stride 8]
    spt.end
  }
  spt.queue store {
  }
}

// -----

// sparse-2of4 has no structuring unit (ISA §4.6).
// expected-note @+1 {{in this program}}
spt.program @struct_on_2of4 target "sparse-2of4" dram_size 64 {
  spt.queue load {
  }
  spt.queue compute {
    // expected-error @+1 {{the program does not run on target 'sparse-2of4': compute queue, instruction 0: STRUCT: target 'sparse-2of4' has no structuring unit (ISA §4.6)}}
    spt.struct act f32 2:4 rows 4 cols 8 src[0, stride 8] dst[0, stride 8]
    spt.end
  }
  spt.queue store {
  }
}

// -----

// A DMA box that leaves its scratchpad (ISA §7 item 4).
// expected-note @+1 {{in this program}}
spt.program @out_of_bounds target "dense-systolic" dram_size 64 {
  spt.queue load {
    // expected-error @+1 {{the program does not run on target 'dense-systolic': load queue, instruction 0: LOAD:}}
    spt.load f32 dram[0] to act[4294967040] size [1, 1, 1, 16] dram_stride [0, 0, 0, 1] sram_stride [0, 0, 0, 1]
    spt.end
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

// expected-error @+1 {{cannot resolve the target: }}
spt.program @unknown_target target "no-such-target" dram_size 64 {
  spt.queue load {
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}

// -----

spt.program @no_data target "dense-systolic" dram_size 64 {
  // expected-error @+1 {{has no data: its resource blob is elided or missing}}
  spt.constant "c" i8 dense rows 1 cols 4 at 0 = dense_resource<missing> : tensor<4xi8>
  spt.queue load {
  }
  spt.queue compute {
  }
  spt.queue store {
  }
}
