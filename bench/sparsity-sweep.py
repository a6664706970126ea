#!/usr/bin/env python3
"""The sparsity sweep: ResNet-18 and a transformer encoder, each pruned in
PyTorch to 2:4, 1:4, 16:128 and 90% unstructured (and unpruned), compiled by
spc-compile for all five presets (it finds each weight's sparsity and
chooses formats itself), run on spc-run, and checked against the pruned
model in PyTorch. Prints total cycles, energy and their ratio to the same
model on dense-systolic, the formats chosen, and the command.

usage: sparsity-sweep.py --spc-compile PATH --spc-run PATH --work DIR
                         [--size small|full] [--models M...] [--patterns P...]
                         [--targets T...]
"""

import argparse
import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "compare_torch", os.path.join(HERE, "..", "utils", "compare-torch.py"))
compare_torch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compare_torch)

TARGETS = ["dense-systolic", "sparse-2of4", "flexible-nm", "relaxed-nm",
           "high-sparsity"]
PATTERNS = ["dense", "nm:2:4", "nm:1:4", "nm:16:128", "unstructured:0.9"]


def export(model, pattern, size, work):
    """Exports the model pruned to `pattern`; returns (onnx, input name,
    input file, reference output)."""
    generator = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    module, input_name, example = compare_torch.build(model, size, generator)
    module.eval()
    if pattern != "dense":
        compare_torch.prune(module, pattern)
    tag = f"{model}.{size}.{pattern.replace(':', '_')}"
    path = os.path.join(work, tag + ".onnx")
    with torch.no_grad():
        reference = module(example).numpy()
        torch.onnx.export(module, example, path, opset_version=13,
                          input_names=[input_name], output_names=["output"])
    input_file = os.path.join(work, tag + ".input.npy")
    np.save(input_file, example.numpy())
    return tag, path, input_name, input_file, reference


def run(args, tag, path, input_name, input_file, reference, target):
    binary = os.path.join(args.work, f"{tag}.{target}.spab")
    report = os.path.join(args.work, f"{tag}.{target}.report.json")
    stats = os.path.join(args.work, f"{tag}.{target}.stats.json")
    out_dir = os.path.join(args.work, f"{tag}.{target}.out")
    for command in ([args.spc_compile, path, f"--target={target}", "-o",
                     binary, f"--report={report}"],
                    [args.spc_run, binary, f"--input={input_name}={input_file}",
                     f"--output-dir={out_dir}", f"--stats={stats}"]):
        proc = subprocess.run(command, capture_output=True, text=True)
        if proc.returncode:
            sys.exit(f"{' '.join(command)} failed:\n{proc.stderr}")
    with open(os.path.join(out_dir, "outputs.json")) as f:
        got = np.load(os.path.join(out_dir, json.load(f)["output"]))
    ok = np.allclose(got, reference, rtol=1e-3, atol=1e-4)
    with open(stats) as f:
        s = json.load(f)
    with open(report) as f:
        formats = {}
        for layer in json.load(f)["layers"]:
            if "format" in layer:
                formats[layer["format"]] = formats.get(layer["format"], 0) + 1
    return {"cycles": s["cycles"], "energy": s["energy_pj"] / 1e6,
            "matrix": s["unit_busy_cycles"]["matrix"], "ok": ok,
            "formats": formats}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spc-compile", required=True)
    parser.add_argument("--spc-run", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--size", choices=["small", "full"], default="small")
    parser.add_argument("--models", nargs="+",
                        default=["resnet18", "transformer"])
    parser.add_argument("--patterns", nargs="+", default=PATTERNS)
    parser.add_argument("--targets", nargs="+", default=TARGETS)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)

    failed = False
    for model in args.models:
        print(f"\n{model} ({args.size}): total cycles (x fewer than on "
              "dense-systolic) / energy in uJ (x less); then the matrix "
              "unit's busy cycles (x fewer)")
        width = 24
        print(f"{'pruning':<18}" + "".join(f"{t:>{width}}" for t in args.targets))
        for pattern in args.patterns:
            exported = export(model, pattern, args.size, args.work)
            results = {t: run(args, *exported, t) for t in args.targets}
            base = results.get("dense-systolic")
            cells = []
            for t in args.targets:
                r = results[t]
                failed |= not r["ok"]
                speed = base["cycles"] / r["cycles"] if base else 1.0
                saving = base["energy"] / r["energy"] if base else 1.0
                mark = "" if r["ok"] else " FAIL"
                cells.append(f"{r['cycles']:>9} {speed:4.2f}x"
                             f"{r['energy']:>6.0f} {saving:4.2f}x{mark}")
            print(f"{pattern:<18}" + "".join(f"{c:>{width}}" for c in cells))
            matrix = []
            for t in args.targets:
                r = results[t]
                ratio = base["matrix"] / r["matrix"] if base else 1.0
                matrix.append(f"matrix {r['matrix']:>8} {ratio:4.2f}x")
            print(f"{'':<18}" + "".join(f"{c:>{width}}" for c in matrix))
            for t in args.targets:
                fm = " ".join(f"{k}={v}" for k, v in
                              sorted(results[t]["formats"].items()))
                print(f"{'':<18}  {t}: {fm}")
    print("\nEvery run's output matched the pruned model in PyTorch "
          "(np.allclose, rtol 1e-3, atol 1e-4)." if not failed else
          "\nSOME OUTPUTS DID NOT MATCH PyTorch (FAIL above).")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
