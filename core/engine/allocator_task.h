#pragma once
// bch_allocator_thread as a resumable task, one per cache (allocator-semantics.md 2.9).
//
//   loop:
//     drain:  pop free_inc; [discard the whole bucket, lock dropped];
//             allocator_wait(bch_allocator_push(bucket)); wake btree_cache_wait, bucket_wait
//     retry_invalidate:
//             allocator_wait(gc_mark_valid && !invalidate_needs_gc); invalidate_buckets()
//             allocator_wait(prio_blocked == 0)
//             if CACHE_SYNC:
//                 free_inc not full -> retry_invalidate   (prio writes are batched)
//                 v4.6: bch_prio_write(ca) blocking
//                 v6.2: bch_prio_write(ca, false); on -ENOMEM invalidate_needs_gc = 1, wake GC
//
// A step runs while the kernel thread would hold bucket_lock: it returns at an
// allocator_wait that fails (Block on the cache's allocator wake-up), at a discard or a
// prio/journal write (Io) and nowhere else. One kernel-faithful consequence worth knowing:
// after a v6.2 shortage the loop goes back to the drain, which pushes the just-invalidated
// buckets to the free lists although their new gens were not written. The kernel does the
// same; the engine counts it in metrics.prio_write_shortages.

#include "core/engine/prio_writer.h"
#include "core/engine/runtime.h"

namespace bucketscope {

class AllocatorTask final : public Task {
  public:
    AllocatorTask(Runtime& rt, Cache& ca, PrioWriter& prio);
    StepResult step(Runtime& rt) override;

  private:
    enum class State : uint8_t { Drain, Push, RetryInvalidate, WaitPrioBlocked, PrioWrite };
    // The state machine; sets `r` to what step() hands back.
    void run(Runtime& rt, StepResult& r);
    Cache& ca_;
    PrioWriter& prio_;
    State state_ = State::Drain;
    uint64_t bucket_ = 0;
    unsigned wake_queue_;
};

} // namespace bucketscope
