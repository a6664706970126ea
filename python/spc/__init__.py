"""SPC: compile ONNX models for sparse accelerators and run them on the emulator.

    import numpy as np
    import spc

    binary = spc.compile("model.onnx", target="sparse-2of4", prune="nm:2:4")
    emulator = spc.Emulator(binary)
    outputs, stats = emulator.run({"x": np.zeros((1, 64), np.float32)})
    print(stats["cycles"], stats["energy_pj"], binary.report["layers"])

The package is a pybind11 module over SPC's C++ API (the one spc-compile and
spc-run use), so it accepts the same options and raises with the same
messages. Compiling and running release the GIL: threads compile and run in
parallel. docs/Python.md is the reference.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, Optional, Union

import numpy as np

from . import _spc
from ._spc import CompileError, EmulatorError

__version__ = "0.1.0"

__all__ = [
    "Binary",
    "CompileError",
    "Emulator",
    "EmulatorError",
    "Stats",
    "Target",
    "TensorSpec",
    "compile",
    "html_report",
    "targets",
]

PathLike = Union[str, "os.PathLike[str]"]


def targets() -> list[str]:
    """The names of the built-in target presets."""
    return list(_spc.presets())


class Target:
    """A target description: a preset or a target file (docs/Targets.md)."""

    def __init__(self, source: str, name: str, canonical_json: str):
        self._source = source
        self._name = name
        self._json = canonical_json

    @classmethod
    def load(cls, path: PathLike) -> "Target":
        """Loads a target file, or a preset by name.

        Raises FileNotFoundError for a missing file and ValueError for an
        invalid description (the message names the field)."""
        source = os.fspath(path)
        name, canonical = _spc.load_target(source)
        return cls(source, name, canonical)

    @classmethod
    def preset(cls, name: str) -> "Target":
        """A built-in preset (see targets())."""
        if name not in targets():
            raise ValueError(
                f"unknown target preset '{name}' (the presets are "
                f"{', '.join(targets())})")
        return cls.load(name)

    @property
    def name(self) -> str:
        return self._name

    @property
    def source(self) -> str:
        """The preset name or file the target was loaded from."""
        return self._source

    @property
    def json(self) -> str:
        """The canonical JSON (ISA §6.5) embedded in binaries."""
        return self._json

    def to_dict(self) -> dict:
        return json.loads(self._json)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Target) and other._json == self._json

    def __hash__(self) -> int:
        return hash(self._json)

    def __repr__(self) -> str:
        return f"Target({self._name!r}, source={self._source!r})"


class TensorSpec(NamedTuple):
    """A graph input or output of a binary."""
    name: str
    dtype: np.dtype
    shape: tuple


def _specs(tensors) -> list[TensorSpec]:
    return [TensorSpec(name, np.dtype(descr), tuple(shape))
            for name, descr, shape in tensors]


class Binary:
    """A compiled program (the .spab format of docs/ISA.md §6), in memory.

    `report` is the compile report (docs/Compiler.md) of a binary compiled
    with report=True, else None; `log` holds the TASD check's progress and
    the compiler's warnings."""

    def __init__(self, impl, report: Optional[dict] = None, log: str = ""):
        self._impl = impl
        self.report = report
        self.log = log

    @classmethod
    def load(cls, path: PathLike) -> "Binary":
        """Reads and checks a .spab file (FileNotFoundError, or ValueError
        naming the byte offset of what is malformed)."""
        return cls(_spc.Binary.load(os.fspath(path)))

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "<bytes>") -> "Binary":
        return cls(_spc.Binary.from_bytes(bytes(data), name))

    def save(self, path: PathLike) -> None:
        """Writes the binary atomically: a failed write leaves no file."""
        self._impl.save(os.fspath(path))

    def to_bytes(self) -> bytes:
        return self._impl.to_bytes()

    def disassemble(self) -> str:
        """The listing spc-objdump prints."""
        return self._impl.disassemble()

    @property
    def target(self) -> str:
        """The name of the target the binary was compiled for."""
        return self._impl.target_name

    @property
    def inputs(self) -> list[TensorSpec]:
        return _specs(self._impl.inputs)

    @property
    def outputs(self) -> list[TensorSpec]:
        return _specs(self._impl.outputs)

    def __reduce__(self):
        return (_binary_from_state, (self.to_bytes(), self.report, self.log))

    def __repr__(self) -> str:
        inputs = ", ".join(f"{t.name}: {t.dtype}{list(t.shape)}"
                           for t in self.inputs)
        return f"<spc.Binary for {self.target} ({inputs})>"


