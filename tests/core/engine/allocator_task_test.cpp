// The allocator task alone (bch_allocator_thread, allocator-semantics.md 2.9), driven step
// by step on a hand-made cache set: batching of prio writes under CACHE_SYNC, the non-SYNC
// shortcut, the v6.2 shortage path and the v4.6 blocking write, discards.
#include <gtest/gtest.h>

#include "core/device/ram_device.h"
#include "core/engine/allocator_task.h"
#include "core/engine/journal_task.h"
#include "core/engine/journal_writer.h"
#include "core/engine/prio_writer.h"
#include "core/engine/runtime.h"

namespace bucketscope::test {
namespace {

constexpr uint64_t kBuckets = 1088;
constexpr uint32_t kBucketSize = 16;

// One cache, marks valid, every free list and free_inc empty, every bucket unmarked.
struct Direct {
    EngineOptions opts;
    RamDevice dev{kBuckets * kBucketSize * 512};
    CacheSet c;
    ExtentIndex idx{IndexGeometry::for_bucket(kBucketSize)};
    std::unique_ptr<Runtime> rt;
    std::unique_ptr<JournalWriter> journal;
    std::unique_ptr<JournalTask> journal_task;
    std::unique_ptr<PrioWriter> prio;
    std::unique_ptr<AllocatorTask> task;

    Direct(KernelProfile p, bool sync, bool discard = false) {
        opts.geometry.nbuckets = kBuckets;
        opts.geometry.bucket_size = kBucketSize;
        opts.geometry.block_size = 8;
        opts.profile = p;
        c.profile = p;
        c.nbuckets = kBuckets;
        auto ca = make_cache(opts.geometry, p, ReplacementPolicy::Fifo);
        ca->geo.njournal_buckets = 8;
        ca->discard = discard;
        c.caches.push_back(std::move(ca));
        bch_open_buckets_alloc(c);
        c.gc_mark_valid = true;
        c.sync = sync;
        for (uint64_t b = 1; b <= 8; ++b)
            cache().buckets[b].set_mark(GcMark::Metadata); // the journal
        rt = std::make_unique<Runtime>(c, std::vector<Device*>{&dev}, opts);
        rt->index = &idx;
        journal = std::make_unique<JournalWriter>(*rt);
        rt->journal = journal.get();
        journal_task = std::make_unique<JournalTask>(*journal);
        prio = std::make_unique<PrioWriter>(*rt, cache(), *journal);
        task = std::make_unique<AllocatorTask>(*rt, cache(), *prio);
    }
    Cache& cache() { return *c.caches[0]; }

