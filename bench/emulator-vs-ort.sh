#!/usr/bin/env bash
#===- emulator-vs-ort.sh - Emulator wall time against ONNX Runtime --------===#
#
#   bench/emulator-vs-ort.sh [MODEL...]     (default: resnet50 resnet18)
#
# For each torchvision model (random weights, exported once into bench/out):
# compiles it for dense-systolic (SPC_BENCH_TARGET overrides) and a
# 1x3x224x224 input, runs the binary with `spc-run --time-runs=5` on a seeded
# input (the binary loaded once: the load time, then the mean time per run
# after a warm-up run), runs the same model and input on ONNX Runtime's CPU
# provider with bench/ort-run.mjs on 2 threads (mean time per inference over
# 10 runs after a warm-up, session creation excluded), and prints both
# per-inference times, their ratio, spc-run's load time, and how closely the
# outputs agree (cosine similarity, max abs error). Needs
# `npm install --ignore-scripts` in bench/ once. Not part of the test suite:
# benchmarks never run in CI.
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

printf '%-10s %14s %10s %8s %14s %10s %14s\n' model "spc-run(ms)" "ORT(ms)" ratio "spc load(ms)" cosine "max abs error"
for model in "${models[@]}"; do
  export_model "$model"
  compile_model "$model" "$target"
  # "load L ms; run: mean R ms, best B ms over N runs"
  read -r load_ms spc_ms < <("$build_dir/bin/spc-run" "$out/$model.$target.spab" \
    --input=input="$out/input-224.npy" --output-dir="$out/$model.spc-out" \
    --time-runs=5 | sed -n 's/^load \([0-9.]*\) ms; run: mean \([0-9.]*\) ms.*/\1 \2/p')
  ort_ms=$(node "$root/bench/ort-run.mjs" "$out/$model.onnx" \
    --input=input="$out/input-224.npy" --iterations=10 --threads=2 \
    --output-dir="$out/$model.ort-out" | sed -n 's/.*: mean \([0-9.]*\) ms,.*/\1/p')
  read -r cosine max_abs < <(/usr/bin/python3 -c 'import numpy as np, sys
a = np.load(sys.argv[1]).astype(np.float64).ravel()
b = np.load(sys.argv[2]).astype(np.float64).ravel()
print(f"{a @ b / (np.linalg.norm(a) * np.linalg.norm(b)):.6f} {np.abs(a - b).max():.3g}")' \
    "$out/$model.spc-out/output.npy" "$out/$model.ort-out/output.npy")
  ratio=$(awk "BEGIN{printf \"%.1f\", $spc_ms / $ort_ms}")
  printf '%-10s %14s %10s %8s %14s %10s %14s\n' "$model" "$spc_ms" "$ort_ms" "${ratio}x" "$load_ms" "$cosine" "$max_abs"
done
echo
echo "Commands: $build_dir/bin/spc-compile $out/MODEL.onnx --target=$target --input-shape=input=1,3,224,224 -o $out/MODEL.$target.spab"
echo "          $build_dir/bin/spc-run $out/MODEL.$target.spab --input=input=$out/input-224.npy --output-dir=$out/MODEL.spc-out --time-runs=5"
echo "          node $root/bench/ort-run.mjs $out/MODEL.onnx --input=input=$out/input-224.npy --iterations=10 --threads=2 --output-dir=$out/MODEL.ort-out"
