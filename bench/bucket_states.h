#pragma once
// Bucket states for the allocator benchmarks: what a cache looks like after GC has marked
// it, drawn from a fixed seed so every run (and both implementations) sees the same state.
//
// Issue 2 fixes the mix: 5% metadata, 10% dirty, 2% pinned, 10% empty, the rest clean
// cached data with random sectors and prio, and 1% of all buckets with gen - last_gc at
// BUCKET_GC_GEN_MAX (the invalidation that would wrap a gen onto a live pointer). Empty
// buckets rank 0 for LRU, so with 10% of them the LRU heap fills with ties; the
// equivalence check therefore also runs on a variant without empty buckets, where the
// ranking formula itself decides the order.
//
// Bucket 0 lies below first_bucket (the superblock area) and is left zeroed, which makes it
// look invalidatable: a pass that scanned from 0 would be caught by the equivalence check.

#include <cstdint>
#include <vector>

#include "core/alloc/bucket.h"

namespace bucketscope::bench {

inline constexpr uint64_t kStateSeed = 0x62636163686521ull; // "bcache!"
inline constexpr uint32_t kBucketSectors = 1024;            // 512 KiB buckets
inline constexpr uint16_t kFirstBucket = 1;

struct StateMix {
    unsigned metadata_pct = 5;
    unsigned dirty_pct = 10;
    unsigned pinned_pct = 2;
    unsigned empty_pct = 10;
    unsigned gen_limit_pct = 1; // drawn independently of the mark
};

struct BucketState {
    std::vector<Bucket> buckets;
    // What a rescale pass leaves in min_prio: the smallest prio among unpinned buckets
    // whose prio is neither 0 nor BTREE_PRIO.
    uint16_t min_prio = 0;
    // How many buckets a pass may take (mark 0 or RECLAIMABLE, unpinned, below the gen
    // limit, at or above first_bucket).
    uint64_t invalidatable = 0;
};

// nbuckets includes the buckets below kFirstBucket.
BucketState make_bucket_state(uint64_t nbuckets, const StateMix& mix = {},
                              uint64_t seed = kStateSeed);

} // namespace bucketscope::bench