    // One scheduler step: the task's step plus the I/O it asks for.
    StepResult step() {
        const StepResult r = task->step(*rt);
        if (r.kind == StepResult::Kind::Io) {
            uint64_t cost = 0;
            task->io_status = rt->perform_io(r.io, &cost);
        }
        return r;
    }
    // The journal task until it has written what was asked for and sleeps again.
    void run_journal() {
        for (unsigned i = 0; i < 100; ++i) {
            const StepResult r = journal_task->step(*rt);
            if (r.kind == StepResult::Kind::Io) {
                uint64_t cost = 0;
                journal_task->io_status = rt->perform_io(r.io, &cost);
            } else if (r.kind != StepResult::Kind::Yield) {
                return;
            }
        }
    }
    // Steps until the task blocks on anything but the journal (which is run when the prio
    // write waits for its entry); returns the blocking result.
    StepResult run_until_blocked(unsigned max_steps = 1000) {
        for (unsigned i = 0; i < max_steps; ++i) {
            const StepResult r = step();
            if (r.kind == StepResult::Kind::Block && r.queue == kJournalWait) {
                run_journal();
                continue;
            }
            if (r.kind == StepResult::Kind::Block || r.kind == StepResult::Kind::Done)
                return r;
        }
        ADD_FAILURE() << "allocator never blocked";
        return StepResult::done();
    }
    // The PRIO reserve as bch_initial_gc_finish leaves it: one invalidated bucket.
    void seed_prio_reserve(uint64_t bucket) {
        bch_invalidate_one_bucket(c, cache(), bucket);
        uint64_t b = 0;
        ASSERT_TRUE(cache().free_inc.pop(b));
        ASSERT_TRUE(cache().free[RESERVE_PRIO].push(b));
    }
    size_t free_used() {
        size_t n = 0;
        for (auto& f : cache().free)
            n += f.used();
        return n;
    }
};

TEST(AllocatorTask, WithoutSyncInvalidatedBucketsGoStraightToTheFreeLists) {
    Direct d(KernelProfile::V6_2, /*sync=*/false);
    const StepResult r = d.run_until_blocked();
    EXPECT_EQ(r.wait, WaitOn::AllocatorWake);
    EXPECT_EQ(d.rt->metrics.prio_writes, 0u);
    EXPECT_EQ(d.rt->metrics.journal_writes, 0u);
    // Every reserve is full: 1 + 7 + 2 + 2.
    EXPECT_EQ(d.free_used(), 12u);
    for (auto& f : d.cache().free)
        EXPECT_TRUE(f.full());
    // Their gens moved, nothing was persisted.
    d.cache().free[RESERVE_NONE].for_each([&](uint64_t b) {
        EXPECT_EQ(d.cache().buckets[b].gen, 1u);
        EXPECT_EQ(d.cache().disk_gens[b], 0u);
    });
}

TEST(AllocatorTask, UnderSyncPrioWriteComesOnlyWithAFullFreeIncAndBeforeAnyPush) {
    Direct d(KernelProfile::V6_2, /*sync=*/true);
    d.seed_prio_reserve(20);
    // The first step ends at the prio bucket's write: free_inc is full, nothing pushed.
    StepResult r = d.step();
    ASSERT_EQ(r.kind, StepResult::Kind::Io);
    EXPECT_TRUE(d.cache().free_inc.full());
    EXPECT_EQ(d.rt->metrics.allocator_pushes, 0u);
    EXPECT_EQ(d.rt->metrics.invalidations[size_t(ReplacementPolicy::Fifo)], 7u);

    r = d.run_until_blocked();
    // Batch one (7 buckets) filled PRIO and six of BTREE; batch two needed a second write
    // before its buckets could top up BTREE, MOVINGGC and NONE.
    EXPECT_EQ(d.rt->metrics.prio_writes, 2u);
    EXPECT_EQ(d.rt->metrics.journal_writes, 2u);
    EXPECT_EQ(d.rt->metrics.invalidations[size_t(ReplacementPolicy::Fifo)], 14u);
    // Every bucket on a free list got there with its gen durable.
    uint64_t checked = 0;
    for (auto& f : d.cache().free)
        f.for_each([&](uint64_t b) {
            EXPECT_EQ(d.cache().disk_gens[b], d.cache().buckets[b].gen) << "bucket " << b;
            ++checked;
        });
    EXPECT_EQ(checked, 12u);
    EXPECT_EQ(r.wait, WaitOn::AllocatorWake);
}

TEST(AllocatorTask, UnderSyncAPartialFreeIncWaitsForGcInsteadOfWriting) {
    Direct d(KernelProfile::V6_2, /*sync=*/true);
    d.seed_prio_reserve(20);
    // Only three invalidatable buckets: the rest hold dirty data.
    for (uint64_t b = 9; b < kBuckets; ++b)
        if (b != 100 && b != 200 && b != 300 && b != 20)
            d.cache().buckets[b].set_mark(GcMark::Dirty);
    const StepResult r = d.run_until_blocked();
    EXPECT_EQ(r.wait, WaitOn::AllocatorWake);
    EXPECT_EQ(d.cache().free_inc.used(), 3u);
    EXPECT_TRUE(d.cache().invalidate_needs_gc);
    EXPECT_EQ(d.rt->metrics.prio_writes, 0u);
    EXPECT_EQ(d.rt->metrics.allocator_pushes, 0u);
    EXPECT_GT(d.rt->queue_gen(kGcWait), 0u) << "FIFO gave up and woke GC";
}

TEST(AllocatorTask, V62ShortageSetsInvalidateNeedsGcAndDrainsWithoutWriting) {
    Direct d(KernelProfile::V6_2, /*sync=*/true);
    const uint64_t gc_gen = d.rt->queue_gen(kGcWait);
    const StepResult r = d.run_until_blocked();
    EXPECT_EQ(d.rt->metrics.prio_write_shortages, 1u);
    EXPECT_EQ(d.rt->metrics.prio_writes, 0u);
    EXPECT_TRUE(d.cache().invalidate_needs_gc);
    EXPECT_GT(d.rt->queue_gen(kGcWait), gc_gen);
    EXPECT_EQ(r.wait, WaitOn::AllocatorWake) << "waits for GC at retry_invalidate";
    // As in the kernel, the loop then drains free_inc: its buckets reach the free lists
    // with gens that were never written.
    EXPECT_TRUE(d.cache().free_inc.empty());
    EXPECT_EQ(d.free_used(), 7u);
    d.cache().free[RESERVE_PRIO].for_each(
        [&](uint64_t b) { EXPECT_NE(d.cache().disk_gens[b], d.cache().buckets[b].gen); });
}

TEST(AllocatorTask, V46PrioWriteBlocksOnBucketWaitWhenTheReservesAreEmpty) {
    Direct d(KernelProfile::V4_6, /*sync=*/true);
    const StepResult r = d.run_until_blocked();
    EXPECT_EQ(r.wait, WaitOn::BucketWait);
    EXPECT_EQ(r.queue, kBucketWait);
    EXPECT_TRUE(d.cache().free_inc.full());
    EXPECT_EQ(d.rt->metrics.prio_writes, 0u);
    EXPECT_EQ(d.rt->metrics.prio_write_shortages, 0u);
    // Give it a PRIO bucket and it finishes the write.
    d.seed_prio_reserve(500);
    d.run_until_blocked();
    EXPECT_GE(d.rt->metrics.prio_writes, 1u);
    for (auto& f : d.cache().free)
        f.for_each([&](uint64_t b) {
            if (b != 500) {
                EXPECT_EQ(d.cache().disk_gens[b], d.cache().buckets[b].gen) << "bucket " << b;
            }
        });
}

TEST(AllocatorTask, DiscardsEveryBucketBeforePushingIt) {
    Direct d(KernelProfile::V6_2, /*sync=*/false, /*discard=*/true);
    d.run_until_blocked();
    const uint64_t pushes = d.rt->metrics.allocator_pushes;
    EXPECT_EQ(pushes, 12u);
    // The bucket in hand when the lists filled was discarded too.
    EXPECT_EQ(d.dev.discards(), pushes + 1);
    EXPECT_EQ(d.rt->metrics.discards, pushes + 1);
    std::vector<EngineEvent> ev;
    d.rt->events.poll(ev);
    uint64_t discard_events = 0;
    for (const auto& e : ev)
        discard_events += e.kind == EventKind::Discard;
    EXPECT_EQ(discard_events, pushes + 1);
}

TEST(AllocatorTask, NoDiscardsWhenDisabled) {
    Direct d(KernelProfile::V6_2, /*sync=*/false, /*discard=*/false);
    d.run_until_blocked();
    EXPECT_EQ(d.dev.discards(), 0u);
    EXPECT_EQ(d.rt->metrics.discards, 0u);
}

} // namespace
} // namespace bucketscope::test
