#!/usr/bin/env bash
#===- run-example.sh - SPC's main job on the bundled example ---------------===#
#
#   scripts/run-example.sh [FILE.mlir]
#
# Installs missing Debian packages, builds spc-opt, and runs the sparsity
# analysis on a model (by default examples/resnet_block.mlir, a ResNet basic
# block with 2:4, 90%-unstructured and dense weights), then prints a
# per-weight sparsity report and the pass timing.
#
# Until the ONNX importer, backend and emulator land, this is SPC's main job;
# it becomes "compile a model, run it on the emulator, show the report".
#
#===-----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
input=${1:-$root/examples/resnet_block.mlir}

"$root/scripts/setup-debian.sh"
"$root/scripts/build.sh" spc-opt >/dev/null
build_dir=${SPC_BUILD_DIR:-$root/build}

out=$(mktemp)
timing=$(mktemp)
trap 'rm -f "$out" "$timing"' EXIT
"$build_dir/bin/spc-opt" "$input" --spa-annotate-sparsity --canonicalize \
  --mlir-elide-resource-strings-if-larger=16 --mlir-timing \
  -o "$out" 2>"$timing"

/usr/bin/python3 - "$input" "$out" <<'PY'
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
grep -E "Total Execution Time|SpaAnnotateSparsity|Canonicalizer|Parser|Output|Total$" "$timing" || true
echo
echo "Command: $build_dir/bin/spc-opt $input --spa-annotate-sparsity --canonicalize --mlir-timing"
