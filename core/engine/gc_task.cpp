// The GC task; see gc_task.h.
#include "core/engine/gc_task.h"

#include "core/engine/btree_store.h"

namespace bucketscope {

namespace {
// Leaves marked per step of the incremental (v6.2) walk: the kernel's MIN_GC_NODES.
constexpr size_t kLeavesPerStep = 100;
} // namespace

GcTask::GcTask() : Task("bcache_gc") {}

bool GcTask::needed(const Runtime& rt) {
    if (rt.gc_requested || rt.c.sectors_to_gc < 0)
        return true;
    for (const auto& ca : rt.c.caches)
        if (ca->invalidate_needs_gc)
            return true;
    return false;
}

StepResult GcTask::step(Runtime& rt) {
    CacheSet& c = rt.c;
    const uint64_t per_item = rt.opts.costs.gc_ns_per_bucket;
    switch (state_) {
    case State::Idle: {
        if (rt.io_disabled())
            return StepResult::done(); // bch_gc_thread stops on CACHE_SET_IO_DISABLE
        if (!needed(rt))
            return StepResult::block(WaitOn::GcWait, kGcWait);
        rt.gc_requested = false;
        set_gc_sectors(c);
        if (!btree_gc_start(c))
            return StepResult::block(WaitOn::GcWait, kGcWait);
        start_ns_ = rt.now();
        rt.emit(EventKind::GcStart);
        stats_ = GcStats{};
        if (rt.btree)
            walk_.set_rewrite_sink([&rt](uint32_t leaf) {
                rt.btree->request_rewrite(leaf);
                rt.wake(kBtreeWork);
            });
        walk_.start(c, *rt.index);
        marked_ = 0;
        state_ = State::Walk;
        // gc_start visits every bucket.
        return StepResult::yield(per_item * c.nbuckets);
    }
    case State::Walk: {
        const size_t batch = c.profile == KernelProfile::V6_2 ? kLeavesPerStep : SIZE_MAX;
        const bool done = walk_.step(c, *rt.index, batch);
        const GcStats& s = walk_.stats();
        const uint64_t marked = s.nkeys + s.nodes;
        const uint64_t cost = per_item * (marked - marked_);
        marked_ = marked;
        if (done)
            state_ = State::Finish;
        return StepResult::yield(cost);
    }
    case State::Finish: {
        stats_ = walk_.stats();
        const uint64_t available = bch_btree_gc_finish(c, rt.roots);
        gc_update_stats(c, available, stats_);
        rt.wake_allocators();
        rt.just_finished_gc = true;
        const uint64_t cost = per_item * c.nbuckets;
        const uint64_t duration = rt.now() - start_ns_ + (rt.threaded() ? 0 : cost);
        ++rt.metrics.gc_runs;
        rt.metrics.gc_ns += duration;
        rt.emit(EventKind::GcEnd, 0, 0, duration);
        state_ = State::Idle;
        return StepResult::yield(cost);
    }
    }
    return StepResult::yield();
}

} // namespace bucketscope
