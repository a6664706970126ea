#!/usr/bin/env bash
#===- run-example.sh - SPC's main job on the bundled example ---------------===#
#
#   scripts/run-example.sh [MODEL.onnx [--input-shape=NAME=D0,D1,...]...]
#
# Installs missing Debian packages, builds the tools, and then:
#  1. imports an ONNX model (by default examples/resnet_block.onnx, a ResNet
#     basic block with BatchNorm and 2:4, 90%-unstructured and dense weights)
#     with spc-translate, runs the sparsity analysis with spc-opt, and prints
#     a per-weight sparsity report and the timings;
#  2. compiles it with spc-compile for two presets (dense-systolic and
#     sparse-2of4), runs both binaries on the emulator (spc-run) on a seeded
#     random input, checks the outputs against an independent numpy
#     evaluation of the ONNX graph (utils/onnx-reference.py), and prints a
#     per-layer table of cycles, utilisation and energy; each run also
#     writes an HTML report (spc-run --report-html) to
#     build/example/TARGET.html.
#
#===-----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ $# -gt 0 ]]; then
  input=$1
  shift
  shapes=("$@")
else
  input=$root/examples/resnet_block.onnx
  shapes=(--input-shape=input=1,32,16,16)
fi

"$root/scripts/setup-debian.sh"
# spc-python too, so that `import spc` works from build/python afterwards
# (docs/GettingStarted.md).
"$root/scripts/build.sh" spc-opt spc-translate spc-compile spc-run spc-python >/dev/null
build_dir=${SPC_BUILD_DIR:-$root/build}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$(date +%s.%N)
"$build_dir/bin/spc-translate" --import-onnx "$input" "${shapes[@]}" \
  --emit-bytecode -o "$work/model.mlirbc"
imported=$(date +%s.%N)
"$build_dir/bin/spc-opt" "$work/model.mlirbc" --spa-annotate-sparsity \
  --mlir-elide-resource-strings-if-larger=16 --mlir-timing \
  -o "$work/annotated.mlir" 2>"$work/timing"

/usr/bin/python3 - "$input" "$work/annotated.mlir" <<'PY'
import re, sys
source, annotated = sys.argv[1], open(sys.argv[2]).read()
pattern = re.compile(
    r"spa\.constant \{spa\.sparsity = #spa\.sparsity<density = ([^,]+), "
    r"dim = (\d+), nm = \[([^\]]*)\]>\} dense_resource<(\w+)> : tensor<([^>]*)>")
print(f"Sparsity of the weights in {source}\n")
print(f"{'weight':<16}{'shape':<20}{'dim':>4}{'density':>9}  {'tightest':<9}"
      f"{'2:4?':<6}N per M = 4, 8, ..., 256")
for density, dim, nm, name, shape in pattern.findall(annotated):
    terms = [tuple(map(int, t.split(":"))) for t in nm.split(", ")]
    # Lowest N/M, ties to the smallest M (see #spa.sparsity).
    n, m = min(terms, key=lambda t: (t[0] / t[1], t[1]))
    two_of_four = "yes" if terms[0][0] <= 2 else "no"
    print(f"{name:<16}{shape:<20}{dim:>4}{float(density):>9.3f}  {f'{n}:{m}':<9}"
          f"{two_of_four:<6}{' '.join(str(t[0]) for t in terms)}")
PY
echo
awk -v a="$start" -v b="$imported" 'BEGIN { printf "ONNX import: %.3f s\n", b - a }'
grep -E "Total Execution Time|SpaAnnotateSparsity|Parser|Output" "$work/timing" || true
echo
echo "Commands: $build_dir/bin/spc-translate --import-onnx $input ${shapes[*]} --emit-bytecode -o model.mlirbc"
echo "          $build_dir/bin/spc-opt model.mlirbc --spa-annotate-sparsity --mlir-timing"

input_name=$(/usr/bin/python3 -c "import onnx, sys; m = onnx.load(sys.argv[1]); \
inits = {t.name for t in m.graph.initializer}; \
print([i.name for i in m.graph.input if i.name not in inits][0])" "$input")
/usr/bin/python3 - "$work/x.npy" "${shapes[@]}" <<'PY'
import sys
import numpy as np
shape = [int(d) for d in sys.argv[2].split("=", 2)[2].split(",")]
np.save(sys.argv[1], np.random.default_rng(7).standard_normal(shape).astype(np.float32))
PY
/usr/bin/python3 "$root/utils/onnx-reference.py" "$input" "$work/reference" \
  "$input_name=$work/x.npy"

for target in dense-systolic sparse-2of4; do
  dir="$work/$target"
  mkdir -p "$dir" "$build_dir/example"
  echo
  echo "== $(basename "$input") on $target"
  compile_start=$(date +%s.%N)
  "$build_dir/bin/spc-compile" "$input" "${shapes[@]}" --target="$target" \
    -o "$dir/model.spab" --report="$dir/report.json"
  compile_end=$(date +%s.%N)
  "$build_dir/bin/spc-run" "$dir/model.spab" --input="$input_name=$work/x.npy" \
    --output-dir="$dir/out" --stats="$dir/stats.json" \
    --report-html="$build_dir/example/$target.html"
  run_end=$(date +%s.%N)
  /usr/bin/python3 - "$dir" "$work/reference" "$compile_start" "$compile_end" \
    "$run_end" <<'PY'
import json, os, sys
import numpy as np
out, ref, t0, t1, t2 = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:6])
stats = json.load(open(os.path.join(out, "stats.json")))
report = json.load(open(os.path.join(out, "report.json")))
print(f"{'layer':<44}{'cycles':>10}{'util':>8}{'energy_nJ':>12}")
for layer in stats["layers"]:
    print(f"{layer['name'][:43]:<44}{layer['cycles']:>10}"
          f"{layer['utilization']:>8.1%}{layer['energy_pj'] / 1000:>12.1f}")
print(f"{'total':<44}{stats['cycles']:>10}{stats['utilization']:>8.1%}"
      f"{stats['energy_pj'] / 1000:>12.1f}")
ok = True
for name in sorted(os.listdir(ref)):
    expected = np.load(os.path.join(ref, name))
    actual = np.load(os.path.join(out, "out", name))
    error = float(np.abs(actual - expected).max())
    close = actual.shape == expected.shape and np.allclose(
        actual, expected, rtol=1e-3, atol=1e-4)
    ok &= close
    print(f"output {name[:-4]}: max |error| {error:.2e} vs the numpy "
          f"reference: {'match' if close else 'MISMATCH'}")
print(f"compile {t1 - t0:.2f} s, emulate {t2 - t1:.2f} s, peak DRAM arena "
      f"{report['dram']['arena_peak_bytes']} bytes, "
      f"{sum(report['instructions'][q] for q in ('load', 'compute', 'store'))} "
      f"instructions")
sys.exit(0 if ok else 1)
PY
  echo "HTML report: $build_dir/example/$target.html"
done
echo
echo "Commands: $build_dir/bin/spc-compile $input ${shapes[*]} --target=TARGET -o model.spab --report=report.json"
echo "          $build_dir/bin/spc-run model.spab --input=$input_name=x.npy --output-dir=out --stats=stats.json --report-html=report.html"
