#!/usr/bin/env bash
#===- test.sh - Set up, build and run every SPC test ----------------------===#
#
#   scripts/test.sh [--sanitize]
#
# Installs missing Debian packages, builds, and runs the lit/FileCheck suite,
# the spc Python package's pytest suites and the gtest unit tests
# (check-spc). Ends with a line
# "N passed, N failed". With --sanitize, everything runs under
# AddressSanitizer and UndefinedBehaviorSanitizer.
#
#===-----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# PyTorch exports the real architectures the importer's model tests use.
"$root/scripts/setup-debian.sh" --models

build_args=()
build_dir="$root/build"
for arg in "$@"; do
  case "$arg" in
    --sanitize) build_args+=(--sanitize); build_dir="$root/build-sanitize" ;;
    *) echo "test.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done
build_dir=${SPC_BUILD_DIR:-$build_dir}
export SPC_BUILD_DIR=$build_dir

# Leaks in a tool run are bugs too; report them with full stacks.
# allow_user_poisoning=0: SPC's instrumented copies of LLVM's inline
# allocator code poison memory that the uninstrumented libMLIR.so then uses
# legitimately; ASan's own heap, stack and global checks stay on.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allow_user_poisoning=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# The Python package is left out of the sanitizer build (python3 is not
# instrumented); its tests are then unsupported.
targets=(spc-opt spc-translate spc-compile spc-objdump spc-run SPCUnitTests)
[[ ${#build_args[@]} -eq 0 ]] && targets+=(spc-python)
"$root/scripts/build.sh" "${build_args[@]}" "${targets[@]}"

results="$build_dir/test-results.json"
status=0
/usr/lib/llvm-22/bin/lit -sv --output "$results" \
  "$build_dir/test" "$build_dir/test/Unit" || status=$?

/usr/bin/python3 - "$results" <<'PY'
import json, sys
tests = json.load(open(sys.argv[1]))["tests"]
codes = [t["code"] for t in tests]
passed = sum(c in ("PASS", "XFAIL") for c in codes)
failed = sum(c in ("FAIL", "XPASS", "UNRESOLVED", "TIMEOUT") for c in codes)
skipped = len(codes) - passed - failed
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
