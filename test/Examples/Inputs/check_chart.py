#!/usr/bin/env python3
"""Checks that a chart an example wrote rendered its data.

  check_chart.py CHART.png COLOUR... [--min-fraction F]

Each COLOUR (#rrggbb, as the example draws its bars or markers) must cover
at least F of the image's pixels (default 0.002). Prints `ok` or the
first failure.
"""

import argparse
import sys

import matplotlib.image
import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("png")
    parser.add_argument("colours", nargs="+")
    parser.add_argument("--min-fraction", type=float, default=0.002)
    args = parser.parse_args()
    pixels = matplotlib.image.imread(args.png)[..., :3]
    pixels = np.round(pixels * 255).astype(int)
    total = pixels.shape[0] * pixels.shape[1]
    for colour in args.colours:
        rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
        fraction = np.all(np.abs(pixels - rgb) <= 2, axis=-1).sum() / total
        if fraction < args.min_fraction:
            print(f"FAIL: {colour} covers {fraction:.4%} of {args.png}")
            return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
