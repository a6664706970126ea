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

# Best of three runs of a command; prints "seconds peak-RSS-MiB" (GNU time
# reports the peak resident set in KiB).
best_of_three() {
  local best_time="" best_rss="" out t rss
  for _ in 1 2 3; do
    out=$( { /usr/bin/time -f "%e %M" "$@"; } 2>&1 | tail -1)
    read -r t rss <<<"$out"
    if [[ -z "$best_time" ]] || awk "BEGIN{exit !($t < $best_time)}"; then
      best_time=$t; best_rss=$rss
    fi
  done
  echo "$best_time $((best_rss / 1024))"
}

# "import": to MLIR bytecode, which stores the weights as raw bytes, as a
# compile pipeline would. "text": the default textual output, where MLIR's
# printer formats every blob as hex before eliding it.
printf '%-14s %9s %11s %13s %10s\n' model "size(MB)" "import(s)" "peak RSS(MB)" "text(s)"
for model in "${models[@]}"; do
  file="$cache/$model.onnx"
  size=$(du -m "$file" | cut -f1)
  read -r import_time import_rss < <(best_of_three "$build_dir/bin/spc-translate" \
    --import-onnx "$file" --emit-bytecode -o /dev/null)
  read -r text_time _ < <(best_of_three "$build_dir/bin/spc-translate" \
    --import-onnx "$file" -o /dev/null)
  printf '%-14s %9s %11s %13s %10s\n' "$model" "$size" "$import_time" "$import_rss" "$text_time"
done
echo
echo "Commands (best of 3): $build_dir/bin/spc-translate --import-onnx MODEL.onnx --emit-bytecode -o /dev/null"
echo "                      $build_dir/bin/spc-translate --import-onnx MODEL.onnx -o /dev/null"
