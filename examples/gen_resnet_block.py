#!/usr/bin/env python3
"""Writes examples/resnet_block.onnx: a ResNet basic block and classifier
head, with batch normalization, as an exporter would write it.

The weights are seeded random values pruned three ways, so that the example
shows what `spa-annotate-sparsity` finds on real pruning patterns:
  conv1: 2:4 along input channels (NVIDIA ASP style),
  conv2: 90% unstructured magnitude pruning,
  fc:    dense.

Run with Debian's interpreter: /usr/bin/python3 examples/gen_resnet_block.py
"""

import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(2026)


def prune_nm(w, n, m, axis):
    """Keeps the n largest magnitudes of every m values along `axis`."""
    moved = np.moveaxis(w, axis, -1)
    groups = moved.reshape(*moved.shape[:-1], -1, m)
    order = np.argsort(-np.abs(groups), axis=-1)
    mask = np.zeros_like(groups, dtype=bool)
    np.put_along_axis(mask, order[..., :n], True, axis=-1)
    pruned = np.where(mask, groups, 0).reshape(moved.shape)
    return np.moveaxis(pruned, -1, axis)


def prune_unstructured(w, sparsity):
    threshold = np.quantile(np.abs(w), sparsity)
    return np.where(np.abs(w) > threshold, w, 0)


def main():
    c = 32
    f32 = lambda a: np.asarray(a, dtype=np.float32)
    weights = {
        "conv1.weight": f32(prune_nm(rng.standard_normal((c, c, 3, 3)), 2, 4, axis=1)),
        "bn1.scale": f32(1 + 0.1 * rng.standard_normal(c)),
        "bn1.bias": f32(0.1 * rng.standard_normal(c)),
        "bn1.mean": f32(0.1 * rng.standard_normal(c)),
        "bn1.var": f32(1 + 0.1 * np.abs(rng.standard_normal(c))),
        "conv2.weight": f32(prune_unstructured(rng.standard_normal((c, c, 3, 3)), 0.9)),
        "conv2.bias": f32(0.1 * rng.standard_normal(c)),
        "fc.weight": f32(rng.standard_normal((10, c))),
        "fc.bias": f32(0.1 * rng.standard_normal(10)),
    }
    nodes = [
        helper.make_node("Conv", ["input", "conv1.weight"], ["c1"], name="conv1",
                         pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization",
                         ["c1", "bn1.scale", "bn1.bias", "bn1.mean", "bn1.var"],
                         ["b1"], name="bn1"),
        helper.make_node("Relu", ["b1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "conv2.weight", "conv2.bias"], ["c2"],
                         name="conv2", pads=[1, 1, 1, 1]),
        helper.make_node("Add", ["c2", "input"], ["s"], name="residual"),
        helper.make_node("Relu", ["s"], ["r2"], name="relu2"),
        helper.make_node("GlobalAveragePool", ["r2"], ["p"], name="pool"),
        helper.make_node("Flatten", ["p"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "fc.weight", "fc.bias"], ["logits"],
                         name="fc", transB=1),
    ]
    graph = helper.make_graph(
        nodes, "resnet_block",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", c, 16, 16])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 10])],
        [numpy_helper.from_array(w, name) for name, w in weights.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="spc-examples")
    onnx.checker.check_model(model)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "resnet_block.onnx")
    onnx.save(model, out)


if __name__ == "__main__":
    main()
