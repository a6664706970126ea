#!/usr/bin/env python3
"""The TASD bench: the TASDER setting (no fine-tuning, per-layer search) on
ResNet-50 and a BERT-base-sized encoder, each dense and magnitude-pruned in
PyTorch to 50%, 70%, 80%, 90% and 95% unstructured, on the structured-sparse
presets (sparse-2of4, flexible-nm).

Every (model, pruning) runs on dense-systolic, the dense-hardware reference.
Every (model, pruning, target) then runs twice more on spc-run: the plain
structured baseline (spc-compile --target T, which finds each weight's
sparsity and chooses formats itself) and TASD (spc-compile --target T
--tasd=search --tasd-config-out FILE, plus --tasd-activations on
flexible-nm, the one preset with a structuring unit, and for BERT's token
ids --tasd-calibration with two seeded id sets, as spc-compile cannot draw
integer inputs itself; --tasd-arg adds flags). The energy-delay product of
a run is total cycles x total energy (spc-run --stats: `cycles`,
`energy_pj`).

Prints one table per model: for each pruning level and target, TASD's EDP
reduction 1 - EDP_tasd / EDP_ref against dense-systolic and against the
structured baseline, the same over the weight layers alone (the layers
with a constant weight, which TASD changes: the sum of their cycles times
the sum of their energy, against dense-systolic's weight layers), and the
cosine similarity of TASD's output to dense-systolic's (for ResNet-50 also
top-1 agreement over the batch). Then the averages over all cells, the
whole-model one against the goal of 74% (TASDER's average EDP gain), and
the ceiling: the whole-model reduction if the weight layers took no time
and no energy at all (dense-systolic's other layers alone). A compile or
run that fails prints its error and leaves its cells empty; the rest go
on.

Models (random weights, seed 0; nothing is downloaded):
  resnet50   torchvision ResNet-50, Nx3x224x224 (N = --batch, default 1);
             small: one bottleneck block per stage, 10 classes, Nx3x64x64
  bert-base  the BERT-style encoder of compare-torch.py (Encoder of
             test/Import/ONNX/Inputs/export_torch_models.py) at BERT-base
             size: d_model 768, 12 heads, FFN 3072, 12 layers, 128 int32
             token ids (a 1000-token vocabulary; see BERT_BASE); small:
             d_model 128, 4 heads, 2 layers, 16 tokens (compare-torch.py's
             `transformer`). Each layer has its own random weights.

Pruning is compare-torch.py's `unstructured:S` (the fraction S of smallest
magnitude of every convolution and linear weight, per layer), plus the Q, K
and V projections of each attention layer (one `in_proj_weight` that is not
a Linear module), each pruned as a layer of its own. Embeddings stay dense.

The exported models, inputs and PyTorch outputs are cached in the work
directory (--work) under the model, size and pruning (delete them after
changing a model here); binaries, reports, stats, TASD configurations and
outputs are rewritten on every run, and every run's commands, host times,
cycles, energy and EDP go to WORK/results.json. The exit status is 1 if any
run failed.

usage: tasd.py --spc-compile PATH --spc-run PATH --work DIR
               [--size small|full] [--models M...] [--prunings P...]
               [--targets T...] [--batch N] [--tasd-arg ARG]...
"""

import argparse
import collections
import importlib.util
import json
import os
import sys
import time

import numpy as np
import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "compare_torch", os.path.join(HERE, "..", "utils", "compare-torch.py"))
compare_torch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compare_torch)

MODELS = ["resnet50", "bert-base"]
PRUNINGS = ["dense", "0.5", "0.7", "0.8", "0.9", "0.95"]
TARGETS = ["sparse-2of4", "flexible-nm"]
REFERENCE = "dense-systolic"
# Targets with a structuring unit (TASD-A): only there does
# --tasd-activations mean anything.
STRUCTURING_TARGETS = {"flexible-nm"}
# Calibration input sets given to TASD's search for token ids (as many as
# spc-compile's default --tasd-samples).
CALIBRATION_SETS = 2
# TASDER's average EDP gain over structured-sparse hardware baselines.
GOAL = 0.74
# BERT-base's dimensions: d_model, heads, layers (FFN is 4 x d_model =
# 3072 in Encoder) and tokens. The vocabulary is Encoder's 1000, not
# BERT's 30522: spc-compile runs an embedding Gather with run-time ids as a
# GEMM over the whole table, which at 30522 rows would take a fifth of the
# model's cycles, for a layer TASD does not touch.
BERT_BASE = {"d_model": 768, "heads": 12, "layers": 12, "vocab": 1000,
             "tokens": 128}


