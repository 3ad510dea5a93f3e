// The first registration of a fresh cache (allocator-semantics.md 4.3, bcache-ondisk.md
// 1.7 and 3.2), checked on what the engine wrote to the device.
#include <algorithm>

#include "tests/core/engine/engine_fixture.h"

#include "core/ondisk/bkey.h"
#include "core/ondisk/bset.h"

namespace bucketscope::test {
namespace {

EngineOptions no_workload(uint64_t nbuckets, uint32_t bucket_size,
                          KernelProfile p = KernelProfile::V6_2) {
    EngineOptions o = small_options(nbuckets, bucket_size, p);
    o.workload.processes = 0;
    return o;
}

TEST(Registration, JournalBucketsAreFirstBucketOnwardAndMetadata) {
    auto rig = make_rig(no_workload(1088, 16));
    rig->with_state([](CacheSet& c, ExtentIndex&, const GcRoots& roots) {
        const Cache& ca = *c.caches[0];
        EXPECT_EQ(ca.geo.njournal_buckets, 8u); // 1088 >> 7
        ASSERT_EQ(roots.journal_buckets.size(), 1u);
        ASSERT_EQ(roots.journal_buckets[0].size(), 8u);
        for (unsigned i = 0; i < 8; ++i) {
            EXPECT_EQ(roots.journal_buckets[0][i], 1u + i);
            EXPECT_EQ(ca.buckets[1 + i].mark(), GcMark::Metadata) << "journal bucket " << 1 + i;
        }
        EXPECT_TRUE(c.sync);
    });
}

TEST(Registration, JournalKeysClampBetween2And256) {
    // 640 buckets: 640 >> 7 = 5 (bcache-ondisk.md 1.7).
    auto rig = make_rig(no_workload(640, 16));
    rig->with_cache_set([](CacheSet& c) { EXPECT_EQ(c.caches[0]->geo.njournal_buckets, 5u); });
    // 33000 >> 7 = 257 clamps to 256. Tiny buckets keep the RAM device small.
    EngineOptions o = no_workload(33000, 2);
    o.geometry.block_size = 1;
    auto big = make_rig(o);
    big->with_cache_set([](CacheSet& c) { EXPECT_EQ(c.caches[0]->geo.njournal_buckets, 256u); });
}

TEST(Registration, FirstJsetIsSeqOneInSecondJournalBucket) {
    const EngineOptions o = no_workload(1088, 16);
    auto rig = make_rig(o);
    EXPECT_EQ(rig->journal_seq(), 1u);
    CacheGeometry g = o.geometry;
    uint64_t bucket = 0;
    const auto j = newest_jset(*rig.devices[0], g, 8, rig->set_magic(), &bucket);
    ASSERT_TRUE(j);
    EXPECT_EQ(j->seq, 1u);
    EXPECT_EQ(j->last_seq, 1u);
    EXPECT_EQ(bucket, 2u) << "d[1], not d[0]: the free-block count starts at 0";
    // d[0] holds nothing.
    const auto d0 = read_bytes(*rig.devices[0], 1 * g.bucket_bytes(), g.bucket_bytes());
    EXPECT_TRUE(std::all_of(d0.begin(), d0.end(), [](std::byte b) { return b == std::byte{0}; }));

    rig->with_state([&](CacheSet& c, ExtentIndex& idx, const GcRoots& roots) {
        const Cache& ca = *c.caches[0];
        EXPECT_EQ(j->prio_bucket[0], ca.prio_buckets[0]);
        ASSERT_EQ(roots.uuid_ptrs.size(), 1u);
        EXPECT_EQ(j->uuid_bucket.ptrs[0].offset, roots.uuid_ptrs[0].offset);
        const RootKey root = idx.root_key();
        EXPECT_EQ(j->btree_root.ptrs[0].offset, root.ptr.offset);
        EXPECT_EQ(j->btree_root.ptrs[0].gen, root.ptr.gen);
        EXPECT_EQ(j->btree_root.inode, MAX_KEY_INODE);
        EXPECT_EQ(j->btree_root.offset, MAX_KEY_OFFSET);
        EXPECT_EQ(j->btree_level, 0u);
        // The metadata buckets the jset names are METADATA and unpinned.
        for (uint64_t b : std::initializer_list<uint64_t>{ca.prio_buckets[0], ptr_bucket(ca, roots.uuid_ptrs[0]),
                           ptr_bucket(ca, root.ptr)}) {
            EXPECT_EQ(ca.buckets[b].mark(), GcMark::Metadata) << "bucket " << b;
            EXPECT_EQ(ca.buckets[b].pin, 0) << "bucket " << b;
        }
    });
}

TEST(Registration, RootIsAnEmptyLeafNodeOnDisk) {
    const EngineOptions o = no_workload(1088, 16);
    auto rig = make_rig(o);
    rig->with_state([&](CacheSet&, ExtentIndex& idx, const GcRoots&) {
        const RootKey root = idx.root_key();
        const uint64_t block_bytes = uint64_t(o.geometry.block_size) << 9;
        const auto buf = read_bytes(*rig.devices[0], root.ptr.offset << 9, uint64_t(root.size) << 9);
        const auto node = ondisk::decode_btree_node(
            buf, rig->set_magic(), ondisk::make_ptr(root.ptr.gen, root.ptr.offset, root.ptr.dev),
            block_bytes, root.ptr.offset << 9);
        ASSERT_TRUE(node) << node.error().to_string();
        ASSERT_EQ(node.value().bsets.size(), 1u);
        EXPECT_TRUE(node.value().bsets[0].keys.empty());
        EXPECT_EQ(node.value().bsets[0].version, 1u);
    });
}

TEST(Registration, FirstPrioSetIsDurableAndPackedBeforeItsOwnAllocation) {
    const EngineOptions o = no_workload(1088, 16);
    auto rig = make_rig(o);
    rig->with_cache_set([&](CacheSet& c) {
        const Cache& ca = *c.caches[0];
        ASSERT_EQ(ca.prio_buckets.size(), 1u);
        const uint64_t pb = ca.prio_buckets[0];
        EXPECT_EQ(ca.buckets[pb].prio, BTREE_PRIO);
        const auto buf = read_bytes(*rig.devices[0], pb * o.geometry.bucket_bytes(),
                                    ca.geo.prio_buffer_bytes(c.profile));
        const auto ps = ondisk::decode_prio_set(buf, rig->set_magic(), pb * o.geometry.bucket_bytes());
        ASSERT_TRUE(ps) << ps.error().to_string();
        EXPECT_EQ(ps.value().seq, 1u);
        EXPECT_EQ(ps.value().next_bucket, 0u) << "prio_last_buckets[0] is 0 on the first write";
        // Own entry: the prio it had before bch_bucket_alloc (INITIAL_PRIO from invalidation).
        EXPECT_EQ(ps.value().entries[pb].prio, INITIAL_PRIO);
        for (uint64_t b = 0; b < ca.geo.nbuckets; ++b) {
            EXPECT_EQ(ps.value().entries[b].gen, ca.buckets[b].gen) << "bucket " << b;
            EXPECT_EQ(ca.disk_gens[b], ca.buckets[b].gen) << "bucket " << b;
        }
    });
}

TEST(Registration, InitialGcSeedsPrioThenBtreeReserves) {
    auto rig = make_rig(no_workload(1088, 16));
    const auto& seeded = rig->initial_seeded();
    ASSERT_EQ(seeded.size(), 1u);
    // free[PRIO] (capacity 1) and free[BTREE] (capacity 7 on the first registration).
    EXPECT_EQ(seeded[0].size(), 8u);
    rig->with_cache_set([&](CacheSet& c) {
        const Cache& ca = *c.caches[0];
        EXPECT_EQ(ca.free[RESERVE_BTREE].capacity(), 7u);
        for (uint64_t b : seeded[0]) {
            EXPECT_GE(b, 9u) << "seeded buckets come after the journal";
            EXPECT_GE(ca.buckets[b].gen, 1u);
        }
    });
}

TEST(Registration, MultiBucketPrioChainLinksNextBuckets) {
    // 8 KiB buckets hold (8192 - 40) / 3 = 2717 entries: 6000 buckets need 3 prio buckets.
    const EngineOptions o = no_workload(6000, 16);
    auto rig = make_rig(o);
    rig->with_cache_set([&](CacheSet& c) {
        const Cache& ca = *c.caches[0];
        ASSERT_EQ(ca.prio_buckets.size(), 3u);
        for (size_t i = 0; i < 3; ++i) {
            const uint64_t pb = ca.prio_buckets[i];
            const auto buf = read_bytes(*rig.devices[0], pb * o.geometry.bucket_bytes(),
                                        ca.geo.prio_buffer_bytes(c.profile));
            const auto ps = ondisk::decode_prio_set(buf, rig->set_magic(), 0);
            ASSERT_TRUE(ps) << ps.error().to_string();
            const uint64_t expect_next = i + 1 < 3 ? ca.prio_buckets[i + 1] : 0;
            EXPECT_EQ(ps.value().next_bucket, expect_next) << "chunk " << i;
        }
    });
}

TEST(Registration, V46CacheSetOfThreeCaches) {
    EngineOptions o = no_workload(1088, 16, KernelProfile::V4_6);
    o.ncaches = 3;
    auto rig = make_rig(o);
    rig->with_cache_set([&](CacheSet& c) {
        ASSERT_EQ(c.caches.size(), 3u);
        for (size_t i = 0; i < 3; ++i) {
            const Cache& ca = *c.caches[i];
            EXPECT_EQ(ca.geo.nr_this_dev, i);
            EXPECT_NE(ca.prio_buckets[0], 0u);
            const auto j = newest_jset(*rig.devices[i], ca.geo, 8, rig->set_magic());
            ASSERT_TRUE(j) << "cache " << i;
            EXPECT_EQ(j->seq, 1u);
            for (size_t k = 0; k < 3; ++k)
                EXPECT_EQ(j->prio_bucket[k], c.caches[k]->prio_buckets[0]);
        }
    });
}

TEST(Registration, V46CacheSetCountsTheBucketsOfEveryCache) {
    // run_cache_set adds up every cache's nbuckets: GC's in_use percentage, sectors_to_gc
    // and the rescale budget are of the whole set. With one cache's count, in_use went
    // below zero (a wrapped unsigned far above 100) and every request was bypassed.
    EngineOptions o = small_options(1088, 16, KernelProfile::V4_6);
    o.ncaches = 3;
    auto rig = make_rig(o);
    rig->with_cache_set([&](CacheSet& c) { EXPECT_EQ(c.nbuckets, 3u * 1088u); });
    uint64_t gc_runs = 0;
    for (int i = 0; i < 200 && gc_runs < 3; ++i) {
        rig->step(5000);
        const EngineMetrics m = rig->metrics();
        gc_runs = m.gc_runs;
        EXPECT_LE(m.in_use_percent, 100u) << "after " << m.gc_runs << " GC runs";
    }
    EXPECT_GE(gc_runs, 3u);
}

TEST(Registration, RefusesWhatTheKernelRefuses) {
    std::string why;
    RamDevice dev(512 * 16 * 512);
    EXPECT_FALSE(Engine::create({&dev}, small_options(512, 16), &why));
    EXPECT_NE(why.find("512"), std::string::npos) << why;

    EngineOptions two = small_options(1088, 16);
    two.ncaches = 2;
    RamDevice a(1088 * 16 * 512), b(1088 * 16 * 512);
    EXPECT_FALSE(Engine::create({&a, &b}, two, &why));
    EXPECT_NE(why.find("v6.2"), std::string::npos) << why;

    EngineOptions odd = small_options(1088, 24);
    RamDevice c(1088 * 24 * 512);
    EXPECT_FALSE(Engine::create({&c}, odd, &why));
    EXPECT_NE(why.find("bucket_size"), std::string::npos) << why;

    RamDevice tiny(4096);
    EXPECT_FALSE(Engine::create({&tiny}, small_options(1088, 16), &why));
    EXPECT_NE(why.find("bytes"), std::string::npos) << why;
}

} // namespace
} // namespace bucketscope::test
