#pragma once
// What the UI (and the session store) sees of the engine: immutable copies published at a
// bounded rate. A snapshot is built under bucket_lock by the engine and then handed over
// by shared_ptr; readers never touch live allocator state.
//
// Structure of arrays, one entry per bucket (including the ones below first_bucket, which
// are shown as the superblock area), so a heatmap can scan one field linearly.

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/alloc/cache.h"

namespace bucketscope {

// Which list or role a bucket is in at snapshot time (at most one; see invariant 4).
enum class Membership : uint8_t {
    None = 0,
    FreeBtree,
    FreePrio,
    FreeMovingGc,
    FreeNone,
    FreeInc,
    Open,       // the current bucket of an open bucket
    PrioBucket, // current or last prio set
    Journal,
    Superblock, // below first_bucket
    Count,
};
const char* to_string(Membership m);

struct BucketSnapshot {
    uint64_t clock_ns = 0; // engine clock (virtual in deterministic mode)
    uint64_t seq = 0;      // increases with every published snapshot

    uint64_t nbuckets = 0;
    uint64_t first_bucket = 0;
    uint32_t bucket_size = 0; // sectors
    ReplacementPolicy policy = ReplacementPolicy::Lru;
    KernelProfile profile = KernelProfile::V6_2;

    uint16_t min_prio = 0;
    uint8_t need_gc = 0;
    bool gc_mark_valid = false;
    bool invalidate_needs_gc = false;
    int prio_blocked = 0;
    uint64_t avail_nbuckets = 0;

    std::array<size_t, RESERVE_NR> free_used{};
    std::array<size_t, RESERVE_NR> free_capacity{};
    size_t free_inc_used = 0;
    size_t free_inc_capacity = 0;

    // Per bucket.
    std::vector<uint8_t> gen;
    std::vector<uint16_t> prio;
    std::vector<uint8_t> mark;          // GcMark
    std::vector<uint16_t> sectors_used;
    std::vector<uint16_t> pin;          // saturated at 65535
    std::vector<uint8_t> membership;    // Membership
    std::vector<uint8_t> gc_gen;        // bucket_gc_gen(): distance to BUCKET_GC_GEN_MAX
};

using SnapshotPtr = std::shared_ptr<const BucketSnapshot>;

} // namespace bucketscope
