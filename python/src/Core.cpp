//===- Core.cpp - The C++ side of the spc Python package ------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "Core.h"

#include "spc/Compiler/Compile.h"
#include "spc/Emulator/Emulator.h"
#include "spc/Emulator/HtmlReport.h"
#include "spc/Emulator/Npy.h"
#include "spc/InitAllDialects.h"
#include "spc/Target/Binary.h"
#include "spc/Target/SptBinary.h"
#include "spc/Target/TargetDescription.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/raw_ostream.h"

using namespace spc;
using namespace spc::python;
using llvm::Error;
using llvm::Expected;

/// `message` with one trailing newline removed.
static std::string trimmed(std::string message) {
  while (!message.empty() && message.back() == '\n')
    message.pop_back();
  return message;
}

static Status fail(ErrorKind kind, Error error) {
  return Status::error(kind, trimmed(llvm::toString(std::move(error))));
}

/// The error of a file `path` that could not be opened: FileNotFoundError
/// when it does not exist, OSError otherwise.
static Status failOpen(const std::string &path, std::string message) {
  return Status::error(llvm::sys::fs::exists(path) ? ErrorKind::IO
                                                   : ErrorKind::FileNotFound,
                       std::move(message));
}

static Expected<emu::HostTensor> toHost(const Tensor &tensor,
                                        llvm::StringRef what) {
  Expected<isa::DType> dtype = emu::parseNpyDescr(tensor.descr);
  if (!dtype)
    return llvm::createStringError(what + ": " +
                                   llvm::toString(dtype.takeError()));
  emu::HostTensor host;
  host.dtype = *dtype;
  host.shape = tensor.shape;
  host.bytes = tensor.bytes;
  return host;
}

static Expected<std::map<std::string, emu::HostTensor>>
toHost(const std::map<std::string, Tensor> &tensors, llvm::StringRef kind) {
  std::map<std::string, emu::HostTensor> host;
  for (const auto &[name, tensor] : tensors) {
    Expected<emu::HostTensor> converted =
        toHost(tensor, (kind + " '" + name + "'").str());
    if (!converted)
      return converted.takeError();
    host.emplace(name, std::move(*converted));
  }
  return host;
}

static Tensor fromHost(emu::HostTensor &&host) {
  return {emu::getNpyDescr(host.dtype).str(), std::move(host.shape),
          std::move(host.bytes)};
}

//===----------------------------------------------------------------------===//
// Targets
//===----------------------------------------------------------------------===//

std::vector<std::string> python::getPresetNames() {
  std::vector<std::string> names;
  for (llvm::StringRef name : target::getPresetNames())
    names.push_back(name.str());
  return names;
}

Status python::loadTarget(const std::string &nameOrPath, TargetInfo &info) {
  Expected<target::TargetDescription> target = target::loadTarget(nameOrPath);
  if (!target) {
    // A name that is neither a preset nor an existing file: a typo in a
    // preset name is a ValueError, a missing .json file FileNotFoundError.
    bool looksLikePath = llvm::StringRef(nameOrPath).contains('/') ||
                         llvm::StringRef(nameOrPath).ends_with(".json");
    ErrorKind kind = looksLikePath && !llvm::sys::fs::exists(nameOrPath)
                         ? ErrorKind::FileNotFound
                         : ErrorKind::Value;
    return fail(kind, target.takeError());
  }
  info.name = target->name;
  info.json = target->toCanonicalJSON();
  return {};
}

//===----------------------------------------------------------------------===//
// Binary
//===----------------------------------------------------------------------===//

struct Binary::Impl {
  binary::Program program;
};

Binary::Binary(std::unique_ptr<Impl> impl) : impl(std::move(impl)) {}
Binary::~Binary() = default;

static std::shared_ptr<Binary> makeBinary(binary::Program &&program) {
  auto impl = std::make_unique<Binary::Impl>();
  impl->program = std::move(program);
  return std::make_shared<Binary>(std::move(impl));
}

Status Binary::fromBytes(const std::string &bytes, const std::string &name,
                         std::shared_ptr<Binary> &binary) {
  Expected<binary::Program> program = binary::readBinary(
      llvm::ArrayRef(reinterpret_cast<const uint8_t *>(bytes.data()),
                     bytes.size()),
      name);
  if (!program)
    return fail(ErrorKind::Value, program.takeError());
  binary = makeBinary(std::move(*program));
  return {};
}

Status Binary::load(const std::string &path, std::shared_ptr<Binary> &binary) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return failOpen(path, "cannot open '" + path +
                              "': " + buffer.getError().message());
  return fromBytes((*buffer)->getBuffer().str(), path, binary);
}

Status Binary::save(const std::string &path) const {
  if (Error error = binary::writeBinaryFile(impl->program, path))
    return fail(ErrorKind::IO, std::move(error));
  return {};
}

