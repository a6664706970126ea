#!/usr/bin/env bash
#===- utilization.sh - Modelled per-layer utilisation of ResNet-50 --------===#
#
#   bench/utilization.sh [TARGET] [MODEL]   (default: dense-systolic resnet50)
#
# Compiles the model (torchvision, random weights, exported once into
# bench/out) for a 1x3x224x224 input, runs it with spc-run --stats and prints
# each layer's useful MACs, cycles and modelled utilisation (useful MACs /
# (multipliers x MACs per multiplier x cycles), the stats' `utilization`; "-"
# for layers without MACs, which run on the vector unit),
# then the matrix layers below 50% and the share of large matrix layers
# (conv, matmul, gemm: at least 1% of the model's MACs) at 90% or more. Not
# part of the test suite: benchmarks never run in CI.
#
#===-----------------------------------------------------------------------===#
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
target=${1:-dense-systolic}
model=${2:-resnet50}

export_model "$model"
image_input
compile_model "$model" "$target"
stats="$out/$model.$target.stats.json"
"$build_dir/bin/spc-run" "$out/$model.$target.spab" --input=input="$out/input-224.npy" \
  --output-dir="$out/$model.spc-out" --stats="$stats"

/usr/bin/python3 - "$stats" <<'PY'
import json
import sys

stats = json.load(open(sys.argv[1]))
layers = stats["layers"]
print(f"{'layer':<64} {'MACs':>12} {'cycles':>10} {'util':>7}")
for layer in layers:
    util = f"{100 * layer['utilization']:.1f}%" if layer["macs"] else "-"
    print(f"{layer['name'][:64]:<64} {layer['macs']:>12} {layer['cycles']:>10} "
          f"{util:>7}")
print(f"{'total':<64} {stats['macs']:>12} {stats['cycles']:>10} "
      f"{100 * stats['utilization']:>6.1f}%")

matrix = [l for l in layers if l["macs"] > 0]
low = [l for l in matrix if l["utilization"] < 0.5]
print(f"\nmatrix layers below 50%: {len(low)} of {len(matrix)}")
for layer in low:
    print(f"  {layer['name']}: {100 * layer['utilization']:.1f}%")
large = [l for l in matrix if l["macs"] >= 0.01 * stats["macs"]]
high = [l for l in large if l["utilization"] >= 0.9]
share = 100 * len(high) / len(large) if large else 0
print(f"large matrix layers (>= 1% of the MACs) at >= 90%: {len(high)} of "
      f"{len(large)} ({share:.0f}%)")
PY
echo
echo "Command: $build_dir/bin/spc-run $out/$model.$target.spab --input=input=$out/input-224.npy --output-dir=$out/$model.spc-out --stats=$stats"
echo "  (binary: $build_dir/bin/spc-compile $out/$model.onnx --target=$target --input-shape=input=1,3,224,224 -o $out/$model.$target.spab)"
