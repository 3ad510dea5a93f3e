#include "core/alloc/cache.h"

#include <gtest/gtest.h>

namespace bucketscope {
namespace {

CacheGeometry geometry(uint64_t nbuckets, uint32_t bucket_size, uint16_t keys = 0) {
    CacheGeometry g;
    g.nbuckets = nbuckets;
    g.bucket_size = bucket_size;
    g.njournal_buckets = keys;
    return g;
}

TEST(QueueSizes, RefusesCachesOf512BucketsOrFewer) {
    QueueSizes q;
    std::string why;
    EXPECT_FALSE(compute_queue_sizes(geometry(512, 256), KernelProfile::V6_2, q, &why));
    EXPECT_NE(why.find("512"), std::string::npos);
    EXPECT_TRUE(compute_queue_sizes(geometry(513, 256), KernelProfile::V6_2, q));
}

TEST(QueueSizes, MatchesCacheAllocFor1024Buckets) {
    QueueSizes q;
    ASSERT_TRUE(compute_queue_sizes(geometry(1024, 256), KernelProfile::V6_2, q));
    EXPECT_EQ(q.free[RESERVE_MOVINGGC], 1u);
    EXPECT_EQ(q.free[RESERVE_NONE], 1u);
    EXPECT_EQ(q.free_inc, 4u);
    EXPECT_EQ(q.heap, 8u);
    EXPECT_EQ(q.free[RESERVE_BTREE], 7u); // asks 8 before the first registration
    EXPECT_EQ(q.free[RESERVE_PRIO], 1u);
}

TEST(QueueSizes, MatchesCacheAllocFor100000Buckets) {
    QueueSizes q;
    ASSERT_TRUE(compute_queue_sizes(geometry(100000, 1024, 3), KernelProfile::V6_2, q));
    EXPECT_EQ(q.free[RESERVE_NONE], 127u);
    EXPECT_EQ(q.free_inc, 511u);
    EXPECT_EQ(q.heap, 1024u);
    EXPECT_EQ(q.free[RESERVE_BTREE], 3u); // njournal_buckets as it is when <= 4
    ASSERT_TRUE(compute_queue_sizes(geometry(100000, 1024, 3), KernelProfile::V4_6, q));
    EXPECT_EQ(q.free[RESERVE_BTREE], 7u); // v4.6 always asks 8
}

TEST(Geometry, PriosPerBucketAsTheKernelComputesIt) {
    EXPECT_EQ(geometry(1, 256).prios_per_bucket(KernelProfile::V6_2), 43677u);
    EXPECT_EQ(geometry(1, 1024).prios_per_bucket(KernelProfile::V6_2), 174749u);
    EXPECT_EQ(geometry(1, 2048).prios_per_bucket(KernelProfile::V6_2), 349512u);
    EXPECT_EQ(geometry(1, 4096).prios_per_bucket(KernelProfile::V6_2), 699037u);
    // 8 MiB buckets: v6 caps the prio buffer at 4 MiB, v4.6 uses the whole bucket.
    EXPECT_EQ(geometry(1, 16384).prios_per_bucket(KernelProfile::V6_2),
              ((4u << 20) - 40) / 3);
    EXPECT_EQ(geometry(1, 16384).prios_per_bucket(KernelProfile::V4_6), ((8u << 20) - 40) / 3);
    EXPECT_EQ(geometry(43678, 256).prio_buckets(KernelProfile::V6_2), 2u);
}

} // namespace
} // namespace bucketscope
