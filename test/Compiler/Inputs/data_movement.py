#!/usr/bin/env python3
"""Data-movement cases for test/Compiler/data-movement.mlir, built with
onnx.helper. The cases of a group share one model (independent nodes, one
output each) to keep the test fast; each model is compiled with spc-compile
for a target, run on spc-run, and every output compared with numpy (resize:
the ONNX reference's 1-D interpolation applied per dimension). Prints
`PASS name` or `FAIL name: reason` per case.

usage: data_movement.py BUILD_BIN_DIR TARGET WORK_DIR
       data_movement.py --errors WORK_DIR   (writes the error-case models)
"""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper, numpy_helper

rng = np.random.default_rng(7)
TYPES = {np.float32: T.FLOAT, np.int8: T.INT8, np.int32: T.INT32,
         np.int64: T.INT64}


def data(shape, dtype=np.float32):
    if dtype == np.float32:
        return rng.standard_normal(shape).astype(np.float32)
    info = np.iinfo(dtype)
    return rng.integers(max(info.min, -1000), min(info.max, 1000) + 1,
                        shape).astype(dtype)


def model(nodes, inputs, outputs, inits=(), opset=13):
    graph = helper.make_graph(
        nodes, "m",
        [helper.make_tensor_value_info(n, TYPES[a.dtype.type], a.shape)
         for n, a in inputs.items()],
        [helper.make_tensor_value_info(n, TYPES[a.dtype.type], a.shape)
         for n, a in outputs.items()],
        [numpy_helper.from_array(np.asarray(a), n) for n, a in inits])
    return helper.make_model(graph,
                             opset_imports=[helper.make_opsetid("", opset)])


def single(op, x, y, inits=(), **attrs):
    node = helper.make_node(op, ["x"] + [n for n, _ in inits], ["y"], **attrs)
    return [node], {"x": x}, {"y": y}, list(inits)


def merge(cases):
    """One model of the cases, every tensor name prefixed with its case's."""
    nodes, inputs, outputs, inits = [], {}, {}, []
    for name, (case_nodes, case_inputs, case_outputs, case_inits) in cases:
        rename = lambda n: f"{name}__{n}" if n else n
        for node in case_nodes:
            copy = onnx.NodeProto()
            copy.CopyFrom(node)
            copy.input[:] = [rename(n) for n in node.input]
            copy.output[:] = [rename(n) for n in node.output]
            nodes.append(copy)
        inputs.update({rename(n): a for n, a in case_inputs.items()})
        outputs.update({rename(n): a for n, a in case_outputs.items()})
        inits += [(rename(n), a) for n, a in case_inits]
    return model(nodes, inputs, outputs, inits), inputs, outputs


def resize_reference(x, mode, transform, nearest, scales=None, sizes=None):
    """Separable: the ONNX reference's 1-D interpolation of each basis
    vector gives the matrix of every dimension."""
    from onnx.backend.test.case.node.resize import (
        interpolate_1d_with_x, linear_coeffs, nearest_coeffs)
    coeffs = ((lambda r: nearest_coeffs(r, nearest)) if mode == "nearest"
              else linear_coeffs)
    if sizes is not None:
        scales = np.array(sizes) / np.array(x.shape)
    else:
        sizes = (scales * np.array(x.shape)).astype(int)
    y = x.astype(np.float64)
    matrices = {}
    for d in range(x.ndim):
        n, m = x.shape[d], int(sizes[d])
        key = (n, m, float(scales[d]))
        if key not in matrices:
            matrix = np.zeros((m, n))
            for i in range(n):
                basis = np.eye(n)[i]
                for o in range(m):
                    matrix[o, i] = interpolate_1d_with_x(
                        basis, scales[d], o, coeffs,
                        coordinate_transformation_mode=transform)
            matrices[key] = matrix
        y = np.moveaxis(np.tensordot(matrices[key], np.moveaxis(y, d, 0),
                                     axes=1), 0, d)
    return y.astype(x.dtype)


