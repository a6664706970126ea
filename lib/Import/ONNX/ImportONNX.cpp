//===- ImportONNX.cpp - ONNX model to spa dialect -------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The importer driver. It leaves everything ONNX defines to the ONNX library:
// the protobuf and text parsers, the checker, the version converter, and
// shape inference with data propagation. It then walks the graph in order,
// folding what is known at import time and handing every other node to the
// converter registered for its operator.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"
#include "TensorOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "onnx/checker.h"
#include "onnx/defs/parser.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

#include <cstring>
#include <deque>

using namespace mlir;
using namespace spc;
using namespace spc::onnx_import;

/// The oldest opset the converters handle directly; older models go through
/// the ONNX version converter first.
static constexpr int64_t kMinOpset = 7;


//===----------------------------------------------------------------------===//
// Data types
//===----------------------------------------------------------------------===//

Type onnx_import::convertElementType(MLIRContext *context, int32_t onnxType) {
  Builder b(context);
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::BFLOAT16:
    return b.getBF16Type();
  case onnx::TensorProto::INT8:
    return b.getIntegerType(8);
  case onnx::TensorProto::INT16:
    return b.getIntegerType(16);
  case onnx::TensorProto::INT32:
    return b.getIntegerType(32);
  case onnx::TensorProto::INT64:
    return b.getIntegerType(64);
  case onnx::TensorProto::UINT8:
    return b.getIntegerType(8, /*isSigned=*/false);
  case onnx::TensorProto::UINT16:
    return b.getIntegerType(16, /*isSigned=*/false);
  case onnx::TensorProto::UINT32:
    return b.getIntegerType(32, /*isSigned=*/false);
  case onnx::TensorProto::UINT64:
    return b.getIntegerType(64, /*isSigned=*/false);
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  default:
    return {};
  }
}

StringRef onnx_import::getDataTypeName(int32_t onnxType) {
  if (onnx::TensorProto::DataType_IsValid(onnxType))
    return onnx::TensorProto::DataType_Name(
        static_cast<onnx::TensorProto::DataType>(onnxType));
  return "<invalid>";
}

//===----------------------------------------------------------------------===//
// Importer
//===----------------------------------------------------------------------===//

namespace spc::onnx_import {

/// How diagnostics name a node: its name, or its first output when unnamed
/// (exporters often leave names empty).
static std::string describeNode(const onnx::NodeProto &node) {
  if (!node.name().empty())
    return "node '" + node.name() + "'";
  if (node.output_size() > 0)
    return "node producing '" + node.output(0) + "'";
  return "unnamed node";
}

/// The state of one import. The converters of this file (If, Constant) reach
/// into it; the family converters use NodeContext only.
class Importer {
public:
  Importer(MLIRContext *context, StringRef path,
           const ONNXImportOptions &options)
      : context(context), builder(context), path(path.str()),
        options(options),
        fileLoc(FileLineColLoc::get(context, path, /*line=*/0, /*column=*/0)) {}

  OwningOpRef<ModuleOp> run(llvm::MemoryBufferRef buffer);

  InFlightDiagnostic emitFileError() { return mlir::emitError(fileLoc); }

  MLIRContext *context;
  OpBuilder builder;
  std::string path;
  const ONNXImportOptions &options;
  Location fileLoc;
  onnx::ModelProto model;
  /// Default-domain opset of the model.
  int64_t opset = 0;
  /// Graph values by name, across nested graphs (names are unique in SSA
  /// form, and If branches may use outer values).
  llvm::StringMap<Tensor> values;
  /// Types after shape inference, by value name.
  llvm::StringMap<const onnx::TypeProto *> onnxTypes;
  /// Symbolic dimension name -> (graph input, dimension), to tell users
  /// which --input-shape fixes a dynamic dimension.
  llvm::StringMap<std::pair<std::string, int64_t>> dimOrigins;
  ConverterTable converters;
  /// Types computed by per-node inference, which the maps above point into.
  std::deque<onnx::TypeProto> localTypes;
  func::FuncOp function;
  /// Where constants are materialized: the top of the function body, in
  /// creation order.
  OpBuilder::InsertPoint constantInsertPoint;

  LogicalResult parse(llvm::MemoryBufferRef buffer);
  LogicalResult loadExternalData();
  LogicalResult loadExternalTensor(onnx::TensorProto &tensor);
  LogicalResult runChecker();
  LogicalResult checkOpsets();
  LogicalResult checkSupportedOps(const onnx::GraphProto &graph);
  LogicalResult applyInputShapes();
  LogicalResult inferShapes();
  void collectTypes(const onnx::GraphProto &graph);
  FailureOr<RankedTensorType> convertType(const onnx::TypeProto &type,
                                          StringRef valueName);
  /// Converts a stored tensor; `name` names its blob when the tensor has no
  /// name of its own (Constant-node values). With `takeRaw` (the tensor's
  /// raw_data, which nothing reads afterwards), a large tensor's blob takes
  /// the bytes over instead of copying them.
  FailureOr<ElementsAttr> importTensor(const onnx::TensorProto &tensor,
                                       StringRef name = {},
                                       std::string *takeRaw = nullptr);
  LogicalResult buildFunction();

  /// Imports the nodes of `graph` into the current insertion point.
  LogicalResult importNodes(const onnx::GraphProto &graph);
  /// Binds initializers of `graph` as constants.
  LogicalResult importInitializers(const onnx::GraphProto &graph);
  Value materialize(Tensor &tensor);
  Value materializeConstant(ElementsAttr value);
  const onnx::TypeProto *getONNXType(StringRef name) const {
    return onnxTypes.lookup(name);
  }
  const onnx::TypeProto *inferNodeLocally(const onnx::NodeProto &node,
                                          size_t output);
  FailureOr<ElementsAttr> importTensorAttr(const onnx::TensorProto &tensor,
                                           StringRef name) {
    return importTensor(tensor, name);
  }
};

} // namespace spc::onnx_import

LogicalResult Importer::parse(llvm::MemoryBufferRef buffer) {
  StringRef data = buffer.getBuffer();
  // The text format starts with the model header `<`, possibly after
  // comment lines.
  StringRef trimmed = data.ltrim();
  while (trimmed.starts_with("#"))
    trimmed = trimmed.drop_until([](char c) { return c == '\n'; }).ltrim();
  bool isText = StringRef(path).ends_with(".onnxtxt") ||
                (!trimmed.empty() && trimmed.front() == '<');
  if (isText) {
    // OnnxParser needs a NUL-terminated string.
    std::string text = data.str();
    onnx::OnnxParser parser(text.c_str());
    onnx::Status status = parser.Parse(model);
    if (!status.IsOK())
      return emitFileError() << "cannot parse ONNX text format: "
                             << status.ErrorMessage();
    return success();
  }
  if (data.size() > size_t(std::numeric_limits<int>::max()))
    return emitFileError() << "model is larger than 2 GiB; store its "
                              "weights as external data";
  if (!model.ParseFromArray(data.data(), static_cast<int>(data.size())))
    return emitFileError() << "not an ONNX model: the " << data.size()
                           << "-byte file does not parse as a ModelProto "
                              "(truncated, corrupt or another format)";
  // Arbitrary bytes can happen to parse as a protobuf message full of
  // unknown fields; a real model has an IR version and a graph.
  if (model.ir_version() <= 0 || !model.has_graph())
    return emitFileError() << "not an ONNX model: no IR version or graph";
  return success();
}