def _binary_from_state(data: bytes, report, log) -> Binary:
    binary = Binary.from_bytes(data)
    binary.report = report
    binary.log = log
    return binary


class Stats(dict):
    """The statistics of one run, as a dict in spc-run --stats's form
    (docs/Emulator.md): totals (cycles, energy_pj, utilization, dram_bytes,
    ...) and `layers`, one dict per layer."""

    def to_html(self, title: str = "model") -> str:
        """The page spc-run --report-html writes."""
        return html_report(self, title)

    def save_html(self, path: PathLike, title: str = "model") -> None:
        """Writes to_html() atomically."""
        _write_atomically(os.fspath(path), self.to_html(title))


def html_report(stats: Mapping, title: str = "model") -> str:
    """The self-contained HTML page of a run's statistics: a Stats, or a
    dict loaded from a spc-run --stats file."""
    return _spc.render_html_report(json.dumps(dict(stats)), title)


def _write_atomically(path: str, text: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".spc-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _arrays(inputs: Mapping[str, Any], what: str) -> dict:
    if not isinstance(inputs, Mapping):
        raise TypeError(f"{what} must be a dict of name to numpy array, "
                        f"not {type(inputs).__name__}")
    arrays = {}
    for name, value in inputs.items():
        if not isinstance(name, str):
            raise TypeError(f"{what} names must be str, not "
                            f"{type(name).__name__}")
        arrays[name] = np.ascontiguousarray(value)
    return arrays


class Emulator:
    """A binary loaded on the emulator, for any number of runs.

    `target` overrides the binary's own target (a preset, a file or a
    Target); the binary must have been compiled for an equal one."""

    def __init__(self, binary: Union[Binary, PathLike],
                 target: Union[None, str, Target] = None):
        if not isinstance(binary, Binary):
            binary = Binary.load(binary)
        self.binary = binary
        if isinstance(target, Target):
            target = target.source
        self._impl = _spc.Emulator(binary._impl, target or "")

    @property
    def target(self) -> str:
        return self._impl.target_name

    def run(self, inputs: Optional[Mapping[str, Any]] = None,
            **named: Any) -> tuple[dict, Stats]:
        """Runs once on {input name: numpy array} (or keyword arguments).

        Returns ({output name: array}, Stats). A missing, unknown or
        mistyped input raises ValueError with spc-run's message; a fault of
        the program raises EmulatorError."""
        if inputs is None:
            inputs = {}
        if named:
            inputs = {**_arrays(inputs, "inputs"), **named}
        arrays = _arrays(inputs, "inputs")
        outputs, stats = self._impl.run(arrays)
        return outputs, Stats(json.loads(stats))

    def run_batch(self, batch: Sequence[Mapping[str, Any]],
                  threads: int = 0) -> list[tuple[dict, Stats]]:
        """Runs every input set, in parallel on `threads` host threads (0:
        all cores), without reloading the binary. Results are in order."""
        sets = [_arrays(inputs, f"batch[{i}]")
                for i, inputs in enumerate(batch)]
        if threads < 0:
            raise ValueError(f"threads must be >= 0, not {threads}")
        return [(outputs, Stats(json.loads(stats)))
                for outputs, stats in self._impl.run_batch(sets, threads)]

    def __repr__(self) -> str:
        return f"<spc.Emulator of {self.binary!r} on {self.target}>"


class _TemporaryJSON:
    """A dict written to a temporary JSON file, for the options that name
    one (layer overrides, a TASD configuration)."""

    def __init__(self):
        self._paths = []

    def path_for(self, value: Union[None, PathLike, Mapping]) -> str:
        if value is None:
            return ""
        if isinstance(value, Mapping):
            fd, path = tempfile.mkstemp(prefix="spc-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(value, f)
            self._paths.append(path)
            return path
        return os.fspath(value)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for path in self._paths:
            os.unlink(path)


def _shape_spec(name: str, dims: Sequence[int]) -> str:
    try:
        dims = [int(d) for d in dims]
    except (TypeError, ValueError):
        raise ValueError(f"input_shapes['{name}'] must be a sequence of "
                         f"ints, not {dims!r}") from None
    return f"{name}={','.join(str(d) for d in dims)}"


def compile(model: Union[PathLike, bytes, Any],
            target: Union[str, Target] = "dense-systolic", *,
            input_shapes: Optional[Mapping[str, Sequence[int]]] = None,
            prune: Optional[str] = None,
            permute: str = "auto",
            layer_overrides: Union[None, PathLike, Mapping] = None,
            tasd: Union[None, str, PathLike, Mapping] = None,
            tasd_activations: Union[None, bool, str] = None,
            tasd_max_error: float = 0.25,
            tasd_max_terms: int = 2,
            tasd_min_cosine: float = 0.99,
            tasd_min_top1: float = 1.0,
            tasd_calibration: Optional[Sequence[Mapping[str, Any]]] = None,
            tasd_samples: int = 2,
            tasd_refine_steps: int = 8,
            tasd_config_out: Optional[PathLike] = None,
            onnx_checker: bool = True,
            report: bool = True) -> Binary:
    """Compiles an ONNX model for a target, as spc-compile does.

    model: a path, the model's protobuf bytes, or an onnx.ModelProto.
    target: a preset name, a target file or a Target.
    input_shapes: {input name: dims} for the graph's dynamic dimensions.
    prune: "nm:N:M" or "unstructured:S" (lossy); None keeps the weights.
    permute: channel permutation for N:M pruning: "auto", "none", "nm:N:M".
    layer_overrides: per-layer settings, a file or the dict it would hold.
    tasd: None, "search", or a saved configuration (a file or its dict);
        the tasd_* arguments are spc-compile's --tasd-* options, with
        tasd_activations=True for "auto" and tasd_calibration a list of
        {input name: array} sets.
    report: keep the compile report as Binary.report.

    Raises FileNotFoundError for a missing model or target file, ValueError
    for a bad argument or target, and CompileError, with spc-compile's
    diagnostics, when the model does not compile."""
    request = _spc.CompileRequest()
    if isinstance(model, (str, os.PathLike)):
        request.model_path = os.fspath(model)
    elif isinstance(model, (bytes, bytearray, memoryview)):
        request.model_bytes = bytes(model)
    elif hasattr(model, "SerializeToString"):
        request.model_bytes = model.SerializeToString()
        if model.graph.name:
            request.model_name = model.graph.name
    else:
        raise TypeError("model must be a path, bytes or an onnx.ModelProto, "
                        f"not {type(model).__name__}")
    request.target = target.source if isinstance(target, Target) else \
        os.fspath(target)
    request.input_shapes = [_shape_spec(name, dims)
                            for name, dims in (input_shapes or {}).items()]
    request.run_checker = bool(onnx_checker)
    request.prune = prune or "none"
    request.permute = permute
    request.report = bool(report)
    if tasd_activations is True:
        tasd_activations = "auto"
    request.tasd_activations = tasd_activations or "none"
    request.tasd_max_error = float(tasd_max_error)
    request.tasd_max_terms = int(tasd_max_terms)
    request.tasd_min_cosine = float(tasd_min_cosine)
    request.tasd_min_top1 = float(tasd_min_top1)
    request.tasd_samples = int(tasd_samples)
    request.tasd_refine_steps = int(tasd_refine_steps)
    request.tasd_config_out = os.fspath(tasd_config_out or "")
    for i, inputs in enumerate(tasd_calibration or []):
        request.add_calibration_set(
            _arrays(inputs, f"tasd_calibration[{i}]"))
    with _TemporaryJSON() as files:
        request.overrides = files.path_for(layer_overrides)
        request.tasd = files.path_for(tasd) or "none"
        impl, report_text, log = _spc.compile(request)
    return Binary(impl, json.loads(report_text) if report_text else None, log)
