//===- spc-opt.cpp - SPC optimizer driver ---------------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//
//
// Runs SPC and upstream passes on .mlir files; the tool behind most lit tests.
//
//===----------------------------------------------------------------------===//

#include "spc/InitAllDialects.h"
#include "spc/InitAllPasses.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  spc::registerAllDialects(registry);
  spc::registerAllPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "SPC optimizer driver for the sparse-accelerator dialects\n",
      registry));
}
