//===- Module.cpp - The spc._spc pybind11 module --------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Bindings of Core.h, the package's C++ side. python/spc/__init__.py builds
// the public API on top. NumPy arrays become Core tensors (a copy) while
// the GIL is held; compiling and running release it.
//
//===----------------------------------------------------------------------===//

#include "Core.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>

namespace py = pybind11;
using namespace spc::python;

namespace {
/// spc.CompileError and spc.EmulatorError, created at import.
PyObject *compileError = nullptr;
PyObject *emulatorError = nullptr;
} // namespace

/// Raises the Python exception of a failed Status.
static void check(const Status &status) {
  switch (status.kind) {
  case ErrorKind::None:
    return;
  case ErrorKind::Value:
    throw py::value_error(status.message);
  case ErrorKind::FileNotFound:
    PyErr_SetString(PyExc_FileNotFoundError, status.message.c_str());
    break;
  case ErrorKind::IO:
    PyErr_SetString(PyExc_OSError, status.message.c_str());
    break;
  case ErrorKind::Compile:
    PyErr_SetString(compileError, status.message.c_str());
    break;
  case ErrorKind::Runtime:
    PyErr_SetString(emulatorError, status.message.c_str());
    break;
  }
  throw py::error_already_set();
}

/// A NumPy array as a Core tensor (python/spc makes it C-contiguous).
static Tensor toTensor(const py::array &array) {
  if (!(array.flags() & py::array::c_style))
    throw py::value_error("arrays must be C-contiguous");
  Tensor tensor;
  tensor.descr = py::str(array.dtype().attr("str"));
  for (py::ssize_t i = 0; i < array.ndim(); ++i)
    tensor.shape.push_back(uint64_t(array.shape(i)));
  const auto *data = static_cast<const uint8_t *>(array.data());
  tensor.bytes.assign(data, data + array.nbytes());
  return tensor;
}

static std::map<std::string, Tensor> toTensors(const py::dict &arrays) {
  std::map<std::string, Tensor> tensors;
  for (auto [name, array] : arrays)
    tensors.emplace(py::cast<std::string>(name),
                    toTensor(py::cast<py::array>(array)));
  return tensors;
}

static py::array toArray(const Tensor &tensor) {
  std::vector<py::ssize_t> shape(tensor.shape.begin(), tensor.shape.end());
  py::array array(py::dtype(tensor.descr), shape);
  std::memcpy(array.mutable_data(), tensor.bytes.data(), tensor.bytes.size());
  return array;
}

static py::tuple toPython(const RunResult &result) {
  py::dict outputs;
  for (const auto &[name, tensor] : result.outputs)
    outputs[py::str(name)] = toArray(tensor);
  return py::make_tuple(outputs, result.stats);
}

static py::list toPython(const std::vector<TensorInfo> &tensors) {
  py::list list;
  for (const TensorInfo &tensor : tensors)
    list.append(py::make_tuple(tensor.name, tensor.descr,
                               py::tuple(py::cast(tensor.shape))));
  return list;
}

