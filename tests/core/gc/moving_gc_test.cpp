// Moving GC's selection: the least-full clean buckets whose data fits in the MOVINGGC
// reserve get GC_MOVE, and the extents still live in them are the ones to rewrite.

#include <gtest/gtest.h>

#include "core/gc/moving_gc.h"
#include "gc_fixture.h"

namespace bucketscope::testing {
namespace {

class MovingGcTest : public GcFixture {
  protected:
    MovingGcTest() { idx.init_root(ptr(1000)); }
    void fill(uint64_t b, uint16_t sectors) {
        bucket(b).set_mark(GcMark::Reclaimable);
        bucket(b).set_sectors_used(sectors);
    }
    ExtentIndex idx{small_nodes(64)};
};

TEST_F(MovingGcTest, DisabledByDefaultDoesNothing) {
    fill(10, 10);
    stock(20, RESERVE_MOVINGGC);
    const auto r = bch_moving_gc(c, idx, false);
    EXPECT_EQ(r.buckets_selected, 0u);
    EXPECT_FALSE(bucket(10).gc_move());
}

TEST_F(MovingGcTest, SelectsTheLeastFullThatFitTheReserve) {
    stock(20, RESERVE_MOVINGGC); // reserve: one bucket = 64 sectors
    fill(10, 30);
    fill(11, 20);
    fill(12, 10);
    fill(13, 40);
    fill(14, kBucketSize);                          // full: not a candidate
    fill(15, 5), bucket(15).pin = 1;                // pinned
    fill(16, 5), bucket(16).set_mark(GcMark::Metadata);
    const auto r = bch_moving_gc(c, idx, true);
    // 10 + 20 + 30 = 60 fit in 64; adding 40 would not, and the fullest go first.
    EXPECT_EQ(r.buckets_selected, 3u);
    EXPECT_EQ(r.sectors_to_move, 60u);
    EXPECT_TRUE(bucket(10).gc_move());
    EXPECT_TRUE(bucket(11).gc_move());
    EXPECT_TRUE(bucket(12).gc_move());
    for (uint64_t b : {13, 14, 15, 16})
        EXPECT_FALSE(bucket(b).gc_move()) << b;
}

TEST_F(MovingGcTest, HeapSizeBoundsTheCandidates) {
    stock(30, RESERVE_MOVINGGC);          // room for 64 sectors is not the limit here...
    const size_t heap = ca().heap.size(); // ...the heap is: free << 3 entries
    for (uint64_t i = 0; i < heap + 4; ++i)
        fill(100 + i, 1);
    const auto r = bch_moving_gc(c, idx, true);
    EXPECT_EQ(r.buckets_selected, heap);
}

TEST_F(MovingGcTest, ReturnsTheLiveExtentsOfSelectedBuckets) {
    stock(20, RESERVE_MOVINGGC);
    idx.insert(extent(1, 0, 8, 10));
    idx.insert(extent(1, 8, 8, 11));
    Extent stale = extent(2, 0, 8, 10, 8);
    stale.ptrs[0].gen -= 1;
    idx.insert(stale);
    fill(10, 16);
    fill(11, 60);
    const auto r = bch_moving_gc(c, idx, true);
    ASSERT_EQ(r.buckets_selected, 1u);
    ASSERT_EQ(r.moves.size(), 1u);
    EXPECT_EQ(r.moves[0].pos(), (KeyPos{1, 8}));
}

} // namespace
} // namespace bucketscope::testing