def build(model, size, batch):
    """(module, input name, example input) of a model, seeded."""
    generator = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    if model == "resnet50":
        side = compare_torch.IMAGE[size]
        # compare-torch.py's image, then batch - 1 more.
        image = torch.randn(batch, 3, side, side, generator=generator)
        if size == "full":
            return torchvision.models.resnet50(weights=None), "input", image
        # One bottleneck block per stage and 10 classes: a third of
        # ResNet-50's weights, the same kinds of layers.
        return (torchvision.models.resnet.ResNet(
            torchvision.models.resnet.Bottleneck, [1, 1, 1, 1],
            num_classes=10), "input", image)
    if model == "bert-base":
        if size == "small":
            module, name, ids = compare_torch.build("transformer", size,
                                                    generator)
        else:
            b = BERT_BASE
            ids = torch.randint(0, b["vocab"], (1, b["tokens"]),
                                generator=generator, dtype=torch.int32)
            module, name = compare_torch.Encoder(
                vocab=b["vocab"], d_model=b["d_model"], heads=b["heads"],
                layers=b["layers"]), "ids"
        # torch.nn.TransformerEncoder deep-copies one layer, so every layer
        # starts with the same weights, and the ONNX export keeps a single
        # copy (the others become Identity nodes). Draw each layer's own.
        # (MultiheadAttention's own reset leaves out_proj's weight alone and
        # zeroes its bias, as at construction.)
        for layer in module.encoder.layers:
            layer.self_attn.out_proj.reset_parameters()
            layer.self_attn._reset_parameters()
            layer.linear1.reset_parameters()
            layer.linear2.reset_parameters()
        return module, name, ids
    raise SystemExit(f"tasd.py: unknown model '{model}'")


def prune(module, level):
    """Prunes the convolution and linear weights of `module` in place to the
    unstructured sparsity `level` (compare-torch.py's `unstructured:S`),
    and the Q, K and V blocks of every attention's fused input projection,
    which compare_torch.prune does not see: they are one Parameter, not a
    Linear module."""
    compare_torch.prune(module, f"unstructured:{level}")
    for layer in module.modules():
        if (isinstance(layer, torch.nn.MultiheadAttention)
                and layer.in_proj_weight is not None):
            for w in layer.in_proj_weight.data.chunk(3):  # views: Q, K, V
                drop = round(float(level) * w.numel())
                order = w.abs().flatten().argsort(stable=True)
                w.view(-1)[order[:drop]] = 0.0


# A model exported for one pruning level: its tag (the stem of the files
# of its runs), ONNX file, input name and file, PyTorch output and TASD
# calibration files (empty: spc-compile draws its own inputs).
Exported = collections.namedtuple(
    "Exported", "tag path input_name input_file reference calibration")


