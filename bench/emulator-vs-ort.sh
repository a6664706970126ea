#!/usr/bin/env bash
#===- emulator-vs-ort.sh - Emulator wall time against ONNX Runtime --------===#
#
#   bench/emulator-vs-ort.sh [MODEL...]     (default: resnet50 resnet18)
#
# For each torchvision model (random weights, exported once into bench/out):
# compiles it for dense-systolic (SPC_BENCH_TARGET overrides) and a
# 1x3x224x224 input, runs the binary with spc-run on a seeded input (best wall
# time of three runs, which includes loading the binary and writing the
# outputs), runs the same model and input on ONNX Runtime's CPU provider with
# bench/ort-run.mjs on 2 threads (mean time per inference over 10 runs), and
# prints both times, their ratio and how closely the outputs agree (cosine
# similarity, max abs error). Needs `npm install --ignore-scripts` in bench/
# once. Not part of the test suite: benchmarks never run in CI.
#
#===-----------------------------------------------------------------------===#
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
target=${SPC_BENCH_TARGET:-dense-systolic}
models=("$@")
[[ ${#models[@]} -gt 0 ]] || models=(resnet50 resnet18)

if [[ ! -d "$root/bench/node_modules/onnxruntime-node" ]]; then
  echo "emulator-vs-ort.sh: run 'npm install --ignore-scripts' in bench/ first" >&2
  exit 1
fi
image_input

# Best wall seconds of three runs of a command.
best_of_three() {
  local best="" t
  for _ in 1 2 3; do
    t=$( { /usr/bin/time -f "%e" "$@" >/dev/null; } 2>&1 | tail -1)
    if [[ -z "$best" ]] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
  done
  echo "$best"
}

printf '%-10s %12s %10s %8s %10s %14s\n' model "spc-run(s)" "ORT(ms)" ratio cosine "max abs error"
for model in "${models[@]}"; do
  export_model "$model"
  compile_model "$model" "$target"
  spc_time=$(best_of_three "$build_dir/bin/spc-run" "$out/$model.$target.spab" \
    --input=input="$out/input-224.npy" --output-dir="$out/$model.spc-out")
  ort_ms=$(node "$root/bench/ort-run.mjs" "$out/$model.onnx" \
    --input=input="$out/input-224.npy" --iterations=10 --threads=2 \
    --output-dir="$out/$model.ort-out" | sed -n 's/.*: mean \([0-9.]*\) ms,.*/\1/p')
  read -r cosine max_abs < <(/usr/bin/python3 -c 'import numpy as np, sys
a = np.load(sys.argv[1]).astype(np.float64).ravel()
b = np.load(sys.argv[2]).astype(np.float64).ravel()
print(f"{a @ b / (np.linalg.norm(a) * np.linalg.norm(b)):.6f} {np.abs(a - b).max():.3g}")' \
    "$out/$model.spc-out/output.npy" "$out/$model.ort-out/output.npy")
  ratio=$(awk "BEGIN{printf \"%.1f\", $spc_time * 1000 / $ort_ms}")
  printf '%-10s %12s %10s %8s %10s %14s\n' "$model" "$spc_time" "$ort_ms" "${ratio}x" "$cosine" "$max_abs"
done
echo
echo "Commands: $build_dir/bin/spc-compile $out/MODEL.onnx --target=$target --input-shape=input=1,3,224,224 -o $out/MODEL.$target.spab"
echo "          /usr/bin/time -f %e $build_dir/bin/spc-run $out/MODEL.$target.spab --input=input=$out/input-224.npy --output-dir=$out/MODEL.spc-out   (best of 3)"
echo "          node $root/bench/ort-run.mjs $out/MODEL.onnx --input=input=$out/input-224.npy --iterations=10 --threads=2 --output-dir=$out/MODEL.ort-out"