std::string Binary::toBytes() const {
  std::vector<uint8_t> bytes = binary::writeBinary(impl->program);
  return std::string(bytes.begin(), bytes.end());
}

std::string Binary::disassemble() const {
  std::string listing;
  llvm::raw_string_ostream os(listing);
  binary::printListing(impl->program, os);
  return listing;
}

std::string Binary::getTargetName() const {
  Expected<target::TargetDescription> target =
      binary::getEmbeddedTarget(impl->program);
  if (!target) {
    llvm::consumeError(target.takeError());
    return {};
  }
  return target->name;
}

static std::vector<TensorInfo> getTensors(const binary::Program &program,
                                          binary::Tensor::Kind kind) {
  std::vector<TensorInfo> tensors;
  for (const binary::Tensor &tensor : program.tensors)
    if (tensor.kind == kind)
      tensors.push_back(
          {tensor.name, emu::getNpyDescr(tensor.dtype).str(), tensor.shape});
  return tensors;
}

std::vector<TensorInfo> Binary::getInputs() const {
  return getTensors(impl->program, binary::Tensor::Kind::Input);
}

std::vector<TensorInfo> Binary::getOutputs() const {
  return getTensors(impl->program, binary::Tensor::Kind::Output);
}

//===----------------------------------------------------------------------===//
// Compile
//===----------------------------------------------------------------------===//

/// One thread pool for every context the package creates, so that
/// concurrent compiles do not each start a thread per core.
static llvm::ThreadPoolInterface &getThreadPool() {
  static llvm::DefaultThreadPool pool;
  return pool;
}

/// A temporary file removed when this goes out of scope.
struct TemporaryFile {
  llvm::SmallString<128> path;
  llvm::FileRemover remover;

  Status create(llvm::StringRef prefix, llvm::StringRef suffix) {
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile(prefix, suffix, path))
      return Status::error(ErrorKind::IO,
                           "cannot create a temporary file: " + ec.message());
    remover.setFile(path);
    return {};
  }
};

static Status compileWith(const CompileRequest &request,
                          CompileOptions &options, CompileResult &result) {
  std::unique_ptr<llvm::MemoryBuffer> model;
  if (!request.modelPath.empty()) {
    auto buffer = llvm::MemoryBuffer::getFile(request.modelPath);
    if (!buffer)
      return failOpen(request.modelPath,
                      "cannot open input file '" + request.modelPath +
                          "': " + buffer.getError().message());
    model = std::move(*buffer);
  } else {
    model =
        llvm::MemoryBuffer::getMemBuffer(request.modelBytes, request.modelName,
                                         /*RequiresNullTerminator=*/false);
  }

  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  mlir::MLIRContext context(registry, mlir::MLIRContext::Threading::DISABLED);
  context.setThreadPool(getThreadPool());
  context.loadAllAvailableDialects();
  // As in spc-compile: errors name the ONNX node, not the op's generic form.
  context.printOpOnDiagnostic(false);
  // Diagnostics are printed as spc-compile prints them; errors (with their
  // notes) make the exception's message, the others go to the log.
  std::string errors, others;
  llvm::raw_string_ostream errorStream(errors), otherStream(others);
  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler errorPrinter(sourceMgr, &context,
                                                errorStream);
  mlir::SourceMgrDiagnosticHandler otherPrinter(sourceMgr, &context,
                                                otherStream);
  mlir::ScopedDiagnosticHandler handler(
      &context, [&](mlir::Diagnostic &diagnostic) {
        mlir::SourceMgrDiagnosticHandler &printer =
            diagnostic.getSeverity() == mlir::DiagnosticSeverity::Error
                ? errorPrinter
                : otherPrinter;
        printer.emitDiagnostic(diagnostic.getLocation(), diagnostic.str(),
                               diagnostic.getSeverity());
        for (mlir::Diagnostic &note : diagnostic.getNotes())
          printer.emitDiagnostic(note.getLocation(), note.str(),
                                 note.getSeverity());
        return mlir::success();
      });

  llvm::raw_string_ostream log(result.log);
  mlir::TimingScope timing;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      compileModel(model->getMemBufferRef(), context, options, log, timing);
  mlir::FailureOr<binary::Program> program = mlir::failure();
  if (module)
    program = exportProgram(*module->getOps<spt::ProgramOp>().begin());
  result.log += others;
  if (failed(program))
    return Status::error(ErrorKind::Compile, trimmed(errors));
  result.binary = makeBinary(std::move(*program));
  return {};
}