//===----------------------------------------------------------------------===//
// External data
//===----------------------------------------------------------------------===//

LogicalResult Importer::loadExternalTensor(onnx::TensorProto &tensor) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    if (entry.key() == "location")
      location = entry.value();
    else if (entry.key() == "offset" || entry.key() == "length") {
      int64_t value = 0;
      if (StringRef(entry.value()).getAsInteger(10, value) || value < 0)
        return emitFileError() << "tensor '" << tensor.name()
                               << "' has an invalid external-data "
                               << entry.key() << " '" << entry.value() << "'";
      (entry.key() == "offset" ? offset : length) = value;
    }
  }
  // External data must stay beside the model: no absolute paths and no way
  // out of the model's directory.
  if (location.empty() || llvm::sys::path::is_absolute(location) ||
      llvm::is_contained(llvm::make_range(llvm::sys::path::begin(location),
                                          llvm::sys::path::end(location)),
                         ".."))
    return emitFileError() << "tensor '" << tensor.name()
                           << "' has an invalid external-data location '"
                           << location << "'";
  SmallString<256> file(llvm::sys::path::parent_path(path));
  llvm::sys::path::append(file, location);
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> data =
      llvm::MemoryBuffer::getFile(file, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!data)
    return emitFileError() << "cannot read external data '" << file
                           << "' of tensor '" << tensor.name()
                           << "': " << data.getError().message();
  int64_t size = (*data)->getBufferSize();
  if (length < 0)
    length = size - offset;
  if (offset > size || length > size - offset)
    return emitFileError() << "external data of tensor '" << tensor.name()
                           << "' reaches byte " << offset + length << " of '"
                           << file << "', which has " << size;
  tensor.set_raw_data((*data)->getBufferStart() + offset, length);
  tensor.clear_external_data();
  tensor.set_data_location(onnx::TensorProto::DEFAULT);
  return success();
}

/// Calls `fn` on every tensor stored in `graph` and its subgraphs:
/// initializers and Constant-node values.
static LogicalResult
forEachStoredTensor(onnx::GraphProto &graph,
                    llvm::function_ref<LogicalResult(onnx::TensorProto &)> fn) {
  for (onnx::TensorProto &tensor : *graph.mutable_initializer())
    if (failed(fn(tensor)))
      return failure();
  for (onnx::NodeProto &node : *graph.mutable_node())
    for (onnx::AttributeProto &attr : *node.mutable_attribute()) {
      if (attr.has_t() && failed(fn(*attr.mutable_t())))
        return failure();
      if (attr.has_g() && failed(forEachStoredTensor(*attr.mutable_g(), fn)))
        return failure();
      for (onnx::GraphProto &g : *attr.mutable_graphs())
        if (failed(forEachStoredTensor(g, fn)))
          return failure();
    }
  return success();
}

LogicalResult Importer::loadExternalData() {
  return forEachStoredTensor(
      *model.mutable_graph(), [&](onnx::TensorProto &tensor) {
        if (tensor.data_location() != onnx::TensorProto::EXTERNAL)
          return success();
        return loadExternalTensor(tensor);
      });
}

//===----------------------------------------------------------------------===//
// Opsets and operator support
//===----------------------------------------------------------------------===//

LogicalResult Importer::checkOpsets() {
  int64_t maxKnown =
      onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map().at("").second;
  bool found = false;
  for (const onnx::OperatorSetIdProto &set : model.opset_import())
    if (set.domain().empty() || set.domain() == "ai.onnx") {
      opset = set.version();
      found = true;
    }
  if (!found)
    return emitFileError() << "model imports no version of the default ONNX "
                              "operator set";
  if (opset > maxKnown)
    return emitFileError() << "model uses ONNX opset " << opset
                           << ", newer than the ONNX library knows ("
                           << maxKnown << ")";
  if (opset < kMinOpset) {
    // The version converter rewrites the model node by node; it throws on
    // operators it has no adapter for, and assumes a well-formed graph (it
    // crashes on some malformed ones), so the checker always runs first.
    if (failed(runChecker()))
      return failure();
    try {
      model = onnx::version_conversion::ConvertVersion(model, kMinOpset);
    } catch (const std::exception &e) {
      return emitFileError() << "cannot convert opset " << opset
                             << " to opset " << kMinOpset << ": " << e.what();
    }
    opset = kMinOpset;
  }
  return success();
}

/// Checks that every output of `graph` (and of its subgraphs) is defined: the
/// ONNX checker leaves this to later stages, and the version converter
/// dereferences undefined outputs.
static LogicalResult checkGraphOutputs(const onnx::GraphProto &graph,
                                       llvm::StringSet<> defined,
                                       Importer &importer) {
  for (const onnx::ValueInfoProto &input : graph.input())
    defined.insert(input.name());
  for (const onnx::TensorProto &init : graph.initializer())
    defined.insert(init.name());
  for (const onnx::NodeProto &node : graph.node()) {
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if (attr.has_g() && failed(checkGraphOutputs(attr.g(), defined, importer)))
        return failure();
      for (const onnx::GraphProto &sub : attr.graphs())
        if (failed(checkGraphOutputs(sub, defined, importer)))
          return failure();
    }
    for (const std::string &output : node.output())
      defined.insert(output);
  }
  for (const onnx::ValueInfoProto &output : graph.output())
    if (!defined.contains(output.name()))
      return importer.emitFileError()
             << "graph output '" << output.name()
             << "' is not produced by any node, graph input or initializer";
  return success();
}

LogicalResult Importer::runChecker() {
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    return emitFileError() << "model fails the ONNX checker: " << e.what();
  }
  return checkGraphOutputs(model.graph(), {}, *this);
}

