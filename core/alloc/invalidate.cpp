// Invalidation: choosing buckets to reuse and bumping their gens into free_inc.
//
// A bucket can be reused when it holds nothing that must survive (unmarked or only clean
// cached data), nobody holds a pin on it, and its gen is less than 96 ahead of the oldest
// pointer GC saw (so the bump cannot wrap onto a live pointer). Invalidating it bumps the
// gen in memory, resets the prio and pins it until the new gen is on disk; the bucket
// then waits on free_inc for the prio write (allocator task, core/engine).
//
// One pass fills free_inc with the cache's replacement policy:
//  - LRU ranks each candidate by (prio - min_prio + (INITIAL_PRIO - min_prio) / 8) *
//    sectors_used, keeps the heap.size() lowest in a max-heap, turns that into a min-heap
//    and pops from it. Which of several equal-ranked buckets goes first is decided by the
//    kernel's heap macros (heap.h reproduces them), so the sequence of heap operations
//    here is the kernel's: add while not full, otherwise replace the root only when
//    strictly smaller. The kernel recomputes a bucket's rank at each comparison; the rank
//    cannot change during a pass (only popped buckets are modified), so it is computed
//    once per bucket and stored in the heap entry. The scan that fills the heap is in
//    lru_scan.cpp: it filters blocks of buckets against the worst kept and hands only the
//    buckets that beat it to the heap code, the same sequence of heap operations.
//  - FIFO walks a cursor round the buckets from first_bucket.
//  - Random draws buckets with the cache's seeded generator (random.h).
// A policy that runs out of candidates sets invalidate_needs_gc and wakes GC; the
// allocator then waits for GC to find more.
//
// The scans run under bucket_lock over every bucket, so they are kept tight: the
// candidate test is branch-free bit arithmetic and the observer is called only for the
// buckets actually invalidated.

#include "core/alloc/alloc.h"
#include "core/alloc/lru_scan.h"
#include "core/alloc/random.h"

#include <cassert>

namespace bucketscope {

using detail::invalidatable;
using detail::LruRank;

namespace {

// __bch_invalidate_one_bucket plus the push to free_inc, inlined into the scan loops.
inline void invalidate_bucket(CacheSet& c, Cache& ca, uint64_t bucket, AllocObserver* obs) {
    Bucket& b = ca.buckets[bucket];
    assert(b.mark() == GcMark::None || b.mark() == GcMark::Reclaimable);
    // The kernel traces bcache_invalidate only when data is evicted (sectors != 0); the
    // observer sees every invalidation and gets the count to make that call itself.
    if (obs)
        obs->on_invalidate(ca, bucket, b.sectors_used());
    bch_inc_gen(c, b);
    c.prio_clock.pinning(b);
    b.prio = INITIAL_PRIO;
    ++b.pin;
    ca.free_inc.push(bucket);
}

void give_up(Cache& ca, AllocObserver* obs) {
    ca.invalidate_needs_gc = true;
    if (obs)
        obs->on_wake_gc();
}

void invalidate_buckets_fifo(CacheSet& c, Cache& ca, AllocObserver* obs) {
    const uint64_t first = ca.geo.first_bucket;
    const uint64_t end = ca.geo.nbuckets;
    const Bucket* b = ca.buckets.data();
    uint64_t cursor = ca.fifo_last_bucket;
    size_t room = ca.free_inc.capacity() - ca.free_inc.used();
    uint64_t checked = 0;

    bool exhausted = false;
    while (room) {
        if (cursor < first || cursor >= end)
            cursor = first;
        const uint64_t bucket = cursor++;
        if (invalidatable(b[bucket])) {
            invalidate_bucket(c, ca, bucket, obs);
            --room;
        }
        if (++checked >= end) {
            exhausted = true;
            break;
        }
    }
    ca.fifo_last_bucket = cursor;
    if (exhausted)
        give_up(ca, obs);
}

void invalidate_buckets_random(CacheSet& c, Cache& ca, AllocObserver* obs) {
    const uint64_t first = ca.geo.first_bucket;
    const uint64_t span = ca.geo.nbuckets - first;
    const uint64_t limit = ca.geo.nbuckets / 2;
    const Bucket* b = ca.buckets.data();
    size_t room = ca.free_inc.capacity() - ca.free_inc.used();
    uint64_t checked = 0;

    while (room) {
        const uint64_t bucket = first + splitmix64_next(ca.random_state) % span;
        if (invalidatable(b[bucket])) {
            invalidate_bucket(c, ca, bucket, obs);
            --room;
        }
        if (++checked >= limit) {
            give_up(ca, obs);
            return;
        }
    }
}

} // namespace

void invalidate_buckets_lru(CacheSet& c, Cache& ca, AllocObserver* obs, LruScan s) {
    const auto min_cmp = [](const HeapEntry& l, const HeapEntry& r) { return l.key > r.key; };
    Heap<HeapEntry>& heap = ca.heap;
    lru_fill_heap(c, ca, s);
    heap.rebuild(min_cmp);

    HeapEntry e;
    while (!ca.free_inc.full()) {
        if (!heap.pop(e, min_cmp)) {
            give_up(ca, obs);
            return;
        }
        invalidate_bucket(c, ca, e.bucket, obs);
    }
}

bool bch_can_invalidate_bucket(const CacheSet& c, const Bucket& b) {
    assert(c.gc_mark_valid && "the kernel BUGs when GC marks are not valid");
    (void)c;
    return invalidatable(b);
}

uint64_t bucket_prio(uint16_t min_prio, const Bucket& b) {
    return LruRank(min_prio)(b);
}

void bch_invalidate_one_bucket(CacheSet& c, Cache& ca, uint64_t bucket, AllocObserver* obs) {
    invalidate_bucket(c, ca, bucket, obs);
}

void invalidate_buckets(CacheSet& c, Cache& ca, AllocObserver* obs) {
    // The allocator only calls this once GC marks are valid and no earlier pass gave up
    // (the kernel BUG_ONs both); in a release build a violated precondition does nothing
    // rather than invalidating buckets with stale marks.
    assert(c.gc_mark_valid && !ca.invalidate_needs_gc);
    assert(ca.buckets.size() == ca.geo.nbuckets && ca.geo.first_bucket < ca.geo.nbuckets);
    if (!c.gc_mark_valid || ca.invalidate_needs_gc || ca.geo.first_bucket >= ca.geo.nbuckets ||
        ca.buckets.size() < ca.geo.nbuckets)
        return;

    switch (ca.policy) {
    case ReplacementPolicy::Lru:
        invalidate_buckets_lru(c, ca, obs, lru_scan_fastest());
        break;
    case ReplacementPolicy::Fifo:
        invalidate_buckets_fifo(c, ca, obs);
        break;
    case ReplacementPolicy::Random:
        invalidate_buckets_random(c, ca, obs);
        break;
    }
}

} // namespace bucketscope
