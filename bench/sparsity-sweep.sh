#!/usr/bin/env bash
#===- sparsity-sweep.sh - Pruned models on every preset --------------------===#
#
# ResNet-18 and a transformer encoder pruned to 2:4, 1:4, 16:128 and 90%
# unstructured, on all five presets: total cycles and energy against
# dense-systolic, with every output checked against PyTorch.
# usage: bench/sparsity-sweep.sh [small|full]
#
#===-----------------------------------------------------------------------===#
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
size=${1:-small}
command=(/usr/bin/python3 "$root/bench/sparsity-sweep.py"
  --spc-compile "$build_dir/bin/spc-compile" --spc-run "$build_dir/bin/spc-run"
  --work "$out/sweep" --size "$size")
"${command[@]}"
echo
echo "command: bench/sparsity-sweep.sh $size"
echo "         (${command[*]})"
