//===- SpaAttrDefs.td - Spa attributes and enums -----------*- tablegen -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_DIALECT_SPA_IR_SPAATTRDEFS_TD
#define SPC_DIALECT_SPA_IR_SPAATTRDEFS_TD

include "spc/Dialect/Spa/IR/SpaDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/TensorEncoding.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Spa_SparsityFormat : I32EnumAttr<"SparsityFormat",
    "how the non-zeros of a tensor are stored", [
      I32EnumAttrCase<"Dense", 0, "dense">,
      I32EnumAttrCase<"NM", 1, "nm">,
      I32EnumAttrCase<"Bitmap", 2, "bitmap">,
      I32EnumAttrCase<"CSR", 3, "csr">,
      I32EnumAttrCase<"TASD", 4, "tasd">
    ]> {
  let cppNamespace = "::spc::spa";
}

def Spa_GeluApproximation : I32EnumAttr<"GeluApproximation",
    "approximation used by gelu", [
      I32EnumAttrCase<"None", 0, "none">,
      I32EnumAttrCase<"Tanh", 1, "tanh">
    ]> {
  let cppNamespace = "::spc::spa";
}

def Spa_PadMode : I32EnumAttr<"PadMode", "how pad fills the border", [
      I32EnumAttrCase<"Constant", 0, "constant">,
      I32EnumAttrCase<"Reflect", 1, "reflect">,
      I32EnumAttrCase<"Edge", 2, "edge">
    ]> {
  let cppNamespace = "::spc::spa";
}

def Spa_ResizeMode : I32EnumAttr<"ResizeMode", "resize interpolation", [
      I32EnumAttrCase<"Nearest", 0, "nearest">,
      I32EnumAttrCase<"Linear", 1, "linear">
    ]> {
  let cppNamespace = "::spc::spa";
}

def Spa_CoordinateTransform : I32EnumAttr<"CoordinateTransform",
    "how resize maps an output coordinate to an input coordinate (ONNX "
    "coordinate_transformation_mode)", [
      I32EnumAttrCase<"HalfPixel", 0, "half_pixel">,
      I32EnumAttrCase<"PytorchHalfPixel", 1, "pytorch_half_pixel">,
      I32EnumAttrCase<"AlignCorners", 2, "align_corners">,
      I32EnumAttrCase<"Asymmetric", 3, "asymmetric">
    ]> {
  let cppNamespace = "::spc::spa";
}

