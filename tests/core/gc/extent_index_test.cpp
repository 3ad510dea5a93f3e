// The extent index's overwrite semantics: the newer key wins, older extents are dropped,
// trimmed (pointer offsets follow a trimmed front) or split, as bcache's extent fixup does.

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <tuple>

#include "core/engine/btree_store.h"
#include "core/ondisk/extents.h"
#include "gc_fixture.h"

namespace bucketscope::testing {
namespace {

class ExtentIndexTest : public GcFixture {
  protected:
    ExtentIndexTest() { idx.init_root(ptr(1000)); }
    ExtentIndex idx{IndexGeometry{kBucketSize, 64}};

    // What the btree writer does after an insert: funds and runs the splits now due, with
    // node buckets taken round-robin from [900, 1020].
    void split_overfull(ExtentIndex& index, uint64_t& next_node) {
        const size_t need = index.nodes_needed();
        if (!need)
            return;
        std::vector<Ptr> nodes;
        for (size_t i = 0; i < need; ++i, next_node = next_node < 1020 ? next_node + 1 : 900)
            nodes.push_back(ptr(next_node));
        ASSERT_EQ(index.split(c, nodes), need);
        index.complete_node_frees(c);
    }
};

TEST_F(ExtentIndexTest, EmptyRootIsALevelZeroMaxKey) {
    const RootKey r = idx.root_key();
    EXPECT_EQ(r.level, 0);
    EXPECT_EQ(r.pos, KeyPos::max());
    EXPECT_EQ(r.ptr.offset, 1000u * kBucketSize);
    EXPECT_EQ(r.size, kBucketSize);
    EXPECT_EQ(idx.size(), 0u);
    EXPECT_TRUE(idx.lookup(1, 0, 100).empty());
}

TEST_F(ExtentIndexTest, KeysSortByInodeThenEndOffset) {
    idx.insert(extent(2, 0, 8, 10));
    idx.insert(extent(1, 100, 8, 11));
    idx.insert(extent(1, 0, 8, 12));
    std::vector<KeyPos> order;
    idx.for_each([&](const Extent& e) { order.push_back(e.pos()); });
    EXPECT_EQ(order, (std::vector<KeyPos>{{1, 8}, {1, 108}, {2, 8}}));
}

TEST_F(ExtentIndexTest, NewerKeySplitsAnOlderExtentItLandsInside) {
    idx.insert(extent(1, 0, 32, 5));
    EXPECT_EQ(idx.insert(extent(1, 8, 8, 6)), 8u);
    const auto all = idx.lookup(1, 0, 32);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].start(), 0u);
    EXPECT_EQ(all[0].offset, 8u);
    EXPECT_EQ(all[0].ptrs[0].offset, 5u * kBucketSize);
    EXPECT_EQ(all[1].ptrs[0].offset, 6u * kBucketSize);
    // The back piece's data starts 16 sectors into the old extent's data.
    EXPECT_EQ(all[2].start(), 16u);
    EXPECT_EQ(all[2].offset, 32u);
    EXPECT_EQ(all[2].ptrs[0].offset, 5u * kBucketSize + 16);
    EXPECT_TRUE(idx.validate().empty());
}

TEST_F(ExtentIndexTest, OverlapsAreTrimmedFrontAndBack) {
    idx.insert(extent(1, 0, 16, 5));
    idx.insert(extent(1, 16, 16, 6));
    EXPECT_EQ(idx.insert(extent(1, 10, 12, 7)), 12u);
    const auto all = idx.lookup(1, 0, 32);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].offset, 10u);
    EXPECT_EQ(all[0].size, 10u);
    EXPECT_EQ(all[0].ptrs[0].offset, 5u * kBucketSize);
    EXPECT_EQ(all[2].start(), 22u);
    EXPECT_EQ(all[2].size, 10u);
    EXPECT_EQ(all[2].ptrs[0].offset, 6u * kBucketSize + 6);
}

