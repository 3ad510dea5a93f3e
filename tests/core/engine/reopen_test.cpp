// Engine::open: a formatted device registers as a new cache (4.3), a device the engine ran
// on comes back as it was left (4.2: gens, prios, the index, the marks), after a clean stop
// and after a crash, and a copy of a kernel-written fixture opens and runs too.
#include "tests/core/engine/engine_fixture.h"

#include <algorithm>
#include <map>

#include "core/device/fault_injecting_device.h"
#include "core/device/image_file_device.h"
#include "core/inspect/inspect.h"
#include "core/ondisk/superblock.h"
#include "tests/core/ondisk/fixture_util.h"

namespace bucketscope::test {
namespace {

EngineOptions run_options(uint64_t seed) {
    EngineOptions o;
    o.seed = seed;
    return o;
}

std::unique_ptr<Engine> open_engine(Device& dev, const EngineOptions& o) {
    std::string why;
    auto e = Engine::open(dev, o, {}, &why);
    EXPECT_TRUE(e) << why;
    return e;
}

// Buckets the allocator has touched since registration started it (free lists, free_inc,
// the prio buckets it wrote): the kernel's registration refills them too, so they differ
// from what was read (acceptance.md says the same of inspect against the kernel).
bool touched_by_allocator(const Cache& ca, uint64_t b) {
    return ca.buckets[b].pin > 0 ||
           std::count(ca.prio_buckets.begin(), ca.prio_buckets.end(), b) ||
           std::count(ca.prio_last_buckets.begin(), ca.prio_last_buckets.end(), b);
}

ondisk::CacheSuperblock superblock(Device& dev) {
    auto sb = inspect::read_cache_superblock(dev, inspect::Profile::v6_2);
    EXPECT_TRUE(sb) << sb.error().to_string();
    return sb.value();
}

TEST(Reopen, AFormattedDeviceRegistersAsANewCacheAndGetsItsSuperblockRewritten) {
    auto dev = formatted_ram(1088, 8 << 10, 4096, ondisk::CacheReplacement::fifo);
    const ondisk::CacheSuperblock before = superblock(*dev);
    EXPECT_FALSE(before.cache_sync());
    auto e = open_engine(*dev, run_options(1));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->set_magic(), before.set_magic());
    EXPECT_EQ(e->options().geometry.nbuckets, 1088u);
    EXPECT_EQ(e->options().geometry.bucket_size, 16u);
    EXPECT_EQ(e->options().policy, ReplacementPolicy::Fifo) << "from the superblock";
    const ondisk::CacheSuperblock after = superblock(*dev);
    EXPECT_TRUE(after.cache_sync());
    EXPECT_EQ(after.keys, 8u);
    EXPECT_EQ(after.seq, before.seq + 1);
    EXPECT_EQ(after.version, ondisk::BCACHE_SB_VERSION_CDEV_WITH_UUID);
    EXPECT_EQ(after.uuid, before.uuid);
    EXPECT_EQ(after.set_uuid, before.set_uuid);
    EXPECT_GT(after.last_mount, 0u);
    // inspect reads it as a registered, empty cache.
    auto r = inspect::inspect_cache(*dev);
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r.value().totals.journal_seq, 1u);
    EXPECT_EQ(r.value().totals.uuids_in_use, 2u);
    EXPECT_EQ(r.value().totals.flash_volumes, 1u);
}

TEST(Reopen, AfterACleanStopGensPriosMarksAndTheIndexComeBackExactly) {
    auto dev = formatted_ram(1088, 8 << 10, 4096);
    SectorMap before;
    {
        auto e = open_engine(*dev, run_options(2));
        ASSERT_TRUE(e);
        ASSERT_EQ(e->step(40000), 40000u);
        std::string why;
        ASSERT_TRUE(e->close(&why)) << why;
        before = live_sectors(*e);
        ASSERT_GT(before.size(), 1000u);
    }
    // What the kernel would see registering it: inspect's view, reserves seeded.
    auto expect = inspect::inspect_cache(*dev);
    ASSERT_TRUE(expect) << expect.error().to_string();
    auto e = open_engine(*dev, run_options(3));
    ASSERT_TRUE(e);
    EXPECT_TRUE(e->notes().empty()) << e->notes().front();
    EXPECT_TRUE(live_sectors(*e) == before);
    const auto& want = expect.value().buckets;
    uint64_t compared = 0;
    e->with_cache_set([&](CacheSet& c) {
        const Cache& ca = *c.caches[0];
        for (uint64_t b = ca.geo.first_bucket; b < ca.geo.nbuckets; ++b) {
            if (touched_by_allocator(ca, b))
                continue;
            const Bucket& g = ca.buckets[b];
            ASSERT_EQ(g.gen, want[b].gen) << "bucket " << b;
            ASSERT_EQ(g.prio, want[b].prio) << "bucket " << b;
            ASSERT_EQ(static_cast<unsigned>(g.mark()), static_cast<unsigned>(want[b].mark))
                << "bucket " << b;
            ASSERT_EQ(g.sectors_used(), want[b].sectors_used) << "bucket " << b;
            ++compared;
        }
    });
    EXPECT_GT(compared, 1040u);
    // And it carries on.
    EXPECT_EQ(e->step(20000), 20000u);
    EXPECT_EQ(e->metrics().errors, 0u) << e->last_error();
}

