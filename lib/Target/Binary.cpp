//===- Binary.cpp - The .spab binary container ----------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Writes and reads the container of docs/ISA.md §6 and runs the loader checks
// of §7. The reader trusts nothing: every length, offset and count is checked
// against what remains before it is used, so arbitrary bytes give an error
// and never a crash (tools/spc-fuzz-binary fuzzes this).
//
//===----------------------------------------------------------------------===//

#include "spc/Target/Binary.h"
#include "spc/Target/Packing.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/CRC.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <memory>
#include <tuple>

using namespace spc;
using namespace spc::binary;
using packing::getNMMetaBytesPerRow;
using packing::getNMValuesPerRow;
using llvm::Error;
using llvm::Expected;
namespace endian = llvm::support::endian;

//===----------------------------------------------------------------------===//
// Program
//===----------------------------------------------------------------------===//

bool Constant::operator==(const Constant &o) const {
  return std::tie(name, format, dtype, rows, cols, n, m, dramAddr, data) ==
         std::tie(o.name, o.format, o.dtype, o.rows, o.cols, o.n, o.m,
                  o.dramAddr, o.data);
}

uint64_t Tensor::getNumElements() const {
  uint64_t count = 1;
  for (uint64_t dim : shape)
    count = llvm::SaturatingMultiply(count, dim);
  return count;
}

uint64_t Tensor::getNumBytes() const {
  return llvm::SaturatingMultiply(getNumElements(),
                                  uint64_t(isa::elementSize(dtype)));
}

bool Tensor::operator==(const Tensor &o) const {
  return std::tie(name, kind, dtype, shape, dramAddr) ==
         std::tie(o.name, o.kind, o.dtype, o.shape, o.dramAddr);
}

bool Layer::operator==(const Layer &o) const {
  return std::tie(name, begin, end) == std::tie(o.name, o.begin, o.end);
}

void Program::setTarget(const target::TargetDescription &target) {
  targetJSON = target.toCanonicalJSON();
  targetFingerprint = target.fingerprint();
}

bool Program::operator==(const Program &o) const {
  return std::tie(targetJSON, targetFingerprint, dramSize, queues, constants,
                  tensors, layers) ==
         std::tie(o.targetJSON, o.targetFingerprint, o.dramSize, o.queues,
                  o.constants, o.tensors, o.layers);
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

namespace {
class ByteWriter {
public:
  void u8(uint8_t v) { bytes.push_back(v); }
  void u16(uint16_t v) { append<uint16_t>(v); }
  void u32(uint32_t v) { append<uint32_t>(v); }
  void u64(uint64_t v) { append<uint64_t>(v); }
  void string(llvm::StringRef s) {
    u32(static_cast<uint32_t>(s.size()));
    bytes.insert(bytes.end(), s.begin(), s.end());
  }
  void raw(llvm::ArrayRef<uint8_t> data) {
    bytes.insert(bytes.end(), data.begin(), data.end());
  }
  std::vector<uint8_t> bytes;

private:
  template <typename T> void append(T v) {
    uint8_t buffer[sizeof(T)];
    endian::write<T, llvm::endianness::little>(buffer, v);
    bytes.insert(bytes.end(), buffer, buffer + sizeof(T));
  }
};
} // namespace

static std::vector<uint8_t> writeQueue(llvm::ArrayRef<isa::Instruction> queue) {
  std::vector<uint8_t> bytes;
  bytes.reserve(queue.size() * isa::kWordBytes);
  for (const isa::Instruction &inst : queue) {
    isa::Word word = isa::encode(inst);
    bytes.insert(bytes.end(), word.begin(), word.end());
  }
  return bytes;
}

namespace {
/// A section as a list of pieces: bytes it owns (headers and small tables)
/// and bytes it borrows from the program (the constants' payloads, which can
/// be hundreds of megabytes and are copied only once, into the output).
class Section {
public:
  explicit Section(SectionKind kind) : kind(kind) {}
  Section(SectionKind kind, std::vector<uint8_t> bytes) : kind(kind) {
    own(std::move(bytes));
  }

  void own(std::vector<uint8_t> bytes) {
    owned.push_back(std::make_unique<std::vector<uint8_t>>(std::move(bytes)));
    borrow(*owned.back());
  }
  void borrow(llvm::ArrayRef<uint8_t> bytes) {
    pieces.push_back(bytes);
    size += bytes.size();
    crc = llvm::crc32(crc, bytes);
  }

  SectionKind kind;
  std::vector<llvm::ArrayRef<uint8_t>> pieces;
  uint64_t size = 0;
  uint32_t crc = 0;

private:
  /// Held by pointer, so that the pieces stay put as the section moves.
  std::vector<std::unique_ptr<std::vector<uint8_t>>> owned;
};
} // namespace

/// Passes the container's bytes, in order, to `sink`.
static void
streamBinary(const Program &program,
            llvm::function_ref<void(llvm::ArrayRef<uint8_t>)> sink) {
  std::vector<Section> sections;
  sections.emplace_back(SectionKind::Target,
                        std::vector<uint8_t>(program.targetJSON.begin(),
                                             program.targetJSON.end()));
  sections.emplace_back(SectionKind::LoadQueue,
                        writeQueue(program.getQueue(isa::Queue::Load)));
  sections.emplace_back(SectionKind::ComputeQueue,
                        writeQueue(program.getQueue(isa::Queue::Compute)));
  sections.emplace_back(SectionKind::StoreQueue,
                        writeQueue(program.getQueue(isa::Queue::Store)));

  Section &constants = sections.emplace_back(SectionKind::Constants);
  ByteWriter count;
  count.u32(static_cast<uint32_t>(program.constants.size()));
  constants.own(std::move(count.bytes));
  for (const Constant &c : program.constants) {
    ByteWriter header;
    header.string(c.name);
    header.u32(static_cast<uint32_t>(c.format));
    header.u32(static_cast<uint32_t>(c.dtype));
    header.u32(c.rows);
    header.u32(c.cols);
    header.u16(c.n);
    header.u16(c.m);
    header.u64(c.dramAddr);
    header.u64(c.data.size());
    constants.own(std::move(header.bytes));
    constants.borrow(c.data);
  }

  ByteWriter tensors;
  tensors.u32(static_cast<uint32_t>(program.tensors.size()));
  for (const Tensor &t : program.tensors) {
    tensors.string(t.name);
    tensors.u8(static_cast<uint8_t>(t.kind));
    tensors.u8(static_cast<uint8_t>(t.dtype));
    tensors.u16(static_cast<uint16_t>(t.shape.size()));
    for (uint64_t dim : t.shape)
      tensors.u64(dim);
    tensors.u64(t.dramAddr);
  }
  sections.emplace_back(SectionKind::Tensors, std::move(tensors.bytes));

  ByteWriter layers;
  layers.u32(static_cast<uint32_t>(program.layers.size()));
  for (const Layer &l : program.layers) {
    layers.string(l.name);
    for (unsigned q = 0; q < isa::kNumQueues; ++q) {
      layers.u32(l.begin[q]);
      layers.u32(l.end[q]);
    }
  }
  sections.emplace_back(SectionKind::Layers, std::move(layers.bytes));

  // Header and section table, then the sections in kind order.
  ByteWriter out;
  for (char c : kMagic)
    out.u8(static_cast<uint8_t>(c));
  out.u16(kVersionMajor);
  out.u16(kVersionMinor);
  out.u64(program.targetFingerprint);
  out.u64(program.dramSize);
  out.u32(static_cast<uint32_t>(sections.size()));
  out.u32(0); // header_crc, patched below
  out.bytes.resize(kHeaderBytes, 0);
  uint64_t offset = kHeaderBytes + sections.size() * kSectionEntryBytes;
  for (const Section &section : sections) {
    out.u32(static_cast<uint32_t>(section.kind));
    out.u32(section.crc);
    out.u64(offset);
    out.u64(section.size);
    offset += section.size;
  }
  // header_crc covers bytes 0-27 and the section table (ISA §6.1).
  llvm::ArrayRef<uint8_t> header(out.bytes);
  uint32_t headerCrc = llvm::crc32(header.take_front(28));
  headerCrc = llvm::crc32(headerCrc, header.drop_front(kHeaderBytes));
  endian::write32le(&out.bytes[28], headerCrc);
  sink(out.bytes);
  for (const Section &section : sections)
    for (llvm::ArrayRef<uint8_t> piece : section.pieces)
      sink(piece);
}

std::vector<uint8_t> binary::writeBinary(const Program &program) {
  uint64_t size = 4096;
  for (const Constant &c : program.constants)
    size += c.data.size() + c.name.size() + 48;
  for (unsigned q = 0; q < isa::kNumQueues; ++q)
    size += program.queues[q].size() * isa::kWordBytes;
  std::vector<uint8_t> bytes;
  bytes.reserve(size);
  streamBinary(program, [&](llvm::ArrayRef<uint8_t> piece) {
    bytes.insert(bytes.end(), piece.begin(), piece.end());
  });
  return bytes;
}

Error binary::writeBinaryFile(const Program &program, llvm::StringRef path) {
  // writeToOutput writes a temporary file and renames it over `path`, so a
  // failure leaves no partial binary behind.
  return llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    streamBinary(program, [&](llvm::ArrayRef<uint8_t> piece) {
      os.write(reinterpret_cast<const char *>(piece.data()), piece.size());
    });
    return Error::success();
  });
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

