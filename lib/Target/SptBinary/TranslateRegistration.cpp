//===- TranslateRegistration.cpp - The spt binary translations ------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Target/SptBinary.h"

#include "spc/Dialect/Spt/IR/Spt.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

void spc::registerSptBinaryTranslations() {
  TranslateFromMLIRRegistration emit(
      "emit-binary", "Write an spt.program as a .spab binary (docs/ISA.md)",
      [](Operation *op, llvm::raw_ostream &output) -> LogicalResult {
        spt::ProgramOp program = dyn_cast<spt::ProgramOp>(op);
        if (!program) {
          SmallVector<spt::ProgramOp> programs;
          if (auto module = dyn_cast<ModuleOp>(op))
            programs = llvm::to_vector(module.getOps<spt::ProgramOp>());
          if (programs.size() != 1)
            return op->emitError()
                   << "--emit-binary needs exactly one spt.program, found "
                   << programs.size();
          program = programs.front();
        }
        FailureOr<binary::Program> binary = exportProgram(program);
        if (failed(binary))
          return failure();
        std::vector<uint8_t> bytes = binary::writeBinary(*binary);
        output.write(reinterpret_cast<const char *>(bytes.data()),
                     bytes.size());
        return success();
      },
      [](DialectRegistry &registry) { registry.insert<spt::SptDialect>(); });

  TranslateToMLIRRegistration import(
      "import-binary", "Read a .spab binary (docs/ISA.md) as an spt.program",
      [](const std::shared_ptr<llvm::SourceMgr> &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer =
            sourceMgr->getMemoryBuffer(sourceMgr->getMainFileID());
        ArrayRef<uint8_t> bytes(
            reinterpret_cast<const uint8_t *>(buffer->getBufferStart()),
            buffer->getBufferSize());
        StringRef name = buffer->getBufferIdentifier();
        llvm::Expected<binary::Program> program =
            binary::readBinary(bytes, name);
        if (!program) {
          // The message starts with the file name.
          emitError(UnknownLoc::get(context))
              << llvm::toString(program.takeError());
          return nullptr;
        }
        OwningOpRef<ModuleOp> module = importProgram(*program, context);
        if (!module)
          return nullptr;
        return OwningOpRef<Operation *>(module.release().getOperation());
      },
      [](DialectRegistry &registry) { registry.insert<spt::SptDialect>(); });
}
