// Superblock: byte-exact encoding of make-bcache's vector A, decode of every kernel
// fixture against bcache-super-show's output, and read_super's refusals.

#include "core/ondisk/le.h"
#include "core/ondisk/superblock.h"
#include "fixture_util.h"

#include <gtest/gtest.h>

namespace bucketscope::ondisk {
namespace {

CacheSuperblock vector_a() {
    CacheSuperblock sb;
    sb.uuid = *uuid_from_string("7e86cb62-3944-4765-8e16-fa141428ad24");
    sb.set_uuid = *uuid_from_string("175940ca-b535-4a09-883a-2d6e95058c9b");
    sb.nbuckets = 512;
    sb.block_size = 8;
    sb.bucket_size = 1024;
    sb.first_bucket = 1;
    return sb;
}

TEST(Superblock, EncodesMakeBcacheVectorA) {
    const auto b = encode_superblock(vector_a());
    ASSERT_EQ(b.size(), SB_SIZE);
    EXPECT_EQ(le64(b, 0), 0xD98597B0086F40F0ull);
    EXPECT_EQ(le64(b, 8), 8u);
    EXPECT_EQ(le64(b, 184), 512u);
    EXPECT_EQ(le16(b, 194), 1024u);
    auto d = decode_superblock(b, {.device_bytes = 256ull << 20});
    ASSERT_TRUE(d) << d.error().to_string();
    EXPECT_EQ(encode_superblock(d.value()), b);
}

TEST(Superblock, VectorBFlagsAndMagics) {
    CacheSuperblock sb = vector_a();
    sb.set_uuid = *uuid_from_string("01234567-89ab-cdef-0123-456789abcdef");
    sb.set_cache_discard(true);
    sb.set_cache_replacement(1);
    EXPECT_EQ(sb.flags, 0x6u);
    EXPECT_EQ(sb.set_magic(), 0xefcdab8967452301ull);
    sb.set_cache_sync(true);
    sb.set_bdev_state(3);
    EXPECT_TRUE(sb.cache_sync());
    EXPECT_EQ(sb.cache_replacement(), 1u);
    EXPECT_EQ(sb.bdev_state(), 3u);
    sb.set_cache_replacement(9); // masked to 3 bits
    EXPECT_EQ(sb.cache_replacement(), 1u);
}

TEST(Superblock, JournalBucketsAreCovered) {
    CacheSuperblock sb = vector_a();
    sb.nbuckets = 1088;
    sb.keys = 8;
    for (uint16_t i = 0; i < 8; ++i)
        sb.d[i] = 1 + i;
    auto b = encode_superblock(sb);
    ASSERT_TRUE(decode_superblock(b));
    b[208 + 8 * 7] = std::byte{3}; // d[7] is covered by the csum
    EXPECT_NE(decode_superblock(b).error().message.find("csum"), std::string::npos);
    b = encode_superblock(sb);
    b[208 + 8 * 8] = std::byte{3}; // d[8] is not
    EXPECT_TRUE(decode_superblock(b));
}

TEST(Superblock, LargeBucketFeatureBits) {
    CacheSuperblock sb = vector_a();
    sb.set_bucket_sectors(1u << 17); // 64 MiB
    EXPECT_EQ(sb.version, BCACHE_SB_VERSION_CDEV_WITH_FEATURES);
    EXPECT_EQ(sb.bucket_size, 17u);
    EXPECT_EQ(sb.bucket_sectors(), 1u << 17);
    auto d = decode_superblock(encode_superblock(sb));
    ASSERT_TRUE(d) << d.error().to_string();
    EXPECT_EQ(d.value().bucket_sectors(), 1u << 17);
    // A v4.x kernel knows no version 5.
    EXPECT_FALSE(decode_superblock(encode_superblock(sb), {.max_version = 4}));
    sb.feature_incompat = FEATURE_INCOMPAT_OBSO_LARGE_BUCKET;
    sb.bucket_size = 0;
    sb.obso_bucket_size_hi = 2;
    EXPECT_EQ(sb.bucket_sectors(), 1u << 17);
    sb.feature_incompat |= 0x100;
    EXPECT_NE(decode_superblock(encode_superblock(sb)).error().message.find("incompat"),
              std::string::npos);
}

struct Damage {
    const char* name;
    void (*apply)(CacheSuperblock&);
    const char* expect;
};

TEST(Superblock, RefusesWhatReadSuperRefuses) {
    const Damage cases[] = {
        {"offset", [](CacheSuperblock& s) { s.offset = 9; }, "offset"},
        {"magic", [](CacheSuperblock& s) { s.magic[3] ^= 1; }, "magic"},
        {"keys", [](CacheSuperblock& s) { s.keys = 257; }, "keys"},
        {"uuid", [](CacheSuperblock& s) { s.uuid = {}; }, "uuid"},
        {"version2", [](CacheSuperblock& s) { s.version = 2; }, "version"},
        {"version7", [](CacheSuperblock& s) { s.version = 7; }, "version"},
        {"few buckets", [](CacheSuperblock& s) { s.nbuckets = 127; }, "nbuckets"},
        {"huge nbuckets", [](CacheSuperblock& s) { s.nbuckets = ~0ull; }, "nbuckets"},
        {"block 0", [](CacheSuperblock& s) { s.block_size = 0; }, "block_size"},
        {"block 3", [](CacheSuperblock& s) { s.block_size = 3; }, "block_size"},
        {"block 16", [](CacheSuperblock& s) { s.block_size = 16; }, "block_size"},
        {"bucket 0", [](CacheSuperblock& s) { s.bucket_size = 0; }, "bucket size"},
        {"bucket 4", [](CacheSuperblock& s) { s.bucket_size = 4; }, "bucket size"},
        {"bucket 1000", [](CacheSuperblock& s) { s.bucket_size = 1000; }, "bucket size"},
        {"device too small", [](CacheSuperblock& s) { s.nbuckets = 1 << 20; }, "device has only"},
        {"set_uuid", [](CacheSuperblock& s) { s.set_uuid = {}; }, "set_uuid"},
        {"nr_in_set 0", [](CacheSuperblock& s) { s.nr_in_set = 0; }, "nr_in_set"},
        {"nr_in_set 9", [](CacheSuperblock& s) { s.nr_in_set = 9; }, "nr_in_set"},
        {"nr_this_dev", [](CacheSuperblock& s) { s.nr_this_dev = 1; }, "nr_in_set"},
        {"journal gap", [](CacheSuperblock& s) { s.keys = 2; s.d[0] = 1; s.d[1] = 3; }, "d[1]"},
        {"journal twice", [](CacheSuperblock& s) { s.keys = 2; s.d[0] = 1; s.d[1] = 1; }, "d[1]"},
        {"journal past end", [](CacheSuperblock& s) {
             s.first_bucket = 500; s.keys = 20;
             for (uint16_t i = 0; i < 20; ++i) s.d[i] = 500 + i; }, "exceed nbuckets"},
        {"first_bucket 0", [](CacheSuperblock& s) { s.first_bucket = 0; }, "superblock area"},
        {"feature without version", [](CacheSuperblock& s) { s.version = 5; s.feature_compat = 1; }, "compat"},
    };
    for (const Damage& c : cases) {
        CacheSuperblock sb = vector_a();
        c.apply(sb);
        auto r = decode_superblock(encode_superblock(sb), {.device_bytes = 256ull << 20});
        ASSERT_FALSE(r) << c.name;
        EXPECT_EQ(r.error().structure, "superblock");
        EXPECT_GE(r.error().offset, SB_OFFSET) << c.name;
        EXPECT_NE(r.error().message.find(c.expect), std::string::npos)
            << c.name << ": " << r.error().to_string();
    }
}

TEST(Superblock, TruncatedBuffers) {
    const auto b = encode_superblock(vector_a());
    for (size_t n : {0, 1, 200, 2255})
        EXPECT_FALSE(decode_superblock(std::span(b).first(n))) << n;
}

TEST(Superblock, BackingDevice) {
    CacheSuperblock sb = vector_a();
    sb.version = BCACHE_SB_VERSION_BDEV_WITH_OFFSET;
    sb.nbuckets = 2048; // data_offset
    sb.set_bdev_cache_mode(1);
    auto r = decode_superblock(encode_superblock(sb));
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_TRUE(r.value().is_backing());
    EXPECT_EQ(r.value().data_offset(), 2048u);
    sb.nbuckets = 8;
    EXPECT_FALSE(decode_superblock(encode_superblock(sb)));
}

TEST(Superblock, EveryKernelFixtureMatchesBcacheSuperShow) {
    const auto names = testutil::fixture_names();
    ASSERT_FALSE(names.empty());
    for (const auto& name : names) {
        SCOPED_TRACE(name);
        const auto img = testutil::fixture_image(name);
        const auto bytes = testutil::read_range(img, SB_OFFSET, SB_SIZE);
        auto r = decode_superblock(bytes, {.device_bytes = std::filesystem::file_size(img)});
        ASSERT_TRUE(r) << r.error().to_string();
        const CacheSuperblock& sb = r.value();
        auto truth = testutil::read_super_show(testutil::fixture_dir() / (name + ".truth") / "superblock.txt");
        char csum[24];
        std::snprintf(csum, sizeof csum, "%llX", static_cast<unsigned long long>(sb.csum));
        EXPECT_EQ(truth["sb.csum"], std::string(csum) + " [match]");
        EXPECT_EQ(truth["sb.version"].substr(0, truth["sb.version"].find(' ')), std::to_string(sb.version));
        EXPECT_EQ(truth["dev.uuid"], uuid_to_string(sb.uuid));
        EXPECT_EQ(truth["cset.uuid"], uuid_to_string(sb.set_uuid));
        EXPECT_EQ(truth["dev.sectors_per_block"], std::to_string(sb.block_size));
        EXPECT_EQ(truth["dev.sectors_per_bucket"], std::to_string(sb.bucket_sectors()));
        EXPECT_EQ(truth["dev.cache.total_sectors"], std::to_string(sb.bucket_sectors() * sb.nbuckets));
        EXPECT_EQ(truth["dev.cache.ordered"], sb.cache_sync() ? "yes" : "no");
        EXPECT_EQ(truth["dev.cache.discard"], sb.cache_discard() ? "yes" : "no");
        // Decode then encode reproduces the struct bytes exactly.
        const auto again = encode_superblock(sb);
        EXPECT_TRUE(std::equal(again.begin(), again.begin() + SB_STRUCT_BYTES, bytes.begin()));
    }
}

} // namespace
} // namespace bucketscope::ondisk
