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

namespace bucketscope::testing {
namespace {

// What the on-disk btree hears from the index.
struct Recorder final : IndexObserver {
    std::vector<std::pair<uint32_t, Extent>> keys;
    std::vector<uint32_t> created;
    struct Retire {
        uint32_t id;
        Ptr freeing;
        uint32_t parent;
        std::vector<uint32_t> replacements;
    };
    std::vector<Retire> retired;
    void on_leaf_key(uint32_t leaf, const Extent& piece) override { keys.emplace_back(leaf, piece); }
    void on_node_created(uint32_t id) override { created.push_back(id); }
    void on_node_retired(uint32_t id, const Ptr& freeing, uint32_t parent,
                         std::span<const uint32_t> r) override {
        retired.push_back({id, freeing, parent, {r.begin(), r.end()}});
    }
};

class IndexObserverTest : public IndexSplitTest {
  protected:
    IndexObserverTest() {
        idx.set_observer(&rec);
        idx.init_root(ptr(900));
    }
    Recorder rec;
};

TEST_F(IndexObserverTest, AKeyAcrossALeafBoundaryIsCutThereAsTheKernelDoes) {
    fill(5);
    ASSERT_EQ(idx.split(c, nodes(901, 3)), 3u);
    // Leaves end at sector 16 (two keys) and at MAX_KEY; [12, 20) crosses the boundary.
    const uint32_t left = idx.leaf_for({1, 16});
    ASSERT_EQ(idx.node(left).max, (KeyPos{1, 16}));
    rec.keys.clear();
    idx.insert(extent(1, 12, 8, 300));
    ASSERT_EQ(rec.keys.size(), 2u);
    EXPECT_EQ(rec.keys[0].first, left);
    EXPECT_EQ(rec.keys[0].second.start(), 12u);
    EXPECT_EQ(rec.keys[0].second.offset, 16u);
    EXPECT_EQ(rec.keys[1].second.start(), 16u);
    EXPECT_EQ(rec.keys[1].second.offset, 20u);
    // The second piece's pointer moved forward with its start (bch_cut_front).
    EXPECT_EQ(rec.keys[1].second.ptrs[0].offset, rec.keys[0].second.ptrs[0].offset + 4);
    // In memory too: every extent lies inside its leaf.
    EXPECT_EQ(idx.lookup(1, 12, 8).size(), 2u);
    EXPECT_TRUE(idx.validate().empty());
    for (const LeafKey& k : idx.node(left).extents)
        EXPECT_LE(k.offset, 16u);
}

TEST_F(IndexObserverTest, AnEraseIsReportedAsPointerlessPieces) {
    fill(3);
    rec.keys.clear();
    EXPECT_EQ(idx.erase(1, 4, 8), 8u);
    ASSERT_EQ(rec.keys.size(), 1u);
    EXPECT_EQ(rec.keys[0].second.nptrs, 0u);
    EXPECT_EQ(rec.keys[0].second.start(), 4u);
    EXPECT_EQ(rec.keys[0].second.offset, 12u);
}

TEST_F(IndexObserverTest, ARequestedReplacementRewritesTheNodeIntoOneFreshBucket) {
    fill(3);
    const uint32_t old = idx.root_id();
    const uint8_t gen = bucket(900).gen;
    idx.request_replace(old, 1);
    ASSERT_EQ(idx.nodes_needed(), 1u);
    const ExtentIndex::Plan plan = idx.plan();
    ASSERT_EQ(plan.replaced.size(), 1u);
    EXPECT_FALSE(plan.new_root);
    rec.created.clear();
    ASSERT_EQ(idx.split(c, nodes(901, 1)), 1u);
    ASSERT_EQ(rec.created.size(), 1u);
    EXPECT_EQ(idx.root_id(), rec.created[0]);
    EXPECT_EQ(idx.root_key().ptr.offset, 901u * kBucketSize);
    EXPECT_EQ(idx.size(), 3u);
    EXPECT_EQ(idx.height(), 1u);
    ASSERT_EQ(rec.retired.size(), 1u);
    EXPECT_EQ(rec.retired[0].parent, UINT32_MAX);
    EXPECT_EQ(rec.retired[0].freeing.gen, static_cast<uint8_t>(gen + 1));
    EXPECT_EQ(c.prio_blocked, 1);
    EXPECT_FALSE(idx.replace_requested(idx.root_id()));
    EXPECT_TRUE(idx.complete_node_free(c, ptr(900, 0) /* gen moved on */) == false);
    Ptr old_ptr{0, gen, 900 * kBucketSize};
    EXPECT_TRUE(idx.complete_node_free(c, old_ptr));
    EXPECT_EQ(c.prio_blocked, 0);
}

TEST_F(IndexObserverTest, PlansNameTheParentsThatGainKeys) {
    fill(5);
    ASSERT_EQ(idx.split(c, nodes(901, 3)), 3u);
    idx.complete_node_frees(c);
    const uint32_t leaf = idx.leaf_for({1, 8});
    idx.request_replace(leaf, 2);
    const ExtentIndex::Plan plan = idx.plan();
    ASSERT_EQ(plan.replaced.size(), 1u);
    EXPECT_EQ(plan.replaced[0].pieces, 2u);
    ASSERT_EQ(plan.receivers.size(), 1u);
    EXPECT_EQ(plan.receivers[0].first, idx.root_id());
    EXPECT_EQ(plan.receivers[0].second, 1u);
    EXPECT_EQ(plan.buckets, 2u);
}

} // namespace
} // namespace bucketscope::testing
