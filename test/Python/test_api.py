# RUN: %spc_python -m pytest -q -p no:cacheprovider %s
"""The spc package against the command-line tools and numpy references."""

import json
import pickle
import subprocess

import numpy as np
import pytest

import spc
from conftest import tool


def test_targets_lists_the_presets():
    assert spc.targets() == ["dense-systolic", "sparse-2of4", "flexible-nm",
                             "relaxed-nm", "high-sparsity"]
    for name in spc.targets():
        target = spc.Target.preset(name)
        assert target.name == name
        assert target.to_dict()["name"] == name


def test_target_file(tmp_path, mlp_path):
    description = spc.Target.preset("sparse-2of4").to_dict()
    description["name"] = "my-2of4"
    description["clock_mhz"] = 500.0
    path = tmp_path / "my-2of4.json"
    path.write_text(json.dumps(description))
    target = spc.Target.load(path)
    assert target.name == "my-2of4" and target.source == str(path)
    assert target.to_dict()["clock_mhz"] == 500.0
    binary = spc.compile(mlp_path, target)
    assert binary.target == "my-2of4"
    _, stats = spc.Emulator(binary).run(x=np.zeros((8, 64), np.float32))
    assert stats["target"] == "my-2of4" and stats["clock_mhz"] == 500.0


def test_model_forms_compile_alike(mlp, mlp_path):
    from_path = spc.compile(mlp_path, "sparse-2of4")
    from_bytes = spc.compile(mlp[0].SerializeToString(), "sparse-2of4")
    from_proto = spc.compile(mlp[0], "sparse-2of4")
    assert from_path.to_bytes() == from_bytes.to_bytes() == \
        from_proto.to_bytes()


def test_compile_matches_spc_compile(tmp_path, mlp_path):
    options = dict(prune="nm:2:4", permute="none")
    binary = spc.compile(mlp_path, "sparse-2of4", **options)
    out, report = tmp_path / "mlp.spab", tmp_path / "report.json"
    subprocess.run([tool("spc-compile"), str(mlp_path), "--target=sparse-2of4",
                    "--prune=nm:2:4", "--permute-channels=none", "-o",
                    str(out), f"--report={report}"], check=True,
                   capture_output=True)
    assert binary.to_bytes() == out.read_bytes()
    assert binary.report == json.loads(report.read_text())
    assert "pruning is lossy" in binary.log
    assert [layer["name"] for layer in binary.report["layers"]][:1] == ["fc1"]


def test_run_matches_reference_and_spc_run(tmp_path, mlp, mlp_path, rng):
    binary = spc.compile(mlp_path, "flexible-nm")
    assert binary.inputs == [spc.TensorSpec("x", np.dtype("float32"), (8, 64))]
    assert binary.outputs == [spc.TensorSpec("y", np.dtype("float32"),
                                             (8, 10))]
    x = rng.standard_normal((8, 64)).astype(np.float32)
    outputs, stats = spc.Emulator(binary).run({"x": x})
    assert list(outputs) == ["y"] and outputs["y"].dtype == np.float32
    np.testing.assert_allclose(outputs["y"], mlp[1](x), rtol=1e-4, atol=1e-5)

    binary.save(tmp_path / "mlp.spab")
    np.save(tmp_path / "x.npy", x)
    subprocess.run([tool("spc-run"), str(tmp_path / "mlp.spab"),
                    f"--input=x={tmp_path / 'x.npy'}",
                    f"--output-dir={tmp_path / 'out'}",
                    f"--stats={tmp_path / 'stats.json'}",
                    f"--report-html={tmp_path / 'page.html'}"],
                   check=True, capture_output=True)
    assert np.array_equal(np.load(tmp_path / "out" / "y.npy"), outputs["y"])
    assert stats == json.loads((tmp_path / "stats.json").read_text())
    assert stats.to_html("mlp.spab") == (tmp_path / "page.html").read_text()


