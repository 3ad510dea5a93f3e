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

// Buckets by what they hold, all caches, from first_bucket on (the priority_stats
// categories, but a partition: pinned first, then the GC mark). Engine::bucket_usage()
// counts it on demand, O(nbuckets); front ends sample it for utilisation over time.
struct BucketUsage {
    uint64_t buckets = 0;     // counted (first_bucket..nbuckets of every cache)
    uint64_t pinned = 0;      // on a free list, in free_inc, open or in flight
    uint64_t unused = 0;      // mark 0
    uint64_t clean = 0;       // RECLAIMABLE
    uint64_t dirty = 0;       // DIRTY
    uint64_t metadata = 0;    // METADATA
    uint64_t live_sectors = 0; // GC_SECTORS_USED of the unpinned buckets
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

    // The request path (built-in workload or a request source), workload_task.h.
    uint64_t writes = 0;          // write requests completed
    uint64_t reads = 0;           // read requests completed
    uint64_t read_hits = 0;       // reads served entirely from the cache (bypassed or not)
    uint64_t sectors_written = 0; // data sectors through bch_alloc_sectors
    uint64_t extents_inserted = 0;

    uint64_t requests = 0;         // taken from the source, every op
    uint64_t discard_requests = 0; // completed
    uint64_t flush_requests = 0;   // completed (no data)
    // stats.c's counters, reads only: hit = no part of the read missed.
    uint64_t cache_hits = 0;
    uint64_t cache_misses = 0;
    uint64_t cache_bypass_hits = 0;
    uint64_t cache_bypass_misses = 0;
    uint64_t bypassed_requests = 0;    // check_should_bypass said skip (reads and writes)
    uint64_t sequential_bypasses = 0;  // of those, for sequential_cutoff
    uint64_t sectors_bypassed = 0;     // bch_mark_sectors_bypassed
    uint64_t read_sectors = 0;         // asked for by reads
    uint64_t read_hit_sectors = 0;     // of those, served from the cache
    uint64_t write_sectors = 0;        // written by writes (discards not counted)
    uint64_t discard_sectors = 0;
    uint64_t miss_inserted_sectors = 0;  // cache_miss data put into the cache
    uint64_t write_inserted_sectors = 0; // write data put into the cache
    uint64_t invalidated_sectors = 0;    // live extents dropped by bypassed writes / discards
    uint64_t insert_collisions = 0;      // cache-miss inserts cut short by a racing write
    uint64_t insert_alloc_failures = 0;  // inserts that found no bucket and gave up
    uint64_t backing_read_sectors = 0;
    uint64_t backing_write_sectors = 0;
    // With EngineOptions::read_hits: sectors a hit read back from the cache device whose
    // header names the key's volume and sector (verified), that carry no header of this set
    // (foreign: a kernel's data, or damage), or a header that contradicts the key or its
    // checksum (bad); and hits whose bucket was reused while the read was in flight
    // (bch_cache_read_endio's ptr_stale: the kernel rereads them from the backing device).
    uint64_t cache_read_verified_sectors = 0;
    uint64_t cache_read_foreign_sectors = 0;
    uint64_t cache_read_bad_sectors = 0;
    uint64_t cache_read_races = 0;
    // Writeback (writeback_task.h).
    uint64_t dirty_sectors = 0; // gauge: dirty data in the cache, all volumes
    uint64_t writeback_keys_done = 0;
    uint64_t writeback_keys_failed = 0; // replace-insert collisions (key rewritten meanwhile)
    uint64_t writeback_sectors = 0;
    uint64_t writeback_rate = 0;        // gauge: sectors per second of the first volume
    // Bytes written to the cache devices, in sectors: data, btree nodes, prio sets + journal
    // + uuids. Filled in by Engine::metrics().
    uint64_t cache_data_sectors = 0;
    uint64_t cache_btree_sectors = 0;
    uint64_t cache_meta_sectors = 0;
    // gc_stats.in_use at the moment of the copy (v6: live; v4.6: as the last GC left it).
    unsigned in_use_percent = 0;

    uint64_t events_dropped = 0;
    uint64_t errors = 0;

    std::vector<FifoLevels> fifo; // one per cache, cache_by_alloc order

    // Inserted by the workload: write data plus cache-miss data.
    uint64_t inserted_sectors() const { return miss_inserted_sectors + write_inserted_sectors; }
    // Bytes written to the cache devices over bytes the workload inserted; 0 before any.
    double write_amplification() const {
        const uint64_t in = inserted_sectors();
        return in ? double(cache_data_sectors + cache_btree_sectors + cache_meta_sectors) /
                        double(in)
                  : 0.0;
    }
    double hit_ratio() const { // by read requests, bcache's cache_hit_ratio with bypasses
        const uint64_t n = cache_hits + cache_misses + cache_bypass_hits + cache_bypass_misses;
        return n ? double(cache_hits + cache_bypass_hits) / double(n) : 0.0;
    }
    double byte_hit_ratio() const {
        return read_sectors ? double(read_hit_sectors) / double(read_sectors) : 0.0;
    }

    uint64_t total_allocations() const {
        uint64_t n = 0;
        for (auto a : allocations)
            n += a;
        return n;
    }
};

} // namespace bucketscope
