#!/usr/bin/env python3
"""Imports the model of every ONNX backend node test (Debian's
libonnx-testdata) whose operators the importer supports, and checks that the
imported function's signature matches the test's input and output tensors.

Each test is one of:
  imported     spc-translate succeeded and the signature matched; inputs
               that SPC needs at compile time (a Reshape shape, Slice
               bounds, Pad pads, ...) and that the test feeds at run time
               are bound to the test's values first, and counted;
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
import tempfile

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


def load_tensor(test_dir, prefix, index):
    tensor = TensorProto()
    path = os.path.join(test_dir, "test_data_set_0", f"{prefix}_{index}.pb")
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    return tensor


def bind_inputs(model, test_dir, original_inputs, names):
    """Turns the graph inputs `names` into initializers holding the test's
    values: SPC needs shapes, axes, pads and the like at compile time, where
    the node tests feed them at run time. `original_inputs` is the model's
    input order, which numbers the test's input files."""
    for input_name in names:
        tensor = load_tensor(test_dir, "input",
                             original_inputs.index(input_name))
        tensor.name = input_name
        model.graph.initializer.append(tensor)
    kept = [i for i in model.graph.input if i.name not in names]
    del model.graph.input[:]
    model.graph.input.extend(kept)


INTEGER_TYPES = {TensorProto.INT8, TensorProto.INT16, TensorProto.INT32,
                 TensorProto.INT64, TensorProto.UINT8, TensorProto.UINT16,
                 TensorProto.UINT32, TensorProto.UINT64, TensorProto.BOOL}

CONSTANT_NEEDED = re.compile(r"\('([^']+)'\) must be a constant")


def run_one(test_dir, spc_translate, supported, scratch):
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

    graph_inputs = [i.name for i in model.graph.input]
    bound = []
    path = model_path
    while True:
        proc = subprocess.run(
            [spc_translate, "--import-onnx", path,
             "--mlir-elide-resource-strings-if-larger=16"],
            capture_output=True, text=True)
        if proc.returncode == 0:
            break
        lines = (proc.stderr.strip().splitlines() or ["no message"])
        needed = CONSTANT_NEEDED.search(lines[0])
        if (not needed or needed.group(1) not in graph_inputs or
                needed.group(1) in bound):
            return name, "failed", lines[0]
        # Shape-like parameters usually come together (Slice's starts, ends,
        # axes and steps): bind the named input and every integer input.
        names = [needed.group(1)] + [
            i.name for i in model.graph.input
            if i.type.tensor_type.elem_type in INTEGER_TYPES]
        names = [n for n in dict.fromkeys(names) if n not in bound]
        bound.extend(names)
        bind_inputs(model, test_dir, graph_inputs, names)
        path = os.path.join(scratch, name + ".onnx")
        onnx.save(model, path)
    match = re.search(r"func\.func @main\((.*?)\) -> \((.*?)\) \{|"
                      r"func\.func @main\((.*?)\) -> (tensor<[^>]*>)",
                      proc.stdout)
    if not match:
        return name, "failed", "no @main function in the output"
    args = split_types(match.group(1) or match.group(3) or "")
    results = split_types(match.group(2) or match.group(4) or "")
    want_args = [t for t, n in zip(expected_types(test_dir, "input"),
                                   graph_inputs) if n not in bound]
    want_results = expected_types(test_dir, "output")
    if args != want_args:
        return name, "failed", f"arguments {args}, expected {want_args}"
    if results != want_results:
        return name, "failed", f"results {results}, expected {want_results}"
    return name, "imported", ", ".join(bound)


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
    with tempfile.TemporaryDirectory() as scratch, \
            concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        outcomes = list(pool.map(
            lambda t: run_one(t, args.spc_translate, supported, scratch),
            tests))

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
    expected_failures = sum(1 for n, o, _ in outcomes
                            if o == "failed" and n in xfail)
    with_bound = sum(1 for _, o, d in outcomes if o == "imported" and d)
    print(f"ONNX node tests: {len(outcomes)} total, {counts['imported']} "
          f"imported ({with_bound} with shape-like inputs bound as "
          f"constants), {counts['unsupported']} unsupported, "
          f"{counts['failed']} failed ({expected_failures} expected)")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
