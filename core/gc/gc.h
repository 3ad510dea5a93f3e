#pragma once
// GC's mark phase (btree.c) over the engine's extent index, and what GC finish and the
// initial GC at registration do to bucket state.
//
// Why GC exists for the allocator: a bucket's mark says whether it may be invalidated
// (nothing or clean data: yes; dirty data or metadata: never) and its gen may only run
// BUCKET_GC_GEN_MAX ahead of the oldest pointer still in the btree. Both facts are only
// known by walking every key, which is what this does:
//   btree_gc_start  forget marks of unpinned buckets, last_gc = gen, gc_mark_valid = 0;
//   the walk        mark every key (node keys as METADATA with the node size, extents as
//                   DIRTY or RECLAIMABLE with their sectors), lower last_gc to the oldest
//                   pointer gen, and rewrite the nodes the kernel would rewrite (max
//                   stale > 10 or more than half the keys bad) without their bad keys
//                   (in place, or into a fresh bucket through a rewrite sink), so the next
//                   GC can raise last_gc and the allocator always makes progress;
//   gc_finish       mark journal, prio and uuid buckets METADATA, recount availability,
//                   gc_mark_valid = 1, invalidate_needs_gc = 0.
// The walk can run in one call (bch_btree_gc) or leaf by leaf (GcWalk) so the engine can
// let the allocator and writers run while marks are invalid, as the v6 incremental GC does.
//
// Everything here expects bucket_lock held (or the deterministic single thread).

#include <cstdint>
#include <functional>
#include <vector>

#include "core/alloc/cache.h"
#include "core/index/extent_index.h"

namespace bucketscope {

// What GC marks that is not in the index: it needs to be told where these live.
struct GcRoots {
    // Per cache of the set (same order as CacheSet::caches): journal buckets sb.d[0..keys).
    std::vector<std::vector<uint64_t>> journal_buckets;
    // The uuid bucket key's pointers (empty before the uuid bucket exists).
    std::vector<Ptr> uuid_ptrs;
};

// gc_stat: what the last GC saw (sysfs btree_nodes, btree_used_percent, ... and in_use).
struct GcStats {
    uint64_t nodes = 0;
    uint64_t nkeys = 0;      // good (not stale) extents
    uint64_t key_bytes = 0;  // packed bytes of the good extents
    uint64_t data = 0;       // bytes of live extent data
    unsigned in_use = 0;     // percent of buckets not available
    uint64_t stale_dropped = 0; // extents dropped by node rewrites
    uint64_t nodes_rewritten = 0;
    uint8_t max_stale = 0;
};

// set_gc_sectors: the next GC after writing 1/16 of the cache.
void set_gc_sectors(CacheSet& c);

// btree_gc_start. Returns false (and does nothing) if gc_mark_valid is already 0, i.e. a
// GC is running.
bool btree_gc_start(CacheSet& c);

// __bch_btree_mark_key for a key of `level` with pointers `ptrs` covering `size` sectors
// (the node size for level > 0). ZERO_KEY positions are the caller's to skip. Returns the
// largest staleness among its pointers.
uint8_t btree_mark_key(CacheSet& c, unsigned level, const Ptr* ptrs, unsigned nptrs,
                       uint32_t size, bool dirty);
uint8_t btree_mark_extent(CacheSet& c, const Extent& k);

// The walk, one leaf at a time in key order. start() marks the root's own key and every
// interior node (cheap: few nodes) and resets the cursor; step() marks up to `max_leaves`
// leaves after gc_done. Leaves inserted or split between steps are found by position, as
// the kernel resumes from gc_done; buckets allocated meanwhile carry bch_bucket_alloc's
// marks, which GC start did not reset.
class GcWalk {
  public:
    // Where nodes to rewrite go instead of having their bad keys dropped in place: the
    // engine rewrites them into fresh buckets (btree_gc_rewrite_node), so the on-disk btree
    // loses them too. Unset: dropped in place.
    void set_rewrite_sink(std::function<void(uint32_t leaf)> sink) { sink_ = std::move(sink); }
    void start(CacheSet& c, ExtentIndex& idx);
    // Returns true when every leaf has been marked.
    bool step(CacheSet& c, ExtentIndex& idx, size_t max_leaves);
    bool done() const { return done_; }
    const GcStats& stats() const { return stats_; }
    KeyPos gc_done() const { return gc_done_; }

  private:
    void mark_node(CacheSet& c, ExtentIndex& idx, uint32_t id);
    KeyPos gc_done_ = KeyPos::zero();
    bool done_ = true;
    GcStats stats_;
    std::function<void(uint32_t)> sink_;
};

// bch_btree_gc_finish. Returns the count of available buckets (v4.6's return value; v6.2
// also leaves it in avail_nbuckets).
uint64_t bch_btree_gc_finish(CacheSet& c, const GcRoots& roots);

// The end of bch_btree_gc after finish: gc_stats.in_use from the available count.
void gc_update_stats(CacheSet& c, uint64_t available, GcStats& stats);

// One whole GC in one call: start, walk, finish, stats. As in the kernel, a skipped start
// (gc_mark_valid already 0: an earlier GC did not finish) does not stop the walk and the
// finish; the return value says whether start reset the marks. Do not call it while a
// GcWalk is in progress. Moving GC is separate (core/gc/moving_gc.h).
bool bch_btree_gc(CacheSet& c, ExtentIndex& idx, const GcRoots& roots, GcStats* stats = nullptr);

// bch_initial_gc_finish at registration: gc_finish, then for each cache seed free[PRIO]
// and then free[BTREE] with every can_invalidate bucket of mark 0 (invalidated: gen + 1,
// INITIAL_PRIO, pin + 1), from first_bucket until both are full. These buckets skip the
// "gen durable before use" rule (invariant 1's exception): the returned lists, one per
// cache, are what the checker must be told. free_inc must be empty (it is at registration).
std::vector<std::vector<uint64_t>> bch_initial_gc_finish(CacheSet& c, const GcRoots& roots,
                                                         AllocObserver* obs = nullptr);

// bch_btree_check's initial mark (3.3) for a tree loaded from disk: every non-stale pointer
// sets its bucket's gen to the pointer's gen, node buckets get BTREE_PRIO, leaf pointers into
// a BTREE_PRIO bucket INITIAL_PRIO; then the keys are marked as in the walk.
void bch_btree_check(CacheSet& c, const ExtentIndex& idx);

} // namespace bucketscope
