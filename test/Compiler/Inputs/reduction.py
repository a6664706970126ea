#!/usr/bin/env python3
"""Reduction, normalization and pooling cases for
test/Compiler/reduction.mlir: each is a node built with onnx.helper; all of
them go into one model (input x_NAME, output y_NAME), which is compiled with
spc-compile for a target and run on spc-run, and each output is compared
with a numpy reference (rtol 1e-3, atol 1e-5 for f32; exact for integers).
Prints `PASS name` or `FAIL name: reason` per case, in a fixed order.

usage: reduction.py BUILD_BIN_DIR TARGET WORK_DIR [NAME,...]

With a list of names, only those cases run.
"""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper, numpy_helper

rng = np.random.default_rng(5)
TYPES = {np.dtype(np.float32): T.FLOAT, np.dtype(np.int8): T.INT8,
         np.dtype(np.int32): T.INT32}


def randn(*shape, scale=3.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def ints(dtype, *shape):
    info = np.iinfo(dtype)
    lo, hi = max(info.min, -10**6), min(info.max, 10**6)
    return rng.integers(lo, hi, size=shape, endpoint=True).astype(dtype)


def model(node, x, ref, inits=(), opset=13):
    graph = helper.make_graph(
        [node], "m", [helper.make_tensor_value_info("x", TYPES[x.dtype],
                                                    x.shape)],
        [helper.make_tensor_value_info("y", TYPES[ref.dtype], ref.shape)],
        [numpy_helper.from_array(a, n) for n, a in inits])
    return helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)]), ref


def softmax(x, axis):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def log_softmax(x, axis):
    m = x.max(axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis, keepdims=True))


def layer_norm(x, axis, scale, bias, eps):
    axes = tuple(range(axis, x.ndim))
    mean = x.mean(axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + eps) * scale
    return y + bias if bias is not None else y


