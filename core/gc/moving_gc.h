#pragma once
// Moving GC (movinggc.c, bch_moving_gc), run at the end of every GC when copy_gc_enabled.
//
// Half-empty clean buckets waste cache: moving GC picks the least-full ones whose live data
// fits in the MOVINGGC reserve, sets GC_MOVE on them and rewrites their live extents
// elsewhere. Once nothing points into them any more, the next GC marks them 0 and the
// allocator can invalidate them without evicting anything.
//
// Selection per cache, as the kernel does it: candidates are buckets >= first_bucket that
// are not METADATA, not empty, not full and not pinned; ca.heap keeps the heap.size()
// least-full (max-heap on sectors_used, the kernel's sift order); while their total exceeds
// bucket_size * fifo_used(free[MOVINGGC]) the fullest is dropped; the rest get GC_MOVE.
//
// This module only selects: it returns the extents to move (non-stale, with an available
// pointer into a GC_MOVE bucket). The engine rewrites each one with write_prio (so it
// allocates from RESERVE_MOVINGGC) and installs it with ExtentIndex::replace(old, new).
// Callers hold bucket_lock.

#include <cstdint>
#include <vector>

#include "core/alloc/cache.h"
#include "core/index/extent_index.h"

namespace bucketscope {

struct MovingGcResult {
    uint64_t buckets_selected = 0; // GC_MOVE set, over all caches
    uint64_t sectors_to_move = 0;  // their sectors_used total
    std::vector<Extent> moves;     // extents to rewrite, in key order
};

// Does nothing (empty result) unless `copy_gc_enabled`; the kernel's default is off.
MovingGcResult bch_moving_gc(CacheSet& c, const ExtentIndex& idx, bool copy_gc_enabled);

} // namespace bucketscope