def Spa_NearestRounding : I32EnumAttr<"NearestRounding",
    "how nearest-neighbour resize rounds a coordinate (ONNX nearest_mode)", [
      I32EnumAttrCase<"RoundPreferFloor", 0, "round_prefer_floor">,
      I32EnumAttrCase<"RoundPreferCeil", 1, "round_prefer_ceil">,
      I32EnumAttrCase<"Floor", 2, "floor">,
      I32EnumAttrCase<"Ceil", 3, "ceil">
    ]> {
  let cppNamespace = "::spc::spa";
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

class Spa_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Spa_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def Spa_NMPatternArrayParameter : ArrayRefParameter<"::spc::NMPattern",
                                                    "N:M patterns">;

def Spa_SparseEncodingAttr : Spa_Attr<"SparseEncoding", "encoding",
    [DeclareAttrInterfaceMethods<VerifiableTensorEncoding>]> {
  let summary = "How a weight tensor is stored on a sparse accelerator";
  let description = [{
    A tensor encoding, attached to a `tensor` type, that says how the tensor's
    non-zeros are stored. It is the contract between the layout passes, which
    choose and pack a format per weight, the backend, which emits the packed
    bytes, and the emulator's engines, which consume them.

    | form | meaning |
    |------|---------|
    | `#spa.encoding<dense>` | every value is stored |
    | `#spa.encoding<nm<N:M>, dim = D>` | in every group of `M` contiguous values along dimension `D`, at most `N` are non-zero; the `N` values and their in-group indices are stored |
    | `#spa.encoding<bitmap>` | a one-bit-per-value occupancy mask plus the non-zero values |
    | `#spa.encoding<csr>` | compressed sparse rows of the matrix view `[dim 0, product of the other dims]` |
    | `#spa.encoding<tasd<N1:M1, N2:M2, ...>, dim = D>` | a TASD series: the tensor is the sum of several N:M-structured terms along `D` (term `k` is the top-`Nk` of every `Mk` values of the residual left by the terms before it) |

    `M` may be any value from 1 to 256, so that fine-grained (2:4, 1:8) and
    relaxed wide-block patterns (16:128, 8:256) share one representation.
    When dimension `D` is not a multiple of `M`, the stored layout pads it with
    zeros; `padded = P` records the padded extent, which every `M` must
    divide.

    Example:

    ```mlir
    tensor<64x128x3x3xf32, #spa.encoding<nm<2:4>, dim = 1>>
    tensor<64x3x7x7xf32, #spa.encoding<nm<1:4>, dim = 1, padded = 4>>
    tensor<768x768xf32, #spa.encoding<tasd<2:4, 1:8>, dim = 0>>
    ```
  }];
  let parameters = (ins
    "::spc::spa::SparsityFormat":$format,
    Spa_NMPatternArrayParameter:$patterns,
    DefaultValuedParameter<"int64_t", "-1">:$dim,
    DefaultValuedParameter<"int64_t", "0">:$padded
  );
  let builders = [
    AttrBuilder<(ins "::spc::spa::SparsityFormat":$format), [{
      return $_get($_ctxt, format, ::llvm::ArrayRef<::spc::NMPattern>(), -1, 0);
    }]>
  ];
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Whether values are stored in N:M groups (a single pattern or a series).
    bool isStructured() const {
      return getFormat() == SparsityFormat::NM ||
             getFormat() == SparsityFormat::TASD;
    }
    /// Fraction of positions that the encoding can hold as non-zeros, 1 for
    /// unstructured formats (which do not bound the density).
    double getMaxDensity() const;
  }];
}

def Spa_SparsityProfileAttr : Spa_Attr<"SparsityProfile", "sparsity"> {
  let summary = "Measured sparsity of a constant weight";
  let description = [{
    The result of `spa-annotate-sparsity` on a constant weight. `density` is
    the fraction of non-zero values. `dim` is the dimension along which the
    consuming contraction accumulates, so along which N:M groups are formed.
    `nm` lists, for each group size M in {4, 8, 16, 32, 64, 128, 256} that
    fits in the grouped dimension (and M = 4 for a shorter dimension), the
    smallest N such that the weight already satisfies N:M exactly: the
    largest count of non-zeros in any group. A dimension that M does not
    divide is treated as zero-padded. Larger M are not measured, since their
    groups would be mostly padding.

    Layout passes read it to decide, without touching the weight again,
    which of a target's N:M patterns a weight meets losslessly.

    Example:

    ```mlir
    %w = spa.constant {spa.sparsity = #spa.sparsity<density = 5.000000e-01,
        dim = 1, nm = [2:4, 4:8, 8:16, 16:32, 32:64]>}
        dense_resource<conv1_w> : tensor<64x64x3x3xf32>
    ```
  }];
  let parameters = (ins
    "::llvm::APFloat":$density,
    "int64_t":$dim,
    Spa_NMPatternArrayParameter:$nm
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The N:M pattern with the lowest N/M ratio; ties go to the smallest M,
    /// which needs the least index metadata and the simplest hardware.
    NMPattern getTightest() const;
    /// Whether the weight already satisfies `pattern` exactly. Only the
    /// measured group sizes are known; any other M answers false.
    bool satisfies(NMPattern pattern) const;
  }];
}

#endif // SPC_DIALECT_SPA_IR_SPAATTRDEFS_TD
