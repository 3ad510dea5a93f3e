#pragma once
// Counters and gauges the engine keeps while it runs, as plain values. The engine updates
// them under bucket_lock; Engine::metrics() returns a copy taken under the lock, so a
// reader sees one consistent moment. Times are on the engine clock (virtual nanoseconds in
// deterministic mode, steady_clock nanoseconds since start in threaded mode).

#include <array>
#include <cstdint>
#include <vector>

#include "core/alloc/cache.h"

namespace bucketscope {

// Fill levels of one cache's queues at the moment the metrics were taken.
struct FifoLevels {
    std::array<size_t, RESERVE_NR> free_used{};
    std::array<size_t, RESERVE_NR> free_capacity{};
    size_t free_inc_used = 0;
    size_t free_inc_capacity = 0;
};

struct EngineMetrics {
    uint64_t clock_ns = 0;
    uint64_t steps = 0; // task steps run by the scheduler (all tasks)

    // bch_bucket_alloc successes per reserve requested, and fast-path failures.
    std::array<uint64_t, RESERVE_NR> allocations{};
    std::array<uint64_t, RESERVE_NR> alloc_failures{};
    // Tasks that slept on bucket_wait / btree_cache_wait, and the time they slept.
    uint64_t alloc_waits = 0;
    uint64_t alloc_wait_ns = 0;

    // Buckets moved to free_inc, by the policy in force when they were invalidated.
    std::array<uint64_t, 3> invalidations{}; // index = ReplacementPolicy
    uint64_t invalidate_passes = 0;
    uint64_t policy_gave_up = 0;       // passes that set invalidate_needs_gc
    uint64_t allocator_pushes = 0;     // buckets moved from free_inc to a free list
    uint64_t prio_writes = 0;          // completed bch_prio_write calls
    uint64_t prio_write_shortages = 0; // v6 non-blocking prio write refused (-ENOMEM)
    uint64_t journal_writes = 0;
    uint64_t btree_writes = 0;       // node images and appended bsets
    uint64_t btree_replacements = 0; // splits, compactions and GC rewrites
    uint64_t btree_keys_dropped = 0; // bad keys left behind by GC rewrites
    uint64_t discards = 0;
    uint64_t gc_runs = 0;
    uint64_t gc_ns = 0;
    uint64_t rescales = 0;             // rescale passes (not calls)

    // The built-in workload.
    uint64_t writes = 0;          // write requests completed
    uint64_t reads = 0;           // read requests
    uint64_t read_hits = 0;       // reads that found a live extent
    uint64_t sectors_written = 0; // data sectors through bch_alloc_sectors
    uint64_t extents_inserted = 0;

    uint64_t events_dropped = 0;
    uint64_t errors = 0;

    std::vector<FifoLevels> fifo; // one per cache, cache_by_alloc order

    uint64_t total_allocations() const {
        uint64_t n = 0;
        for (auto a : allocations)
            n += a;
        return n;
    }
};

} // namespace bucketscope
