// GC's mark rules (__bch_btree_mark_key), btree_gc_start, and the walk's rewrite of nodes
// full of stale keys, which is what lets last_gc catch up with gen.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/gc/leaf_mark.h"
#include "gc_fixture.h"

namespace bucketscope::testing {
namespace {

class GcMarkTest : public GcFixture {
  protected:
    void mark(const Extent& e) { btree_mark_extent(c, e); }
};

TEST_F(GcMarkTest, CleanExtentMarksReclaimableWithItsSectors) {
    mark(extent(1, 0, 8, 10));
    mark(extent(1, 8, 16, 10, 8));
    EXPECT_EQ(bucket(10).mark(), GcMark::Reclaimable);
    EXPECT_EQ(bucket(10).sectors_used(), 24u);
}

TEST_F(GcMarkTest, DirtyExtentMarksDirty) {
    mark(extent(1, 0, 8, 10, 0, true));
    EXPECT_EQ(bucket(10).mark(), GcMark::Dirty);
}

TEST_F(GcMarkTest, NodeKeyMarksMetadataWithTheNodeSize) {
    const Ptr p = ptr(20);
    btree_mark_key(c, 1, &p, 1, 256, false);
    EXPECT_EQ(bucket(20).mark(), GcMark::Metadata);
    EXPECT_EQ(bucket(20).sectors_used(), 256u);
}

TEST_F(GcMarkTest, MarksAreNeverDowngraded) {
    mark(extent(1, 0, 8, 10, 0, true));
    mark(extent(1, 8, 8, 10, 8));
    EXPECT_EQ(bucket(10).mark(), GcMark::Dirty);
    EXPECT_EQ(bucket(10).sectors_used(), 16u);
    bucket(11).set_mark(GcMark::Metadata);
    mark(extent(1, 100, 8, 11));
    EXPECT_EQ(bucket(11).mark(), GcMark::Metadata);
}

TEST_F(GcMarkTest, SectorsSaturateAt8191) {
    const Ptr p = ptr(10);
    btree_mark_key(c, 0, &p, 1, 5000, false);
    btree_mark_key(c, 0, &p, 1, 5000, false);
    EXPECT_EQ(bucket(10).sectors_used(), MAX_GC_SECTORS_USED);
}

TEST_F(GcMarkTest, StalePointerIsSkippedButLowersLastGc) {
    const Extent e = extent(1, 0, 8, 10);
    bucket(10).gen += 2;
    ASSERT_TRUE(btree_gc_start(c));
    EXPECT_EQ(btree_mark_extent(c, e), 2);
    EXPECT_EQ(bucket(10).mark(), GcMark::None);
    EXPECT_EQ(bucket(10).sectors_used(), 0u);
    EXPECT_EQ(bucket(10).last_gc, e.ptrs[0].gen);
    EXPECT_EQ(bucket_gc_gen(bucket(10)), 2);
}

TEST_F(GcMarkTest, StalenessWrapsLikeGenAfter) {
    // gen 2 is 8 ahead of 250 (mod 256): stale, and last_gc moves back to 250.
    bucket(10).gen = 2;
    bucket(10).last_gc = 2;
    Extent e = extent(1, 0, 8, 10);
    e.ptrs[0].gen = 250;
    EXPECT_EQ(btree_mark_extent(c, e), 8);
    EXPECT_EQ(bucket(10).last_gc, 250);
    EXPECT_EQ(bucket_gc_gen(bucket(10)), 8);
    // A pointer "ahead" of its bucket is more than 128 behind: gen_after reads it as live.
    e.ptrs[0].gen = 3;
    EXPECT_EQ(btree_mark_extent(c, e), 0);
    EXPECT_EQ(bucket(10).mark(), GcMark::Reclaimable);
}

TEST_F(GcMarkTest, GcStartResetsOnlyUnpinnedBuckets) {
    bucket(10).set_mark(GcMark::Dirty);
    bucket(10).set_sectors_used(30);
    bucket(10).gen = 7;
    bucket(11).set_mark(GcMark::Reclaimable);
    bucket(11).set_sectors_used(20);
    bucket(11).set_gc_move(true);
    bucket(11).pin = 1;
    bucket(0).set_mark(GcMark::Metadata); // below first_bucket: never touched
    ASSERT_TRUE(btree_gc_start(c));
    EXPECT_FALSE(c.gc_mark_valid);
    EXPECT_EQ(bucket(10).gc_mark, 0u);
    EXPECT_EQ(bucket(10).last_gc, 7);
    EXPECT_EQ(bucket(11).mark(), GcMark::Reclaimable);
    EXPECT_EQ(bucket(11).sectors_used(), 20u);
    EXPECT_TRUE(bucket(11).gc_move());
    EXPECT_EQ(bucket(0).mark(), GcMark::Metadata);
    // A second start while marks are invalid is skipped.
    bucket(10).set_mark(GcMark::Dirty);
    EXPECT_FALSE(btree_gc_start(c));
    EXPECT_EQ(bucket(10).mark(), GcMark::Dirty);
}

class GcWalkTest : public GcFixture {
  protected:
    explicit GcWalkTest(uint32_t node_keys = 4) : idx{small_nodes(node_keys)} {
        for (uint64_t b = 900; b < 1000; ++b)
            bucket(b).set_mark(GcMark::Metadata);
        idx.init_root(ptr(900));
    }
    void insert(const Extent& e) {
        idx.insert(e);
        if (const size_t need = idx.nodes_needed()) {
            std::vector<Ptr> nodes;
            for (size_t i = 0; i < need; ++i)
                nodes.push_back(ptr(next_node++));
            ASSERT_EQ(idx.split(c, nodes), need);
            idx.complete_node_frees(c);
        }
    }
    GcRoots roots;
    ExtentIndex idx;
    uint64_t next_node = 901;
};

TEST_F(GcWalkTest, FullGcMarksExtentsAndNodes) {
    for (uint64_t i = 0; i < 12; ++i)
        insert(extent(1, i * 8, 8, 10 + i % 3, (i / 3) * 8, i == 5));
    GcStats st;
    EXPECT_TRUE(bch_btree_gc(c, idx, roots, &st));
    EXPECT_EQ(bucket(10).mark(), GcMark::Reclaimable);
    EXPECT_EQ(bucket(10).sectors_used(), 32u);
    EXPECT_EQ(bucket(12).mark(), GcMark::Dirty); // extent 5 is dirty
    idx.for_each_node([&](uint32_t, const IndexNode& n) {
        const Bucket& nb = bucket(n.ptr.offset / kBucketSize);
        EXPECT_EQ(nb.mark(), GcMark::Metadata);
        EXPECT_EQ(nb.sectors_used(), kBucketSize);
    });
    // Freed node buckets hold nothing any more.
    EXPECT_EQ(bucket(900).mark(), GcMark::None);
    EXPECT_EQ(st.nodes, idx.node_count());
    EXPECT_EQ(st.nkeys, 12u);
    EXPECT_EQ(st.data, 12u * 8 * 512);
    EXPECT_EQ(st.key_bytes, 12u * 3 * 8);
}

TEST_F(GcWalkTest, IncrementalWalkMarksWhatTheOneShotWalkDoes) {
    for (uint64_t i = 0; i < 30; ++i)
        insert(extent(1 + i % 2, i * 8, 8, 10 + i % 7, (i / 7) * 8));
    ASSERT_TRUE(btree_gc_start(c));
    GcWalk walk;
    walk.start(c, idx);
    size_t steps = 0;
    while (!walk.step(c, idx, 1))
        ++steps;
    EXPECT_GT(steps, 3u);
    bch_btree_gc_finish(c, roots);
    std::vector<uint16_t> incremental;
    for (const Bucket& b : ca().buckets)
        incremental.push_back(b.gc_mark);
    bch_btree_gc(c, idx, roots);
    for (uint64_t b = 0; b < kBuckets; ++b)
        ASSERT_EQ(bucket(b).gc_mark, incremental[b]) << "bucket " << b;
}

TEST_F(GcWalkTest, StaleExtentsAreDroppedSoGcGenReturnsToZero) {
    for (uint64_t i = 0; i < 3; ++i)
        insert(extent(1, i * 8, 8, 10, i * 8));
    // Bucket 10 was invalidated and reused 12 times since: stale by 12 > 10.
    for (int i = 0; i < 12; ++i)
        bch_inc_gen(c, bucket(10));
    GcStats st;
    bch_btree_gc(c, idx, roots, &st);
    EXPECT_EQ(st.max_stale, 12);
    EXPECT_EQ(bucket_gc_gen(bucket(10)), 12); // the stale keys still held last_gc back
    EXPECT_EQ(st.stale_dropped, 3u);
    EXPECT_EQ(idx.size(), 0u);
    bch_btree_gc(c, idx, roots);
    EXPECT_EQ(bucket_gc_gen(bucket(10)), 0);
    EXPECT_EQ(c.need_gc, 0);
}

TEST_F(GcWalkTest, MostlyBadLeafIsRewrittenMostlyGoodIsNot) {
    // One leaf of 4 keys: 3 in bucket 10, 1 in bucket 11.
    for (uint64_t i = 0; i < 3; ++i)
        insert(extent(1, i * 8, 8, 10, i * 8));
    insert(extent(1, 24, 8, 11));
    ASSERT_EQ(idx.node_count(), 1u);
    bch_inc_gen(c, bucket(11)); // 1 of 4 stale by 1: the node is kept as it is
    bch_btree_gc(c, idx, roots);
    EXPECT_EQ(idx.size(), 4u);
    EXPECT_EQ(bucket_gc_gen(bucket(11)), 1);
    bch_inc_gen(c, bucket(10)); // now all 4 bad: more than half
    bch_btree_gc(c, idx, roots);
    EXPECT_EQ(idx.size(), 0u);
    bch_btree_gc(c, idx, roots);
    EXPECT_EQ(bucket_gc_gen(bucket(10)), 0);
    EXPECT_EQ(bucket_gc_gen(bucket(11)), 0);
}

// A fixed-seed xorshift64 draw in [0, n), so the random leaves are the same every run.
struct XorShift {
    uint64_t s;
    uint64_t operator()(uint64_t n) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s % n;
    }
};

TEST_F(GcWalkTest, WalkMarksEveryKeyAsBtreeMarkExtentDoes) {
    // The walk marks packed leaf keys with its own loop (no branches on staleness); it
    // must leave every bucket as btree_mark_extent over the same keys does, and count what
    // it counts. Keys live, stale by 1..12 or by 128, 130 gens behind (which gen_after
    // calls live), dirty and clean, into buckets already marked METADATA or DIRTY, with
    // GC_MOVE set, or close to the 8191-sector saturation.
    XorShift next{0x853c49e6748fea9bull};
    for (uint64_t i = 0; i < 60; ++i) {
        const auto size = static_cast<uint32_t>(1 + next(kBucketSize));
        insert(extent(1 + next(3), i * 100, size, 10 + next(30), next(kBucketSize - size + 1),
                      next(5) == 0));
    }
    ASSERT_LT(next_node, kBuckets);
    for (uint64_t b = 10; b < 40; ++b) {
        const uint64_t r = next(8);
        bucket(b).gen += r < 3 ? 0 : r < 5 ? static_cast<uint8_t>(1 + next(12)) : r < 6 ? 128 : 130;
        bucket(b).last_gc = static_cast<uint8_t>(bucket(b).gen - next(3));
        switch (next(5)) {
        case 0:
            bucket(b).set_mark(GcMark::Metadata);
            break;
        case 1:
            bucket(b).set_mark(GcMark::Dirty);
            break;
        case 2:
            bucket(b).set_gc_move(true);
            break;
        case 3:
            bucket(b).set_sectors_used(8150);
            break;
        default:
            break;
        }
    }
    std::vector<Extent> keys;
    idx.for_each_node([&](uint32_t, const IndexNode& n) {
        for (const LeafKey& k : n.extents)
            keys.push_back(k.unpack());
    });
    std::sort(keys.begin(), keys.end(),
              [](const Extent& a, const Extent& b) { return a.pos() < b.pos(); });
    const std::vector<Bucket> before = ca().buckets;

    GcWalk reference; // marks the root and interior node keys, as the walk's start does
    reference.start(c, idx);
    uint8_t max_stale = 0;
    uint64_t good = 0, data = 0;
    for (const Extent& e : keys) {
        ASSERT_FALSE(extent_invalid(c, e));
        max_stale = std::max(max_stale, btree_mark_extent(c, e));
        if (!extent_bad(c, e))
            ++good, data += uint64_t(e.size) << 9;
    }
    const std::vector<Bucket> want = ca().buckets;
    ASSERT_GT(good, 10u);
    ASSERT_LT(good, keys.size());

    ca().buckets = before;
    GcWalk walk;
    walk.start(c, idx);
    ASSERT_TRUE(walk.step(c, idx, SIZE_MAX));
    for (uint64_t b = 0; b < kBuckets; ++b) {
        ASSERT_EQ(bucket(b).gc_mark, want[b].gc_mark) << "bucket " << b;
        ASSERT_EQ(bucket(b).last_gc, want[b].last_gc) << "bucket " << b;
        ASSERT_EQ(bucket(b).gen, want[b].gen) << "bucket " << b;
    }
    EXPECT_EQ(walk.stats().nkeys, good);
    EXPECT_EQ(walk.stats().data, data);
    EXPECT_EQ(walk.stats().key_bytes, good * 3 * 8);
    EXPECT_EQ(walk.stats().max_stale, max_stale);
}

class GcWalkBigLeafTest : public GcWalkTest {
  protected:
    GcWalkBigLeafTest() : GcWalkTest(400) {}
};

TEST_F(GcWalkBigLeafTest, EveryMarkLoopMatchesTheReferenceOverFullChunksWithOddKeys) {
    // The walk marks a leaf chunk (64 keys) with a vector loop for groups of eight valid
    // keys into eight different buckets, a scalar loop for pointers into one cache, and the
    // general code for keys with other device numbers and invalid ones. Over a leaf of
    // several full chunks with such keys mixed in (device 3, which v6.2 maps to its one
    // cache, and device 9, which is unavailable; pointers past
    // nbuckets, below first_bucket or running past their bucket's end are invalid and not
    // counted) and runs of keys into one bucket (which the vector loop must not take),
    // every loop must leave the buckets, counts and rewrite verdict of the reference.
    XorShift next{0x2545f4914f6cdd1dull};
    uint64_t prev_bucket = 10;
    for (uint64_t i = 0; i < 320; ++i) {
        const auto size = static_cast<uint32_t>(1 + next(kBucketSize));
        const uint64_t b = next(6) == 0 ? prev_bucket : 10 + next(880);
        prev_bucket = b;
        Extent e = extent(1, i * 100, size, b, next(kBucketSize - size + 1), next(7) == 0);
        if (i % 23 == 5) {
            e.ptrs[0].dev = 3; // v6.2's PTR_CACHE is the set's one cache whatever the number
        } else if (i % 37 == 3) {
            e.ptrs[0].dev = 9; // PTR_DEV >= MAX_CACHES_PER_SET: unavailable
        } else if (i % 29 == 7) {
            e.ptrs[0].offset = (kBuckets + next(5)) * kBucketSize; // past nbuckets
        } else if (i % 31 == 11) {
            e.ptrs[0].offset = 20 * kBucketSize + kBucketSize - size / 2; // runs past the end
            if (size < 2)
                e.ptrs[0].offset = 0; // bucket 0, below first_bucket
        }
        insert(e);
    }
    ASSERT_EQ(idx.node_count(), 1u);
    for (uint64_t b = 10; b < 890; ++b) {
        const uint64_t r = next(8);
        bucket(b).gen += r < 5 ? 0 : r < 6 ? static_cast<uint8_t>(1 + next(12)) : r < 7 ? 128 : 130;
        bucket(b).last_gc = static_cast<uint8_t>(bucket(b).gen - next(3));
        if (next(4) == 0)
            bucket(b).set_mark(next(2) ? GcMark::Metadata : GcMark::Dirty);
        if (next(4) == 0)
            bucket(b).set_sectors_used(8150);
        if (next(6) == 0)
            bucket(b).set_gc_move(true);
    }
    std::vector<Extent> keys;
    idx.for_each_node([&](uint32_t, const IndexNode& n) {
        for (const LeafKey& k : n.extents)
            keys.push_back(k.unpack());
    });
    const std::vector<Bucket> before = ca().buckets;

    GcWalk reference;
    reference.start(c, idx);
    uint8_t max_stale = 0;
    uint64_t valid = 0, good = 0, data = 0, invalid = 0, unavailable = 0;
    for (const Extent& e : keys) {
        if (extent_invalid(c, e)) {
            ++invalid;
            continue;
        }
        ++valid;
        unavailable += !ptr_available(c, e.ptrs[0]);
        max_stale = std::max(max_stale, btree_mark_extent(c, e));
        if (!extent_bad(c, e))
            ++good, data += uint64_t(e.size) << 9;
    }
    const std::vector<Bucket> want = ca().buckets;
    ASSERT_GT(invalid, 5u);
    ASSERT_GT(unavailable, 5u);
    ASSERT_GT(good, valid / 2);
    const bool rewrite = max_stale > 10 || (valid - good) * 2 > valid;

    for (int level = 0; level <= 2; ++level) {
        SCOPED_TRACE("mark level " + std::to_string(level));
        detail::set_leaf_mark_level(level);
        ca().buckets = before;
        GcWalk walk; // without a rewrite sink a rewrite drops keys: walk a copy's keys
        ExtentIndex copy = idx;
        walk.start(c, copy);
        ASSERT_TRUE(walk.step(c, copy, SIZE_MAX));
        for (uint64_t b = 0; b < kBuckets; ++b) {
            ASSERT_EQ(bucket(b).gc_mark, want[b].gc_mark) << "bucket " << b;
            ASSERT_EQ(bucket(b).last_gc, want[b].last_gc) << "bucket " << b;
            ASSERT_EQ(bucket(b).gen, want[b].gen) << "bucket " << b;
            ASSERT_EQ(bucket(b).prio, want[b].prio) << "bucket " << b;
        }
        EXPECT_EQ(walk.stats().nkeys, good);
        EXPECT_EQ(walk.stats().data, data);
        EXPECT_EQ(walk.stats().max_stale, max_stale);
        EXPECT_EQ(walk.stats().nodes_rewritten, rewrite ? 1u : 0u);
    }
    detail::set_leaf_mark_level(2);
}

TEST_F(GcWalkTest, BtreeCheckTakesGensAndPriosFromTheTree) {
    insert(extent(1, 0, 8, 10));
    bucket(10).prio = BTREE_PRIO; // a freed node bucket reused for data
    bucket(900).prio = 0;
    for (Bucket& b : ca().buckets)
        b.gc_mark = 0;
    bch_btree_check(c, idx);
    EXPECT_EQ(bucket(10).prio, INITIAL_PRIO);
    EXPECT_EQ(bucket(10).mark(), GcMark::Reclaimable);
    EXPECT_EQ(bucket(900).prio, BTREE_PRIO);
    EXPECT_EQ(bucket(900).mark(), GcMark::Metadata);
}

} // namespace
} // namespace bucketscope::testing
