#pragma once
// The GC thread (bch_gc_thread, allocator-semantics.md 3.1) as a task.
//
// It sleeps on gc_wait until a cache has invalidate_needs_gc set (a replacement policy
// gave up, or the v6 prio write found too few buckets), sectors_to_gc went negative (the
// writers filled 1/16 of the cache) or trigger_gc asked. Then one GC: set_gc_sectors,
// btree_gc_start, the mark walk, bch_btree_gc_finish, and the allocators are woken.
//
// v6.2 GC is incremental: the walk marks a batch of leaves per step and lets the writers
// and the allocator run in between (the allocator can still hand out free buckets; it
// cannot invalidate while gc_mark_valid is 0). v4.6 GC walks the whole tree in one step.
// The time it takes is charged to the engine clock and reported in bcache_gc_end.

#include "core/engine/runtime.h"
#include "core/gc/gc.h"

namespace bucketscope {

class GcTask final : public Task {
  public:
    GcTask();
    StepResult step(Runtime& rt) override;

  private:
    enum class State : uint8_t { Idle, Walk, Finish };
    static bool needed(const Runtime& rt);

    State state_ = State::Idle;
    GcWalk walk_;
    GcStats stats_;
    uint64_t start_ns_ = 0;
    uint64_t marked_ = 0; // keys + nodes marked so far in this GC
};

} // namespace bucketscope