def resize(x, mode, transform, nearest=None, scales=None, sizes=None):
    attrs = {"mode": mode, "coordinate_transformation_mode": transform}
    if nearest:
        attrs["nearest_mode"] = nearest
    inits = [("roi", np.array([], np.float32))]
    if scales is not None:
        inits.append(("scales", np.array(scales, np.float32)))
    else:
        inits += [("scales", np.array([], np.float32)),
                  ("sizes", np.array(sizes, np.int64))]
    y = resize_reference(x, mode, transform, nearest,
                         None if scales is None else np.array(scales, np.float32),
                         sizes)
    return single("Resize", x, y, inits, **attrs)


def cases():
    x = data((2, 3, 5, 7))
    yield "transpose_nchw_to_nhwc", single("Transpose", x,
                                           x.transpose(0, 2, 3, 1),
                                           perm=[0, 2, 3, 1])
    # 720 KB: several tiles of the 256 KB activation budget.
    big = data((600, 300))
    yield "transpose_multi_tile", single("Transpose", big, big.T.copy(),
                                         perm=[1, 0])
    a, b, c = data((2, 3, 4), np.int8), data((2, 5, 4), np.int8), \
        data((2, 1, 4), np.int8)
    y = np.concatenate([a, b, c], axis=1)
    yield "concat_i8", ([helper.make_node("Concat", ["a", "b", "c"], ["y"],
                                          axis=1)],
                        {"a": a, "b": b, "c": c}, {"y": y}, [])
    x = data((20, 10, 5))
    yield "slice_negative_steps", single(
        "Slice", x, x[20:0:-1, 10:0:-3, 4:1:-2],
        [("starts", np.array([20, 10, 4])), ("ends", np.array([0, 0, 1])),
         ("axes", np.array([0, 1, 2])), ("steps", np.array([-1, -3, -2]))])
    x = data((40, 300), np.int32)
    yield "slice_gapped_i32", single(
        "Slice", x, x[1:39:2, 3::3],
        [("starts", np.array([1, 3])), ("ends", np.array([39, 300])),
         ("axes", np.array([0, 1])), ("steps", np.array([2, 3]))])
    x = data((1, 3, 30, 30))
    pads = np.array([0, 0, 1, 2, 0, 0, 2, 1])
    yield "pad_constant", single(
        "Pad", x, np.pad(x, [(0, 0), (0, 0), (1, 2), (2, 1)],
                         constant_values=1.5),
        [("pads", pads), ("value", np.array(1.5, np.float32))])
    x = data((2, 20, 20))
    yield "pad_constant_wide", single(
        "Pad", x, np.pad(x, [(0, 0), (300, 1), (2, 270)]),
        [("pads", np.array([0, 300, 2, 0, 1, 270]))])
    x = data((2, 6, 7), np.int8)
    yield "pad_reflect_i8", single(
        "Pad", x, np.pad(x, [(1, 0), (3, 2), (2, 5)], mode="reflect"),
        [("pads", np.array([1, 3, 2, 0, 2, 5]))], mode="reflect")
    x = data((1, 2, 300, 250))
    yield "pad_edge_multi_tile", single(
        "Pad", x, np.pad(x, [(0, 0), (0, 0), (3, 3), (3, 3)], mode="edge"),
        [("pads", np.array([0, 0, 3, 3, 0, 0, 3, 3]))], mode="edge")
    x = data((64, 1, 1))
    yield "expand_broadcast", single(
        "Expand", x, np.broadcast_to(x, (2, 64, 9, 11)).copy(),
        [("shape", np.array([2, 64, 9, 11]))])
    x = data((3, 1, 5), np.int8)
    yield "tile_i8", single("Tile", x, np.tile(x, (2, 4, 3)),
                            [("repeats", np.array([2, 4, 3]))])
    yield "resize_nearest_2x", resize(data((1, 4, 9, 9)), "nearest",
                                      "asymmetric", "floor",
                                      scales=[1, 1, 2, 2])
    yield "resize_nearest_irregular", resize(
        data((1, 3, 10, 7)), "nearest", "half_pixel", "round_prefer_ceil",
        sizes=[1, 3, 17, 23])
    yield "resize_linear_align_corners", resize(
        data((1, 2, 9, 11)), "linear", "align_corners", sizes=[1, 2, 20, 31])
    # 46K outputs: more than the accumulator's 32K-element tile budget.
    yield "resize_linear_multi_tile", resize(
        data((1, 12, 24, 40)), "linear", "half_pixel", scales=[1, 1, 2, 2])
    x = data((4, 9, 6), np.int32)
    idx = np.array([[8, -1], [0, 3]])
    yield "gather_constant_indices", single(
        "Gather", x, np.take(x, idx, axis=1), [("indices", idx)], axis=1)
    table = data((300, 48))
    ids = rng.integers(-300, 300, (2, 9)).astype(np.int32)
    y = np.take(table, ids, axis=0)
    yield "gather_runtime_ids", (
        [helper.make_node("Gather", ["table", "ids"], ["y"], axis=0)],
        {"ids": ids}, {"y": y}, [("table", table)])
    x = data((3, 50, 4), np.int8)
    ids = rng.integers(-50, 50, (6,)).astype(np.int32)
    y = np.take(x, ids, axis=1)
    yield "gather_runtime_i8", (
        [helper.make_node("Gather", ["x", "ids"], ["y"], axis=1)],
        {"x": x, "ids": ids}, {"y": y}, [])
    x = data((4, 6))
    p, q = np.split(x, [2], axis=1)
    yield "split_then_transpose", (
        [helper.make_node("Split", ["x", "s"], ["p", "q0"], axis=1),
         helper.make_node("Transpose", ["q0"], ["q"], perm=[1, 0])],
        {"x": x}, {"p": p, "q": q.T.copy()}, [("s", np.array([2, 4]))])
    x = data((2, 3, 4))
    yield "reshape_then_transpose", (
        [helper.make_node("Reshape", ["x", "s"], ["r"]),
         helper.make_node("Transpose", ["r"], ["y"], perm=[1, 0])],
        {"x": x}, {"y": x.reshape(6, 4).T.copy()}, [("s", np.array([6, 4]))])


