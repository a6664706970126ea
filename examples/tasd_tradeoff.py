#!/usr/bin/env python3
"""TASD on a dense model: the accuracy/EDP trade-off of the error budget.

    PYTHONPATH=build/python /usr/bin/python3 examples/tasd_tradeoff.py \
        [--model resnet18] [--size small|full] [--target flexible-nm] \
        [--budgets 0.1 0.2 0.3 0.5] [--activations] [--out DIR]

A dense torchvision model (seeded random weights) is compiled for the
target without TASD (the reference), then with spa-tasd-search at each
per-layer weight error budget (--tasd-max-error; with --activations, also
TASD-A), with the end-to-end check turned off (tasd_min_cosine=0, no refinement) so that
each budget's own configuration is kept. Each binary runs on held-out
inputs: the output cosine similarity and top-1 agreement against torch,
against the EDP reduction over the reference. The last row is the default
check (cosine >= 0.99 on calibration inputs, with refinement and TASD-A). Writes
DIR/tasd_tradeoff.png and prints the table.
"""

import argparse
import io
import shlex
import sys
from pathlib import Path

import numpy as np

import spc


def export_dense(model_name, side, samples, path):
    """Exports the model; returns held-out inputs and torch's outputs."""
    import torch
    import torchvision

    torch.manual_seed(0)
    model = getattr(torchvision.models, model_name)(num_classes=10).eval()
    x = torch.randn(samples, 1, 3, side, side)
    buffer = io.BytesIO()
    torch.onnx.export(model, x[0], buffer, opset_version=17,
                      input_names=["image"], output_names=["logits"])
    path.write_bytes(buffer.getvalue())
    with torch.no_grad():
        return x.numpy(), [model(xi).numpy() for xi in x]


def evaluate(binary, inputs, expected):
    """Worst cosine and top-1 agreement over the inputs, and the stats of
    the first run."""
    results = spc.Emulator(binary).run_batch([{"image": x} for x in inputs])
    cosines, agree = [], 0
    for (outputs, _), want in zip(results, expected):
        got = outputs["logits"].ravel().astype(np.float64)
        ref = want.ravel().astype(np.float64)
        cosines.append(got @ ref / (np.linalg.norm(got) * np.linalg.norm(ref)))
        agree += int(got.argmax() == ref.argmax())
    return min(cosines), agree / len(expected), results[0][1]


def chart(rows, path, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    swept = [row for row in rows if row["label"] != "checked"]
    ax.plot([r["edp_reduction"] * 100 for r in swept],
            [r["cosine"] for r in swept], "o-", color="#4c72b0",
            label="budget sweep (no check)")
    for row in swept:
        ax.annotate(row["label"], (row["edp_reduction"] * 100, row["cosine"]),
                    textcoords="offset points", xytext=(4, 4), fontsize=8)
    for row in rows:
        if row["label"] == "checked":
            ax.plot(row["edp_reduction"] * 100, row["cosine"], "*",
                    markersize=14, color="#c44e52",
                    label="default check (cosine >= 0.99)")
    ax.set_xlabel("EDP reduction vs the same target without TASD (%)")
    ax.set_ylabel("worst output cosine vs torch (held-out inputs)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="resnet18")
    parser.add_argument("--size", choices=["small", "full"], default="small")
    parser.add_argument("--target", default="flexible-nm")
    parser.add_argument("--budgets", type=float, nargs="+",
                        default=[0.1, 0.2, 0.3, 0.5])
    parser.add_argument("--activations", action="store_true",
                        help="also sweep with TASD-A (structured activations)")
    parser.add_argument("--samples", type=int, default=4,
                        help="held-out inputs")
    parser.add_argument("--out", type=Path, default=Path("build/examples"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    side = 32 if args.size == "small" else 224
    model_path = args.out / f"{args.model}-{args.size}-dense.onnx"
    inputs, expected = export_dense(args.model, side, args.samples,
                                    model_path)

    _, _, ref = evaluate(spc.compile(model_path, args.target), inputs,
                         expected)
    ref_edp = ref["cycles"] * ref["energy_pj"]
    rows = []

    def add(label, binary):
        cos, top1, stats = evaluate(binary, inputs, expected)
        rows.append(dict(label=label, cosine=cos, top1=top1,
                         cycles=stats["cycles"],
                         edp_reduction=1 - stats["cycles"] * stats["energy_pj"]
                         / ref_edp))

    for budget in args.budgets:
        add(f"{budget:g}", spc.compile(
            model_path, args.target, tasd="search",
            tasd_activations=args.activations, tasd_max_error=budget,
            tasd_min_cosine=0.0, tasd_min_top1=0.0, tasd_refine_steps=0))
    add("checked", spc.compile(model_path, args.target, tasd="search",
                               tasd_activations=True))

    print(f"{args.model}, {side}x{side}, dense, on {args.target}: "
          f"{ref['cycles']} cycles without TASD")
    print(f"{'budget':<10}{'cycles':>10}{'EDP reduction':>15}"
          f"{'cosine':>10}{'top-1':>8}")
    for row in rows:
        print(f"{row['label']:<10}{row['cycles']:>10}"
              f"{row['edp_reduction']:>15.1%}{row['cosine']:>10.5f}"
              f"{row['top1']:>8.0%}")
    png = args.out / "tasd_tradeoff.png"
    chart(rows, png, f"TASD on dense {args.model} ({side}x{side}), "
          f"{args.target}")
    print(f"chart: {png}")
    print("command: /usr/bin/python3 " + " ".join(map(shlex.quote,
                                                      sys.argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