namespace {
/// Reads little-endian fields from a section; every read is bounds-checked
/// and failures carry the absolute file offset.
class ByteReader {
public:
  ByteReader(llvm::ArrayRef<uint8_t> bytes, uint64_t base,
             llvm::StringRef bufferName, llvm::StringRef what)
      : bytes(bytes), base(base), bufferName(bufferName), what(what) {}

  Error error(const llvm::Twine &message) const {
    return errorAt(pos, message);
  }
  Error errorAt(uint64_t at, const llvm::Twine &message) const {
    return llvm::createStringError(
        llvm::formatv("{0}: offset {1:x}: {2}: {3}", bufferName, base + at,
                      what, message.str())
            .str());
  }

  template <typename T> Expected<T> read() {
    if (bytes.size() - pos < sizeof(T))
      return error(llvm::formatv("truncated: needs {0} more bytes",
                                 sizeof(T)));
    T value = endian::read<T, llvm::endianness::little>(&bytes[pos]);
    pos += sizeof(T);
    return value;
  }

  Expected<llvm::ArrayRef<uint8_t>> readBytes(uint64_t count) {
    if (bytes.size() - pos < count)
      return error(llvm::formatv("truncated: {0} bytes declared, {1} left",
                                 count, bytes.size() - pos));
    llvm::ArrayRef<uint8_t> result = bytes.slice(pos, count);
    pos += count;
    return result;
  }

  Expected<std::string> readString() {
    uint64_t at = pos;
    auto length = read<uint32_t>();
    if (!length)
      return length.takeError();
    auto data = readBytes(*length);
    if (!data)
      return data.takeError();
    if (data->empty())
      return errorAt(at, "empty name");
    const llvm::UTF8 *begin = data->data();
    if (!llvm::isLegalUTF8String(&begin, data->data() + data->size()))
      return errorAt(at, "name is not valid UTF-8");
    return std::string(data->begin(), data->end());
  }

