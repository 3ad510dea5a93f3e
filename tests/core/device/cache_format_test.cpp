// plan_cache_format and write_cache_superblock: make-bcache's geometry and bytes (the
// verified vectors of bcache-ondisk.md 1.6), every refused size with the reason, and what
// a failing device leaves behind.

#include "core/device/cache_format.h"
#include "core/device/fault_injecting_device.h"
#include "core/device/ram_device.h"
#include "core/ondisk/superblock.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bucketscope {
namespace {

using ondisk::uuid_from_string;
using ::testing::HasSubstr;

constexpr uint64_t kMiB = 1 << 20;

uint64_t le64(const std::vector<std::byte>& b, size_t off) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = v << 8 | static_cast<uint8_t>(b[off + static_cast<size_t>(i)]);
    return v;
}

FormatPlan plan(const FormatOptions& o, uint64_t device_bytes, uint32_t lbs = 512) {
    FormatPlan p;
    Status s = plan_cache_format(o, device_bytes, lbs, p);
    EXPECT_TRUE(s) << s.message;
    return p;
}

std::string refusal(const FormatOptions& o, uint64_t device_bytes, uint32_t lbs = 512) {
    FormatPlan p;
    Status s = plan_cache_format(o, device_bytes, lbs, p);
    EXPECT_FALSE(s);
    return s.message;
}

// Vector A: `truncate -s 256M; make-bcache -C img` on a 4096-byte st_blksize filesystem.
TEST(CacheFormat, MakeBcacheDefaultsGiveVectorAByteForByte) {
    FormatOptions o;
    o.uuid = uuid_from_string("7e86cb62-3944-4765-8e16-fa141428ad24");
    o.set_uuid = uuid_from_string("175940ca-b535-4a09-883a-2d6e95058c9b");
    FormatPlan p = plan(o, 256 * kMiB);
    EXPECT_EQ(p.sb.version, 0u);
    EXPECT_EQ(p.sb.nbuckets, 512u);
    EXPECT_EQ(p.sb.block_size, 8u);
    EXPECT_EQ(p.sb.bucket_size, 1024u);
    EXPECT_EQ(p.sb.first_bucket, 1u);
    EXPECT_EQ(p.sb.keys, 0u);
    EXPECT_EQ(p.sb.flags, 0u);
    auto bytes = ondisk::encode_superblock(p.sb);
    EXPECT_EQ(le64(bytes, 0), 0xD98597B0086F40F0ull);
}

// Vector B: `-w 512 -b 128k --discard --cache_replacement_policy=fifo --cset-uuid ...`.
TEST(CacheFormat, DiscardFifoAndSmallBlocksGiveVectorB) {
    FormatOptions o;
    o.bucket_bytes = 128 * 1024;
    o.block_bytes = 512;
    o.discard = true;
    o.policy = ondisk::CacheReplacement::fifo;
    o.uuid = uuid_from_string("81448a53-e704-4a11-8434-59793d822ca5");
    o.set_uuid = uuid_from_string("01234567-89ab-cdef-0123-456789abcdef");
    FormatPlan p = plan(o, 64 * kMiB);
    EXPECT_EQ(p.sb.flags, 0x6u);
    EXPECT_EQ(p.sb.nbuckets, 512u);
    EXPECT_EQ(p.sb.block_size, 1u);
    EXPECT_EQ(p.sb.bucket_size, 256u);
    EXPECT_EQ(le64(ondisk::encode_superblock(p.sb), 0), 0xB29BA1194C9C56FAull);
}

TEST(CacheFormat, FirstBucketClearsTheSuperblockAreaLikeMakeBcache) {
    // first_bucket = 23 / bucket_sectors + 1.
    const std::pair<uint64_t, uint16_t> cases[] = {
        {4096, 3}, {8192, 2}, {16384, 1}, {65536, 1}, {16 * kMiB, 1}};
    for (auto [bucket, first] : cases) {
        FormatOptions o;
        o.bucket_bytes = bucket;
        o.block_bytes = 512;
        FormatPlan p = plan(o, 1024 * bucket);
        EXPECT_EQ(p.sb.first_bucket, first) << bucket;
        EXPECT_GE(uint64_t{p.sb.first_bucket} * p.sb.bucket_size, 16u) << bucket;
        EXPECT_EQ(p.sb.nbuckets, 1024u);
    }
}

TEST(CacheFormat, NbucketsCountsWholeBucketsOfTheGivenSize) {
    FormatOptions o;
    o.size_bytes = 100 * kMiB + 12345;
    FormatPlan p = plan(o, 200 * kMiB);
    EXPECT_EQ(p.sb.nbuckets, 200u);
    EXPECT_THAT(p.warnings, ::testing::Contains(HasSubstr("the rest stays unused")));
}

TEST(CacheFormat, RandomUuidsAreVersion4AndDistinct) {
    FormatPlan p = plan({}, 512 * kMiB);
    EXPECT_NE(p.sb.uuid, p.sb.set_uuid);
    EXPECT_EQ(p.sb.uuid[6] >> 4, 4);
    EXPECT_EQ(p.sb.set_uuid[8] >> 6, 2);
    EXPECT_TRUE(p.warnings.empty());
}

