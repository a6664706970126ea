#!/usr/bin/env python3
"""Data, references and checks for the hand-written target programs.

The programs in examples/programs/*.mlir are written by hand in the `spt`
dialect. This script gives them their data and checks what the emulator makes
of them; the tests in test/Emulator/programs and scripts/run-example.sh use it:

  spt-programs.py prepare CASE PROGRAM.mlir OUTDIR
      writes OUTDIR/program.mlir (the program plus its constants as
      dense_resource blobs), OUTDIR/<input>.npy and OUTDIR/expected/<output>.npy
  spt-programs.py check CASE OUTDIR STATS.json TARGET.json
      compares the outputs in OUTDIR/out (spc-run's outputs.json) with the
      references, exactly, and the matrix unit's busy cycles with the cycle
      model of docs/CycleModel.md, and prints a one-line summary.

CASE is the program's file name without .mlir. The references follow
docs/ISA.md, not numpy's own kernels: fp32 sums run in ascending k with every
product and sum rounded to fp32 (ISA §4.1), and exp comes from the C
library's expf, as ISA §4.7 specifies.
"""

import ctypes
import json
import math
import os
import sys

import numpy as np

LIBM = ctypes.CDLL("libm.so.6")
LIBM.expf.restype = ctypes.c_float
LIBM.expf.argtypes = [ctypes.c_float]


def gemm_f32(a, w, acc=None):
    """C = A . W^T in fp32, ascending k, no FMA (ISA §4.1)."""
    m, k = a.shape
    s = np.zeros((m, w.shape[0]), np.float32) if acc is None else acc.copy()
    for kk in range(k):
        s = (s + (a[:, kk:kk + 1] * w[None, :, kk]).astype(np.float32)).astype(np.float32)
    return s


def prune_nm(w, n, m, rng):
    """Keeps n random entries of every m along the rows."""
    w = w.copy()
    for r in range(w.shape[0]):
        for g in range(0, w.shape[1], m):
            drop = rng.permutation(m)[: m - n]
            w[r, g + drop] = 0
    return w


