#pragma once
// The engine's memory per bucket: everything make_cache() allocates for one cache (bucket
// array, the four reserves, free_inc, the LRU heap, the prio bucket chains, disk_gens),
// divided by nbuckets. Issue 2's budget is 16 bytes per bucket in all.
//
// Two figures: `measured` is what the C library handed out while make_cache() ran
// (mallinfo2, so allocator rounding and the Cache object itself count), `counted` adds up
// the containers' own sizes. They should agree to within a few hundred bytes.

#include <cstddef>
#include <cstdint>

namespace bucketscope::bench {

struct Footprint {
    uint64_t nbuckets = 0;
    size_t measured_bytes = 0;
    size_t counted_bytes = 0;
    size_t bucket_array_bytes = 0;
    size_t queue_bytes = 0; // reserves, free_inc, heap
    size_t other_bytes = 0; // prio bucket chains, disk_gens
    double per_bucket() const { return double(measured_bytes) / double(nbuckets); }
};

Footprint measure_engine_footprint(uint64_t nbuckets);

} // namespace bucketscope::bench
