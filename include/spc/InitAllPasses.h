//===- InitAllPasses.h - Register every pass SPC uses -----------*- C++ -*-===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// The single place where SPC's passes, and the upstream passes its pipeline
// uses, are registered for the command line. Every tool calls this.
//
//===----------------------------------------------------------------------===//

#ifndef SPC_INITALLPASSES_H
#define SPC_INITALLPASSES_H

#include "spc/Conversion/Passes.h"
#include "spc/Conversion/Pipeline.h"
#include "spc/Dialect/Spa/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Transforms/Passes.h"

namespace spc {

inline void registerAllPasses() {
  spa::registerSpaPasses();
  registerConversionPasses();
  registerCompilePipeline();

  // Generic transforms (canonicalize, cse, inline, symbol-dce, ...) and the
  // upstream tiling and bufferization passes the lowering pipeline builds on.
  mlir::registerTransformsPasses();
  mlir::bufferization::registerBufferizationPasses();
  mlir::registerLinalgPasses();
}

} // namespace spc

#endif // SPC_INITALLPASSES_H
