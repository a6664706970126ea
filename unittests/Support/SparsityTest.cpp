//===- SparsityTest.cpp - N:M measurement tests ---------------------------===//
//
// Part of the SPC project.
//
//===----------------------------------------------------------------------===//

#include "spc/Support/Sparsity.h"

#include "gtest/gtest.h"

#include <cstring>
#include <random>

using namespace spc;

TEST(Sparsity, Placeholder) { EXPECT_EQ(getProfiledGroupSizes().size(), 7u); }
