// The request path against closed-form expectations and the kernel's rules: a cache
// larger than the working set ends up serving every read, a cyclic scan larger than the
// cache never hits under FIFO, sequential streams bypass at sequential_cutoff, writearound
// writes invalidate, writeback dirties buckets and the writeback task cleans them, partial
// hits insert only the first hole; and the deferred rescale reproduces the kernel's walk
// event for event.
#include <gtest/gtest.h>

#include <memory>
#include <utility>

#include "core/engine/engine.h"
#include "core/ondisk/bkey.h"
#include "core/workload/generator.h"
#include "core/workload/ram_target.h"
#include "core/workload/replay.h"
#include "core/workload/request_source.h"
#include "tests/core/engine/engine_fixture.h"

namespace bucketscope::test {
namespace {

using workload::Op;
using workload::Request;

// A fixed list of requests, after `warmup` flushes that let the allocator fill the free
// lists registration emptied (a cache-miss insert that finds no bucket gives up).
class ListSource final : public workload::RequestSource {
  public:
    explicit ListSource(std::vector<Request> r, unsigned warmup = 64) : reqs_(std::move(r)) {
        reqs_.insert(reqs_.begin(), warmup, Request{0, Op::Flush, 0, 0, 0, 0});
    }
    bool next(Request& out) override {
        if (taken_ >= reqs_.size())
            return false;
        out = reqs_[taken_++];
        return true;
    }
    double progress() const override { return reqs_.empty() ? 1.0 : double(taken_) / double(reqs_.size()); }

  private:
    std::vector<Request> reqs_;
};

Request req(Op op, uint64_t offset, uint64_t length, uint32_t process = 0) {
    Request r;
    r.op = op;
    r.offset = offset;
    r.length = length;
    r.process = process;
    return r;
}

// An engine on a RAM target of `nbuckets` buckets of 64 KiB and 4 KiB blocks.
struct Rig {
    workload::CacheTarget target;
    std::unique_ptr<Engine> engine;
    std::shared_ptr<workload::RequestSource> source;