TEST(Reopen, AfterACrashEveryDurableKeyIsBackAndOnlyUnwrittenGensDiffer) {
    auto dev = formatted_ram(1088, 8 << 10, 4096);
    SectorMap durable;
    std::vector<uint8_t> mem_gens, disk_gens;
    {
        auto e = open_engine(*dev, run_options(4));
        ASSERT_TRUE(e);
        ASSERT_EQ(e->step(30000), 30000u);
        ASSERT_TRUE(e->sync());
        durable = live_sectors(*e);
        e->with_cache_set([&](CacheSet& c) {
            for (const Bucket& g : c.caches[0]->buckets)
                mem_gens.push_back(g.gen);
            disk_gens = c.caches[0]->disk_gens;
        });
        // Dropped without close(): the btree holds only what its writer wrote so far.
    }
    auto e = open_engine(*dev, run_options(5));
    ASSERT_TRUE(e);
    const SectorMap back = live_sectors(*e);
    for (const auto& [sector, where] : durable) {
        auto it = back.find(sector);
        ASSERT_TRUE(it != back.end()) << "inode " << sector.first << " sector " << sector.second;
        ASSERT_EQ(it->second, where);
    }
    // Anything more is data in a bucket invalidated in memory whose new gen never reached
    // a prio set: it was not reused, so it is still there.
    for (const auto& [sector, where] : back)
        if (!durable.count(sector)) {
            const uint64_t b = std::get<0>(where) / 16;
            EXPECT_NE(mem_gens[b], disk_gens[b]) << "bucket " << b;
        }
}

// Registration reads the journal, the prio sets and the btree before it writes anything:
// a cancel during any of those reads leaves the device byte for byte as it was. Then it
// replays the journal, reported key by key of all.
TEST(Reopen, OpenReportsItsStagesAndACancelWhileReadingWritesNothing) {
    auto dev = formatted_ram(1088, 8 << 10, 4096);
    {
        auto e = open_engine(*dev, run_options(4));
        ASSERT_TRUE(e);
        ASSERT_EQ(e->step(30000), 30000u);
        ASSERT_TRUE(e->sync()); // journalled, not all in btree nodes: replay has work
    }
    const std::vector<std::byte> image = read_bytes(*dev, 0, dev->size_bytes());
    for (const std::string at : {"journal", "prio sets", "btree"}) {
        Progress cancel([&](std::string_view stage, uint64_t, uint64_t) { return stage != at; });
        std::string why;
        EXPECT_FALSE(Engine::open(*dev, run_options(5), {}, &why, &cancel)) << at;
        EXPECT_EQ(why, kCancelledMessage) << at;
        EXPECT_TRUE(read_bytes(*dev, 0, dev->size_bytes()) == image) << "a cancel at " << at;
    }

    std::map<std::string, uint64_t> reports;
    uint64_t replay_done = 0, replay_total = 0;
    Progress watch([&](std::string_view stage, uint64_t done, uint64_t total) {
        ++reports[std::string(stage)];
        if (stage == "journal replay") {
            EXPECT_GE(done, replay_done) << "replay progress never goes back";
            EXPECT_LT(done, total);
            replay_done = done;
            replay_total = total;
        }
        return true;
    });
    std::string why;
    auto e = Engine::open(*dev, run_options(5), {}, &why, &watch);
    ASSERT_TRUE(e) << why;
    for (const char* stage : {"journal", "prio sets", "btree", "journal replay"})
        EXPECT_GT(reports[stage], 0u) << stage;
    EXPECT_GT(replay_total, 0u);
    EXPECT_FALSE(watch.cancelled());
}

