//===- spc-run.cpp - Run an SPC binary on the emulator ----------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
//   spc-run model.spab --input=NAME=FILE.npy ... --output-dir=DIR
//           [--stats=FILE.json] [--trace=FILE] [--target=NAME|FILE.json]
//
// Writes one .npy per output into DIR plus DIR/outputs.json mapping each
// ONNX output name to its file. DIR is built in a temporary directory next to
// it and renamed into place at the end, so a failed run leaves no partial
// directory (and an existing DIR untouched).
//
//===----------------------------------------------------------------------===//

#include "spc/Emulator/Emulator.h"
#include "spc/Emulator/HtmlReport.h"
#include "spc/Emulator/Npy.h"
#include "spc/Target/Binary.h"
#include "spc/Target/TargetDescription.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Parallel.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <map>

using namespace llvm;
using namespace spc;

static cl::OptionCategory category("spc-run options");
static cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                                      cl::desc("<model.spab>"),
                                      cl::cat(category));
static cl::list<std::string>
    inputArgs("input", cl::desc("An input tensor: NAME=FILE.npy"),
              cl::value_desc("NAME=FILE.npy"), cl::cat(category));
static cl::opt<std::string> outputDir("output-dir", cl::Required,
                                      cl::desc("Directory for the outputs"),
                                      cl::value_desc("DIR"),
                                      cl::cat(category));
// `--stats` is taken by LLVM's own -stats flag (libLLVM registers it), so
// main() extracts `--stats=FILE` / `--stats FILE` before cl parses argv.
static std::string statsPath;
static cl::opt<std::string>
    tracePath("trace", cl::desc("Write one line per executed instruction"),
              cl::value_desc("FILE"), cl::cat(category));
static cl::opt<std::string> reportHtmlPath(
    "report-html",
    cl::desc("Write a self-contained HTML page of the run's statistics: "
             "per-layer charts of cycles, energy, utilisation and weight "
             "bytes, and a sortable layer table"),
    cl::value_desc("FILE.html"), cl::cat(category));
static cl::opt<std::string> targetName(
    "target",
    cl::desc("Target preset or file (default: the one in the binary)"),
    cl::value_desc("NAME|FILE.json"), cl::cat(category));
static cl::opt<unsigned>
    threads("host-threads", cl::desc("Host threads for large tiles (0: all)"),
            cl::init(0), cl::cat(category));

static cl::opt<unsigned> timeRuns(
    "time-runs",
    cl::desc("Run N times (the binary loaded once) and print the host time "
             "of the load and of each run"),
    cl::value_desc("N"), cl::init(0), cl::cat(category));

static int fail(const Twine &message) {
  WithColor::error(errs(), "spc-run") << message << "\n";
  return 1;
}

/// A file name for an ONNX tensor name: [A-Za-z0-9._-] kept, others '_'.
static std::string fileNameFor(StringRef name, StringSet<> &used) {
  std::string base;
  for (char c : name)
    base += (isAlnum(c) || c == '.' || c == '_' || c == '-') ? c : '_';
  if (base.empty() || base[0] == '.')
    base = "_" + base;
  std::string candidate = base + ".npy";
  for (unsigned i = 1; used.contains(candidate) || candidate == "outputs.json";
       ++i)
    candidate = base + "_" + std::to_string(i) + ".npy";
  used.insert(candidate);
  return candidate;
}

