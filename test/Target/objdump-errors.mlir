// Binaries that do not load are reported on stderr, naming the file and the
// byte offset, with exit code 1 (ISA §7 item 1); nothing crashes.

// RUN: printf 'SPAB' > %t.short
// RUN: not spc-objdump %t.short 2>&1 | FileCheck %s --check-prefix=SHORT -DFILE=%t.short
// SHORT: spc-objdump: error: [[FILE]]: offset 0x0: header: truncated: 4 bytes, a binary has at least 64 (ISA §6.1)

// RUN: printf 'SPAX%%060d' 0 > %t.magic
// RUN: not spc-objdump %t.magic 2>&1 | FileCheck %s --check-prefix=MAGIC
// MAGIC: error: {{.*}}.magic: offset 0x0: header: bad magic: not an SPC binary (ISA §6.1)

// A valid binary cut after its header: the section table is past the end.
// RUN: spc-translate --emit-binary %s -o %t.spab
// RUN: head -c 100 %t.spab > %t.cut
// RUN: not spc-objdump %t.cut 2>&1 | FileCheck %s --check-prefix=CUT
// CUT: error: {{.*}}.cut: offset 0x18: header: truncated: the table of 7 sections ends at 0xe8, past the end of the file (0x64)

// RUN: not spc-translate --import-binary %t.cut 2>&1 | FileCheck %s --check-prefix=IMPORT
// IMPORT: error: {{.*}}.cut: offset 0x18: header: truncated

// RUN: not spc-objdump %t.missing 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: spc-objdump: error: {{.*}}.missing: {{[Nn]}}o such file or directory

spt.program @main target "dense-systolic" dram_size 64 {
  spt.queue load {
  }
  spt.queue compute {
    spt.sync
    spt.end
  }
  spt.queue store {
  }
}
