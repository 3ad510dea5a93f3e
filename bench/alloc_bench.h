#pragma once
// The allocator benchmarks, registered in pairs "<kernel function>/engine/<nbuckets>" and
// "<kernel function>/reference/<nbuckets>" so the report can divide one by the other.
//
// Each benchmark reports items_per_second; an item is what "ns per bucket" counts for that
// function (see kFamilies in alloc_bench.cpp): every bucket of the cache for an LRU pass
// and a rescale, every bucket the cursor passed for FIFO, every victim for random (its
// draws are not observable on the engine side), one push, one push+alloc cycle.

#include <cstdint>
#include <string>
#include <vector>

namespace bucketscope::bench {

struct Family {
    const char* name;      // lru, fifo, random, rescale, push, fastpath
    const char* item;      // what one item is, for the report
    bool ratio_target;     // engine/reference must be <= 1.0 at 2^20 and up
    double engine_ns_max;  // absolute target on the engine side, 0 for none
};

const std::vector<Family>& families();

// Registers every family at every size, grouped by size so only one state is alive.
void register_alloc_benchmarks(const std::vector<uint64_t>& sizes);

} // namespace bucketscope::bench