LogicalResult Importer::checkSupportedOps(const onnx::GraphProto &graph) {
  // Report every unsupported operator in one run, each with the opset of
  // its own domain.
  llvm::StringMap<int64_t> domainVersions;
  for (const onnx::OperatorSetIdProto &set : model.opset_import())
    domainVersions[set.domain() == "ai.onnx" ? "" : set.domain()] =
        set.version();
  int64_t numNodes = 0, numUnsupported = 0;
  bool ok = true;
  std::function<void(const onnx::GraphProto &)> visit =
      [&](const onnx::GraphProto &g) {
        for (const onnx::NodeProto &node : g.node()) {
          ++numNodes;
          bool defaultDomain =
              node.domain().empty() || node.domain() == "ai.onnx";
          if (!defaultDomain || !converters.count(node.op_type())) {
            ok = false;
            ++numUnsupported;
            InFlightDiagnostic diag = emitFileError();
            diag << "unsupported operator: " << describeNode(node) << " ("
                 << node.op_type();
            if (!defaultDomain)
              diag << ", domain '" << node.domain() << "'";
            diag << ", opset "
                 << domainVersions.lookup(defaultDomain ? "" : node.domain())
                 << ")";
          }
          for (const onnx::AttributeProto &attr : node.attribute()) {
            if (attr.has_g())
              visit(attr.g());
            for (const onnx::GraphProto &sub : attr.graphs())
              visit(sub);
          }
        }
      };
  visit(graph);
  if (!ok)
    return emitFileError() << numUnsupported << " of " << numNodes
                           << " nodes use operators SPC does not support";
  return success();
}

//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

LogicalResult spc::parseInputShape(StringRef spec, ONNXImportOptions &options,
                                   std::string &error) {
  auto [name, dims] = spec.split('=');
  if (name.empty() || dims.empty() || spec.find('=') == StringRef::npos) {
    error = "--input-shape expects NAME=D0,D1,..., got '" + spec.str() + "'";
    return failure();
  }
  SmallVector<int64_t> shape;
  SmallVector<StringRef> parts;
  dims.split(parts, ',');
  for (StringRef part : parts) {
    int64_t dim = 0;
    if (part.trim().getAsInteger(10, dim) || dim < 0) {
      error = "--input-shape=" + spec.str() + ": '" + part.str() +
              "' is not a non-negative dimension";
      return failure();
    }
    shape.push_back(dim);
  }
  options.inputShapes[name] = std::move(shape);
  return success();
}

LogicalResult Importer::applyInputShapes() {
  onnx::GraphProto &graph = *model.mutable_graph();
  llvm::StringSet<> initializers;
  for (const onnx::TensorProto &init : graph.initializer())
    initializers.insert(init.name());
  SmallVector<std::string> inputNames;
  for (const onnx::ValueInfoProto &input : graph.input())
    if (!initializers.contains(input.name()))
      inputNames.push_back(input.name());

  for (const auto &entry : options.inputShapes) {
    StringRef name = entry.getKey();
    ArrayRef<int64_t> dims = entry.getValue();
    auto it = llvm::find_if(*graph.mutable_input(), [&](auto &input) {
      return input.name() == name && !initializers.contains(name);
    });
    if (it == graph.mutable_input()->end()) {
      InFlightDiagnostic diag = emitFileError();
      diag << "--input-shape names '" << name
           << "', but the graph inputs are ";
      llvm::interleaveComma(inputNames, diag,
                            [&](const std::string &n) { diag << "'" << n << "'"; });
      return diag;
    }
    if (!it->type().has_tensor_type())
      return emitFileError() << "graph input '" << name
                             << "' is not a tensor";
    onnx::TensorShapeProto *shape =
        it->mutable_type()->mutable_tensor_type()->mutable_shape();
    if (it->type().tensor_type().has_shape() &&
        shape->dim_size() != int64_t(dims.size()))
      return emitFileError() << "--input-shape gives '" << name << "' rank "
                             << dims.size() << ", but the model gives it rank "
                             << shape->dim_size();
    if (shape->dim_size() == 0)
      for (size_t i = 0; i < dims.size(); ++i)
        shape->add_dim();
    for (auto [i, dim] : llvm::enumerate(dims)) {
      onnx::TensorShapeProto::Dimension *d = shape->mutable_dim(i);
      if (d->has_dim_value() && d->dim_value() != dim)
        return emitFileError() << "--input-shape gives dimension " << i
                               << " of '" << name << "' as " << dim
                               << ", but the model fixes it to "
                               << d->dim_value();
      d->set_dim_value(dim);
    }
  }

  // Remember where each remaining symbolic dimension enters the graph.
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (initializers.contains(input.name()) ||
        !input.type().tensor_type().has_shape())
      continue;
    for (auto [i, dim] :
         llvm::enumerate(input.type().tensor_type().shape().dim()))
      if (!dim.has_dim_value() && !dim.dim_param().empty())
        dimOrigins.try_emplace(dim.dim_param(), input.name(), int64_t(i));
  }
  return success();
}

/// Checks what ONNX 1.12's shape inference assumes without checking (found
/// by spc-fuzz-onnx): the convolution and pooling inference functions divide
/// by strides, dilations and kernel sizes, and read the spatial dimensions of
/// input 0, so they crash on zero or negative values and on inputs of rank
/// below 3. Ranks are known here for graph inputs, initializers and declared
/// values.
static LogicalResult checkSpatialRanks(const onnx::GraphProto &graph,
                                       Importer &importer) {
  static const llvm::StringSet<> spatialOps = {
      "Conv",          "ConvTranspose",     "ConvInteger",
      "QLinearConv",   "MaxPool",           "AveragePool",
      "LpPool",        "GlobalAveragePool", "GlobalMaxPool",
      "GlobalLpPool",  "MaxRoiPool",        "MaxUnpool"};
  llvm::StringMap<int64_t> ranks;
  auto record = [&](const onnx::ValueInfoProto &info) {
    if (info.type().tensor_type().has_shape())
      ranks[info.name()] = info.type().tensor_type().shape().dim_size();
  };
  for (const onnx::ValueInfoProto &info : graph.input())
    record(info);
  for (const onnx::ValueInfoProto &info : graph.value_info())
    record(info);
  for (const onnx::TensorProto &init : graph.initializer())
    ranks[init.name()] = init.dims_size();
  for (const onnx::NodeProto &node : graph.node()) {
    if (!spatialOps.contains(node.op_type()) || node.input_size() == 0)
      continue;
    for (const onnx::AttributeProto &attr : node.attribute()) {
      StringRef name = attr.name();
      bool positiveList =
          name == "strides" || name == "dilations" || name == "kernel_shape";
      if (positiveList &&
          llvm::any_of(attr.ints(), [](int64_t v) { return v <= 0; }))
        return importer.emitFileError()
               << describeNode(node) << " (" << node.op_type() << "): "
               << name << " must be positive";
      if (name == "group" && attr.i() <= 0)
        return importer.emitFileError()
               << describeNode(node) << " (" << node.op_type()
               << "): group must be positive, got " << attr.i();
    }
    auto it = ranks.find(node.input(0));
    if (it != ranks.end() && it->second < 3)
      return importer.emitFileError()
             << describeNode(node) << " (" << node.op_type()
             << "): input '" << node.input(0) << "' has rank " << it->second
             << ", but the operator needs (N, C, spatial...) of rank 3 or "
                "more";
  }
  return success();
}