def export(args, model, pruning):
    """Exports the model pruned to `pruning`, once (cached in the work
    directory)."""
    stem = f"{model}.{args.size}"
    if model == "resnet50" and args.batch > 1:
        stem += f".b{args.batch}"
    tag = f"{stem}.{pruning}"
    path = os.path.join(args.work, tag + ".onnx")
    input_file = os.path.join(args.work, tag + ".input.npy")
    reference_file = os.path.join(args.work, tag + ".torch.npy")
    meta_file = os.path.join(args.work, tag + ".input-name")
    # Token ids: spc-compile cannot draw calibration inputs for integers
    # (it does not know their range), so the bench gives it its own, seeded
    # apart from the measured input. Image models use spc-compile's.
    calibration = [os.path.join(args.work, f"{stem}.calibration{k}.npy")
                   for k in range(CALIBRATION_SETS)] \
        if model == "bert-base" else []
    if not all(os.path.exists(f) for f in [path, input_file, reference_file,
                                           meta_file] + calibration):
        module, input_name, example = build(model, args.size, args.batch)
        module.eval()
        if pruning != "dense":
            prune(module, pruning)
        with torch.no_grad():
            np.save(reference_file, module(example).numpy())
            torch.onnx.export(module, example, path, opset_version=13,
                              input_names=[input_name],
                              output_names=["output"])
        np.save(input_file, example.numpy())
        with open(meta_file, "w") as f:
            f.write(input_name)
        for k, file in enumerate(calibration):
            generator = torch.Generator().manual_seed(1 + k)
            np.save(file, torch.randint(
                0, module.embed.num_embeddings, example.shape,
                generator=generator, dtype=example.dtype).numpy())
    with open(meta_file) as f:
        input_name = f.read().strip()
    return Exported(tag, path, input_name, input_file,
                    np.load(reference_file), calibration)


def run(args, exported, target, tasd):
    """Compiles the `exported` model for `target` (with TASD if `tasd`) and
    runs it. Returns a dict with `cycles`, `energy_pj`, `edp`, `output` and
    the host seconds of both tools, or with `error`: the failing tool's
    message."""
    name = f"{exported.tag}.{target}" + (".tasd" if tasd else "")
    stem = os.path.join(args.work, name)
    binary, report, stats = stem + ".spab", stem + ".report.json", \
        stem + ".stats.json"
    out_dir = stem + ".out"
    compile_command = [args.spc_compile, exported.path, f"--target={target}"]
    if tasd:
        compile_command += ["--tasd=search"]
        if target in STRUCTURING_TARGETS:
            compile_command += ["--tasd-activations"]
        compile_command += [f"--tasd-config-out={stem}.tasd-config.json"]
        compile_command += [f"--tasd-calibration={exported.input_name}={file}"
                            for file in exported.calibration]
        compile_command += args.tasd_arg
    compile_command += [f"--report={report}", "-o", binary]
    run_command = [args.spc_run, binary,
                   f"--input={exported.input_name}={exported.input_file}",
                   f"--output-dir={out_dir}", f"--stats={stats}"]
    result = {"compile": compile_command, "run": run_command}
    for tool, command in (("spc-compile", compile_command),
                          ("spc-run", run_command)):
        start = time.monotonic()
        try:
            error = compare_torch.run_tool(tool, command)
        except OSError as e:  # e.g. the tool is being relinked
            error = f"{tool}: {e}"
        result[tool + "_seconds"] = time.monotonic() - start
        if error:
            # LLVM's option errors already start with the tool's name.
            error = error.replace(f"{tool}: {tool}: ", f"{tool}: ")
            result["error"] = error
            return result
    with open(stats) as f:
        s = json.load(f)
    with open(os.path.join(out_dir, "outputs.json")) as f:
        result["output"] = np.load(os.path.join(out_dir,
                                                json.load(f)["output"]))
    with open(report) as f:
        weighted = {layer["name"] for layer in json.load(f)["layers"]
                    if "weight_bytes_dense" in layer}
    layers = [layer for layer in s["layers"] if layer["name"] in weighted]
    w_cycles = sum(layer["cycles"] for layer in layers)
    w_energy = sum(layer["energy_pj"] for layer in layers)
    result.update(cycles=s["cycles"], energy_pj=s["energy_pj"],
                  edp=s["cycles"] * s["energy_pj"],
                  weight_layers=dict(cycles=w_cycles, energy_pj=w_energy,
                                     edp=w_cycles * w_energy))
    return result


def ceiling(ref):
    """The most any change to the weight layers can reduce the whole
    model's EDP: 1 - EDP of the other layers alone / EDP."""
    w = ref["weight_layers"]
    return 1 - (ref["cycles"] - w["cycles"]) * \
        (ref["energy_pj"] - w["energy_pj"]) / ref["edp"]


def cosine(got, ref):
    return compare_torch.metrics(got, ref, 1e-4)[2]


