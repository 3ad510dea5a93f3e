// Node splits take exactly the buckets nodes_needed() announced, and the replaced node goes
// through make_btree_freeing_key: gen bumped and prio_blocked raised until the parent write
// completes, then bch_bucket_free.

#include <gtest/gtest.h>

#include "gc_fixture.h"

namespace bucketscope::testing {
namespace {

class IndexSplitTest : public GcFixture {
  protected:
    IndexSplitTest() {
        // Node buckets as bch_btree_node_alloc leaves them: METADATA, allocation pin dropped.
        for (uint64_t b = 900; b < 1000; ++b) {
            bucket(b).set_mark(GcMark::Metadata);
            bucket(b).set_sectors_used(kBucketSize);
        }
        idx.init_root(ptr(900));
    }
    std::vector<Ptr> nodes(uint64_t first, size_t n) {
        std::vector<Ptr> out;
        for (size_t i = 0; i < n; ++i)
            out.push_back(ptr(first + i));
        return out;
    }
    void fill(uint64_t n) {
        for (uint64_t i = 0; i < n; ++i)
            idx.insert(extent(1, i * 8, 8, 10 + i));
    }
    ExtentIndex idx{small_nodes(4)};
};

TEST_F(IndexSplitTest, NoSplitWhileWithinCapacity) {
    fill(4);
    EXPECT_EQ(idx.nodes_needed(), 0u);
    EXPECT_EQ(idx.split(c, nodes(901, 3)), 0u);
    EXPECT_EQ(idx.node_count(), 1u);
}

TEST_F(IndexSplitTest, RootSplitTakesTwoHalvesAndANewRoot) {
    fill(5);
    ASSERT_EQ(idx.nodes_needed(), 3u);
    const uint8_t old_gen = bucket(900).gen;
    EXPECT_EQ(idx.split(c, nodes(901, 3)), 3u);
    EXPECT_EQ(idx.height(), 2u);
    EXPECT_EQ(idx.node_count(), 3u);
    EXPECT_EQ(idx.root_key().ptr.offset, 903u * kBucketSize);
    EXPECT_EQ(idx.root_key().level, 1);
    EXPECT_TRUE(idx.validate().empty());
    EXPECT_EQ(idx.size(), 5u);

    // Freeing key: the old root's pointer is stale at once, its bucket still METADATA.
    EXPECT_EQ(bucket(900).gen, static_cast<uint8_t>(old_gen + 1));
    EXPECT_EQ(c.prio_blocked, 1);
    EXPECT_EQ(bucket(900).mark(), GcMark::Metadata);
    ASSERT_EQ(idx.pending_frees().size(), 1u);

    const uint64_t avail = c.avail_nbuckets;
    idx.complete_node_frees(c);
    EXPECT_EQ(c.prio_blocked, 0);
    EXPECT_EQ(bucket(900).mark(), GcMark::None);
    EXPECT_EQ(bucket(900).sectors_used(), 0u);
    EXPECT_EQ(c.avail_nbuckets, avail + 1); // v6.2's bch_bucket_free accounting
    EXPECT_TRUE(idx.pending_frees().empty());
}

TEST_F(IndexSplitTest, ShortSupplyChangesNothing) {
    fill(5);
    EXPECT_EQ(idx.split(c, nodes(901, 2)), 0u);
    EXPECT_EQ(idx.node_count(), 1u);
    EXPECT_EQ(c.prio_blocked, 0);
    EXPECT_EQ(idx.nodes_needed(), 3u);
}

TEST_F(IndexSplitTest, LeafSplitUnderAnInteriorNodeNeedsNoNewRoot) {
    fill(5);
    ASSERT_EQ(idx.split(c, nodes(901, 3)), 3u);
    idx.complete_node_frees(c);
    // Both leaves hold 2 and 3 keys; two more at the end overflow the right one only.
    idx.insert(extent(1, 1000, 8, 100));
    idx.insert(extent(1, 1008, 8, 101));
    ASSERT_EQ(idx.nodes_needed(), 2u);
    EXPECT_EQ(idx.split(c, nodes(904, 2)), 2u);
    EXPECT_EQ(idx.height(), 2u);
    EXPECT_EQ(idx.node_count(), 4u);
    EXPECT_TRUE(idx.validate().empty());
}

TEST_F(IndexSplitTest, SplitsCascadeUpAndNeedsIsExact) {
    uint64_t next = 901;
    for (uint64_t i = 0; i < 200; ++i) {
        idx.insert(extent(1 + i % 2, (i / 2) * 8, 8, 10 + i));
        const size_t need = idx.nodes_needed();
        ASSERT_EQ(idx.split(c, nodes(next, need)), need);
        next += need;
        if (next > 990)
            next = 901;
        idx.complete_node_frees(c);
        ASSERT_TRUE(idx.validate().empty()) << idx.validate().front();
    }
    EXPECT_GE(idx.height(), 3u);
    EXPECT_EQ(idx.size(), 200u);
    EXPECT_EQ(c.prio_blocked, 0);
}

TEST_F(IndexSplitTest, AnOverfullLeafSplitsIntoAsManyPiecesAsItNeeds) {
    fill(20); // no splits in between: one leaf of 20 keys, capacity 4
    const size_t need = idx.nodes_needed();
    ASSERT_GT(need, 3u);
    EXPECT_EQ(idx.split(c, nodes(901, need)), need);
    EXPECT_TRUE(idx.validate().empty()) << idx.validate().front();
    EXPECT_EQ(idx.size(), 20u);
    for (uint64_t i = 0; i < 20; ++i)
        EXPECT_EQ(idx.lookup(1, i * 8, 8).size(), 1u);
}

} // namespace
} // namespace bucketscope::testing