def test_stats_per_layer_and_total(mlp_path):
    binary = spc.compile(mlp_path, "sparse-2of4", prune="nm:2:4")
    _, stats = spc.Emulator(binary).run(x=np.ones((8, 64), np.float32))
    assert isinstance(stats, dict)
    layers = {layer["name"]: layer for layer in stats["layers"]}
    assert {"fc1", "fc2"} <= set(layers)
    assert layers["fc1"]["format"].startswith("GEMM.NM 2:4")
    assert layers["fc1"]["density"] == pytest.approx(0.5)
    assert stats["cycles"] >= max(layer["end"] for layer in stats["layers"])
    assert stats["macs"] == sum(layer["macs"] for layer in stats["layers"])
    assert stats["energy_pj"] > 0 and 0 < stats["utilization"] <= 1


def test_binary_round_trips(tmp_path, mlp_path):
    binary = spc.compile(mlp_path, "sparse-2of4")
    binary.save(tmp_path / "a.spab")
    loaded = spc.Binary.load(tmp_path / "a.spab")
    assert loaded.to_bytes() == binary.to_bytes()
    assert loaded.report is None
    assert spc.Binary.from_bytes(binary.to_bytes()).to_bytes() == \
        binary.to_bytes()
    restored = pickle.loads(pickle.dumps(binary))
    assert restored.to_bytes() == binary.to_bytes()
    assert restored.report == binary.report
    listing = subprocess.run([tool("spc-objdump"), str(tmp_path / "a.spab")],
                             check=True, capture_output=True, text=True)
    assert binary.disassemble() == listing.stdout


def test_batches_reuse_the_binary(mlp, mlp_path, rng):
    emulator = spc.Emulator(spc.compile(mlp_path, "dense-systolic"))
    batch = [{"x": rng.standard_normal((8, 64)).astype(np.float32)}
             for _ in range(5)]
    results = emulator.run_batch(batch, threads=2)
    assert len(results) == 5
    for inputs, (outputs, stats) in zip(batch, results):
        single, single_stats = emulator.run(inputs)
        assert np.array_equal(outputs["y"], single["y"])
        assert stats == single_stats
        np.testing.assert_allclose(outputs["y"], mlp[1](inputs["x"]),
                                   rtol=1e-4, atol=1e-5)


def test_input_shapes_fix_dynamic_dimensions(dynamic_mlp_path):
    binary = spc.compile(dynamic_mlp_path, input_shapes={"x": (3, 64)})
    assert binary.inputs[0].shape == (3, 64)
    outputs, _ = spc.Emulator(binary).run(x=np.ones((3, 64), np.float32))
    assert outputs["y"].shape == (3, 10)


def test_layer_overrides_as_a_dict(mlp_path):
    binary = spc.compile(mlp_path, "flexible-nm",
                         layer_overrides={"fc2": {"prune": "nm:1:4"}})
    layers = {layer["name"]: layer for layer in binary.report["layers"]}
    assert layers["fc2"]["format"] != layers["fc1"]["format"]
    _, stats = spc.Emulator(binary).run(x=np.ones((8, 64), np.float32))
    density = {layer["name"]: layer["density"] for layer in stats["layers"]}
    assert density["fc2"] == pytest.approx(0.25)


def test_tasd_search_reports_and_saves(tmp_path, mlp_path, rng):
    config = tmp_path / "tasd.json"
    calibration = [{"x": rng.standard_normal((8, 64)).astype(np.float32)}]
    binary = spc.compile(mlp_path, "flexible-nm", tasd="search",
                         tasd_activations=True, tasd_min_cosine=0.9,
                         tasd_calibration=calibration, tasd_config_out=config)
    tasd = binary.report["tasd"]
    assert tasd["calibration_cosine"] >= 0.9
    assert tasd["emulated"]["edp"] <= tasd["reference"]["edp"]
    assert "tasd:" in binary.log
    saved = json.loads(config.read_text())
    again = spc.compile(mlp_path, "flexible-nm", tasd=saved,
                        tasd_min_cosine=0.9, tasd_calibration=calibration)
    assert again.to_bytes() == binary.to_bytes()
