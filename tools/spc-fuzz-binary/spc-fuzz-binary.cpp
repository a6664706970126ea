//===- spc-fuzz-binary.cpp - libFuzzer target for the binary loader -------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Feeds arbitrary bytes to the .spab loader (docs/ISA.md §7): the container
// reader, the embedded target's parser and the per-instruction verifier, and
// prints the listing of whatever it accepts. Every input must end in a
// program or an error: a crash or a sanitizer report is a bug. An accepted
// binary must also survive a write and re-read unchanged.
//
//===----------------------------------------------------------------------===//

#include "spc/Target/Binary.h"

#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto program =
      spc::binary::readBinary(llvm::ArrayRef<uint8_t>(data, size), "fuzz");
  if (!program) {
    llvm::consumeError(program.takeError());
    return 0;
  }
  auto target = spc::binary::getEmbeddedTarget(*program);
  if (target) {
    if (llvm::Error err = spc::binary::verifyProgram(*program, *target))
      llvm::consumeError(std::move(err));
  } else {
    llvm::consumeError(target.takeError());
  }
  spc::binary::printListing(*program, llvm::nulls());
  std::vector<uint8_t> bytes = spc::binary::writeBinary(*program);
  auto reread = spc::binary::readBinary(bytes, "rewritten");
  if (!reread || !(*reread == *program))
    std::abort();
  return 0;
}
