#===- common.sh - Shared set-up of the model benchmarks --------------------===#
#
# Sourced by compile-resnet50.sh, emulator-vs-ort.sh and utilization.sh.
# Sets root, build_dir (SPC_BUILD_DIR, default build/) and out (bench/out,
# the cache of exported models, inputs, binaries and outputs), installs the
# Debian packages (with PyTorch) and builds spc-compile and spc-run; set
# SPC_BENCH_NO_BUILD=1 to use the binaries already in the build directory.
#
#===-----------------------------------------------------------------------===#
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${SPC_BUILD_DIR:-$root/build}
out="$root/bench/out"

"$root/scripts/setup-debian.sh" --models
if [[ ${SPC_BENCH_NO_BUILD:-0} == 0 ]]; then
  "$root/scripts/build.sh" spc-compile spc-run >/dev/null
fi
mkdir -p "$out"

# export_model NAME: bench/out/NAME.onnx, a torchvision model with random
# weights and a dynamic batch (exported once).
export_model() {
  [[ -f "$out/$1.onnx" ]] ||
    /usr/bin/python3 "$root/test/Import/ONNX/Inputs/export_torch_models.py" \
      "$out" "$1" >/dev/null
}

# compile_model NAME TARGET: bench/out/NAME.TARGET.spab for a 1x3x224x224
# input.
compile_model() {
  "$build_dir/bin/spc-compile" "$out/$1.onnx" --target="$2" \
    --input-shape=input=1,3,224,224 -o "$out/$1.$2.spab"
}

# image_input: bench/out/input-224.npy, a seeded normal 1x3x224x224 image.
image_input() {
  [[ -f "$out/input-224.npy" ]] ||
    /usr/bin/python3 -c 'import numpy as np, sys
np.save(sys.argv[1], np.random.RandomState(0).randn(1, 3, 224, 224).astype(np.float32))' \
      "$out/input-224.npy"
}
