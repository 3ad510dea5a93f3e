#pragma once
// cache0/priority_stats as sysfs.c computes it (allocator-semantics.md 5.1), for the v6.x
// kernels and, on request, the v4.6 variant (Unused = count of prio-0 entries).

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "core/inspect/bucket_state.h"

namespace bucketscope::inspect {

struct PriorityStats {
    // Percentages as printed: count * 100 / nbuckets, rounded down.
    uint64_t unused = 0;
    uint64_t clean = 0;
    uint64_t dirty = 0;
    uint64_t metadata = 0;
    uint64_t average = 0;
    uint64_t sectors_per_q = 0;
    std::array<uint16_t, 31> quantiles{};
    // The raw counts behind the percentages.
    uint64_t unused_count = 0;
    uint64_t clean_count = 0;
    uint64_t dirty_count = 0;
    uint64_t metadata_count = 0;
};

PriorityStats priority_stats(std::span<const BucketState> buckets, uint64_t first_bucket,
                             uint64_t bucket_sectors, Profile profile);
// The sysfs text, tabs and all.
std::string format_priority_stats(const PriorityStats& s);

} // namespace bucketscope::inspect
