// InvariantMonitor: the allocator's own operations, watched through the observer and the
// probes, raise nothing; the same events on a corrupted state are caught.

#include <gtest/gtest.h>

#include "core/engine/checker.h"
#include "gc_fixture.h"

namespace bucketscope::testing {
namespace {

class MonitorTest : public GcFixture {
  protected:
    bool caught(unsigned inv) {
        for (const Violation& v : mon.take_violations())
            if (v.invariant == inv)
                return true;
        return false;
    }
    void persist() {
        for (uint64_t b = 0; b < kBuckets; ++b)
            ca().disk_gens[b] = bucket(b).gen;
    }
    InvariantMonitor mon{c};
};

TEST_F(MonitorTest, RealInvalidationsAndAllocationsPass) {
    c.sync = true;
    bch_invalidate_one_bucket(c, ca(), 30, &mon);
    persist();
    uint64_t b = 0;
    ca().free_inc.pop(b);
    const auto probe = mon.before_push(ca());
    const bool pushed = bch_allocator_push(ca(), b);
    mon.after_push(ca(), b, probe, pushed);
    const auto got = bch_bucket_alloc(c, ca(), RESERVE_PRIO, &mon);
    ASSERT_TRUE(got);
    mon.after_alloc(ca(), *got, RESERVE_PRIO);
    EXPECT_TRUE(mon.violations().empty()) << to_string(mon.violations().front());
    EXPECT_EQ(mon.events_checked(), 4u);
}

TEST_F(MonitorTest, Inv3PinnedOrMarkedBucketInvalidated) {
    bucket(30).pin = 1;
    mon.on_invalidate(ca(), 30, 0);
    EXPECT_TRUE(caught(3));
    bucket(31).set_mark(GcMark::Metadata);
    mon.on_invalidate(ca(), 31, 0);
    EXPECT_TRUE(caught(3));
}

TEST_F(MonitorTest, Inv2InvalidationPastTheGcGenLimit) {
    bucket(30).gen = BUCKET_GC_GEN_MAX;
    mon.on_invalidate(ca(), 30, 0);
    EXPECT_TRUE(caught(2));
    bucket(30).gen = BUCKET_GC_GEN_MAX - 1; // the last one allowed
    mon.on_invalidate(ca(), 30, 0);
    EXPECT_FALSE(caught(2));
}

TEST_F(MonitorTest, Inv7And10SuperblockOrUnmarkedInvalidation) {
    mon.on_invalidate(ca(), 0, 0);
    EXPECT_TRUE(caught(7));
    c.gc_mark_valid = false;
    mon.on_invalidate(ca(), 30, 0);
    EXPECT_TRUE(caught(10));
}

TEST_F(MonitorTest, Inv1AllocationBeforeTheGenIsDurable) {
    c.sync = true;
    bch_invalidate_one_bucket(c, ca(), 30);
    uint64_t b = 0;
    ca().free_inc.pop(b);
    ca().free[RESERVE_NONE].push(b); // skipping the prio write
    bch_bucket_alloc(c, ca(), RESERVE_NONE, &mon);
    EXPECT_TRUE(caught(1));
}

TEST_F(MonitorTest, Inv1SeededBucketsMayBeOneAhead) {
    c.sync = true;
    c.gc_mark_valid = false;
    GcRoots roots;
    mon.set_initial_seeded(bch_initial_gc_finish(c, roots));
    bch_bucket_alloc(c, ca(), RESERVE_PRIO, &mon);
    EXPECT_FALSE(caught(1));
}

TEST_F(MonitorTest, Inv5And6WrongStateAfterAlloc) {
    bucket(30).pin = 2;
    bucket(30).set_mark(GcMark::Reclaimable);
    bucket(30).prio = INITIAL_PRIO;
    bucket(30).set_sectors_used(kBucketSize);
    mon.after_alloc(ca(), 30, RESERVE_BTREE);
    const auto v = mon.take_violations();
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].invariant, 6u);
    EXPECT_EQ(v[1].invariant, 5u);
}

TEST_F(MonitorTest, Inv9PushSkippingTheReserveOrder) {
    const auto probe = mon.before_push(ca());
    ca().free[RESERVE_NONE].push(30); // PRIO had room
    mon.after_push(ca(), 30, probe, true);
    EXPECT_TRUE(caught(9));
}

TEST_F(MonitorTest, Inv10PassEndsWithoutFillingOrWakingGc) {
    mon.after_invalidate_pass(ca());
    EXPECT_TRUE(caught(10));
    invalidate_buckets(c, ca(), &mon); // every bucket is empty: LRU fills free_inc
    mon.after_invalidate_pass(ca());
    EXPECT_TRUE(mon.violations().empty());
    EXPECT_TRUE(ca().free_inc.full());
}

TEST_F(MonitorTest, Inv11PrioWriteBeforeFreeIncIsFull) {
    c.sync = true;
    mon.on_prio_write(ca(), true);
    EXPECT_TRUE(caught(11));
    mon.on_prio_write(ca(), false); // registration's write is not batched
    EXPECT_FALSE(caught(11));
}

TEST_F(MonitorTest, AfterPrioWritePinsAndFreeIncGens) {
    ca().prio_buckets[0] = 20;
    bucket(20).pin = 1;
    bch_invalidate_one_bucket(c, ca(), 30);
    mon.after_prio_write(ca());
    const auto v = mon.take_violations();
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].invariant, 5u);
    EXPECT_EQ(v[1].invariant, 1u);
}

TEST_F(MonitorTest, Inv12RescaleLowersOnlyEligiblePrios) {
    bucket(10).prio = 100;
    bucket(11).prio = BTREE_PRIO;
    bucket(12).prio = 200, bucket(12).pin = 1;
    auto probe = mon.before_rescale();
    ASSERT_TRUE(bch_rescale_priorities(c, 1));
    mon.after_rescale(probe, true);
    EXPECT_TRUE(mon.violations().empty()) << to_string(mon.violations().front());
    probe = mon.before_rescale();
    bucket(12).prio -= 1; // a pinned bucket must keep its prio
    mon.after_rescale(probe, true);
    EXPECT_TRUE(caught(12));
}

TEST_F(MonitorTest, Inv14PrioReadBackMismatch) {
    std::vector<uint8_t> gens(kBuckets, 0);
    std::vector<uint16_t> prios(kBuckets, 0);
    mon.check_prio_read_back(ca(), gens, prios);
    EXPECT_FALSE(caught(14));
    gens[77] = 1;
    mon.check_prio_read_back(ca(), gens, prios);
    EXPECT_TRUE(caught(14));
}

} // namespace
} // namespace bucketscope::testing
