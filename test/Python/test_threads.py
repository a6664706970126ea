# RUN: %spc_python -m pytest -q -p no:cacheprovider %s
"""Compiling and running release the GIL, and run correctly from several
threads at once."""

import faulthandler
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import spc


def test_concurrent_compiles_agree(mlp_path):
    settings = [("sparse-2of4", "nm:2:4"), ("flexible-nm", "nm:1:4"),
                ("dense-systolic", None), ("high-sparsity",
                                           "unstructured:0.9")]
    sequential = [spc.compile(mlp_path, target, prune=prune).to_bytes()
                  for target, prune in settings]
    with ThreadPoolExecutor(4) as pool:
        concurrent = list(pool.map(
            lambda s: spc.compile(mlp_path, s[0], prune=s[1]).to_bytes(),
            settings * 2))
    assert concurrent == sequential * 2


def test_one_emulator_from_many_threads(mlp, mlp_path):
    emulator = spc.Emulator(spc.compile(mlp_path, "sparse-2of4"))
    rng = np.random.default_rng(5)
    inputs = [rng.standard_normal((8, 64)).astype(np.float32)
              for _ in range(8)]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda x: emulator.run(x=x), inputs))
    cycles = {stats["cycles"] for _, stats in results}
    assert len(cycles) == 1
    for x, (outputs, _) in zip(inputs, results):
        np.testing.assert_allclose(outputs["y"], mlp[1](x), rtol=1e-4,
                                   atol=1e-5)


def read_through_fifo(tmp_path, data, call):
    """Runs call(fifo) on a thread while this thread writes `data` into the
    named pipe `fifo`. The call blocks reading the pipe, and this thread
    needs the GIL to write it: if the call held the GIL, the two would
    deadlock, and the watchdog fails the test instead of hanging it."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = {}

    def worker():
        try:
            result["value"] = call(str(fifo))
        except BaseException as error:  # re-raised below
            result["error"] = error

    faulthandler.dump_traceback_later(120, exit=True)
    try:
        thread = threading.Thread(target=worker)
        thread.start()
        fd = os.open(fifo, os.O_WRONLY)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.close(fd)
        thread.join()
    finally:
        faulthandler.cancel_dump_traceback_later()
    if "error" in result:
        raise result["error"]
    return result["value"]


def test_compile_releases_the_gil(tmp_path, mlp, mlp_path):
    binary = read_through_fifo(tmp_path, mlp[0].SerializeToString(),
                               lambda path: spc.compile(path, "sparse-2of4"))
    assert binary.to_bytes() == spc.compile(mlp_path,
                                            "sparse-2of4").to_bytes()


def test_load_releases_the_gil(tmp_path, mlp_path):
    data = spc.compile(mlp_path).to_bytes()
    binary = read_through_fifo(tmp_path, data, spc.Binary.load)
    assert binary.to_bytes() == data


@pytest.mark.parametrize("threads", [0, 1, 3])
def test_batch_threads(mlp_path, threads):
    emulator = spc.Emulator(spc.compile(mlp_path))
    batch = [{"x": np.full((8, 64), i, np.float32)} for i in range(4)]
    results = emulator.run_batch(batch, threads=threads)
    assert [outputs["y"][0, 0] for outputs, _ in results] == \
        [emulator.run(inputs)[0]["y"][0, 0] for inputs in batch]
