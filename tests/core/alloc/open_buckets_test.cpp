// Open buckets and bch_alloc_sectors (allocator-semantics.md 2.13).
#include "tests/core/alloc/alloc_fixture.h"

namespace bucketscope {
namespace {

using testing::init_set;
using testing::RecordingObserver;
using testing::stock;

constexpr uint32_t kBucketSize = 64;
constexpr uint16_t kBlockSize = 8;

// A set with 16384 buckets of 64 sectors (free[NONE] holds 15) and its open buckets.
void init_writes(CacheSet& c, KernelProfile profile = KernelProfile::V6_2, unsigned ncaches = 1) {
    init_set(c, 16384, ReplacementPolicy::Lru, profile, kBucketSize, ncaches, kBlockSize);
    bch_open_buckets_alloc(c);
}

void stock_none(CacheSet& c, std::initializer_list<uint64_t> buckets, unsigned cache = 0) {
    for (uint64_t b : buckets)
        stock(c, *c.caches[cache], b, RESERVE_NONE);
}

SectorRequest write_req(uint64_t inode, uint64_t offset, uint32_t sectors, uint32_t wp,
                        bool flash_only = false) {
    SectorRequest r;
    r.inode = inode;
    r.offset = offset;
    r.sectors = sectors;
    r.write_point = wp;
    r.flash_only = flash_only;
    return r;
}

uint64_t bucket_of(const CacheSet& c, const SectorGrant& g) {
    return g.ptrs[0].offset / c.caches[0]->geo.bucket_size;
}

TEST(OpenBuckets, V6Has128AndV4SixAllEmpty) {
    for (auto [profile, n] : {std::pair{KernelProfile::V6_2, 128u}, {KernelProfile::V4_6, 6u}}) {
        CacheSet c;
        init_writes(c, profile);
        ASSERT_EQ(c.open_buckets.size(), n);
        for (const auto& ob : c.open_buckets) {
            EXPECT_EQ(ob.sectors_free, 0u);
            EXPECT_EQ(ob.nptrs, 0);
        }
    }
}

TEST(AllocSectors, FirstWriteAllocatesABucketAndPinsItForTheExtent) {
    CacheSet c;
    init_writes(c);
    Cache& ca = *c.caches[0];
    stock_none(c, {100});
    RecordingObserver obs;
    const auto g = bch_alloc_sectors(c, write_req(1, 0, 16, 7), &obs);
    ASSERT_TRUE(g);
    EXPECT_EQ(g->sectors, 16u);
    ASSERT_EQ(g->nptrs, 1);
    EXPECT_EQ(g->ptrs[0].offset, 100u * kBucketSize); // the extent starts the bucket
    EXPECT_EQ(g->ptrs[0].gen, ca.buckets[100].gen);
    EXPECT_EQ(ca.buckets[100].pin, 2); // the open bucket's and the extent's
    EXPECT_EQ(ca.buckets[100].mark(), GcMark::Reclaimable);
    EXPECT_EQ(ca.sectors_written, 16u);
    EXPECT_EQ(obs.allocs.size(), 1u);
    bkey_put(c, g->ptrs.data(), g->nptrs); // inserted into the index
    EXPECT_EQ(ca.buckets[100].pin, 1);
    const OpenBucket& mru = c.open_buckets.back();
    EXPECT_EQ(mru.inode, 1u);
    EXPECT_EQ(mru.offset, 16u); // where the extent ends
    EXPECT_EQ(mru.sectors_free, kBucketSize - 16);
    EXPECT_EQ(mru.last_write_point, 7u);
}

TEST(AllocSectors, SequentialWritesContinueInTheSameBucketWhateverTheWritePoint) {
    CacheSet c;
    init_writes(c);
    stock_none(c, {100, 200});
    const auto a = bch_alloc_sectors(c, write_req(1, 0, 16, 1));
    const auto b = bch_alloc_sectors(c, write_req(1, 16, 8, 2));
    ASSERT_TRUE(a && b);
    EXPECT_EQ(b->ptrs[0].offset, 100u * kBucketSize + 16);
    EXPECT_EQ(c.caches[0]->buckets[100].pin, 3);
    EXPECT_EQ(c.caches[0]->free[RESERVE_NONE].used(), 1u); // bucket 200 untouched
}

TEST(AllocSectors, KeepsWritePointsApart) {
    CacheSet c;
    init_writes(c);
    stock_none(c, {100, 200, 300});
    const auto a = bch_alloc_sectors(c, write_req(1, 0, 8, 1));
    const auto b = bch_alloc_sectors(c, write_req(2, 1000, 8, 2));
    const auto a2 = bch_alloc_sectors(c, write_req(3, 5000, 8, 1)); // not sequential
    ASSERT_TRUE(a && b && a2);
    EXPECT_EQ(bucket_of(c, *a), 100u);
    EXPECT_EQ(bucket_of(c, *b), 200u);
    EXPECT_EQ(bucket_of(c, *a2), 100u); // write point 1's bucket
    EXPECT_EQ(a2->ptrs[0].offset, 100u * kBucketSize + 8);
}

TEST(AllocSectors, NewWritePointTakesTheLeastRecentlyUsedOpenBucket) {
    CacheSet c;
    init_writes(c, KernelProfile::V4_6); // 6 open buckets
    stock_none(c, {101, 102, 103, 104, 105, 106, 107});
    for (uint32_t wp = 1; wp <= 6; ++wp)
        ASSERT_TRUE(bch_alloc_sectors(c, write_req(wp, 0, 8, wp)));
    // All six are in use; write point 1's bucket (101) is the least recently used.
    ASSERT_TRUE(bch_alloc_sectors(c, write_req(3, 8, 8, 99))); // continues 103: now MRU
    const auto g = bch_alloc_sectors(c, write_req(50, 0, 8, 42));
    ASSERT_TRUE(g);
    EXPECT_EQ(bucket_of(c, *g), 101u);
    EXPECT_EQ(g->ptrs[0].offset, 101u * kBucketSize + 8);
    EXPECT_EQ(c.caches[0]->free[RESERVE_NONE].used(), 1u);
    // Two open buckets last used by write point 42: 101, then 103 (a sequential write
    // hands 103 to write point 42 and makes it the most recent). The least recent wins.
    ASSERT_TRUE(bch_alloc_sectors(c, write_req(3, 16, 8, 42)));
    const auto h = bch_alloc_sectors(c, write_req(70, 0, 8, 42));
    ASSERT_TRUE(h);
    EXPECT_EQ(bucket_of(c, *h), 101u);
    EXPECT_EQ(h->ptrs[0].offset, 101u * kBucketSize + 16);
}

TEST(AllocSectors, V6KeepsFlashOnlyDataApartV4DoesNot) {
    for (auto profile : {KernelProfile::V6_2, KernelProfile::V4_6}) {
        CacheSet c;
        init_writes(c, profile);
        stock_none(c, {100, 200});
        const auto cached = bch_alloc_sectors(c, write_req(1, 0, 8, 5));
        const auto flash = bch_alloc_sectors(c, write_req(2, 0, 8, 5, true));
        ASSERT_TRUE(cached && flash);
        if (profile == KernelProfile::V6_2)
            EXPECT_EQ(bucket_of(c, *flash), 200u) << "flash-only shares a bucket in v6";
        else
            EXPECT_EQ(bucket_of(c, *flash), 100u) << "v4.6 has no flash-only segregation";
    }
}

TEST(AllocSectors, FinishesTheBucketWhenLessThanABlockRemains) {
    CacheSet c;
    init_writes(c);
    Cache& ca = *c.caches[0];
    stock_none(c, {100, 200});
    const auto g = bch_alloc_sectors(c, write_req(1, 0, 60, 1)); // 4 left < block of 8
    ASSERT_TRUE(g);
    EXPECT_EQ(g->sectors, 60u);
    EXPECT_EQ(c.open_buckets.back().sectors_free, 0u);
    EXPECT_EQ(ca.buckets[100].pin, 1); // the open bucket's pin went to the extent
    const auto next = bch_alloc_sectors(c, write_req(1, 60, 8, 1)); // sequential, but full
    ASSERT_TRUE(next);
    EXPECT_EQ(bucket_of(c, *next), 200u);
    bkey_put(c, g->ptrs.data(), g->nptrs);
    EXPECT_EQ(ca.buckets[100].pin, 0);
}

TEST(AllocSectors, GrantsNoMoreThanTheOpenBucketHasLeft) {
    CacheSet c;
    init_writes(c);
    stock_none(c, {100});
    const auto a = bch_alloc_sectors(c, write_req(1, 0, 40, 1));
    const auto b = bch_alloc_sectors(c, write_req(1, 40, 100, 1));
    ASSERT_TRUE(a && b);
    EXPECT_EQ(b->sectors, kBucketSize - 40);
    EXPECT_EQ(c.open_buckets.back().offset, 40u + (kBucketSize - 40));
    EXPECT_EQ(c.caches[0]->buckets[100].pin, 2); // ob pin handed to b, plus a's
}

TEST(AllocSectors, FailsWithoutLeakingPinsWhenNoBucketIsFree) {
    CacheSet c;
    init_writes(c);
    RecordingObserver obs;
    EXPECT_FALSE(bch_alloc_sectors(c, write_req(1, 0, 8, 1), &obs));
    EXPECT_EQ(obs.fails, (std::vector<Reserve>{RESERVE_NONE}));
    for (const auto& b : c.caches[0]->buckets)
        ASSERT_EQ(b.pin, 0);
}

TEST(AllocSectors, MovingGcWritesAllocateFromTheMovingGcReserve) {
    CacheSet c;
    init_writes(c);
    stock(c, *c.caches[0], 77, RESERVE_MOVINGGC);
    EXPECT_FALSE(bch_alloc_sectors(c, write_req(1, 0, 8, 1)));
    auto req = write_req(1, 0, 8, 1);
    req.write_prio = true;
    const auto g = bch_alloc_sectors(c, req);
    ASSERT_TRUE(g);
    EXPECT_EQ(bucket_of(c, *g), 77u);
    EXPECT_EQ(c.caches[0]->buckets[77].mark(), GcMark::Reclaimable);
}

TEST(AllocSectors, V4WithThreeCachesAllocatesOnePointerAsTheKernelDoes) {
    // v4.6 bch_alloc_sectors passes n = 1 to bch_bucket_alloc_set: one replica.
    CacheSet c;
    init_writes(c, KernelProfile::V4_6, 3);
    for (unsigned i = 0; i < 3; ++i)
        stock_none(c, {100u + i}, i);
    const auto g = bch_alloc_sectors(c, write_req(1, 0, 8, 1));
    ASSERT_TRUE(g);
    EXPECT_EQ(g->nptrs, 1);
    EXPECT_EQ(g->ptrs[0].dev, 0);
    EXPECT_EQ(c.caches[0]->sectors_written, 8u);
    EXPECT_EQ(c.caches[1]->free[RESERVE_NONE].used(), 1u);
}

} // namespace
} // namespace bucketscope
