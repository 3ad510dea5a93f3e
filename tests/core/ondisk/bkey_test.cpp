// bkey bit layout and stale-gen arithmetic (bcache-ondisk.md section 4).

#include "core/ondisk/bkey.h"

#include <gtest/gtest.h>

#include <vector>

namespace bucketscope::ondisk {
namespace {

TEST(Bkey, PointerFieldPositions) {
    EXPECT_EQ(make_ptr(3, 0x1234, 5), (5ull << 51) | (0x1234ull << 8) | 3);
    const BkeyPtr p = decode_ptr(make_ptr(0xfe, (1ull << 43) - 1, 0xfff));
    EXPECT_EQ(p.gen, 0xfe);
    EXPECT_EQ(p.offset, (1ull << 43) - 1);
    EXPECT_EQ(p.dev, 0xfff);
}

TEST(Bkey, HighWordLayoutAndRoundTrip) {
    Bkey k;
    k.inode = 0xabcde;
    k.offset = 123456;
    k.size = 0xffff;
    k.dirty = true;
    k.nptrs = 2;
    k.ptrs[0] = {0, 2048, 1};
    k.ptrs[1] = {1, 4096, 200};
    std::vector<uint64_t> w(k.u64s());
    encode_bkey(k, w);
    EXPECT_EQ(w[0], (1ull << 63) | (2ull << 60) | (1ull << 36) | (0xffffull << 20) | 0xabcde);
    EXPECT_EQ(w[1], 123456u);
    EXPECT_EQ(bkey_u64s(w[0]), 4u);
    const Bkey d = decode_bkey(w);
    EXPECT_EQ(d.inode, k.inode);
    EXPECT_EQ(d.offset, k.offset);
    EXPECT_EQ(d.size, k.size);
    EXPECT_TRUE(d.dirty);
    EXPECT_EQ(d.nptrs, 2);
    EXPECT_EQ(d.ptrs[1].offset, 4096u);
    EXPECT_EQ(d.ptrs[1].gen, 200);
    EXPECT_EQ(d.ptrs[1].dev, 1);
    EXPECT_EQ(d.start(), 123456u - 0xffff);
}

TEST(Bkey, PackedKeysThatRunPastTheEndAreAnError) {
    std::vector<uint64_t> w = {(1ull << 63) | (3ull << 60), 8, 0}; // claims 3 ptrs, has 1
    auto r = decode_bkeys(w, "bset", 4096);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().structure, "bset");
    EXPECT_EQ(r.error().offset, 4096u);
}

TEST(Bkey, GenAfterIsStaleOnlyWithinHalfTheRing) {
    EXPECT_EQ(gen_after(5, 5), 0);
    EXPECT_EQ(gen_after(6, 5), 1);
    EXPECT_EQ(gen_after(4, 5), 0);   // pointer newer than bucket: not stale
    EXPECT_EQ(gen_after(1, 255), 2); // wraps
    EXPECT_EQ(gen_after(133, 5), 128);
    EXPECT_EQ(gen_after(134, 5), 0);
}

} // namespace
} // namespace bucketscope::ondisk