TEST(CacheFormat, LabelIsStoredAndBoundedBy32Bytes) {
    FormatOptions o;
    o.label = "ssd-cache";
    FormatPlan p = plan(o, 512 * kMiB);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(p.sb.label.data())), "ssd-cache");
    o.label = std::string(33, 'x');
    EXPECT_THAT(refusal(o, 512 * kMiB), HasSubstr("33 bytes, the superblock holds at most 32"));
}

TEST(CacheFormat, AbsurdSizesAreRefusedWithTheReason) {
    auto with = [](uint64_t bucket, uint64_t block) {
        FormatOptions o;
        o.bucket_bytes = bucket;
        o.block_bytes = block;
        return o;
    };
    EXPECT_THAT(refusal(with(100 * 1024, 4096), kMiB * 512),
                HasSubstr("bucket size 102400 bytes (200 sectors) is not a power of two"));
    EXPECT_THAT(refusal(with(2048, 512), kMiB * 512), HasSubstr("below the kernel's minimum"));
    EXPECT_THAT(refusal(with(32 * kMiB, 4096), kMiB * 8192), HasSubstr("above 16 MiB"));
    EXPECT_THAT(refusal(with(kMiB, 3000), kMiB * 512), HasSubstr("block size 3000 bytes"));
    EXPECT_THAT(refusal(with(kMiB, 256), kMiB * 512), HasSubstr("below one sector"));
    EXPECT_THAT(refusal(with(kMiB, 8192), kMiB * 512), HasSubstr("above the kernel's maximum"));
    EXPECT_THAT(refusal(with(kMiB, 512), kMiB * 512, 4096),
                HasSubstr("smaller than the device's logical block size (4096 bytes)"));
    EXPECT_THAT(refusal(with(kMiB, 4096), kMiB * 127),
                HasSubstr("127 buckets of 1048576 bytes (2048 sectors) in 133169152 bytes "
                          "(260096 sectors); the kernel needs at least 128"));
    FormatOptions big;
    big.size_bytes = 2 * kMiB * 512;
    EXPECT_THAT(refusal(big, kMiB * 512), HasSubstr("is larger than the device"));
    FormatOptions zero;
    zero.set_uuid = ondisk::Uuid{};
    EXPECT_THAT(refusal(zero, kMiB * 512), HasSubstr("all-zero UUID"));
}

TEST(CacheFormat, AtMost512BucketsIsAWarningNamingTheKernel) {
    FormatOptions o;
    EXPECT_THAT(plan(o, 512 * 512 * 1024).warnings,
                ::testing::Contains(HasSubstr("512 buckets: Linux v6.x refuses to register")));
    EXPECT_TRUE(plan(o, 513 * 512 * 1024).warnings.empty());
    // 128 is read_super's floor and still formats.
    EXPECT_EQ(plan(o, 128 * 512 * 1024).sb.nbuckets, 128u);
}

TEST(CacheFormat, DefaultBlockSizeIsClampedToAPage) {
    EXPECT_EQ(default_block_bytes("/nonexistent-dir/x.img", 512), 4096u);
    uint64_t here = default_block_bytes(".", 512);
    EXPECT_GE(here, 512u);
    EXPECT_LE(here, 4096u);
}

TEST(CacheFormat, WritesWhatMakeBcacheWritesAndNothingElse) {
    RamDevice ram(64 * kMiB);
    std::vector<std::byte> ones(3 * 4096, std::byte{0xff});
    ASSERT_TRUE(ram.write(0, ones));
    FormatPlan p = plan({}, ram.size_bytes());
    ASSERT_TRUE(write_cache_superblock(ram, p.sb));
    std::vector<std::byte> back(3 * 4096);
    ASSERT_TRUE(ram.read(0, back));
    auto sb = ondisk::encode_superblock(p.sb);
    for (size_t i = 0; i < back.size(); ++i) {
        std::byte want = i < 4096                        ? std::byte{0}
                         : i < 4096 + kMakeBcacheSbBytes ? sb[i - 4096]
                                                         : std::byte{0xff};
        ASSERT_EQ(back[i], want) << "byte " << i;
    }
    auto decoded = ondisk::decode_superblock(std::span(back).subspan(4096));
    ASSERT_TRUE(decoded) << decoded.error().to_string();
    EXPECT_EQ(decoded.value().nbuckets, 128u);
}

TEST(CacheFormat, FailedWriteIsReportedWithItsOffset) {
    RamDevice ram(64 * kMiB);
    FaultInjectingDevice dev(ram);
    dev.fail_writes_at(4096 + 200);
    FormatPlan p = plan({}, dev.size_bytes());
    Status s = write_cache_superblock(dev, p.sb);
    ASSERT_FALSE(s);
    EXPECT_THAT(s.message, HasSubstr("write of 2256 bytes at offset 4096 failed"));
}

TEST(CacheFormat, DeviceTooSmallForASuperblockIsRefused) {
    RamDevice ram(4096);
    Status s = write_cache_superblock(ram, ondisk::CacheSuperblock{});
    ASSERT_FALSE(s);
    EXPECT_THAT(s.message, HasSubstr("too small for a superblock"));
}

} // namespace
} // namespace bucketscope