LogicalResult Importer::inferShapes() {
  if (failed(checkSpatialRanks(model.graph(), *this)))
    return failure();
  // Data propagation computes the values of shape subgraphs (Shape, Gather,
  // Concat, ... over shapes), so Reshape targets and the like are known.
  onnx::ShapeInferenceOptions inferenceOptions(/*check_type=*/true,
                                               /*error_mode=*/1,
                                               /*data_prop=*/true);
  try {
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                       inferenceOptions);
  } catch (const std::exception &e) {
    return emitFileError() << "ONNX shape inference failed: " << e.what();
  }
  return success();
}

void Importer::collectTypes(const onnx::GraphProto &graph) {
  for (const onnx::ValueInfoProto &info : graph.input())
    onnxTypes[info.name()] = &info.type();
  for (const onnx::ValueInfoProto &info : graph.value_info())
    onnxTypes[info.name()] = &info.type();
  for (const onnx::ValueInfoProto &info : graph.output())
    onnxTypes[info.name()] = &info.type();
  for (const onnx::NodeProto &node : graph.node())
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if (attr.has_g())
        collectTypes(attr.g());
      for (const onnx::GraphProto &sub : attr.graphs())
        collectTypes(sub);
    }
}

FailureOr<RankedTensorType> Importer::convertType(const onnx::TypeProto &type,
                                                  StringRef valueName) {
  if (!type.has_tensor_type())
    return emitFileError() << "value '" << valueName
                           << "' is not a tensor; sequences, maps and "
                              "optionals are not supported";
  const onnx::TypeProto::Tensor &tensor = type.tensor_type();
  Type elementType = convertElementType(context, tensor.elem_type());
  if (!elementType)
    return emitFileError() << "value '" << valueName << "' has data type "
                           << getDataTypeName(tensor.elem_type())
                           << ", which SPC does not support";
  if (!tensor.has_shape())
    return emitFileError() << "value '" << valueName
                           << "' has an unknown rank; give it a shape with "
                              "--input-shape";
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto::Dimension &dim : tensor.shape().dim())
    shape.push_back(dim.has_dim_value() ? dim.dim_value()
                                        : ShapedType::kDynamic);
  return RankedTensorType::get(shape, elementType);
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

/// Appends the little-endian bytes of `values`, converted to `T`.
template <typename T, typename Range>
static void appendAs(std::vector<char> &bytes, const Range &values) {
  for (auto value : values) {
    T converted = static_cast<T>(value);
    const char *p = reinterpret_cast<const char *>(&converted);
    bytes.insert(bytes.end(), p, p + sizeof(T));
  }
}

std::string onnx_import::blobKey(StringRef name) {
  std::string key = name.empty() ? "tensor" : name.str();
  for (char &c : key)
    if (!llvm::isAlnum(c) && c != '_')
      c = '_';
  if (llvm::isDigit(key.front()))
    key.insert(key.begin(), '_');
  return key;
}

FailureOr<ElementsAttr>
Importer::importTensor(const onnx::TensorProto &tensor, StringRef name,
                       std::string *takeRaw) {
  if (!tensor.name().empty())
    name = tensor.name();
  Type elementType = convertElementType(context, tensor.data_type());
  if (!elementType)
    return emitFileError() << "tensor '" << name << "' has data type "
                           << getDataTypeName(tensor.data_type())
                           << ", which SPC does not support";
  SmallVector<int64_t> shape;
  int64_t numElements = 1;
  for (int64_t dim : tensor.dims()) {
    if (dim < 0 || (dim > 0 && numElements > (int64_t(1) << 40) / dim))
      return emitFileError() << "tensor '" << name
                             << "' has an invalid dimension " << dim;
    shape.push_back(dim);
    numElements *= dim;
  }
  auto type = RankedTensorType::get(shape, elementType);
  unsigned bitWidth = elementType.getIntOrFloatBitWidth();
  // ONNX stores booleans one per byte.
  size_t elementBytes = bitWidth == 1 ? 1 : bitWidth / 8;

  std::vector<char> owned;
  StringRef bytes;
  if (tensor.has_raw_data()) {
    bytes = tensor.raw_data();
  } else {
    switch (tensor.data_type()) {
    case onnx::TensorProto::FLOAT:
      appendAs<float>(owned, tensor.float_data());
      break;
    case onnx::TensorProto::DOUBLE:
      appendAs<double>(owned, tensor.double_data());
      break;
    case onnx::TensorProto::INT64:
      appendAs<int64_t>(owned, tensor.int64_data());
      break;
    case onnx::TensorProto::UINT32:
      appendAs<uint32_t>(owned, tensor.uint64_data());
      break;
    case onnx::TensorProto::UINT64:
      appendAs<uint64_t>(owned, tensor.uint64_data());
      break;
    case onnx::TensorProto::INT32:
      appendAs<int32_t>(owned, tensor.int32_data());
      break;
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::UINT16:
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16:
      // 16-bit values, including the bits of half floats, sit in int32_data.
      appendAs<uint16_t>(owned, tensor.int32_data());
      break;
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::BOOL:
      appendAs<uint8_t>(owned, tensor.int32_data());
      break;
    default:
      break;
    }
    bytes = StringRef(owned.data(), owned.size());
  }
  if (bytes.size() != elementBytes * size_t(numElements))
    return emitFileError() << "tensor '" << name << "' holds "
                           << bytes.size() << " bytes, but its type "
                           << type << " needs " << elementBytes * numElements;

  if (bitWidth == 1) {
    SmallVector<bool> bits;
    for (char c : bytes)
      bits.push_back(c != 0);
    return cast<ElementsAttr>(DenseElementsAttr::get(type, bits));
  }
  if (numElements > kInlineConstantLimit) {
    AsmResourceBlob blob;
    if (takeRaw && tensor.has_raw_data() &&
        reinterpret_cast<uintptr_t>(bytes.data()) % alignof(uint64_t) == 0) {
      // Moving the string keeps its heap buffer where it is.
      auto *raw = new std::string(std::move(*takeRaw));
      blob = AsmResourceBlob(
          ArrayRef<char>(raw->data(), raw->size()), alignof(uint64_t),
          [raw](void *, size_t, size_t) { delete raw; },
          /*dataIsMutable=*/false);
    } else {
      blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
          ArrayRef<char>(bytes.data(), bytes.size()), alignof(uint64_t));
    }
    return cast<ElementsAttr>(
        DenseResourceElementsAttr::get(type, blobKey(name), std::move(blob)));
  }
  return cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(bytes.data(), bytes.size())));
}