TEST_F(ExtentIndexTest, CoveredExtentsAreDropped) {
    for (uint64_t i = 0; i < 4; ++i)
        idx.insert(extent(1, i * 8, 8, 5, i * 8));
    EXPECT_EQ(idx.insert(extent(1, 0, 32, 6)), 32u);
    EXPECT_EQ(idx.size(), 1u);
}

TEST_F(ExtentIndexTest, OtherInodesAreUntouched) {
    idx.insert(extent(1, 0, 16, 5));
    idx.insert(extent(2, 0, 16, 6));
    idx.insert(extent(1, 0, 16, 7));
    ASSERT_EQ(idx.lookup(2, 0, 16).size(), 1u);
    EXPECT_EQ(idx.lookup(2, 0, 16)[0].ptrs[0].offset, 6u * kBucketSize);
}

TEST_F(ExtentIndexTest, LookupCutsToTheRange) {
    idx.insert(extent(1, 0, 32, 5));
    const auto got = idx.lookup(1, 4, 8);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].start(), 4u);
    EXPECT_EQ(got[0].size, 8u);
    EXPECT_EQ(got[0].ptrs[0].offset, 5u * kBucketSize + 4);
    EXPECT_TRUE(idx.lookup(1, 32, 8).empty());
}

TEST_F(ExtentIndexTest, EraseRemovesOnlyTheRange) {
    idx.insert(extent(1, 0, 32, 5));
    EXPECT_EQ(idx.erase(1, 8, 8), 8u);
    EXPECT_EQ(idx.erase(1, 8, 8), 0u);
    EXPECT_EQ(idx.size(), 2u);
    EXPECT_TRUE(idx.lookup(1, 8, 8).empty());
    EXPECT_EQ(idx.erase(1, 0, 100), 24u);
    EXPECT_EQ(idx.size(), 0u);
}

TEST_F(ExtentIndexTest, ReplaceOnlyWhileTheOldKeyIsThere) {
    const Extent old = extent(1, 0, 16, 5);
    idx.insert(old);
    Extent neu = extent(1, 0, 8, 9);
    EXPECT_TRUE(idx.replace(old, neu));
    EXPECT_EQ(idx.lookup(1, 0, 8)[0].ptrs[0].offset, 9u * kBucketSize);
    // The back half still matches `old` shifted, so a second piece goes in too.
    EXPECT_TRUE(idx.replace(old, extent(1, 8, 8, 9, 8)));
    // Once overwritten, the old key guards nothing any more.
    EXPECT_FALSE(idx.replace(old, extent(1, 0, 8, 10)));
    EXPECT_FALSE(idx.replace(old, extent(1, 8, 16, 10))); // not inside `old`
}

// A random workload against a per-sector model: after every insert or erase each sector
// maps to the device sector of the newest write covering it. Splits are fed on demand.
TEST_F(ExtentIndexTest, RandomOverwritesMatchASectorModel) {
    ExtentIndex small(small_nodes(6));
    uint64_t next_node = 900;
    small.init_root(ptr(next_node++));
    std::map<std::pair<uint64_t, uint64_t>, uint64_t> model; // (inode, sector) -> dev sector
    std::mt19937_64 rng(42);
    for (int step = 0; step < 3000; ++step) {
        const uint64_t inode = 1 + rng() % 3;
        const uint64_t start = rng() % 480;
        const uint32_t len = 1 + rng() % 40;
        if (rng() % 8 == 0) {
            small.erase(inode, start, len);
            for (uint64_t s = start; s < start + len; ++s)
                model.erase({inode, s});
        } else {
            const uint64_t b = 10 + rng() % 800;
            small.insert(extent(inode, start, len, b));
            for (uint64_t s = start; s < start + len; ++s)
                model[{inode, s}] = b * kBucketSize + (s - start);
        }
        split_overfull(small, next_node);
        ASSERT_EQ(small.nodes_needed(), 0u);
    }
    EXPECT_TRUE(small.validate().empty());
    EXPECT_GE(small.height(), 3u);
    size_t sectors = 0;
    small.for_each([&](const Extent& e) {
        for (uint64_t s = e.start(); s < e.offset; ++s) {
            ++sectors;
            ASSERT_EQ(model.at({e.inode, s}), e.ptrs[0].offset + (s - e.start()));
        }
    });
    EXPECT_EQ(sectors, model.size());
    for (uint64_t inode = 1; inode <= 3; ++inode)
        for (const Extent& e : small.lookup(inode, 100, 200))
            for (uint64_t s = e.start(); s < e.offset; ++s)
                EXPECT_EQ(model.at({inode, s}), e.ptrs[0].offset + (s - e.start()));
}

