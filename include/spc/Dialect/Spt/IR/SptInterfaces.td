//===- SptInterfaces.td - Spt op interfaces ----------------*- tablegen -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_DIALECT_SPT_IR_SPTINTERFACES_TD
#define SPC_DIALECT_SPT_IR_SPTINTERFACES_TD

include "mlir/IR/OpBase.td"

def Spt_InstructionOpInterface : OpInterface<"InstructionOpInterface"> {
  let cppNamespace = "::spc::spt";
  let description = [{
    An op that is exactly one instruction word of docs/ISA.md. It lives in an
    `spt.queue` and carries the word's `deps` flags (ISA §1.2). The interface
    verifier checks the queue placement of ISA §2 and which flags the queue
    allows.
  }];
  let methods = [
    InterfaceMethod<"Returns the `deps` flags of the word (ISA §1.2).",
      "::spc::spt::Deps", "getDeps">,
    StaticInterfaceMethod<[{
        Returns the queue the opcode must run on, or std::nullopt when it may
        run on any queue (SYNC and END).
      }],
      "std::optional<::spc::spt::Queue>", "getRequiredQueue">,
  ];
  let verify = [{ return ::spc::spt::detail::verifyInstruction($_op); }];
}

#endif // SPC_DIALECT_SPT_IR_SPTINTERFACES_TD
