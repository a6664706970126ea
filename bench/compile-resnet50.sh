#!/usr/bin/env bash
#===- compile-resnet50.sh - Compile time and memory of ResNet-50 ----------===#
#
#   bench/compile-resnet50.sh [TARGET]     (default: dense-systolic)
#
# Exports torchvision's ResNet-50 (random weights) once into bench/out, then
# compiles it for a 1x3x224x224 input with spc-compile under /usr/bin/time -v,
# three times, and prints the best wall time and its peak resident memory
# against the goal of 3 s, followed by the command. Not part of the test
# suite: benchmarks never run in CI.
#
#===-----------------------------------------------------------------------===#
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
target=${1:-dense-systolic}
goal=3

export_model resnet50
command=("$build_dir/bin/spc-compile" "$out/resnet50.onnx" --target="$target"
  --input-shape=input=1,3,224,224 -o "$out/resnet50.$target.spab")

# GNU time -v prints "Elapsed (wall clock) time (h:mm:ss or m:ss): M:SS.ss"
# and "Maximum resident set size (kbytes): N".
best_time="" best_rss=""
for _ in 1 2 3; do
  report=$( { /usr/bin/time -v "${command[@]}" >/dev/null; } 2>&1 )
  seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {
    n = split($2, part, ":"); s = 0
    for (i = 1; i <= n; ++i) s = s * 60 + part[i]
    print s }' <<<"$report")
  rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' <<<"$report")
  if [[ -z "$best_time" ]] || awk "BEGIN{exit !($seconds < $best_time)}"; then
    best_time=$seconds; best_rss=$rss
  fi
done

verdict=$(awk "BEGIN{print ($best_time <= $goal) ? \"meets\" : \"misses\"}")
echo "resnet50 1x3x224x224 on $target: spc-compile ${best_time} s wall (best of 3), peak RSS $((best_rss / 1024)) MiB; goal <= ${goal} s: $verdict"
echo
echo "Command: /usr/bin/time -v ${command[*]}"
