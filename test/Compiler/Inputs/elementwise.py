#!/usr/bin/env python3
"""Element-wise models for test/Compiler/elementwise.mlir: each is built with
onnx.helper, compiled with spc-compile for a target, run on spc-run, and
compared with numpy. Prints `PASS name` or `FAIL name: reason` per model.

usage: elementwise.py BUILD_BIN_DIR TARGET WORK_DIR
"""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper, numpy_helper

rng = np.random.default_rng(11)


def randn(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def model(name, nodes, inputs, output, inits=()):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(n, T.FLOAT if a.dtype == np.float32
                                       else T.INT32, a.shape)
         for n, a in inputs.items()],
        [helper.make_tensor_value_info("y", output[0], output[1])],
        [numpy_helper.from_array(a, n) for n, a in inits])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def cases():
    x, b = randn(2, 3, 8, 9), randn(8, 1)
    yield ("add_broadcast", model("m", [helper.make_node("Add", ["x", "b"], ["y"])],
                                  {"x": x, "b": b}, (T.FLOAT, x.shape)),
           {"x": x, "b": b}, x + b)
    c = np.array([2.5], np.float32)
    yield ("mul_scalar_constant",
           model("m", [helper.make_node("Mul", ["c", "x"], ["y"])], {"x": x},
                 (T.FLOAT, x.shape), [("c", c)]), {"x": x}, x * c)
    big = randn(3, 300, 257)
    yield ("sub_large_multichunk",
           model("m", [helper.make_node("Sub", ["x", "z"], ["y"])],
                 {"x": big, "z": big[:1]}, (T.FLOAT, big.shape)),
           {"x": big, "z": big[:1]}, big - big[:1])
    yield ("div_sigmoid_chain",
           model("m", [helper.make_node("Div", ["x", "b"], ["d"]),
                       helper.make_node("Sigmoid", ["d"], ["y"])],
                 {"x": x, "b": b}, (T.FLOAT, x.shape)),
           {"x": x, "b": b}, 1 / (1 + np.exp(-(x / b))))
    # A residual add with its ReLU fused (one layer), over several chunks.
    yield ("add_relu_fused_multichunk",
           model("m", [helper.make_node("Add", ["x", "z"], ["s"]),
                       helper.make_node("Relu", ["s"], ["y"])],
                 {"x": big, "z": big[:1]}, (T.FLOAT, big.shape)),
           {"x": big, "z": big[:1]}, np.maximum(big + big[:1], 0))
    # The sum has a second user: it is stored, not fused.
    yield ("add_relu_sum_reused",
           model("m", [helper.make_node("Add", ["x", "b"], ["s"]),
                       helper.make_node("Relu", ["s"], ["r"]),
                       helper.make_node("Mul", ["r", "s"], ["y"])],
                 {"x": x, "b": b}, (T.FLOAT, x.shape)),
           {"x": x, "b": b}, np.maximum(x + b, 0) * (x + b))
    slope = randn(3, 1, 1)
    yield ("prelu_per_channel",
           model("m", [helper.make_node("PRelu", ["x", "s"], ["y"])], {"x": x},
                 (T.FLOAT, x.shape), [("s", slope)]),
           {"x": x}, np.where(x < 0, slope * x, x))
    lo, hi = np.array(-0.5, np.float32), np.array(0.7, np.float32)
    yield ("clip", model("m", [helper.make_node("Clip", ["x", "lo", "hi"], ["y"])],
                         {"x": x}, (T.FLOAT, x.shape), [("lo", lo), ("hi", hi)]),
           {"x": x}, np.clip(x, lo, hi))
    s, bb, m, v = randn(3), randn(3), randn(3), np.abs(randn(3)) + 0.1
    yield ("batch_norm_unfolded",
           model("m", [helper.make_node("BatchNormalization",
                                        ["x", "s", "bb", "m", "v"], ["y"])],
                 {"x": x}, (T.FLOAT, x.shape),
                 [("s", s), ("bb", bb), ("m", m), ("v", v)]),
           {"x": x},
           (x - m.reshape(3, 1, 1)) / np.sqrt(v.reshape(3, 1, 1) + 1e-5)
           * s.reshape(3, 1, 1) + bb.reshape(3, 1, 1))
    cond = rng.random((8, 9)) < 0.5
    yield ("where_constant_condition",
           model("m", [helper.make_node("Where", ["c", "x", "z"], ["y"])],
                 {"x": x, "z": x[:1] * 0 + 3}, (T.FLOAT, x.shape),
                 [("c", cond)]),
           {"x": x, "z": x[:1] * 0 + 3}, np.where(cond, x, x[:1] * 0 + 3))
    i = rng.integers(-1000, 1000, (4, 5)).astype(np.int32)
    yield ("cast_i32_to_f32",
           model("m", [helper.make_node("Cast", ["x"], ["y"], to=T.FLOAT)],
                 {"x": i}, (T.FLOAT, i.shape)), {"x": i}, i.astype(np.float32))
    yield ("neg_i32",
           model("m", [helper.make_node("Neg", ["x"], ["y"])], {"x": i},
                 (T.INT32, i.shape)), {"x": i}, -i)


def main():
    bindir, target, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    for name, m, inputs, expected in cases():
        path = os.path.join(work, name)
        os.makedirs(path, exist_ok=True)
        onnx.save(m, os.path.join(path, "m.onnx"))
        args = []
        for n, a in inputs.items():
            np.save(os.path.join(path, n + ".npy"), a)
            args.append(f"--input={n}={os.path.join(path, n + '.npy')}")
        compile = subprocess.run(
            [os.path.join(bindir, "spc-compile"), os.path.join(path, "m.onnx"),
             f"--target={target}", "-o", os.path.join(path, "m.spab")],
            capture_output=True, text=True)
        if compile.returncode:
            print(f"FAIL {name}: {compile.stderr.strip()}")
            continue
        run = subprocess.run(
            [os.path.join(bindir, "spc-run"), os.path.join(path, "m.spab"),
             f"--output-dir={os.path.join(path, 'out')}", *args],
            capture_output=True, text=True)
        if run.returncode:
            print(f"FAIL {name}: {run.stderr.strip()}")
            continue
        actual = np.load(os.path.join(path, "out", "y.npy"))
        if actual.dtype == expected.dtype and actual.shape == expected.shape and \
                np.allclose(actual, expected, rtol=1e-5, atol=1e-6):
            print(f"PASS {name}")
        else:
            print(f"FAIL {name}: max error "
                  f"{np.abs(actual.astype(float) - expected).max()}")


if __name__ == "__main__":
    main()
