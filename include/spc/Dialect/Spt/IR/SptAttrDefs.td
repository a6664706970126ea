//===- SptAttrDefs.td - Spt enums ---------------------------*- tablegen -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The enumerated fields of the instruction words and tables of docs/ISA.md.
// Every case has the integer code of the ISA, so the binary writer converts
// with a cast.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_DIALECT_SPT_IR_SPTATTRDEFS_TD
#define SPC_DIALECT_SPT_IR_SPTATTRDEFS_TD

include "spc/Dialect/Spt/IR/SptDialect.td"
include "mlir/IR/EnumAttr.td"

// clang-format off

/// ISA §1: scratchpad buffer ids; `none` only as a VEC src2.
def Spt_Buffer : I32EnumAttr<"Buffer", "scratchpad buffer (ISA §1)", [
      I32EnumAttrCase<"None", 0, "none">,
      I32EnumAttrCase<"Wgt", 1, "wgt">,
      I32EnumAttrCase<"Act", 2, "act">,
      I32EnumAttrCase<"Acc", 3, "acc">
    ]> {
  let cppNamespace = "::spc::spt";
}

/// ISA §1.1.
def Spt_DType : I32EnumAttr<"DType", "element type (ISA §1.1)", [
      I32EnumAttrCase<"F32", 1, "f32">,
      I32EnumAttrCase<"I8", 2, "i8">,
      I32EnumAttrCase<"I32", 3, "i32">
    ]> {
  let cppNamespace = "::spc::spt";
}

/// ISA §6.3, §6.4: how a constant (or a LOAD.DECOMP source) is packed.
def Spt_Format : I32EnumAttr<"Format", "packed weight format (ISA §6.4)", [
      I32EnumAttrCase<"Dense", 0, "dense">,
      I32EnumAttrCase<"NM", 1, "nm">,
      I32EnumAttrCase<"Bitmap", 2, "bitmap">,
      I32EnumAttrCase<"CSR", 3, "csr">
    ]> {
  let cppNamespace = "::spc::spt";
}

/// ISA §1.2. The order is the section order of the binary.
def Spt_Queue : I32EnumAttr<"Queue", "instruction queue (ISA §1.2)", [
      I32EnumAttrCase<"Load", 0, "load">,
      I32EnumAttrCase<"Compute", 1, "compute">,
      I32EnumAttrCase<"Store", 2, "store">
    ]> {
  let cppNamespace = "::spc::spt";
}

/// ISA §6.3, TENSORS table.
def Spt_TensorKind : I32EnumAttr<"TensorKind", "model input or output", [
      I32EnumAttrCase<"Input", 1, "input">,
      I32EnumAttrCase<"Output", 2, "output">
    ]> {
  let cppNamespace = "::spc::spt";
}

/// ISA §1.2: the `deps` byte.
def Spt_Deps : I32BitEnumAttr<"Deps", "dependency token flags (ISA §1.2)", [
      I32BitEnumAttrCaseNone<"none">,
      I32BitEnumAttrCaseBit<"PopPrev", 0, "pop_prev">,
      I32BitEnumAttrCaseBit<"PopNext", 1, "pop_next">,
      I32BitEnumAttrCaseBit<"PushPrev", 2, "push_prev">,
      I32BitEnumAttrCaseBit<"PushNext", 3, "push_next">
    ]> {
  let cppNamespace = "::spc::spt";
  let separator = ", ";
}

/// ISA §4.7: VEC functions.
def Spt_VecFunc : I32EnumAttr<"VecFunc", "vector unit function (ISA §4.7)", [
      I32EnumAttrCase<"Copy", 0, "copy">,
      I32EnumAttrCase<"Add", 1, "add">,
      I32EnumAttrCase<"Sub", 2, "sub">,
      I32EnumAttrCase<"Mul", 3, "mul">,
      I32EnumAttrCase<"Div", 4, "div">,
      I32EnumAttrCase<"Max", 5, "max">,
      I32EnumAttrCase<"Min", 6, "min">,
      I32EnumAttrCase<"Pow", 7, "pow">,
      I32EnumAttrCase<"Relu", 16, "relu">,
      I32EnumAttrCase<"LeakyRelu", 17, "leaky_relu">,
      I32EnumAttrCase<"Clip", 18, "clip">,
      I32EnumAttrCase<"Sigmoid", 19, "sigmoid">,
      I32EnumAttrCase<"Tanh", 20, "tanh">,
      I32EnumAttrCase<"Exp", 21, "exp">,
      I32EnumAttrCase<"Log", 22, "log">,
      I32EnumAttrCase<"Sqrt", 23, "sqrt">,
      I32EnumAttrCase<"Rsqrt", 24, "rsqrt">,
      I32EnumAttrCase<"Recip", 25, "recip">,
      I32EnumAttrCase<"Neg", 26, "neg">,
      I32EnumAttrCase<"Abs", 27, "abs">,
      I32EnumAttrCase<"Gelu", 28, "gelu">,
      I32EnumAttrCase<"Erf", 29, "erf">,
      I32EnumAttrCase<"HardSigmoid", 30, "hard_sigmoid">,
      I32EnumAttrCase<"HardSwish", 31, "hard_swish">,
      I32EnumAttrCase<"RSum", 48, "rsum">,
      I32EnumAttrCase<"RMax", 49, "rmax">,
      I32EnumAttrCase<"RMin", 50, "rmin">,
      I32EnumAttrCase<"Quant", 64, "quant">,
      I32EnumAttrCase<"Dequant", 65, "dequant">,
      I32EnumAttrCase<"Requant", 66, "requant">
    ]> {
  let cppNamespace = "::spc::spt";
}

// clang-format on

#endif // SPC_DIALECT_SPT_IR_SPTATTRDEFS_TD
