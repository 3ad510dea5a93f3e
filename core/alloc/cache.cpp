#include "core/alloc/cache.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace bucketscope {

const char* to_string(GcMark m) {
    switch (m) {
    case GcMark::None: return "unused";
    case GcMark::Reclaimable: return "reclaimable";
    case GcMark::Dirty: return "dirty";
    case GcMark::Metadata: return "metadata";
    }
    return "?";
}

bool parse_gc_mark(const char* s, GcMark& out) {
    for (auto m : {GcMark::None, GcMark::Reclaimable, GcMark::Dirty, GcMark::Metadata})
        if (std::strcmp(s, to_string(m)) == 0) {
            out = m;
            return true;
        }
    return false;
}

const char* to_string(Reserve r) {
    switch (r) {
    case RESERVE_BTREE: return "btree";
    case RESERVE_PRIO: return "prio";
    case RESERVE_MOVINGGC: return "movinggc";
    case RESERVE_NONE: return "none";
    case RESERVE_NR: break;
    }
    return "?";
}

const char* to_string(ReplacementPolicy p) {
    switch (p) {
    case ReplacementPolicy::Lru: return "lru";
    case ReplacementPolicy::Fifo: return "fifo";
    case ReplacementPolicy::Random: return "random";
    }
    return "?";
}

bool parse_policy(const std::string& s, ReplacementPolicy& out) {
    for (auto p : {ReplacementPolicy::Lru, ReplacementPolicy::Fifo, ReplacementPolicy::Random})
        if (s == to_string(p)) {
            out = p;
            return true;
        }
    return false;
}

const char* to_string(KernelProfile p) {
    return p == KernelProfile::V4_6 ? "v4.6" : "v6.2";
}

bool parse_profile(const std::string& s, KernelProfile& out) {
    if (s == "v6.2" || s == "v6" || s == "6.2") {
        out = KernelProfile::V6_2;
        return true;
    }
    if (s == "v4.6" || s == "v4" || s == "4.6") {
        out = KernelProfile::V4_6;
        return true;
    }
    return false;
}

uint64_t CacheGeometry::prio_buffer_bytes(KernelProfile p) const {
    // meta_bucket_bytes: buckets above 4 MiB (x86-64, 4 KiB pages) share a capped buffer.
    constexpr uint64_t kMetaBucketCap = 4ull << 20;
    return p == KernelProfile::V6_2 ? std::min(bucket_bytes(), kMetaBucketCap) : bucket_bytes();
}

uint64_t CacheGeometry::prios_per_bucket(KernelProfile p) const {
    return (prio_buffer_bytes(p) - PRIO_SET_HEADER_BYTES) / BUCKET_DISK_BYTES;
}

uint64_t CacheGeometry::prio_buckets(KernelProfile p) const {
    const uint64_t ppb = prios_per_bucket(p);
    return (nbuckets + ppb - 1) / ppb;
}

bool compute_queue_sizes(const CacheGeometry& g, KernelProfile p, QueueSizes& out,
                         std::string* why) {
    const uint64_t free = std::bit_ceil(g.nbuckets) >> 10;
    if (free == 0) {
        if (why)
            *why = "nbuckets " + std::to_string(g.nbuckets) +
                   " is too small: the kernel needs more than 512 buckets";
        return false;
    }
    const auto rounded = init_fifo_capacity;
    const uint64_t btree_request =
        p == KernelProfile::V6_2 && g.njournal_buckets ? g.njournal_buckets : 8;
    const uint64_t prio = g.prio_buckets(p);

    out.free[RESERVE_BTREE] = rounded(btree_request);
    // v6 sizes the PRIO reserve exactly; v4.6 is believed to round it like the others.
    out.free[RESERVE_PRIO] = p == KernelProfile::V6_2 ? prio : rounded(prio);
    out.free[RESERVE_MOVINGGC] = rounded(free);
    out.free[RESERVE_NONE] = rounded(free);
    out.free_inc = rounded(free << 2);
    out.heap = free << 3;
    return true;
}

} // namespace bucketscope
