#!/usr/bin/env bash
#===- emulator-kernels.sh - Host throughput of the emulator's kernels -----===#
#
#   bench/emulator-kernels.sh [BUILD_DIR] [spc-bench-kernels options...]
#
# Builds spc-bench-kernels and prints MAC/s per matrix instruction kind
# (GEMM f32/i8, GEMM.NM 2:4 and 16:128, GEMM.SP at 90% sparsity) and
# elements/s for VEC and STRUCT, next to a plain dense reference GEMM run on
# the same machine. Options: --size=MxNxK --reps=N --host-threads=N.
#
#===-----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-${SPC_BUILD_DIR:-$root/build}}
[[ $# -gt 0 ]] && shift
ninja -C "$build" -j2 spc-bench-kernels >/dev/null
"$build/bin/spc-bench-kernels" "$@"