  bool atEnd() const { return pos == bytes.size(); }
  uint64_t offset() const { return pos; }

private:
  llvm::ArrayRef<uint8_t> bytes;
  uint64_t pos = 0;
  uint64_t base;
  llvm::StringRef bufferName;
  llvm::StringRef what;
};
} // namespace

static llvm::StringRef getSectionName(SectionKind kind) {
  switch (kind) {
  case SectionKind::Target:
    return "TARGET";
  case SectionKind::LoadQueue:
    return "LOADQ";
  case SectionKind::ComputeQueue:
    return "COMPUTEQ";
  case SectionKind::StoreQueue:
    return "STOREQ";
  case SectionKind::Constants:
    return "CONSTANTS";
  case SectionKind::Tensors:
    return "TENSORS";
  case SectionKind::Layers:
    return "LAYERS";
  }
  return "?";
}

static bool inRange(uint64_t begin, uint64_t size, uint64_t limit) {
  return begin <= limit && size <= limit - begin;
}

/// Checks that a constant's data has the packed size of its format (ISA
/// §6.4.4) and, for CSR, valid row pointers and indices. Returns an error
/// message.
static std::optional<std::string> checkConstantData(const Constant &c) {
  uint64_t rows = c.rows, cols = c.cols, nonZeros = 0;
  switch (c.format) {
  case isa::Format::Dense:
    break;
  case isa::Format::NM:
    if (c.n < 1 || c.n > c.m || c.m > 256)
      return llvm::formatv("invalid N:M pattern {0}:{1} (ISA §6.4.1)", c.n,
                           c.m)
          .str();
    if (cols % c.m != 0)
      return llvm::formatv("cols {0} is not a multiple of m {1} (ISA §6.4.1)",
                           cols, c.m)
          .str();
    break;
  case isa::Format::Bitmap:
    if (c.data.size() < rows * llvm::divideCeil(cols, 8))
      return llvm::formatv("{0} bytes cannot hold a {1}x{2} bitmap",
                           c.data.size(), rows, cols)
          .str();
    nonZeros = packing::countBitmap(c.data, rows, cols);
    break;
  case isa::Format::CSR:
    if (c.data.size() < (rows + 1) * 4)
      return llvm::formatv("{0} bytes cannot hold {1} row pointers",
                           c.data.size(), rows + 1)
          .str();
    if (llvm::Error err = packing::checkCSRPointers(c.data, rows))
      return llvm::toString(std::move(err));
    nonZeros = endian::read32le(&c.data[rows * 4]);
    break;
  }
  uint64_t expected =
      packing::getLayout(c.format, c.dtype, rows, cols, c.n, c.m, nonZeros)
          .totalBytes;
  if (c.data.size() != expected)
    return llvm::formatv("holds {0} bytes, but a {1} {2}x{3} {4} constant "
                         "needs {5} (ISA §6.4.4)",
                         c.data.size(), isa::getName(c.format), rows, cols,
                         isa::getName(c.dtype), expected)
        .str();
  if (c.format == isa::Format::CSR)
    if (llvm::Error err = packing::checkCSRIndices(c.data, rows, cols))
      return llvm::toString(std::move(err));
  return std::nullopt;
}

/// The rules of ISA §6.3 for a constant, given the constants before it.
static std::optional<std::string>
checkConstant(const Constant &c, llvm::ArrayRef<Constant> earlier,
              uint64_t dramSize) {
  if (c.format != isa::Format::NM && (c.n != 0 || c.m != 0))
    return llvm::formatv("constant '{0}': n and m are for N:M constants only",
                         c.name)
        .str();
  if (std::optional<std::string> message = checkConstantData(c))
    return "constant '" + c.name + "': " + *message;
  if (!inRange(c.dramAddr, c.data.size(), dramSize))
    return llvm::formatv("constant '{0}' at DRAM [{1:x}, +{2:x}) lies outside "
                         "the {3:x} bytes of DRAM (ISA §6.3)",
                         c.name, c.dramAddr, c.data.size(), dramSize)
        .str();
  for (const Constant &other : earlier)
    if (c.dramAddr < other.dramAddr + other.data.size() &&
        other.dramAddr < c.dramAddr + c.data.size())
      return llvm::formatv("constant '{0}' overlaps constant '{1}' in DRAM "
                           "(ISA §6.3)",
                           c.name, other.name)
          .str();
  return std::nullopt;
}

/// The rules of ISA §6.3 for a tensor, given the tensors before it.
static std::optional<std::string>
checkTensor(const Tensor &t, llvm::ArrayRef<Tensor> earlier,
            llvm::ArrayRef<Constant> constants, uint64_t dramSize) {
  if (!inRange(t.dramAddr, t.getNumBytes(), dramSize))
    return llvm::formatv("tensor '{0}' at DRAM [{1:x}, +{2:x}) lies outside "
                         "the {3:x} bytes of DRAM (ISA §6.3)",
                         t.name, t.dramAddr, t.getNumBytes(), dramSize)
        .str();
  for (const Tensor &other : earlier)
    if (other.kind == t.kind && other.name == t.name)
      return llvm::formatv("duplicate {0} tensor '{1}'",
                           t.kind == Tensor::Kind::Input ? "input" : "output",
                           t.name)
          .str();
  for (const Constant &c : constants)
    if (t.dramAddr < c.dramAddr + c.data.size() &&
        c.dramAddr < t.dramAddr + t.getNumBytes())
      return llvm::formatv("tensor '{0}' overlaps constant '{1}' in DRAM "
                           "(ISA §6.3)",
                           t.name, c.name)
          .str();
  return std::nullopt;
}

