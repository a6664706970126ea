#!/usr/bin/env bash
#===- build.sh - Configure and build SPC with Ninja -----------------------===#
#
#   scripts/build.sh [--sanitize] [ninja targets...]
#
# Builds into build/ (or build-sanitize/ with --sanitize, which turns on
# AddressSanitizer and UndefinedBehaviorSanitizer). Set SPC_BUILD_DIR to
# override the directory.
#
#===-----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

sanitize=OFF
targets=()
for arg in "$@"; do
  case "$arg" in
    --sanitize) sanitize=ON ;;
    *) targets+=("$arg") ;;
  esac
done
default_dir="$root/build"
[[ $sanitize == ON ]] && default_dir="$root/build-sanitize"
build_dir=${SPC_BUILD_DIR:-$default_dir}

if [[ ! -f "$build_dir/build.ninja" ]]; then
  cmake -G Ninja -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release \
    -DSPC_ENABLE_SANITIZERS=$sanitize >/dev/null
fi
ninja -C "$build_dir" "${targets[@]}"