static Error writeOutputs(const emu::RunResult &result, StringRef dir) {
  SmallString<256> absDir(dir);
  if (std::error_code ec = sys::fs::make_absolute(absDir))
    return createStringError(ec, "cannot resolve '%s'", dir.str().c_str());
  sys::path::remove_dots(absDir, /*remove_dot_dot=*/true);
  StringRef parent = sys::path::parent_path(absDir);
  if (!parent.empty() && !sys::fs::is_directory(parent))
    if (std::error_code ec = sys::fs::create_directories(parent))
      return createStringError(ec, "cannot create '%s'",
                               parent.str().c_str());
  SmallString<256> tmp;
  if (std::error_code ec =
          sys::fs::createUniqueDirectory(absDir + ".tmp", tmp))
    return createStringError(ec, "cannot create a directory next to '%s'",
                             absDir.c_str());
  auto cleanup = [&](Error err) {
    sys::fs::remove_directories(tmp);
    return err;
  };
  StringSet<> used;
  json::Object map;
  for (const auto &[name, tensor] : result.outputs) {
    std::string file = fileNameFor(name, used);
    SmallString<256> path(tmp);
    sys::path::append(path, file);
    if (Error err = emu::writeNpyFile(tensor, path))
      return cleanup(std::move(err));
    map[name] = file;
  }
  SmallString<256> jsonPath(tmp);
  sys::path::append(jsonPath, "outputs.json");
  if (Error err = writeToOutput(jsonPath, [&](raw_ostream &os) {
        os << formatv("{0:2}", json::Value(std::move(map))) << "\n";
        return Error::success();
      }))
    return cleanup(std::move(err));
  // Replace an existing DIR only now that the new one is complete.
  SmallString<256> old;
  if (sys::fs::exists(absDir)) {
    if (!sys::fs::is_directory(absDir))
      return cleanup(createStringError(
          "'%s' exists and is not a directory", absDir.c_str()));
    old = absDir;
    old += ".old";
    sys::fs::remove_directories(old);
    if (std::error_code ec = sys::fs::rename(absDir, old))
      return cleanup(createStringError(ec, "cannot replace '%s'",
                                       absDir.c_str()));
  }
  if (std::error_code ec = sys::fs::rename(tmp, absDir)) {
    if (!old.empty())
      (void)sys::fs::rename(old, absDir);
    return cleanup(
        createStringError(ec, "cannot create '%s'", absDir.c_str()));
  }
  if (!old.empty())
    sys::fs::remove_directories(old);
  return Error::success();
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  std::vector<const char *> args;
  for (int i = 0; i < argc; ++i) {
    StringRef arg(argv[i]);
    if (i > 0 && (arg.consume_front("--stats") || arg.consume_front("-stats"))) {
      if (arg.consume_front("=")) {
        statsPath = arg.str();
        continue;
      }
      if (arg.empty() && i + 1 < argc) {
        statsPath = argv[++i];
        continue;
      }
      if (arg.empty())
        return fail("--stats expects a file name");
    }
    args.push_back(argv[i]);
  }
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      int(args.size()), args.data(),
      "SPC emulator: runs a .spab binary on .npy inputs\n\n"
      "  --stats=FILE.json           - Write run statistics (JSON)\n");
  if (threads)
    parallel::strategy = hardware_concurrency(threads);

  using Clock = std::chrono::steady_clock;
  auto milliseconds = [](Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
  };
  Clock::time_point loadStart = Clock::now();
  Expected<binary::Program> program = binary::readBinaryFile(modelPath);
  if (!program)
    return fail(toString(program.takeError()));
  Expected<target::TargetDescription> target =
      targetName.empty() ? binary::getEmbeddedTarget(*program)
                         : target::loadTarget(targetName);
  if (!target)
    return fail(toString(target.takeError()));
  auto emulator = emu::Emulator::create(std::move(*program),
                                        std::move(*target));
  if (!emulator)
    return fail(modelPath + ": " + toString(emulator.takeError()));
  double loadMs = milliseconds(Clock::now() - loadStart);

  std::map<std::string, emu::HostTensor> inputs;
  std::map<std::string, std::string> files;
  for (StringRef arg : inputArgs) {
    auto [name, file] = arg.split('=');
    if (name.empty() || file.empty() || !arg.contains('='))
      return fail("--input expects NAME=FILE.npy, got '" + arg + "'");
    if (inputs.count(name.str()))
      return fail("input '" + name + "' is given twice");
    Expected<emu::HostTensor> tensor = emu::readNpyFile(file);
    if (!tensor)
      return fail("input '" + name + "': " + toString(tensor.takeError()));
    inputs[name.str()] = std::move(*tensor);
    files[name.str()] = file.str();
  }
  if (Error err = (*emulator)->checkInputs(inputs)) {
    std::string message = toString(std::move(err));
    // Name the file too when the message is about one given input.
    for (const auto &[name, file] : files)
      if (StringRef(message).contains("'" + name + "'")) {
        message += " (from " + file + ")";
        break;
      }
    return fail(message);
  }

  emu::RunOptions options;
  options.trace = !tracePath.empty();
  Expected<emu::RunResult> result = (*emulator)->run(inputs, options);
  if (!result)
    return fail(toString(result.takeError()));
  if (timeRuns) {
    // The first run above is not timed (it warms the caches); the outputs
    // written are the last run's.
    std::vector<double> runMs;
    for (unsigned i = 0; i < timeRuns; ++i) {
      Clock::time_point start = Clock::now();
      result = (*emulator)->run(inputs, options);
      runMs.push_back(milliseconds(Clock::now() - start));
      if (!result)
        return fail(toString(result.takeError()));
    }
    double sum = 0;
    for (double ms : runMs)
      sum += ms;
    outs() << formatv("load {0:f1} ms; run: mean {1:f1} ms, best {2:f1} ms "
                      "over {3} runs\n",
                      loadMs, sum / runMs.size(),
                      *std::min_element(runMs.begin(), runMs.end()),
                      runMs.size());
  }

  if (Error err = writeOutputs(*result, outputDir))
    return fail(toString(std::move(err)));
  if (!statsPath.empty())
    if (Error err = writeToOutput(statsPath, [&](raw_ostream &os) {
          os << formatv("{0:2}", emu::toJSON(result->stats)) << "\n";
          return Error::success();
        }))
      return fail(toString(std::move(err)));
  if (!reportHtmlPath.empty())
    if (Error err = writeToOutput(reportHtmlPath, [&](raw_ostream &os) {
          emu::writeHtmlReport(result->stats, sys::path::filename(modelPath),
                               os);
          return Error::success();
        }))
      return fail(toString(std::move(err)));
  if (!tracePath.empty())
    if (Error err = writeToOutput(tracePath, [&](raw_ostream &os) {
          emu::printTrace(result->trace, (*emulator)->getProgram(), os);
          return Error::success();
        }))
      return fail(toString(std::move(err)));
  return 0;
}