TEST_F(ExtentIndexTest, ReinsertedRangesMatchASectorModel) {
    // A replay's pattern: whole objects inserted again over their own stale keys (the
    // in-place overwrite), mixed with keys that straddle objects and leaf boundaries (the
    // general path). Sectors, pointers, the returned counts and the dirty counts must be
    // what the sector model says, and the observer must hear every key.
    struct Heard final : IndexObserver {
        size_t keys = 0;
        void on_leaf_key(uint32_t, const Extent&) override { ++keys; }
        void on_node_created(uint32_t) override {}
        void on_node_retired(uint32_t, const Ptr&, uint32_t, std::span<const uint32_t>) override {}
    } heard;
    ExtentIndex small(small_nodes(6));
    small.set_observer(&heard);
    uint64_t next_node = 900;
    small.init_root(ptr(next_node++));
    struct Sector {
        uint64_t dev_sector;
        bool dirty;
    };
    std::map<std::pair<uint64_t, uint64_t>, Sector> model;
    std::mt19937_64 rng(7);
    size_t pieces = 0;
    for (int step = 0; step < 2000; ++step) {
        const uint64_t inode = 1 + rng() % 2;
        uint64_t start = 8 * (rng() % 40);
        uint32_t len = 8;
        if (rng() % 5 == 0) { // a straddling key
            start += rng() % 8;
            len = 1 + static_cast<uint32_t>(rng() % 20);
        }
        const uint64_t b = 10 + rng() % 800;
        const bool dirty = rng() % 3 == 0;
        uint64_t want_removed = 0, want_dirty = 0;
        for (uint64_t s = start; s < start + len; ++s) {
            auto it = model.find({inode, s});
            if (it != model.end()) {
                ++want_removed;
                want_dirty += it->second.dirty;
            }
            model[{inode, s}] = Sector{b * kBucketSize + (s - start), dirty};
        }
        size_t leaves = 0;
        small.for_each_leaf_piece(inode, start, start + len,
                                  [&](uint32_t, uint64_t, uint64_t) { ++leaves; });
        pieces += leaves;
        uint64_t dirty_removed = 99;
        ASSERT_EQ(small.insert(extent(inode, start, len, b, 0, dirty), &dirty_removed), want_removed);
        ASSERT_EQ(dirty_removed, want_dirty);
        split_overfull(small, next_node);
    }
    EXPECT_EQ(heard.keys, pieces);
    EXPECT_TRUE(small.validate().empty());
    size_t sectors = 0;
    small.for_each([&](const Extent& e) {
        for (uint64_t s = e.start(); s < e.offset; ++s) {
            ++sectors;
            const Sector& m = model.at({e.inode, s});
            ASSERT_EQ(m.dev_sector, e.ptrs[0].offset + (s - e.start()));
            ASSERT_EQ(m.dirty, e.dirty);
        }
    });
    EXPECT_EQ(sectors, model.size());
}

