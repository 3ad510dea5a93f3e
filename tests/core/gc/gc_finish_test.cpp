// bch_btree_gc_finish and bch_initial_gc_finish: flags, the buckets GC marks without the
// index (journal, prio, uuid), availability per kernel profile, and the reserves seeded at
// registration.

#include <gtest/gtest.h>

#include "gc_fixture.h"

namespace bucketscope::testing {
namespace {

class GcFinishTest : public GcFixture {
  protected:
    explicit GcFinishTest(KernelProfile p = KernelProfile::V6_2) : GcFixture(p) {
        for (uint64_t b = 1; b <= 8; ++b)
            journal.push_back(b);
        roots.journal_buckets = {journal};
    }
    std::vector<uint64_t> journal;
    GcRoots roots;
};

TEST_F(GcFinishTest, SetsTheFlagsAndTheNextGcBudget) {
    ca().invalidate_needs_gc = true;
    c.need_gc = 50;
    bucket(30).gen = 40; // 40 ahead of last_gc 0
    ASSERT_TRUE(btree_gc_start(c));
    bucket(30).last_gc = 0;
    bch_btree_gc_finish(c, roots);
    EXPECT_TRUE(c.gc_mark_valid);
    EXPECT_FALSE(ca().invalidate_needs_gc);
    EXPECT_EQ(c.need_gc, 40);
    EXPECT_EQ(c.sectors_to_gc, int64_t(kBucketSize) * kBuckets / 16);
}

TEST_F(GcFinishTest, JournalPrioAndUuidBucketsEndAsMetadataWithNoSectors) {
    ca().prio_buckets[0] = 20;
    ca().prio_last_buckets[0] = 21;
    roots.uuid_ptrs = {ptr(22)};
    for (uint64_t b : {1, 20, 21, 22})
        bucket(b).set_mark(GcMark::Metadata), bucket(b).set_sectors_used(kBucketSize);
    ExtentIndex idx(small_nodes());
    bch_btree_gc(c, idx, roots);
    for (uint64_t b : {1, 8, 20, 21, 22}) {
        EXPECT_EQ(bucket(b).mark(), GcMark::Metadata) << b;
        EXPECT_EQ(bucket(b).sectors_used(), 0u) << b;
    }
    EXPECT_EQ(bucket(9).mark(), GcMark::None);
}

TEST_F(GcFinishTest, V6CountsAvailableBucketsIntoAvailNbuckets) {
    bucket(30).set_mark(GcMark::Dirty);
    bucket(30).pin = 1; // pinned: kept, not counted
    bucket(31).pin = 1; // pinned and unmarked: not counted either
    ExtentIndex idx(small_nodes());
    idx.init_root(ptr(40));
    idx.insert(extent(1, 0, 8, 41));
    idx.insert(extent(1, 8, 8, 42, 0, true));
    GcStats st;
    bch_btree_gc(c, idx, roots, &st);
    // Everything from first_bucket but journal (8), node 40, dirty 42 and the two pinned.
    const uint64_t expect = (kBuckets - 1) - 8 - 1 - 1 - 2;
    EXPECT_EQ(c.avail_nbuckets, expect);
    EXPECT_EQ(st.in_use, (kBuckets - expect) * 100 / kBuckets);
    EXPECT_EQ(c.gc_in_use_percent, st.in_use);
}

class GcFinishV4Test : public GcFinishTest {
  protected:
    GcFinishV4Test() : GcFinishTest(KernelProfile::V4_6) {}
};

TEST_F(GcFinishV4Test, V4ReturnsTheCountAndLeavesAvailNbucketsAlone) {
    c.avail_nbuckets = 7;
    ASSERT_TRUE(btree_gc_start(c));
    const uint64_t available = bch_btree_gc_finish(c, roots);
    EXPECT_EQ(available, kBuckets - 1 - 8);
    EXPECT_EQ(c.avail_nbuckets, 7u);
}

class InitialGcTest : public GcFinishTest {
  protected:
    InitialGcTest() { c.gc_mark_valid = false; } // a brand-new cache set
};

TEST_F(InitialGcTest, SeedsPrioThenBtreeFromTheFirstFreeBuckets) {
    const size_t prio_cap = ca().free[RESERVE_PRIO].capacity();
    const size_t btree_cap = ca().free[RESERVE_BTREE].capacity();
    ASSERT_GT(prio_cap, 0u);
    ASSERT_GT(btree_cap, 0u);
    const auto seeded = bch_initial_gc_finish(c, roots);
    ASSERT_EQ(seeded.size(), 1u);
    ASSERT_EQ(seeded[0].size(), prio_cap + btree_cap);
    EXPECT_TRUE(c.gc_mark_valid);
    uint64_t b = 9; // the first bucket after the journal
    for (size_t i = 0; i < prio_cap; ++i, ++b)
        EXPECT_EQ(ca().free[RESERVE_PRIO].at(i), b);
    for (size_t i = 0; i < btree_cap; ++i, ++b)
        EXPECT_EQ(ca().free[RESERVE_BTREE].at(i), b);
    for (uint64_t s : seeded[0]) {
        EXPECT_EQ(bucket(s).gen, 1);
        EXPECT_EQ(bucket(s).pin, 1);
        EXPECT_EQ(bucket(s).prio, INITIAL_PRIO);
    }
    EXPECT_EQ(bucket(b).gen, 0); // the next one is left for the allocator
    EXPECT_TRUE(ca().free_inc.empty());
    for (uint64_t j : journal)
        EXPECT_EQ(bucket(j).mark(), GcMark::Metadata);
}

TEST_F(InitialGcTest, SkipsMarkedAndPinnedBuckets) {
    bucket(9).set_mark(GcMark::Reclaimable);
    bucket(9).set_sectors_used(8);
    bucket(10).pin = 1;
    const auto seeded = bch_initial_gc_finish(c, roots);
    EXPECT_EQ(seeded[0].front(), 11u);
}

} // namespace
} // namespace bucketscope::testing