LogicalResult Importer::importInitializers(const onnx::GraphProto &graph) {
  // Nothing reads the main graph's initializers after this: their bytes move
  // into the blobs.
  onnx::GraphProto *owner =
      &graph == &model.graph() ? model.mutable_graph() : nullptr;
  for (int i = 0; i < graph.initializer_size(); ++i) {
    const onnx::TensorProto &init = graph.initializer(i);
    std::string *raw =
        owner && init.has_raw_data()
            ? owner->mutable_initializer(i)->mutable_raw_data()
            : nullptr;
    FailureOr<ElementsAttr> value = importTensor(init, {}, raw);
    if (failed(value))
      return failure();
    Tensor &tensor = values[init.name()];
    tensor.constant = *value;
    tensor.type = cast<RankedTensorType>(value->getType());
    tensor.onnxType = getONNXType(init.name());
  }
  return success();
}

Value Importer::materializeConstant(ElementsAttr value) {
  OpBuilder::InsertionGuard guard(builder);
  builder.restoreInsertionPoint(constantInsertPoint);
  Value result = spa::ConstantOp::create(builder, function.getLoc(), value);
  constantInsertPoint = builder.saveInsertionPoint();
  return result;
}

Value Importer::materialize(Tensor &tensor) {
  if (!tensor.value && tensor.constant)
    tensor.value = materializeConstant(tensor.constant);
  return tensor.value;
}

//===----------------------------------------------------------------------===//
// Per-node shape inference
//===----------------------------------------------------------------------===//

/// The ONNX data type of an MLIR element type; 0 when there is none.
static int32_t toONNXDataType(Type type) {
  if (type.isF32())
    return onnx::TensorProto::FLOAT;
  if (type.isF64())
    return onnx::TensorProto::DOUBLE;
  if (type.isF16())
    return onnx::TensorProto::FLOAT16;
  if (type.isBF16())
    return onnx::TensorProto::BFLOAT16;
  auto intType = dyn_cast<IntegerType>(type);
  if (!intType)
    return 0;
  bool isUnsigned = intType.isUnsigned();
  switch (intType.getWidth()) {
  case 1:
    return onnx::TensorProto::BOOL;
  case 8:
    return isUnsigned ? onnx::TensorProto::UINT8 : onnx::TensorProto::INT8;
  case 16:
    return isUnsigned ? onnx::TensorProto::UINT16 : onnx::TensorProto::INT16;
  case 32:
    return isUnsigned ? onnx::TensorProto::UINT32 : onnx::TensorProto::INT32;
  case 64:
    return isUnsigned ? onnx::TensorProto::UINT64 : onnx::TensorProto::INT64;
  default:
    return 0;
  }
}

/// Constants up to this size are given to per-node inference as values, so
/// that shape-like inputs (Reshape targets, Slice bounds, ...) are known.
static constexpr int64_t kInferenceConstantLimit = 4096;

const onnx::TypeProto *Importer::inferNodeLocally(const onnx::NodeProto &node,
                                                  size_t output) {
  // Whole-graph inference cannot see the values the importer folded, so it
  // loses shapes after a Reshape or Slice whose parameters were computed.
  // Inferring the node alone, with the importer's own input types and
  // constants, recovers them through the same ONNX inference functions.
  onnx::ModelProto single;
  single.set_ir_version(model.ir_version());
  *single.mutable_opset_import() = model.opset_import();
  onnx::GraphProto &graph = *single.mutable_graph();
  graph.set_name("node");
  *graph.add_node() = node;
  llvm::StringSet<> seen;
  for (const std::string &name : node.input()) {
    if (name.empty() || !seen.insert(name).second)
      continue;
    auto it = values.find(name);
    if (it == values.end())
      return nullptr;
    const Tensor &tensor = it->second;
    int32_t dataType = toONNXDataType(tensor.type.getElementType());
    if (!dataType)
      return nullptr;
    onnx::ValueInfoProto &input = *graph.add_input();
    input.set_name(name);
    onnx::TypeProto::Tensor &type =
        *input.mutable_type()->mutable_tensor_type();
    type.set_elem_type(dataType);
    onnx::TensorShapeProto &shape = *type.mutable_shape();
    for (auto [d, size] : llvm::enumerate(tensor.type.getShape())) {
      onnx::TensorShapeProto::Dimension &dim = *shape.add_dim();
      if (!ShapedType::isDynamic(size))
        dim.set_dim_value(size);
      else if (tensor.onnxType && tensor.onnxType->tensor_type().has_shape() &&
               int(d) < tensor.onnxType->tensor_type().shape().dim_size())
        dim.set_dim_param(tensor.onnxType->tensor_type().shape().dim(d).dim_param());
    }
    if (!tensor.constant ||
        tensor.constant.getNumElements() > kInferenceConstantLimit)
      continue;
    onnx::TensorProto &init = *graph.add_initializer();
    init.set_name(name);
    init.set_data_type(dataType);
    for (int64_t size : tensor.type.getShape())
      init.add_dims(size);
    if (dataType == onnx::TensorProto::BOOL) {
      for (bool bit : tensor.constant.getValues<bool>())
        init.mutable_raw_data()->push_back(bit ? 1 : 0);
    } else if (std::optional<spa::RawConstantData> raw =
                   spa::getRawConstantData(tensor.constant)) {
      size_t bytes = raw->bytes.size();
      int64_t count = tensor.constant.getNumElements();
      std::string &data = *init.mutable_raw_data();
      for (int64_t i = 0; i < (raw->isSplat ? count : 1); ++i)
        data.append(raw->bytes.data(), bytes);
    } else {
      graph.mutable_initializer()->RemoveLast();
    }
  }
  for (const std::string &name : node.output())
    graph.add_output()->set_name(name);
  try {
    onnx::shape_inference::InferShapes(
        single, onnx::OpSchemaRegistry::Instance(),
        onnx::ShapeInferenceOptions(/*check_type=*/false, /*error_mode=*/0,
                                    /*data_prop=*/true));
  } catch (const std::exception &) {
    return nullptr;
  }
  for (const onnx::ValueInfoProto &info : single.graph().output())
    if (info.name() == node.output(output) && info.type().has_tensor_type() &&
        info.type().tensor_type().has_shape()) {
      localTypes.push_back(info.type());
      onnxTypes[info.name()] = &localTypes.back();
      return &localTypes.back();
    }
  return nullptr;
}

//===----------------------------------------------------------------------===//
// The graph
//===----------------------------------------------------------------------===//