def top1(got, ref):
    """How many rows of the batch have the same arg-max class."""
    g = got.reshape(got.shape[0], -1).argmax(axis=1)
    r = ref.reshape(ref.shape[0], -1).argmax(axis=1)
    return int((g == r).sum()), len(r)


def percent(value):
    return "-" if value is None else f"{100 * value:.1f}%"


def input_shape(model, size, batch):
    """The shape of a model's input."""
    if model == "resnet50":
        side = compare_torch.IMAGE[size]
        return (batch, 3, side, side)
    tokens = BERT_BASE["tokens"] if size == "full" else \
        compare_torch.TOKENS[size]
    return (1, tokens)


def bench_model(args, model, record, results):
    """Runs every pruning level and target of one model, printing its table
    row by row; appends each cell's (reduction against dense-systolic,
    against the structured baseline, of the weight layers against
    dense-systolic, ceiling) to `record` and each pruning level's
    runs to `results` (for results.json). Returns the errors, as (cell,
    message)."""
    classifier = model == "resnet50"
    columns = ["vs dense", "vs struct", "layers", "cosine"]
    width = [9, 9, 7, 8]
    if classifier:
        columns.append("top-1")
        width.append(5)
    block = sum(width) + len(width) - 1  # one target's columns

    shape = input_shape(model, args.size, args.batch)
    print(f"\n{model} ({args.size}, input {'x'.join(map(str, shape))}): "
          f"TASD's EDP reduction against {REFERENCE} (vs dense) and against "
          "the same target without TASD (vs struct), and over the "
          f"weight layers alone against {REFERENCE}'s (layers); cosine "
          f"of TASD's output to {REFERENCE}'s"
          + ("; top-1 agreement with it" if classifier else ""))
    print(f"{'pruning':<8}" + "".join(f"  {t:^{block}}" for t in args.targets))
    print(f"{'':<8}" + "".join(
        "  " + " ".join(f"{c:>{w}}" for c, w in zip(columns, width))
        for _ in args.targets), flush=True)

    errors = []
    baselines = []  # (label, dense-systolic's EDP, each target's reduction)
    for pruning in args.prunings:
        label = "dense" if pruning == "dense" else f"{100 * float(pruning):g}%"
        exported = export(args, model, pruning)
        ref = run(args, exported, REFERENCE, False)
        if "error" in ref:
            errors.append((f"{label} {REFERENCE}", ref["error"]))
        else:
            # A sanity check of the reference itself.
            torch_cos = cosine(ref["output"], exported.reference)
            if torch_cos < 0.9999:
                errors.append((f"{label} {REFERENCE}", "output differs "
                               f"from PyTorch (cosine {torch_cos:.6f})"))
        entry = {"model": model, "size": args.size, "pruning": pruning,
                 REFERENCE: strip(ref), "targets": {}}
        cells, plain = [], []
        for target in args.targets:
            base = run(args, exported, target, False)
            tasd = run(args, exported, target, True)
            for kind, r in (("structured", base), ("TASD", tasd)):
                if "error" in r:
                    errors.append((f"{label} {target} {kind}", r["error"]))
            vs_dense = vs_base = vs_layers = cos = agree = None
            if "error" not in tasd:
                if "error" not in ref:
                    vs_dense = 1 - tasd["edp"] / ref["edp"]
                    vs_layers = 1 - tasd["weight_layers"]["edp"] / \
                        ref["weight_layers"]["edp"]
                    cos = cosine(tasd["output"], ref["output"])
                    if classifier:
                        agree = top1(tasd["output"], ref["output"])
                if "error" not in base:
                    vs_base = 1 - tasd["edp"] / base["edp"]
            record.append((vs_dense, vs_base, vs_layers,
                           None if "error" in ref else ceiling(ref)))
            plain.append(None if "error" in ref or "error" in base
                         else 1 - base["edp"] / ref["edp"])
            entry["targets"][target] = {
                "structured": strip(base), "tasd": strip(tasd),
                "edp_reduction_vs_dense": vs_dense,
                "edp_reduction_vs_structured": vs_base,
                "weight_layers_edp_reduction_vs_dense": vs_layers,
                "cosine": cos, "top1": agree}
            cell = [percent(vs_dense), percent(vs_base), percent(vs_layers),
                    "-" if cos is None else f"{cos:.5f}"]
            if classifier:
                cell.append("-" if agree is None else f"{agree[0]}/{agree[1]}")
            cells.append(" ".join(f"{c:>{w}}" for c, w in zip(cell, width)))
        results.append(entry)
        baselines.append((label, ref.get("edp"), plain))
        print(f"{label:<8}" + "".join(f"  {c}" for c in cells), flush=True)

    # The structured baselines on their own: what the hardware gains from
    # the pruning without TASD.
    print(f"\nwithout TASD: {REFERENCE}'s EDP (cycles x pJ), and each "
          "target's EDP reduction against it")
    print(f"{'pruning':<8}  {'EDP':>9}" + "".join(f"  {t:>12}"
                                                  for t in args.targets))
    for label, edp, plain in baselines:
        print(f"{label:<8}  {'-' if edp is None else f'{edp:9.3e}':>9}"
              + "".join(f"  {percent(r):>12}" for r in plain))
    return errors


