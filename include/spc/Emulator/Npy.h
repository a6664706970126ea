//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Reads NPY format versions 1.0, 2.0 and 3.0 holding little-endian f32
// ('<f4'), int8 ('|i1') or int32 ('<i4') data in C order, and writes version
// 1.0. Errors name the file (`name`) and say what is wrong: another dtype
// (named), fortran_order, a bad header, or data shorter or longer than the
// shape calls for.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_EMULATOR_NPY_H
#define SPC_EMULATOR_NPY_H

#include "spc/Emulator/Emulator.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace spc::emu {

/// Parses an .npy image; `name` prefixes every error.
llvm::Expected<HostTensor> parseNpy(llvm::ArrayRef<uint8_t> bytes,
                                    llvm::StringRef name);
llvm::Expected<HostTensor> readNpyFile(llvm::StringRef path);

/// The NPY 1.0 image of `tensor`.
std::vector<uint8_t> writeNpy(const HostTensor &tensor);
/// Writes `tensor` to `path` atomically (no file on failure).
llvm::Error writeNpyFile(const HostTensor &tensor, llvm::StringRef path);

/// The NumPy descr string of a dtype ('<f4', '|i1', '<i4').
llvm::StringRef getNpyDescr(isa::DType dtype);
/// The dtype of a NumPy descr string; the error names the ones supported.
llvm::Expected<isa::DType> parseNpyDescr(llvm::StringRef descr);

} // namespace spc::emu

#endif // SPC_EMULATOR_NPY_H