TEST_F(ExtentIndexTest, MarkedKeysAreTheUnwrittenSetOfTheirLeaf) {
    // The on-disk btree's unwritten bset of a leaf, an ExtentSet of every piece the leaf
    // heard since its last write, must hold exactly the leaf's marked keys (besides the
    // erases' pointerless keys, which the leaf cannot hold) through hole inserts, in-place
    // overwrites, keys that cut, split or cover older ones, keys across leaves, erases and
    // splits; a write (take_unwritten) gives them in key order and empties both.
    struct Unwritten final : IndexObserver {
        std::map<uint32_t, ondisk::ExtentSet> sets; // leaves that keep marks
        bool keeps_unwritten(uint32_t leaf) override { return leaf % 3 != 0; }
        void on_leaf_key(uint32_t leaf, const Extent& piece) override {
            if (!keeps_unwritten(leaf))
                return;
            sets[leaf].insert(to_bkey(piece));
        }
        void on_node_created(uint32_t id) override { sets.erase(id); }
        void on_node_retired(uint32_t id, const Ptr&, uint32_t, std::span<const uint32_t>) override {
            sets.erase(id);
        }
    } heard;
    ExtentIndex small(small_nodes(6));
    small.set_observer(&heard);
    uint64_t next_node = 900;
    small.init_root(ptr(next_node++));
    using Key = std::tuple<uint64_t, uint64_t, uint32_t, bool, uint64_t>;
    auto want = [&](uint32_t leaf) {
        std::vector<Key> out;
        if (auto it = heard.sets.find(leaf); it != heard.sets.end())
            it->second.for_each([&](const ondisk::Bkey& k) {
                if (k.nptrs)
                    out.emplace_back(k.inode, k.offset, k.size, k.dirty, k.ptrs[0].offset);
            });
        return out;
    };
    auto check_leaves = [&](bool write) {
        small.for_each_node([&](uint32_t id, const IndexNode& n) {
            if (n.level)
                return;
            std::vector<Key> marked;
            for (const LeafKey& k : n.extents)
                if (k.unwritten())
                    marked.emplace_back(k.inode(), k.offset, k.size, k.dirty(), k.ptr().offset);
            ASSERT_EQ(marked, want(id)) << "leaf " << id;
            ASSERT_EQ(small.unwritten_keys(id), marked.size());
            if (!write)
                return;
            std::vector<Key> taken;
            small.take_unwritten(id, [&](const LeafKey& k) {
                taken.emplace_back(k.inode(), k.offset, k.size, k.dirty(), k.ptr().offset);
            });
            ASSERT_EQ(taken, marked);
            ASSERT_EQ(small.unwritten_keys(id), 0u);
            heard.sets.erase(id);
        });
    };
    std::mt19937_64 rng(11);
    size_t splits = 0, erases = 0;
    for (int step = 0; step < 3000; ++step) {
        const uint64_t inode = 1 + rng() % 2;
        uint64_t start = 8 * (rng() % 40);
        uint32_t len = 8;
        if (rng() % 5 == 0) { // a key that cuts, splits or covers others
            start += rng() % 8;
            len = 1 + static_cast<uint32_t>(rng() % 30);
        }
        if (rng() % 10 == 0) {
            small.erase(inode, start, len);
            ++erases;
        } else {
            small.insert(extent(inode, start, len, 10 + rng() % 800, 0, rng() % 3 == 0));
        }
        splits += small.nodes_needed() != 0;
        split_overfull(small, next_node);
        ASSERT_TRUE(small.validate().empty());
        check_leaves(rng() % 50 == 0);
    }
    EXPECT_GT(splits, 10u);
    EXPECT_GT(erases, 100u);
    EXPECT_GT(small.node_count(), 6u);
    check_leaves(true);
}

