//===- SpaOps.td - Spa tensor-level operations -------------*- tablegen -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_DIALECT_SPA_IR_SPAOPS_TD
#define SPC_DIALECT_SPA_IR_SPAOPS_TD

include "spc/Dialect/Spa/IR/SpaDialect.td"
include "spc/Dialect/Spa/IR/SpaAttrDefs.td"
include "spc/Dialect/Spa/IR/SpaInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Base classes and constraints
//===----------------------------------------------------------------------===//

class Spa_Op<string mnemonic, list<Trait> traits = []>
    : Op<Spa_Dialect, mnemonic, traits>;

/// Any ranked tensor of numbers; dimensions may be dynamic until the importer
/// or the user fixes them.
def Spa_Tensor : RankedTensorOf<[AnyFloat, AnyInteger]>;
def Spa_FloatTensor : RankedTensorOf<[AnyFloat]>;
def Spa_IndexTensor : RankedTensorOf<[I32, I64]>;
def Spa_BoolTensor : RankedTensorOf<[I1]>;
def Spa_QuantizedTensor : RankedTensorOf<[I8, UI8, SI8]>;
def Spa_DequantizableTensor : RankedTensorOf<[I8, UI8, SI8, I32, SI32]>;

def Spa_Pair : ConfinedAttr<DenseI64ArrayAttr, [DenseArrayCount<2>]>;
def Spa_Quad : ConfinedAttr<DenseI64ArrayAttr, [DenseArrayCount<4>]>;

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def Spa_ConstantOp : Spa_Op<"constant", [ConstantLike, Pure,
                                         AllTypesMatch<["value", "result"]>]> {
  let summary = "A constant tensor, usually a weight held in a resource blob";
  let description = [{
    Materializes a constant tensor. Weights imported from a model are held as
    `dense_resource` blobs, so they are stored once, printed as a compact
    hexadecimal section at the end of the file (or elided), and never parsed
    as text attributes. Small constants may use `dense`.

    Example:

    ```mlir
    %w = spa.constant dense_resource<conv1_weight> : tensor<64x3x7x7xf32>
    %s = spa.constant dense<1.0> : tensor<f32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Spa_Tensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

def Spa_Conv2DOp : Spa_Op<"conv2d", [Pure,
    DeclareOpInterfaceMethods<Spa_ContractionOpInterface>]> {
  let summary = "2-D convolution over NCHW tensors";
  let description = [{
    Cross-correlation of an `N x C x H x W` input with an
    `O x C/groups x KH x KW` weight, as ONNX `Conv`. `pads` is
    `[top, left, bottom, right]`; `groups == C == O` is a depthwise
    convolution. The optional bias has shape `[O]`.

    Float convolutions use one element type throughout. An 8-bit integer
    convolution (`ConvInteger`-style, after zero points are removed)
    accumulates into `i32`; its bias is `i32`.

    Example:

    ```mlir
    %y = spa.conv2d %x, %w, %b strides [2, 2] pads [3, 3, 3, 3]
        : (tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>)
        -> tensor<1x64x112x112xf32>
    ```
  }];
  let arguments = (ins Spa_Tensor:$input, Spa_Tensor:$weight,
                       Optional<Spa_Tensor>:$bias,
                       DefaultValuedAttr<Spa_Pair, "{1, 1}">:$strides,
                       DefaultValuedAttr<Spa_Quad, "{0, 0, 0, 0}">:$pads,
                       DefaultValuedAttr<Spa_Pair, "{1, 1}">:$dilations,
                       DefaultValuedAttr<ConfinedAttr<I64Attr, [IntPositive]>,
                                         "1">:$groups);
  let results = (outs Spa_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? (`strides` $strides^)? (`pads` $pads^)?
    (`dilations` $dilations^)? (`groups` $groups^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Spa_ConvTranspose2DOp : Spa_Op<"conv_transpose2d", [Pure,
    DeclareOpInterfaceMethods<Spa_ContractionOpInterface>]> {
  let summary = "2-D transposed convolution over NCHW tensors";
  let description = [{
    The gradient of `spa.conv2d` with respect to its input, as ONNX
    `ConvTranspose`. The weight is `C x O/groups x KH x KW`. The output
    height is `strides[0] * (H - 1) + output_padding[0] +
    dilations[0] * (KH - 1) + 1 - pads[0] - pads[2]`, and likewise for the
    width.

    Example:

    ```mlir
    %y = spa.conv_transpose2d %x, %w strides [2, 2] pads [1, 1, 1, 1]
        output_padding [1, 1]
        : (tensor<1x64x28x28xf32>, tensor<64x32x3x3xf32>)
        -> tensor<1x32x56x56xf32>
    ```
  }];
  let arguments = (ins Spa_Tensor:$input, Spa_Tensor:$weight,
                       Optional<Spa_Tensor>:$bias,
                       DefaultValuedAttr<Spa_Pair, "{1, 1}">:$strides,
                       DefaultValuedAttr<Spa_Quad, "{0, 0, 0, 0}">:$pads,
                       DefaultValuedAttr<Spa_Pair, "{1, 1}">:$dilations,
                       DefaultValuedAttr<Spa_Pair, "{0, 0}">:$output_padding,
                       DefaultValuedAttr<ConfinedAttr<I64Attr, [IntPositive]>,
                                         "1">:$groups);
  let results = (outs Spa_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? (`strides` $strides^)? (`pads` $pads^)?
    (`dilations` $dilations^)? (`output_padding` $output_padding^)?
    (`groups` $groups^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Spa_MatMulOp : Spa_Op<"matmul", [Pure,
    DeclareOpInterfaceMethods<Spa_ContractionOpInterface>]> {
  let summary = "Batched matrix product with NumPy broadcasting";
  let description = [{
    `numpy.matmul` semantics, as ONNX `MatMul`: the last two dimensions are
    multiplied and the leading (batch) dimensions broadcast. A 1-D left
    operand is treated as a row vector and a 1-D right operand as a column
    vector, and the added dimension is removed from the result. 8-bit integer
    operands accumulate into `i32` (ONNX `MatMulInteger`).

    Example:

    ```mlir
    %y = spa.matmul %a, %b
        : (tensor<8x128x768xf32>, tensor<768x3072xf32>) -> tensor<8x128x3072xf32>
    ```
  }];
  let arguments = (ins Spa_Tensor:$lhs, Spa_Tensor:$rhs);
  let results = (outs Spa_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Spa_GemmOp : Spa_Op<"gemm", [Pure,
    DeclareOpInterfaceMethods<Spa_ContractionOpInterface>]> {
  let summary = "General matrix multiply, the fully-connected layer";
  let description = [{
    `alpha * op(A) * op(B) + beta * C`, as ONNX `Gemm`, where `op` transposes
    its operand when `trans_a` / `trans_b` is set. `A` and `B` are 2-D; the
    optional `C` broadcasts to the `M x N` result.

    Example:

    ```mlir
    %y = spa.gemm %x, %w, %b trans_b
        : (tensor<1x2048xf32>, tensor<1000x2048xf32>, tensor<1000xf32>)
        -> tensor<1x1000xf32>
    ```
  }];
  let arguments = (ins Spa_Tensor:$a, Spa_Tensor:$b, Optional<Spa_Tensor>:$c,
                       DefaultValuedAttr<F32Attr, "1.0f">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0f">:$beta,
                       UnitAttr:$trans_a, UnitAttr:$trans_b);
  let results = (outs Spa_Tensor:$result);
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? (`alpha` $alpha^)? (`beta` $beta^)?
    (`trans_a` $trans_a^)? (`trans_b` $trans_b^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Element-wise binary operations
//===----------------------------------------------------------------------===//

class Spa_BinaryOp<string mnemonic, list<Trait> traits = []>
    : Spa_Op<mnemonic, !listconcat(traits, [Pure, ResultsBroadcastableShape,
                                            SameOperandsAndResultElementType])> {
  let arguments = (ins Spa_Tensor:$lhs, Spa_Tensor:$rhs);
  let results = (outs Spa_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let description = [{
    Element-wise with multidirectional (NumPy) broadcasting, as the ONNX
    operator of the same name.

    Example:

    ```mlir
    %y = spa.}] # mnemonic # [{ %a, %b
        : (tensor<1x64x56x56xf32>, tensor<64x1x1xf32>) -> tensor<1x64x56x56xf32>
    ```
  }];
}

def Spa_AddOp : Spa_BinaryOp<"add", [Commutative]> {
  let summary = "Element-wise addition";
  let hasFolder = 1;
}
def Spa_SubOp : Spa_BinaryOp<"sub"> {
  let summary = "Element-wise subtraction";
  let hasFolder = 1;
}
def Spa_MulOp : Spa_BinaryOp<"mul", [Commutative]> {
  let summary = "Element-wise multiplication";
  let hasFolder = 1;
}
def Spa_DivOp : Spa_BinaryOp<"div"> {
  let summary = "Element-wise division";
  let hasFolder = 1;
}
def Spa_MaxOp : Spa_BinaryOp<"max", [Commutative]> {
  let summary = "Element-wise maximum";
  let hasFolder = 1;
}
def Spa_MinOp : Spa_BinaryOp<"min", [Commutative]> {
  let summary = "Element-wise minimum";
  let hasFolder = 1;
}
def Spa_PowOp : Spa_BinaryOp<"pow"> {
  let summary = "Element-wise power";
  let hasFolder = 1;
}

def Spa_PReluOp : Spa_Op<"prelu", [Pure, SameOperandsElementType,
                                   AllTypesMatch<["input", "result"]>]> {
  let summary = "Leaky ReLU with a learned slope";
  let description = [{
    `x < 0 ? slope * x : x`, where `slope` broadcasts unidirectionally to the
    input, as ONNX `PRelu`.

    Example:

    ```mlir
    %y = spa.prelu %x, %slope
        : (tensor<1x64x56x56xf32>, tensor<64x1x1xf32>) -> tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins Spa_FloatTensor:$input, Spa_FloatTensor:$slope);
  let results = (outs Spa_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $slope attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Element-wise selection
//===----------------------------------------------------------------------===//

def Spa_SelectOp : Spa_Op<"select", [Pure, ResultsBroadcastableShape,
    AllElementTypesMatch<["true_value", "false_value", "result"]>]> {
  let summary = "Element-wise choice between two tensors";
  let description = [{
    `condition ? true_value : false_value` element-wise, as ONNX `Where`. All
    three operands broadcast multidirectionally (NumPy) to the result; the
    two values and the result share one element type.

    Example:

    ```mlir
    %y = spa.select %mask, %scores, %neg_inf
        : (tensor<1x1x128x128xi1>, tensor<1x12x128x128xf32>, tensor<f32>)
        -> tensor<1x12x128x128xf32>
    ```
  }];
  let arguments = (ins Spa_BoolTensor:$condition, Spa_Tensor:$true_value,
                       Spa_Tensor:$false_value);
  let results = (outs Spa_Tensor:$result);
  let assemblyFormat = [{
    $condition `,` $true_value `,` $false_value attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Element-wise unary operations
//===----------------------------------------------------------------------===//

class Spa_UnaryOp<string mnemonic, string expr, list<Trait> traits = [],
                  Type tensorType = Spa_FloatTensor>
    : Spa_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultType])> {
  let arguments = (ins tensorType:$input);
  let results = (outs tensorType:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let description = [{
    Computes `}] # expr # [{` element-wise.

    Example:

    ```mlir
    %y = spa.}] # mnemonic # [{ %x : tensor<1x64x56x56xf32>
    ```
  }];
}

def Spa_ReluOp : Spa_UnaryOp<"relu", "max(x, 0)", [], Spa_Tensor> {
  let summary = "Rectified linear unit";
  let hasFolder = 1;
}
def Spa_SigmoidOp : Spa_UnaryOp<"sigmoid", "1 / (1 + exp(-x))"> {
  let summary = "Logistic sigmoid";
}
def Spa_HardSwishOp : Spa_UnaryOp<"hard_swish", "x * max(0, min(1, x / 6 + 1 / 2))"> {
  let summary = "Hard swish (MobileNetV3)";
}
def Spa_TanhOp : Spa_UnaryOp<"tanh", "tanh(x)"> {
  let summary = "Hyperbolic tangent";
}
def Spa_ErfOp : Spa_UnaryOp<"erf", "erf(x)"> {
  let summary = "Gauss error function";
}
def Spa_ExpOp : Spa_UnaryOp<"exp", "exp(x)"> {
  let summary = "Natural exponential";
}
def Spa_LogOp : Spa_UnaryOp<"log", "ln(x)"> {
  let summary = "Natural logarithm";
}
def Spa_SqrtOp : Spa_UnaryOp<"sqrt", "sqrt(x)"> {
  let summary = "Square root";
}
def Spa_ReciprocalOp : Spa_UnaryOp<"reciprocal", "1 / x"> {
  let summary = "Reciprocal";
}
def Spa_NegOp : Spa_UnaryOp<"neg", "-x", [Involution], Spa_Tensor> {
  let summary = "Negation";
}
def Spa_AbsOp : Spa_UnaryOp<"abs", "|x|", [Idempotent], Spa_Tensor> {
  let summary = "Absolute value";
}

def Spa_LeakyReluOp : Spa_UnaryOp<"leaky_relu", "x < 0 ? alpha * x : x"> {
  let summary = "Leaky rectified linear unit";
  let arguments = (ins Spa_FloatTensor:$input,
                       DefaultValuedAttr<F32Attr, "0.01f">:$alpha);
  let assemblyFormat = "$input (`alpha` $alpha^)? attr-dict `:` type($result)";
}

def Spa_HardSigmoidOp : Spa_UnaryOp<"hard_sigmoid",
                                    "max(0, min(1, alpha * x + beta))"> {
  let summary = "Piecewise-linear sigmoid";
  let arguments = (ins Spa_FloatTensor:$input,
                       DefaultValuedAttr<F32Attr, "0.2f">:$alpha,
                       DefaultValuedAttr<F32Attr, "0.5f">:$beta);
  let assemblyFormat = [{
    $input (`alpha` $alpha^)? (`beta` $beta^)? attr-dict `:` type($result)
  }];
}

def Spa_GeluOp : Spa_UnaryOp<"gelu", "x * Phi(x)"> {
  let summary = "Gaussian error linear unit";
  let description = [{
    `x * Phi(x)`, where `Phi` is the standard normal CDF, as ONNX `Gelu`.
    With `approximate = tanh` it uses
    `0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))`.

    Example:

    ```mlir
    %y = spa.gelu %x approximate tanh : tensor<1x128x3072xf32>
    ```
  }];
  let arguments = (ins Spa_FloatTensor:$input,
                       DefaultValuedAttr<Spa_GeluApproximation,
                                         "GeluApproximation::None">:$approximate);
  let assemblyFormat = [{
    $input (`approximate` $approximate^)? attr-dict `:` type($result)
  }];
}

def Spa_ClipOp : Spa_UnaryOp<"clip", "min(max(x, min), max)", [], Spa_Tensor> {
  let summary = "Clamp to a range";
  let description = [{
    Clamps every element to `[min, max]`; a missing bound is unbounded, as
    ONNX `Clip` (whose bounds the importer folds into attributes). ReLU6 is
    `spa.clip %x min 0.0 max 6.0`.

    Example:

    ```mlir
    %y = spa.clip %x min 0.000000e+00 max 6.000000e+00 : tensor<1x32x112x112xf32>
    ```
  }];
  let arguments = (ins Spa_Tensor:$input, OptionalAttr<F64Attr>:$min,
                       OptionalAttr<F64Attr>:$max);
  let assemblyFormat = [{
    $input (`min` $min^)? (`max` $max^)? attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

def Spa_CastOp : Spa_Op<"cast", [Pure]> {
  let summary = "Element type conversion";
  let description = [{
    Converts every element to the result's element type, as ONNX `Cast`. The
    shape does not change. Signless and signed integers are two's complement;
    `i1` is ONNX `bool`.

    * Float to integer rounds toward zero. ONNX leaves the result undefined
      when the truncated value (or NaN, or an infinity) is out of the target
      range. SPC does not saturate either: the value of such an element is
      unspecified, so that each target may use its native conversion
      instruction, and a folder must not evaluate it.
    * Integer to integer sign-extends (zero-extends from an unsigned source)
      or keeps the low bits, as ONNX does: `200 : i16` becomes `-56 : i8`.
    * Float to float and integer to float round to nearest even; a value
      beyond the target's range becomes an infinity.
    * To `i1`, zero (either sign of it, for floats) is false and every other
      value, NaN included, is true. From `i1`, true is `1` or `1.0`.

    Example:

    ```mlir
    %y = spa.cast %ids : tensor<1x128xi64> -> tensor<1x128xf32>
    ```
  }];
  let arguments = (ins Spa_Tensor:$input);
  let results = (outs Spa_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

def Spa_SoftmaxOp : Spa_Op<"softmax", [Pure, SameOperandsAndResultType]> {
  let summary = "Softmax along one axis";
  let description = [{
    `exp(x - max) / sum(exp(x - max))` along `axis` (ONNX opset 13
    semantics; older opsets are converted by the importer).

    Example:

    ```mlir
    %y = spa.softmax %x axis 3 : tensor<1x12x128x128xf32>
    ```
  }];
  let arguments = (ins Spa_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Spa_FloatTensor:$result);
  let assemblyFormat = "$input `axis` $axis attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Spa_LogSoftmaxOp : Spa_Op<"log_softmax", [Pure,
                                             SameOperandsAndResultType]> {
  let summary = "Logarithm of the softmax along one axis";
  let description = [{
    `x - max - log(sum(exp(x - max)))` along `axis`, as ONNX `LogSoftmax`
    (opset 13 semantics; older opsets are converted by the importer). It is
    one op rather than `spa.log` of `spa.softmax` because that composition
    gives `-inf` wherever the softmax underflows to zero.

    Example:

    ```mlir
    %y = spa.log_softmax %x axis 1 : tensor<1x1000xf32>
    ```
  }];
  let arguments = (ins Spa_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Spa_FloatTensor:$result);
  let assemblyFormat = "$input `axis` $axis attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Spa_LayerNormOp : Spa_Op<"layer_norm", [Pure,
                                            AllTypesMatch<["input", "result"]>,
                                            SameOperandsElementType]> {
  let summary = "Layer normalization";
  let description = [{
    Normalizes over the trailing dimensions from `axis` on:
    `(x - mean) / sqrt(var + epsilon) * scale + bias`, as ONNX
    `LayerNormalization`. `scale` and `bias` have the shape of the normalized
    dimensions.

    Example:

    ```mlir
    %y = spa.layer_norm %x, %gamma, %beta axis 2 epsilon 9.99999974E-6
        : (tensor<1x128x768xf32>, tensor<768xf32>, tensor<768xf32>)
        -> tensor<1x128x768xf32>
    ```
  }];
  let arguments = (ins Spa_FloatTensor:$input, Spa_FloatTensor:$scale,
                       Optional<Spa_FloatTensor>:$bias, I64Attr:$axis,
                       DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon);
  let results = (outs Spa_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? `axis` $axis (`epsilon` $epsilon^)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Spa_BatchNormOp : Spa_Op<"batch_norm", [Pure,
                                            AllTypesMatch<["input", "result"]>,
                                            SameOperandsElementType]> {
  let summary = "Batch normalization with running statistics (inference)";
  let description = [{
    `(x - mean) / sqrt(var + epsilon) * scale + bias` per channel (dimension
    1), as ONNX `BatchNormalization` in inference mode. Every parameter has
    shape `[C]`. Canonicalization folds it into a producing `spa.conv2d`
    that has no other user when the weight, the bias and the four
    parameters are `f32` constants.

    Example:

    ```mlir
    %y = spa.batch_norm %x, %scale, %bias, %mean, %var epsilon 1.0E-5
        : (tensor<1x64x56x56xf32>, tensor<64xf32>, tensor<64xf32>,
           tensor<64xf32>, tensor<64xf32>) -> tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins Spa_FloatTensor:$input, Spa_FloatTensor:$scale,
                       Spa_FloatTensor:$bias, Spa_FloatTensor:$mean,
                       Spa_FloatTensor:$variance,
                       DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon);
  let results = (outs Spa_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance
    (`epsilon` $epsilon^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

class Spa_Pool2DOp<string mnemonic, string what> : Spa_Op<mnemonic, [Pure,
    SameOperandsAndResultElementType]> {
  let summary = what # " pooling over NCHW tensors";
  let results = (outs Spa_Tensor:$result);
  let hasVerifier = 1;
}

def Spa_MaxPool2DOp : Spa_Pool2DOp<"max_pool2d", "Max"> {
  let description = [{
    The maximum of each `kernel` window, as ONNX `MaxPool`. Padded positions
    never win. `pads` is `[top, left, bottom, right]`; with `ceil_mode` the
    output size rounds up.

    Example:

    ```mlir
    %y = spa.max_pool2d %x kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1]
        : tensor<1x64x112x112xf32> -> tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins Spa_Tensor:$input, Spa_Pair:$kernel,
                       DefaultValuedAttr<Spa_Pair, "{1, 1}">:$strides,
                       DefaultValuedAttr<Spa_Quad, "{0, 0, 0, 0}">:$pads,
                       DefaultValuedAttr<Spa_Pair, "{1, 1}">:$dilations,
                       UnitAttr:$ceil_mode);
  let assemblyFormat = [{
    $input `kernel` $kernel (`strides` $strides^)? (`pads` $pads^)?
    (`dilations` $dilations^)? (`ceil_mode` $ceil_mode^)? attr-dict `:`
    type($input) `->` type($result)
  }];
}

def Spa_AvgPool2DOp : Spa_Pool2DOp<"avg_pool2d", "Average"> {
  let description = [{
    The mean of each `kernel` window, as ONNX `AveragePool`. Padded
    positions count towards the divisor only with `count_include_pad`.

    Example:

    ```mlir
    %y = spa.avg_pool2d %x kernel [2, 2] strides [2, 2]
        : tensor<1x64x56x56xf32> -> tensor<1x64x28x28xf32>
    ```
  }];
  let arguments = (ins Spa_FloatTensor:$input, Spa_Pair:$kernel,
                       DefaultValuedAttr<Spa_Pair, "{1, 1}">:$strides,
                       DefaultValuedAttr<Spa_Quad, "{0, 0, 0, 0}">:$pads,
                       UnitAttr:$ceil_mode, UnitAttr:$count_include_pad);
  let assemblyFormat = [{
    $input `kernel` $kernel (`strides` $strides^)? (`pads` $pads^)?
    (`ceil_mode` $ceil_mode^)? (`count_include_pad` $count_include_pad^)?
    attr-dict `:` type($input) `->` type($result)
  }];
}

class Spa_GlobalPoolOp<string mnemonic, string what>
    : Spa_Pool2DOp<mnemonic, "Global " # what> {
  let description = [{
    Reduces each `H x W` plane of an NCHW tensor to one value, giving
    `N x C x 1 x 1`.

    Example:

    ```mlir
    %y = spa.}] # mnemonic # [{ %x : tensor<1x2048x7x7xf32> -> tensor<1x2048x1x1xf32>
    ```
  }];
  let arguments = (ins Spa_Tensor:$input);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Spa_GlobalAvgPool2DOp : Spa_GlobalPoolOp<"global_avg_pool2d", "average">;
def Spa_GlobalMaxPool2DOp : Spa_GlobalPoolOp<"global_max_pool2d", "max">;

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class Spa_ReduceOp<string mnemonic, string what>
    : Spa_Op<mnemonic, [Pure, SameOperandsAndResultElementType]> {
  let summary = what # " over a set of axes";
  let description = [{
    Reduces `axes` (sorted, unique, non-negative), keeping them as size-1
    dimensions with `keepdims`, as the ONNX operator `Reduce}] # what # [{`.

    Example:

    ```mlir
    %y = spa.}] # mnemonic # [{ %x axes [2, 3] keepdims
        : tensor<1x64x56x56xf32> -> tensor<1x64x1x1xf32>
    ```
  }];
  let arguments = (ins Spa_Tensor:$input, DenseI64ArrayAttr:$axes,
                       UnitAttr:$keepdims);
  let results = (outs Spa_Tensor:$result);
  let assemblyFormat = [{
    $input `axes` $axes (`keepdims` $keepdims^)? attr-dict `:` type($input)
    `->` type($result)
  }];
  let hasVerifier = 1;
}

def Spa_ReduceMeanOp : Spa_ReduceOp<"reduce_mean", "Mean">;
def Spa_ReduceSumOp : Spa_ReduceOp<"reduce_sum", "Sum">;
def Spa_ReduceMaxOp : Spa_ReduceOp<"reduce_max", "Max">;
def Spa_ReduceMinOp : Spa_ReduceOp<"reduce_min", "Min">;

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Spa_TransposeOp : Spa_Op<"transpose", [Pure,
                                           SameOperandsAndResultElementType]> {
  let summary = "Permute dimensions";
  let description = [{
    Result dimension `i` is input dimension `perm[i]`, as ONNX `Transpose`.

    Example:

    ```mlir
    %y = spa.transpose %x perm [0, 2, 1, 3]
        : tensor<1x128x12x64xf32> -> tensor<1x12x128x64xf32>
    ```
  }];
  let arguments = (ins Spa_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Spa_Tensor:$result);
  let assemblyFormat = [{
    $input `perm` $perm attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Spa_ReshapeOp : Spa_Op<"reshape", [Pure,
                                       SameOperandsAndResultElementType]> {
  let summary = "Reinterpret a tensor with a new shape";
  let description = [{
    Row-major reshape to the result type, which must hold the same number
    of elements. The importer resolves ONNX `Reshape`'s `0` and `-1`
    entries, and `Flatten`, `Squeeze` and `Unsqueeze`, into the result type.

    Example:

    ```mlir
    %y = spa.reshape %x : tensor<1x2048x1x1xf32> -> tensor<1x2048xf32>
    ```
  }];
  let arguments = (ins Spa_Tensor:$input);
  let results = (outs Spa_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Spa_ConcatOp : Spa_Op<"concat", [Pure, SameOperandsAndResultElementType]> {
  let summary = "Join tensors along one axis";
  let description = [{
    Example:

    ```mlir
    %y = spa.concat %a, %b axis 1
        : (tensor<1x64x28x28xf32>, tensor<1x32x28x28xf32>) -> tensor<1x96x28x28xf32>
    ```
  }];
  let arguments = (ins Variadic<Spa_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Spa_Tensor:$result);
  let assemblyFormat = [{
    $inputs `axis` $axis attr-dict `:` functional-type($inputs, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Spa_SliceOp : Spa_Op<"slice", [Pure, SameOperandsAndResultElementType]> {
  let summary = "Strided slice with one start and step per dimension";
  let description = [{
    Element `i` of result dimension `d` is element
    `starts[d] + i * steps[d]` of input dimension `d`; the result type gives
    the extent. Steps may be negative. This is the normal form of ONNX
    `Slice`: the importer clamps and resolves negative indices and missing
    axes.

    Example:

    ```mlir
    %y = spa.slice %x starts [0, 0, 1, 1] steps [1, 1, 2, 2]
        : tensor<1x64x56x56xf32> -> tensor<1x64x28x28xf32>
    ```
  }];
  let arguments = (ins Spa_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$steps);
  let results = (outs Spa_Tensor:$result);
  let assemblyFormat = [{
    $input `starts` $starts `steps` $steps attr-dict `:` type($input) `->`
    type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Spa_PadOp : Spa_Op<"pad", [Pure, SameOperandsAndResultElementType]> {
  let summary = "Pad a tensor";
  let description = [{
    Adds `pads[d]` elements before and `pads[rank + d]` after dimension `d`
    (ONNX order), filled with `value`, by reflection, or by repeating the
    edge.

    Example:

    ```mlir
    %y = spa.pad %x pads [0, 0, 1, 1, 0, 0, 1, 1]
        : tensor<1x3x224x224xf32> -> tensor<1x3x226x226xf32>
    ```
  }];
  let arguments = (ins Spa_Tensor:$input, DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<Spa_PadMode,
                                         "PadMode::Constant">:$mode,
                       DefaultValuedAttr<F64Attr, "0.0">:$value);
  let results = (outs Spa_Tensor:$result);
  let assemblyFormat = [{
    $input `pads` $pads (`mode` $mode^)? (`value` $value^)? attr-dict `:`
    type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Spa_ExpandOp : Spa_Op<"expand", [Pure, SameOperandsAndResultElementType]> {
  let summary = "Broadcast a tensor to a larger shape";
  let description = [{
    Broadcasts the input to the result type, as ONNX `Expand`. The input's
    dimensions align with the result's trailing ones, and each is either 1
    (repeated) or the result's extent. ONNX broadcasts the input and the
    target shape in both directions; the importer writes that broadcast shape
    as the result type, so the target shape is not an operand.

    Example:

    ```mlir
    %y = spa.expand %x : tensor<64x1x1xf32> -> tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins Spa_Tensor:$input);
  let results = (outs Spa_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Spa_TileOp : Spa_Op<"tile", [Pure, SameOperandsAndResultElementType]> {
  let summary = "Repeat a tensor along every dimension";
  let description = [{
    Concatenates `repeats[d]` copies of the input along each dimension `d`,
    so result extent `d` is `input extent * repeats[d]`, as ONNX `Tile` (whose
    `repeats` input the importer folds into the attribute).

    Example:

    ```mlir
    %y = spa.tile %x repeats [1, 2, 1] : tensor<1x3x4xf32> -> tensor<1x6x4xf32>
    ```
  }];
  let arguments = (ins Spa_Tensor:$input, DenseI64ArrayAttr:$repeats);
  let results = (outs Spa_Tensor:$result);
  let assemblyFormat = [{
    $input `repeats` $repeats attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Spa_ResizeOp : Spa_Op<"resize", [Pure, SameOperandsAndResultElementType]> {
  let summary = "Nearest or linear resampling";
  let description = [{
    Resamples every dimension to the result extent, as ONNX `Resize`.
    Output coordinate `o` maps to input coordinate `x` by
    `coordinate_transform` with scale `scales[d]` (by default
    `out[d] / in[d]`); `nearest` rounds `x` by `nearest_rounding`, `linear`
    interpolates the neighbouring elements of every resized dimension.

    Example:

    ```mlir
    %y = spa.resize %x nearest coordinate_transform asymmetric
        nearest_rounding floor
        : tensor<1x256x13x13xf32> -> tensor<1x256x26x26xf32>
    ```
  }];
  let arguments = (ins Spa_Tensor:$input, Spa_ResizeMode:$mode,
                       DefaultValuedAttr<Spa_CoordinateTransform,
                           "CoordinateTransform::HalfPixel">:$coordinate_transform,
                       DefaultValuedAttr<Spa_NearestRounding,
                           "NearestRounding::RoundPreferFloor">:$nearest_rounding,
                       OptionalAttr<DenseF32ArrayAttr>:$scales);
  let results = (outs Spa_Tensor:$result);
  let assemblyFormat = [{
    $input $mode (`coordinate_transform` $coordinate_transform^)?
    (`nearest_rounding` $nearest_rounding^)? (`scales` $scales^)? attr-dict
    `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Spa_GatherOp : Spa_Op<"gather", [Pure]> {
  let summary = "Gather slices along one axis";
  let description = [{
    As ONNX `Gather`: the result shape is
    `data[:axis] ++ indices.shape ++ data[axis+1:]`. Negative indices count
    from the end.

    Example:

    ```mlir
    %y = spa.gather %table[%ids] axis 0
        : (tensor<30522x768xf32>, tensor<1x128xi64>) -> tensor<1x128x768xf32>
    ```
  }];
  let arguments = (ins Spa_Tensor:$data, Spa_IndexTensor:$indices,
                       I64Attr:$axis);
  let results = (outs Spa_Tensor:$result);
  let assemblyFormat = [{
    $data `[` $indices `]` `axis` $axis attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

def Spa_QuantizeOp : Spa_Op<"quantize", [Pure]> {
  let summary = "Affine quantization to 8-bit integers";
  let description = [{
    `saturate(round_half_even(x / scale) + zero_point)`, as ONNX
    `QuantizeLinear`. `scale` and `zero_point` are scalars (per-tensor) or
    1-D with the extent of dimension `axis` (per-channel).

    Example:

    ```mlir
    %q = spa.quantize %x, %scale, %zp
        : (tensor<1x64x56x56xf32>, tensor<f32>, tensor<i8>) -> tensor<1x64x56x56xi8>
    ```
  }];
  let arguments = (ins Spa_FloatTensor:$input, Spa_FloatTensor:$scale,
                       Spa_QuantizedTensor:$zero_point,
                       DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs Spa_QuantizedTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $zero_point (`axis` $axis^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Spa_DequantizeOp : Spa_Op<"dequantize", [Pure]> {
  let summary = "Affine dequantization of integers";
  let description = [{
    `(x - zero_point) * scale`, as ONNX `DequantizeLinear`, per-tensor or
    per-channel along `axis`.

    Example:

    ```mlir
    %x = spa.dequantize %q, %scale, %zp axis 0
        : (tensor<64x3x3x3xi8>, tensor<64xf32>, tensor<64xi8>) -> tensor<64x3x3x3xf32>
    ```
  }];
  let arguments = (ins Spa_DequantizableTensor:$input, Spa_FloatTensor:$scale,
                       Spa_DequantizableTensor:$zero_point,
                       DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs Spa_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $zero_point (`axis` $axis^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // SPC_DIALECT_SPA_IR_SPAOPS_TD
