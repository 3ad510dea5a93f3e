// priority_stats, step for step as sysfs.c: counts over buckets from first_bucket,
// percentages over all nbuckets, prios sorted descending with trailing zeros trimmed and
// leading BTREE_PRIO entries skipped, the average of (INITIAL_PRIO - prio) taken in
// 32-bit unsigned terms (so prios above 32768 wrap) and 31 quantiles stored as u16.

#include "core/inspect/priority_stats.h"

#include <algorithm>
#include <functional>
#include <vector>

namespace bucketscope::inspect {

PriorityStats priority_stats(std::span<const BucketState> buckets, uint64_t first_bucket,
                             uint64_t bucket_sectors, Profile profile) {
    PriorityStats s;
    const uint64_t nbuckets = buckets.size();
    if (nbuckets == 0)
        return s;
    std::vector<uint16_t> p(nbuckets, 0); // entries below first_bucket: the kernel leaves them
                                          // uninitialised; 0 is the deterministic choice
    for (uint64_t i = first_bucket; i < nbuckets; ++i) {
        const BucketState& b = buckets[i];
        if (b.sectors_used == 0)
            ++s.unused_count;
        if (b.mark == Mark::reclaimable)
            ++s.clean_count;
        if (b.mark == Mark::dirty)
            ++s.dirty_count;
        if (b.mark == Mark::metadata)
            ++s.metadata_count;
        p[i] = b.prio;
    }
    std::sort(p.begin(), p.end(), std::greater<>());
    uint64_t n = nbuckets;
    while (n > 0 && p[n - 1] == 0)
        --n;
    if (profile == Profile::v4_6)
        s.unused_count = nbuckets - n;
    size_t start = 0;
    while (start < n && p[start] == BTREE_PRIO)
        ++start;
    n -= start;
    const uint16_t* cached = p.data() + start;
    uint64_t sum = 0;
    for (uint64_t i = 0; i < n; ++i)
        sum += static_cast<uint32_t>(INITIAL_PRIO - static_cast<uint32_t>(cached[i]));
    if (n)
        sum /= n;
    for (uint64_t i = 0; i < s.quantiles.size(); ++i) {
        // With n == 0 the kernel reads cached[0]; past the array it would read garbage,
        // which here reads as a trimmed zero.
        const uint64_t idx = n * (i + 1) / 32;
        const uint16_t v = start + idx < p.size() ? cached[idx] : 0;
        s.quantiles[i] = static_cast<uint16_t>(INITIAL_PRIO - v);
    }
    s.unused = s.unused_count * 100 / nbuckets;
    s.clean = s.clean_count * 100 / nbuckets;
    s.dirty = s.dirty_count * 100 / nbuckets;
    s.metadata = s.metadata_count * 100 / nbuckets;
    s.average = sum;
    s.sectors_per_q = n * bucket_sectors / 32;
    return s;
}

std::string format_priority_stats(const PriorityStats& s) {
    std::string out;
    out += "Unused:\t\t" + std::to_string(s.unused) + "%\n";
    out += "Clean:\t\t" + std::to_string(s.clean) + "%\n";
    out += "Dirty:\t\t" + std::to_string(s.dirty) + "%\n";
    out += "Metadata:\t" + std::to_string(s.metadata) + "%\n";
    out += "Average:\t" + std::to_string(s.average) + "\n";
    out += "Sectors per Q:\t" + std::to_string(s.sectors_per_q) + "\n";
    out += "Quantiles:\t[";
    for (size_t i = 0; i < s.quantiles.size(); ++i) {
        if (i)
            out += ' ';
        out += std::to_string(s.quantiles[i]);
    }
    out += "]\n";
    return out;
}

} // namespace bucketscope::inspect
