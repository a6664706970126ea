#!/usr/bin/env bash
#===- setup-debian.sh - Install the Debian packages SPC builds with -------===#
#
# Idempotent and quiet: prints nothing and changes nothing when every package
# is already installed. Run as root (or with sudo available) on Debian 12.
#
#   scripts/setup-debian.sh           # toolchain, ONNX, Python and test data
#   scripts/setup-debian.sh --models  # also PyTorch, to export real models
#
#===-----------------------------------------------------------------------===#
set -euo pipefail

packages=(
  # MLIR/LLVM 22 with mlir-tblgen, lit, FileCheck and not; clang and lld.
  libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools clang-22 lld-22
  libclang-rt-22-dev
  cmake ninja-build googletest libgtest-dev time
  # ONNX import: the ONNX and protobuf C++ libraries, and the ONNX backend
  # node tests used for conformance.
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata
  # The Python package and its tests.
  pybind11-dev python3-dev python3-numpy python3-onnx python3-pytest
  # The examples chart their figures.
  python3-matplotlib
  # Headless rendering of spc-run's HTML report in the tests.
  chromium
)
for arg in "$@"; do
  case "$arg" in
    --models) packages+=(python3-torch python3-torchvision) ;;
    *) echo "setup-debian.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
echo "setup-debian.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
