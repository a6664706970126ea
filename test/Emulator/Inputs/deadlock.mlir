// The load queue waits for a token from compute, and compute for one from
// load: neither is ever pushed (ISA §1.2).
spt.program @stuck target "dense-systolic" dram_size 64 {
  spt.layer "stuck" load [0, 1) compute [0, 1) store [0, 0)
  spt.queue load {
    spt.sync deps(pop_next)
    spt.end
  }
  spt.queue compute {
    spt.sync deps(pop_prev)
    spt.end
  }
  spt.queue store {
  }
}
