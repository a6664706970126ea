//===- BinaryTest.cpp - Binary container tests ----------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "RandomInstructions.h"

#include "spc/Target/Binary.h"

#include "llvm/Support/CRC.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <functional>

using ::testing::HasSubstr;

using namespace spc;
using namespace spc::binary;
using namespace spc::isa;

namespace {

target::TargetDescription preset(llvm::StringRef name) {
  auto target = target::loadTarget(name);
  EXPECT_TRUE(static_cast<bool>(target));
  return target ? *target : target::TargetDescription();
}

/// A small valid program: load A and W, one GEMM, store C (ISA §3–§4).
Program makeGemmProgram(const target::TargetDescription &target) {
  Program p;
  p.setTarget(target);
  p.dramSize = 4096;
  Dma loadA;
  loadA.buffer = Buffer::Act;
  loadA.dramAddr = 0;
  loadA.size = {1, 1, 4, 8};
  loadA.dramStride = {0, 0, 8, 1};
  loadA.sramStride = {0, 0, 8, 1};
  Dma loadW = loadA;
  loadW.buffer = Buffer::Wgt;
  loadW.dramAddr = 1024;
  Gemm g;
  g.m = 4;
  g.n = 4;
  g.k = 8;
  g.actRowStride = 8;
  g.wgtRowStride = 8;
  g.accRowStride = 4;
  Dma store;
  store.buffer = Buffer::Acc;
  store.dramAddr = 2048;
  store.size = {1, 1, 4, 4};
  store.dramStride = {0, 0, 4, 1};
  store.sramStride = {0, 0, 4, 1};
  p.getQueue(Queue::Load) = {{Opcode::Load, 0, loadA},
                             {Opcode::Load, PushNext, loadW},
                             Instruction::end()};
  p.getQueue(Queue::Compute) = {{Opcode::Gemm, PopPrev | PushNext, g},
                                Instruction::end()};
  p.getQueue(Queue::Store) = {{Opcode::Store, PopPrev, store},
                              Instruction::end()};
  Constant w;
  w.name = "fc.weight";
  w.rows = 4;
  w.cols = 8;
  w.dramAddr = 1024;
  w.data.assign(4 * 8 * 4, 0x3f);
  p.constants.push_back(w);
  p.tensors.push_back({"input", Tensor::Kind::Input, DType::F32, {4, 8}, 0});
  p.tensors.push_back({"output", Tensor::Kind::Output, DType::F32, {4, 4},
                       2048});
  Layer layer;
  layer.name = "fc";
  layer.begin = {0, 0, 0};
  layer.end = {2, 1, 1};
  p.layers.push_back(layer);
  return p;
}

std::string readError(llvm::ArrayRef<uint8_t> bytes) {
  auto program = readBinary(bytes, "t.spab");
  if (program)
    return "";
  return llvm::toString(program.takeError());
}

std::string verifyError(const Program &p,
                        const target::TargetDescription &target) {
  llvm::Error err = verifyProgram(p, target);
  return err ? llvm::toString(std::move(err)) : "";
}

/// Recomputes the header CRC after a test edits the header or table.
void fixHeaderCrc(std::vector<uint8_t> &bytes) {
  uint32_t count = llvm::support::endian::read32le(&bytes[24]);
  std::vector<uint8_t> covered(bytes.begin(), bytes.begin() + 28);
  covered.insert(covered.end(), bytes.begin() + kHeaderBytes,
                 bytes.begin() + kHeaderBytes + count * kSectionEntryBytes);
  llvm::support::endian::write32le(&bytes[28], llvm::crc32(covered));
}

TEST(BinaryTest, RoundTrip) {
  auto target = preset("sparse-2of4");
  Program p = makeGemmProgram(target);
  EXPECT_EQ(verifyError(p, target), "");
  std::vector<uint8_t> bytes = writeBinary(p);
  auto read = readBinary(bytes, "t.spab");
  ASSERT_TRUE(static_cast<bool>(read)) << llvm::toString(read.takeError());
  EXPECT_TRUE(*read == p);
  EXPECT_EQ(writeBinary(*read), bytes);
  auto embedded = getEmbeddedTarget(*read);
  ASSERT_TRUE(static_cast<bool>(embedded));
  EXPECT_EQ(embedded->name, "sparse-2of4");
}

// verifyContainer applies the reader's table rules to a program in memory:
// it rejects exactly what readBinary would reject after writeBinary, with the
// same message (the reader adds the offset).
TEST(BinaryTest, VerifyContainerMatchesReader) {
  auto target = preset("dense-systolic");
  Program valid = makeGemmProgram(target);
  EXPECT_FALSE(static_cast<bool>(verifyContainer(valid)));

  std::vector<std::pair<std::string, std::function<void(Program &)>>> cases = {
      {"constant 'b' overlaps constant 'fc.weight' in DRAM",
       [](Program &p) {
         Constant b = p.constants[0];
         b.name = "b";
         b.dramAddr += 64;
         p.constants.push_back(b);
       }},
      {"constant 'fc.weight': holds 127 bytes",
       [](Program &p) { p.constants[0].data.pop_back(); }},
      {"n and m are for N:M constants only",
       [](Program &p) { p.constants[0].n = 2; }},
      {"tensor 'output' at DRAM [0xff0, +0x40) lies outside",
       [](Program &p) { p.tensors[1].dramAddr = 0xff0; }},
      {"duplicate input tensor 'input'",
       [](Program &p) {
         Tensor t = p.tensors[0];
         t.dramAddr = 3072;
         p.tensors.push_back(t);
       }},
      {"tensor 'input' overlaps constant 'fc.weight'",
       [](Program &p) { p.tensors[0].dramAddr = 1024; }},
      {"layer 'fc': load range [0, 9) is not inside",
       [](Program &p) { p.layers[0].end[0] = 9; }},
      {"layer 'fc2' overlaps layer 'fc'",
       [](Program &p) {
         Layer l = p.layers[0];
         l.name = "fc2";
         p.layers.push_back(l);
       }},
  };
  for (auto &[message, edit] : cases) {
    Program p = valid;
    edit(p);
    llvm::Error error = verifyContainer(p);
    ASSERT_TRUE(static_cast<bool>(error)) << message;
    EXPECT_THAT(llvm::toString(std::move(error)), HasSubstr(message));
    EXPECT_THAT(readError(writeBinary(p)), HasSubstr(message));
  }
}

// ISA §6: random programs of random valid instructions round-trip exactly.
TEST(BinaryTest, RoundTripProperty) {
  auto target = preset("flexible-nm");
  for (unsigned seed = 0; seed < 50; ++seed) {
    testutil::RandomInstructions random(seed);
    Program p;
    p.setTarget(target);
    p.dramSize = 1 << 20;
    for (unsigned q = 0; q < kNumQueues; ++q) {
      unsigned count = random.u16(0, 30);
      for (unsigned i = 0; i < count; ++i)
        p.queues[q].push_back(random.instruction(static_cast<Queue>(q)));
      if (count)
        p.queues[q].push_back(Instruction::end());
    }
    Constant c;
    c.name = "c" + std::to_string(seed);
    c.dtype = DType::I8;
    c.rows = random.u16(1, 10);
    c.cols = random.u16(1, 10);
    c.dramAddr = random.u16(0, 1000);
    c.data.resize(c.rows * c.cols);
    for (uint8_t &byte : c.data)
      byte = random.u8();
    p.constants.push_back(c);
    p.tensors.push_back({"x", Tensor::Kind::Input, DType::I8, {3, 5}, 4096});
    Layer l;
    l.name = "all";
    for (unsigned q = 0; q < kNumQueues; ++q)
      l.end[q] = p.queues[q].size();
    p.layers.push_back(l);
    std::vector<uint8_t> bytes = writeBinary(p);
    auto read = readBinary(bytes, "t.spab");
    ASSERT_TRUE(static_cast<bool>(read))
        << "seed " << seed << ": " << llvm::toString(read.takeError());
    EXPECT_TRUE(*read == p) << "seed " << seed;
    EXPECT_EQ(writeBinary(*read), bytes) << "seed " << seed;
  }
}

// ISA §7 item 1: every truncation and every single-byte corruption is an
// error, never a crash.
TEST(BinaryTest, TruncatedAndCorrupt) {
  auto target = preset("dense-systolic");
  std::vector<uint8_t> bytes = writeBinary(makeGemmProgram(target));
  EXPECT_THAT(readError({}), HasSubstr("truncated: 0 bytes"));
  for (size_t size = 0; size < bytes.size(); ++size)
    EXPECT_NE(readError(llvm::ArrayRef(bytes).take_front(size)), "")
        << "prefix " << size;
  for (size_t at = 0; at < bytes.size(); ++at) {
    std::vector<uint8_t> corrupt = bytes;
    corrupt[at] ^= 0x5a;
    EXPECT_NE(readError(corrupt), "") << "byte " << at;
  }
}

TEST(BinaryTest, HeaderErrors) {
  auto target = preset("dense-systolic");
  std::vector<uint8_t> bytes = writeBinary(makeGemmProgram(target));

  std::vector<uint8_t> badMagic = bytes;
  badMagic[0] = 'X';
  EXPECT_THAT(readError(badMagic), HasSubstr("t.spab: offset 0x0: header: bad magic"));

  std::vector<uint8_t> badVersion = bytes;
  badVersion[4] = 2;
  EXPECT_THAT(readError(badVersion), HasSubstr("format version 2.0 is not supported"));

  std::vector<uint8_t> badHeaderCrc = bytes;
  badHeaderCrc[16] ^= 1; // dram_size
  EXPECT_THAT(readError(badHeaderCrc), HasSubstr("header checksum mismatch"));

  // A corrupt section names the section and its offset.
  std::vector<uint8_t> badSection = bytes;
  badSection.back() ^= 1; // inside LAYERS
  EXPECT_THAT(readError(badSection), HasSubstr("LAYERS section checksum mismatch"));

  // A section table entry pointing past the end of the file.
  std::vector<uint8_t> badBounds = bytes;
  llvm::support::endian::write64le(&badBounds[kHeaderBytes + 16], 1 << 30);
  fixHeaderCrc(badBounds);
  EXPECT_THAT(readError(badBounds), HasSubstr("TARGET section"));
  EXPECT_THAT(readError(badBounds), HasSubstr("lies outside the file"));

  // An unknown section kind.
  std::vector<uint8_t> badKind = bytes;
  llvm::support::endian::write32le(&badKind[kHeaderBytes], 9);
  fixHeaderCrc(badKind);
  EXPECT_THAT(readError(badKind), HasSubstr("unknown section kind 9"));
}

TEST(BinaryTest, TableErrors) {
  auto target = preset("dense-systolic");
  {
    Program p = makeGemmProgram(target);
    p.constants[0].data.pop_back();
    EXPECT_THAT(readError(writeBinary(p)), HasSubstr(
                  "constant 'fc.weight': holds 127 bytes, but a dense 4x8 f32 "
                  "constant needs 128"));
  }
  {
    Program p = makeGemmProgram(target);
    p.constants[0].dramAddr = 4000;
    EXPECT_THAT(readError(writeBinary(p)), HasSubstr("lies outside the 0x1000 bytes"));
  }
  {
    Program p = makeGemmProgram(target);
    p.tensors[1].dramAddr = 1100;
    EXPECT_THAT(readError(writeBinary(p))
                  , HasSubstr("tensor 'output' overlaps constant 'fc.weight'"));
  }
  {
    Program p = makeGemmProgram(target);
    p.layers[0].end[1] = 5;
    EXPECT_THAT(readError(writeBinary(p)), HasSubstr("layer 'fc': compute range [0, 5)"));
  }
  {
    Program p = makeGemmProgram(target);
    p.getQueue(Queue::Compute).pop_back();
    EXPECT_THAT(readError(writeBinary(p))
                  , HasSubstr("compute queue, instruction 0: the queue does not end "
                        "with END"));
  }
  {
    // CSR constants are checked against their row pointers (ISA §6.4.3).
    Program p = makeGemmProgram(target);
    Constant csr;
    csr.name = "csr";
    csr.format = Format::CSR;
    csr.rows = 2;
    csr.cols = 4;
    csr.dramAddr = 3000;
    // ptr = {0, 1, 2}, idx = {3, 4}, values = 2 x f32.
    csr.data = {0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 4, 0,
                0, 0, 0, 0, 0, 0, 0, 0};
    p.constants.push_back(csr);
    EXPECT_THAT(readError(writeBinary(p)), HasSubstr("row 1: column index 4 is out of "
                                             "range"));
    p.constants.back().data[14] = 2;
    EXPECT_EQ(readError(writeBinary(p)), "");
  }
}

// ISA §7 items 4–5: instructions against the target.
TEST(BinaryTest, VerifyAgainstTarget) {
  auto dense = preset("dense-systolic");
  Program p = makeGemmProgram(dense);
  EXPECT_EQ(verifyError(p, dense), "");

  // Target mismatch.
  EXPECT_THAT(verifyError(p, preset("sparse-2of4"))
                , HasSubstr("but target 'sparse-2of4' has fingerprint"));

  // A DMA past the end of DRAM.
  Program outOfDram = p;
  outOfDram.getQueue(Queue::Load)[0].get<Dma>().dramAddr = 4090;
  EXPECT_THAT(verifyError(outOfDram, dense)
                , HasSubstr("load queue, instruction 0 (layer 'fc'): LOAD: DRAM "
                      "range [0xffa, 0x107a) lies outside"));

  // A DMA past the end of its scratchpad.
  Program outOfSram = p;
  outOfSram.getQueue(Queue::Load)[1].get<Dma>().sramAddr =
      static_cast<uint32_t>(dense.wgt.bytes - 8);
  EXPECT_THAT(verifyError(outOfSram, dense), HasSubstr("outside the 524288-byte wgt "
                                               "buffer"));

  // A negative VEC stride that reaches below the buffer.
  Program below = p;
  Vec v;
  v.func = VecFunc::Relu;
  v.rows = 2;
  v.cols = 4;
  v.dst = {Buffer::Acc, 0, 4, 1};
  v.src1 = {Buffer::Acc, 0, -4, 1};
  below.getQueue(Queue::Compute).insert(
      below.getQueue(Queue::Compute).begin() + 1, {Opcode::Vec, 0, v});
  EXPECT_THAT(verifyError(below, dense), HasSubstr("compute queue, instruction 1"));

  // A 2:4 GEMM on a target without N:M support names what it supports.
  Program nm = p;
  Gemm &g = nm.getQueue(Queue::Compute)[0].get<Gemm>();
  g.kind = Gemm::Kind::NM;
  nm.getQueue(Queue::Compute)[0].opcode = Opcode::GemmNM;
  g.wN = 2;
  g.wM = 4;
  g.wgtRowStride = 4;
  g.metaAddr = 1024;
  g.metaRowStride = 1;
  EXPECT_THAT(verifyError(nm, dense), HasSubstr("target 'dense-systolic' cannot run "
                                        "2:4 weights; it runs no N:M pattern"));
  auto sparse = preset("sparse-2of4");
  nm.setTarget(sparse);
  EXPECT_EQ(verifyError(nm, sparse), "");
  g.wN = 1;
  EXPECT_THAT(verifyError(nm, sparse), HasSubstr("it runs 2:4"));
  auto relaxed = preset("relaxed-nm");
  nm.setTarget(relaxed);
  EXPECT_EQ(verifyError(nm, relaxed), "");

  // STRUCT needs a structuring unit.
  Program st = p;
  Struct s;
  s.rows = 4;
  s.cols = 8;
  s.n = 2;
  s.m = 4;
  s.srcRowStride = s.dstRowStride = 8;
  st.getQueue(Queue::Compute).insert(st.getQueue(Queue::Compute).begin(),
                                     {Opcode::Struct, 0, s});
  EXPECT_THAT(verifyError(st, dense), HasSubstr("has no structuring unit"));
}

TEST(BinaryTest, WriteFileLeavesNothingOnFailure) {
  Program p = makeGemmProgram(preset("dense-systolic"));
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("spc-binary-test", dir));
  std::string path = (dir + "/missing/out.spab").str();
  llvm::Error err = writeBinaryFile(p, path);
  EXPECT_TRUE(static_cast<bool>(err));
  llvm::consumeError(std::move(err));
  EXPECT_FALSE(llvm::sys::fs::exists(path));
  std::string good = (dir + "/out.spab").str();
  ASSERT_FALSE(static_cast<bool>(writeBinaryFile(p, good)));
  auto read = readBinaryFile(good);
  ASSERT_TRUE(static_cast<bool>(read));
  EXPECT_TRUE(*read == p);
  llvm::sys::fs::remove(good);
  llvm::sys::fs::remove(dir);
}

} // namespace
