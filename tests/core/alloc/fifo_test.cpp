#include "core/alloc/fifo.h"

#include <gtest/gtest.h>

namespace bucketscope {
namespace {

TEST(Fifo, InitFifoRoundsAboveFourToPowerOfTwoMinusOne) {
    EXPECT_EQ(Fifo<int>::rounded(1).capacity(), 1u);
    EXPECT_EQ(Fifo<int>::rounded(4).capacity(), 4u);
    EXPECT_EQ(Fifo<int>::rounded(5).capacity(), 7u);
    EXPECT_EQ(Fifo<int>::rounded(8).capacity(), 7u);
    EXPECT_EQ(Fifo<int>::rounded(9).capacity(), 15u);
    EXPECT_EQ(Fifo<int>::rounded(512).capacity(), 511u);
    EXPECT_EQ(Fifo<int>::exact(8).capacity(), 8u);
    EXPECT_EQ(Fifo<int>::exact(1).capacity(), 1u);
}

TEST(Fifo, FullAtCapacityAndWrapsInOrder) {
    auto f = Fifo<int>::exact(3);
    int out = 0;
    for (int round = 0; round < 10; ++round) {
        EXPECT_TRUE(f.push(round * 3));
        EXPECT_TRUE(f.push(round * 3 + 1));
        EXPECT_TRUE(f.push(round * 3 + 2));
        EXPECT_TRUE(f.full());
        EXPECT_FALSE(f.push(-1));
        EXPECT_EQ(f.used(), 3u);
        EXPECT_EQ(f.at(1), round * 3 + 1);
        for (int i = 0; i < 3; ++i) {
            ASSERT_TRUE(f.pop(out));
            EXPECT_EQ(out, round * 3 + i);
        }
        EXPECT_TRUE(f.empty());
        EXPECT_FALSE(f.pop(out));
    }
}

} // namespace
} // namespace bucketscope
