"""Fixtures of the spc package's tests: small ONNX models with numpy
references, and the command-line tools to compare against.

Run with `%spc_python -m pytest` (lit), or by hand:
PYTHONPATH=build/python SPC_TOOLS_DIR=build/bin /usr/bin/python3 -m pytest test/Python
"""

import os
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

ROOT = Path(__file__).resolve().parents[2]
TOOLS = Path(os.environ.get("SPC_TOOLS_DIR", ROOT / "build" / "bin"))


def _mlp(batch=8, k=64, hidden=128, classes=10, seed=0):
    """x[batch,k] -> MatMul fc1 -> Add -> Relu -> MatMul fc2: the model and
    its numpy reference."""
    rng = np.random.default_rng(seed)
    w1 = (rng.standard_normal((k, hidden)) / 8).astype(np.float32)
    b1 = (rng.standard_normal(hidden) / 8).astype(np.float32)
    w2 = (rng.standard_normal((hidden, classes)) / 8).astype(np.float32)
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["h0"], name="fc1"),
        helper.make_node("Add", ["h0", "b1"], ["h1"], name="bias1"),
        helper.make_node("Relu", ["h1"], ["h"], name="relu1"),
        helper.make_node("MatMul", ["h", "w2"], ["y"], name="fc2"),
    ]
    graph = helper.make_graph(
        nodes, "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                       [batch, classes])],
        [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(b1, "b1"),
         numpy_helper.from_array(w2, "w2")])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8

    def reference(x):
        return np.maximum(x @ w1 + b1, 0) @ w2

    return model, reference


@pytest.fixture(scope="session")
def mlp():
    """(onnx.ModelProto, numpy reference of y given x)."""
    return _mlp()


@pytest.fixture(scope="session")
def mlp_path(mlp, tmp_path_factory):
    path = tmp_path_factory.mktemp("models") / "mlp.onnx"
    onnx.save(mlp[0], str(path))
    return path


@pytest.fixture(scope="session")
def dynamic_mlp_path(tmp_path_factory):
    """The MLP with a dynamic batch dimension."""
    model, _ = _mlp()
    for value in (model.graph.input[0], model.graph.output[0]):
        value.type.tensor_type.shape.dim[0].dim_param = "batch"
    path = tmp_path_factory.mktemp("models") / "dynamic_mlp.onnx"
    onnx.save(model, str(path))
    return path


@pytest.fixture
def rng():
    return np.random.default_rng(1)


def tool(name):
    path = TOOLS / name
    if not path.exists():
        pytest.fail(f"{path} is not built (set SPC_TOOLS_DIR)")
    return str(path)
