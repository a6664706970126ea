#!/usr/bin/env python3
"""Compiles the model of every ONNX backend node test (Debian's
libonnx-testdata) whose operators the importer supports with spc-compile, for
each target preset, runs the binary with spc-run on the test's inputs and
compares the outputs with the test's expected outputs at the tolerances of
onnx.backend.test.runner (rtol 1e-3, atol 1e-7, NaN equal to NaN), after
checking that dtype and shape are exactly the expected ones.

Selection and input binding are utils/onnx-node-tests.py's (imported, not
copied): a test whose operators are outside the coverage table is
unsupported; inputs that SPC needs at compile time (a Reshape shape, Slice
bounds, ...) and that the test feeds at run time are bound to the test's
values. A model that does not import fails on every preset.

Each (test, preset) pair is one of:
  pass         compiled, ran, and every output matched;
  fail         with a one-line reason: the compile or run error, or the
               first mismatching output (max abs and rel error, first index);
  unsupported  an operator outside the importer's coverage table.

The expected-failures file has one `test_name` (every preset) or
`test_name:preset` per line, `#` starts a reason. An unexpected failure, or an
expected one that now passes, makes the run exit non-zero, so the list stays
true. --write-xfail writes such a file from the failures of this run.

--subset ci (the lit test) keeps the tests whose CRC-32 of the name is
divisible by CI_MODULUS: a fixed, deterministic third of the tests that a new
test joins or not by its name alone, about two minutes on two cores for all
five presets. --subset full (the default) runs every test, about three times
as long, e.g.

  utils/onnx-conformance.py --spc-compile build/bin/spc-compile \\
      --spc-run build/bin/spc-run --xfail test/Compiler/conformance-xfail.txt

usage: onnx-conformance.py --spc-compile PATH --spc-run PATH
                           [--spc-translate PATH] [--data DIR]
                           [--targets a,b] [--subset ci|full] [--jobs N]
                           [--xfail FILE] [--write-xfail FILE]
                           [--filter REGEX] [--report FILE.json] [-v]
"""

import argparse
import concurrent.futures
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import zlib

import numpy as np
import onnx
from onnx import numpy_helper

PRESETS = ["dense-systolic", "sparse-2of4", "flexible-nm", "relaxed-nm",
           "high-sparsity"]
# onnx.backend.test.loader's defaults for node tests.
RTOL = 1e-3
ATOL = 1e-7
# --subset ci keeps the tests with crc32(name) % CI_MODULUS == 0.
CI_MODULUS = 3
# Seconds one spc-compile or spc-run may take before the pair fails.
TIMEOUT = 300


def load_node_tests():
    """utils/onnx-node-tests.py as a module (its name is not importable)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "onnx-node-tests.py")
    spec = importlib.util.spec_from_file_location("onnx_node_tests", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def preset_label(target):
    """The name a target is reported under: a preset, or a file's stem."""
    return os.path.splitext(os.path.basename(target))[0]


def crash_site(lines):
    """The assertion or fatal-error message of a crash, else the innermost
    function of the stack dump that is not LLVM's signal handling."""
    for line in lines:
        if "Assertion" in line or "LLVM ERROR" in line:
            return line.strip()
    for line in lines:
        frame = re.match(r"\s*#\d+ 0x[0-9a-f]+ (.+?)\(", line)
        if frame and "llvm::sys::" not in frame.group(1):
            return "in " + frame.group(1).strip()
    return "no message"


def first_error(tool, stderr, returncode):
    """The first `error:` line of a tool's stderr, without the file or tool
    prefix; a crash says where."""
    lines = stderr.strip().splitlines()
    if returncode < 0:
        return f"{tool} crashed (signal {-returncode}) {crash_site(lines)}"
    message = next((line for line in lines if "error:" in line),
                   lines[0] if lines else "no message")
    return f"{tool}: {message.split('error:', 1)[-1].strip()}"


