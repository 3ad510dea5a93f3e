// The allocator task's state machine; see allocator_task.h.
#include "core/engine/allocator_task.h"

#include <string>

#include "core/engine/checker.h"

namespace bucketscope {

AllocatorTask::AllocatorTask(Runtime& rt, Cache& ca, PrioWriter& prio)
    : Task("bcache_allocator/" + std::to_string(ca.geo.nr_this_dev)), ca_(ca), prio_(prio),
      wake_queue_(kAllocatorWake0 + ca.geo.nr_this_dev) {
    (void)rt;
}

StepResult AllocatorTask::step(Runtime& rt) {
    // One named result, built in the caller's slot, so the prio writer can write its I/O
    // straight there (prio_writer.h says why a copy would stall).
    StepResult r;
    run(rt, r);
    return r;
}

void AllocatorTask::run(Runtime& rt, StepResult& r) {
    CacheSet& c = rt.c;
    const uint8_t dev = static_cast<uint8_t>(ca_.geo.nr_this_dev);
    // allocator_wait() returns for good once CACHE_SET_IO_DISABLE is set.
    if (rt.io_disabled() && !prio_.active()) {
        r = StepResult::done();
        return;
    }
    for (;;) {
        switch (state_) {
        case State::Push:
        case State::Drain:
            // Drain and push in one loop, a bucket per turn: a turn through the state
            // switch per bucket was an indirect jump that mispredicted. In Push the bucket
            // popped before the discard or the failed push is pushed first.
            for (bool popped = state_ == State::Push;; popped = false) {
                if (!popped) {
                    if (!ca_.free_inc.pop(bucket_)) {
                        state_ = State::RetryInvalidate;
                        break;
                    }
                    if (ca_.discard) {
                        state_ = State::Push;
                        ++rt.metrics.discards;
                        rt.emit(EventKind::Discard, dev, bucket_);
                        IoRequest io;
                        io.op = IoOp::Discard;
                        io.dev = dev;
                        io.offset = bucket_ * ca_.geo.bucket_bytes();
                        io.length = ca_.geo.bucket_bytes();
                        r = StepResult::do_io(io);
                        return;
                    }
                }
                InvariantMonitor::PushProbe probe;
                if (rt.monitor)
                    probe = rt.monitor->before_push(ca_);
                const bool pushed = bch_allocator_push(ca_, bucket_);
                if (rt.monitor)
                    rt.monitor->after_push(ca_, bucket_, probe, pushed);
                if (!pushed) {
                    state_ = State::Push;
                    r = StepResult::block(WaitOn::AllocatorWake, wake_queue_);
                    return;
                }
                ++rt.metrics.allocator_pushes;
                rt.wake(kBtreeCacheWait);
                rt.wake(kBucketWait);
            }
            break;
        case State::RetryInvalidate:
            if (!c.gc_mark_valid || ca_.invalidate_needs_gc) {
                r = StepResult::block(WaitOn::AllocatorWake, wake_queue_);
                return;
            }
            invalidate_buckets(c, ca_, rt.obs());
            if (rt.monitor)
                rt.monitor->after_invalidate_pass(ca_);
            ++rt.metrics.invalidate_passes;
            if (ca_.invalidate_needs_gc)
                ++rt.metrics.policy_gave_up;
            state_ = State::WaitPrioBlocked;
            break;
        case State::WaitPrioBlocked:
            if (c.prio_blocked != 0) {
                r = StepResult::block(WaitOn::AllocatorWake, wake_queue_);
                return;
            }
            if (!c.sync) {
                state_ = State::Drain;
                break;
            }
            if (!ca_.free_inc.full()) {
                state_ = State::RetryInvalidate;
                break;
            }
            if (c.profile == KernelProfile::V6_2 && !prio_.enough_buckets()) {
                ++rt.metrics.prio_write_shortages;
                ca_.invalidate_needs_gc = true;
                rt.wake(kGcWait);
                state_ = State::Drain;
                break;
            }
            if (rt.monitor)
                rt.monitor->on_prio_write(ca_, /*from_allocator=*/true);
            prio_.begin(/*wait=*/c.profile == KernelProfile::V4_6);
            state_ = State::PrioWrite;
            break;
        case State::PrioWrite: {
            if (prio_.step(io_status, r))
                return;
            state_ = State::Drain;
            break;
        }
        }
    }
}

} // namespace bucketscope
