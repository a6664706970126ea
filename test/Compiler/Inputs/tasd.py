#!/usr/bin/env python3
"""TASD end to end, for test/Compiler/tasd.mlir: dense models compiled with
spc-compile --tasd, run on spc-run, and checked two ways:

* against a numpy model of what the decomposition computes (each weight as
  the greedy sum of its N:M terms, activations structured to N:M along the
  reduction as STRUCT does), which the emulator must reproduce up to fp32
  rounding;
* against the dense model: the output cosine must meet the budget the
  compile was given (--tasd-min-cosine).

Prints `PASS name` or `FAIL name: reason` per case.

usage: tasd.py BUILD_BIN_DIR WORK_DIR
"""

import json
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper, numpy_helper

rng = np.random.default_rng(11)


def structure(a, n, m, axis):
    """Keeps the n largest magnitudes of every m consecutive values along
    `axis` (ties to the lower index), as STRUCT and one TASD term do."""
    a = np.moveaxis(a, axis, -1)
    shape = a.shape
    groups = a.reshape(-1, m)
    # A stable sort on -|x| ranks ties by index.
    order = np.argsort(-np.abs(groups), axis=1, kind="stable")
    keep = np.zeros_like(groups, dtype=bool)
    np.put_along_axis(keep, order[:, :n], True, axis=1)
    return np.moveaxis(np.where(keep, groups, 0).reshape(shape), -1, axis)


def decompose(w, series, axis):
    """The sum of the greedy TASD terms of w along `axis`."""
    residual = w.copy()
    total = np.zeros_like(w)
    for n, m in series:
        term = structure(residual, n, m, axis)
        total += term
        residual = residual - term
    return total