def run_tool(tool, command):
    """Runs a tool; returns None on success, else a one-line reason."""
    try:
        proc = subprocess.run(command, capture_output=True, text=True,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"{tool}: timed out after {TIMEOUT} s"
    except OSError as e:  # The binary is missing (being relinked, say).
        return f"{tool}: cannot run: {e}"
    if proc.returncode == 0:
        return None
    return first_error(tool, proc.stderr, proc.returncode)


def format_index(index):
    return "[" + ", ".join(str(int(i)) for i in index) + "]"


def compare(name, got, want):
    """None when `got` matches `want` as onnx.backend.test.runner checks it
    (dtype, then np.testing.assert_allclose(got, want, RTOL, ATOL)) with
    an exact shape; else a one-line description of the difference."""
    if got.dtype != want.dtype:
        return f"output '{name}': dtype {got.dtype}, expected {want.dtype}"
    if got.shape != want.shape:
        return (f"output '{name}': shape {list(got.shape)}, expected "
                f"{list(want.shape)}")
    if want.dtype.kind in "fciu":
        ok = np.isclose(got, want, rtol=RTOL, atol=ATOL, equal_nan=True)
    else:
        ok = got == want
    if ok.all():
        return None
    bad = np.argwhere(~ok)
    first = tuple(bad[0])
    detail = (f"output '{name}': {len(bad)} of {want.size} elements differ; "
              f"first at {format_index(first)}: got {got[first]!r}, "
              f"expected {want[first]!r}")
    if want.dtype.kind in "fciu":
        g = got.astype(np.float64)
        w = want.astype(np.float64)
        finite = np.isfinite(g) & np.isfinite(w)
        err = np.abs(g - w)[finite]
        ref = np.abs(w)[finite]
        if err.size:
            rel = np.divide(err, ref, out=np.full_like(err, np.inf),
                            where=ref > 0)
            rel[err == 0] = 0
            detail += (f"; max abs error {err.max():.3g}, "
                       f"max rel error {rel.max():.3g}")
    return detail


def fixed_shapes(model, data_set, graph_inputs):
    """--input-shape arguments for the run-time inputs with a dynamic
    dimension, from the test's input tensors."""
    shapes = []
    for value in model.graph.input:
        dims = value.type.tensor_type.shape.dim
        if not dims or all(d.HasField("dim_value") for d in dims):
            continue
        tensor = onnx.load_tensor(os.path.join(
            data_set, f"input_{graph_inputs.index(value.name)}.pb"))
        shapes.append(f"--input-shape={value.name}="
                      + ",".join(str(d) for d in tensor.dims))
    return shapes


def check_preset(model_path, target, shapes, inputs, expected, work, args):
    """Compiles for one target, runs and compares: None or the reason."""
    label = preset_label(target)
    binary = os.path.join(work, label + ".spab")
    failure = run_tool("spc-compile", [args.spc_compile, model_path,
                                       f"--target={target}", "-o", binary]
                       + shapes)
    if failure:
        if os.path.exists(binary):
            failure += " (and it left the output file behind)"
        return failure
    if not os.path.exists(binary):
        return "spc-compile: exited 0 without writing the binary"
    out_dir = os.path.join(work, label + ".out")
    failure = run_tool("spc-run", [args.spc_run, binary,
                                   f"--output-dir={out_dir}"]
                       + [f"--input={n}={f}" for n, f in inputs])
    if failure:
        return failure
    with open(os.path.join(out_dir, "outputs.json")) as f:
        files = json.load(f)
    for name, want in expected:
        if name not in files:
            return f"spc-run: no output '{name}' in outputs.json"
        difference = compare(name, np.load(os.path.join(out_dir, files[name])),
                             want)
        if difference:
            return difference
    return None


def run_test(test_dir, targets, node_tests, supported, scratch, args):
    """Every (test, target) outcome of one test: [(name, label, outcome,
    detail)] with outcome pass, fail or unsupported."""
    name, imported, detail = node_tests.run_one(
        test_dir, args.spc_translate, supported, scratch)
    labels = [preset_label(t) for t in targets]
    if imported == "unsupported":
        return [(name, label, "unsupported", detail) for label in labels]
    if imported == "failed":
        detail = detail.split("error:", 1)[-1].strip()
        return [(name, label, "fail", f"import: {detail}")
                for label in labels]
    bound = detail.split(", ") if detail else []
    model_path = (os.path.join(scratch, name + ".onnx") if bound
                  else os.path.join(test_dir, "model.onnx"))
    model = onnx.load(model_path, load_external_data=False)
    original = onnx.load(os.path.join(test_dir, "model.onnx"),
                         load_external_data=False)
    graph_inputs = [i.name for i in original.graph.input]
    data_set = os.path.join(test_dir, "test_data_set_0")

    work = os.path.join(scratch, name)
    os.makedirs(work)
    inputs = []
    try:
        for value in model.graph.input:
            index = graph_inputs.index(value.name)
            path = os.path.join(work, f"input_{index}.npy")
            np.save(path, numpy_helper.to_array(onnx.load_tensor(
                os.path.join(data_set, f"input_{index}.pb"))))
            inputs.append((value.name, path))
        expected = [(value.name, numpy_helper.to_array(onnx.load_tensor(
            os.path.join(data_set, f"output_{i}.pb"))))
            for i, value in enumerate(model.graph.output)]
        shapes = fixed_shapes(model, data_set, graph_inputs)
    except Exception as e:  # Test data numpy cannot hold (e.g. bfloat16).
        return [(name, label, "fail", f"test data: {e}") for label in labels]

    results = []
    for target, label in zip(targets, labels):
        failure = check_preset(model_path, target, shapes, inputs, expected,
                               work, args)
        results.append((name, label, "fail" if failure else "pass",
                        failure or ""))
    return results


def read_xfail(path):
    """{(test, preset or None): reason} from an expected-failures file."""
    xfail = {}
    with open(path) as f:
        for line in f:
            entry, _, reason = line.partition("#")
            if entry.strip():
                test, _, preset = entry.strip().partition(":")
                xfail[(test, preset or None)] = reason.strip()
    return xfail


XFAIL_HEADER = """\
# ONNX backend node tests that spc-compile or spc-run fail, with the reason:
# `test_name  # reason` fails on every preset, `test_name:preset  # reason`
# on that one. Checked by onnx-conformance.mlir: a test that starts to pass
# must be removed. `utils/onnx-conformance.py --write-xfail FILE` writes the
# failures of a run in this form.
"""


def write_xfail(path, results, labels):
    """Writes every failure as an expected one: `test` when it fails on all
    of `labels`, else `test:preset`, each with its reason."""
    failures = {}
    for name, label, outcome, detail in results:
        if outcome in ("fail", "xfail"):
            failures.setdefault(name, {})[label] = detail
    with open(path, "w") as f:
        f.write(XFAIL_HEADER)
        for name in sorted(failures):
            per_preset = failures[name]
            if len(per_preset) == len(labels):
                f.write(f"{name:<60} # {per_preset[labels[0]]}\n")
                continue
            for label in labels:
                if label in per_preset:
                    f.write(f"{name + ':' + label:<60} # "
                            f"{per_preset[label]}\n")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spc-compile", required=True)
    parser.add_argument("--spc-run", required=True)
    parser.add_argument("--spc-translate",
                        help="for the operator list and the import check "
                        "(default: next to --spc-compile)")
    parser.add_argument("--data",
                        default="/usr/share/libonnx-testdata/data/node")
    parser.add_argument("--targets", default=",".join(PRESETS),
                        help="comma-separated presets or target files")
    parser.add_argument("--subset", choices=["ci", "full"], default="full")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--xfail")
    parser.add_argument("--write-xfail", metavar="FILE",
                        help="write this run's failures as an "
                        "expected-failures file")
    parser.add_argument("--filter", metavar="REGEX",
                        help="only the tests whose name matches")
    parser.add_argument("--report", metavar="FILE.json")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    if not args.spc_translate:
        args.spc_translate = os.path.join(
            os.path.dirname(args.spc_compile), "spc-translate")

    node_tests = load_node_tests()
    supported = set(subprocess.run(
        [args.spc_translate, "--list-onnx-ops"], check=True,
        capture_output=True, text=True).stdout.split())
    xfail = read_xfail(args.xfail) if args.xfail else {}
    targets = [t for t in args.targets.split(",") if t]
    labels = [preset_label(t) for t in targets]

    names = sorted(d for d in os.listdir(args.data)
                   if os.path.exists(os.path.join(args.data, d, "model.onnx")))
    if args.subset == "ci":
        names = [n for n in names if zlib.crc32(n.encode()) % CI_MODULUS == 0]
    if args.filter:
        names = [n for n in names if re.search(args.filter, n)]
    with tempfile.TemporaryDirectory() as scratch, \
            concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        per_test = list(pool.map(
            lambda n: run_test(os.path.join(args.data, n), targets,
                               node_tests, supported, scratch, args),
            names))
    results = []
    for name, label, outcome, detail in (r for rs in per_test for r in rs):
        expected = (name, label) in xfail or (name, None) in xfail
        if expected and outcome == "fail":
            outcome = "xfail"
        elif expected and outcome == "pass":
            outcome = "xpass"
        results.append((name, label, outcome, detail))

    counts = {label: dict.fromkeys(
        ("pass", "fail", "xfail", "xpass", "unsupported"), 0)
        for label in labels}
    for name, label, outcome, detail in results:
        counts[label][outcome] += 1
        if args.verbose and outcome in ("xfail", "unsupported"):
            print(f"{outcome.upper()}: {name}:{label}: {detail}")
    for name, label, outcome, detail in results:
        if outcome == "fail":
            print(f"UNEXPECTED FAILURE: {name}:{label}: {detail}")
        elif outcome == "xpass":
            print(f"UNEXPECTED PASS: {name}:{label} (remove it from the "
                  "expected failures)")

    supported_tests = len({n for n, _, o, _ in results if o != "unsupported"})
    print(f"{'preset':<16} {'passed':>7} {'failed':>7} {'xfail':>7} "
          f"{'supported':>10}")
    for label in labels:
        c = counts[label]
        print(f"{label:<16} {c['pass'] + c['xpass']:>7} {c['fail']:>7} "
              f"{c['xfail']:>7} {supported_tests:>10}")
    total = {k: sum(c[k] for c in counts.values())
             for k in ("pass", "fail", "xfail", "xpass", "unsupported")}
    presets = f"{len(labels)} preset" + ("s" if len(labels) != 1 else "")
    subset = (f"; ci subset, 1 in {CI_MODULUS} tests"
              if args.subset == "ci" else "")
    print(f"conformance: {total['pass'] + total['xpass']} passed, "
          f"{total['fail']} failed, {total['xfail']} expected failures, "
          f"{total['unsupported']} unsupported ({supported_tests} supported "
          f"tests x {presets}{subset})")

    if args.write_xfail:
        write_xfail(args.write_xfail, results, labels)
    if args.report:
        with open(args.report, "w") as f:
            json.dump({
                "targets": labels, "subset": args.subset,
                "supported_tests": supported_tests, "totals": total,
                "presets": counts,
                "results": [{"test": n, "preset": p, "outcome": o,
                             "detail": d} for n, p, o, d in results],
            }, f, indent=1)
            f.write("\n")
    return 1 if total["fail"] or total["xpass"] else 0


if __name__ == "__main__":
    sys.exit(main())