def write_errors(work):
    os.makedirs(work, exist_ok=True)
    x, ids = data((5, 4), np.int32), np.array([1, 2, 3], np.int32)
    onnx.save(model([helper.make_node("Gather", ["x", "ids"], ["y"], axis=0,
                                      name="lookup")],
                    {"x": x, "ids": ids}, {"y": np.take(x, ids, axis=0)}),
              os.path.join(work, "gather-i32.onnx"))
    x = data((2, 3, 4))
    onnx.save(model([helper.make_node("Resize", ["x", "roi", "scales"], ["y"],
                                      mode="linear", name="upsample")],
                    {"x": x}, {"y": np.zeros((4, 3, 4), np.float32)},
                    [("roi", np.array([], np.float32)),
                     ("scales", np.array([2, 1, 1], np.float32))]),
              os.path.join(work, "resize-outer.onnx"))


def main():
    if sys.argv[1] == "--errors":
        write_errors(sys.argv[2])
        return
    bindir, target, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    groups = {}
    for name, case in cases():
        group = "resize" if name.startswith(("resize", "gather")) else \
            "pad" if name.startswith("pad") else "copy"
        groups.setdefault(group, []).append((name, case))
    for group, members in groups.items():
        m, inputs, expected = merge(members)
        path = os.path.join(work, group)
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
        run = None
        if not compile.returncode:
            run = subprocess.run(
                [os.path.join(bindir, "spc-run"), os.path.join(path, "m.spab"),
                 f"--output-dir={os.path.join(path, 'out')}", *args],
                capture_output=True, text=True)
        for name, _ in members:
            if compile.returncode:
                print(f"FAIL {name}: {compile.stderr.strip()}")
                continue
            if run.returncode:
                print(f"FAIL {name}: {run.stderr.strip()}")
                continue
            failure = None
            for n, want in expected.items():
                if not n.startswith(name + "__"):
                    continue
                got = np.load(os.path.join(path, "out", n + ".npy"))
                if got.dtype != want.dtype or got.shape != want.shape:
                    failure = f"{n}: {got.dtype}{got.shape}, expected " \
                              f"{want.dtype}{want.shape}"
                elif not np.allclose(got, want, rtol=1e-5, atol=1e-5):
                    failure = f"{n}: max error " \
                              f"{np.abs(got.astype(float) - want).max()}"
            print(f"FAIL {name}: {failure}" if failure else f"PASS {name}")


if __name__ == "__main__":
    main()
