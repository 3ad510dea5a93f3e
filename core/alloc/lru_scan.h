#pragma once
// The LRU pass's scan (invalidate_buckets_lru's first loop): which buckets end up in the
// heap, and where, before it is turned into a min-heap and popped.
//
// The kernel walks every bucket from first_bucket: it adds candidates to a max-heap until
// the heap is full, then replaces the root with a candidate only when that candidate's
// rank is strictly below the root's. The heap's layout, and so which of several
// equal-ranked buckets is popped first, follows from that exact sequence of adds and
// replacements. A candidate rejected while the heap is full leaves no trace, and the root
// ("the worst kept") only ever goes down during the walk, so any bucket whose rank is not
// below the worst at some earlier point of the walk would be rejected too: a filter that
// tests many buckets at once against the worst at the start of their block, and hands
// only the ones that pass to the heap code, in index order, performs exactly the kernel's
// sequence of operations. The filter is exact arithmetic on the same fields, not a
// heuristic; the heap code re-tests each bucket it is handed against the current worst.
// Once the worst is 0 nothing can beat it and the walk stops.
//
// Reference is the kernel's loop as written (one bucket at a time through the heap code);
// the tests check every other kind against it, heap slot for heap slot.

#include "core/alloc/alloc.h"

#include <cstdint>

namespace bucketscope {

namespace detail {

// bch_can_invalidate_bucket without its gc_mark_valid check, which the passes make once.
// Marks 0 and RECLAIMABLE are exactly the ones with bit 1 clear.
inline bool invalidatable(const Bucket& b) {
    return ((b.gc_mark & 2u) == 0) & (b.pin == 0) & (bucket_gc_gen(b) < BUCKET_GC_GEN_MAX);
}

// bucket_prio() with the kernel's C arithmetic: the u16 operands promote to int, adding the
// unsigned scale turns the sum into a wrapping 32-bit unsigned value, and GC_SECTORS_USED
// is a u64, so the product is 64-bit.
struct LruRank {
    uint16_t min_prio;
    uint32_t scale;

    explicit LruRank(uint16_t mp)
        : min_prio(mp), scale((static_cast<uint32_t>(INITIAL_PRIO) - mp) / 8u) {}

    uint64_t operator()(uint16_t prio, uint16_t sectors) const {
        const uint32_t term =
            static_cast<uint32_t>(static_cast<int>(prio) - static_cast<int>(min_prio)) + scale;
        return static_cast<uint64_t>(term) * sectors;
    }
    uint64_t operator()(const Bucket& b) const { return (*this)(b.prio, b.sectors_used()); }
};

} // namespace detail

enum class LruScan : uint8_t {
    Reference, // the kernel's loop, every bucket through the heap code (the fallback)
    Avx2,      // the block filter, eight buckets at a time (x86-64 CPUs with AVX2)
};

// Whether this build and CPU can run `s`; the fastest one that can.
bool lru_scan_available(LruScan s);
LruScan lru_scan_fastest();

// Fills ca.heap as the kernel's scan leaves it (a max-heap of the heap.size() lowest
// ranks). Prios are read through the prio clock when it is on. `s` must be available.
void lru_fill_heap(const CacheSet& c, Cache& ca, LruScan s);

// The whole LRU pass (scan, re-heapify, pop into free_inc) with scan `s`; invalidate_buckets
// runs it with lru_scan_fastest(). Same preconditions as invalidate_buckets.
void invalidate_buckets_lru(CacheSet& c, Cache& ca, AllocObserver* obs, LruScan s);

} // namespace bucketscope
