#include "spc/Dialect/Spa/IR/Spa.h"
#include "gtest/gtest.h"
TEST(SparseEncoding, Placeholder) { EXPECT_TRUE(true); }
