"""Writes the binary ONNX models that the importer's error tests need into
the directory given as the only argument. Run with Debian's python3 (it has
python3-onnx)."""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def save(model, name, **kwargs):
    onnx.save(model, os.path.join(out, name), **kwargs)


def conv_relu(opset=13, name="conv_relu"):
    w = numpy_helper.from_array(
        np.arange(4 * 3 * 3 * 3, dtype=np.float32).reshape(4, 3, 3, 3) / 100,
        "conv.weight")
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "conv.weight"], ["c"], name="conv1",
                          pads=[1, 1, 1, 1]),
         helper.make_node("Relu", ["c"], ["y"], name="relu1")],
        name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4, 8, 8])],
        [w])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


model = conv_relu()
save(model, "valid.onnx")
data = model.SerializeToString()
with open(os.path.join(out, "truncated.onnx"), "wb") as f:
    f.write(data[: len(data) // 2])
with open(os.path.join(out, "garbage.onnx"), "wb") as f:
    f.write(b"\x00\x01 this is not a model \xff\xfe" * 8)
with open(os.path.join(out, "empty.onnx"), "wb") as f:
    pass

# Weights stored beside the model.
os.makedirs(os.path.join(out, "ext"), exist_ok=True)
onnx.save(conv_relu(), os.path.join(out, "ext", "model.onnx"),
          save_as_external_data=True, all_tensors_to_one_file=True,
          location="weights.bin", size_threshold=0)
ext_missing = conv_relu()
onnx.external_data_helper.convert_model_to_external_data(
    ext_missing, location="missing.bin", size_threshold=0)
save(ext_missing, "ext-missing.onnx")
os.remove(os.path.join(out, "missing.bin"))
ext_escape = conv_relu()
tensor = ext_escape.graph.initializer[0]
tensor.ClearField("raw_data")
tensor.data_location = TensorProto.EXTERNAL
tensor.external_data.add(key="location", value="../../etc/passwd")
save(ext_escape, "ext-escape.onnx")

# Several unsupported operators, reported together.
graph = helper.make_graph(
    [helper.make_node("NonZero", ["x"], ["nz"], name="find_nonzero"),
     helper.make_node("LSTM", ["x", "w", "r"], ["h"], name="encoder_lstm"),
     helper.make_node("Relu", ["x"], ["y"], name="ok"),
     helper.make_node("CustomOp", ["x"], ["z"], name="vendor", domain="com.vendor")],
    "unsupported",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 4]),
     helper.make_tensor_value_info("w", TensorProto.FLOAT, [1, 16, 4]),
     helper.make_tensor_value_info("r", TensorProto.FLOAT, [1, 16, 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 4])])
save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13),
                                             helper.make_opsetid("com.vendor", 1)]),
     "unsupported.onnx")

# An opset beyond what the ONNX library knows.
future = conv_relu()
future.opset_import[0].version = 99
save(future, "future-opset.onnx")

# An old opset, brought to opset 7 by the version converter.
old = conv_relu(opset=6)
save(old, "old-opset.onnx")

# A node reading a value nothing produces.
graph = helper.make_graph(
    [helper.make_node("Add", ["x", "bias"], ["y"], name="add_bias")],
    "missing",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]),
     "missing-input.onnx")

# A type mismatch: float + int64.
graph = helper.make_graph(
    [helper.make_node("Add", ["x", "i"], ["y"], name="mixed_add")],
    "mismatch",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2]),
     helper.make_tensor_value_info("i", TensorProto.INT64, [2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]),
     "type-mismatch.onnx")

# An unsupported data type.
graph = helper.make_graph(
    [helper.make_node("Identity", ["x"], ["y"], name="copy")],
    "complex",
    [helper.make_tensor_value_info("x", TensorProto.COMPLEX64, [2])],
    [helper.make_tensor_value_info("y", TensorProto.COMPLEX64, [2])])
save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]),
     "complex.onnx")

# An initializer whose bytes do not fill its shape.
bad = conv_relu()
bad.graph.initializer[0].raw_data = bad.graph.initializer[0].raw_data[:100]
save(bad, "short-initializer.onnx")

# Found by spc-fuzz-onnx: an opset-1 model whose graph output no node
# produces made the ONNX version converter dereference a null value.
graph = helper.make_graph(
    [helper.make_node("Not", ["x"], ["oot"])],
    "orphan",
    [helper.make_tensor_value_info("x", TensorProto.BOOL, [3, 4, 5])],
    [helper.make_tensor_value_info("not", TensorProto.BOOL, [3, 4, 5])])
orphan = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 1)])
orphan.ir_version = 3
save(orphan, "orphan-output.onnx")

# Found by spc-fuzz-onnx: ONNX 1.12's ConvTranspose shape inference crashes on
# an input of rank 2.
graph = helper.make_graph(
    [helper.make_node("ConvTranspose", ["X", "W"], ["Y"], name="deconv")],
    "flat",
    [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 3]),
     helper.make_tensor_value_info("W", TensorProto.FLOAT, [1, 2, 3])],
    [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 2, 5])])
save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)]),
     "rank2-conv-transpose.onnx")
