#!/usr/bin/env python3
"""Contraction models for test/Compiler/contraction.mlir: Conv (strides,
pads, dilations, groups, depthwise), ConvTranspose, MatMul (batched,
broadcast, 1-D), Gemm (transposes, alpha, beta, C broadcasts), a fused ReLU
epilogue, int8 MatMulInteger, and QDQ groups (QLinearConv, QLinearMatMul,
DequantizeLinear -> Conv -> Relu -> QuantizeLinear) compared within one
quantization step. Each model is built with onnx.helper,
compiled with spc-compile for a target, run on spc-run and compared with a
float64 numpy reference (tolerance: rtol 1e-3 plus the float32 rounding of a
K-term sum). Prints `PASS name` or `FAIL name: reason` per model.

usage: contraction.py BUILD_BIN_DIR TARGET WORK_DIR [NAME,NAME...]
"""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper, numpy_helper

rng = np.random.default_rng(7)
ONNX_TYPE = {np.float32: T.FLOAT, np.int8: T.INT8, np.int32: T.INT32}


def randn(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def model(nodes, inputs, output, inits=()):
    graph = helper.make_graph(
        nodes, "m",
        [helper.make_tensor_value_info(n, ONNX_TYPE[a.dtype.type], a.shape)
         for n, a in inputs.items()],
        [helper.make_tensor_value_info("y", ONNX_TYPE[output.dtype.type],
                                       output.shape)],
        [numpy_helper.from_array(a, n) for n, a in inits])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    return m


def conv_ref(x, w, b, strides, pads, dilations, groups):
    """ONNX Conv in float64: pads are [top, left, bottom, right]."""
    x = x.astype(np.float64)
    w = w.astype(np.float64)
    n, c, _, _ = x.shape
    o, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    hp, wp = xp.shape[2:]
    oh = (hp - dilations[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (wp - dilations[1] * (kw - 1) - 1) // strides[1] + 1
    y = np.zeros((n, o, oh, ow))
    og = o // groups
    for g in range(groups):
        xs = xp[:, g * cg:(g + 1) * cg]
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i * dilations[0]:
                           i * dilations[0] + strides[0] * (oh - 1) + 1:
                           strides[0],
                           j * dilations[1]:
                           j * dilations[1] + strides[1] * (ow - 1) + 1:
                           strides[1]]
                y[:, g * og:(g + 1) * og] += np.einsum(
                    "nchw,oc->nohw", patch, w[g * og:(g + 1) * og, :, i, j])
    if b is not None:
        y += b.reshape(1, -1, 1, 1)
    return y


def conv_transpose_ref(x, w, b, strides, pads, dilations, out_pad, groups):
    x = x.astype(np.float64)
    w = w.astype(np.float64)
    n, c, h, wd = x.shape
    _, og, kh, kw = w.shape
    cg = c // groups
    full_h = strides[0] * (h - 1) + dilations[0] * (kh - 1) + 1 + out_pad[0]
    full_w = strides[1] * (wd - 1) + dilations[1] * (kw - 1) + 1 + out_pad[1]
    y = np.zeros((n, og * groups, full_h, full_w))
    for g in range(groups):
        for i in range(kh):
            for j in range(kw):
                contrib = np.einsum("nchw,co->nohw",
                                    x[:, g * cg:(g + 1) * cg],
                                    w[g * cg:(g + 1) * cg, :, i, j])
                y[:, g * og:(g + 1) * og,
                  i * dilations[0]:i * dilations[0] + strides[0] * (h - 1) + 1:
                  strides[0],
                  j * dilations[1]:j * dilations[1] + strides[1] * (wd - 1) + 1:
                  strides[1]] += contrib
    oh = full_h - pads[0] - pads[2]
    ow = full_w - pads[1] - pads[3]
    y = y[:, :, pads[0]:pads[0] + oh, pads[1]:pads[1] + ow]
    if b is not None:
        y += b.reshape(1, -1, 1, 1)
    return y


def conv_case(name, xs, o, k, strides=(1, 1), pads=(0, 0, 0, 0),
              dilations=(1, 1), groups=1, bias=True, relu=False,
              weight_input=False):
    x = randn(*xs)
    w = randn(o, xs[1] // groups, *k)
    b = randn(o) if bias else None
    ref = conv_ref(x, w, b, strides, pads, dilations, groups)
    if relu:
        ref = np.maximum(ref, 0)
    ins = ["x", "w"] + (["b"] if bias else [])
    nodes = [helper.make_node("Conv", ins, ["c" if relu else "y"],
                              kernel_shape=list(k), strides=list(strides),
                              pads=list(pads), dilations=list(dilations),
                              group=groups)]
    if relu:
        nodes.append(helper.make_node("Relu", ["c"], ["y"]))
    inputs = {"x": x}
    inits = [("b", b)] if bias else []
    if weight_input:
        inputs["w"] = w
    else:
        inits.append(("w", w))
    k_terms = xs[1] // groups * k[0] * k[1]
    return (name, model(nodes, inputs, ref.astype(np.float32), inits), inputs,
            ref, k_terms)


def conv_transpose_case(name, xs, o, k, strides=(1, 1), pads=(0, 0, 0, 0),
                        dilations=(1, 1), out_pad=(0, 0), groups=1):
    x = randn(*xs)
    w = randn(xs[1], o // groups, *k)
    b = randn(o)
    ref = conv_transpose_ref(x, w, b, strides, pads, dilations, out_pad,
                             groups)
    node = helper.make_node("ConvTranspose", ["x", "w", "b"], ["y"],
                            kernel_shape=list(k), strides=list(strides),
                            pads=list(pads), dilations=list(dilations),
                            output_padding=list(out_pad), group=groups)
    return (name, model([node], {"x": x}, ref.astype(np.float32),
                        [("w", w), ("b", b)]), {"x": x}, ref,
            xs[1] * k[0] * k[1])


def matmul_case(name, a_shape, b_shape, constant_b=False):
    a, b = randn(*a_shape), randn(*b_shape)
    ref = np.matmul(a.astype(np.float64), b.astype(np.float64))
    inputs = {"a": a}
    inits = []
    if constant_b:
        inits.append(("b", b))
    else:
        inputs["b"] = b
    node = helper.make_node("MatMul", ["a", "b"], ["y"])
    return (name, model([node], inputs, ref.astype(np.float32), inits), inputs,
            ref, a_shape[-1])


def gemm_case(name, m, n, k, trans_a=0, trans_b=0, alpha=1.0, beta=1.0,
              c_shape=None, constant_b=False):
    a = randn(*((k, m) if trans_a else (m, k)))
    b = randn(*((n, k) if trans_b else (k, n)))
    ref = alpha * ((a.T if trans_a else a).astype(np.float64) @
                   (b.T if trans_b else b).astype(np.float64))
    inputs = {"a": a}
    inits = []
    if constant_b:
        inits.append(("b", b))
    else:
        inputs["b"] = b
    names = ["a", "b"]
    if c_shape is not None:
        c = randn(*c_shape)
        ref = ref + beta * c.astype(np.float64)
        inputs["c"] = c
        names.append("c")
    node = helper.make_node("Gemm", names, ["y"], alpha=alpha, beta=beta,
                            transA=trans_a, transB=trans_b)
    return (name, model([node], inputs, ref.astype(np.float32), inits), inputs,
            ref, k)


def matmul_integer_case(name, a_shape, b_shape):
    a = rng.integers(-128, 128, a_shape).astype(np.int8)
    b = rng.integers(-128, 128, b_shape).astype(np.int8)
    ref = np.matmul(a.astype(np.int64), b.astype(np.int64)).astype(np.int32)
    node = helper.make_node("MatMulInteger", ["a", "b"], ["y"])
    return (name, model([node], {"a": a}, ref, [("b", b)]), {"a": a}, ref, 0)


def quantize_ref(y, scale, zero_point):
    return np.clip(np.round(y / np.float32(scale)) + zero_point, -128,
                   127).astype(np.int8)


def qlinear_conv_case(name, xs, o, k, pads=(0, 0, 0, 0)):
    """QLinearConv with int8 data, per-channel weight scales and an int32
    bias (a QDQ group: an int8 GEMM when fused)."""
    x = rng.integers(-128, 128, xs).astype(np.int8)
    w = rng.integers(-128, 128, (o, xs[1]) + k).astype(np.int8)
    sx, zx, sy, zy = np.float32(0.02), 3, np.float32(0.5), -5
    sw = rng.uniform(0.001, 0.01, o).astype(np.float32)
    b = rng.integers(-20000, 20000, o).astype(np.int32)
    xf = (x.astype(np.float64) - zx) * sx
    wf = w.astype(np.float64) * sw.reshape(-1, 1, 1, 1)
    ref = quantize_ref(conv_ref(xf, wf, b * (sx * sw.astype(np.float64)),
                                (1, 1), pads, (1, 1), 1), sy, zy)
    inits = [("sx", np.array(sx)), ("zx", np.array(zx, np.int8)), ("w", w),
             ("sw", sw), ("zw", np.zeros(o, np.int8)), ("sy", np.array(sy)),
             ("zy", np.array(zy, np.int8)), ("b", b)]
    node = helper.make_node("QLinearConv",
                            ["x", "sx", "zx", "w", "sw", "zw", "sy", "zy", "b"],
                            ["y"], kernel_shape=list(k), pads=list(pads))
    return (name, model([node], {"x": x}, ref, inits), {"x": x}, ref, 0)


def qdq_conv_relu_case(name, xs, o, k, pads=(1, 1, 1, 1)):
    """DequantizeLinear -> Conv -> Relu -> QuantizeLinear with a float bias."""
    x = rng.integers(-128, 128, xs).astype(np.int8)
    w = rng.integers(-128, 128, (o, xs[1]) + k).astype(np.int8)
    sx, zx, sy, zy = np.float32(0.03), -2, np.float32(0.25), 4
    sw = rng.uniform(0.001, 0.01, o).astype(np.float32)
    bf = randn(o)
    y = conv_ref((x.astype(np.float64) - zx) * sx,
                 w.astype(np.float64) * sw.reshape(-1, 1, 1, 1), bf, (1, 1),
                 pads, (1, 1), 1)
    ref = quantize_ref(np.maximum(y, 0), sy, zy)
    nodes = [helper.make_node("DequantizeLinear", ["x", "sx", "zx"], ["xf"]),
             helper.make_node("DequantizeLinear", ["w", "sw", "zw"], ["wf"],
                              axis=0),
             helper.make_node("Conv", ["xf", "wf", "bf"], ["c"],
                              kernel_shape=list(k), pads=list(pads)),
             helper.make_node("Relu", ["c"], ["r"]),
             helper.make_node("QuantizeLinear", ["r", "sy", "zy"], ["y"])]
    inits = [("sx", np.array(sx)), ("zx", np.array(zx, np.int8)), ("w", w),
             ("sw", sw), ("zw", np.zeros(o, np.int8)), ("bf", bf),
             ("sy", np.array(sy)), ("zy", np.array(zy, np.int8))]
    return (name, model(nodes, {"x": x}, ref, inits), {"x": x}, ref, 0)


def qlinear_matmul_case(name, a_shape, b_shape):
    a = rng.integers(-128, 128, a_shape).astype(np.int8)
    b = rng.integers(-128, 128, b_shape).astype(np.int8)
    sa, za, sb, zb = np.float32(0.05), 1, np.float32(0.02), -3
    sy, zy = np.float32(0.7), 2
    y = ((a.astype(np.float64) - za) * sa) @ ((b.astype(np.float64) - zb) * sb)
    ref = quantize_ref(y, sy, zy)
    inits = [("sa", np.array(sa)), ("za", np.array(za, np.int8)), ("b", b),
             ("sb", np.array(sb)), ("zb", np.array(zb, np.int8)),
             ("sy", np.array(sy)), ("zy", np.array(zy, np.int8))]
    node = helper.make_node("QLinearMatMul",
                            ["a", "sa", "za", "b", "sb", "zb", "sy", "zy"],
                            ["y"])
    return (name, model([node], {"a": a}, ref, inits), {"a": a}, ref, 0)


def cases():
    yield conv_case("conv_basic", (1, 3, 8, 8), 4, (3, 3))
    yield conv_case("conv_stride_asym_pad", (2, 5, 9, 7), 6, (3, 2),
                    strides=(2, 1), pads=(1, 0, 2, 1))
    yield conv_case("conv_dilation", (1, 4, 10, 10), 8, (3, 3),
                    dilations=(2, 2), pads=(2, 2, 2, 2), bias=False)
    yield conv_case("conv_groups", (1, 8, 6, 6), 4, (3, 3), groups=2,
                    pads=(1, 1, 1, 1))
    yield conv_case("conv_depthwise", (1, 32, 15, 13), 32, (3, 3), groups=32,
                    strides=(2, 2), pads=(1, 1, 1, 1))
    yield conv_case("conv_depthwise_multiplier", (1, 6, 9, 9), 12, (3, 3),
                    groups=6)
    yield conv_case("conv_1x1_stride2", (1, 16, 12, 12), 40, (1, 1),
                    strides=(2, 2))
    yield conv_case("conv_many_channels", (1, 64, 12, 12), 48, (3, 3),
                    pads=(1, 1, 1, 1))
    yield conv_case("conv_weight_input", (1, 3, 8, 8), 4, (3, 3),
                    pads=(1, 1, 1, 1), weight_input=True)
    yield conv_case("conv_relu_epilogue", (1, 3, 8, 8), 4, (3, 3),
                    pads=(1, 1, 1, 1), relu=True)
    yield conv_case("conv_pad_beyond_dma", (1, 2, 5, 5), 2, (3, 3),
                    pads=(300, 2, 1, 1))
    yield conv_transpose_case("conv_transpose_basic", (1, 3, 4, 4), 2, (3, 3))
    yield conv_transpose_case("conv_transpose_stride_pads_outpad",
                              (2, 3, 4, 5), 4, (3, 2), strides=(2, 3),
                              pads=(1, 0, 1, 1), out_pad=(1, 1))
    yield conv_transpose_case("conv_transpose_dilation_groups", (1, 4, 5, 5),
                              4, (3, 3), strides=(2, 2), dilations=(2, 2),
                              pads=(1, 1, 1, 1), groups=2)
    yield conv_transpose_case("conv_transpose_empty_phase", (1, 3, 4, 4), 2,
                              (1, 1), strides=(2, 2), out_pad=(1, 1))
    yield matmul_case("matmul_2d", (70, 300), (300, 100), constant_b=True)
    yield matmul_case("matmul_batched_broadcast", (2, 1, 4, 5), (3, 5, 6))
    yield matmul_case("matmul_shared_rhs", (2, 3, 4, 5), (5, 6))
    yield matmul_case("matmul_vector_lhs", (5,), (5, 3))
    yield matmul_case("matmul_vector_rhs", (4, 5), (5,))
    yield gemm_case("gemm_trans_alpha_beta", 3, 4, 5, trans_a=1, trans_b=1,
                    alpha=0.5, beta=2.0, c_shape=(3, 4))
    yield gemm_case("gemm_bias_row", 64, 100, 300, trans_b=1,
                    constant_b=True, c_shape=(100,))
    yield gemm_case("gemm_column_c", 3, 4, 5, c_shape=(3, 1), beta=0.25)
    yield matmul_integer_case("matmul_integer_i8", (3, 40, 300), (300, 150))
    yield qlinear_conv_case("qlinear_conv_per_channel", (1, 8, 10, 10), 16,
                            (3, 3), pads=(1, 1, 1, 1))
    yield qdq_conv_relu_case("qdq_conv_relu", (1, 4, 8, 8), 8, (3, 3))
    yield qlinear_matmul_case("qlinear_matmul", (4, 300), (300, 50))


def main():
    bin_dir, target, work = sys.argv[1:4]
    only = set(sys.argv[4].split(",")) if len(sys.argv) > 4 else None
    os.makedirs(work, exist_ok=True)
    for name, m, inputs, ref, k_terms in cases():
        if only and name not in only:
            continue
        d = os.path.join(work, name)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "model.onnx")
        onnx.save(m, path)
        binary = os.path.join(d, "model.spab")
        r = subprocess.run([os.path.join(bin_dir, "spc-compile"), path,
                            "--target=" + target, "-o", binary],
                           capture_output=True, text=True)
        if r.returncode:
            print(f"FAIL {name}: spc-compile: {r.stderr.strip()}")
            continue
        args = [os.path.join(bin_dir, "spc-run"), binary,
                "--output-dir=" + os.path.join(d, "out")]
        for n, a in inputs.items():
            np.save(os.path.join(d, n + ".npy"), a)
            args.append(f"--input={n}={os.path.join(d, n + '.npy')}")
        r = subprocess.run(args, capture_output=True, text=True)
        if r.returncode:
            print(f"FAIL {name}: spc-run: {r.stderr.strip()}")
            continue
        y = np.load(os.path.join(d, "out", "y.npy"))
        if y.shape != ref.shape:
            print(f"FAIL {name}: shape {y.shape}, expected {ref.shape}")
            continue
        if ref.dtype == np.int32:
            ok = y.dtype == np.int32 and np.array_equal(y, ref)
        elif ref.dtype == np.int8:
            # Requantization may round a tie the other way: one step.
            ok = y.dtype == np.int8 and bool(np.all(
                np.abs(y.astype(np.int32) - ref.astype(np.int32)) <= 1))
        else:
            eps = np.finfo(np.float32).eps
            tol = 1e-5 + 1e-3 * np.abs(ref) + 4 * eps * k_terms ** 1.5
            ok = y.dtype == np.float32 and bool(np.all(np.abs(y - ref) <= tol))
        if ok:
            print(f"PASS {name}")
        else:
            err = np.abs(y.astype(np.float64) - ref).max()
            print(f"FAIL {name}: max abs error {err}")


if __name__ == "__main__":
    main()
