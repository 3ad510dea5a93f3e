// Invalidation, gens and rescale against the kernel's alloc.c semantics
// (allocator-semantics.md 2.1-2.7).
#include <algorithm>
#include <set>

#include "tests/core/alloc/alloc_fixture.h"

namespace bucketscope {
namespace {

using testing::drain;
using testing::init_set;
using testing::RecordingObserver;

Bucket bucket_with(GcMark mark, uint16_t sectors = 0, uint16_t prio = 0, int pin = 0) {
    Bucket b;
    b.set_mark(mark);
    b.set_sectors_used(sectors);
    b.prio = prio;
    b.pin = pin;
    return b;
}

TEST(CanInvalidate, OnlyUnpinnedUnmarkedOrCleanBucketsWithGensToSpare) {
    CacheSet c;
    init_set(c, 1024);
    EXPECT_TRUE(bch_can_invalidate_bucket(c, bucket_with(GcMark::None)));
    EXPECT_TRUE(bch_can_invalidate_bucket(c, bucket_with(GcMark::Reclaimable, 100)));
    EXPECT_FALSE(bch_can_invalidate_bucket(c, bucket_with(GcMark::Dirty, 100)));
    EXPECT_FALSE(bch_can_invalidate_bucket(c, bucket_with(GcMark::Metadata)));
    EXPECT_FALSE(bch_can_invalidate_bucket(c, bucket_with(GcMark::None, 0, 0, 1)));

    Bucket b;
    b.last_gc = 10;
    b.gen = 10 + 95;
    EXPECT_TRUE(bch_can_invalidate_bucket(c, b));
    b.gen = 10 + 96; // can_inc_bucket_gen: gen - last_gc must stay below 96
    EXPECT_FALSE(bch_can_invalidate_bucket(c, b));
    b.last_gc = 250;
    b.gen = 20; // u8 distance 26 across the wrap
    EXPECT_TRUE(bch_can_invalidate_bucket(c, b));
}

TEST(IncGen, BumpsTheGenAndRaisesNeedGc) {
    CacheSet c;
    init_set(c, 1024);
    Bucket b;
    b.gen = 255;
    b.last_gc = 250;
    c.need_gc = 3;
    EXPECT_EQ(bch_inc_gen(c, b), 0); // u8 wrap
    EXPECT_EQ(c.need_gc, 6);
    b.last_gc = 0;
    EXPECT_EQ(bch_inc_gen(c, b), 1);
    EXPECT_EQ(c.need_gc, 6); // max, never lowered
}

TEST(InvalidateOne, BumpsGenResetsPrioPinsAndQueuesOnFreeInc) {
    CacheSet c;
    init_set(c, 1024);
    Cache& ca = *c.caches[0];
    Bucket& b = ca.buckets[7];
    b = bucket_with(GcMark::Reclaimable, 300, 12);
    b.gen = 4;
    RecordingObserver obs;
    bch_invalidate_one_bucket(c, ca, 7, &obs);
    EXPECT_EQ(b.gen, 5);
    EXPECT_EQ(b.prio, INITIAL_PRIO);
    EXPECT_EQ(b.pin, 1);
    EXPECT_EQ(b.mark(), GcMark::Reclaimable); // mark and sectors are left to GC
    EXPECT_EQ(b.sectors_used(), 300);
    EXPECT_EQ(c.need_gc, 5);
    ASSERT_EQ(obs.invalidated.size(), 1u);
    EXPECT_EQ(obs.invalidated[0].bucket, 7u);
    EXPECT_EQ(obs.invalidated[0].sectors, 300);
    EXPECT_EQ(drain(ca.free_inc), (std::vector<uint64_t>{7}));
}

TEST(BucketPrio, ScalesByAnEighthOfInitialPrioTimesSectors) {
    // min_prio 0: scale = 32768 / 8 = 4096.
    EXPECT_EQ(bucket_prio(0, bucket_with(GcMark::Reclaimable, 10, 32768)), (32768u + 4096u) * 10);
    EXPECT_EQ(bucket_prio(0, bucket_with(GcMark::Reclaimable, 0, 32768)), 0u);
    // min_prio 30000: (prio - 30000 + 2768/8) * sectors.
    EXPECT_EQ(bucket_prio(30000, bucket_with(GcMark::Reclaimable, 7, 30005)), (5u + 346u) * 7);
}

TEST(BucketPrio, WrapsTheFirstFactorAt32BitsAndMultipliesIn64) {
    // min_prio 40000 > INITIAL_PRIO: scale = (32768u - 40000) / 8 wraps to 536870008.
    EXPECT_EQ(bucket_prio(40000, bucket_with(GcMark::Reclaimable, 8191, 40000)),
              uint64_t{536870008} * 8191); // 4397502235528 needs more than 32 bits
    // prio below min_prio: (0 - 65535 + 536866816) mod 2^32 = 536801281.
    EXPECT_EQ(bucket_prio(65535, bucket_with(GcMark::Reclaimable, 3, 0)), uint64_t{536801281} * 3);
}

TEST(LruPass, TakesSmallestRankFirstWithTheMinPrioOffset) {
    CacheSet c;
    init_set(c, 1024); // free_inc 4, heap 8
    Cache& ca = *c.caches[0];
    for (auto& b : ca.buckets)
        b = bucket_with(GcMark::Dirty, 100, 1);
    // Without the offset bucket 5 (prio 100) would rank far below bucket 9 (INITIAL_PRIO),
    // but (100 + 4096) * 100 = 419600 > (32768 + 4096) * 10 = 368640.
    ca.buckets[5] = bucket_with(GcMark::Reclaimable, 100, 100);
    ca.buckets[9] = bucket_with(GcMark::Reclaimable, 10, 32768);
    ca.buckets[700] = bucket_with(GcMark::None, 0, 50000); // empty: rank 0
    ca.buckets[3] = bucket_with(GcMark::Reclaimable, 1, 1000);
    invalidate_buckets(c, ca);
    EXPECT_EQ(drain(ca.free_inc), (std::vector<uint64_t>{700, 3, 9, 5}));
    EXPECT_FALSE(ca.invalidate_needs_gc);
}

TEST(LruPass, GivesUpAndWakesGcWhenCandidatesRunOut) {
    CacheSet c;
    init_set(c, 1024);
    Cache& ca = *c.caches[0];
    for (auto& b : ca.buckets)
        b = bucket_with(GcMark::Metadata);
    ca.buckets[40] = bucket_with(GcMark::None);
    ca.buckets[41] = bucket_with(GcMark::Reclaimable, 8);
    RecordingObserver obs;
    invalidate_buckets(c, ca, &obs);
    EXPECT_EQ(drain(ca.free_inc), (std::vector<uint64_t>{40, 41}));
    EXPECT_TRUE(ca.invalidate_needs_gc);
    EXPECT_EQ(obs.wake_gc, 1);
    EXPECT_EQ(obs.invalidated.size(), 2u);
}

TEST(LruPass, KeepsOnlyTheHeapSizeLowestCandidates) {
    CacheSet c;
    init_set(c, 1024); // heap 8, free_inc 4
    Cache& ca = *c.caches[0];
    // Ranks fall with the bucket number: the last eight buckets are the lowest.
    for (uint64_t i = 1; i < 1024; ++i)
        ca.buckets[i] = bucket_with(GcMark::Reclaimable, static_cast<uint16_t>(1100 - i), 32768);
    invalidate_buckets(c, ca);
    EXPECT_EQ(drain(ca.free_inc), (std::vector<uint64_t>{1023, 1022, 1021, 1020}));
}

TEST(LruPass, FirstBucketAndBelowAreNeverConsidered) {
    CacheSet c;
    init_set(c, 1024);
    Cache& ca = *c.caches[0];
    ca.geo.first_bucket = 4;
    for (auto& b : ca.buckets)
        b = bucket_with(GcMark::Reclaimable, 500, 32768);
    for (uint64_t i = 0; i < 4; ++i)
        ca.buckets[i] = bucket_with(GcMark::None);
    invalidate_buckets(c, ca);
    for (uint64_t v : drain(ca.free_inc))
        EXPECT_GE(v, 4u);
}

class EveryPolicy : public ::testing::TestWithParam<ReplacementPolicy> {};

TEST_P(EveryPolicy, NeverInvalidatesPinnedDirtyMetadataOrGenExhaustedBuckets) {
    CacheSet c;
    init_set(c, 4096, GetParam());
    Cache& ca = *c.caches[0];
    ca.random_state = 42;
    std::set<uint64_t> forbidden;
    for (uint64_t i = 1; i < ca.buckets.size(); ++i) {
        Bucket& b = ca.buckets[i];
        switch (i % 6) {
        case 0: b = bucket_with(GcMark::None, 0, 0, 1); break; // pinned, lowest rank
        case 1: b = bucket_with(GcMark::Dirty, 0, 0); break;
        case 2: b = bucket_with(GcMark::Metadata, 0, BTREE_PRIO); break;
        case 3:
            b = bucket_with(GcMark::None);
            b.gen = 96;
            b.last_gc = 0;
            break;
        default: b = bucket_with(GcMark::Reclaimable, 64, 32768); continue;
        }
        forbidden.insert(i);
    }
    const auto before = ca.buckets;
    invalidate_buckets(c, ca);
    EXPECT_FALSE(ca.free_inc.empty());
    for (uint64_t v : drain(ca.free_inc)) {
        EXPECT_EQ(forbidden.count(v), 0u) << "bucket " << v;
        EXPECT_EQ(ca.buckets[v].pin, 1);
    }
    for (uint64_t v : forbidden) {
        EXPECT_EQ(ca.buckets[v].gen, before[v].gen);
        EXPECT_EQ(ca.buckets[v].pin, before[v].pin);
    }
    EXPECT_LE(c.need_gc, BUCKET_GC_GEN_MAX);
}

INSTANTIATE_TEST_SUITE_P(Policies, EveryPolicy,
                         ::testing::Values(ReplacementPolicy::Lru, ReplacementPolicy::Fifo,
                                           ReplacementPolicy::Random),
                         [](const auto& tp) { return std::string(to_string(tp.param)); });

TEST(FifoPass, WalksFromTheCursorAndWrapsToFirstBucket) {
    CacheSet c;
    init_set(c, 1024, ReplacementPolicy::Fifo);
    Cache& ca = *c.caches[0];
    ca.fifo_last_bucket = 1022;
    invalidate_buckets(c, ca);
    EXPECT_EQ(drain(ca.free_inc), (std::vector<uint64_t>{1022, 1023, 1, 2}));
    EXPECT_EQ(ca.fifo_last_bucket, 3u);
    invalidate_buckets(c, ca); // the cursor persists between passes
    EXPECT_EQ(drain(ca.free_inc), (std::vector<uint64_t>{3, 4, 5, 6}));
}

TEST(FifoPass, ResetsACursorBelowFirstBucket) {
    CacheSet c;
    init_set(c, 1024, ReplacementPolicy::Fifo);
    Cache& ca = *c.caches[0];
    ca.geo.first_bucket = 10;
    ca.fifo_last_bucket = 0; // as the kernel starts
    invalidate_buckets(c, ca);
    EXPECT_EQ(drain(ca.free_inc), (std::vector<uint64_t>{10, 11, 12, 13}));
}

TEST(FifoPass, SkipsNonCandidatesAndGivesUpAfterNbucketsExaminations) {
    CacheSet c;
    init_set(c, 1024, ReplacementPolicy::Fifo);
    Cache& ca = *c.caches[0];
    for (auto& b : ca.buckets)
        b = bucket_with(GcMark::Dirty, 10);
    ca.buckets[500] = bucket_with(GcMark::None);
    ca.buckets[20] = bucket_with(GcMark::Reclaimable, 10);
    ca.fifo_last_bucket = 400;
    RecordingObserver obs;
    invalidate_buckets(c, ca, &obs);
    EXPECT_EQ(drain(ca.free_inc), (std::vector<uint64_t>{500, 20}));
    EXPECT_TRUE(ca.invalidate_needs_gc);
    EXPECT_EQ(obs.wake_gc, 1);
    // 1024 examinations starting at 400 over [1, 1024): 624 to the end, then 400 more
    // from bucket 1, stopping after bucket 400 (it is examined twice).
    EXPECT_EQ(ca.fifo_last_bucket, 401u);
}

TEST(RandomPass, IsDeterministicPerSeedAndStaysInRange) {
    std::vector<uint64_t> first_run;
    for (int run = 0; run < 2; ++run) {
        CacheSet c;
        init_set(c, 100000, ReplacementPolicy::Random);
        Cache& ca = *c.caches[0];
        ca.geo.first_bucket = 50;
        ca.random_state = 1234;
        invalidate_buckets(c, ca);
        auto got = drain(ca.free_inc);
        EXPECT_EQ(got.size(), 511u);
        for (uint64_t v : got) {
            EXPECT_GE(v, 50u);
            EXPECT_LT(v, 100000u);
        }
        if (run == 0)
            first_run = got;
        else
            EXPECT_EQ(got, first_run);
    }
    CacheSet c;
    init_set(c, 100000, ReplacementPolicy::Random);
    c.caches[0]->random_state = 1235;
    invalidate_buckets(c, *c.caches[0]);
    EXPECT_NE(drain(c.caches[0]->free_inc), first_run);
}

TEST(RandomPass, GivesUpAfterHalfNbucketsExaminations) {
    CacheSet c;
    init_set(c, 1024, ReplacementPolicy::Random);
    Cache& ca = *c.caches[0];
    for (auto& b : ca.buckets)
        b = bucket_with(GcMark::Metadata);
    RecordingObserver obs;
    invalidate_buckets(c, ca, &obs);
    EXPECT_TRUE(ca.free_inc.empty());
    EXPECT_TRUE(ca.invalidate_needs_gc);
    EXPECT_EQ(obs.wake_gc, 1);
    // 512 draws: the generator moved exactly 512 steps.
    uint64_t expected_state = 0;
    for (int i = 0; i < 512; ++i)
        expected_state += 0x9e3779b97f4a7c15ull;
    EXPECT_EQ(ca.random_state, expected_state);
}

TEST(Rescale, AgesOnlyUnpinnedNonBtreeNonZeroPriosAndRecomputesMinPrio) {
    CacheSet c;
    init_set(c, 1024);
    Cache& ca = *c.caches[0];
    ca.buckets[0].prio = 500; // below first_bucket: untouched
    ca.buckets[1].prio = 0;
    ca.buckets[2].prio = BTREE_PRIO;
    ca.buckets[3].prio = 7;
    ca.buckets[3].pin = 1;
    ca.buckets[4].prio = 100;
    ca.buckets[5].prio = 32768;
    ca.buckets[6].prio = 1;
    EXPECT_TRUE(bch_rescale_priorities(c, 1)); // rescale starts at 0: the first call runs
    EXPECT_EQ(ca.buckets[0].prio, 500);
    EXPECT_EQ(ca.buckets[1].prio, 0);
    EXPECT_EQ(ca.buckets[2].prio, BTREE_PRIO);
    EXPECT_EQ(ca.buckets[3].prio, 7);
    EXPECT_EQ(ca.buckets[4].prio, 99);
    EXPECT_EQ(ca.buckets[5].prio, 32767);
    EXPECT_EQ(ca.buckets[6].prio, 0); // reaches 0 and counts for min_prio this time
    EXPECT_EQ(c.min_prio, 0);
    // Force the next pass: from then on prio-0 buckets no longer count.
    c.rescale = 0;
    EXPECT_TRUE(bch_rescale_priorities(c, 1));
    EXPECT_EQ(ca.buckets[6].prio, 0);
    EXPECT_EQ(c.min_prio, 98);
}

TEST(Rescale, MinPrioIs65535WhenNoBucketAges) {
    CacheSet c;
    init_set(c, 1024);
    c.caches[0]->buckets[9].prio = BTREE_PRIO;
    EXPECT_TRUE(bch_rescale_priorities(c, 8));
    EXPECT_EQ(c.min_prio, 65535);
}

TEST(Rescale, RunsOncePerNbucketsTimesBucketSizeOver1024Sectors) {
    CacheSet c;
    init_set(c, 2048, ReplacementPolicy::Lru, KernelProfile::V6_2, 512); // next = 1024
    Cache& ca = *c.caches[0];
    ca.buckets[10].prio = 1000;
    EXPECT_TRUE(bch_rescale_priorities(c, 1)); // 0 - 1 < 0: runs, budget 1023
    EXPECT_EQ(c.rescale, 1023);
    int runs = 1;
    for (int i = 0; i < 4096; ++i)
        runs += bch_rescale_priorities(c, 1);
    EXPECT_EQ(runs, 1 + 4); // one more per 1024 sectors
    EXPECT_EQ(ca.buckets[10].prio, 1000 - 5);
    // A large request runs one pass only, and leaves the budget negative-then-refilled.
    c.rescale = 0;
    EXPECT_TRUE(bch_rescale_priorities(c, 5000));
    EXPECT_EQ(c.rescale, -5000 + 1024);
    EXPECT_TRUE(bch_rescale_priorities(c, 1));
    EXPECT_EQ(ca.buckets[10].prio, 1000 - 7);
}

TEST(Rescale, V4AgesEveryCacheV6OnlyTheOne) {
    for (auto profile : {KernelProfile::V4_6, KernelProfile::V6_2}) {
        CacheSet c;
        init_set(c, 1024, ReplacementPolicy::Lru, profile, 1024,
                 profile == KernelProfile::V4_6 ? 2 : 1);
        if (profile == KernelProfile::V6_2) {
            // A second cache in a v6 set is ignored by the rescale (c->cache only).
            c.caches.push_back(make_cache(testing::test_geometry(1024), profile,
                                          ReplacementPolicy::Lru));
        }
        c.caches[0]->buckets[5].prio = 300;
        c.caches[1]->buckets[5].prio = 200;
        EXPECT_TRUE(bch_rescale_priorities(c, 1));
        EXPECT_EQ(c.caches[0]->buckets[5].prio, 299);
        if (profile == KernelProfile::V4_6) {
            EXPECT_EQ(c.caches[1]->buckets[5].prio, 199);
            EXPECT_EQ(c.min_prio, 199);
        } else {
            EXPECT_EQ(c.caches[1]->buckets[5].prio, 200);
            EXPECT_EQ(c.min_prio, 299);
        }
    }
}

} // namespace
} // namespace bucketscope
