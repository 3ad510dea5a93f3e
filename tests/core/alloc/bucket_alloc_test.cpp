// Free lists, bch_bucket_alloc, freeing and bch_bucket_alloc_set
// (allocator-semantics.md 2.8, 2.10-2.12 and invariants 5, 6, 9).
#include "tests/core/alloc/alloc_fixture.h"

namespace bucketscope {
namespace {

using testing::drain;
using testing::init_set;
using testing::RecordingObserver;
using testing::stock;

TEST(AllocatorPush, FillsPrioFirstThenBtreeMovingGcAndNoneLast) {
    CacheSet c;
    init_set(c, 4096); // PRIO 1, BTREE 7, MOVINGGC 4, NONE 4
    Cache& ca = *c.caches[0];
    ASSERT_EQ(ca.free[RESERVE_PRIO].capacity(), 1u);
    ASSERT_EQ(ca.free[RESERVE_BTREE].capacity(), 7u);
    ASSERT_EQ(ca.free[RESERVE_MOVINGGC].capacity(), 4u);
    ASSERT_EQ(ca.free[RESERVE_NONE].capacity(), 4u);
    uint64_t bucket = 100;
    const auto push_n = [&](size_t n) {
        for (size_t i = 0; i < n; ++i)
            ASSERT_TRUE(bch_allocator_push(ca, bucket++));
    };
    push_n(1);
    EXPECT_EQ(ca.free[RESERVE_PRIO].used(), 1u);
    EXPECT_TRUE(ca.free[RESERVE_BTREE].empty());
    push_n(7);
    EXPECT_EQ(ca.free[RESERVE_BTREE].used(), 7u);
    EXPECT_TRUE(ca.free[RESERVE_MOVINGGC].empty());
    push_n(4);
    EXPECT_EQ(ca.free[RESERVE_MOVINGGC].used(), 4u);
    EXPECT_TRUE(ca.free[RESERVE_NONE].empty()); // NONE only once the others are full
    push_n(4);
    EXPECT_FALSE(bch_allocator_push(ca, 999));
    EXPECT_EQ(drain(ca.free[RESERVE_NONE]), (std::vector<uint64_t>{112, 113, 114, 115}));
    // A freed slot in PRIO is refilled before anything else.
    uint64_t v;
    ASSERT_TRUE(ca.free[RESERVE_PRIO].pop(v));
    ASSERT_TRUE(bch_allocator_push(ca, 500));
    EXPECT_EQ(drain(ca.free[RESERVE_PRIO]), (std::vector<uint64_t>{500}));
}

TEST(BucketAlloc, MarksPerReserve) {
    struct Expect {
        Reserve reserve;
        GcMark mark;
        uint16_t prio;
    };
    for (const Expect e : {Expect{RESERVE_BTREE, GcMark::Metadata, BTREE_PRIO},
                           Expect{RESERVE_PRIO, GcMark::Metadata, BTREE_PRIO},
                           Expect{RESERVE_MOVINGGC, GcMark::Reclaimable, INITIAL_PRIO},
                           Expect{RESERVE_NONE, GcMark::Reclaimable, INITIAL_PRIO}}) {
        CacheSet c;
        init_set(c, 4096, ReplacementPolicy::Lru, KernelProfile::V6_2, 512);
        Cache& ca = *c.caches[0];
        ca.buckets[50].set_gc_move(true);
        stock(c, ca, 50, e.reserve);
        RecordingObserver obs;
        const auto got = bch_bucket_alloc(c, ca, e.reserve, &obs);
        ASSERT_TRUE(got);
        EXPECT_EQ(*got, 50u);
        const Bucket& b = ca.buckets[50];
        EXPECT_EQ(b.mark(), e.mark) << to_string(e.reserve);
        EXPECT_EQ(b.prio, e.prio);
        EXPECT_EQ(b.sectors_used(), 512);
        EXPECT_FALSE(b.gc_move());
        EXPECT_EQ(b.pin, 1); // still pinned: the caller owns it
        ASSERT_EQ(obs.allocs.size(), 1u);
        EXPECT_EQ(obs.allocs[0].second, e.reserve);
    }
}

TEST(BucketAlloc, SectorsUsedIsMaskedTo13Bits) {
    CacheSet c;
    init_set(c, 1024, ReplacementPolicy::Lru, KernelProfile::V6_2, 8192);
    Cache& ca = *c.caches[0];
    stock(c, ca, 9, RESERVE_NONE);
    ASSERT_TRUE(bch_bucket_alloc(c, ca, RESERVE_NONE));
    EXPECT_EQ(ca.buckets[9].sectors_used(), 0); // 8192 & 8191
    EXPECT_EQ(ca.buckets[9].mark(), GcMark::Reclaimable);
}

TEST(BucketAlloc, TakesFromNoneBeforeTheRequestedReserve) {
    CacheSet c;
    init_set(c, 4096);
    Cache& ca = *c.caches[0];
    stock(c, ca, 10, RESERVE_BTREE);
    stock(c, ca, 20, RESERVE_NONE);
    EXPECT_EQ(bch_bucket_alloc(c, ca, RESERVE_BTREE), std::optional<uint64_t>(20));
    EXPECT_EQ(ca.buckets[20].mark(), GcMark::Metadata); // marked for the request
    EXPECT_EQ(bch_bucket_alloc(c, ca, RESERVE_BTREE), std::optional<uint64_t>(10));
    // A NONE request never dips into the metadata reserves.
    stock(c, ca, 30, RESERVE_PRIO);
    RecordingObserver obs;
    EXPECT_FALSE(bch_bucket_alloc(c, ca, RESERVE_NONE, &obs));
    EXPECT_EQ(obs.fails, (std::vector<Reserve>{RESERVE_NONE}));
    EXPECT_EQ(ca.free[RESERVE_PRIO].used(), 1u);
}

TEST(BucketAlloc, IoDisableFailsInV6OnlyWithoutAnAllocFailEvent) {
    for (auto profile : {KernelProfile::V6_2, KernelProfile::V4_6}) {
        CacheSet c;
        init_set(c, 4096, ReplacementPolicy::Lru, profile);
        Cache& ca = *c.caches[0];
        stock(c, ca, 11, RESERVE_NONE);
        c.io_disable = true;
        RecordingObserver obs;
        const auto got = bch_bucket_alloc(c, ca, RESERVE_NONE, &obs);
        if (profile == KernelProfile::V6_2) {
            EXPECT_FALSE(got);
            EXPECT_TRUE(obs.fails.empty());
            EXPECT_EQ(ca.free[RESERVE_NONE].used(), 1u);
        } else {
            EXPECT_EQ(got, std::optional<uint64_t>(11)); // v4.6 has no io_disable check
        }
    }
}

TEST(BucketAlloc, V6TracksAvailNbucketsAndInUse) {
    CacheSet c;
    init_set(c, 1000);
    Cache& ca = *c.caches[0];
    c.avail_nbuckets = 500;
    stock(c, ca, 11, RESERVE_NONE);
    ASSERT_TRUE(bch_bucket_alloc(c, ca, RESERVE_NONE));
    EXPECT_EQ(c.avail_nbuckets, 499u);
    EXPECT_EQ(c.gc_in_use_percent, (1000u - 499u) * 100 / 1000);
    __bch_bucket_free(c, ca, ca.buckets[11]);
    EXPECT_EQ(c.avail_nbuckets, 500u);
    EXPECT_EQ(c.gc_in_use_percent, 50u);
    c.avail_nbuckets = c.nbuckets; // capped at nbuckets
    __bch_bucket_free(c, ca, ca.buckets[11]);
    EXPECT_EQ(c.avail_nbuckets, c.nbuckets);
    c.avail_nbuckets = 0; // never below 0
    stock(c, ca, 12, RESERVE_NONE);
    ASSERT_TRUE(bch_bucket_alloc(c, ca, RESERVE_NONE));
    EXPECT_EQ(c.avail_nbuckets, 0u);
}

TEST(BucketAlloc, V4LeavesAvailNbucketsAlone) {
    CacheSet c;
    init_set(c, 1000, ReplacementPolicy::Lru, KernelProfile::V4_6);
    Cache& ca = *c.caches[0];
    c.avail_nbuckets = 500;
    stock(c, ca, 11, RESERVE_NONE);
    ASSERT_TRUE(bch_bucket_alloc(c, ca, RESERVE_NONE));
    __bch_bucket_free(c, ca, ca.buckets[11]);
    __bch_bucket_free(c, ca, ca.buckets[12]);
    EXPECT_EQ(c.avail_nbuckets, 500u);
}

TEST(BucketFree, ClearsMarkAndSectorsButNotGenOrPin) {
    CacheSet c;
    init_set(c, 1024);
    Cache& ca = *c.caches[0];
    stock(c, ca, 11, RESERVE_NONE);
    ASSERT_TRUE(bch_bucket_alloc(c, ca, RESERVE_BTREE));
    Bucket& b = ca.buckets[11];
    const uint8_t gen = b.gen;
    __bch_bucket_free(c, ca, b);
    EXPECT_EQ(b.mark(), GcMark::None);
    EXPECT_EQ(b.sectors_used(), 0);
    EXPECT_EQ(b.gen, gen);
    EXPECT_EQ(b.pin, 1);
    EXPECT_EQ(b.prio, BTREE_PRIO);
}

TEST(BucketAllocSet, V6GivesOnePointerToTheBucketsFirstSector) {
    CacheSet c;
    init_set(c, 1024, ReplacementPolicy::Lru, KernelProfile::V6_2, 256);
    Cache& ca = *c.caches[0];
    ca.buckets[33].gen = 7;
    stock(c, ca, 33, RESERVE_NONE);
    Ptr p;
    ASSERT_TRUE(bch_bucket_alloc_set(c, RESERVE_NONE, 1, &p));
    EXPECT_EQ(p.gen, 8);
    EXPECT_EQ(p.offset, 33u * 256);
    EXPECT_EQ(ptr_bucket(ca, p), 33u);
    EXPECT_EQ(ptr_cache(c, p), &ca);
    bkey_put(c, &p, 1);
    EXPECT_EQ(ca.buckets[33].pin, 0);
    c.io_disable = true;
    stock(c, ca, 34, RESERVE_NONE);
    EXPECT_FALSE(bch_bucket_alloc_set(c, RESERVE_NONE, 1, &p));
}

TEST(BucketAllocSet, V4TakesOneBucketPerCacheInOrder) {
    CacheSet c;
    init_set(c, 1024, ReplacementPolicy::Lru, KernelProfile::V4_6, 256, 3);
    for (unsigned i = 0; i < 3; ++i)
        stock(c, *c.caches[i], 40 + i, RESERVE_NONE);
    std::array<Ptr, 3> ptrs;
    ASSERT_TRUE(bch_bucket_alloc_set(c, RESERVE_NONE, 3, ptrs.data()));
    for (unsigned i = 0; i < 3; ++i) {
        EXPECT_EQ(ptrs[i].dev, i);
        EXPECT_EQ(ptrs[i].offset, (40u + i) * 256);
        EXPECT_EQ(ptr_cache(c, ptrs[i]), c.caches[i].get());
        EXPECT_EQ(c.caches[i]->buckets[40 + i].pin, 1);
    }
    bkey_put(c, ptrs.data(), 3);
    for (unsigned i = 0; i < 3; ++i)
        EXPECT_EQ(c.caches[i]->buckets[40 + i].pin, 0);
}

TEST(BucketAllocSet, PartialFailureFreesAndUnpinsWhatWasTaken) {
    CacheSet c;
    init_set(c, 1024, ReplacementPolicy::Lru, KernelProfile::V4_6, 256, 3);
    stock(c, *c.caches[0], 40, RESERVE_NONE);
    stock(c, *c.caches[1], 41, RESERVE_NONE); // cache 2 has nothing
    std::array<Ptr, 3> ptrs;
    RecordingObserver obs;
    EXPECT_FALSE(bch_bucket_alloc_set(c, RESERVE_NONE, 3, ptrs.data(), &obs));
    for (unsigned i = 0; i < 2; ++i) {
        const Bucket& b = c.caches[i]->buckets[40 + i];
        EXPECT_EQ(b.pin, 0);
        EXPECT_EQ(b.mark(), GcMark::None);
        EXPECT_EQ(b.sectors_used(), 0);
        EXPECT_TRUE(c.caches[i]->free[RESERVE_NONE].empty());
    }
    EXPECT_EQ(obs.allocs.size(), 2u);
    EXPECT_EQ(obs.fails.size(), 1u);
    // Freed and unpinned, they are candidates again.
    EXPECT_TRUE(bch_can_invalidate_bucket(c, c.caches[0]->buckets[40]));
}

} // namespace
} // namespace bucketscope
