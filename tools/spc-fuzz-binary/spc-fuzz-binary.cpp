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
// Random mutations almost never keep the CRC-32 checksums right, which would
// stop the fuzzer at the checksum checks. So each input is tried twice: as
// is, and with its checksums recomputed, which lets mutations reach the
// table and instruction parsers.
//
//===----------------------------------------------------------------------===//

#include "spc/Target/Binary.h"

#include "llvm/Support/CRC.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace spc::binary;
namespace endian = llvm::support::endian;

/// Rewrites the section and header checksums of `bytes` where the header
/// and section table can be read (ISA §6.1).
static void fixChecksums(std::vector<uint8_t> &bytes) {
  if (bytes.size() < kHeaderBytes)
    return;
  uint64_t count = endian::read32le(&bytes[24]);
  uint64_t tableEnd = kHeaderBytes + count * kSectionEntryBytes;
  if (tableEnd > bytes.size())
    return;
  for (uint64_t i = 0; i < count; ++i) {
    uint8_t *entry = &bytes[kHeaderBytes + i * kSectionEntryBytes];
    uint64_t offset = endian::read64le(entry + 8);
    uint64_t size = endian::read64le(entry + 16);
    if (offset <= bytes.size() && size <= bytes.size() - offset)
      endian::write32le(entry + 4,
                        llvm::crc32(llvm::ArrayRef(bytes).slice(offset, size)));
  }
  std::vector<uint8_t> covered(bytes.begin(), bytes.begin() + 28);
  covered.insert(covered.end(), bytes.begin() + kHeaderBytes,
                 bytes.begin() + tableEnd);
  endian::write32le(&bytes[28], llvm::crc32(covered));
}

static void load(llvm::ArrayRef<uint8_t> bytes) {
  auto program = readBinary(bytes, "fuzz");
  if (!program) {
    llvm::consumeError(program.takeError());
    return;
  }
  auto target = getEmbeddedTarget(*program);
  if (target) {
    if (llvm::Error err = verifyProgram(*program, *target))
      llvm::consumeError(std::move(err));
  } else {
    llvm::consumeError(target.takeError());
  }
  printListing(*program, llvm::nulls());
  std::vector<uint8_t> rewritten = writeBinary(*program);
  auto reread = readBinary(rewritten, "rewritten");
  if (!reread || !(*reread == *program))
    std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::ArrayRef<uint8_t> bytes(data, size);
  load(bytes);
  std::vector<uint8_t> fixed(bytes.begin(), bytes.end());
  fixChecksums(fixed);
  if (fixed != bytes.vec())
    load(fixed);
  return 0;
}