def pool(x, is_max, kernel, strides, pads, dilations, ceil, include_pad):
    """ONNX MaxPool / AveragePool on NCHW (2-D), in float64."""
    n, c, h, w = x.shape
    out = []
    for d, size in enumerate((h, w)):
        span = (size + pads[d] + pads[d + 2] - (kernel[d] - 1) * dilations[d]
                - 1)
        o = (-(-span // strides[d]) if ceil else span // strides[d]) + 1
        if ceil and (o - 1) * strides[d] >= size + pads[d]:
            o -= 1
        out.append(o)
    need = [(out[d] - 1) * strides[d] + (kernel[d] - 1) * dilations[d] + 1
            for d in range(2)]
    padded = np.full((n, c, max(need[0], h + pads[0]),
                      max(need[1], w + pads[1])), np.nan)
    padded[:, :, pads[0]:pads[0] + h, pads[1]:pads[1] + w] = x
    # Positions inside the explicit padding (counted by count_include_pad).
    inside = np.zeros(padded.shape[2:], bool)
    inside[:h + pads[0] + pads[2], :w + pads[1] + pads[3]] = True
    taps, counted = [], []
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            rows = slice(i * dilations[0],
                         i * dilations[0] + (out[0] - 1) * strides[0] + 1,
                         strides[0])
            cols = slice(j * dilations[1],
                         j * dilations[1] + (out[1] - 1) * strides[1] + 1,
                         strides[1])
            taps.append(padded[:, :, rows, cols])
            counted.append(inside[rows, cols])
    taps = np.stack(taps)
    if is_max:
        return np.nanmax(taps, 0)
    total = np.nansum(taps, 0)
    count = (np.stack(counted).sum(0) if include_pad
             else (~np.isnan(taps)).sum(0))
    return total / count


def cases():
    # Softmax and LogSoftmax: rows over several tiles, a reduced axis that
    # is not innermost, and rows too long for a tile (two passes).
    x = randn(300, 200)
    yield "softmax_multitile", model(
        helper.make_node("Softmax", ["x"], ["y"], axis=-1), x,
        softmax(x.astype(np.float64), -1).astype(np.float32)), x
    x = randn(2, 300, 7)
    yield "softmax_axis1_strided", model(
        helper.make_node("Softmax", ["x"], ["y"], axis=1), x,
        softmax(x.astype(np.float64), 1).astype(np.float32)), x
    x = randn(1, 40000)
    yield "softmax_long_rows", model(
        helper.make_node("Softmax", ["x"], ["y"], axis=1), x,
        softmax(x.astype(np.float64), 1).astype(np.float32)), x
    x = randn(40, 6, 5)
    yield "logsoftmax_axis0", model(
        helper.make_node("LogSoftmax", ["x"], ["y"], axis=0), x,
        log_softmax(x.astype(np.float64), 0).astype(np.float32)), x
    x = randn(1, 34000)
    yield "logsoftmax_long_row", model(
        helper.make_node("LogSoftmax", ["x"], ["y"], axis=1), x,
        log_softmax(x.astype(np.float64), 1).astype(np.float32)), x

    # LayerNormalization (opset 17).
    for name, shape, axis, bias in [("layernorm_bias", (4, 16, 96), 2, True),
                                    ("layernorm_axis1", (2, 3, 4, 5), 1,
                                     False),
                                    ("layernorm_long_rows", (2, 33000), 1,
                                     True)]:
        x = randn(*shape) + 2
        scale = randn(*shape[axis:], scale=1.0)
        b = randn(*shape[axis:], scale=1.0) if bias else None
        inits = [("s", scale)] + ([("b", b)] if bias else [])
        node = helper.make_node("LayerNormalization",
                                ["x", "s"] + (["b"] if bias else []), ["y"],
                                axis=axis, epsilon=1e-3)
        ref = layer_norm(x.astype(np.float64), axis, scale, b, 1e-3)
        yield name, model(node, x, ref.astype(np.float32), inits, 17), x

    # Reductions over several axes, integer types, and long rows.
    x = randn(5, 6, 7, 8)
    yield "reduce_mean_axes13", model(
        helper.make_node("ReduceMean", ["x"], ["y"], axes=[1, 3], keepdims=0),
        x, x.astype(np.float64).mean((1, 3)).astype(np.float32)), x
    x = ints(np.int32, 7, 9, 11)
    axes = np.array([0, 2], np.int64)
    yield "reduce_sum_i32", model(
        helper.make_node("ReduceSum", ["x", "axes"], ["y"], keepdims=1), x,
        x.sum((0, 2), keepdims=True, dtype=np.int32), [("axes", axes)]), x
    x = ints(np.int8, 7, 9, 11)
    yield "reduce_max_i8", model(
        helper.make_node("ReduceMax", ["x"], ["y"], axes=[1], keepdims=1), x,
        x.max(1, keepdims=True)), x
    # Longer than a VEC row (65535 columns).
    x = randn(1, 70000)
    yield "reduce_min_long_rows", model(
        helper.make_node("ReduceMin", ["x"], ["y"], axes=[1], keepdims=0), x,
        x.min(1)), x

    # Pooling.
    for (name, shape, is_max, kernel, strides, pads, dilations, ceil,
         include_pad, dtype) in [
            ("maxpool_multitile", (1, 5, 114, 114), True, [3, 3], [2, 2],
             [1, 1, 1, 1], [1, 1], 0, 0, np.float32),
            ("maxpool_dilated_ceil", (1, 2, 17, 23), True, [3, 2], [2, 3],
             [1, 0, 2, 1], [2, 2], 1, 0, np.float32),
            ("maxpool_i8", (1, 4, 33, 33), True, [3, 3], [1, 1],
             [1, 1, 1, 1], [1, 1], 0, 0, np.int8),
            ("avgpool_exclude_pad", (2, 8, 35, 35), False, [3, 3], [1, 1],
             [1, 1, 1, 1], [1, 1], 0, 0, np.float32),
            ("avgpool_ceil_include_pad", (1, 3, 18, 18), False, [3, 3],
             [2, 2], [1, 1, 1, 1], [1, 1], 1, 1, np.float32)]:
        x = randn(*shape) if dtype == np.float32 else ints(dtype, *shape)
        attrs = dict(kernel_shape=kernel, strides=strides, pads=pads,
                     ceil_mode=ceil)
        if is_max:
            attrs["dilations"] = dilations
        else:
            attrs["count_include_pad"] = include_pad
        ref = pool(x.astype(np.float64), is_max, kernel, strides, pads,
                   dilations, ceil, include_pad).astype(dtype)
        node = helper.make_node("MaxPool" if is_max else "AveragePool", ["x"],
                                ["y"], **attrs)
        yield name, model(node, x, ref, opset=13), x
    x = randn(2, 512, 7, 7)
    yield "global_avgpool", model(
        helper.make_node("GlobalAveragePool", ["x"], ["y"]), x,
        x.astype(np.float64).mean((2, 3), keepdims=True).astype(np.float32)), x
    x = randn(1, 3, 40, 40)
    yield "global_maxpool", model(
        helper.make_node("GlobalMaxPool", ["x"], ["y"]), x,
        x.max((2, 3), keepdims=True)), x


def main():
    bindir, target, work = sys.argv[1:4]
    only = sys.argv[4].split(",") if len(sys.argv) > 4 else None
    os.makedirs(work, exist_ok=True)
    # One model holds every case (input x_NAME, output y_NAME), so that
    # the tools start once.
    nodes, inputs, outputs, inits, refs, feeds = [], [], [], [], {}, []
    for name, (m, ref), x in cases():
        if only and name not in only:
            continue
        graph = m.graph
        rename = {"x": "x_" + name, "y": "y_" + name}
        for init in graph.initializer:
            rename[init.name] = init.name + "_" + name
            init.name = rename[init.name]
            inits.append(init)
        for node in graph.node:
            node.input[:] = [rename.get(i, i) for i in node.input]
            node.output[:] = [rename.get(o, o) for o in node.output]
            node.name = name
            nodes.append(node)
        graph.input[0].name = rename["x"]
        graph.output[0].name = rename["y"]
        inputs.append(graph.input[0])
        outputs.append(graph.output[0])
        refs[name] = ref
        path = os.path.join(work, f"x_{name}.npy")
        np.save(path, x)
        feeds.append(f"--input=x_{name}={path}")
    model = helper.make_model(
        helper.make_graph(nodes, "reduction", inputs, outputs, inits),
        opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, os.path.join(work, "m.onnx"))
    compile_ = subprocess.run(
        [os.path.join(bindir, "spc-compile"), os.path.join(work, "m.onnx"),
         f"--target={target}", "-o", os.path.join(work, "m.spab")],
        capture_output=True, text=True)
    if compile_.returncode:
        print(f"FAIL spc-compile: {compile_.stderr.strip()}")
        return
    run = subprocess.run(
        [os.path.join(bindir, "spc-run"), os.path.join(work, "m.spab"),
         f"--output-dir={os.path.join(work, 'out')}"] + feeds,
        capture_output=True, text=True)
    if run.returncode:
        print(f"FAIL spc-run: {run.stderr.strip()}")
        return
    for name, ref in refs.items():
        got = np.load(os.path.join(work, "out", f"y_{name}.npy"))
        if got.shape != ref.shape or got.dtype != ref.dtype:
            print(f"FAIL {name}: got {got.dtype}{list(got.shape)}, "
                  f"expected {ref.dtype}{list(ref.shape)}")
        elif ref.dtype.kind == "f" and not np.allclose(
                got, ref, rtol=1e-3, atol=1e-5):
            print(f"FAIL {name}: max error {np.max(np.abs(got - ref)):.3g}")
        elif ref.dtype.kind != "f" and not np.array_equal(got, ref):
            print(f"FAIL {name}: {np.sum(got != ref)} elements differ")
        else:
            print(f"PASS {name}")


if __name__ == "__main__":
    main()