def strip(result):
    """A run's result without its output array, for results.json."""
    return {k: v for k, v in result.items() if k != "output"}


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spc-compile", required=True)
    parser.add_argument("--spc-run", required=True)
    parser.add_argument("--work", required=True,
                        help="cache of models, inputs, binaries and outputs")
    parser.add_argument("--size", choices=["small", "full"], default="small")
    parser.add_argument("--models", nargs="+", default=MODELS,
                        choices=MODELS)
    parser.add_argument("--prunings", nargs="+", default=PRUNINGS,
                        metavar="P", help="'dense' or an unstructured "
                        "sparsity in (0, 1) (default: %(default)s)")
    parser.add_argument("--targets", nargs="+", default=TARGETS,
                        help="structured-sparse targets (presets or files; "
                        "default: %(default)s)")
    parser.add_argument("--batch", type=int, default=1,
                        help="images per ResNet-50 input (top-1 agreement "
                        "is over these)")
    parser.add_argument("--tasd-arg", action="append", default=[],
                        metavar="ARG", help="pass ARG to spc-compile's TASD "
                        "runs (repeatable), e.g. "
                        "--tasd-arg=--tasd-max-error=0.2")
    args = parser.parse_args()
    for p in args.prunings:
        try:
            valid = p == "dense" or 0 < float(p) < 1
        except ValueError:
            valid = False
        if not valid:
            parser.error(f"bad pruning level '{p}'")
    for tool in (args.spc_compile, args.spc_run):
        if not os.access(tool, os.X_OK):
            parser.error(f"'{tool}' is not an executable")
    os.makedirs(args.work, exist_ok=True)

    start = time.monotonic()
    record, results = [], []
    failed = False
    for model in args.models:
        errors = bench_model(args, model, record, results)
        failed |= bool(errors)
        # Each distinct message once, with the runs it failed.
        cells = {}
        for cell, message in errors:
            cells.setdefault(message, []).append(cell)
        for message, where in cells.items():
            more = f" and {len(where) - 3} more" if len(where) > 3 else ""
            print(f"  error ({', '.join(where[:3])}{more}): {message}")

    print(f"\nAverage over {len(record)} cells (models x prunings x targets):")
    for i, what in enumerate([f"against {REFERENCE}",
                              "against the structured baseline",
                              f"of the weight layers against {REFERENCE}",
                              f"ceiling against {REFERENCE} (weight layers "
                              "free)"]):
        values = [r[i] for r in record if r[i] is not None]
        if not values:
            print(f"  EDP reduction {what}: no results")
            continue
        mean = float(np.mean(values))
        line = f"  EDP reduction {what}: {percent(mean)}"
        if len(values) < len(record):
            line += f" ({len(record) - len(values)} cells missing)"
        if i == 0:
            line += (f"; the goal {percent(GOAL)}: "
                     f"{'met' if mean >= GOAL else 'not met'}")
        print(line)
    with open(os.path.join(args.work, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print(f"(host time {time.monotonic() - start:.0f} s; every run's figures "
          f"and commands in {os.path.join(args.work, 'results.json')})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
