#!/usr/bin/env python3
"""Compile one pruned torchvision model for every target preset and compare
cycles and energy on the emulator.

    PYTHONPATH=build/python /usr/bin/python3 examples/compare_targets.py \
        [--model resnet18] [--size small|full] [--sparsity 0.8] [--out DIR]

The model is exported from torchvision with seeded random weights and
magnitude-pruned in torch (global, unstructured, `--sparsity` of the conv
and linear weights). Each preset compiles it as it is (no lossy pruning by
SPC), so every target must reproduce torch's output: the script checks the
cosine similarity and exits non-zero below 0.999. It writes
DIR/compare_targets.png (cycles and energy per target), one HTML report per
target, and prints a table. `--size small` (the default) runs 32x32 inputs,
`full` 224x224.
"""

import argparse
import io
import shlex
import sys
from pathlib import Path

import numpy as np

import spc


def export_pruned(model_name, size, sparsity, path):
    """Exports the pruned model to `path`; returns (input, torch output)."""
    import torch
    import torch.nn.utils.prune as prune
    import torchvision

    torch.manual_seed(0)
    model = getattr(torchvision.models, model_name)(num_classes=10).eval()
    weights = [(m, "weight") for m in model.modules()
               if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    if sparsity > 0:
        prune.global_unstructured(weights, prune.L1Unstructured,
                                  amount=sparsity)
        for module, name in weights:
            prune.remove(module, name)
    x = torch.randn(1, 3, size, size)
    buffer = io.BytesIO()
    torch.onnx.export(model, x, buffer, opset_version=17,
                      input_names=["image"], output_names=["logits"])
    path.write_bytes(buffer.getvalue())
    with torch.no_grad():
        return x.numpy(), model(x).numpy()


def cosine(a, b):
    a, b = a.ravel().astype(np.float64), b.ravel().astype(np.float64)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def chart(rows, path, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [row["target"] for row in rows]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, key, label in ((axes[0], "cycles", "cycles (millions)"),
                           (axes[1], "energy_uj", "energy (µJ)")):
        values = [row[key] / (1e6 if key == "cycles" else 1) for row in rows]
        bars = ax.bar(names, values, color="#4c72b0" if key == "cycles"
                      else "#dd8452")
        ax.bar_label(bars, fmt="%.3g")
        ax.set_ylabel(label)
        ax.tick_params(axis="x", rotation=20)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="resnet18",
                        help="a torchvision classification model")
    parser.add_argument("--size", choices=["small", "full"], default="small")
    parser.add_argument("--sparsity", type=float, default=0.8)
    parser.add_argument("--out", type=Path, default=Path("build/examples"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    side = 32 if args.size == "small" else 224
    model_path = args.out / f"{args.model}-{args.size}.onnx"
    x, expected = export_pruned(args.model, side, args.sparsity, model_path)

    rows = []
    for target in spc.targets():
        binary = spc.compile(model_path, target)
        outputs, stats = spc.Emulator(binary).run(image=x)
        stats.save_html(args.out / f"{args.model}-{target}.html",
                        f"{args.model} {args.size}")
        rows.append(dict(target=target, cycles=stats["cycles"],
                         energy_uj=stats["energy_pj"] * 1e-6,
                         ms=stats["seconds"] * 1e3,
                         utilization=stats["utilization"],
                         cosine=cosine(outputs["logits"], expected)))

    base = rows[0]
    print(f"{args.model}, {side}x{side}, {args.sparsity:.0%} pruned in torch")
    print(f"{'target':<16}{'cycles':>12}{'energy uJ':>12}{'ms':>10}"
          f"{'util':>8}{'EDP vs dense':>14}{'cosine':>10}")
    for row in rows:
        edp = row["cycles"] * row["energy_uj"] / (base["cycles"] *
                                                  base["energy_uj"])
        print(f"{row['target']:<16}{row['cycles']:>12}"
              f"{row['energy_uj']:>12.2f}{row['ms']:>10.3f}"
              f"{row['utilization']:>8.1%}{edp:>14.3f}{row['cosine']:>10.6f}")
    png = args.out / "compare_targets.png"
    chart(rows, png, f"{args.model} {side}x{side}, {args.sparsity:.0%} "
          "unstructured sparsity, on SPC's emulator")
    print(f"chart: {png}")
    print("command: /usr/bin/python3 " + " ".join(map(shlex.quote,
                                                      sys.argv)))
    bad = [row["target"] for row in rows if row["cosine"] < 0.999]
    if bad:
        print(f"error: outputs differ from torch on {', '.join(bad)}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
