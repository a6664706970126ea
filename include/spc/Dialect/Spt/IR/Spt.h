//===- Spt.h - SPC target-level dialect -------------------------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The `spt` dialect: one op per instruction word of docs/ISA.md, and the
// container ops that hold the tables of a .spab binary.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_DIALECT_SPT_IR_SPT_H
#define SPC_DIALECT_SPT_IR_SPT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"

#include <optional>

#include "spc/Dialect/Spt/IR/SptDialect.h.inc"
#include "spc/Dialect/Spt/IR/SptEnums.h.inc"

namespace spc::spt {

/// Whether `attr` is constant data as `spt.constant` holds it: a
/// DenseResourceElementsAttr of rank 1 whose elements are i8 or ui8.
bool isByteBlob(mlir::Attribute attr);

/// The size in bytes of one element of `type` (ISA §1.1).
unsigned getElementSize(DType type);

namespace detail {
/// The checks every instruction op shares: queue placement (ISA §2) and the
/// `deps` flags its queue allows (ISA §1.2).
mlir::LogicalResult verifyInstruction(mlir::Operation *op);
} // namespace detail

} // namespace spc::spt

#include "spc/Dialect/Spt/IR/SptInterfaces.h.inc"

#define GET_OP_CLASSES
#include "spc/Dialect/Spt/IR/SptOps.h.inc"

#endif // SPC_DIALECT_SPT_IR_SPT_H