/// The rules of ISA §6.3 for a layer, given the layers before it.
static std::optional<std::string> checkLayer(const Layer &l,
                                             llvm::ArrayRef<Layer> earlier,
                                             const Program &program) {
  for (unsigned q = 0; q < isa::kNumQueues; ++q) {
    auto queue = static_cast<isa::Queue>(q);
    if (l.begin[q] > l.end[q] || l.end[q] > program.queues[q].size())
      return llvm::formatv("layer '{0}': {1} range [{2}, {3}) is not inside "
                           "the queue's {4} instructions (ISA §6.3)",
                           l.name, isa::getName(queue), l.begin[q], l.end[q],
                           program.queues[q].size())
          .str();
    for (const Layer &other : earlier)
      if (l.begin[q] < other.end[q] && other.begin[q] < l.end[q])
        return llvm::formatv("layer '{0}' overlaps layer '{1}' in the {2} "
                             "queue (ISA §6.3)",
                             l.name, other.name, isa::getName(queue))
            .str();
  }
  return std::nullopt;
}

Error binary::verifyContainer(const Program &program) {
  auto check = [](std::optional<std::string> message) -> Error {
    return message ? llvm::createStringError(*message) : Error::success();
  };
  llvm::ArrayRef<Constant> constants(program.constants);
  for (size_t i = 0; i < constants.size(); ++i)
    if (Error error = check(checkConstant(constants[i], constants.take_front(i),
                                          program.dramSize)))
      return error;
  llvm::ArrayRef<Tensor> tensors(program.tensors);
  for (size_t i = 0; i < tensors.size(); ++i)
    if (Error error = check(checkTensor(tensors[i], tensors.take_front(i),
                                        constants, program.dramSize)))
      return error;
  llvm::ArrayRef<Layer> layers(program.layers);
  for (size_t i = 0; i < layers.size(); ++i)
    if (Error error = check(checkLayer(layers[i], layers.take_front(i),
                                       program)))
      return error;
  return Error::success();
}

static Expected<std::vector<isa::Instruction>>
readQueue(llvm::ArrayRef<uint8_t> bytes, uint64_t base,
          llvm::StringRef bufferName, isa::Queue queue) {
  std::vector<isa::Instruction> result;
  auto fail = [&](size_t index, const llvm::Twine &message) {
    return llvm::createStringError(
        llvm::formatv("{0}: offset {1:x}: {2} queue, instruction {3}: {4}",
                      bufferName, base + index * isa::kWordBytes,
                      isa::getName(queue), index, message.str())
            .str());
  };
  if (bytes.size() % isa::kWordBytes != 0)
    return llvm::createStringError(
        llvm::formatv("{0}: offset {1:x}: the {2} queue section is {3} bytes, "
                      "not a multiple of {4} (ISA §6.2)",
                      bufferName, base, isa::getName(queue), bytes.size(),
                      isa::kWordBytes)
            .str());
  size_t count = bytes.size() / isa::kWordBytes;
  result.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    auto inst = isa::decode(bytes.slice(i * isa::kWordBytes, isa::kWordBytes));
    if (!inst)
      return fail(i, llvm::toString(inst.takeError()));
    if (Error err = isa::verifyQueuePlacement(*inst, queue))
      return fail(i, llvm::toString(std::move(err)));
    bool isEnd = inst->opcode == isa::Opcode::End;
    if (isEnd != (i + 1 == count))
      return fail(i, isEnd ? "END is not the last instruction (ISA §2)"
                           : "the queue does not end with END (ISA §2)");
    result.push_back(std::move(*inst));
  }
  return result;
}

