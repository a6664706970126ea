#!/usr/bin/env python3
"""The spc Python package against the command-line tools: what calling SPC
from Python costs, and what releasing the GIL buys.

  PYTHONPATH=build/python /usr/bin/python3 bench/python-api.py \
      [--model resnet18] [--size full|small] [--target sparse-2of4] [--repeat 3]

On a torchvision model (seeded random weights, exported once to
bench/out/python-api/): the best-of-N wall time of `spc-compile` against
`spc.compile`, of a run in `spc-run --time-runs` against `Emulator.run`,
a batch of 4 inputs with `run_batch` on 1 and on all host threads, and two
models compiled on two Python threads against one after the other. Never
run in CI.
"""

import argparse
import io
import os
import re
import shlex
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

import spc

ROOT = Path(__file__).resolve().parents[1]
BUILD = Path(os.environ.get("SPC_BUILD_DIR", ROOT / "build"))


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def export(model_name, side, path):
    if path.exists():
        return
    import torch
    import torchvision
    torch.manual_seed(0)
    model = getattr(torchvision.models, model_name)().eval()
    buffer = io.BytesIO()
    torch.onnx.export(model, torch.randn(1, 3, side, side), buffer,
                      opset_version=17, input_names=["image"],
                      output_names=["logits"])
    path.write_bytes(buffer.getvalue())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="resnet18")
    parser.add_argument("--size", choices=["full", "small"], default="full")
    parser.add_argument("--target", default="sparse-2of4")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    side = 224 if args.size == "full" else 32
    out = ROOT / "bench" / "out" / "python-api"
    out.mkdir(parents=True, exist_ok=True)
    model = out / f"{args.model}-{side}.onnx"
    export(args.model, side, model)
    spab = out / f"{args.model}-{side}-{args.target}.spab"
    compile_cli = [str(BUILD / "bin" / "spc-compile"), str(model),
                   f"--target={args.target}", "-o", str(spab)]

    cli = best(lambda: subprocess.run(compile_cli, check=True,
                                      capture_output=True), args.repeat)
    py = best(lambda: spc.compile(model, args.target), args.repeat)
    binary = spc.compile(model, args.target)
    print(f"compile {args.model} {side}x{side} for {args.target}: "
          f"spc-compile {cli * 1e3:.0f} ms, spc.compile {py * 1e3:.0f} ms "
          "(best of {})".format(args.repeat))

    x = np.random.default_rng(0).standard_normal((1, 3, side, side)) \
        .astype(np.float32)
    np.save(out / "x.npy", x)
    run = subprocess.run(
        [str(BUILD / "bin" / "spc-run"), str(spab), f"--input=image={out}/x.npy",
         f"--output-dir={out}/run", f"--time-runs={args.repeat}"],
        check=True, capture_output=True, text=True)
    cli_run = float(re.search(r"best ([0-9.]+) ms", run.stdout).group(1))
    emulator = spc.Emulator(binary)
    emulator.run(image=x)
    py_run = best(lambda: emulator.run(image=x), args.repeat)
    print(f"run: spc-run {cli_run:.1f} ms, Emulator.run {py_run * 1e3:.1f} ms "
          f"(best of {args.repeat}, binary loaded once)")

    batch = [{"image": x}] * 4
    one = best(lambda: emulator.run_batch(batch, threads=1), args.repeat)
    all_ = best(lambda: emulator.run_batch(batch, threads=0), args.repeat)
    print(f"run_batch of 4: {one * 1e3:.0f} ms on 1 thread, {all_ * 1e3:.0f} "
          f"ms on {os.cpu_count()} ({one / all_:.2f}x)")

    seq = best(lambda: [spc.compile(model, args.target) for _ in range(2)],
               args.repeat)

    def two_threads():
        threads = [threading.Thread(target=spc.compile,
                                    args=(model, args.target))
                   for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    par = best(two_threads, args.repeat)
    print(f"2 compiles: {seq * 1e3:.0f} ms one after the other, "
          f"{par * 1e3:.0f} ms on 2 Python threads ({seq / par:.2f}x)")
    print("command: PYTHONPATH=" + str(BUILD / "python") +
          " /usr/bin/python3 " + " ".join(map(shlex.quote, sys.argv)))


if __name__ == "__main__":
    main()