LogicalResult Importer::importNodes(const onnx::GraphProto &graph) {
  if (failed(importInitializers(graph)))
    return failure();
  for (const onnx::NodeProto &node : graph.node()) {
    NodeContext ctx(*this, node, opset);
    for (size_t i = 0; i < ctx.numInputs(); ++i)
      if (ctx.hasInput(i) && !values.count(node.input(i)))
        return ctx.emitError() << "input '" << node.input(i)
                               << "' is not produced by any node, graph "
                                  "input or initializer";
    std::optional<LogicalResult> folded = tryFoldNode(ctx);
    if (folded) {
      if (failed(*folded))
        return failure();
      continue;
    }
    if (failed(converters.lookup(node.op_type())(ctx)))
      return failure();
    for (size_t i = 0; i < ctx.numOutputs(); ++i)
      if (ctx.hasOutput(i) && !values.count(node.output(i)))
        return ctx.emitError() << "internal error: output '" << node.output(i)
                               << "' was not produced";
  }
  return success();
}

LogicalResult Importer::buildFunction() {
  const onnx::GraphProto &graph = model.graph();
  llvm::StringSet<> initializers;
  for (const onnx::TensorProto &init : graph.initializer())
    initializers.insert(init.name());

  SmallVector<Type> argTypes, resultTypes;
  SmallVector<const onnx::ValueInfoProto *> inputs;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    // IR versions before 4 also list initializers as inputs.
    if (initializers.contains(input.name()))
      continue;
    FailureOr<RankedTensorType> type = convertType(input.type(), input.name());
    if (failed(type))
      return failure();
    argTypes.push_back(*type);
    inputs.push_back(&input);
  }
  for (const onnx::ValueInfoProto &output : graph.output()) {
    const onnx::TypeProto *inferred = getONNXType(output.name());
    FailureOr<RankedTensorType> type =
        convertType(inferred ? *inferred : output.type(), output.name());
    if (failed(type))
      return failure();
    resultTypes.push_back(*type);
  }

  auto module = cast<ModuleOp>(builder.getInsertionBlock()->getParentOp());
  std::string name = graph.name().empty() ? "model" : graph.name();
  module.setSymName(name);
  function = func::FuncOp::create(builder, fileLoc, "main",
                                  builder.getFunctionType(argTypes, resultTypes));
  for (auto [i, input] : llvm::enumerate(inputs))
    function.setArgAttr(i, "onnx.name", builder.getStringAttr(input->name()));
  for (auto [i, output] : llvm::enumerate(graph.output()))
    function.setResultAttr(i, "onnx.name",
                           builder.getStringAttr(output.name()));

  Block *body = function.addEntryBlock();
  builder.setInsertionPointToStart(body);
  constantInsertPoint = builder.saveInsertionPoint();
  for (auto [i, input] : llvm::enumerate(inputs)) {
    Tensor &tensor = values[input->name()];
    tensor.value = body->getArgument(i);
    tensor.type = cast<RankedTensorType>(argTypes[i]);
    tensor.onnxType = &input->type();
  }
  if (failed(importNodes(graph)))
    return failure();

  SmallVector<Value> results;
  for (auto [i, output] : llvm::enumerate(graph.output())) {
    auto it = values.find(output.name());
    if (it == values.end())
      return emitFileError() << "graph output '" << output.name()
                             << "' is not produced by any node";
    Value value = materialize(it->second);
    // Shape inference may know more than the declared output type, or the
    // converter may have computed a more precise one; the function returns
    // what the body computes.
    resultTypes[i] = value.getType();
    results.push_back(value);
  }
  func::ReturnOp::create(builder, fileLoc, results);
  function.setType(builder.getFunctionType(argTypes, resultTypes));
  return success();
}

OwningOpRef<ModuleOp> Importer::run(llvm::MemoryBufferRef buffer) {
  context->loadDialect<spa::SpaDialect, func::FuncDialect>();
  if (failed(parse(buffer)) || failed(loadExternalData()) ||
      failed(checkOpsets()))
    return {};

  registerContractionConverters(converters);
  registerElementwiseConverters(converters);
  registerNormalizationConverters(converters);
  registerPoolingConverters(converters);
  registerTensorConverters(converters);
  registerQuantizationConverters(converters);
  registerControlFlowConverters(converters);
  if (failed(checkSupportedOps(model.graph())))
    return {};

  if (options.runChecker && failed(runChecker()))
    return {};
  if (failed(applyInputShapes()) || failed(inferShapes()))
    return {};
  collectTypes(model.graph());

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  builder.setInsertionPointToEnd(module->getBody());
  if (failed(buildFunction()))
    return {};
  if (failed(verify(*module)))
    return {};
  if (options.canonicalize) {
    PassManager pm(context);
    pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
    if (failed(pm.run(*module)))
      return {};
  }
  return module;
}

OwningOpRef<ModuleOp> spc::importONNXModel(llvm::MemoryBufferRef buffer,
                                           MLIRContext *context,
                                           const ONNXImportOptions &options) {
  // The ONNX library reports errors with exceptions; none may escape into
  // MLIR, which is built without them.
  try {
    Importer importer(context, buffer.getBufferIdentifier(), options);
    return importer.run(buffer);
  } catch (const std::exception &e) {
    emitError(FileLineColLoc::get(context, buffer.getBufferIdentifier(), 0, 0))
        << "ONNX import failed: " << e.what();
    return {};
  }
}

SmallVector<StringRef> spc::getSupportedONNXOps() {
  static ConverterTable table = [] {
    ConverterTable t;
    registerContractionConverters(t);
    registerElementwiseConverters(t);
    registerNormalizationConverters(t);
    registerPoolingConverters(t);
    registerTensorConverters(t);
    registerQuantizationConverters(t);
    registerControlFlowConverters(t);
    return t;
  }();
  SmallVector<StringRef> names;
  for (const auto &entry : table)
    names.push_back(entry.getKey());
  llvm::sort(names);
  return names;
}

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

static Location nodeLocation(MLIRContext *context, const onnx::NodeProto &node,
                             Location fileLoc) {
  StringRef name = node.name();
  if (name.empty() && node.output_size() > 0)
    name = node.output(0);
  if (name.empty())
    return fileLoc;
  return NameLoc::get(StringAttr::get(context, name), fileLoc);
}

NodeContext::NodeContext(Importer &importer, const onnx::NodeProto &node,
                         int64_t opset)
    : importer(importer), nodeProto(node), opsetVersion(opset),
      location(nodeLocation(importer.context, node, importer.fileLoc)) {}

OpBuilder &NodeContext::builder() { return importer.builder; }
MLIRContext *NodeContext::getContext() { return importer.context; }

InFlightDiagnostic NodeContext::emitError() const {
  InFlightDiagnostic diag = importer.emitFileError();
  diag << describeNode(nodeProto) << " (" << nodeProto.op_type()
       << ", opset " << opsetVersion << "): ";
  return diag;
}

bool NodeContext::hasInput(size_t i) const {
  return i < numInputs() && !nodeProto.input(i).empty();
}