Expected<Program> binary::readBinary(llvm::ArrayRef<uint8_t> bytes,
                                     llvm::StringRef bufferName) {
  ByteReader header(bytes, 0, bufferName, "header");
  auto fail = [&](uint64_t at, const llvm::Twine &message) {
    return header.errorAt(at, message);
  };
  if (bytes.size() < kHeaderBytes)
    return fail(0, llvm::formatv("truncated: {0} bytes, a binary has at least "
                                 "{1} (ISA §6.1)",
                                 bytes.size(), kHeaderBytes));
  if (!std::equal(std::begin(kMagic), std::end(kMagic), bytes.begin()))
    return fail(0, "bad magic: not an SPC binary (ISA §6.1)");
  uint16_t major = endian::read16le(&bytes[4]);
  uint16_t minor = endian::read16le(&bytes[6]);
  if (major != kVersionMajor || minor > kVersionMinor)
    return fail(4, llvm::formatv("format version {0}.{1} is not supported; "
                                 "this reader reads {2}.0 to {2}.{3} "
                                 "(ISA §6.1)",
                                 major, minor, kVersionMajor, kVersionMinor));
  Program program;
  program.targetFingerprint = endian::read64le(&bytes[8]);
  program.dramSize = endian::read64le(&bytes[16]);
  uint32_t sectionCount = endian::read32le(&bytes[24]);
  for (unsigned i = 32; i < kHeaderBytes; ++i)
    if (bytes[i] != 0)
      return fail(i, "reserved header byte is not zero (ISA §6.1)");
  uint64_t tableEnd = kHeaderBytes + uint64_t(sectionCount) * kSectionEntryBytes;
  if (tableEnd > bytes.size())
    return fail(24, llvm::formatv("truncated: the table of {0} sections ends "
                                  "at {1:x}, past the end of the file ({2:x})",
                                  sectionCount, tableEnd, bytes.size()));
  std::vector<uint8_t> covered(bytes.begin(), bytes.begin() + 28);
  covered.insert(covered.end(), bytes.begin() + kHeaderBytes,
                 bytes.begin() + tableEnd);
  if (llvm::crc32(covered) != endian::read32le(&bytes[28]))
    return fail(28, "header checksum mismatch: the header or section table "
                    "is corrupt (ISA §6.1)");

  // Section table.
  std::array<std::optional<llvm::ArrayRef<uint8_t>>, 8> sections;
  std::array<uint64_t, 8> sectionOffsets = {};
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (uint32_t i = 0; i < sectionCount; ++i) {
    uint64_t entry = kHeaderBytes + uint64_t(i) * kSectionEntryBytes;
    uint32_t kind = endian::read32le(&bytes[entry]);
    uint32_t crc = endian::read32le(&bytes[entry + 4]);
    uint64_t offset = endian::read64le(&bytes[entry + 8]);
    uint64_t size = endian::read64le(&bytes[entry + 16]);
    if (kind < 1 || kind > 7)
      return fail(entry, llvm::formatv("unknown section kind {0} (ISA §6.2)",
                                       kind));
    llvm::StringRef name = getSectionName(static_cast<SectionKind>(kind));
    if (sections[kind])
      return fail(entry, llvm::formatv("duplicate {0} section (ISA §6.1)",
                                       name));
    if (offset < tableEnd || !inRange(offset, size, bytes.size()))
      return fail(entry + 8,
                  llvm::formatv("{0} section [{1:x}, +{2:x}) lies outside "
                                "the file's {3:x} bytes after the table "
                                "(ISA §6.1)",
                                name, offset, size, bytes.size()));
    for (auto [otherOffset, otherSize] : ranges)
      if (offset < otherOffset + otherSize && otherOffset < offset + size)
        return fail(entry + 8, llvm::formatv("{0} section overlaps another "
                                             "section (ISA §6.1)",
                                             name));
    ranges.emplace_back(offset, size);
    llvm::ArrayRef<uint8_t> data = bytes.slice(offset, size);
    if (llvm::crc32(data) != crc)
      return fail(offset, llvm::formatv("{0} section checksum mismatch: the "
                                        "section is corrupt (ISA §6.1)",
                                        name));
    sections[kind] = data;
    sectionOffsets[kind] = offset;
  }
  for (uint32_t kind = 1; kind <= 7; ++kind)
    if (!sections[kind])
      return fail(24, llvm::formatv("missing {0} section (ISA §6.1)",
                                    getSectionName(
                                        static_cast<SectionKind>(kind))));

  auto section = [&](SectionKind kind) {
    return *sections[static_cast<uint32_t>(kind)];
  };
  auto sectionOffset = [&](SectionKind kind) {
    return sectionOffsets[static_cast<uint32_t>(kind)];
  };

  // Target (ISA §6.5).
  llvm::ArrayRef<uint8_t> targetBytes = section(SectionKind::Target);
  program.targetJSON.assign(targetBytes.begin(), targetBytes.end());

  // Queues.
  const SectionKind queueKinds[] = {SectionKind::LoadQueue,
                                    SectionKind::ComputeQueue,
                                    SectionKind::StoreQueue};
  for (unsigned q = 0; q < isa::kNumQueues; ++q) {
    auto queue = readQueue(section(queueKinds[q]), sectionOffset(queueKinds[q]),
                           bufferName, static_cast<isa::Queue>(q));
    if (!queue)
      return queue.takeError();
    program.queues[q] = std::move(*queue);
  }

  // Constants.
  std::vector<std::pair<uint64_t, uint64_t>> dramRanges;
  {
    ByteReader r(section(SectionKind::Constants),
                 sectionOffset(SectionKind::Constants), bufferName,
                 "CONSTANTS");
    auto count = r.read<uint32_t>();
    if (!count)
      return count.takeError();
    for (uint32_t i = 0; i < *count; ++i) {
      uint64_t at = r.offset();
      Constant c;
      auto name = r.readString();
      if (!name)
        return name.takeError();
      c.name = std::move(*name);
      auto format = r.read<uint32_t>();
      auto dtype = format ? r.read<uint32_t>() : Expected<uint32_t>(0);
      if (!format)
        return format.takeError();
      if (!dtype)
        return dtype.takeError();
      if (*format > 3)
        return r.errorAt(at, llvm::formatv("constant '{0}': invalid format {1}",
                                           c.name, *format));
      if (*dtype < 1 || *dtype > 3)
        return r.errorAt(at, llvm::formatv("constant '{0}': invalid dtype {1}",
                                           c.name, *dtype));
      c.format = static_cast<isa::Format>(*format);
      c.dtype = static_cast<isa::DType>(*dtype);
      auto rows = r.read<uint32_t>();
      if (!rows)
        return rows.takeError();
      auto cols = r.read<uint32_t>();
      if (!cols)
        return cols.takeError();
      auto n = r.read<uint16_t>();
      if (!n)
        return n.takeError();
      auto m = r.read<uint16_t>();
      if (!m)
        return m.takeError();
      auto dramAddr = r.read<uint64_t>();
      if (!dramAddr)
        return dramAddr.takeError();
      auto size = r.read<uint64_t>();
      if (!size)
        return size.takeError();
      auto data = r.readBytes(*size);
      if (!data)
        return data.takeError();
      c.rows = *rows;
      c.cols = *cols;
      c.n = *n;
      c.m = *m;
      c.dramAddr = *dramAddr;
      c.data.assign(data->begin(), data->end());
      if (std::optional<std::string> message =
              checkConstant(c, program.constants, program.dramSize))
        return r.errorAt(at, *message);
      program.constants.push_back(std::move(c));
    }
    if (!r.atEnd())
      return r.error("trailing bytes after the last constant (ISA §7)");
  }

  // Tensors.
  {
    ByteReader r(section(SectionKind::Tensors),
                 sectionOffset(SectionKind::Tensors), bufferName, "TENSORS");
    auto count = r.read<uint32_t>();
    if (!count)
      return count.takeError();
    for (uint32_t i = 0; i < *count; ++i) {
      uint64_t at = r.offset();
      Tensor t;
      auto name = r.readString();
      if (!name)
        return name.takeError();
      t.name = std::move(*name);
      auto kind = r.read<uint8_t>();
      if (!kind)
        return kind.takeError();
      auto dtype = r.read<uint8_t>();
      if (!dtype)
        return dtype.takeError();
      auto rank = r.read<uint16_t>();
      if (!rank)
        return rank.takeError();
      if (*kind != 1 && *kind != 2)
        return r.errorAt(at, llvm::formatv("tensor '{0}': invalid kind {1}",
                                           t.name, unsigned(*kind)));
      if (*dtype < 1 || *dtype > 3)
        return r.errorAt(at, llvm::formatv("tensor '{0}': invalid dtype {1}",
                                           t.name, unsigned(*dtype)));
      t.kind = static_cast<Tensor::Kind>(*kind);
      t.dtype = static_cast<isa::DType>(*dtype);
      for (unsigned d = 0; d < *rank; ++d) {
        auto dim = r.read<uint64_t>();
        if (!dim)
          return dim.takeError();
        t.shape.push_back(*dim);
      }
      auto dramAddr = r.read<uint64_t>();
      if (!dramAddr)
        return dramAddr.takeError();
      t.dramAddr = *dramAddr;
      if (std::optional<std::string> message = checkTensor(
              t, program.tensors, program.constants, program.dramSize))
        return r.errorAt(at, *message);
      program.tensors.push_back(std::move(t));
    }
    if (!r.atEnd())
      return r.error("trailing bytes after the last tensor (ISA §7)");
  }

  // Layers.
  {
    ByteReader r(section(SectionKind::Layers),
                 sectionOffset(SectionKind::Layers), bufferName, "LAYERS");
    auto count = r.read<uint32_t>();
    if (!count)
      return count.takeError();
    for (uint32_t i = 0; i < *count; ++i) {
      uint64_t at = r.offset();
      Layer l;
      auto name = r.readString();
      if (!name)
        return name.takeError();
      l.name = std::move(*name);
      for (unsigned q = 0; q < isa::kNumQueues; ++q) {
        auto begin = r.read<uint32_t>();
        if (!begin)
          return begin.takeError();
        auto end = r.read<uint32_t>();
        if (!end)
          return end.takeError();
        l.begin[q] = *begin;
        l.end[q] = *end;
      }
      if (std::optional<std::string> message =
              checkLayer(l, program.layers, program))
        return r.errorAt(at, *message);
      program.layers.push_back(std::move(l));
    }
    if (!r.atEnd())
      return r.error("trailing bytes after the last layer (ISA §7)");
  }
  return program;
}