def mlp(work):
    """x[256,128] -> MatMul fc1 (128x256) -> Relu -> MatMul fc2 (256x64):
    enough rows that the matrix unit, not DRAM, bounds each layer."""
    w1 = rng.standard_normal((128, 256)).astype(np.float32) / 8
    w2 = rng.standard_normal((256, 64)).astype(np.float32) / 8
    x = rng.standard_normal((256, 128)).astype(np.float32)
    nodes = [helper.make_node("MatMul", ["x", "w1"], ["h"], name="fc1"),
             helper.make_node("Relu", ["h"], ["r"], name="relu"),
             helper.make_node("MatMul", ["r", "w2"], ["y"], name="fc2")]
    graph = helper.make_graph(
        nodes, "mlp", [helper.make_tensor_value_info("x", T.FLOAT, x.shape)],
        [helper.make_tensor_value_info("y", T.FLOAT, (256, 64))],
        [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2")])
    path = os.path.join(work, "mlp.onnx")
    onnx.save(helper.make_model(graph, opset_imports=[
        helper.make_opsetid("", 13)]), path)
    return path, x, (w1, w2)


def conv(work):
    """x[1,32,12,12] -> Conv c1 (64, 3x3, pad 1) -> Relu -> Conv c2 (32,
    3x3, pad 1)."""
    w1 = rng.standard_normal((64, 32, 3, 3)).astype(np.float32) / 16
    w2 = rng.standard_normal((32, 64, 3, 3)).astype(np.float32) / 24
    x = rng.standard_normal((1, 32, 12, 12)).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "w1"], ["h"], name="c1",
                              pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["h"], ["r"], name="relu"),
             helper.make_node("Conv", ["r", "w2"], ["y"], name="c2",
                              pads=[1, 1, 1, 1])]
    graph = helper.make_graph(
        nodes, "conv", [helper.make_tensor_value_info("x", T.FLOAT, x.shape)],
        [helper.make_tensor_value_info("y", T.FLOAT, (1, 32, 12, 12))],
        [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2")])
    path = os.path.join(work, "conv.onnx")
    onnx.save(helper.make_model(graph, opset_imports=[
        helper.make_opsetid("", 13)]), path)
    return path, x


def run(bin_dir, model, x, work, name, compile_args):
    """Compiles and runs; returns (output, report, compile stderr)."""
    spab = os.path.join(work, name + ".spab")
    report = os.path.join(work, name + ".json")
    c = subprocess.run([os.path.join(bin_dir, "spc-compile"), model,
                        "-o", spab, "--report", report] + compile_args,
                       capture_output=True, text=True)
    if c.returncode:
        raise RuntimeError("spc-compile: " + c.stderr.strip())
    np.save(os.path.join(work, "x.npy"), x)
    out = os.path.join(work, name + ".out")
    r = subprocess.run([os.path.join(bin_dir, "spc-run"), spab,
                        "--input", "x=" + os.path.join(work, "x.npy"),
                        "--output-dir", out], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError("spc-run: " + r.stderr.strip())
    with open(report) as f:
        rep = json.load(f)
    return np.load(os.path.join(out, "y.npy")), rep, c.stderr


def cosine(a, b):
    a, b = a.ravel().astype(np.float64), b.ravel().astype(np.float64)
    return float(a @ b / np.sqrt((a @ a) * (b @ b)))


def formats(report):
    return {l["name"]: l.get("format") for l in report["layers"]
            if "format" in l}


def main():
    bin_dir, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    failures = 0

    def case(name, fn):
        nonlocal failures
        try:
            fn()
            print("PASS", name)
        except Exception as e:  # report and go on
            failures += 1
            print("FAIL %s: %s" % (name, e))

    path, x, (w1, w2) = mlp(work)
    dense, _, _ = run(bin_dir, path, x, work, "mlp-dense",
                      ["--target", "flexible-nm"])

    def forced_series():
        # fc1: 2:4+1:4 weights and 2:4 activations; fc2: 2:4+1:4 weights.
        overrides = os.path.join(work, "forced.json")
        with open(overrides, "w") as f:
            json.dump({"fc1": {"tasd_weights": "2:4+1:4",
                               "tasd_activations": "2:4"},
                       "fc2": {"tasd_weights": "2:4+1:4"}}, f)
        y, rep, _ = run(bin_dir, path, x, work, "mlp-forced",
                        ["--target", "flexible-nm", "--tasd=search",
                         "--layer-overrides", overrides,
                         "--tasd-max-error=0.5", "--tasd-min-cosine=0.9",
                         "--tasd-min-top1=0"])
        # (The weights may be stored in any lossless format of their sum:
        # these DRAM-bound layers take a bitmap.)
        if rep["layers"][0]["tasd"]["weights"] != "2:4+1:4":
            raise RuntimeError("configuration %s" % rep["layers"][0]["tasd"])
        # MatMul weights [K][N] group along K (axis 0); activations along K.
        h = structure(x, 2, 4, 1) @ decompose(w1, [(2, 4), (1, 4)], 0)
        want = np.maximum(h, 0) @ decompose(w2, [(2, 4), (1, 4)], 0)
        if not np.allclose(y, want, rtol=1e-3, atol=1e-4):
            raise RuntimeError("max |diff| %g from the decomposed model"
                               % np.abs(y - want).max())
        if cosine(y, dense) < 0.9:
            raise RuntimeError("cosine %f to dense" % cosine(y, dense))

    def searched(target, extra, min_cos):
        def check():
            cfg = os.path.join(work, target + ".cfg.json")
            y, rep, log = run(bin_dir, path, x, work, "mlp-" + target,
                              ["--target", target, "--tasd=search",
                               "--tasd-max-error=0.45",
                               "--tasd-min-cosine=%g" % min_cos,
                               "--tasd-min-top1=0",
                               "--tasd-config-out", cfg] + extra)
            if "kept" not in log or "tasd" not in rep:
                raise RuntimeError("no kept configuration: " + log)
            c = cosine(y, dense)
            if c < min_cos or abs(c - rep["tasd"]["calibration_cosine"]) > 1:
                raise RuntimeError("cosine %f below %g" % (c, min_cos))
            # The saved configuration gives the same binary.
            again, _, _ = run(bin_dir, path, x, work, "mlp-%s-again" % target,
                              ["--target", target, "--tasd=" + cfg,
                               "--tasd-min-cosine=%g" % min_cos,
                               "--tasd-min-top1=0"])
            if not np.array_equal(again, y):
                raise RuntimeError("--tasd=FILE differs from the search")
        return check

    def sparse_terms():
        # 90% unstructured weights as 2:4+1:4: most of each term's stored
        # values are zero, so its tiles cross DRAM bitmap-compressed
        # (LOAD.DECOMP of the N:M values, then the metadata) and the
        # emulator still computes the decomposed model.
        def prune(w):
            return np.where(np.abs(w) >= np.quantile(np.abs(w), 0.9), w,
                            np.float32(0))
        s1, s2 = prune(w1), prune(w2)
        spath = os.path.join(work, "sparse-mlp.onnx")
        m = onnx.load(path)
        for init in m.graph.initializer:
            init.CopyFrom(numpy_helper.from_array(
                {"w1": s1, "w2": s2}[init.name], init.name))
        onnx.save(m, spath)
        overrides = os.path.join(work, "sparse-forced.json")
        with open(overrides, "w") as f:
            json.dump({l: {"tasd_weights": "2:4+1:4"}
                       for l in ("fc1", "fc2")}, f)
        y, rep, _ = run(bin_dir, spath, x, work, "sparse-mlp",
                        ["--target", "flexible-nm", "--tasd=search",
                         "--layer-overrides", overrides,
                         "--tasd-max-error=0.5", "--tasd-min-cosine=0.9",
                         "--tasd-min-top1=0"])
        want = np.maximum(x @ decompose(s1, [(2, 4), (1, 4)], 0),
                          0) @ decompose(s2, [(2, 4), (1, 4)], 0)
        if not np.allclose(y, want, rtol=1e-3, atol=1e-4):
            raise RuntimeError("max |diff| %g from the decomposed model"
                               % np.abs(y - want).max())
        # fc1 runs its terms on GEMM.NM (fc2, DRAM-bound, may take a bitmap
        # of the sum). Plain N:M terms: 3/4 of the values, 2-bit indices.
        layer = rep["layers"][0]
        plain = s1.size * 3 // 4 * (4 + 2 / 8)
        if layer.get("format") != "tasd 2:4+1:4" or \
                not layer["weight_bytes_stored"] < plain / 2:
            raise RuntimeError("fc1: %s, %s stored bytes (plain %d)" % (
                layer.get("format"), layer.get("weight_bytes_stored"), plain))
        listing = subprocess.run(
            [os.path.join(bin_dir, "spc-objdump"),
             os.path.join(work, "sparse-mlp.spab")],
            capture_output=True, text=True, check=True).stdout
        if "LOAD.DECOMP" not in listing or "GEMM.NM" not in listing:
            raise RuntimeError("no LOAD.DECOMP + GEMM.NM in the listing")

    def refined():
        # At cosine 0.98 every budget of the ladder with fc1 and fc2 both
        # decomposed misses, and it keeps E/4 (no layer changes); the
        # refinement then moves fc1 alone to the E/2 search's series.
        def compile_with(name, refine_steps):
            cfg = os.path.join(work, name + ".cfg.json")
            y, rep, log = run(bin_dir, path, x, work, name,
                              ["--target", "flexible-nm", "--tasd=search",
                               "--tasd-activations", "--tasd-max-error=0.45",
                               "--tasd-min-cosine=0.98", "--tasd-min-top1=0",
                               "--tasd-refine-steps=%d" % refine_steps,
                               "--tasd-config-out", cfg])
            with open(cfg) as f:
                return y, rep["tasd"], log, json.load(f)
        _, ladder, _, _ = compile_with("mlp-ladder", 0)
        y, tasd, log, cfg = compile_with("mlp-refined", 8)
        if ladder["refined_layers"] != 0 or tasd["refined_layers"] != 1:
            raise RuntimeError("refined layers %d and %d" % (
                ladder["refined_layers"], tasd["refined_layers"]))
        if not tasd["emulated"]["edp"] < ladder["emulated"]["edp"] or \
                tasd["calibration_cosine"] < 0.98:
            raise RuntimeError("refined %s, ladder %s" % (tasd, ladder))
        if cfg["fc1"]["tasd_weights"] == "none" or \
                cfg["fc2"]["tasd_weights"] != "none":
            raise RuntimeError("configuration %s" % cfg)
        if "1 layer(s) from max-error 0.2250, activations none (fc1)" \
                not in log or cosine(y, dense) < 0.95:
            raise RuntimeError("cosine %f to dense; log:\n%s" % (
                cosine(y, dense), log))

    case("mlp_forced_series_matches_decomposed_model", forced_series)
    case("sparse_mlp_terms_cross_dram_compressed", sparse_terms)
    case("mlp_search_sparse_2of4", searched("sparse-2of4", [], 0.95))
    case("mlp_search_flexible_nm_activations",
         searched("flexible-nm", ["--tasd-activations"], 0.95))
    case("mlp_search_refines_layer_by_layer", refined)

    cpath, cx = conv(work)
    cdense, _, _ = run(bin_dir, cpath, cx, work, "conv-dense",
                       ["--target", "flexible-nm"])

    def conv_forced():
        # Tap-major K: weights and activations group input channels.
        overrides = os.path.join(work, "conv-forced.json")
        with open(overrides, "w") as f:
            json.dump({"c1": {"tasd_weights": "none"},
                       "c2": {"tasd_weights": "2:4+1:4",
                              "tasd_activations": "2:4"}}, f)
        y, rep, _ = run(bin_dir, cpath, cx, work, "conv-forced",
                        ["--target", "flexible-nm", "--tasd=search",
                         "--layer-overrides", overrides,
                         "--tasd-max-error=0.5", "--tasd-min-cosine=0.8",
                         "--tasd-min-top1=0"])
        if formats(rep).get("c2") != "tasd 2:4+1:4":
            raise RuntimeError("formats %s" % formats(rep))
        # Reference: c1 dense, ReLU, then c2 on the im2col patch structured
        # 2:4 over each tap's input channels (padding included).
        h = np.maximum(conv2d(cx, w1c), 0)
        w2d = decompose(w2c, [(2, 4), (1, 4)], 1)
        want = conv2d(h, w2d, structure_act=(2, 4))
        if not np.allclose(y, want, rtol=1e-3, atol=1e-4):
            raise RuntimeError("max |diff| %g from the decomposed model"
                               % np.abs(y - want).max())
        if cosine(y, cdense) < 0.8:
            raise RuntimeError("cosine %f to dense" % cosine(y, cdense))

    # The conv weights, read back from the model.
    m = onnx.load(cpath)
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    w1c, w2c = inits["w1"], inits["w2"]
    case("conv_forced_series_and_activations", conv_forced)
    sys.exit(1 if failures else 0)


def conv2d(x, w, structure_act=None):
    """3x3, pad 1, stride 1; with structure_act, each tap's channel vector
    of every pixel is structured first."""
    _, c, hh, ww = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    out = np.zeros((1, w.shape[0], hh, ww), dtype=np.float64)
    for kh in range(3):
        for kw in range(3):
            patch = xp[0, :, kh:kh + hh, kw:kw + ww]  # [C][H][W]
            if structure_act:
                patch = structure(patch, *structure_act, 0)
            out[0] += np.einsum("oc,chw->ohw", w[:, :, kh, kw], patch)
    return out.astype(np.float32)


if __name__ == "__main__":
    main()
