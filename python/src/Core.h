//===- Core.h - The C++ side of the spc Python package ----------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// What the pybind11 module (Module.cpp) calls. The module is compiled with
// RTTI and exceptions, as pybind11 needs, while LLVM, MLIR and SPC's
// libraries are compiled without them; this header therefore uses the
// standard library only, and Core.cpp, compiled like the rest of SPC, holds
// every LLVM and MLIR call. Errors come back as a Status whose message is
// the one the command-line tools print.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_PYTHON_CORE_H
#define SPC_PYTHON_CORE_H

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace spc::python {

/// The Python exception a failure becomes.
enum class ErrorKind {
  None,
  /// ValueError: a bad argument, input tensor, target or file content.
  Value,
  /// FileNotFoundError.
  FileNotFound,
  /// spc.CompileError: the model does not compile (diagnostics).
  Compile,
  /// spc.EmulatorError: a run-time fault of the program.
  Runtime,
  /// OSError: a file that exists cannot be read or written.
  IO,
};

struct Status {
  ErrorKind kind = ErrorKind::None;
  std::string message;

  bool ok() const { return kind == ErrorKind::None; }
  static Status error(ErrorKind kind, std::string message) {
    return {kind, std::move(message)};
  }
};

/// A dense row-major tensor; `descr` is its NumPy dtype string ('<f4',
/// '|i1', '<i4').
struct Tensor {
  std::string descr;
  std::vector<uint64_t> shape;
  std::vector<uint8_t> bytes;
};

/// A graph input or output of a binary.
struct TensorInfo {
  std::string name;
  std::string descr;
  std::vector<uint64_t> shape;
};

std::vector<std::string> getPresetNames();

/// A parsed target: its name and canonical JSON (ISA §6.5).
struct TargetInfo {
  std::string name;
  std::string json;
};
/// Loads a preset by name or a target file by path.
Status loadTarget(const std::string &nameOrPath, TargetInfo &target);

/// spc-compile's options (spc/Compiler/Compile.h).
struct CompileRequest {
  /// The model: a file, or the protobuf bytes named `modelName`.
  std::string modelPath;
  std::string modelBytes;
  std::string modelName = "<model>";
  std::string target = "dense-systolic";
  std::vector<std::string> inputShapes;
  bool runChecker = true;
  std::string prune = "none";
  std::string permute = "auto";
  std::string overrides;
  std::string tasd = "none";
  std::string tasdActivations = "none";
  double tasdMaxError = 0.25;
  unsigned tasdMaxTerms = 2;
  double tasdMinCosine = 0.99;
  double tasdMinTop1 = 1.0;
  unsigned tasdSamples = 2;
  unsigned tasdRefineSteps = 8;
  std::vector<std::map<std::string, Tensor>> tasdCalibration;
  std::string tasdConfigOut;
  bool report = true;
};

/// A compiled program, held in memory.
class Binary {
public:
  ~Binary();
  /// Parses and checks a container (ISA §7).
  static Status fromBytes(const std::string &bytes, const std::string &name,
                          std::shared_ptr<Binary> &binary);
  static Status load(const std::string &path, std::shared_ptr<Binary> &binary);
  /// Writes the binary atomically.
  Status save(const std::string &path) const;
  std::string toBytes() const;
  /// The spc-objdump listing.
  std::string disassemble() const;
  /// The embedded target's name.
  std::string getTargetName() const;
  std::vector<TensorInfo> getInputs() const;
  std::vector<TensorInfo> getOutputs() const;

  /// The program (Core.cpp's side).
  struct Impl;
  explicit Binary(std::unique_ptr<Impl> impl);
  const Impl &getImpl() const { return *impl; }

private:
  std::unique_ptr<Impl> impl;
};

struct CompileResult {
  std::shared_ptr<Binary> binary;
  /// The compile report as JSON text (empty without `report`).
  std::string report;
  /// The TASD check's progress lines and the compiler's warnings and
  /// remarks.
  std::string log;
};
/// Compiles like spc-compile; thread-safe (each call has its own context).
Status compile(const CompileRequest &request, CompileResult &result);

/// The outputs and statistics (toJSON's form, as JSON text) of one run.
struct RunResult {
  std::vector<std::pair<std::string, Tensor>> outputs;
  std::string stats;
};

/// A binary loaded on the emulator for a target (default: its own).
class Emulator {
public:
  ~Emulator();
  static Status create(const Binary &binary, const std::string &target,
                       std::unique_ptr<Emulator> &emulator);
  /// Runs once; thread-safe.
  Status run(const std::map<std::string, Tensor> &inputs,
             RunResult &result) const;
  /// Runs every input set, in parallel on `threads` host threads (0: all);
  /// `results` are in input order. Fails with the first failing set's
  /// error, prefixed by its index.
  Status runBatch(const std::vector<std::map<std::string, Tensor>> &inputs,
                  unsigned threads, std::vector<RunResult> &results) const;
  std::string getTargetName() const;

private:
  struct Impl;
  explicit Emulator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
};

/// spc-run --report-html's page for run statistics in toJSON's form.
Status renderHtmlReport(const std::string &statsJson, const std::string &title,
                        std::string &html);

} // namespace spc::python

#endif // SPC_PYTHON_CORE_H
