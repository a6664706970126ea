# RUN: %spc_python -m pytest -q -p no:cacheprovider %s
"""The package works after `cmake --install`, outside the build tree."""

import os
import subprocess
import sys

import pytest

BUILD = os.environ.get("SPC_BUILD_DIR")


@pytest.mark.skipif(not BUILD, reason="needs SPC_BUILD_DIR (lit sets it)")
def test_installed_package_compiles_and_runs(tmp_path, mlp_path):
    prefix = tmp_path / "prefix"
    subprocess.run(["cmake", "--install", BUILD, "--prefix", str(prefix),
                    "--component", "spc-python"], check=True,
                   capture_output=True)
    packages = prefix / "lib" / "python3" / "dist-packages"
    assert (packages / "spc" / "__init__.py").exists()
    script = (
        "import numpy as np, spc\n"
        "assert spc.__file__.startswith(%r), spc.__file__\n"
        "binary = spc.compile(%r, 'sparse-2of4')\n"
        "outputs, stats = spc.Emulator(binary).run("
        "x=np.ones((8, 64), np.float32))\n"
        "print(outputs['y'].shape, stats['cycles'] > 0)\n"
        % (str(packages), str(mlp_path)))
    # Only the installed copy is on the path, from a directory away from
    # the source and build trees.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(packages)
    run = subprocess.run([sys.executable, "-c", script], env=env,
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "(8, 10) True"
