//===- SptDialect.cpp - Spt dialect registration --------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Dialect/Spt/IR/Spt.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace spc::spt;

#include "spc/Dialect/Spt/IR/SptDialect.cpp.inc"
#include "spc/Dialect/Spt/IR/SptEnums.cpp.inc"

void SptDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "spc/Dialect/Spt/IR/SptOps.cpp.inc"
      >();
}
