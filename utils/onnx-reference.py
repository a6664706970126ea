#!/usr/bin/env python3
"""A small numpy evaluator of ONNX graphs, the reference the main job
(scripts/run-example.sh) checks the emulator's outputs against.

It implements the operators of the bundled example models in float64 (Conv,
BatchNormalization, Relu, Add, Mul, GlobalAveragePool, Flatten, Reshape,
Gemm, MatMul, MaxPool, Clip, Sigmoid, Softmax) independently of SPC, and
fails on anything else.

usage: onnx-reference.py MODEL.onnx OUT_DIR NAME=FILE.npy...
Writes OUT_DIR/<output name>.npy (float32) per graph output.
"""

import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def conv(x, w, b, a):
    group = a.get("group", 1)
    strides = a.get("strides", [1, 1])
    dil = a.get("dilations", [1, 1])
    kh, kw = w.shape[2:]
    pads = a.get("pads", [0, 0, 0, 0])
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    n, c, h, wd = x.shape
    oh = (h - dil[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (wd - dil[1] * (kw - 1) - 1) // strides[1] + 1
    o = w.shape[0]
    out = np.zeros((n, o, oh, ow))
    cg, og = c // group, o // group
    for g in range(group):
        xs = x[:, g * cg:(g + 1) * cg]
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i * dil[0]:i * dil[0] + strides[0] * oh:strides[0],
                           j * dil[1]:j * dil[1] + strides[1] * ow:strides[1]]
                out[:, g * og:(g + 1) * og] += np.einsum(
                    "nchw,oc->nohw", patch, w[g * og:(g + 1) * og, :, i, j])
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out


def max_pool(x, a):
    kh, kw = a["kernel_shape"]
    sh, sw = a.get("strides", [1, 1])
    pads = a.get("pads", [0, 0, 0, 0])
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])),
               constant_values=-np.inf)
    oh = (x.shape[2] - kh) // sh + 1
    ow = (x.shape[3] - kw) // sw + 1
    out = np.full(x.shape[:2] + (oh, ow), -np.inf)
    for i in range(kh):
        for j in range(kw):
            out = np.maximum(out, x[:, :, i:i + sh * oh:sh, j:j + sw * ow:sw])
    return out


def run_node(node, v):
    a = attrs(node)
    x = [v[name] if name else None for name in node.input]
    op = node.op_type
    if op == "Conv":
        return conv(x[0], x[1], x[2] if len(x) > 2 else None, a)
    if op == "BatchNormalization":
        scale, bias, mean, var = (t.reshape(1, -1, 1, 1) for t in x[1:5])
        return (x[0] - mean) / np.sqrt(var + a.get("epsilon", 1e-5)) * scale + bias
    if op == "Relu":
        return np.maximum(x[0], 0)
    if op == "Sigmoid":
        return 1 / (1 + np.exp(-x[0]))
    if op == "Clip":
        return np.clip(x[0], x[1] if len(x) > 1 else -np.inf,
                       x[2] if len(x) > 2 else np.inf)
    if op == "Add":
        return x[0] + x[1]
    if op == "Mul":
        return x[0] * x[1]
    if op == "GlobalAveragePool":
        return x[0].mean(axis=(2, 3), keepdims=True)
    if op == "MaxPool":
        return max_pool(x[0], a)
    if op == "Flatten":
        axis = a.get("axis", 1)
        return x[0].reshape(int(np.prod(x[0].shape[:axis])), -1)
    if op == "Reshape":
        shape = [d if d != 0 else x[0].shape[i] for i, d in enumerate(x[1])]
        return x[0].reshape(shape)
    if op == "Gemm":
        aa = x[0].T if a.get("transA", 0) else x[0]
        bb = x[1].T if a.get("transB", 0) else x[1]
        out = a.get("alpha", 1.0) * aa @ bb
        if len(x) > 2 and x[2] is not None:
            out = out + a.get("beta", 1.0) * x[2]
        return out
    if op == "MatMul":
        return x[0] @ x[1]
    if op == "Softmax":
        e = np.exp(x[0] - x[0].max(axis=a.get("axis", -1), keepdims=True))
        return e / e.sum(axis=a.get("axis", -1), keepdims=True)
    raise SystemExit(f"onnx-reference.py: operator {op} is not implemented")


def main():
    model = onnx.load(sys.argv[1])
    out_dir = sys.argv[2]
    values = {t.name: numpy_helper.to_array(t).astype(np.float64)
              if t.data_type == onnx.TensorProto.FLOAT else numpy_helper.to_array(t)
              for t in model.graph.initializer}
    for spec in sys.argv[3:]:
        name, path = spec.split("=", 1)
        values[name] = np.load(path).astype(np.float64)
    for node in model.graph.node:
        if node.op_type == "Constant":
            values[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
            continue
        values[node.output[0]] = run_node(node, values)
    os.makedirs(out_dir, exist_ok=True)
    for output in model.graph.output:
        np.save(os.path.join(out_dir, output.name + ".npy"),
                values[output.name].astype(np.float32))


if __name__ == "__main__":
    main()
