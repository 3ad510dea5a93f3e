// check_invariants(): a state built the way registration and the allocator build it passes,
// and for each state invariant a small corruption of it is caught with the right number.

#include <gtest/gtest.h>

#include <algorithm>

#include "core/engine/checker.h"
#include "gc_fixture.h"

namespace bucketscope::testing {
namespace {

class CheckerTest : public GcFixture {
  protected:
    CheckerTest() {
        std::vector<uint64_t> journal;
        for (uint64_t b = 1; b <= 8; ++b)
            journal.push_back(b);
        roots.journal_buckets = {journal};
        c.gc_mark_valid = false;
        ctx.roots = &roots;
        ctx.initial_seeded = bch_initial_gc_finish(c, roots);

        // Root node and prio bucket, as registration allocates them.
        const uint64_t root = *bch_bucket_alloc(c, ca(), RESERVE_BTREE);
        --bucket(root).pin;
        idx.init_root(ptr(root));
        const uint64_t prio = *bch_bucket_alloc(c, ca(), RESERVE_PRIO);
        --bucket(prio).pin;
        ca().prio_buckets[0] = ca().prio_last_buckets[0] = prio;
        persist();
        c.sync = true;

        // One data bucket through free_inc, a prio write and free[NONE], then two extents.
        bch_invalidate_one_bucket(c, ca(), 40);
        persist();
        uint64_t b = 0;
        ca().free_inc.pop(b);
        ca().free[RESERVE_NONE].push(b); // PRIO would take it first; this test wants data
        data = *bch_bucket_alloc(c, ca(), RESERVE_NONE);
        idx.insert(extent(1, 0, 8, data));
        idx.insert(extent(1, 8, 8, data, 8, true));
        bucket(data).set_mark(GcMark::Dirty); // writeback data marks its bucket at once
        --bucket(data).pin;
        // And one bucket waiting in free_inc for the next prio write.
        bch_invalidate_one_bucket(c, ca(), 50);
    }

    // A prio write made durable: what a crash would bring back is what memory holds.
    void persist() {
        for (uint64_t b = 0; b < kBuckets; ++b)
            ca().disk_gens[b] = bucket(b).gen;
    }

    std::vector<Violation> check() { return check_invariants(c, idx, ctx); }
    bool caught(unsigned inv) {
        const auto v = check();
        return std::any_of(v.begin(), v.end(), [&](const Violation& x) { return x.invariant == inv; });
    }
    std::string all() {
        std::string s;
        for (const Violation& v : check())
            s += to_string(v) + "\n";
        return s;
    }

