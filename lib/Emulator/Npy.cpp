//===- Npy.cpp - NumPy .npy files -------------------------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Emulator/Npy.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <limits>

using namespace llvm;

namespace spc::emu {

static Error npyError(StringRef name, const Twine &message) {
  return createStringError(inconvertibleErrorCode(),
                           Twine(name) + ": " + message);
}

Expected<isa::DType> parseNpyDescr(StringRef descr) {
  if (descr == "<f4")
    return isa::DType::F32;
  if (descr == "|i1" || descr == "<i1" || descr == "i1")
    return isa::DType::I8;
  if (descr == "<i4")
    return isa::DType::I32;
  return createStringError("unsupported dtype '" + descr +
                           "' (expected '<f4', '|i1' or '<i4')");
}

StringRef getNpyDescr(isa::DType dtype) {
  switch (dtype) {
  case isa::DType::F32:
    return "<f4";
  case isa::DType::I8:
    return "|i1";
  case isa::DType::I32:
    return "<i4";
  }
  return "?";
}

namespace {
/// A tiny parser for the Python dict literal of the NPY header.
struct HeaderParser {
  StringRef text;
  size_t pos = 0;

  void skipSpace() {
    while (pos < text.size() && isSpace(text[pos]))
      ++pos;
  }
  bool consume(char c) {
    skipSpace();
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  bool parseString(std::string &out) {
    skipSpace();
    if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"'))
      return false;
    char quote = text[pos++];
    size_t end = text.find(quote, pos);
    if (end == StringRef::npos)
      return false;
    out = text.slice(pos, end).str();
    pos = end + 1;
    return true;
  }
  bool parseWord(std::string &out) {
    skipSpace();
    size_t start = pos;
    while (pos < text.size() && isAlnum(text[pos]))
      ++pos;
    out = text.slice(start, pos).str();
    return !out.empty();
  }
  bool parseShape(std::vector<uint64_t> &shape) {
    if (!consume('('))
      return false;
    while (true) {
      skipSpace();
      if (consume(')'))
        return true;
      size_t start = pos;
      while (pos < text.size() && isDigit(text[pos]))
        ++pos;
      uint64_t dim;
      if (start == pos || text.slice(start, pos).getAsInteger(10, dim))
        return false;
      // Python 2 era writers add an 'L' suffix.
      if (pos < text.size() && text[pos] == 'L')
        ++pos;
      shape.push_back(dim);
      if (consume(','))
        continue;
      if (consume(')'))
        return true;
      return false;
    }
  }
};
} // namespace

Expected<HostTensor> parseNpy(ArrayRef<uint8_t> bytes, StringRef name) {
  static const uint8_t magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (bytes.size() < 10 || !std::equal(magic, magic + 6, bytes.begin()))
    return npyError(name, "not an .npy file (bad magic)");
  unsigned major = bytes[6];
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = bytes[8] | (size_t(bytes[9]) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return npyError(name, "truncated .npy header");
    headerLen = bytes[8] | (size_t(bytes[9]) << 8) |
                (size_t(bytes[10]) << 16) | (size_t(bytes[11]) << 24);
    headerStart = 12;
  } else {
    return npyError(name, "unsupported .npy format version " + Twine(major) +
                              "." + Twine(unsigned(bytes[7])));
  }
  if (headerLen > bytes.size() - headerStart)
    return npyError(name, "truncated .npy header");
  StringRef header(reinterpret_cast<const char *>(bytes.data()) + headerStart,
                   headerLen);

  HeaderParser p{header};
  std::string descr;
  std::optional<bool> fortran;
  std::optional<std::vector<uint64_t>> shape;
  if (!p.consume('{'))
    return npyError(name, "malformed .npy header: expected '{'");
  while (!p.consume('}')) {
    std::string key;
    if (!p.parseString(key) || !p.consume(':'))
      return npyError(name, "malformed .npy header near offset " +
                                Twine(headerStart + p.pos));
    if (key == "descr") {
      if (!p.parseString(descr))
        return npyError(name, "malformed .npy header: bad 'descr'");
    } else if (key == "fortran_order") {
      std::string word;
      if (!p.parseWord(word) || (word != "True" && word != "False"))
        return npyError(name, "malformed .npy header: bad 'fortran_order'");
      fortran = word == "True";
    } else if (key == "shape") {
      std::vector<uint64_t> dims;
      if (!p.parseShape(dims))
        return npyError(name, "malformed .npy header: bad 'shape'");
      shape = std::move(dims);
    } else {
      return npyError(name, "malformed .npy header: unknown key '" + key +
                                "'");
    }
    if (!p.consume(',')) {
      if (!p.consume('}'))
        return npyError(name, "malformed .npy header: expected ',' or '}'");
      break;
    }
  }
  if (descr.empty() || !fortran || !shape)
    return npyError(name, "malformed .npy header: needs 'descr', "
                          "'fortran_order' and 'shape'");

  HostTensor tensor;
  Expected<isa::DType> dtype = parseNpyDescr(descr);
  if (!dtype)
    return npyError(name, toString(dtype.takeError()));
  tensor.dtype = *dtype;
  if (*fortran)
    return npyError(name, "fortran_order arrays are not supported; save a "
                          "C-ordered array (numpy.ascontiguousarray)");
  tensor.shape = std::move(*shape);

  // Element count with overflow checks.
  uint64_t count = 1;
  for (uint64_t dim : tensor.shape) {
    if (dim != 0 && count > std::numeric_limits<uint64_t>::max() / 8 / dim)
      return npyError(name, "shape is too large");
    count *= dim;
  }
  uint64_t expected = count * isa::elementSize(tensor.dtype);
  size_t dataStart = headerStart + headerLen;
  uint64_t actual = bytes.size() - dataStart;
  if (actual < expected)
    return npyError(name, "truncated data: the shape needs " +
                              Twine(expected) + " bytes, the file has " +
                              Twine(actual));
  if (actual > expected)
    return npyError(name, "corrupt file: " + Twine(actual - expected) +
                              " bytes after the data");
  tensor.bytes.assign(bytes.begin() + dataStart, bytes.end());
  return tensor;
}

Expected<HostTensor> readNpyFile(StringRef path) {
  auto buffer = MemoryBuffer::getFile(path, /*IsText=*/false,
                                      /*RequiresNullTerminator=*/false);
  if (!buffer)
    return npyError(path, "cannot read: " + buffer.getError().message());
  ArrayRef<uint8_t> bytes(
      reinterpret_cast<const uint8_t *>((*buffer)->getBufferStart()),
      (*buffer)->getBufferSize());
  return parseNpy(bytes, path);
}

std::vector<uint8_t> writeNpy(const HostTensor &tensor) {
  std::string dict;
  raw_string_ostream os(dict);
  os << "{'descr': '" << getNpyDescr(tensor.dtype)
     << "', 'fortran_order': False, 'shape': (";
  for (uint64_t dim : tensor.shape)
    os << dim << (tensor.shape.size() == 1 ? "," : ", ");
  if (tensor.shape.size() > 1) {
    dict.pop_back();
    dict.pop_back();
  }
  os << "), }";
  // Pad with spaces and a newline so the data starts at a multiple of 64.
  size_t total = 10 + dict.size() + 1;
  size_t padded = alignTo(total, 64);
  dict.append(padded - total, ' ');
  dict.push_back('\n');

  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  out.push_back(dict.size() & 0xff);
  out.push_back((dict.size() >> 8) & 0xff);
  out.insert(out.end(), dict.begin(), dict.end());
  out.insert(out.end(), tensor.bytes.begin(), tensor.bytes.end());
  return out;
}

Error writeNpyFile(const HostTensor &tensor, StringRef path) {
  std::vector<uint8_t> image = writeNpy(tensor);
  return writeToOutput(path, [&](raw_ostream &os) {
    os.write(reinterpret_cast<const char *>(image.data()), image.size());
    return Error::success();
  });
}

} // namespace spc::emu
