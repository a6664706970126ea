#!/usr/bin/env bash
#===- import-onnx.sh - Benchmark the ONNX importer on real models ---------===#
#
#   bench/import-onnx.sh [MODEL...]     (default: resnet50 resnet18 mobilenet_v2)
#
# Exports each torchvision model once (random weights) into bench/.cache, then
# imports it with spc-translate and prints wall time and peak memory. Not part
# of the test suite: benchmarks never run in CI.
#
#===-----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${SPC_BUILD_DIR:-$root/build}
cache="$root/bench/.cache"
models=("$@")
[[ ${#models[@]} -gt 0 ]] || models=(resnet50 resnet18 mobilenet_v2)

"$root/scripts/setup-debian.sh" --models
"$root/scripts/build.sh" spc-translate >/dev/null
mkdir -p "$cache"
for model in "${models[@]}"; do
  [[ -f "$cache/$model.onnx" ]] ||
    /usr/bin/python3 "$root/test/Import/ONNX/Inputs/export_torch_models.py" \
      "$cache" "$model" >/dev/null
done

printf '%-14s %10s %10s %12s\n' model "size(MB)" "time(s)" "peak RSS(MB)"
for model in "${models[@]}"; do
  file="$cache/$model.onnx"
  size=$(du -m "$file" | cut -f1)
  # Best of three runs; GNU time reports the peak resident set in KiB.
  best_time=""; best_rss=""
  for _ in 1 2 3; do
    out=$( { /usr/bin/time -f "%e %M" "$build_dir/bin/spc-translate" \
               --import-onnx "$file" -o /dev/null; } 2>&1 | tail -1)
    read -r t rss <<<"$out"
    if [[ -z "$best_time" ]] || awk "BEGIN{exit !($t < $best_time)}"; then
      best_time=$t; best_rss=$rss
    fi
  done
  printf '%-14s %10s %10s %12s\n' "$model" "$size" "$best_time" "$((best_rss / 1024))"
done
echo
echo "Command: $build_dir/bin/spc-translate --import-onnx MODEL.onnx -o /dev/null (best of 3)"
