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
      gen_(kAllocatorWake0 + devices.size(), 0), cv_(gen_.size()) {
    // make-bcache draws set_magic from the set uuid; the engine draws it from the seed so a
    // run is reproducible and its images differ between seeds.
    uint64_t s = o.seed ^ 0x62636163686573ull;
    set_magic = splitmix64_next(s);
    metrics.fifo.resize(devices.size());
}

uint64_t Runtime::now() const {
    if (!real_clock_)
        return vclock_;
    return real_base_ns_ + (steady_ns() - real_start_ns_);
}

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

void Runtime::wake(unsigned q) {
    ++gen_[q];
    if (threaded_)
        cv_[q].notify_all();
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

Status Runtime::perform_io(const IoRequest& io, uint64_t* cost_ns) {
    Device& d = *devices[io.dev];
    const IoCosts& k = opts.costs;
    switch (io.op) {
    case IoOp::Write:
        *cost_ns = k.io_latency_ns + (io.length >> 9) * k.ns_per_sector;
        return d.write(io.offset, std::span<const std::byte>(io.data, io.length));
    case IoOp::Discard:
        *cost_ns = k.discard_ns;
        return d.discard(io.offset, io.length);
    case IoOp::Flush:
        *cost_ns = k.flush_ns;
        return d.flush();
    }
    *cost_ns = 0;
    return Status::error("unknown I/O operation");
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

bool Runtime::rescale(int sectors) {
    // Probing is O(nbuckets): only around the calls that will run a pass.
    const bool probe = monitor && c.rescale - sectors < 0;
    InvariantMonitor::RescaleProbe before;
    if (probe) {
        c.prio_clock.sync(c); // the probe compares every prio before and after the pass
        before = monitor->before_rescale();
    }
    const bool ran = bch_rescale_priorities(c, sectors);
    if (probe) {
        c.prio_clock.sync(c);
        monitor->after_rescale(before, ran);
    }
    if (!ran)
        return false;
    ++metrics.rescales;
    emit(EventKind::Rescale, 0, 0, c.min_prio);
    return true;
}

} // namespace bucketscope
