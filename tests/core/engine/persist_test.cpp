// The engine's btree and journal on disk: what the kernel's reader (core/inspect) finds on
// the device maps every sector exactly as the engine's index does, at any moment of a
// run, and inspect reads the whole image like a kernel-written one.
#include "core/inspect/btree_check.h"
#include "core/inspect/inspect.h"
#include "core/inspect/journal_read.h"
#include "core/inspect/prio_read.h"
#include "core/ondisk/le.h"
#include "core/ondisk/superblock.h"
#include "core/workload/request_source.h"
#include "tests/core/engine/engine_fixture.h"

#include <map>
#include <tuple>

namespace bucketscope::test {
namespace {

// A superblock that names the engine's set (set_magic is the set uuid's first 8 bytes), as
// the engine's own registration would have left it on a formatted device.
ondisk::CacheSuperblock superblock_of(EngineRig& rig, const EngineOptions& o) {
    ondisk::CacheSuperblock sb;
    sb.version = ondisk::BCACHE_SB_VERSION_CDEV_WITH_UUID;
    for (size_t i = 0; i < 16; ++i) {
        sb.uuid[i] = static_cast<uint8_t>(0x11 + i);
        sb.set_uuid[i] = static_cast<uint8_t>(0x55 + i);
    }
    ondisk::store_le<uint64_t>(std::as_writable_bytes(std::span(sb.set_uuid)), 0, rig->set_magic());
    sb.nbuckets = o.geometry.nbuckets;
    sb.block_size = o.geometry.block_size;
    sb.bucket_size = static_cast<uint16_t>(o.geometry.bucket_size);
    sb.first_bucket = o.geometry.first_bucket;
    rig->with_cache_set([&](CacheSet& c) { sb.keys = c.caches[0]->geo.njournal_buckets; });
    for (uint16_t i = 0; i < sb.keys; ++i)
        sb.d[i] = sb.first_bucket + i;
    sb.set_cache_sync(true);
    return sb;
}

using SectorMap = std::map<std::pair<uint64_t, uint64_t>, std::tuple<uint64_t, uint8_t, bool>>;

void add(SectorMap& m, uint64_t inode, uint64_t start, uint32_t size, uint64_t phys, uint8_t gen,
         bool dirty) {
    for (uint32_t i = 0; i < size; ++i)
        m[{inode, start + i}] = {phys + i, gen, dirty};
}

// Every sector the engine's index maps to a live pointer, and every sector the on-disk
// btree plus journal replay maps to one, read as registration does. Stale keys may differ:
// GC drops them from the index while an older journal entry still replays them, which
// makes them come back exactly as stale as they went.
struct Views {
    SectorMap memory, disk;
    std::string error;
};

Views views(EngineRig& rig, const EngineOptions& o, bool replay = true) {
    Views v;
    std::vector<uint8_t> gens;
    rig->with_state([&](CacheSet& c, ExtentIndex& idx, const GcRoots&) {
        for (const Bucket& b : c.caches[0]->buckets)
            gens.push_back(b.gen);
        idx.for_each([&](const Extent& k) {
            if (!ptr_stale(c, k.ptrs[0]))
                add(v.memory, k.inode, k.start(), k.size, k.ptrs[0].offset, k.ptrs[0].gen, k.dirty);
        });
    });
    const ondisk::CacheSuperblock sb = superblock_of(rig, o);
    Device& dev = *rig.devices[0];
    auto journal = inspect::read_journal(dev, sb);
    if (!journal) {
        v.error = journal.error().to_string();
        return v;
    }
    const auto& newest = journal.value().newest();
    inspect::BucketTable table(sb, inspect::Profile::v6_2);
    auto prios = inspect::read_prios(dev, sb, newest.jset.prio_bucket[0], inspect::Profile::v6_2,
                                     table.buckets());
    if (!prios) {
        v.error = prios.error().to_string();
        return v;
    }
    ondisk::ExtentSet leaves;
    auto btree = inspect::check_btree(dev, sb, table, newest.jset.btree_root,
                                      newest.jset.btree_level, newest.device_offset, leaves);
    if (!btree) {
        v.error = btree.error().to_string();
        return v;
    }
    if (replay)
        for (const auto& e : journal.value().replay)
            for (const ondisk::Bkey& k : e.jset.keys)
                leaves.insert(k);
    for (const ondisk::Bkey& k : leaves.keys())
        if (k.nptrs && !gen_after(gens[k.ptrs[0].offset / o.geometry.bucket_size], k.ptrs[0].gen))
            add(v.disk, k.inode, k.start(), k.size, k.ptrs[0].offset, k.ptrs[0].gen, k.dirty);
    return v;
}

void write_superblock(EngineRig& rig, const EngineOptions& o) {
    const auto bytes = ondisk::encode_superblock(superblock_of(rig, o));
    ASSERT_TRUE(rig.devices[0]->write(ondisk::SB_OFFSET, bytes).is_ok());
}

struct Geometry {
    KernelProfile profile;
    uint32_t bucket_size;
    uint16_t block_size;
};

class PersistGeometry : public ::testing::TestWithParam<Geometry> {};

// Runs `rounds` slices of `steps` engine steps; after each, once every inserted key is
// durable, the on-disk btree plus the journal must map every sector as the index does.
void expect_disk_follows_index(EngineRig& rig, const EngineOptions& o, int rounds, uint64_t steps,
                               size_t min_extents) {
    for (int round = 0; round < rounds; ++round) {
        ASSERT_EQ(rig->step(steps), steps) << "round " << round;
        // Keys inserted but not yet journalled are in memory only; sync() makes them
        // durable without letting the workload insert more.
        ASSERT_TRUE(rig->sync());
        const Views v = views(rig, o);
        ASSERT_TRUE(v.error.empty()) << "round " << round << ": " << v.error;
        EXPECT_GT(v.memory.size(), min_extents);
        ASSERT_EQ(v.memory.size(), v.disk.size()) << "round " << round;
        EXPECT_TRUE(v.memory == v.disk) << "round " << round;
    }
}

// After a clean stop the btree alone holds everything: nothing is left to replay.
void expect_clean_close_leaves_all_in_btree(EngineRig& rig, const EngineOptions& o) {
    std::string why;
    ASSERT_TRUE(rig->close(&why)) << why;
    const Views v = views(rig, o, /*replay=*/false);
    ASSERT_TRUE(v.error.empty()) << v.error;
    EXPECT_TRUE(v.memory == v.disk);
}

TEST_P(PersistGeometry, DiskBtreePlusJournalMapsEverySectorAsTheIndexDoes) {
    EngineOptions o = small_options(1088, GetParam().bucket_size, GetParam().profile);
    o.geometry.block_size = GetParam().block_size;
    o.seed = 11;
    auto rig = make_rig(o);
    expect_disk_follows_index(rig, o, 6, 7000, 1000);
    if (HasFatalFailure())
        return;
    const EngineMetrics m = rig->metrics();
    EXPECT_GT(m.btree_replacements, 2u) << "splits and rewrites happened";
    EXPECT_GT(m.btree_writes, m.btree_replacements);
    EXPECT_EQ(m.errors, 0u) << rig->last_error();

    expect_clean_close_leaves_all_in_btree(rig, o);
    if (HasFatalFailure())
        return;
    const ondisk::CacheSuperblock sb = superblock_of(rig, o);
    auto journal = inspect::read_journal(*rig.devices[0], sb);
    ASSERT_TRUE(journal);
    EXPECT_EQ(journal.value().replay.size(), 1u) << "last_seq == seq";
    EXPECT_TRUE(journal.value().newest().jset.keys.empty());
}

TEST(Persist, WithDiscardsTheDiskBtreeStillMapsEverySectorAsTheIndexDoes) {
    // Discards put pointerless keys into the leaves' unwritten bsets, which the leaves
    // cannot hold as marks: the btree store then keeps those leaves' unwritten keys in a
    // list of their own until the next write.
    EngineOptions o = small_options(1088, 16);
    o.seed = 5;
    o.source = workload::make_workload_source("zipf:span=24M,size=4K-64K,read=40,discard=15", 5);
    auto rig = make_rig(o);
    expect_disk_follows_index(rig, o, 6, 6000, 500);
    if (HasFatalFailure())
        return;
    const EngineMetrics m = rig->metrics();
    EXPECT_GT(m.btree_writes, m.btree_replacements);
    EXPECT_EQ(m.errors, 0u) << rig->last_error();
    expect_clean_close_leaves_all_in_btree(rig, o);
}

INSTANTIATE_TEST_SUITE_P(Geometries, PersistGeometry,
                         ::testing::Values(Geometry{KernelProfile::V6_2, 16, 8},
                                           Geometry{KernelProfile::V6_2, 8, 8},
                                           Geometry{KernelProfile::V6_2, 64, 1},
                                           Geometry{KernelProfile::V4_6, 32, 8}));

TEST(Persist, InspectReadsTheEngineImageLikeAKernelOne) {
    EngineOptions o = small_options(1088, 16);
    o.seed = 12;
    auto rig = make_rig(o);
    ASSERT_EQ(rig->step(30000), 30000u);
    // Step 30000 may fall inside a prio write, between its buckets and the journal entry
    // naming them; sync() lets that entry land (as a clean point to inspect from).
    ASSERT_TRUE(rig->sync());
    write_superblock(rig, o);
    auto r = inspect::inspect_cache(*rig.devices[0]);
    ASSERT_TRUE(r) << r.error().to_string();
    const inspect::InspectReport& rep = r.value();
    EXPECT_FALSE(rep.never_registered);
    EXPECT_EQ(rep.totals.journal_seq, rig->journal_seq());
    EXPECT_GT(rep.totals.extents.extents, 100u);
    EXPECT_GT(rep.totals.btree.nodes, 1u);
    // Every gen the prio sets hold is what the engine counts as durable.
    rig->with_cache_set([&](CacheSet& c) {
        const Cache& ca = *c.caches[0];
        ASSERT_EQ(rep.prio_chain, ca.prio_buckets);
    });
}

} // namespace
} // namespace bucketscope::test