    Rig(std::shared_ptr<workload::RequestSource> src, EngineOptions o, uint64_t nbuckets = 1088,
        ReplacementPolicy policy = ReplacementPolicy::Fifo, uint64_t bucket_bytes = 64 * 1024)
        : source(std::move(src)) {
        workload::RamTargetOptions ro;
        ro.size_bytes = nbuckets * bucket_bytes;
        ro.bucket_bytes = bucket_bytes;
        ro.block_bytes = 4096;
        ro.policy = policy;
        const Status s = workload::make_ram_target(ro, target);
        EXPECT_TRUE(s) << s.message;
        o.source = source;
        std::string why;
        engine = workload::create_engine(target, o, &why);
        EXPECT_TRUE(engine) << why;
    }
    // Steps until the source has handed out `n` requests and all of them completed.
    void run_requests(uint64_t n) {
        auto completed = [&] {
            const EngineMetrics m = engine->metrics();
            return m.reads + m.writes + m.discard_requests + m.flush_requests;
        };
        while (completed() < n && !engine->workload_done())
            ASSERT_GT(engine->step(64), 0u);
    }
    workload::ReplayResult run() { return workload::replay(*engine, *source); }
};

EngineOptions opts(CacheMode mode = CacheMode::Writethrough) {
    EngineOptions o;
    o.seed = 5;
    o.requests.cache_mode = mode;
    o.event_capacity = 1;
    return o;
}

TEST(RequestPath, ACacheLargerThanTheWorkingSetServesEveryReadAfterWarmUp) {
    // 16 MiB of 4 KiB blocks read at random on a 68 MiB cache.
    auto src = workload::make_workload_source("uniform:span=16M,size=4K,read=100", 3, 120000);
    Rig rig(std::move(src), opts());
    rig.run_requests(60000);
    const EngineMetrics warm = rig.engine->metrics();
    rig.run();
    const EngineMetrics m = rig.engine->metrics();
    const double late = double(m.cache_hits - warm.cache_hits) /
                        double(m.cache_hits + m.cache_misses - warm.cache_hits - warm.cache_misses);
    EXPECT_GT(late, 0.999) << "hits after warm-up";
    EXPECT_LT(warm.hit_ratio(), 0.99) << "the warm-up itself misses";
    EXPECT_EQ(m.errors, 0u);
}

TEST(RequestPath, RequestsOutsideTheKeySpaceAreRefusedAndTheTaskGoesOn) {
    Request past_end = req(Op::Read, UINT64_MAX - 1024, 4096);
    Request no_volume = req(Op::Write, 0, 4096);
    no_volume.device = MAX_KEY_INODE + 1;
    auto src = std::make_shared<ListSource>(
        std::vector<Request>{past_end, req(Op::Read, 0, 4096), no_volume, req(Op::Read, 0, 4096)});
    Rig rig(src, opts());
    const auto r = rig.run();
    EXPECT_FALSE(r.blocked);
    EXPECT_EQ(r.metrics.errors, 2u);
    EXPECT_NE(rig.engine->last_error().find("volumes are numbered 0.."), std::string::npos)
        << rig.engine->last_error();
    // Only the two valid reads ran: the first missed, the second hit what it inserted.
    EXPECT_EQ(r.metrics.reads, 2u);
    EXPECT_EQ(r.metrics.writes, 0u);
    EXPECT_EQ(r.metrics.cache_hits, 1u);
}

TEST(RequestPath, ACyclicScanLargerThanTheCacheNeverHitsUnderFifo) {
    // 128 MiB read in order, three times over, through a 68 MiB cache; no bypass.
    auto src = workload::make_workload_source("seq:span=128M,size=64K,read=100", 3, 3 * 2048);
    EngineOptions o = opts();
    o.requests.sequential_cutoff = 0;
    Rig rig(std::move(src), o);
    const auto r = rig.run();
    EXPECT_FALSE(r.blocked);
    EXPECT_EQ(r.metrics.reads, 3u * 2048);
    EXPECT_LT(r.metrics.hit_ratio(), 0.02);
    EXPECT_GT(r.metrics.miss_inserted_sectors, 0u) << "misses were inserted";
    EXPECT_GT(r.metrics.invalidations[size_t(ReplacementPolicy::Fifo)], 1000u);
}

TEST(RequestPath, SequentialStreamsBypassAtTheCutoffPerProcess) {
    // Two processes each read a sequential stream; their requests interleave. Small pids
    // and large ones (kept apart in a hash map rather than the flat table) alike.
    for (const auto& [pid_a, pid_b] :
         {std::pair<uint32_t, uint32_t>{1, 2}, std::pair<uint32_t, uint32_t>{70000, 4000000000u}}) {
        SCOPED_TRACE(pid_a);
        std::vector<Request> reqs;
        for (uint64_t i = 0; i < 200; ++i) {
            reqs.push_back(req(Op::Read, i * 64 * 1024, 64 * 1024, pid_a));
            reqs.push_back(req(Op::Read, (1ull << 30) + i * 64 * 1024, 64 * 1024, pid_b));
        }
        Rig rig(std::make_shared<ListSource>(reqs), opts());
        const auto m = rig.run().metrics;
        // The first 63 requests of each stream are under 4 MiB; from the 64th on they bypass.
        EXPECT_EQ(m.sequential_bypasses, 2u * (200 - 63));
        EXPECT_EQ(m.bypassed_requests, m.sequential_bypasses);
        EXPECT_EQ(m.cache_bypass_misses, 2u * (200 - 63));
        // Each 64 KiB miss fills one bucket; a cache-miss insert that finds the free list
        // empty gives up rather than wait, as bch_data_insert_start does.
        EXPECT_EQ(m.miss_inserted_sectors + m.insert_alloc_failures * 128, 2u * 63 * 128)
            << "only the misses before the cutoff are inserted";
    }

    // Random offsets never look sequential.
    auto src = workload::make_workload_source("uniform:span=1G,size=64K,read=100", 1, 2000);
    Rig random(std::move(src), opts());
    EXPECT_EQ(random.run().metrics.sequential_bypasses, 0u);
}

TEST(RequestPath, UnalignedRequestsBypass) {
    Rig rig(std::make_shared<ListSource>(std::vector<Request>{req(Op::Read, 512, 4096),
                                                               req(Op::Read, 8192, 1024)}),
            opts());
    const auto m = rig.run().metrics;
    EXPECT_EQ(m.bypassed_requests, 2u);
    EXPECT_EQ(m.miss_inserted_sectors, 0u);
}

TEST(RequestPath, PartialHitsInsertOnlyTheFirstHole) {
    // Cache [16K, 32K) and [48K, 64K), then read [0, 80K): holes [0,16K), [32K,48K),
    // [64K,80K); only the first is inserted, as cache_miss does once s->cache_miss is set.
    Rig rig(std::make_shared<ListSource>(std::vector<Request>{
                req(Op::Read, 16384, 16384), req(Op::Read, 49152, 16384), req(Op::Read, 0, 81920),
                req(Op::Read, 0, 81920)}),
            opts());
    const auto m = rig.run().metrics;
    EXPECT_EQ(m.reads, 4u);
    EXPECT_EQ(m.cache_hits, 0u);
    EXPECT_EQ(m.cache_misses, 4u);
    // 32 + 32 sectors for the first two reads, then 32 for the first hole of each big read.
    EXPECT_EQ(m.miss_inserted_sectors, 32u + 32 + 32 + 32);
    EXPECT_EQ(m.read_hit_sectors, 64u + 96);
    EXPECT_EQ(m.backing_read_sectors, 64u + 96 + 64);
}

TEST(RequestPath, WritearoundWritesInvalidateAndReadsThenMiss) {
    std::vector<Request> reqs{req(Op::Read, 0, 65536), req(Op::Read, 0, 65536),
                              req(Op::Write, 0, 65536), req(Op::Read, 0, 65536)};
    Rig rig(std::make_shared<ListSource>(reqs), opts(CacheMode::Writearound));
    const auto m = rig.run().metrics;
    EXPECT_EQ(m.cache_hits, 1u);
    EXPECT_EQ(m.cache_misses, 2u);
    EXPECT_EQ(m.invalidated_sectors, 128u);
    EXPECT_EQ(m.write_inserted_sectors, 0u);
    EXPECT_EQ(m.backing_write_sectors, 128u);
}

TEST(RequestPath, WritethroughWritesAreCachedCleanAndDiscardsDropThem) {
    std::vector<Request> reqs{req(Op::Write, 0, 65536), req(Op::Read, 0, 65536),
                              req(Op::Discard, 0, 32768), req(Op::Read, 0, 65536)};
    Rig rig(std::make_shared<ListSource>(reqs), opts());
    const auto m = rig.run().metrics;
    EXPECT_EQ(m.write_inserted_sectors, 128u);
    EXPECT_EQ(m.cache_hits, 1u);
    EXPECT_EQ(m.discard_requests, 1u);
    EXPECT_EQ(m.invalidated_sectors, 64u);
    EXPECT_EQ(m.cache_misses, 1u);
    EXPECT_EQ(m.read_hit_sectors, 128u + 64);
    EXPECT_EQ(m.dirty_sectors, 0u);
}

// Unpinned buckets marked DIRTY (open buckets keep their marks through GC).
uint64_t dirty_buckets(Engine& e) {
    uint64_t n = 0;
    e.with_cache_set([&](CacheSet& c) {
        for (const auto& b : c.caches[0]->buckets)
            n += b.mark() == GcMark::Dirty && !b.pin;
    });
    return n;
}

TEST(RequestPath, WritebackMarksBucketsDirtyUntilWrittenBack) {
    // 4 MiB of random 16 KiB writes; a writeback target of 100% keeps the writeback
    // thread at its minimum rate, so the data stays dirty.
    auto src = workload::make_workload_source("uniform:span=4M,size=16K", 2, 1000);
    EngineOptions o = opts(CacheMode::Writeback);
    o.requests.writeback_percent = 100;
    o.requests.sequential_cutoff = 0;
    Rig rig(std::move(src), o);
    const auto m = rig.run().metrics;
    EXPECT_EQ(m.writes, 1000u);
    EXPECT_GT(m.dirty_sectors, 4000u);
    EXPECT_EQ(m.backing_write_sectors, m.writeback_sectors) << "writeback writes skip the disk";
    EXPECT_GT(dirty_buckets(*rig.engine), 0u);
    rig.engine->with_cache_set([&](CacheSet& c) {
        c.caches[0]->free_inc.for_each([&](uint64_t b) {
            EXPECT_NE(c.caches[0]->buckets[b].mark(), GcMark::Dirty) << "bucket " << b;
        });
    });
}

TEST(RequestPath, TheWritebackTaskCleansEverythingAtZeroPercentAndGcUnmarks) {
    auto src = workload::make_workload_source("uniform:span=4M,size=16K", 2, 1000);
    EngineOptions o = opts(CacheMode::Writeback);
    o.requests.writeback_percent = 0;
    o.requests.sequential_cutoff = 0;
    Rig rig(std::move(src), o);
    rig.run();
    // Let the writeback thread finish after the last write.
    for (int i = 0; i < 1000 && rig.engine->metrics().dirty_sectors; ++i)
        rig.engine->step(256);
    EngineMetrics m = rig.engine->metrics();
    EXPECT_EQ(m.dirty_sectors, 0u);
    EXPECT_GT(m.writeback_keys_done, 100u);
    EXPECT_EQ(m.writeback_sectors, m.backing_write_sectors);
    // The cleaned extents' buckets stay DIRTY until a GC marks them again.
    const uint64_t gc = m.gc_runs;
    rig.engine->trigger_gc();
    for (int i = 0; i < 1000 && rig.engine->metrics().gc_runs == gc; ++i)
        rig.engine->step(64);
    EXPECT_EQ(dirty_buckets(*rig.engine), 0u);
}

TEST(RequestPath, WritebackUnderTheCheckerKeepsEveryInvariant) {
    auto src = workload::make_workload_source("zipf:span=64M,size=4K-64K,read=50", 4, 4000);
    EngineOptions o = opts(CacheMode::Writeback);
    o.requests.writeback_percent = 5;
    o.requests.queue_depth = 4;
    o.check_invariants = true;
    o.check_index_every = 16;
    Rig rig(std::move(src), o, 1088, ReplacementPolicy::Lru);
    const auto r = rig.run();
    EXPECT_FALSE(r.blocked);
    EXPECT_EQ(r.metrics.requests, 4000u);
    const auto v = rig.engine->violations();
    EXPECT_TRUE(v.empty()) << v.front();
}

// Deferred and eager rescale: the same engine, the same seed, the same events.
std::vector<EngineEvent> events_of(bool deferred, KernelProfile p, ReplacementPolicy pol,
                                   bool replay, std::vector<uint16_t>* prios) {
    EngineOptions o = small_options(1088, 16, p);
    o.policy = pol;
    o.seed = 21;
    o.deferred_rescale = deferred;
    o.event_capacity = 1u << 20;
    if (replay) {
        o.source = workload::make_workload_source("zipf:span=32M,size=4K-32K,read=70", 9);
        o.requests.queue_depth = 3;
    }
    auto rig = make_rig(o);
    rig->step(30000);
    std::vector<EngineEvent> ev;
    rig->poll_events(ev);
    EXPECT_EQ(rig->events_dropped(), 0u);
    *prios = rig->snapshot()->prio;
    return ev;
}

TEST(RequestPath, DeferredRescaleGivesTheKernelsWalkEventForEvent) {
    for (auto p : {KernelProfile::V6_2, KernelProfile::V4_6})
        for (auto pol : {ReplacementPolicy::Lru, ReplacementPolicy::Fifo})
            for (bool replay : {false, true}) {
                std::vector<uint16_t> pa, pb;
                const auto a = events_of(true, p, pol, replay, &pa);
                const auto b = events_of(false, p, pol, replay, &pb);
                size_t rescales = 0;
                for (const auto& e : a)
                    rescales += e.kind == EventKind::Rescale;
                EXPECT_GT(rescales, 50u);
                EXPECT_TRUE(a == b) << to_string(p) << " " << to_string(pol) << " replay " << replay;
                EXPECT_EQ(pa, pb);
            }
}

} // namespace
} // namespace bucketscope::test
