#!/usr/bin/env bash
#===- utilization.sh - Modelled per-layer utilisation of ResNet-50 --------===#
#
#   bench/utilization.sh [TARGET] [MODEL]   (default: dense-systolic resnet50)
#
# Compiles the model (torchvision, random weights, exported once into
# bench/out) for a 1x3x224x224 input, runs it with spc-run --stats and prints
# each layer's useful MACs, DRAM bytes, cycles, modelled utilisation (useful
# MACs / (multipliers x MACs per multiplier x cycles), the stats'
# `utilization`; "-" for layers without MACs, which run on the vector unit)
# and its roofline ceiling: the utilisation the layer would reach if it took
# only max(matrix cycles at 100%, DRAM bytes / the target's bytes per cycle).
# Then the matrix layers below 50% with the reason (DRAM-bound when the
# ceiling is the limit), and the share of large matrix layers (conv, matmul,
# gemm: at least 1% of the model's MACs) at 90% or more, and at 90% or more
# of their ceiling. Not part of the test suite: benchmarks never run in CI.
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

target_file="$root/targets/$target.json"
[[ -f "$target_file" ]] || target_file=$target
/usr/bin/python3 - "$stats" "$target_file" <<'PY'
import json
import sys

stats = json.load(open(sys.argv[1]))
bytes_per_cycle = json.load(open(sys.argv[2]))["dram"]["bytes_per_cycle"]
layers = stats["layers"]


def ceiling(layer):
    """Utilisation if the layer took max(matrix, DRAM) floor cycles."""
    matrix = layer["utilization"] * layer["cycles"]  # cycles at 100%
    dram = layer["dram_bytes"] / bytes_per_cycle
    return matrix / max(matrix, dram, 1e-9)


print(f"{'layer':<64} {'MACs':>12} {'DRAM MB':>8} {'cycles':>10} "
      f"{'util':>7} {'ceiling':>8}")
for layer in layers:
    util = f"{100 * layer['utilization']:.1f}%" if layer["macs"] else "-"
    ceil = f"{100 * ceiling(layer):.1f}%" if layer["macs"] else "-"
    print(f"{layer['name'][:64]:<64} {layer['macs']:>12} "
          f"{layer['dram_bytes'] / 1e6:>8.2f} {layer['cycles']:>10} "
          f"{util:>7} {ceil:>8}")
print(f"{'total':<64} {stats['macs']:>12} {stats['dram_bytes'] / 1e6:>8.2f} "
      f"{stats['cycles']:>10} {100 * stats['utilization']:>6.1f}%")

matrix = [l for l in layers if l["macs"] > 0]
low = [l for l in matrix if l["utilization"] < 0.5]
print(f"\nmatrix layers below 50%: {len(low)} of {len(matrix)}")
for layer in low:
    c = ceiling(layer)
    why = (f"DRAM-bound: {layer['dram_bytes'] / 1e6:.2f} MB for "
           f"{layer['macs'] / 1e6:.1f} M MACs caps it at {100 * c:.1f}%"
           if c < 0.9 else "not DRAM-bound")
    print(f"  {layer['name']}: {100 * layer['utilization']:.1f}% ({why}; "
          f"{100 * layer['utilization'] / c:.0f}% of the ceiling)")
large = [l for l in matrix if l["macs"] >= 0.01 * stats["macs"]]
high = [l for l in large if l["utilization"] >= 0.9]
near = [l for l in large if l["utilization"] >= 0.9 * ceiling(l)]
share = 100 * len(high) / len(large) if large else 0
print(f"large matrix layers (>= 1% of the MACs) at >= 90%: {len(high)} of "
      f"{len(large)} ({share:.0f}%); at >= 90% of their ceiling: "
      f"{len(near)} of {len(large)}")
PY
echo
echo "Command: $build_dir/bin/spc-run $out/$model.$target.spab --input=input=$out/input-224.npy --output-dir=$out/$model.spc-out --stats=$stats"
echo "  (binary: $build_dir/bin/spc-compile $out/$model.onnx --target=$target --input-shape=input=1,3,224,224 -o $out/$model.$target.spab)"
