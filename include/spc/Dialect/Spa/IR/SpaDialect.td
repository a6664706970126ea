//===- SpaDialect.td - Sparse-accelerator dialect ----------*- tablegen -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_DIALECT_SPA_IR_SPADIALECT_TD
#define SPC_DIALECT_SPA_IR_SPADIALECT_TD

include "mlir/IR/OpBase.td"

def Spa_Dialect : Dialect {
  let name = "spa";
  let cppNamespace = "::spc::spa";
  let summary = "Tensor-level operations of SPC's sparse-accelerator compiler";
  let description = [{
    The `spa` dialect carries a neural-network graph after it has been
    imported from ONNX. Its operations have tensor (value) semantics and mirror
    the ONNX operators that real CNNs and transformers use, in a normalized
    form: attributes are explicit and fully specified, shapes are checked by
    verifiers, and constants are held in resource blobs so that large weights
    never become text.

    The dialect also defines the sparsity encoding attribute
    (`#spa.encoding`), which describes how a weight tensor is stored on a
    sparse accelerator (dense, N:M, bitmap, CSR or a TASD series of N:M terms),
    and the sparsity profile (`#spa.sparsity`) that `spa-annotate-sparsity`
    measures on constant weights.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
}

#endif // SPC_DIALECT_SPA_IR_SPADIALECT_TD
