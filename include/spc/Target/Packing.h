//===- Packing.h - Packed weight formats of the ISA -------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Packs dense row-major matrices into the constant layouts of docs/ISA.md
// §6.4 (N:M, bitmap, CSR; §6.4.4 for how the parts sit in one constant) and
// unpacks them again. The layout passes and the binary emitter pack weights
// with these; the tests unpack to check them. A value counts as non-zero when
// it compares unequal to zero, so -0.0 is not stored and unpacks as +0.0.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_TARGET_PACKING_H
#define SPC_TARGET_PACKING_H

#include "spc/Target/ISA.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace spc::packing {

/// Where the parts of a packed constant start, in bytes from its start, and
/// its total size (ISA §6.4.4). For N:M: values, then metadata. For bitmap:
/// the bitmap, then values. For CSR: pointers, indices, then values.
struct Layout {
  uint64_t firstBytes = 0;  ///< values (N:M), bitmap, or row pointers (CSR)
  uint64_t secondOffset = 0;
  uint64_t secondBytes = 0; ///< metadata (N:M), values (bitmap), indices (CSR)
  uint64_t thirdOffset = 0;
  uint64_t thirdBytes = 0;  ///< values (CSR only)
  uint64_t totalBytes = 0;
};

/// The DRAM bytes of an N:M matrix whose values part crosses the channel
/// bitmap-compressed: the values (`rows` x values per row, §6.4.1) as a
/// bitmap constant of their `nonZeros` non-zeros (§6.4.2), which `LOAD.DECOMP`
/// expands in the scratchpad, and the metadata as a constant of its own.
/// Cheaper than the plain N:M constant when most stored values are zero
/// (a sparse weight, or a TASD term of one).
uint64_t getNMCompressedBytes(isa::DType dtype, uint64_t rows, uint64_t cols,
                              unsigned n, unsigned m, uint64_t nonZeros);

/// What an N:M matrix of `nonZeros` non-zeros moves through DRAM: the
/// smaller of the plain constant and the compressed one.
uint64_t getNMDramBytes(isa::DType dtype, uint64_t rows, uint64_t cols,
                        unsigned n, unsigned m, uint64_t nonZeros);

/// Bits of one N:M index: max(1, ceil(log2 m)) (ISA §6.4.1).
unsigned getIndexBits(unsigned m);
/// Stored values per row and metadata bytes per row of an N:M packing.
uint64_t getNMValuesPerRow(uint64_t cols, unsigned n, unsigned m);
uint64_t getNMMetaBytesPerRow(uint64_t cols, unsigned n, unsigned m);

/// The layout of a `format` constant holding `nonZeros` stored values
/// (ignored for dense and N:M, whose sizes do not depend on the data).
Layout getLayout(isa::Format format, isa::DType dtype, uint64_t rows,
                 uint64_t cols, unsigned n, unsigned m, uint64_t nonZeros);

/// The number of set bits in the first `rows` rows of a `cols`-bit bitmap
/// (ISA §6.4.2); `bitmap` holds at least rows * ceil(cols / 8) bytes.
uint64_t countBitmap(llvm::ArrayRef<uint8_t> bitmap, uint64_t rows,
                     uint64_t cols);

/// Checks the `rows + 1` row pointers at the start of a CSR constant: they
/// start at 0 and never decrease (ISA §6.4.3). `data` holds them.
llvm::Error checkCSRPointers(llvm::ArrayRef<uint8_t> data, uint64_t rows);
/// Checks the column indices of a CSR constant whose size matches its row
/// pointers: below `cols` and strictly increasing within a row.
llvm::Error checkCSRIndices(llvm::ArrayRef<uint8_t> data, uint64_t rows,
                            uint64_t cols);

/// Packs `dense` (rows x cols elements of `dtype`, row-major, little-endian)
/// as `format`. N:M needs `cols` to be a multiple of `m` and fails, naming
/// the row and group, when a group holds more than `n` non-zeros.
llvm::Expected<std::vector<uint8_t>> pack(llvm::ArrayRef<uint8_t> dense,
                                          isa::DType dtype, uint64_t rows,
                                          uint64_t cols, isa::Format format,
                                          unsigned n = 0, unsigned m = 0);

/// Unpacks a constant produced by `pack` (or read from a binary) back to the
/// dense row-major matrix, checking its size and metadata.
llvm::Expected<std::vector<uint8_t>> unpack(llvm::ArrayRef<uint8_t> data,
                                            isa::DType dtype, uint64_t rows,
                                            uint64_t cols, isa::Format format,
                                            unsigned n = 0, unsigned m = 0);

} // namespace spc::packing

#endif // SPC_TARGET_PACKING_H