def pack_nm(w, n, m):
    """ISA §6.4.1 and §6.4.4: values, then metadata at a 4-byte boundary."""
    bits = max(1, math.ceil(math.log2(m)))
    rows, cols = w.shape
    values, meta = [], bytearray()
    for r in range(rows):
        fields = []
        for g in range(0, cols, m):
            nz = [i for i in range(m) if w[r, g + i] != 0]
            assert len(nz) <= n
            free = [i for i in range(m) if i not in nz]
            idx = sorted(nz + free[: n - len(nz)])
            values.extend(w[r, g + i] for i in idx)
            fields.extend(idx)
        row = 0
        for j, f in enumerate(fields):
            row |= f << (j * bits)
        meta += row.to_bytes((len(fields) * bits + 7) // 8, "little")
    vbytes = np.array(values, w.dtype).tobytes()
    pad = (-len(vbytes)) % 4
    return vbytes + bytes(pad) + bytes(meta)


def structure(x, n, m):
    """STRUCT (ISA §4.6): keep the n largest magnitudes of every m, ties low."""
    out = np.zeros_like(x)
    for r in range(x.shape[0]):
        for g in range(0, x.shape[1], m):
            group = x[r, g:g + m]
            order = sorted(range(m), key=lambda i: (-abs(float(group[i])), i))
            for i in order[:n]:
                out[r, g + i] = group[i]
    return out


def requant(acc, scale, zp):
    """REQUANT (ISA §4.7): sat8(rne(fl(float(x) * y)) + zp)."""
    r = np.rint(acc.astype(np.float32) * scale.astype(np.float32))
    return np.clip(r.astype(np.int64) + zp, -128, 127).astype(np.int8)


def matrix_cycles(target, m, n, k_streamed, dtype="fp32"):
    """The matrix cost of docs/CycleModel.md for one GEMM tile."""
    rows = target["matrix"]["array"]["rows"] * target["datatypes"][dtype]["macs_per_multiplier"]
    cols = target["matrix"]["array"]["cols"]
    return (math.ceil(k_streamed / rows) * math.ceil(n / cols) * max(m, rows)
            + rows + cols - 1)


# Each case returns (inputs, constants, expected outputs, expected matrix
# busy cycles as a function of the target).
def case_tiled_gemm(rng):
    x = rng.standard_normal((64, 128)).astype(np.float32)
    w = rng.standard_normal((64, 128)).astype(np.float32)
    b = rng.standard_normal((1, 64)).astype(np.float32)
    # Two K tiles accumulate per N tile, in order (ISA §4.1 accumulate).
    y = np.zeros((64, 64), np.float32)
    for n0 in (0, 32):
        acc = gemm_f32(x[:, :64], w[n0:n0 + 32, :64])
        acc = gemm_f32(x[:, 64:], w[n0:n0 + 32, 64:], acc)
        y[:, n0:n0 + 32] = acc
    y = np.maximum((y + b).astype(np.float32), np.float32(0))
    return ({"x": x}, {"fc_weight": w.tobytes(), "fc_bias": b.tobytes()}, {"y": y},
            lambda t: 4 * matrix_cycles(t, 64, 32, 64))


def weights_2of4(rng):
    w = prune_nm(rng.standard_normal((64, 128)).astype(np.float32), 2, 4, rng)
    return w, pack_nm(w, 2, 4)


def case_gemm_2of4(rng):
    x = rng.standard_normal((128, 128)).astype(np.float32)
    w, packed = weights_2of4(rng)
    # Only the stored entries are summed; the stored zeros add nothing here
    # because every group has exactly two non-zeros.
    y = gemm_f32(x, w)
    return ({"x": x}, {"fc_weight": packed}, {"y": y},
            lambda t: matrix_cycles(t, 128, 64, 64))


def case_gemm_2of4_decomp(rng):
    inputs, constants, outputs, _ = case_gemm_2of4(rng)
    return inputs, constants, outputs, lambda t: matrix_cycles(t, 128, 64, 128)


def case_tasd_a(rng):
    x = rng.standard_normal((64, 64)).astype(np.float32)
    w = rng.standard_normal((32, 64)).astype(np.float32)
    y = gemm_f32(structure(x, 2, 4), w)
    # Dual-side sparsity streams half of K (docs/CycleModel.md).
    return ({"x": x}, {"fc_weight": w.tobytes()}, {"y": y},
            lambda t: matrix_cycles(t, 64, 32, 64 * 2 // 4 if t["matrix"]["dual_side"] else 64))


def case_softmax(rng):
    x = (rng.standard_normal((16, 64)) * 4).astype(np.float32)
    mx = x.max(axis=1, keepdims=True)
    d = (x - mx).astype(np.float32)
    e = np.vectorize(lambda v: np.float32(LIBM.expf(float(v))), otypes=[np.float32])(d)
    s = np.zeros((16, 1), np.float32)
    for c in range(64):
        s = (s + e[:, c:c + 1]).astype(np.float32)
    r = (np.float32(1) / s).astype(np.float32)
    y = (e * r).astype(np.float32)
    return {"x": x}, {}, {"y": y}, lambda t: 0


def case_qgemm(rng):
    x = rng.integers(-128, 128, (32, 64), dtype=np.int8)
    w = rng.integers(-128, 128, (32, 64), dtype=np.int8)
    bias = rng.integers(-5000, 5000, (1, 32), dtype=np.int32)
    scale = (rng.random((1, 32)) * 0.01 + 0.001).astype(np.float32)
    acc = (x.astype(np.int32) + 3) @ (w.astype(np.int32) - 2).T + bias
    y = requant(acc, scale, 5)
    return ({"x": x}, {"fc_weight": w.tobytes(), "fc_bias": bias.tobytes(),
                       "fc_scale": scale.tobytes()}, {"y": y},
            lambda t: matrix_cycles(t, 32, 32, 64, "int8"))


CASES = {
    "tiled-gemm": case_tiled_gemm,
    "gemm-2of4": case_gemm_2of4,
    "gemm-2of4-decomp": case_gemm_2of4_decomp,
    "tasd-a": case_tasd_a,
    "softmax": case_softmax,
    "qgemm": case_qgemm,
}


def build(case):
    return CASES[case](np.random.default_rng(2026))


def prepare(case, program, outdir):
    inputs, constants, outputs, _ = build(case)
    os.makedirs(os.path.join(outdir, "expected"), exist_ok=True)
    text = open(program).read()
    if constants:
        # Resource blobs: a little-endian u32 alignment, then the bytes.
        blobs = ",\n".join(f'      {key}: "0x04000000{data.hex()}"'
                           for key, data in constants.items())
        text += ("\n{-#\n  dialect_resources: {\n    builtin: {\n" + blobs
                 + "\n    }\n  }\n#-}\n")
    open(os.path.join(outdir, "program.mlir"), "w").write(text)
    for name, value in inputs.items():
        np.save(os.path.join(outdir, name + ".npy"), value)
    for name, value in outputs.items():
        np.save(os.path.join(outdir, "expected", name + ".npy"), value)


def check(case, outdir, stats_path, target_path):
    _, _, outputs, matrix = build(case)
    produced = json.load(open(os.path.join(outdir, "out", "outputs.json")))
    assert sorted(produced) == sorted(outputs), (produced, list(outputs))
    for name, expected in outputs.items():
        got = np.load(os.path.join(outdir, "out", produced[name]))
        assert got.dtype == expected.dtype and got.shape == expected.shape, (
            name, got.dtype, got.shape, expected.dtype, expected.shape)
        bad = np.flatnonzero(got != expected)
        assert bad.size == 0, (f"{name}: {bad.size} of {got.size} elements differ; "
                               f"first at {bad[0]}: {got.flat[bad[0]]} != "
                               f"{expected.flat[bad[0]]}")
    stats = json.load(open(stats_path))
    target = json.load(open(target_path))
    want = matrix(target)
    got = stats["unit_busy_cycles"]["matrix"]
    assert got == want, f"matrix busy cycles {got}, the cycle model gives {want}"
    assert stats["cycles"] >= got
    print(f"{case}: outputs exact; matrix {got} cycles; total {stats['cycles']} cycles; "
          f"{stats['macs']} useful MACs; energy {stats['energy_pj']:.0f} pJ")


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "prepare":
        prepare(*sys.argv[2:5])
    elif command == "check":
        check(*sys.argv[2:6])
    else:
        sys.exit(f"unknown command {command}")