TEST_F(ExtentIndexTest, DropBadExtentsDropsWhatTheExtentPredicatesCallBad) {
    // Live keys stay; a stale gen, a pointer past its bucket's end, one outside the cache's
    // buckets and one naming no cache of a set go, as extent_invalid || extent_bad (GC's
    // rewrite predicate) says of their unpacked Extents.
    std::vector<Extent> keys;
    keys.push_back(extent(1, 0, 8, 10));
    keys.push_back(extent(1, 8, 8, 11));
    bch_inc_gen(c, bucket(11)); // stale
    keys.push_back(extent(1, 16, 8, 12, kBucketSize - 4)); // runs past the end of bucket 12
    keys.push_back(extent(1, 24, 8, 13));
    keys.back().ptrs[0].offset = kBuckets * kBucketSize; // past the last bucket
    keys.push_back(extent(1, 32, 8, 14));
    keys.back().ptrs[0].dev = MAX_CACHES_PER_SET + 1; // past PTR_DEV's caches
    keys.push_back(extent(1, 40, 8, 15, kBucketSize - 8)); // ends exactly at the bucket's end
    for (const Extent& e : keys)
        idx.insert(e);
    size_t bad = 0;
    for (const Extent& e : keys) {
        const bool want = extent_invalid(c, e) || extent_bad(c, e);
        EXPECT_EQ(leaf_key_bad(c, LeafKey::pack(e)), want) << "extent ending at " << e.offset;
        bad += want;
    }
    EXPECT_EQ(bad, 4u);
    EXPECT_EQ(idx.drop_bad_extents(c, idx.leaf_for(KeyPos{1, 1})), bad);
    const auto left = idx.lookup(1, 0, 48);
    ASSERT_EQ(left.size(), 2u);
    EXPECT_EQ(left[0].offset, 8u);
    EXPECT_EQ(left[1].offset, 48u);
    EXPECT_TRUE(idx.validate().empty());
}

TEST_F(ExtentIndexTest, AMissInsertTakesItsPlaceFromTheLookupOnlyWhileItIsCurrent) {
    for (uint64_t i = 0; i < 40; ++i)
        idx.insert(extent(1, i * 20, 10, 10 + i));
    // The lookup of the hole [100, 110) between two keys; the insert there uses its place.
    ExtentIndex::LeafHint hint;
    size_t seen = 0;
    idx.visit(1, 100, 10, [&](const LeafKey&) { return ++seen, true; }, &hint);
    EXPECT_EQ(seen, 1u); // [100, 110) is a key: overwritten in place below
    EXPECT_EQ(idx.insert(extent(1, 100, 10, 60), nullptr, &hint), 10u);
    idx.visit(1, 110, 10, [&](const LeafKey&) { return true; }, &hint);
    EXPECT_EQ(idx.insert(extent(1, 110, 10, 61), nullptr, &hint), 0u);
    // A hint the index moved on from is not used: a key before its place was erased, so
    // the place it names is one key too far.
    idx.visit(1, 130, 10, [&](const LeafKey&) { return true; }, &hint);
    idx.erase(1, 20, 10);
    EXPECT_EQ(idx.insert(extent(1, 130, 10, 63), nullptr, &hint), 0u);
    // Nor one searched for another start.
    idx.visit(1, 152, 8, [&](const LeafKey&) { return true; }, &hint);
    EXPECT_EQ(idx.insert(extent(1, 150, 10, 64), nullptr, &hint), 0u);
    EXPECT_TRUE(idx.validate().empty());
    const auto all = idx.lookup(1, 100, 60);
    std::vector<uint64_t> ends;
    for (const Extent& e : all)
        ends.push_back(e.offset);
    EXPECT_EQ(ends, (std::vector<uint64_t>{110, 120, 130, 140, 150, 160}));
    ASSERT_EQ(all.size(), 6u);
    EXPECT_EQ(all[0].ptrs[0].offset, ptr(60).offset);
    EXPECT_EQ(all[1].ptrs[0].offset, ptr(61).offset);
    EXPECT_EQ(all[3].ptrs[0].offset, ptr(63).offset);
    EXPECT_EQ(all[5].ptrs[0].offset, ptr(64).offset);
}

} // namespace
} // namespace bucketscope::testing
