#!/usr/bin/env bash
#===- tasd.sh - TASD on ResNet-50 and BERT-base ---------------------------===#
#
# ResNet-50 and a BERT-base-sized encoder, dense and pruned to 50% to 95%
# unstructured, on sparse-2of4 and flexible-nm: the energy-delay product of
# spc-compile --tasd=search against dense-systolic and against the same
# target without TASD, the cosine similarity of TASD's outputs to
# dense-systolic's, and the average reduction against TASDER's 74%.
# usage: bench/tasd.sh [small|full] [tasd.py option...]
#   e.g. bench/tasd.sh small --models resnet50 --tasd-arg=--tasd-max-error=0.2
#
#===-----------------------------------------------------------------------===#
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
size=${1:-small}
shift || true
command=(/usr/bin/python3 "$root/bench/tasd.py"
  --spc-compile "$build_dir/bin/spc-compile" --spc-run "$build_dir/bin/spc-run"
  --work "$out/tasd" --size "$size" "$@")
status=0
"${command[@]}" || status=$?
echo
echo "command: bench/tasd.sh $size${*:+ $*}"
echo "         (${command[*]})"
exit $status
