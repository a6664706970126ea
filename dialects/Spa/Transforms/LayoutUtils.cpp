//===- LayoutUtils.cpp - Shared helpers of the layout passes --------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "LayoutUtils.h"

#include "spc/Support/Tasd.h"

#include "spc/Support/Sparsity.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace spc;
using namespace spc::spa;

FailureOr<std::optional<int64_t>> spa::getWeightReductionDim(Value value) {
  std::optional<int64_t> dim;
  for (OpOperand &use : value.getUses()) {
    auto contraction = dyn_cast<ContractionOpInterface>(use.getOwner());
    if (!contraction)
      continue;
    std::optional<int64_t> useDim = contraction.getReductionDim(use);
    if (!useDim)
      continue;
    if (dim && *dim != *useDim)
      return failure();
    dim = useDim;
  }
  return dim;
}

Operation *spa::getWeightUser(Value value) {
  for (OpOperand &use : value.getUses())
    if (auto contraction = dyn_cast<ContractionOpInterface>(use.getOwner()))
      if (contraction.getReductionDim(use))
        return use.getOwner();
  return nullptr;
}

static int64_t product(ArrayRef<int64_t> shape) {
  int64_t p = 1;
  for (int64_t d : shape)
    p *= d;
  return p;
}

std::optional<GemmShape> spa::getGemmShape(Operation *op) {
  auto shapeOf = [](Value v) {
    return cast<RankedTensorType>(v.getType()).getShape();
  };
  auto isStatic = [](ArrayRef<int64_t> shape) {
    return !ShapedType::isDynamicShape(shape);
  };
  GemmShape g;
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    ArrayRef<int64_t> w = shapeOf(conv.getWeight()), y = shapeOf(conv.getResult());
    if (!isStatic(w) || !isStatic(y))
      return std::nullopt;
    g.m = y[0] * y[2] * y[3];
    g.n = w[0];
    g.k = w[1] * w[2] * w[3];
    g.groupedExtent = w[1];
    return g;
  }
  if (auto matmul = dyn_cast<MatMulOp>(op)) {
    ArrayRef<int64_t> l = shapeOf(matmul.getLhs()), r = shapeOf(matmul.getRhs());
    if (!isStatic(l) || !isStatic(r) || r.size() > 2)
      return std::nullopt;
    g.k = l.back();
    g.m = g.k ? product(l) / g.k : 0;
    g.n = r.size() == 1 ? 1 : r[1];
    g.groupedExtent = g.k;
    return g;
  }
  if (auto gemm = dyn_cast<GemmOp>(op)) {
    ArrayRef<int64_t> a = shapeOf(gemm.getA()), b = shapeOf(gemm.getB());
    if (!isStatic(a) || !isStatic(b))
      return std::nullopt;
    g.m = a[gemm.getTransA() ? 1 : 0];
    g.k = a[gemm.getTransA() ? 0 : 1];
    g.n = b[gemm.getTransB() ? 0 : 1];
    g.groupedExtent = g.k;
    return g;
  }
  return std::nullopt;
}

std::optional<WeightValues> spa::readWeightValues(ElementsAttr attr) {
  std::optional<RawConstantData> raw = getRawConstantData(attr);
  if (!raw || raw->isSplat)
    return std::nullopt;
  Type type = attr.getElementType();
  int64_t count = attr.getNumElements();
  WeightValues values{std::vector<double>(count), type};
  const char *bytes = raw->bytes.data();
  for (int64_t i = 0; i < count; ++i) {
    if (type.isF32()) {
      float f;
      std::memcpy(&f, bytes + 4 * i, 4);
      values.v[i] = f;
    } else if (type.isF64()) {
      std::memcpy(&values.v[i], bytes + 8 * i, 8);
    } else if (type.isInteger(8)) {
      values.v[i] = type.isUnsignedInteger() ? double(uint8_t(bytes[i]))
                                             : double(int8_t(bytes[i]));
    } else {
      return std::nullopt;
    }
  }
  return values;
}

std::vector<char> spa::encodeWeightValues(const WeightValues &values,
                                          const std::vector<bool> &keep) {
  unsigned width = values.elementType.getIntOrFloatBitWidth() / 8;
  std::vector<char> bytes(values.v.size() * width);
  for (size_t i = 0; i < values.v.size(); ++i) {
    double v = keep[i] ? values.v[i] : 0.0;
    if (values.elementType.isF32()) {
      float f = float(v);
      std::memcpy(&bytes[4 * i], &f, 4);
    } else if (values.elementType.isF64()) {
      std::memcpy(&bytes[8 * i], &v, 8);
    } else {
      bytes[i] = char(int64_t(v));
    }
  }
  return bytes;
}

double spa::getMagnitude(double x) {
  return std::isnan(x) ? std::numeric_limits<double>::infinity()
                       : std::fabs(x);
}

void spa::setConstantData(ConstantOp constant, ArrayRef<char> bytes,
                          StringRef suffix) {
  auto type = cast<ShapedType>(constant.getType());
  if (isa<DenseElementsAttr>(constant.getValue())) {
    constant.setValueAttr(DenseElementsAttr::getFromRawBuffer(type, bytes));
    return;
  }
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      bytes, alignof(uint64_t));
  std::string name = "weight";
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue()))
    name = resource.getRawHandle().getKey().str();
  constant.setValueAttr(DenseResourceElementsAttr::get(
      type, name + suffix.str(), std::move(blob)));
}

