#!/usr/bin/env python3
"""Checks spc-run's output for Inputs/fc.mlir or Inputs/sparse-fc.mlir exactly.

  check_fc.py PROGRAM.mlir X.npy Y.npy

The weights are read back from the program's resource blobs, and the
reference follows ISA §4.1: ascending k, each product and sum rounded to fp32.
"""

import re
import sys

import numpy as np

program, x_path, y_path = sys.argv[1:4]
text = open(program).read()
blobs = {k: bytes.fromhex(v[8:]) for k, v in
         re.findall(r'(\w+): "0x([0-9a-fA-F]+)"', text)}
x = np.load(x_path)
y = np.load(y_path)
if "csr" in text:
    data = blobs["fc_weight"]
    ptr = np.frombuffer(data[:36], "<u4")
    idx = np.frombuffer(data[36:36 + 2 * ptr[-1]], "<u2")
    vals = np.frombuffer(data[68:68 + 4 * ptr[-1]], "<f4")
    expected = np.zeros((x.shape[0], 8), np.float32)
    for n in range(8):
        for e in range(ptr[n], ptr[n + 1]):
            expected[:, n] = (expected[:, n] + x[:, idx[e]] * vals[e]).astype(np.float32)
else:
    w = np.frombuffer(blobs["fc_weight"], "<f4").reshape(8, 16)
    b = np.frombuffer(blobs["fc_bias"], "<f4")
    acc = np.zeros((x.shape[0], 8), np.float32)
    for k in range(16):
        acc = (acc + (x[:, k:k + 1] * w[None, :, k]).astype(np.float32)).astype(np.float32)
    expected = np.maximum((acc + b).astype(np.float32), np.float32(0))
assert y.dtype == np.float32 and y.shape == expected.shape, (y.dtype, y.shape)
assert (y == expected).all(), (y, expected)
print("outputs exact")
