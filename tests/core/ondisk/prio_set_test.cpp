// prio_set: byte layout, csum over the whole buffer, and the csum-then-magic check order.

#include "core/ondisk/crc64.h"
#include "core/ondisk/le.h"
#include "core/ondisk/prio_set.h"

#include <gtest/gtest.h>

#include <vector>

namespace bucketscope::ondisk {
namespace {

constexpr uint64_t kSetMagic = 0xefcdab8967452301ull;

TEST(PrioSet, LayoutAndRoundTrip) {
    std::vector<std::byte> buf(4096);
    std::vector<BucketDisk> e = {{0, 0}, {32768, 1}, {65535, 255}};
    encode_prio_set(buf, kSetMagic, 7, 99, e);
    EXPECT_EQ(le64(buf, 8), 0x889d4ad6e0765c90ull); // pset_magic of vector B
    EXPECT_EQ(le64(buf, 16), 7u);
    EXPECT_EQ(le64(buf, 32), 99u);
    EXPECT_EQ(buf[43], std::byte{0x00}); // prio 32768 little-endian
    EXPECT_EQ(buf[44], std::byte{0x80});
    EXPECT_EQ(buf[45], std::byte{1});
    EXPECT_EQ(le64(buf, 0), bch_crc64(std::span(buf).subspan(8)));
    auto r = decode_prio_set(buf, kSetMagic, 0);
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r.value().entries.size(), (4096u - 40) / 3);
    EXPECT_EQ(r.value().entries[1].prio, 32768);
    EXPECT_EQ(r.value().entries[2].gen, 255);
    EXPECT_EQ(r.value().next_bucket, 99u);
    EXPECT_EQ(r.value().seq, 7u);
}

TEST(PrioSet, TailBytesAreKeptAndCovered) {
    std::vector<std::byte> buf(512, std::byte{0xaa});
    std::vector<BucketDisk> e = {{1, 2}};
    encode_prio_set(buf, kSetMagic, 1, 0, e);
    EXPECT_EQ(buf[500], std::byte{0xaa});
    buf[500] = std::byte{0xab};
    auto r = decode_prio_set(buf, kSetMagic, 1 << 20);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().structure, "prio_set");
    EXPECT_NE(r.error().message.find("csum"), std::string::npos);
    EXPECT_EQ(r.error().offset, 1u << 20);
}

TEST(PrioSet, ZeroTailHintChangesNothing) {
    // A reused buffer: stale entries from a longer set, then zeros. Told where the zeros
    // start (the prio writer's hint), the encoder writes what it writes without the hint,
    // and the byte after the last entry is left alone.
    std::vector<std::byte> stale(2048);
    std::vector<BucketDisk> longer(300, BucketDisk{77, 9});
    const size_t end = encode_prio_set(stale, kSetMagic, 1, 0, longer);
    EXPECT_EQ(end, 40u + 3 * 300);
    std::vector<BucketDisk> e = {{1, 2}, {0x1234, 0x56}, {65535, 255}, {0, 7}};
    std::vector<std::byte> plain = stale, hinted = stale;
    encode_prio_set(plain, kSetMagic, 2, 5, e);
    EXPECT_EQ(encode_prio_set(hinted, kSetMagic, 2, 5, e, end), 40u + 3 * 4);
    EXPECT_EQ(hinted, plain);
    EXPECT_EQ(plain[40 + 3 * 4], std::byte{77}); // the stale entry after ours is kept
    EXPECT_EQ(le16(plain, 40 + 3), 0x1234);
    EXPECT_EQ(plain[40 + 3 + 2], std::byte{0x56});
    EXPECT_EQ(le64(plain, 0), bch_crc64(std::span(plain).subspan(8)));
}

TEST(PrioSet, WrongMagicWithValidCsum) {
    std::vector<std::byte> buf(512);
    encode_prio_set(buf, kSetMagic, 1, 0, {});
    auto r = decode_prio_set(buf, kSetMagic + 1, 0);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("magic"), std::string::npos);
}

TEST(PrioSet, TooSmallBuffer) {
    std::vector<std::byte> buf(40);
    EXPECT_FALSE(decode_prio_set(buf, kSetMagic, 0));
}

} // namespace
} // namespace bucketscope::ondisk
