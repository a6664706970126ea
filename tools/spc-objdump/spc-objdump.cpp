//===- spc-objdump.cpp - Disassembler for .spab binaries ------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Prints the listing of a binary (docs/ISA.md §6): header, target, tables and
// every instruction. `--words` adds each instruction's 64 bytes in hex.
// Binaries that do not load are reported on stderr with exit code 1.
//
//===----------------------------------------------------------------------===//

#include "spc/Target/Binary.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace spc;

static llvm::cl::opt<std::string> inputFilename(llvm::cl::Positional,
                                                llvm::cl::desc("<FILE.spab>"),
                                                llvm::cl::Required);
static llvm::cl::opt<bool>
    printWords("words",
               llvm::cl::desc("Also print each instruction word in hex"),
               llvm::cl::init(false));

/// The 64 bytes of `word` as four lines of 16 bytes, as `xxd` groups them.
static void printWord(const isa::Word &word, llvm::raw_ostream &os) {
  for (unsigned line = 0; line < isa::kWordBytes / 16; ++line) {
    os << "        " << llvm::format_hex_no_prefix(line * 16, 2) << ":";
    for (unsigned i = 0; i < 16; ++i)
      os << " " << llvm::format_hex_no_prefix(word[line * 16 + i], 2);
    os << "\n";
  }
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::cl::ParseCommandLineOptions(
      argc, argv, "SPC disassembler: prints a readable listing of a .spab "
                  "binary\n");

  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFileOrSTDIN(inputFilename, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (std::error_code error = buffer.getError()) {
    llvm::WithColor::error(llvm::errs(), "spc-objdump")
        << inputFilename << ": " << error.message() << "\n";
    return 1;
  }
  llvm::ArrayRef<uint8_t> bytes(
      reinterpret_cast<const uint8_t *>((*buffer)->getBufferStart()),
      (*buffer)->getBufferSize());
  llvm::Expected<binary::Program> program =
      binary::readBinary(bytes, inputFilename);
  if (!program) {
    llvm::WithColor::error(llvm::errs(), "spc-objdump")
        << llvm::toString(program.takeError()) << "\n";
    return 1;
  }

  if (!printWords) {
    binary::printListing(*program, llvm::outs());
    return 0;
  }
  // The listing with each instruction followed by its word: print the queues
  // here rather than through printListing, which has no hook per line.
  binary::Program tablesOnly = *program;
  for (auto &queue : tablesOnly.queues)
    queue.clear();
  std::string tables;
  llvm::raw_string_ostream tableStream(tables);
  binary::printListing(tablesOnly, tableStream);
  // Drop the three empty queue headers printListing ends with.
  llvm::StringRef header = tables;
  header = header.substr(0, header.find("\nload queue ("));
  llvm::outs() << header << "\n";
  for (unsigned q = 0; q < isa::kNumQueues; ++q) {
    const auto &queue = program->queues[q];
    llvm::outs() << "\n"
                 << isa::getName(static_cast<isa::Queue>(q)) << " queue ("
                 << queue.size() << " instructions):\n";
    for (size_t i = 0; i < queue.size(); ++i) {
      llvm::outs() << llvm::right_justify(std::to_string(i), 6) << "  ";
      binary::printInstruction(queue[i], llvm::outs());
      for (const binary::Layer &l : program->layers)
        if (i >= l.begin[q] && i < l.end[q]) {
          llvm::outs() << "  ; " << l.name;
          break;
        }
      llvm::outs() << "\n";
      printWord(isa::encode(queue[i]), llvm::outs());
    }
  }
  return 0;
}
