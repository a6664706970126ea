//===- SpaInterfaces.td - Spa op interfaces ----------------*- tablegen -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_DIALECT_SPA_IR_SPAINTERFACES_TD
#define SPC_DIALECT_SPA_IR_SPAINTERFACES_TD

include "mlir/IR/OpBase.td"

def Spa_ContractionOpInterface : OpInterface<"ContractionOpInterface"> {
  let cppNamespace = "::spc::spa";
  let description = [{
    An operation that multiplies and accumulates (convolution, matmul, gemm).
    For each operand that takes part in the products, it names the dimension
    along which the products are accumulated. N:M sparsity is defined over
    groups of contiguous values along that dimension, so sparsity analysis,
    format selection and TASD decomposition all ask this interface where the
    groups of a weight run.
  }];
  let methods = [
    InterfaceMethod<[{
        Returns the dimension of `operand` that is reduced by the
        contraction, or std::nullopt when the operand is not multiplied
        (for example a bias).
      }],
      "std::optional<int64_t>", "getReductionDim",
      (ins "::mlir::OpOperand &":$operand)>,
  ];
}

#endif // SPC_DIALECT_SPA_IR_SPAINTERFACES_TD