Expected<Program> binary::readBinaryFile(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false,
                                                    /*RequiresNullTerminator=*/
                                                    false);
  if (!buffer)
    return llvm::createStringError(
        llvm::formatv("{0}: cannot read: {1}", path,
                      buffer.getError().message())
            .str());
  llvm::ArrayRef<uint8_t> bytes(
      reinterpret_cast<const uint8_t *>((*buffer)->getBufferStart()),
      (*buffer)->getBufferSize());
  return readBinary(bytes, path == "-" ? "<stdin>" : path);
}

Expected<target::TargetDescription>
binary::getEmbeddedTarget(const Program &program) {
  auto target = target::parseTarget(program.targetJSON, "embedded target");
  if (!target)
    return target.takeError();
  if (target->fingerprint() != program.targetFingerprint)
    return llvm::createStringError(
        llvm::formatv("the embedded target '{0}' has fingerprint {1:x16}, but "
                      "the header says {2:x16} (ISA §6.5)",
                      target->name, target->fingerprint(),
                      program.targetFingerprint)
            .str());
  return target;
}

//===----------------------------------------------------------------------===//
// Scratchpad ranges and verification (ISA §7)
//===----------------------------------------------------------------------===//

/// The element offsets (from the base) a strided box can touch, as
/// [min, max]. Each extent is at least 1.
static std::pair<int64_t, int64_t>
getOffsetSpan(llvm::ArrayRef<uint64_t> extents,
              llvm::ArrayRef<int64_t> strides) {
  int64_t lo = 0, hi = 0;
  for (auto [extent, stride] : llvm::zip_equal(extents, strides)) {
    int64_t last = static_cast<int64_t>(extent - 1) * stride;
    (last < 0 ? lo : hi) += last;
  }
  return {lo, hi};
}

/// The byte range of a strided box at `addr`; begin may be "negative" (below
/// the buffer), which the caller reports.
static SramAccess getBoxAccess(isa::Buffer buffer, uint64_t addr, unsigned es,
                               llvm::ArrayRef<uint64_t> extents,
                               llvm::ArrayRef<int64_t> strides, bool write) {
  auto [lo, hi] = getOffsetSpan(extents, strides);
  SramAccess access;
  access.buffer = buffer;
  access.write = write;
  int64_t begin = static_cast<int64_t>(addr) + lo * es;
  if (begin < 0) {
    access.begin = kBelowBuffer;
    access.end = kBelowBuffer;
    return access;
  }
  access.begin = static_cast<uint64_t>(begin);
  access.end = static_cast<uint64_t>(static_cast<int64_t>(addr) +
                                     (hi + 1) * es);
  return access;
}

/// A dense rows x cols matrix with a row stride.
static SramAccess getMatrixAccess(isa::Buffer buffer, uint64_t addr,
                                  unsigned es, uint64_t rows, uint64_t cols,
                                  uint64_t rowStride, bool write) {
  return getBoxAccess(buffer, addr, es, {rows, cols},
                      {static_cast<int64_t>(rowStride), 1}, write);
}

