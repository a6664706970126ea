# RUN: %spc_python -m pytest -q -p no:cacheprovider %s
"""Bad input raises the Python exception of its kind, with the message the
command-line tools print."""

import json
import subprocess

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import spc
from conftest import tool


@pytest.fixture(scope="module")
def binary_path(mlp_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("bin") / "mlp.spab"
    spc.compile(mlp_path).save(path)
    return path


def spc_run_error(binary_path, tmp_path, **arrays):
    """The message of spc-run's `error:` line for these inputs."""
    args = [tool("spc-run"), str(binary_path),
            f"--output-dir={tmp_path / 'out'}"]
    for name, array in arrays.items():
        np.save(tmp_path / f"{name}.npy", array)
        args.append(f"--input={name}={tmp_path / name}.npy")
    run = subprocess.run(args, capture_output=True, text=True)
    assert run.returncode == 1
    return run.stderr.split("error: ", 1)[1].rstrip("\n")


@pytest.mark.parametrize("arrays", [
    {"x": np.zeros((8, 63), np.float32)},        # shape
    {"x": np.zeros((8, 64), np.int32)},          # dtype the model rejects
    {"x": np.zeros((8, 64), np.float32),
     "z": np.zeros(1, np.float32)},              # name
    {},                                          # missing
])
def test_bad_inputs_match_spc_run(binary_path, tmp_path, arrays):
    emulator = spc.Emulator(binary_path)
    with pytest.raises(ValueError) as error:
        emulator.run(arrays)
    # spc-run also names the .npy file the input came from.
    cli = spc_run_error(binary_path, tmp_path, **arrays)
    for name in arrays:
        cli = cli.replace(f" (from {tmp_path / name}.npy)", "")
    assert str(error.value) == cli


def test_unsupported_dtype_matches_spc_run(binary_path, tmp_path):
    x = np.zeros((8, 64), np.float64)
    with pytest.raises(ValueError) as error:
        spc.Emulator(binary_path).run(x=x)
    # spc-run names the .npy file between the input and the reason.
    cli = spc_run_error(binary_path, tmp_path, x=x)
    assert str(error.value) == cli.replace(f"{tmp_path / 'x.npy'}: ", "")
    assert "unsupported dtype '<f8'" in str(error.value)


def test_unknown_name_before_its_dtype(binary_path):
    with pytest.raises(ValueError, match=r"unknown input 'w' \(the model's "
                       r"inputs are 'x'\)"):
        spc.Emulator(binary_path).run(x=np.zeros((8, 64), np.float32), w=[1])


def test_inputs_must_be_a_dict(binary_path):
    with pytest.raises(TypeError, match="dict of name to numpy array"):
        spc.Emulator(binary_path).run([np.zeros((8, 64), np.float32)])


def test_missing_files(tmp_path, mlp_path):
    missing = tmp_path / "missing"
    with pytest.raises(FileNotFoundError,
                       match=f"cannot open input file '{missing}.onnx'"):
        spc.compile(f"{missing}.onnx")
    with pytest.raises(FileNotFoundError, match="missing.spab"):
        spc.Binary.load(f"{missing}.spab")
    with pytest.raises(FileNotFoundError, match="missing.spab"):
        spc.Emulator(f"{missing}.spab")
    with pytest.raises(FileNotFoundError, match="missing.json"):
        spc.Target.load(f"{missing}.json")
    with pytest.raises(FileNotFoundError, match="missing.json"):
        spc.compile(mlp_path, f"{missing}.json")


def test_bad_targets(tmp_path, mlp_path):
    with pytest.raises(ValueError, match="it is not a preset"):
        spc.compile(mlp_path, "sparse-3of4")
    with pytest.raises(ValueError, match="unknown target preset"):
        spc.Target.preset("sparse-3of4")
    description = spc.Target.preset("sparse-2of4").to_dict()
    description["scratchpads"]["weight"]["bytes"] = -1
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(description))
    with pytest.raises(ValueError, match="scratchpads.weight.bytes"):
        spc.Target.load(path)


def test_compile_errors_match_spc_compile(tmp_path):
    graph = helper.make_graph(
        [helper.make_node("Det", ["x"], ["y"], name="det0")], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [])])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 17)])
    path = tmp_path / "det.onnx"
    onnx.save(model, str(path))
    with pytest.raises(spc.CompileError) as error:
        spc.compile(path)
    assert "unsupported operator" in str(error.value)
    assert "det0" in str(error.value)
    cli = subprocess.run([tool("spc-compile"), str(path), "-o",
                          str(tmp_path / "det.spab")],
                         capture_output=True, text=True)
    assert cli.returncode == 1
    assert str(error.value) in cli.stderr
    assert not (tmp_path / "det.spab").exists()


def test_malformed_models(mlp):
    with pytest.raises(spc.CompileError, match="not an ONNX model"):
        spc.compile(b"\x00garbage")
    with pytest.raises(TypeError, match="model must be"):
        spc.compile(42)
    with pytest.raises(ValueError, match="sequence of ints"):
        spc.compile(mlp[0], input_shapes={"x": "eight"})


def test_corrupt_binary_names_the_offset(tmp_path, binary_path):
    data = bytearray(binary_path.read_bytes())
    data[4] = 9  # the major format version
    with pytest.raises(ValueError) as error:
        spc.Binary.from_bytes(bytes(data), "corrupt.spab")
    path = tmp_path / "corrupt.spab"
    path.write_bytes(bytes(data))
    cli = subprocess.run([tool("spc-objdump"), str(path)],
                         capture_output=True, text=True)
    assert cli.returncode == 1
    assert str(error.value) in cli.stderr
    assert "corrupt.spab" in str(error.value)


def test_failed_save_leaves_no_file(tmp_path, binary_path):
    binary = spc.Binary.load(binary_path)
    with pytest.raises(OSError):
        binary.save(tmp_path / "no-such-dir" / "a.spab")
    assert not (tmp_path / "no-such-dir").exists()


def test_bad_stats_for_the_html_report():
    with pytest.raises(ValueError, match="stats"):
        spc.html_report({"cycles": 1})