PYBIND11_MODULE(_spc, m) {
  m.doc() = "SPC's C++ API; use the spc package";
  compileError = PyErr_NewExceptionWithDoc(
      "spc.CompileError", "The model does not compile for the target.",
      PyExc_RuntimeError, nullptr);
  emulatorError = PyErr_NewExceptionWithDoc(
      "spc.EmulatorError", "The program faulted on the emulator.",
      PyExc_RuntimeError, nullptr);
  m.attr("CompileError") = py::handle(compileError);
  m.attr("EmulatorError") = py::handle(emulatorError);

  m.def("presets", &getPresetNames);
  m.def("load_target", [](const std::string &nameOrPath) {
    TargetInfo target;
    check(loadTarget(nameOrPath, target));
    return py::make_tuple(target.name, target.json);
  });
  m.def("render_html_report",
        [](const std::string &stats, const std::string &title) {
          std::string html;
          check(renderHtmlReport(stats, title, html));
          return html;
        });

  py::class_<CompileRequest>(m, "CompileRequest")
      .def(py::init<>())
      .def_readwrite("model_path", &CompileRequest::modelPath)
      .def_property(
          "model_bytes",
          [](const CompileRequest &r) { return py::bytes(r.modelBytes); },
          [](CompileRequest &r, const py::bytes &bytes) {
            r.modelBytes = std::string(bytes);
          })
      .def_readwrite("model_name", &CompileRequest::modelName)
      .def_readwrite("target", &CompileRequest::target)
      .def_readwrite("input_shapes", &CompileRequest::inputShapes)
      .def_readwrite("run_checker", &CompileRequest::runChecker)
      .def_readwrite("prune", &CompileRequest::prune)
      .def_readwrite("permute", &CompileRequest::permute)
      .def_readwrite("overrides", &CompileRequest::overrides)
      .def_readwrite("tasd", &CompileRequest::tasd)
      .def_readwrite("tasd_activations", &CompileRequest::tasdActivations)
      .def_readwrite("tasd_max_error", &CompileRequest::tasdMaxError)
      .def_readwrite("tasd_max_terms", &CompileRequest::tasdMaxTerms)
      .def_readwrite("tasd_min_cosine", &CompileRequest::tasdMinCosine)
      .def_readwrite("tasd_min_top1", &CompileRequest::tasdMinTop1)
      .def_readwrite("tasd_samples", &CompileRequest::tasdSamples)
      .def_readwrite("tasd_refine_steps", &CompileRequest::tasdRefineSteps)
      .def_readwrite("tasd_config_out", &CompileRequest::tasdConfigOut)
      .def_readwrite("report", &CompileRequest::report)
      .def("add_calibration_set", [](CompileRequest &r, const py::dict &set) {
        r.tasdCalibration.push_back(toTensors(set));
      });

  py::class_<Binary, std::shared_ptr<Binary>>(m, "Binary")
      .def_static("from_bytes",
                  [](const py::bytes &bytes, const std::string &name) {
                    std::shared_ptr<Binary> binary;
                    check(Binary::fromBytes(std::string(bytes), name, binary));
                    return binary;
                  })
      .def_static("load",
                  [](const std::string &path) {
                    std::shared_ptr<Binary> binary;
                    Status status;
                    {
                      py::gil_scoped_release release;
                      status = Binary::load(path, binary);
                    }
                    check(status);
                    return binary;
                  })
      .def("save",
           [](const Binary &binary, const std::string &path) {
             Status status;
             {
               py::gil_scoped_release release;
               status = binary.save(path);
             }
             check(status);
           })
      .def("to_bytes",
           [](const Binary &binary) { return py::bytes(binary.toBytes()); })
      .def("disassemble", &Binary::disassemble)
      .def_property_readonly("target_name", &Binary::getTargetName)
      .def_property_readonly(
          "inputs",
          [](const Binary &binary) { return toPython(binary.getInputs()); })
      .def_property_readonly("outputs", [](const Binary &binary) {
        return toPython(binary.getOutputs());
      });

  m.def("compile", [](const CompileRequest &request) {
    CompileResult result;
    Status status;
    {
      py::gil_scoped_release release;
      status = compile(request, result);
    }
    check(status);
    return py::make_tuple(result.binary, result.report, result.log);
  });

  py::class_<Emulator>(m, "Emulator")
      .def(py::init([](const Binary &binary, const std::string &target) {
        std::unique_ptr<Emulator> emulator;
        Status status;
        {
          py::gil_scoped_release release;
          status = Emulator::create(binary, target, emulator);
        }
        check(status);
        return emulator;
      }))
      .def_property_readonly("target_name", &Emulator::getTargetName)
      .def("run",
           [](const Emulator &emulator, const py::dict &arrays) {
             std::map<std::string, Tensor> inputs = toTensors(arrays);
             RunResult result;
             Status status;
             {
               py::gil_scoped_release release;
               status = emulator.run(inputs, result);
             }
             check(status);
             return toPython(result);
           })
      .def("run_batch", [](const Emulator &emulator, const py::list &sets,
                           unsigned threads) {
        std::vector<std::map<std::string, Tensor>> inputs;
        for (py::handle set : sets)
          inputs.push_back(toTensors(py::cast<py::dict>(set)));
        std::vector<RunResult> results;
        Status status;
        {
          py::gil_scoped_release release;
          status = emulator.runBatch(inputs, threads, results);
        }
        check(status);
        py::list list;
        for (const RunResult &result : results)
          list.append(toPython(result));
        return list;
      });
}