Status python::compile(const CompileRequest &request, CompileResult &result) {
  TargetInfo target;
  if (Status status = loadTarget(request.target, target); !status.ok())
    return status;

  CompileOptions options;
  options.target = request.target;
  options.inputShapes = request.inputShapes;
  options.runChecker = request.runChecker;
  options.prune = request.prune;
  options.permute = request.permute;
  options.overrides = request.overrides;
  options.tasd = request.tasd;
  options.tasdActivations = request.tasdActivations;
  options.tasdMaxError = request.tasdMaxError;
  options.tasdMaxTerms = request.tasdMaxTerms;
  options.tasdConfigOut = request.tasdConfigOut;
  options.calibration.minCosine = request.tasdMinCosine;
  options.calibration.minTop1 = request.tasdMinTop1;
  options.calibration.samples = request.tasdSamples;
  options.calibration.refineSteps = request.tasdRefineSteps;
  for (const std::map<std::string, Tensor> &set : request.tasdCalibration) {
    Expected<std::map<std::string, emu::HostTensor>> inputs =
        toHost(set, "calibration input");
    if (!inputs)
      return fail(ErrorKind::Value, inputs.takeError());
    options.calibration.inputs.push_back(std::move(*inputs));
  }

  TemporaryFile report;
  if (request.report) {
    if (Status status = report.create("spc-report", "json"); !status.ok())
      return status;
    options.reportFile = report.path.str().str();
  }
  if (Status status = compileWith(request, options, result); !status.ok())
    return status;
  if (request.report) {
    auto buffer = llvm::MemoryBuffer::getFile(report.path);
    if (!buffer)
      return Status::error(ErrorKind::IO,
                           "cannot read back the compile report: " +
                               buffer.getError().message());
    result.report = (*buffer)->getBuffer().str();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// Emulator
//===----------------------------------------------------------------------===//

struct Emulator::Impl {
  std::unique_ptr<emu::Emulator> emulator;
};

Emulator::Emulator(std::unique_ptr<Impl> impl) : impl(std::move(impl)) {}
Emulator::~Emulator() = default;

Status Emulator::create(const Binary &binary, const std::string &targetName,
                        std::unique_ptr<Emulator> &emulator) {
  const binary::Program &program = binary.getImpl().program;
  Expected<target::TargetDescription> target =
      targetName.empty() ? binary::getEmbeddedTarget(program)
                         : target::loadTarget(targetName);
  if (!target)
    return fail(ErrorKind::Value, target.takeError());
  Expected<std::unique_ptr<emu::Emulator>> created =
      emu::Emulator::create(program, std::move(*target));
  if (!created)
    return fail(ErrorKind::Value, created.takeError());
  auto impl = std::make_unique<Impl>();
  impl->emulator = std::move(*created);
  emulator.reset(new Emulator(std::move(impl)));
  return {};
}

Status Emulator::run(const std::map<std::string, Tensor> &inputs,
                     RunResult &result) const {
  // An unknown name is reported before its dtype, as spc-run does.
  for (const auto &entry : inputs) {
    if (!llvm::any_of(impl->emulator->getInputs(),
                      [&](const binary::Tensor *input) {
                        return input->name == entry.first;
                      }))
      return fail(ErrorKind::Value, impl->emulator->checkInputs(
                                        {{entry.first, emu::HostTensor()}}));
  }
  Expected<std::map<std::string, emu::HostTensor>> host =
      toHost(inputs, "input");
  if (!host)
    return fail(ErrorKind::Value, host.takeError());
  if (Error error = impl->emulator->checkInputs(*host))
    return fail(ErrorKind::Value, std::move(error));
  Expected<emu::RunResult> run = impl->emulator->run(*host);
  if (!run)
    return fail(ErrorKind::Runtime, run.takeError());
  result.outputs.clear();
  for (auto &[name, tensor] : run->outputs)
    result.outputs.emplace_back(name, fromHost(std::move(tensor)));
  llvm::raw_string_ostream os(result.stats);
  os << emu::toJSON(run->stats);
  return {};
}

Status
Emulator::runBatch(const std::vector<std::map<std::string, Tensor>> &inputs,
                   unsigned threads, std::vector<RunResult> &results) const {
  results.assign(inputs.size(), RunResult());
  std::vector<Status> statuses(inputs.size());
  llvm::DefaultThreadPool pool(llvm::hardware_concurrency(threads));
  for (size_t i = 0; i < inputs.size(); ++i)
    pool.async([&, i] { statuses[i] = run(inputs[i], results[i]); });
  pool.wait();
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!statuses[i].ok())
      return Status::error(statuses[i].kind, "input set " + std::to_string(i) +
                                                 ": " + statuses[i].message);
  return {};
}

std::string Emulator::getTargetName() const {
  return impl->emulator->getTarget().name;
}

Status python::renderHtmlReport(const std::string &statsJson,
                                const std::string &title, std::string &html) {
  Expected<llvm::json::Value> json = llvm::json::parse(statsJson);
  if (!json)
    return fail(ErrorKind::Value, json.takeError());
  emu::Stats stats;
  llvm::json::Path::Root root("stats");
  if (!fromJSON(*json, stats, root))
    return fail(ErrorKind::Value, root.getError());
  llvm::raw_string_ostream os(html);
  emu::writeHtmlReport(stats, title, os);
  return {};
}
