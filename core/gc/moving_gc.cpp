// Moving GC's bucket selection and the list of extents to move (movinggc.c). See moving_gc.h.

#include "core/gc/moving_gc.h"

#include "core/alloc/alloc.h"

namespace bucketscope {

namespace {

// bucket_cmp: a max-heap on sectors_used, so the root is the fullest candidate kept.
bool sectors_less(const HeapEntry& l, const HeapEntry& r) { return l.key < r.key; }

// Sets GC_MOVE on the chosen buckets; returns how many, adding their sectors to `sectors`.
uint64_t select_buckets(Cache& ca, uint64_t& sectors) {
    const uint64_t reserve_sectors =
        uint64_t(ca.geo.bucket_size) * ca.free[RESERVE_MOVINGGC].used();
    uint64_t sectors_to_move = 0;
    ca.heap.clear();
    for (uint64_t b = ca.geo.first_bucket; b < ca.geo.nbuckets; ++b) {
        const Bucket& bk = ca.buckets[b];
        const uint16_t used = bk.sectors_used();
        if (bk.mark() == GcMark::Metadata || !used || used == ca.geo.bucket_size || bk.pin)
            continue;
        const HeapEntry e{used, b};
        if (!ca.heap.full()) {
            sectors_to_move += used;
            ca.heap.add(e, sectors_less);
        } else if (sectors_less(e, ca.heap.peek())) {
            sectors_to_move -= ca.heap.peek().key;
            sectors_to_move += used;
            ca.heap.replace_top(e, sectors_less);
        }
    }
    HeapEntry e{};
    while (sectors_to_move > reserve_sectors && ca.heap.pop(e, sectors_less))
        sectors_to_move -= e.key;
    uint64_t selected = 0;
    sectors += sectors_to_move;
    while (ca.heap.pop(e, sectors_less)) {
        ca.buckets[e.bucket].set_gc_move(true);
        ++selected;
    }
    return selected;
}

} // namespace

MovingGcResult bch_moving_gc(CacheSet& c, const ExtentIndex& idx, bool copy_gc_enabled) {
    MovingGcResult r;
    if (!copy_gc_enabled)
        return r;
    // v6.2 has one cache per set; v4.6 loops over all of them (the same code either way).
    for (auto& ca : c.caches)
        r.buckets_selected += select_buckets(*ca, r.sectors_to_move);
    if (!r.buckets_selected)
        return r;
    idx.for_each([&](const Extent& k) {
        bool pred = false; // moving_pred: any available pointer into a GC_MOVE bucket
        for (unsigned i = 0; i < k.nptrs && !pred; ++i)
            if (ptr_available(c, k.ptrs[i])) {
                const Cache& ca = *ptr_cache(c, k.ptrs[i]);
                pred = ca.buckets[ptr_bucket(ca, k.ptrs[i])].gc_move();
            }
        // read_moving skips keys whose first pointer went stale since the scan.
        if (pred && ptr_available(c, k.ptrs[0]) && !ptr_stale(c, k.ptrs[0]))
            r.moves.push_back(k);
    });
    return r;
}

} // namespace bucketscope
