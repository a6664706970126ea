//===- SptDialect.td - SPC target-level dialect ------------*- tablegen -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_DIALECT_SPT_IR_SPTDIALECT_TD
#define SPC_DIALECT_SPT_IR_SPTDIALECT_TD

include "mlir/IR/OpBase.td"

def Spt_Dialect : Dialect {
  let name = "spt";
  let cppNamespace = "::spc::spt";
  let summary = "Target-level operations of SPC: one op per instruction word";
  let description = [{
    The `spt` ("SPC target") dialect is the last IR before the binary of
    docs/ISA.md. An `spt.program` holds everything a `.spab` file holds: the
    target, the I/O tensor table, the constants (as resource blobs), the layer
    table and the three instruction queues. Every instruction op maps 1:1 to
    one 64-byte instruction word, and every field of the word is a typed
    attribute of the op, so the binary writer (`spc-translate --emit-binary`)
    and reader (`--import-binary`) are exact inverses.

    Verifiers check every rule of the ISA that does not need the target
    (ranges, reserved-zero fields, queue placement, dependency flags, `END`
    last). Rules that need the target (scratchpad bounds, supported matrix
    modes) are checked by `binary::verifyProgram` when the program is emitted.
  }];
}

#endif // SPC_DIALECT_SPT_IR_SPTDIALECT_TD