const Tensor &NodeContext::input(size_t i) const {
  return importer.values.find(nodeProto.input(i))->second;
}

Value NodeContext::inputValue(size_t i) {
  return importer.materialize(importer.values.find(nodeProto.input(i))->second);
}

Value NodeContext::materialize(ElementsAttr value) {
  return importer.materializeConstant(value);
}

FailureOr<SmallVector<int64_t>> NodeContext::constantInts(size_t i,
                                                          StringRef what) {
  if (!hasInput(i))
    return emitError() << "missing " << what;
  ElementsAttr constant = inputConstant(i);
  if (!constant || !isa<IntegerType>(constant.getElementType()))
    return emitError() << what << " ('" << nodeProto.input(i)
                       << "') must be a constant integer tensor";
  return readAsInts(constant);
}

FailureOr<SmallVector<double>> NodeContext::constantFloats(size_t i,
                                                           StringRef what) {
  if (!hasInput(i))
    return emitError() << "missing " << what;
  ElementsAttr constant = inputConstant(i);
  if (!constant)
    return emitError() << what << " ('" << nodeProto.input(i)
                       << "') must be a constant";
  return readAsDoubles(constant);
}

const onnx::AttributeProto *NodeContext::attr(StringRef name) const {
  for (const onnx::AttributeProto &a : nodeProto.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t NodeContext::intAttr(StringRef name, int64_t defaultValue) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->i() : defaultValue;
}

float NodeContext::floatAttr(StringRef name, float defaultValue) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->f() : defaultValue;
}

std::string NodeContext::stringAttr(StringRef name,
                                    StringRef defaultValue) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->s() : defaultValue.str();
}

SmallVector<int64_t> NodeContext::intsAttr(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? SmallVector<int64_t>(a->ints().begin(), a->ints().end())
           : SmallVector<int64_t>();
}

SmallVector<float> NodeContext::floatsAttr(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? SmallVector<float>(a->floats().begin(), a->floats().end())
           : SmallVector<float>();
}

bool NodeContext::hasOutput(size_t i) const {
  return i < numOutputs() && !nodeProto.output(i).empty();
}

/// Whether `type` is a tensor type whose every dimension is known.
static bool isComplete(const onnx::TypeProto *type) {
  if (!type || !type->has_tensor_type() || !type->tensor_type().has_shape())
    return false;
  return llvm::all_of(type->tensor_type().shape().dim(),
                      [](const auto &dim) { return dim.has_dim_value(); });
}

FailureOr<RankedTensorType> NodeContext::outputType(size_t i) {
  const onnx::TypeProto *type = importer.getONNXType(nodeProto.output(i));
  if (!isComplete(type)) {
    // Only worth it when this node's inputs are all statically known.
    bool inputsStatic = true;
    for (size_t j = 0; j < numInputs(); ++j)
      if (hasInput(j) && !inputType(j).hasStaticShape())
        inputsStatic = false;
    const onnx::TypeProto *local =
        inputsStatic || !type ? importer.inferNodeLocally(nodeProto, i)
                              : nullptr;
    if (local && (isComplete(local) || !type ||
                  !type->tensor_type().has_shape()))
      type = local;
  }
  if (!type || !type->has_tensor_type() ||
      !type->tensor_type().has_shape())
    return emitError() << "shape inference gives output '"
                       << nodeProto.output(i)
                       << "' no ranked type; fix the graph input shapes with "
                          "--input-shape";
  return importer.convertType(*type, nodeProto.output(i));
}

void NodeContext::setOutput(size_t i, Value value) {
  Tensor &tensor = importer.values[nodeProto.output(i)];
  tensor.value = value;
  tensor.constant = {};
  tensor.type = cast<RankedTensorType>(value.getType());
  tensor.onnxType = importer.getONNXType(nodeProto.output(i));
}

void NodeContext::setOutputConstant(size_t i, ElementsAttr constant) {
  Tensor &tensor = importer.values[nodeProto.output(i)];
  tensor.value = {};
  tensor.constant = constant;
  tensor.type = cast<RankedTensorType>(constant.getType());
  tensor.onnxType = importer.getONNXType(nodeProto.output(i));
}

LogicalResult NodeContext::requireStatic(RankedTensorType type,
                                         const onnx::TypeProto *onnxType,
                                         StringRef what) {
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d))
      continue;
    InFlightDiagnostic diag = emitError();
    diag << "needs a static shape, but dimension " << d << " of " << what
         << " is dynamic";
    std::string symbol;
    if (onnxType && onnxType->tensor_type().has_shape() &&
        d < onnxType->tensor_type().shape().dim_size())
      symbol = onnxType->tensor_type().shape().dim(d).dim_param();
    auto origin = importer.dimOrigins.find(symbol);
    if (!symbol.empty() && origin != importer.dimOrigins.end()) {
      diag << " ('" << symbol << "'); fix dimension "
           << origin->second.second << " of graph input '"
           << origin->second.first << "' with --input-shape="
           << origin->second.first << "=...";
    } else if (!importer.dimOrigins.empty()) {
      diag << "; fix the dynamic dimensions of the graph inputs with "
              "--input-shape (";
      llvm::interleaveComma(importer.dimOrigins, diag, [&](const auto &entry) {
        diag << "'" << entry.getKey() << "' is dimension "
             << entry.getValue().second << " of '" << entry.getValue().first
             << "'";
      });
      diag << ")";
    } else {
      diag << "; fix the graph input shapes with --input-shape";
    }
    return diag;
  }
  return success();
}

LogicalResult NodeContext::requireStaticInput(size_t i) {
  return requireStatic(inputType(i), input(i).onnxType,
                       "input '" + nodeProto.input(i) + "'");
}

//===----------------------------------------------------------------------===//
// Helpers shared by the converters
//===----------------------------------------------------------------------===//

FailureOr<int64_t> onnx_import::normalizeAxis(NodeContext &ctx, int64_t axis,
                                              int64_t rank, StringRef what) {
  int64_t normalized = axis < 0 ? axis + rank : axis;
  if (normalized < 0 || normalized >= rank)
    return ctx.emitError() << what << " " << axis
                           << " is out of range for rank " << rank;
  return normalized;
}

DenseElementsAttr onnx_import::makeDenseConstant(Type elementType,
                                                 ArrayRef<int64_t> shape,
                                                 ArrayRef<double> values) {
  auto type = RankedTensorType::get(shape, elementType);
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    SmallVector<APFloat> floats;
    for (double v : values) {
      APFloat f(v);
      bool lostInfo;
      f.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &lostInfo);
      floats.push_back(f);
    }
    return DenseElementsAttr::get(type, floats);
  }
  auto intType = cast<IntegerType>(elementType);
  if (intType.getWidth() == 1) {
    SmallVector<bool> bits;
    for (double v : values)
      bits.push_back(v != 0);
    return DenseElementsAttr::get(type, bits);
  }
  SmallVector<APInt> ints;
  for (double v : values)
    ints.push_back(APInt(intType.getWidth(), static_cast<int64_t>(v),
                         /*isSigned=*/true, /*implicitTrunc=*/true));
  return DenseElementsAttr::get(type, ints);
}

