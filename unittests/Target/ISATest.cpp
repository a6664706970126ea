//===- ISATest.cpp - Instruction word encoding tests ----------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "RandomInstructions.h"

#include "spc/Target/ISA.h"

#include "llvm/Support/Endian.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

using ::testing::HasSubstr;

using namespace spc;
using namespace spc::isa;

namespace {

std::string decodeError(const Word &word) {
  auto inst = decode(word);
  if (inst)
    return "";
  return llvm::toString(inst.takeError());
}

// ISA §2–§4: decode inverts encode, and encode inverts decode, on every
// valid instruction of every class.
TEST(ISATest, EncodeDecodeRoundTripProperty) {
  for (unsigned seed = 0; seed < 200; ++seed) {
    testutil::RandomInstructions random(seed);
    for (unsigned q = 0; q < kNumQueues; ++q) {
      for (unsigned i = 0; i < 20; ++i) {
        Instruction inst = random.instruction(static_cast<Queue>(q));
        Word word = encode(inst);
        auto decoded = decode(word);
        ASSERT_TRUE(static_cast<bool>(decoded))
            << "seed " << seed << " " << getMnemonic(inst.opcode).str() << ": "
            << llvm::toString(decoded.takeError());
        EXPECT_TRUE(*decoded == inst)
            << "seed " << seed << " " << getMnemonic(inst.opcode).str();
        EXPECT_EQ(encode(*decoded), word);
        EXPECT_FALSE(static_cast<bool>(
            verifyQueuePlacement(*decoded, static_cast<Queue>(q))));
      }
    }
  }
}

// ISA §2: every byte outside an opcode's layout is reserved. Setting any of
// them makes the word invalid, and setting any used byte never crashes.
TEST(ISATest, ReservedBytesAreRejected) {
  testutil::RandomInstructions random(7);
  for (unsigned trial = 0; trial < 300; ++trial) {
    Instruction inst = random.instruction(static_cast<Queue>(trial % 3));
    Word word = encode(inst);
    for (unsigned byte = 2; byte < kWordBytes; ++byte) {
      Word mutated = word;
      mutated[byte] ^= 0xff;
      auto decoded = decode(mutated);
      if (!decoded) {
        llvm::consumeError(decoded.takeError());
        continue;
      }
      // Accepted mutations change a field, so the instruction differs.
      EXPECT_FALSE(*decoded == inst) << "byte " << byte;
    }
  }
}

TEST(ISATest, GemmWordLayout) {
  // ISA §4.2: the byte offsets of a dense GEMM.
  Gemm g;
  g.dtype = DType::I8;
  g.accumulate = true;
  g.m = 0x0102;
  g.n = 0x0304;
  g.k = 0x0506;
  g.aZeroPoint = -3;
  g.wZeroPoint = 5;
  g.actAddr = 0x11223344;
  g.actRowStride = 0x10;
  g.wgtAddr = 0x20;
  g.wgtRowStride = 0x30;
  g.accAddr = 0x40;
  g.accRowStride = 0x50;
  Word word = encode({Opcode::Gemm, PopPrev | PushNext, g});
  EXPECT_EQ(word[0], 0x20);
  EXPECT_EQ(word[1], 0x09);
  EXPECT_EQ(word[2], 2);
  EXPECT_EQ(word[3], 1);
  EXPECT_EQ(llvm::support::endian::read16le(&word[4]), 0x0102);
  EXPECT_EQ(llvm::support::endian::read16le(&word[6]), 0x0304);
  EXPECT_EQ(llvm::support::endian::read16le(&word[8]), 0x0506);
  EXPECT_EQ(word[14], 0xfd);
  EXPECT_EQ(word[15], 5);
  EXPECT_EQ(llvm::support::endian::read32le(&word[16]), 0x11223344u);
  EXPECT_EQ(llvm::support::endian::read32le(&word[36]), 0x50u);
  for (unsigned i = 40; i < kWordBytes; ++i)
    EXPECT_EQ(word[i], 0) << i;
}

TEST(ISATest, InvalidWords) {
  Word word{};
  word[0] = 0x7f;
  EXPECT_THAT(decodeError(word), HasSubstr("invalid opcode 0x7f"));

  // ISA §3.1: zero-sized DMA.
  Dma dma;
  dma.size = {1, 0, 1, 1};
  EXPECT_THAT(decodeError(encode({Opcode::Load, 0, dma})), HasSubstr("size[1] is zero"));

  // ISA §3.1: STORE has no padding.
  dma.size = {1, 1, 1, 1};
  dma.padLo = {0, 0, 1, 0};
  EXPECT_THAT(decodeError(encode({Opcode::Store, 0, dma})), HasSubstr("reserved byte 58"));

  // ISA §4.3: n > m.
  Gemm g;
  g.kind = Gemm::Kind::NM;
  g.k = 8;
  g.wN = 5;
  g.wM = 4;
  EXPECT_THAT(decodeError(encode({Opcode::GemmNM, 0, g}))
                , HasSubstr("invalid weight pattern 5:4"));
  // ISA §4.3: K not a multiple of m.
  g.wN = 2;
  g.k = 6;
  EXPECT_THAT(decodeError(encode({Opcode::GemmNM, 0, g}))
                , HasSubstr("K 6 is not a multiple of m 4"));
  // ISA §4.1: sparse weights have no zero point.
  g.k = 8;
  g.dtype = DType::I8;
  g.wZeroPoint = 1;
  EXPECT_THAT(decodeError(encode({Opcode::GemmNM, 0, g})), HasSubstr("w_zp"));

  // ISA §4.7: types and operands.
  Vec v;
  v.func = VecFunc::Exp;
  v.srcType = v.dstType = DType::I32;
  v.dst.buffer = v.src1.buffer = Buffer::Acc;
  EXPECT_THAT(decodeError(encode({Opcode::Vec, 0, v})), HasSubstr("VEC EXP with i32"));
  v.srcType = v.dstType = DType::F32;
  v.src2.buffer = Buffer::Act;
  EXPECT_THAT(decodeError(encode({Opcode::Vec, 0, v})), HasSubstr("takes no src2"));
  v.func = VecFunc::Quant;
  v.dstType = DType::I8;
  EXPECT_EQ(decodeError(encode({Opcode::Vec, 0, v})), "");
  word = encode({Opcode::Vec, 0, v});
  word[2] = 99;
  EXPECT_THAT(decodeError(word), HasSubstr("invalid VEC func 99"));

  // ISA §1.2: deps bits 4-7.
  word = encode(Instruction::sync(0));
  word[1] = 0x10;
  EXPECT_THAT(decodeError(word), HasSubstr("deps bits"));

  // ISA §2: short words.
  auto shortWord = decode(llvm::ArrayRef<uint8_t>(word.data(), 10));
  ASSERT_FALSE(static_cast<bool>(shortWord));
  llvm::consumeError(shortWord.takeError());
}

TEST(ISATest, QueuePlacement) {
  auto message = [](const Instruction &inst, Queue queue) {
    llvm::Error err = verifyQueuePlacement(inst, queue);
    return err ? llvm::toString(std::move(err)) : std::string();
  };
  Instruction gemm{Opcode::Gemm, 0, Gemm{}};
  EXPECT_THAT(message(gemm, Queue::Load), HasSubstr("GEMM belongs to the compute "
                                            "queue, not the load queue"));
  EXPECT_EQ(message(gemm, Queue::Compute), "");
  EXPECT_THAT(message(Instruction::sync(PopPrev), Queue::Load), HasSubstr("no previous"));
  EXPECT_THAT(message(Instruction::sync(PushNext), Queue::Store), HasSubstr("no next"));
  EXPECT_EQ(message(Instruction::sync(PopPrev | PushNext), Queue::Compute), "");
  EXPECT_THAT(message({Opcode::End, PushNext, NoOperands{}}, Queue::Compute)
                , HasSubstr("END carries no deps"));
}

TEST(ISATest, Names) {
  for (VecFunc func : getAllVecFuncs()) {
    EXPECT_EQ(parseVecFunc(getName(func)), func);
    EXPECT_EQ(parseVecFunc(getName(func).lower()), func);
  }
  EXPECT_EQ(parseDType("i32"), DType::I32);
  EXPECT_EQ(parseBuffer("wgt"), Buffer::Wgt);
  EXPECT_EQ(parseFormat("bitmap"), Format::Bitmap);
  EXPECT_FALSE(parseVecFunc("softmax"));
  EXPECT_EQ(getMnemonic(Opcode::GemmSparse), "GEMM.SP");
}

} // namespace
