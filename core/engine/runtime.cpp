// The shared task context: clock, wait queues, events and the allocator's trace hooks.
// Every method runs with bucket_lock held (or before any task thread exists).
#include "core/engine/runtime.h"

#include <chrono>

#include "core/alloc/random.h"
#include "core/engine/checker.h"

namespace bucketscope {

namespace {
uint64_t steady_ns() {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::steady_clock::now().time_since_epoch())
                                     .count());
}
} // namespace

Runtime::Runtime(CacheSet& cs, std::vector<Device*> devs, const EngineOptions& o)
    : c(cs), devices(std::move(devs)), opts(o), events(o.event_capacity),
      gen_(kAllocatorWake0 + devices.size(), 0), waiters_(gen_.size(), 0), cv_(gen_.size()),
      dirty_(new std::atomic<bool>[devices.size()]) {
    for (size_t i = 0; i < devices.size(); ++i)
        dirty_[i] = false;
    // make-bcache draws set_magic from the set uuid; the engine draws it from the seed so a
    // run is reproducible and its images differ between seeds.
    uint64_t s = o.seed ^ 0x62636163686573ull;
    set_magic = splitmix64_next(s);
    metrics.fifo.resize(devices.size());
}

uint64_t Runtime::real_now() const { return real_base_ns_ + (steady_ns() - real_start_ns_); }

void Runtime::use_real_clock(bool on) {
    if (on == real_clock_)
        return;
    if (on) {
        real_base_ns_ = vclock_;
        real_start_ns_ = steady_ns();
    } else {
        vclock_ = now();
    }
    real_clock_ = on;
}

void Runtime::wake_allocators() {
    for (unsigned q = kAllocatorWake0; q < gen_.size(); ++q)
        wake(q);
}

void Runtime::emit(EventKind k, uint8_t dev, uint64_t bucket, uint64_t value,
                   uint8_t reserve) {
    EngineEvent e;
    e.seq = event_seq_++;
    e.clock_ns = now();
    e.kind = k;
    e.dev = dev;
    e.bucket = bucket;
    e.value = value;
    e.reserve = reserve;
    e.task = current_task;
    events.push(e);
    metrics.events_dropped = events.dropped();
}

void Runtime::error(const std::string& msg) {
    last_error = msg;
    ++metrics.errors;
    emit(EventKind::Error, 0, 0, metrics.errors);
}

bool Runtime::io_failed(const std::string& what, const Status& st) {
    if (!io_disabled_)
        error(st.message + " [" + what + "]; the cache set stops (I/O disabled)");
    io_disabled_ = true;
    c.io_disable = true;
    for (unsigned q = 0; q < nqueues(); ++q)
        wake(q);
    return false;
}

Status Runtime::perform_io(const IoRequest& io, uint64_t* cost_ns) {
    Device& d = *devices[io.dev];
    const IoCosts& k = opts.costs;
    switch (io.op) {
    case IoOp::Write:
        *cost_ns = k.io_latency_ns + (io.length >> 9) * k.ns_per_sector;
        dirty_[io.dev].store(true, std::memory_order_release);
        if (io.zeros_from < io.length)
            return d.write_zero_tail(io.offset, std::span<const std::byte>(io.data, io.length),
                                     io.zeros_from);
        return d.write(io.offset, std::span<const std::byte>(io.data, io.length));
    case IoOp::Discard:
        *cost_ns = k.discard_ns;
        dirty_[io.dev].store(true, std::memory_order_release);
        return d.discard(io.offset, io.length);
    case IoOp::Read:
        *cost_ns = k.io_latency_ns + (io.length >> 9) * k.ns_per_sector;
        return d.read(io.offset, std::span<std::byte>(io.out, io.length));
    case IoOp::Flush: {
        *cost_ns = k.flush_ns;
        // Cleared first: I/O is serialised, so whatever sets it again came after.
        dirty_[io.dev].store(false, std::memory_order_release);
        Status st = d.flush();
        if (!st)
            dirty_[io.dev].store(true, std::memory_order_release);
        return st;
    }
    }
    *cost_ns = 0;
    return Status::error("unknown I/O operation");
}

void Runtime::record_ack(const AckedWrite& w) {
    if (opts.record_acks)
        ack_pending_.push_back(w);
}

void Runtime::journal_durable(uint64_t seq) {
    // Keys get journal seqs in insertion order, so the queue is sorted by seq.
    while (!ack_pending_.empty() && ack_pending_.front().journal_seq <= seq) {
        acked.push_back(ack_pending_.front());
        ack_pending_.pop_front();
    }
}

void Runtime::on_invalidate(const Cache& ca, uint64_t bucket, uint16_t sectors) {
    ++metrics.invalidations[static_cast<size_t>(ca.policy)];
    emit(EventKind::Invalidate, static_cast<uint8_t>(ca.geo.nr_this_dev), bucket, sectors);
}

void Runtime::on_alloc(const Cache& ca, uint64_t bucket, Reserve r) {
    ++metrics.allocations[r];
    emit(EventKind::Alloc, static_cast<uint8_t>(ca.geo.nr_this_dev), bucket, 0,
         static_cast<uint8_t>(r));
    // bch_bucket_alloc wakes the allocator: a free list just got room.
    wake(kAllocatorWake0 + ca.geo.nr_this_dev);
}

void Runtime::on_alloc_fail(const Cache& ca, Reserve r) {
    ++metrics.alloc_failures[r];
    emit(EventKind::AllocFail, static_cast<uint8_t>(ca.geo.nr_this_dev), 0, 0,
         static_cast<uint8_t>(r));
}

void Runtime::on_wake_gc() { wake(kGcWait); }

bool Runtime::rescale_checked(int sectors) {
    // Probing is O(nbuckets): only around the calls that will run a pass.
    if (c.rescale - sectors >= 0)
        return bch_rescale_priorities(c, sectors) && rescaled();
    c.prio_clock.sync(c); // the probe compares every prio before and after the pass
    const InvariantMonitor::RescaleProbe before = monitor->before_rescale();
    const bool ran = bch_rescale_priorities(c, sectors);
    c.prio_clock.sync(c);
    monitor->after_rescale(before, ran);
    return ran && rescaled();
}

bool Runtime::rescaled() {
    ++metrics.rescales;
    emit(EventKind::Rescale, 0, 0, c.min_prio);
    return true;
}

} // namespace bucketscope