std::string PruneSpec::str() const {
  switch (kind) {
  case Kind::None:
    return "none";
  case Kind::NM:
    return llvm::formatv("nm:{0}:{1}", n, m).str();
  case Kind::Unstructured: {
    // The shortest decimal that reads back as the same double.
    std::string number = llvm::formatv("{0:f6}", sparsity).str();
    while (number.size() > 3 && number.back() == '0')
      number.pop_back();
    return "unstructured:" + number;
  }
  }
  llvm_unreachable("unknown prune kind");
}

FailureOr<PruneSpec> spa::parsePruneSpec(StringRef text, std::string &error) {
  PruneSpec spec;
  std::string original = text.str();
  auto fail = [&](const Twine &why) {
    error = ("'" + original + "': " + why).str();
    return failure();
  };
  if (text == "none" || text == "dense")
    return spec;
  if (text.consume_front("nm:")) {
    auto [nText, mText] = text.split(':');
    if (nText.getAsInteger(10, spec.n) || mText.getAsInteger(10, spec.m))
      return fail("expected nm:N:M with integers N and M");
    if (spec.n < 1 || spec.n > spec.m || spec.m > kMaxGroupSize)
      return fail(llvm::formatv("N:M needs 1 <= N <= M <= {0} (ISA §4.3)",
                                kMaxGroupSize));
    spec.kind = PruneSpec::Kind::NM;
    return spec;
  }
  if (text.consume_front("unstructured:")) {
    if (text.getAsDouble(spec.sparsity) || !(spec.sparsity >= 0.0) ||
        !(spec.sparsity < 1.0))
      return fail("expected unstructured:S with a sparsity 0 <= S < 1");
    spec.kind = PruneSpec::Kind::Unstructured;
    return spec;
  }
  return fail("expected nm:N:M, unstructured:S or none");
}

FailureOr<Overrides> spa::readOverrides(StringRef path, std::string &error) {
  Overrides overrides;
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path);
  if (!file) {
    error = (path + ": cannot read: " + file.getError().message()).str();
    return failure();
  }
  llvm::Expected<llvm::json::Value> json =
      llvm::json::parse((*file)->getBuffer());
  if (!json) {
    error = (path + ": invalid JSON: " + llvm::toString(json.takeError())).str();
    return failure();
  }
  const llvm::json::Object *root = json->getAsObject();
  if (!root) {
    error = (path + ": expected an object keyed by layer name").str();
    return failure();
  }
  for (const auto &[layer, value] : *root) {
    std::string key = (path + ": key '" + layer.str() + "'").str();
    const llvm::json::Object *entry = value.getAsObject();
    if (!entry) {
      error = key + ": expected an object with \"prune\", \"format\", "
                    "\"tasd_weights\" and/or \"tasd_activations\"";
      return failure();
    }
    LayerOverride o;
    for (const auto &[field, fieldValue] : *entry) {
      std::optional<StringRef> text = fieldValue.getAsString();
      std::string where = key + "." + field.str();
      if (!text) {
        error = where + ": expected a string";
        return failure();
      }
      if (field == "prune") {
        std::string why;
        FailureOr<PruneSpec> spec = parsePruneSpec(*text, why);
        if (failed(spec)) {
          error = where + ": " + why;
          return failure();
        }
        o.prune = *spec;
      } else if (field == "tasd_weights" || field == "tasd_activations") {
        std::string why;
        std::optional<tasd::Series> series = tasd::parseSeries(*text, why);
        if (!series) {
          error = where + ": " + why;
          return failure();
        }
        if (field == "tasd_activations" && series->size() > 1) {
          error = where + ": activations take one N:M pattern, not '" +
                  text->str() + "'";
          return failure();
        }
        (field == "tasd_weights" ? o.tasdWeights : o.tasdActivations) =
            tasd::formatSeries(*series);
      } else if (field == "format") {
        if (!llvm::is_contained({"auto", "dense", "nm", "bitmap", "csr"},
                                *text)) {
          error = where + ": '" + text->str() +
                  "' is not a format (auto, dense, nm, bitmap, csr)";
          return failure();
        }
        if (*text != "auto")
          o.format = text->str();
      } else {
        error = where + ": unknown field (expected \"prune\", \"format\", "
                        "\"tasd_weights\" or \"tasd_activations\")";
        return failure();
      }
    }
    overrides[layer.str()] = o;
  }
  return overrides;
}

FailureOr<Overrides> spa::loadOverrides(Operation *op, StringRef path) {
  if (path.empty())
    return Overrides();
  std::string error;
  FailureOr<Overrides> read = readOverrides(path, error);
  if (failed(read))
    op->emitError() << error;
  return read;
}

uint64_t spa::getTensorBytes(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape() || !type.getElementType().isIntOrFloat())
    return 0;
  return uint64_t(type.getNumElements()) *
         llvm::divideCeil(type.getElementType().getIntOrFloatBitWidth(), 8);
}

uint64_t spa::getActivationBytes(Operation *contraction) {
  uint64_t bytes = 0;
  for (Value operand : contraction->getOperands())
    if (!operand.getDefiningOp<ConstantOp>())
      bytes += getTensorBytes(operand);
  return bytes + getTensorBytes(contraction->getResult(0));
}

