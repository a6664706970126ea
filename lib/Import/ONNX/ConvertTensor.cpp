//===- ConvertTensor.cpp - ONNX tensor operators to spa ----------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

using namespace mlir;
using namespace spc;
using namespace spc::onnx_import;

void onnx_import::registerTensorConverters(ConverterTable &table) {}