std::vector<SramAccess> binary::getSramAccesses(const isa::Instruction &inst) {
  using namespace isa;
  std::vector<SramAccess> accesses;
  switch (inst.opcode) {
  case Opcode::Sync:
  case Opcode::End:
    break;
  case Opcode::Load:
  case Opcode::Store: {
    const auto &d = inst.get<Dma>();
    std::array<uint64_t, 4> extents;
    std::array<int64_t, 4> strides;
    for (unsigned i = 0; i < 4; ++i) {
      extents[i] = uint64_t(d.size[i]) +
                   (inst.opcode == Opcode::Load ? d.padLo[i] + d.padHi[i] : 0);
      strides[i] = d.sramStride[i];
    }
    accesses.push_back(getBoxAccess(d.buffer, d.sramAddr,
                                    elementSize(d.dtype), extents, strides,
                                    inst.opcode == Opcode::Load));
    break;
  }
  case Opcode::LoadDecomp: {
    const auto &d = inst.get<LoadDecomp>();
    accesses.push_back(getMatrixAccess(d.buffer, d.sramAddr,
                                       elementSize(d.dtype), d.rows, d.cols,
                                       d.sramRowStride, /*write=*/true));
    break;
  }
  case Opcode::Gemm:
  case Opcode::GemmNM:
  case Opcode::GemmSparse: {
    const auto &g = inst.get<Gemm>();
    unsigned es = elementSize(g.dtype);
    accesses.push_back(getMatrixAccess(Buffer::Act, g.actAddr, es, g.m, g.k,
                                       g.actRowStride, false));
    if (g.kind == Gemm::Kind::Dense) {
      accesses.push_back(getMatrixAccess(Buffer::Wgt, g.wgtAddr, es, g.n, g.k,
                                         g.wgtRowStride, false));
    } else if (g.kind == Gemm::Kind::NM) {
      accesses.push_back(getMatrixAccess(Buffer::Wgt, g.wgtAddr, es, g.n,
                                         getNMValuesPerRow(g.k, g.wN, g.wM),
                                         g.wgtRowStride, false));
      accesses.push_back(getMatrixAccess(
          Buffer::Wgt, g.metaAddr, 1, g.n,
          getNMMetaBytesPerRow(g.k, g.wN, g.wM), g.metaRowStride, false));
    } else {
      // The row pointers; values and indices depend on them (ISA §4.5).
      accesses.push_back(getMatrixAccess(Buffer::Wgt, g.ptrAddr(), 4, 1,
                                         uint64_t(g.n) + 1, 0, false));
    }
    if (g.accumulate)
      accesses.push_back(getMatrixAccess(Buffer::Acc, g.accAddr, 4, g.m, g.n,
                                         g.accRowStride, false));
    accesses.push_back(getMatrixAccess(Buffer::Acc, g.accAddr, 4, g.m, g.n,
                                       g.accRowStride, true));
    break;
  }
  case Opcode::Struct: {
    const auto &s = inst.get<Struct>();
    unsigned es = elementSize(s.dtype);
    accesses.push_back(getMatrixAccess(s.buffer, s.srcAddr, es, s.rows, s.cols,
                                       s.srcRowStride, false));
    accesses.push_back(getMatrixAccess(s.buffer, s.dstAddr, es, s.rows, s.cols,
                                       s.dstRowStride, true));
    break;
  }
  case Opcode::Vec: {
    const auto &v = inst.get<Vec>();
    auto view = [&](const VecOperand &operand, DType type, uint64_t cols,
                    bool write) {
      return getBoxAccess(operand.buffer, operand.addr, elementSize(type),
                          {v.rows, cols}, {operand.rowStride, operand.colStride},
                          write);
    };
    accesses.push_back(view(v.src1, v.srcType, v.cols, false));
    if (v.src2.buffer != Buffer::None) {
      // Quantisation scales are f32 whatever the data type (ISA §4.7).
      DType src2Type = getVecFuncKind(v.func) == VecFuncKind::Quantization
                           ? DType::F32
                           : v.srcType;
      accesses.push_back(view(v.src2, src2Type, v.cols, false));
    }
    bool reduces = getVecFuncKind(v.func) == VecFuncKind::Reduction;
    accesses.push_back(view(v.dst, v.dstType, reduces ? 1 : v.cols, true));
    break;
  }
  }
  return accesses;
}

/// The DRAM byte range a DMA instruction touches: [begin, end).
static std::pair<uint64_t, uint64_t> getDramRange(const isa::Dma &d) {
  std::array<uint64_t, 4> extents;
  std::array<int64_t, 4> strides;
  for (unsigned i = 0; i < 4; ++i) {
    extents[i] = d.size[i];
    strides[i] = d.dramStride[i];
  }
  auto [lo, hi] = getOffsetSpan(extents, strides);
  (void)lo; // DRAM strides are unsigned: lo is 0.
  unsigned es = isa::elementSize(d.dtype);
  return {d.dramAddr, uint64_t(d.dramAddr) + uint64_t(hi + 1) * es};
}