    GcRoots roots;
    CheckContext ctx;
    ExtentIndex idx{small_nodes(8)};
    uint64_t data = 0;
};

TEST_F(CheckerTest, AValidStatePasses) {
    EXPECT_TRUE(check().empty()) << all();
    bch_btree_gc(c, idx, roots);
    ctx.just_finished_gc = true;
    EXPECT_TRUE(check().empty()) << all();
}

TEST_F(CheckerTest, Inv1GenOnAFreeListNotDurable) {
    const uint64_t b = ca().free[RESERVE_BTREE].at(0);
    ca().disk_gens[b] -= 1; // a seeded bucket may be one ahead...
    EXPECT_TRUE(check().empty()) << all();
    ca().disk_gens[b] -= 1; // ...but not two
    EXPECT_TRUE(caught(1));
    ctx.initial_seeded.clear();
    ca().disk_gens[b] += 1;
    EXPECT_TRUE(caught(1));
}

TEST_F(CheckerTest, Inv2GenTooFarAheadOrPointerTooOld) {
    bucket(60).gen = 100;
    EXPECT_TRUE(caught(2));
    c.need_gc = 100; // reported by inc_gen (a btree node's freeing key): tolerated
    EXPECT_FALSE(caught(2));
    bucket(60).gen = 0;
    bucket(data).gen += 129;
    EXPECT_TRUE(caught(2));
}

TEST_F(CheckerTest, Inv3MarkedBucketOnAFreeListOrLiveDataInOne) {
    bucket(50).set_mark(GcMark::Dirty);
    EXPECT_TRUE(caught(3));
    bucket(50).set_mark(GcMark::None);
    // A live pointer into a free_inc bucket: the invalidation did not make it stale.
    idx.insert(extent(2, 0, 8, 50));
    EXPECT_TRUE(caught(3));
}

TEST_F(CheckerTest, Inv4SameBucketTwice) {
    ca().free[RESERVE_MOVINGGC].push(50);
    EXPECT_TRUE(caught(4));
}

TEST_F(CheckerTest, Inv4NodeBucketAlsoAPrioBucket) {
    ca().prio_last_buckets[0] = idx.root_key().ptr.offset / kBucketSize;
    EXPECT_TRUE(caught(4));
}

TEST_F(CheckerTest, Inv5UnpinnedBucketOnAFreeList) {
    bucket(ca().free[RESERVE_BTREE].at(0)).pin = 0;
    EXPECT_TRUE(caught(5));
}

TEST_F(CheckerTest, Inv7SuperblockAreaBucket) {
    ca().free_inc.push(0);
    bucket(0).pin = 1;
    EXPECT_TRUE(caught(7));
}

TEST_F(CheckerTest, Inv7SuperblockAreaBucketWithSectors) {
    bucket(0).set_sectors_used(8);
    EXPECT_TRUE(caught(7));
}

TEST_F(CheckerTest, Inv8JournalOrPrioBucketNotMetadata) {
    bucket(3).set_mark(GcMark::None);
    EXPECT_TRUE(caught(8));
    bucket(3).set_mark(GcMark::Metadata);
    bucket(ca().prio_buckets[0]).set_mark(GcMark::Reclaimable);
    EXPECT_TRUE(caught(8));
    c.gc_mark_valid = false; // GC running: marks are being rebuilt
    EXPECT_FALSE(caught(8));
}

TEST_F(CheckerTest, Inv10NeedsGcLeftAfterGcFinish) {
    bch_btree_gc(c, idx, roots);
    ctx.just_finished_gc = true;
    ca().invalidate_needs_gc = true;
    EXPECT_TRUE(caught(10));
}

TEST_F(CheckerTest, Inv13MarkZeroWithSectors) {
    bucket(70).set_sectors_used(4);
    EXPECT_TRUE(caught(13));
}

TEST_F(CheckerTest, Inv13AvailNbucketsRecount) {
    bch_btree_gc(c, idx, roots);
    ctx.just_finished_gc = true;
    ++c.avail_nbuckets;
    EXPECT_TRUE(caught(13));
}

TEST_F(CheckerTest, Inv13LiveDataInAnUnmarkedOrCleanMarkedDirtyBucket) {
    bucket(data).set_mark(GcMark::Reclaimable); // holds a dirty extent
    EXPECT_TRUE(caught(13));
    bucket(data).set_mark(GcMark::None);
    bucket(data).set_sectors_used(0);
    EXPECT_TRUE(caught(13));
}

TEST_F(CheckerTest, Inv0InvalidExtentInTheIndex) {
    idx.insert(extent(3, 0, 16, 80, kBucketSize - 8)); // runs past its bucket
    bucket(80).set_mark(GcMark::Reclaimable);
    EXPECT_TRUE(caught(0));
}

TEST_F(CheckerTest, MessagesNameTheInvariantAndTheBucket) {
    ca().free[RESERVE_MOVINGGC].push(50);
    const auto v = check();
    const auto inv4 = std::find_if(v.begin(), v.end(),
                                   [](const Violation& x) { return x.invariant == 4; });
    ASSERT_NE(inv4, v.end());
    EXPECT_EQ(to_string(*inv4),
              "invariant 4 (cache 0, bucket 50): on free_inc and on free[movinggc]");
}

} // namespace
} // namespace bucketscope::testing
