#!/usr/bin/env python3
"""Imports the model of every ONNX backend node test (Debian's
libonnx-testdata) whose operators the importer supports, and checks that the
imported function's signature matches the test's input and output tensors.

Each test is one of:
  imported     spc-translate succeeded and the signature matched;
  unsupported  the model uses an operator outside the coverage table;
  failed       it should have imported and did not (or the signature is off).

Failures listed in the expected-failures file (one test name per line, `#`
starts a reason) are reported as such; an unexpected failure, or an expected
one that now passes, makes the run fail, so the list stays true.

usage: onnx-node-tests.py --spc-translate PATH [--data DIR] [--xfail FILE]
                          [--jobs N] [--limit N] [-v]
"""

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys

import onnx
from onnx import TensorProto

DTYPES = {
    TensorProto.FLOAT: "f32", TensorProto.DOUBLE: "f64",
    TensorProto.FLOAT16: "f16", TensorProto.BFLOAT16: "bf16",
    TensorProto.INT8: "i8", TensorProto.INT16: "i16", TensorProto.INT32: "i32",
    TensorProto.INT64: "i64", TensorProto.UINT8: "ui8",
    TensorProto.UINT16: "ui16", TensorProto.UINT32: "ui32",
    TensorProto.UINT64: "ui64", TensorProto.BOOL: "i1",
}


def tensor_type(tensor):
    dims = "".join(f"{d}x" for d in tensor.dims)
    return f"tensor<{dims}{DTYPES.get(tensor.data_type, '?')}>"


def expected_types(test_dir, prefix):
    data_set = os.path.join(test_dir, "test_data_set_0")
    types = []
    index = 0
    while True:
        path = os.path.join(data_set, f"{prefix}_{index}.pb")
        if not os.path.exists(path):
            return types
        tensor = TensorProto()
        with open(path, "rb") as f:
            tensor.ParseFromString(f.read())
        types.append(tensor_type(tensor))
        index += 1


def split_types(signature):
    """Splits `tensor<..> {...}, tensor<..>` at top-level commas into the
    tensor types."""
    return re.findall(r"tensor<[^>]*>", signature)


def run_one(test_dir, spc_translate, supported):
    name = os.path.basename(test_dir)
    model_path = os.path.join(test_dir, "model.onnx")
    try:
        model = onnx.load(model_path, load_external_data=False)
    except Exception as e:  # A model the Python library cannot read.
        return name, "failed", f"onnx.load: {e}"
    ops = {(n.domain or "", n.op_type) for n in model.graph.node}
    missing = sorted(op for domain, op in ops
                     if domain not in ("", "ai.onnx") or op not in supported)
    if missing:
        return name, "unsupported", ", ".join(missing)
    proc = subprocess.run(
        [spc_translate, "--import-onnx", model_path,
         "--mlir-elide-resource-strings-if-larger=16"],
        capture_output=True, text=True)
    if proc.returncode != 0:
        lines = (proc.stderr.strip().splitlines() or ["no message"])
        return name, "failed", lines[0]
    match = re.search(r"func\.func @main\((.*?)\) -> \((.*?)\) \{|"
                      r"func\.func @main\((.*?)\) -> (tensor<[^>]*>)",
                      proc.stdout)
    if not match:
        return name, "failed", "no @main function in the output"
    args = split_types(match.group(1) or match.group(3) or "")
    results = split_types(match.group(2) or match.group(4) or "")
    want_args = expected_types(test_dir, "input")
    want_results = expected_types(test_dir, "output")
    if args != want_args:
        return name, "failed", f"arguments {args}, expected {want_args}"
    if results != want_results:
        return name, "failed", f"results {results}, expected {want_results}"
    return name, "imported", ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--spc-translate", required=True)
    parser.add_argument("--data",
                        default="/usr/share/libonnx-testdata/data/node")
    parser.add_argument("--xfail")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--limit", type=int, default=0,
                        help="import only the first N tests (0: all)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()

    supported = set(subprocess.run(
        [args.spc_translate, "--list-onnx-ops"], check=True,
        capture_output=True, text=True).stdout.split())
    xfail = {}
    if args.xfail:
        with open(args.xfail) as f:
            for line in f:
                name, _, reason = line.partition("#")
                if name.strip():
                    xfail[name.strip()] = reason.strip()

    tests = sorted(os.path.join(args.data, d) for d in os.listdir(args.data)
                   if os.path.exists(os.path.join(args.data, d, "model.onnx")))
    if args.limit:
        tests = tests[:args.limit]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        outcomes = list(pool.map(
            lambda t: run_one(t, args.spc_translate, supported), tests))

    counts = {"imported": 0, "unsupported": 0, "failed": 0}
    unexpected = []
    for name, outcome, detail in outcomes:
        counts[outcome] += 1
        if args.verbose and outcome != "imported":
            print(f"{outcome.upper()}: {name}: {detail}")
        if outcome == "failed" and name not in xfail:
            unexpected.append(f"UNEXPECTED FAILURE: {name}: {detail}")
        if outcome == "imported" and name in xfail:
            unexpected.append(f"UNEXPECTED PASS: {name} (remove it from the "
                              "expected failures)")
    for line in unexpected:
        print(line)
    expected_failures = sum(1 for n, o, _ in outcomes if o == "failed" and n in xfail)
    print(f"ONNX node tests: {len(outcomes)} total, {counts['imported']} imported, "
          f"{counts['unsupported']} unsupported, {counts['failed']} failed "
          f"({expected_failures} expected)")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