TEST(Reopen, ACopyOfAKernelFixtureOpensRunsAndReopens) {
    const auto image = testutil::scratch_copy(testutil::fixture_image("kernel-clean"), "engine");
    SectorMap kernel_view;
    {
        auto opened = ImageFileDevice::open(image.string(), OpenMode::read_write);
        ASSERT_TRUE(opened) << opened.status.message;
        auto expect = inspect::inspect_cache(*opened.device);
        ASSERT_TRUE(expect) << expect.error().to_string();
        auto e = open_engine(*opened.device, run_options(6));
        ASSERT_TRUE(e);
        EXPECT_GT(live_sectors(*e).size(), 1000u) << "the kernel's extents are in the index";
        e->with_cache_set([&](CacheSet& c) {
            const Cache& ca = *c.caches[0];
            EXPECT_EQ(ca.geo.bucket_size, 64u);
            for (uint64_t b = ca.geo.first_bucket; b < ca.geo.nbuckets; ++b) {
                // A leaf the journal replay filled is split, as bch_btree_insert_node would:
                // its old bucket is freed with a new gen.
                const bool node_freed = expect.value().buckets[b].mark == inspect::Mark::metadata &&
                                        ca.buckets[b].mark() != GcMark::Metadata;
                if (!touched_by_allocator(ca, b) && !node_freed) {
                    ASSERT_EQ(ca.buckets[b].gen, expect.value().buckets[b].gen) << "bucket " << b;
                }
            }
        });
        // Every journal entry is two fdatasyncs on an image file: keep the run short.
        ASSERT_EQ(e->step(3000), 3000u);
        EXPECT_GT(e->metrics().writes, 20u);
        std::string why;
        ASSERT_TRUE(e->close(&why)) << why;
        kernel_view = live_sectors(*e);
    }
    auto opened = ImageFileDevice::open(image.string(), OpenMode::read_write);
    ASSERT_TRUE(opened);
    auto r = inspect::inspect_cache(*opened.device);
    ASSERT_TRUE(r) << r.error().to_string();
    auto e = open_engine(*opened.device, run_options(7));
    ASSERT_TRUE(e);
    EXPECT_TRUE(live_sectors(*e) == kernel_view);
}

} // namespace
} // namespace bucketscope::test

namespace bucketscope::test {
namespace {

TEST(Reopen, DiscardsReachTheDeviceWhenTheSuperblockAsksForThem) {
    auto dev = formatted_ram(1088, 8 << 10, 4096);
    {
        // format --discard sets CACHE_DISCARD; here the setting overrides it on open.
        std::string why;
        auto e = Engine::open(*dev, run_options(8), DeviceSettings{std::nullopt, true}, &why);
        ASSERT_TRUE(e) << why;
        ASSERT_EQ(e->step(20000), 20000u);
        EXPECT_GT(e->metrics().discards, 10u);
        EXPECT_EQ(dev->discards(), e->metrics().discards);
        ASSERT_TRUE(e->close(&why)) << why;
    }
    EXPECT_TRUE(superblock(*dev).cache_discard()) << "written back to the superblock";
}

TEST(Reopen, TheInvariantCheckerHoldsOnAReopenedCrashedCache) {
    auto dev = formatted_ram(1088, 8 << 10, 4096);
    {
        auto e = open_engine(*dev, run_options(9));
        ASSERT_TRUE(e);
        ASSERT_EQ(e->step(15000), 15000u);
    }
    EngineOptions o = run_options(10);
    o.check_invariants = true;
    o.check_index_every = 16;
    auto e = open_engine(*dev, o);
    ASSERT_TRUE(e);
    ASSERT_EQ(e->step(20000), 20000u);
    const auto v = e->violations();
    EXPECT_TRUE(v.empty()) << v.size() << " violations, first: " << v.front();
}

TEST(Reopen, AWriteErrorStopsAllocatingAndIsReported) {
    auto dev = formatted_ram(1088, 8 << 10, 4096);
    FaultInjectingDevice fault(*dev);
    auto e = open_engine(fault, run_options(11));
    ASSERT_TRUE(e);
    ASSERT_EQ(e->step(2000), 2000u);
    fault.stop_after_writes(fault.writes() + 5);
    e->step(20000);
    EXPECT_NE(e->last_error().find("(injected)"), std::string::npos) << e->last_error();
    EXPECT_EQ(e->last_error().rfind(dev->name() + ": ", 0), 0u) << "names the device";
    bool disabled = false;
    e->with_cache_set([&](CacheSet& c) { disabled = c.io_disable; });
    EXPECT_TRUE(disabled) << "CACHE_SET_IO_DISABLE";
    const uint64_t allocs = e->metrics().total_allocations();
    const uint64_t writes = e->metrics().writes;
    EXPECT_EQ(e->step(1000), 0u) << "every task has stopped";
    EXPECT_EQ(e->metrics().total_allocations(), allocs);
    EXPECT_EQ(e->metrics().writes, writes);
    std::string why;
    EXPECT_FALSE(e->close(&why));
    EXPECT_FALSE(why.empty());
}

} // namespace
} // namespace bucketscope::test
