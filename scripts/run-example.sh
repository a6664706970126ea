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
#  2. assembles the hand-written target programs of examples/programs into
#     binaries (spc-translate --emit-binary), runs each on the emulator
#     (spc-run) for its target, checks the outputs against the ISA reference,
#     and prints cycles, utilisation and energy.
#
# Until the compilation pipeline lands (ONNX to binary), the two halves are
# separate; it becomes "compile a model, run it on the emulator, report".
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
"$root/scripts/build.sh" spc-opt spc-translate spc-run spc-objdump >/dev/null
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

echo
echo "Hand-written target programs on the emulator (examples/programs)"
echo
printf '%-18s %-15s %-7s %9s %9s %7s %11s %9s\n' program target outputs cycles matrix util energy_nJ host_ms
for program in "$root"/examples/programs/*.mlir; do
  name=$(basename "$program" .mlir)
  target=$(grep -o 'target "[a-z0-9-]*"' "$program" | cut -d'"' -f2)
  dir="$work/$name"
  /usr/bin/python3 "$root/utils/spt-programs.py" prepare "$name" "$program" "$dir"
  "$build_dir/bin/spc-translate" --emit-binary "$dir/program.mlir" -o "$dir/program.spab"
  run_start=$(date +%s.%N)
  "$build_dir/bin/spc-run" "$dir/program.spab" --input=x="$dir/x.npy" \
    --output-dir="$dir/out" --stats="$dir/stats.json"
  run_end=$(date +%s.%N)
  /usr/bin/python3 "$root/utils/spt-programs.py" check "$name" "$dir" \
    "$dir/stats.json" "$root/targets/$target.json" >/dev/null
  /usr/bin/python3 - "$name" "$target" "$dir/stats.json" "$run_start" "$run_end" <<'PY'
import json, sys
name, target, path, t0, t1 = sys.argv[1:6]
s = json.load(open(path))
print(f"{name:<18} {target:<15} {'exact':<7} {s['cycles']:>9} "
      f"{s['unit_busy_cycles']['matrix']:>9} {s['utilization']:>7.1%} "
      f"{s['energy_pj'] / 1000:>11.1f} {(float(t1) - float(t0)) * 1000:>9.1f}")
PY
done
echo
echo "Outputs are compared bit for bit with the ISA reference (utils/spt-programs.py)."
echo "Per program: spc-translate --emit-binary P.mlir -o P.spab; spc-run P.spab --input=x=X.npy --output-dir=OUT --stats=S.json; spc-objdump P.spab"