// One decoder serves both readers: readInts/readFloats (TensorOps.h) handle
// inline and resource-blob constants of every element width.
SmallVector<double> onnx_import::readAsDoubles(ElementsAttr attr) {
  return readFloats(attr).value_or(SmallVector<double>());
}

SmallVector<int64_t> onnx_import::readAsInts(ElementsAttr attr) {
  if (isa<FloatType>(attr.getElementType())) {
    SmallVector<int64_t> ints;
    for (double v : readAsDoubles(attr))
      ints.push_back(static_cast<int64_t>(v));
    return ints;
  }
  return readInts(attr).value_or(SmallVector<int64_t>());
}

Value onnx_import::reshapeTo(NodeContext &ctx, Value value,
                             RankedTensorType type) {
  if (value.getType() == type)
    return value;
  return spa::ReshapeOp::create(ctx.builder(), ctx.loc(), type, value);
}

Value onnx_import::castTo(NodeContext &ctx, Value value, Type elementType) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getElementType() == elementType)
    return value;
  return spa::CastOp::create(ctx.builder(), ctx.loc(), type.clone(elementType),
                             value);
}

void onnx_import::forward(NodeContext &ctx, size_t output, size_t input) {
  const Tensor &in = ctx.input(input);
  if (in.constant)
    ctx.setOutputConstant(output, in.constant);
  else
    ctx.setOutput(output, in.value);
}

bool onnx_import::broadcastsTo(ArrayRef<int64_t> shape,
                               ArrayRef<int64_t> target) {
  if (shape.size() > target.size())
    return false;
  return llvm::all_of(
      llvm::zip_equal(shape, target.take_back(shape.size())), [](auto dims) {
        auto [have, want] = dims;
        return have == 1 || have == want || ShapedType::isDynamic(have) ||
               ShapedType::isDynamic(want);
      });
}

//===----------------------------------------------------------------------===//
// Control flow and pass-through operators
//===----------------------------------------------------------------------===//

static LogicalResult convertIdentity(NodeContext &ctx) {
  forward(ctx);
  return success();
}

static LogicalResult convertDropout(NodeContext &ctx) {
  // Inference: the data passes through. Opset 12 and later may ask for
  // training through a `training_mode` input, which must then be false.
  if (ctx.hasInput(2)) {
    ElementsAttr training = ctx.inputConstant(2);
    if (!training || llvm::any_of(readAsInts(training),
                                  [](int64_t v) { return v != 0; }))
      return ctx.emitError() << "training_mode must be a constant false; SPC "
                                "compiles models for inference";
  }
  forward(ctx);
  if (ctx.hasOutput(1)) {
    // The mask of an inference dropout keeps every element.
    RankedTensorType type = ctx.inputType(0);
    if (failed(ctx.requireStaticInput(0)))
      return failure();
    auto maskType = RankedTensorType::get(type.getShape(),
                                          ctx.builder().getI1Type());
    ctx.setOutputConstant(1, DenseElementsAttr::get(maskType, true));
  }
  return success();
}

static LogicalResult convertConstant(NodeContext &ctx) {
  const onnx::NodeProto &node = ctx.node();
  if (node.attribute_size() != 1)
    return ctx.emitError() << "expects exactly one value attribute";
  const onnx::AttributeProto &a = node.attribute(0);
  Builder &b = ctx.builder();
  auto vector = [&](Type elementType, ArrayRef<double> values, bool scalar) {
    SmallVector<int64_t> shape;
    if (!scalar)
      shape.push_back(values.size());
    return cast<ElementsAttr>(makeDenseConstant(elementType, shape, values));
  };
  ElementsAttr value;
  StringRef name = a.name();
  if (name == "value") {
    FailureOr<ElementsAttr> tensor =
        ctx.importer.importTensorAttr(a.t(), node.output(0));
    if (failed(tensor))
      return failure();
    value = *tensor;
  } else if (name == "value_float") {
    value = vector(b.getF32Type(), {double(a.f())}, true);
  } else if (name == "value_floats") {
    value = vector(b.getF32Type(),
                   SmallVector<double>(a.floats().begin(), a.floats().end()),
                   false);
  } else if (name == "value_int") {
    value = vector(b.getI64Type(), {double(a.i())}, true);
  } else if (name == "value_ints") {
    SmallVector<APInt> ints;
    for (int64_t v : a.ints())
      ints.push_back(APInt(64, v, /*isSigned=*/true));
    value = DenseElementsAttr::get(
        RankedTensorType::get({int64_t(ints.size())}, b.getI64Type()), ints);
  } else {
    return ctx.emitError() << "unsupported Constant attribute '" << name
                           << "' (sparse and string constants are not "
                              "supported)";
  }
  ctx.setOutputConstant(0, value);
  return success();
}

static LogicalResult convertIf(NodeContext &ctx) {
  ElementsAttr condition = ctx.inputConstant(0);
  if (!condition || condition.getNumElements() != 1)
    return ctx.emitError() << "the condition must be a constant scalar; SPC "
                              "imports If only when it can inline one branch";
  bool taken = readAsInts(condition).front() != 0;
  const onnx::AttributeProto *branch =
      ctx.attr(taken ? "then_branch" : "else_branch");
  if (!branch || !branch->has_g())
    return ctx.emitError() << "missing " << (taken ? "then" : "else")
                           << "_branch";
  const onnx::GraphProto &graph = branch->g();
  if (graph.output_size() != int(ctx.numOutputs()))
    return ctx.emitError() << "the branch has " << graph.output_size()
                           << " outputs, the node " << ctx.numOutputs();
  // The branch's nodes read outer values by name; import them in place.
  if (failed(ctx.importer.importNodes(graph)))
    return failure();
  for (int i = 0; i < graph.output_size(); ++i) {
    auto it = ctx.importer.values.find(graph.output(i).name());
    if (it == ctx.importer.values.end())
      return ctx.emitError() << "branch output '" << graph.output(i).name()
                             << "' is not produced";
    Tensor tensor = it->second;
    if (tensor.constant)
      ctx.setOutputConstant(i, tensor.constant);
    else
      ctx.setOutput(i, tensor.value);
  }
  return success();
}

void onnx_import::registerControlFlowConverters(ConverterTable &table) {
  table["Identity"] = convertIdentity;
  table["Dropout"] = convertDropout;
  table["Constant"] = convertConstant;
  table["If"] = convertIf;
}