/// ISA §7 items 4–5 for one instruction.
static std::optional<std::string>
verifyInstruction(const isa::Instruction &inst,
                  const target::TargetDescription &target, uint64_t dramSize) {
  using namespace isa;
  for (const SramAccess &access : getSramAccesses(inst)) {
    uint64_t size = target.getScratchpad(access.buffer).bytes;
    if (access.begin == kBelowBuffer)
      return llvm::formatv("{0}s below address 0 of the {1} buffer: a "
                           "negative stride reaches past its base (ISA §7)",
                           access.write ? "write" : "read",
                           getName(access.buffer))
          .str();
    if (access.end > size)
      return llvm::formatv("{0}s bytes [{1:x}, {2:x}) outside the "
                           "{3}-byte {4} buffer (ISA §7)",
                           access.write ? "write" : "read", access.begin,
                           access.end, size, getName(access.buffer))
          .str();
  }
  if (inst.opcode == Opcode::Struct) {
    // ISA §4.6: in place, or apart.
    const auto &s = inst.get<Struct>();
    std::vector<SramAccess> accesses = getSramAccesses(inst);
    const SramAccess &src = accesses[0], &dst = accesses[1];
    bool inPlace = s.srcAddr == s.dstAddr && s.srcRowStride == s.dstRowStride;
    if (!inPlace && src.begin < dst.end && dst.begin < src.end)
      return std::string("the source and destination overlap without being "
                         "the same (ISA §4.6)");
  }
  switch (inst.opcode) {
  case Opcode::Load:
  case Opcode::Store: {
    auto [begin, end] = getDramRange(inst.get<Dma>());
    if (end > dramSize)
      return llvm::formatv("DRAM range [{0:x}, {1:x}) lies outside the "
                           "{2:x} bytes of DRAM (ISA §7)",
                           begin, end, dramSize)
          .str();
    break;
  }
  case Opcode::LoadDecomp: {
    const auto &d = inst.get<LoadDecomp>();
    uint64_t metaBytes =
        d.format == Format::NM
            ? uint64_t(d.rows) * getNMMetaBytesPerRow(d.cols, d.n, d.m)
            : uint64_t(d.rows) * llvm::divideCeil(d.cols, 8);
    if (!inRange(d.dramMetaAddr, metaBytes, dramSize))
      return llvm::formatv("metadata [{0:x}, +{1:x}) lies outside the {2:x} "
                           "bytes of DRAM (ISA §7)",
                           d.dramMetaAddr, metaBytes, dramSize)
          .str();
    if (d.format == Format::NM) {
      uint64_t valueBytes = uint64_t(d.rows) *
                            getNMValuesPerRow(d.cols, d.n, d.m) *
                            elementSize(d.dtype);
      if (!inRange(d.dramAddr, valueBytes, dramSize))
        return llvm::formatv("values [{0:x}, +{1:x}) lie outside the {2:x} "
                             "bytes of DRAM (ISA §7)",
                             d.dramAddr, valueBytes, dramSize)
            .str();
    } else if (d.dramAddr > dramSize) {
      return llvm::formatv("values at {0:x} lie outside the {1:x} bytes of "
                           "DRAM (ISA §7)",
                           d.dramAddr, dramSize)
          .str();
    }
    break;
  }
  case Opcode::GemmNM: {
    const auto &g = inst.get<Gemm>();
    if (!target.supportsNM(g.wN, g.wM)) {
      std::string supported;
      auto add = [&](const std::string &text) {
        supported += (supported.empty() ? "" : ", ") + text;
      };
      for (const target::MatrixMode &mode : target.modes) {
        if (mode.kind == target::MatrixMode::Kind::NM)
          for (const target::Pattern &p : mode.patterns)
            add(llvm::formatv("{0}:{1}", p.n, p.m).str());
        if (mode.kind == target::MatrixMode::Kind::Relaxed)
          add(llvm::formatv("N:M with M <= {0}", mode.maxM).str());
      }
      return llvm::formatv("target '{0}' cannot run {1}:{2} weights; it runs "
                           "{3} (ISA §4.3)",
                           target.name, g.wN, g.wM,
                           supported.empty() ? std::string("no N:M pattern")
                                             : supported)
          .str();
    }
    break;
  }
  case Opcode::GemmSparse:
    if (!target.findMode(target::MatrixMode::Kind::Unstructured))
      return llvm::formatv("target '{0}' has no unstructured-sparse mode "
                           "(ISA §4.4)",
                           target.name)
          .str();
    break;
  case Opcode::Struct:
    if (target.structLanes == 0)
      return llvm::formatv("target '{0}' has no structuring unit (ISA §4.6)",
                           target.name)
          .str();
    break;
  case Opcode::Vec: {
    const auto &v = inst.get<Vec>();
    if (!target.getVectorFunction(v.func))
      return llvm::formatv("target '{0}' has no vector function {1} "
                           "(ISA §4.7)",
                           target.name, getName(v.func))
          .str();
    break;
  }
  case Opcode::Gemm:
  case Opcode::Sync:
  case Opcode::End:
    break;
  }
  return std::nullopt;
}

Error binary::verifyProgram(const Program &program,
                            const target::TargetDescription &target) {
  if (program.targetFingerprint != target.fingerprint())
    return llvm::createStringError(
        llvm::formatv("the binary was built for target fingerprint {0:x16}, "
                      "but target '{1}' has fingerprint {2:x16} (ISA §6.5)",
                      program.targetFingerprint, target.name,
                      target.fingerprint())
            .str());
  for (unsigned q = 0; q < isa::kNumQueues; ++q) {
    const auto &queue = program.queues[q];
    auto queueKind = static_cast<isa::Queue>(q);
    for (size_t i = 0; i < queue.size(); ++i) {
      std::optional<std::string> message;
      if (Error err = isa::verifyQueuePlacement(queue[i], queueKind))
        message = llvm::toString(std::move(err));
      else if (queue[i].opcode == isa::Opcode::End && i + 1 != queue.size())
        message = "END is not the last instruction (ISA §2)";
      else if (queue[i].opcode != isa::Opcode::End && i + 1 == queue.size())
        message = "the queue does not end with END (ISA §2)";
      else
        message = verifyInstruction(queue[i], target, program.dramSize);
      if (message) {
        std::string layer;
        for (const Layer &l : program.layers)
          if (i >= l.begin[q] && i < l.end[q])
            layer = " (layer '" + l.name + "')";
        return llvm::createStringError(
            llvm::formatv("{0} queue, instruction {1}{2}: {3}: {4}",
                          isa::getName(queueKind), i, layer,
                          isa::getMnemonic(queue[i].opcode), *message)
                .str());
      }
    }
  }
  return Error::success();
}
