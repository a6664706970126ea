#!/usr/bin/env python3
"""Compiles PyTorch models with spc-compile, runs them on the emulator
(spc-run) and compares the outputs with PyTorch's own, for one seeded random
input per model. Weights are random (seed 0): nothing is downloaded.

Models:
  resnet18, mobilenet_v2  torchvision CNNs (any torchvision.models
                          classifier name works, e.g. resnet50)
  transformer             the two-layer BERT-style encoder of
                          test/Import/ONNX/Inputs/export_torch_models.py,
                          with int32 token ids
  constant-weights        a small CNN whose weights are ONNX Constant nodes
                          instead of initializers
  nhwc                    a small CNN whose input is NHWC, permuted to NCHW
                          inside the model
  audio                   an audio front-end: a Conv1d stack over a mono
                          16 kHz waveform and a linear projection (MatMul)
  branchy                 a small CNN with a channel concatenation, a batch
                          normalization after it, a depthwise convolution
                          and a residual add

--prune nm:N:M or --prune unstructured:S prunes the model's convolution
and linear weights by magnitude in PyTorch first (N:M along the input
channels, as NVIDIA's ASP does; unstructured per layer), so that the
reference is the pruned model; spc-compile then finds the sparsity itself.
--compile-arg ARG passes ARG on to spc-compile: with
--compile-arg=--permute-channels=nm:2:4 on a dense model, the channel
permutation must leave the outputs unchanged.

--size small (the lit test) uses 1x3x64x64 images, 16 tokens and 1 s of
audio; --size full uses 1x3x224x224, 128 tokens and 10 s.

Each model prints one line,
  NAME SIZE TARGET: max abs error E, max rel error R, cosine C: PASS|FAIL
where the relative error is |spc - torch| / max(|torch|, atol) and PASS means
np.allclose(spc, torch, rtol, atol) (default rtol 1e-3, atol 1e-4); a
compile or run error prints FAIL with the tool's message. The exit status is
1 if any model failed.

usage: compare-torch.py MODEL... --spc-compile PATH --spc-run PATH
                        [--target NAME|FILE.json] [--size small|full]
                        [--rtol R] [--atol A] [--seed N] [--work DIR]
                        [--prune SPEC] [--report]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import onnx
import torch
import torchvision

warnings.filterwarnings("ignore")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "Import", "ONNX", "Inputs"))
from export_torch_models import Encoder  # noqa: E402

IMAGE = {"small": 64, "full": 224}
TOKENS = {"small": 16, "full": 128}
AUDIO_SAMPLES = {"small": 16000, "full": 160000}


def randomize_batch_norm(bn):
    """Random statistics and affine parameters, so that a batch
    normalization is not the identity."""
    with torch.no_grad():
        bn.running_mean.uniform_(-0.5, 0.5)
        bn.running_var.uniform_(0.5, 2.0)
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.5, 0.5)


class SmallCNN(torch.nn.Module):
    """Two convolutions (the first with a batch normalization whose
    statistics are random, not the identity), global average pooling and a
    classifier; with `nhwc`, the input is [N, H, W, C] and permuted to NCHW
    first."""

    def __init__(self, nhwc=False):
        super().__init__()
        self.nhwc = nhwc
        self.conv1 = torch.nn.Conv2d(3, 16, 3, padding=1)
        self.bn1 = torch.nn.BatchNorm2d(16)
        self.conv2 = torch.nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.fc = torch.nn.Linear(32, 10)
        randomize_batch_norm(self.bn1)

    def forward(self, x):
        if self.nhwc:
            x = x.permute(0, 3, 1, 2)
        x = torch.relu(self.bn1(self.conv1(x)))
        x = torch.relu(self.conv2(x))
        return self.fc(x.mean(dim=(2, 3)))


class Branchy(torch.nn.Module):
    """The paths channel permutation folds through: two branches
    concatenated along the channels, a batch normalization (random
    statistics) after the concatenation, a depthwise convolution, a residual
    add and a mean over the pixels before the classifier."""

    def __init__(self):
        super().__init__()
        self.stem = torch.nn.Conv2d(3, 16, 3, padding=1)
        self.a = torch.nn.Conv2d(16, 16, 3, padding=1)
        self.b = torch.nn.Conv2d(16, 8, 1)
        self.bn = torch.nn.BatchNorm2d(24)
        self.dw = torch.nn.Conv2d(24, 24, 3, padding=1, groups=24)
        self.c = torch.nn.Conv2d(24, 16, 1)
        self.fc = torch.nn.Linear(16, 10)
        randomize_batch_norm(self.bn)

    def forward(self, x):
        s = torch.relu(self.stem(x))
        y = torch.cat([torch.relu(self.a(s)), self.b(s)], 1)
        y = self.dw(torch.relu(self.bn(y)))
        y = torch.relu(self.c(y) + s)
        return self.fc(y.mean(dim=(2, 3)))


class AudioFrontEnd(torch.nn.Module):
    """A wav2vec-style feature encoder: strided Conv1d layers over the
    waveform [N, 1, T], then a linear projection of each frame (a MatMul on
    [N, frames, channels])."""

    def __init__(self):
        super().__init__()
        self.convs = torch.nn.Sequential(
            torch.nn.Conv1d(1, 32, 10, stride=5), torch.nn.ReLU(),
            torch.nn.Conv1d(32, 32, 3, stride=2), torch.nn.ReLU(),
            torch.nn.Conv1d(32, 64, 3, stride=2), torch.nn.ReLU(),
            torch.nn.Conv1d(64, 64, 2, stride=2), torch.nn.ReLU())
        self.proj = torch.nn.Linear(64, 48)

    def forward(self, waveform):
        return self.proj(self.convs(waveform).transpose(1, 2))


def build(name, size, generator):
    """(module, input name, example input) for a model name."""
    if name == "transformer":
        ids = torch.randint(0, 1000, (1, TOKENS[size]), generator=generator,
                            dtype=torch.int32)
        return Encoder(), "ids", ids
    if name == "audio":
        return (AudioFrontEnd(), "waveform",
                torch.randn(1, 1, AUDIO_SAMPLES[size], generator=generator))
    side = IMAGE[size]
    if name == "nhwc":
        return (SmallCNN(nhwc=True), "image",
                torch.randn(1, side, side, 3, generator=generator))
    image = torch.randn(1, 3, side, side, generator=generator)
    if name == "constant-weights":
        return SmallCNN(), "input", image
    if name == "branchy":
        return Branchy(), "input", image
    if not callable(getattr(torchvision.models, name, None)):
        raise SystemExit(f"compare-torch.py: unknown model '{name}'")
    return getattr(torchvision.models, name)(weights=None), "input", image


def prune(module, spec):
    """Magnitude-prunes the weights of every convolution and linear layer of
    `module` in place: `nm:N:M` keeps the N largest of each M consecutive
    input channels (layers whose input channels M does not divide stay
    dense), `unstructured:S` zeroes the fraction S of smallest magnitude."""
    kind, _, rest = spec.partition(":")
    for layer in module.modules():
        if not isinstance(layer, (torch.nn.Conv1d, torch.nn.Conv2d,
                                  torch.nn.Linear)):
            continue
        w = layer.weight.data
        if kind == "nm":
            n, m = (int(v) for v in rest.split(":"))
            if w.shape[1] % m or getattr(layer, "groups", 1) != 1:
                continue
            grouped = w.movedim(1, -1).contiguous()
            groups = grouped.reshape(-1, m)
            order = groups.abs().argsort(dim=1, descending=True, stable=True)
            groups.scatter_(1, order[:, n:], 0.0)
            w.copy_(grouped.movedim(-1, 1))
        elif kind == "unstructured":
            drop = round(float(rest) * w.numel())
            if drop:
                order = w.abs().flatten().argsort(stable=True)
                w.view(-1)[order[:drop]] = 0.0
        else:
            raise SystemExit(f"compare-torch.py: bad --prune '{spec}'")


def initializers_to_constants(path):
    """Rewrites an ONNX model so that every initializer is a Constant node."""
    model = onnx.load(path)
    constants = [onnx.helper.make_node("Constant", [], [t.name],
                                       name=t.name + "_const", value=t)
                 for t in model.graph.initializer]
    nodes = constants + list(model.graph.node)
    del model.graph.initializer[:]
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    onnx.checker.check_model(model)
    onnx.save(model, path)


def run_tool(tool, command):
    """Runs spc-compile or spc-run: None on success, else its first error
    line."""
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode == 0:
        return None
    lines = proc.stderr.strip().splitlines()
    message = next((line for line in lines if "error:" in line),
                   lines[0] if lines else f"exit status {proc.returncode}")
    return f"{tool}: {message.split('error:', 1)[-1].strip()}"


def metrics(got, ref, atol):
    """(max abs error, max rel error, cosine similarity) of an output."""
    g = got.astype(np.float64).ravel()
    r = ref.astype(np.float64).ravel()
    err = np.abs(g - r)
    rel = err / np.maximum(np.abs(r), atol)
    norm = np.linalg.norm(g) * np.linalg.norm(r)
    cosine = float(g @ r / norm) if norm else float(np.array_equal(g, r))
    return err.max(), rel.max(), cosine


def compare(name, args, work):
    """Exports, compiles, runs and compares one model; returns its line."""
    generator = torch.Generator().manual_seed(args.seed)
    torch.manual_seed(0)
    module, input_name, example = build(name, args.size, generator)
    module.eval()
    if args.prune:
        prune(module, args.prune)
    with torch.no_grad():
        reference = module(example)
        path = os.path.join(work, name + ".onnx")
        torch.onnx.export(module, example, path, opset_version=13,
                          input_names=[input_name], output_names=["output"])
    if name == "constant-weights":
        initializers_to_constants(path)
    reference = reference.numpy()

    label = f"{name} {args.size} {os.path.basename(args.target)}"
    if args.prune:
        label += f" {args.prune}"
    if args.compile_arg:
        label += " " + " ".join(args.compile_arg)
    input_file = os.path.join(work, name + ".input.npy")
    np.save(input_file, example.numpy())
    binary = os.path.join(work, name + ".spab")
    out_dir = os.path.join(work, name + ".out")
    report = os.path.join(work, name + ".report.json")
    error = (run_tool("spc-compile", [args.spc_compile, path,
                                      f"--target={args.target}", "-o", binary,
                                      f"--report={report}"]
                                     + args.compile_arg)
             or run_tool("spc-run", [args.spc_run, binary,
                                     f"--input={input_name}={input_file}",
                                     f"--output-dir={out_dir}"]))
    if error:
        return False, f"{label}: {error}: FAIL"
    with open(os.path.join(out_dir, "outputs.json")) as f:
        files = json.load(f)
    got = np.load(os.path.join(out_dir, files["output"]))
    if got.shape != reference.shape or got.dtype != reference.dtype:
        return False, (f"{label}: output {got.dtype}{list(got.shape)}, "
                       f"expected {reference.dtype}{list(reference.shape)}: "
                       "FAIL")
    abs_err, rel_err, cosine = metrics(got, reference, args.atol)
    ok = np.allclose(got, reference, rtol=args.rtol, atol=args.atol)
    formats = ""
    if args.report:
        with open(report) as f:
            counts = {}
            before, after = [], []
            for layer in json.load(f)["layers"]:
                if "format" in layer:
                    counts[layer["format"]] = counts.get(layer["format"], 0) + 1
                permutation = layer.get("channel_permutation")
                if permutation:
                    before.append(permutation["retained_before"])
                    after.append(permutation["retained_after"])
        formats = ", formats " + " ".join(
            f"{k}={v}" for k, v in sorted(counts.items()))
        if before:
            gains = [a - b for a, b in zip(after, before)]
            formats += (f", permuted {sum(g > 0 for g in gains)} of "
                        f"{len(gains)} layers, mean retained "
                        f"{np.mean(before):.4f} -> {np.mean(after):.4f}")
    return ok, (f"{label}: max abs error {abs_err:.3g}, max rel error "
                f"{rel_err:.3g}, cosine {cosine:.6f}{formats}: "
                f"{'PASS' if ok else 'FAIL'}")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="+", metavar="MODEL")
    parser.add_argument("--spc-compile", required=True)
    parser.add_argument("--spc-run", required=True)
    parser.add_argument("--target", default="dense-systolic")
    parser.add_argument("--size", choices=["small", "full"], default="small")
    parser.add_argument("--rtol", type=float, default=1e-3)
    parser.add_argument("--atol", type=float, default=1e-4)
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the random input")
    parser.add_argument("--prune", metavar="SPEC",
                        help="prune the weights in PyTorch first: nm:N:M or "
                        "unstructured:S")
    parser.add_argument("--compile-arg", action="append", default=[],
                        metavar="ARG",
                        help="pass ARG to spc-compile (repeatable), e.g. "
                        "--compile-arg=--permute-channels=nm:2:4")
    parser.add_argument("--report", action="store_true",
                        help="also print how many layers use each weight "
                        "format (from spc-compile --report)")
    parser.add_argument("--work", metavar="DIR",
                        help="keep the ONNX models, inputs, binaries and "
                        "outputs here (default: a temporary directory)")
    args = parser.parse_args()

    failed = 0
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or scratch
        os.makedirs(work, exist_ok=True)
        for name in args.models:
            ok, line = compare(name, args, work)
            print(line, flush=True)
            failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
