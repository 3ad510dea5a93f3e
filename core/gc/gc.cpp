// GC's mark phase, GC finish and the registration-time GC (btree.c), over the ExtentIndex.
// See gc.h for the why; the comments here say where the model departs from the kernel.

#include "core/gc/gc.h"

#include "core/alloc/alloc.h"
#include "core/gc/gc_buckets.h"
#include "core/gc/leaf_mark.h"

#include <algorithm>
#include <array>
#include <cassert>

namespace bucketscope {

namespace {

// btree_gc_mark_node's verdict: a node is rewritten when its worst pointer is more than
// this many gens stale or when more than half its keys are bad.
constexpr uint8_t GC_REWRITE_MAX_STALE = 10;

Bucket& bucket_of(CacheSet& c, const Ptr& p) {
    Cache& ca = *ptr_cache(c, p);
    return ca.buckets[ptr_bucket(ca, p)];
}

// The buckets GC resets and counts: from first_bucket on.
Bucket* gc_buckets(Cache& ca) { return ca.buckets.data() + ca.geo.first_bucket; }
size_t gc_nbuckets(const Cache& ca) {
    return ca.geo.nbuckets > ca.geo.first_bucket ? ca.geo.nbuckets - ca.geo.first_bucket : 0;
}

} // namespace

void set_gc_sectors(CacheSet& c) {
    if (c.caches.empty())
        return;
    c.sectors_to_gc =
        static_cast<int64_t>(uint64_t(c.caches.front()->geo.bucket_size) * c.nbuckets / 16);
}

bool btree_gc_start(CacheSet& c) {
    if (!c.gc_mark_valid)
        return false;
    c.gc_mark_valid = false;
    for (auto& ca : c.caches)
        gc_reset_buckets(gc_buckets(*ca), gc_nbuckets(*ca));
    return true;
}

uint8_t btree_mark_key(CacheSet& c, unsigned level, const Ptr* ptrs, unsigned nptrs, uint32_t size,
                       bool dirty) {
    uint8_t stale = 0;
    for (unsigned i = 0; i < nptrs; ++i) {
        if (!ptr_available(c, ptrs[i]))
            continue;
        Bucket& g = bucket_of(c, ptrs[i]);
        // last_gc remembers the oldest gen still pointing here, stale pointers included:
        // they keep the bucket's gen from running too far until GC drops them.
        if (gen_after(g.last_gc, ptrs[i].gen))
            g.last_gc = ptrs[i].gen;
        if (const uint8_t s = gen_after(g.gen, ptrs[i].gen)) {
            stale = std::max(stale, s);
            continue;
        }
        if (level)
            g.set_mark(GcMark::Metadata);
        else if (dirty)
            g.set_mark(GcMark::Dirty);
        else if (g.mark() == GcMark::None)
            g.set_mark(GcMark::Reclaimable);
        g.set_sectors_used(std::min<uint32_t>(g.sectors_used() + size, MAX_GC_SECTORS_USED));
    }
    return stale;
}

uint8_t btree_mark_extent(CacheSet& c, const Extent& k) {
    return btree_mark_key(c, 0, k.ptrs.data(), k.nptrs, k.size, k.dirty);
}

void GcWalk::start(CacheSet& c, ExtentIndex& idx) {
    stats_ = GcStats{};
    gc_done_ = KeyPos::zero();
    done_ = !idx.has_root();
    if (done_)
        return;
    const RootKey root = idx.root_key();
    btree_mark_key(c, root.level + 1u, &root.ptr, 1, root.size, false);
    // Interior nodes hold only node keys, never stale in this index (split retires a node
    // and its key together), so marking them up front is the kernel's walk minus rewrites.
    idx.for_each_node([&](uint32_t, const IndexNode& n) {
        if (!n.level)
            return;
        ++stats_.nodes;
        for (uint32_t child : n.children)
            btree_mark_key(c, n.level, &idx.node(child).ptr, 1, idx.geometry().node_sectors, false);
    });
}

void GcWalk::mark_node(CacheSet& c, ExtentIndex& idx, uint32_t id) {
    // extent_invalid, btree_mark_extent and extent_bad in one pass over the packed keys
    // (leaf_mark.h): a leaf key has exactly one pointer, so there is no need to unpack it
    // into an Extent (GC visits every key of the index each run). PTR_CACHE depends on the
    // device number alone, so the marker looks the caches up once per node.
    const LeafMarker marker(c);
    MarkTally t;
    for (const auto& chunk : idx.node(id).extents.chunks())
        marker.mark(chunk.data(), chunk.size(), t);
    const auto stale = static_cast<uint8_t>(t.stale);
    const size_t keys = t.keys, good = t.good;
    stats_.nkeys += good;
    stats_.key_bytes += good * 3 * 8; // bkey_u64s: two header words and one pointer
    stats_.data += t.data_sectors << 9;
    ++stats_.nodes;
    stats_.max_stale = std::max(stats_.max_stale, stale);
    // The kernel rewrites such a node into a fresh bucket, leaving the bad keys behind;
    // here they are dropped in place (no node bucket is spent). Either way the stale
    // pointers stop holding last_gc back from the next GC on.
    if (stale > GC_REWRITE_MAX_STALE || (keys - good) * 2 > keys) {
        if (sink_)
            sink_(id);
        else
            stats_.stale_dropped += idx.drop_bad_extents(c, id);
        ++stats_.nodes_rewritten;
    }
}

bool GcWalk::step(CacheSet& c, ExtentIndex& idx, size_t max_leaves) {
    for (size_t n = 0; n < max_leaves && !done_; ++n) {
        const uint32_t id = idx.leaf_for(gc_done_.successor());
        mark_node(c, idx, id);
        gc_done_ = idx.node(id).max;
        done_ = gc_done_ == KeyPos::max();
    }
    return done_;
}

uint64_t bch_btree_gc_finish(CacheSet& c, const GcRoots& roots) {
    set_gc_sectors(c);
    c.gc_mark_valid = true;
    c.need_gc = 0;
    for (const Ptr& p : roots.uuid_ptrs)
        if (ptr_available(c, p))
            bucket_of(c, p).set_mark(GcMark::Metadata);
    // Writeback keybufs (dirty keys about to be read) are not modelled: no backing device.
    const bool v6 = c.profile == KernelProfile::V6_2;
    if (v6)
        c.avail_nbuckets = 0;
    uint64_t available = 0;
    for (size_t i = 0; i < c.caches.size(); ++i) {
        Cache& ca = *c.caches[i];
        ca.invalidate_needs_gc = false;
        if (i < roots.journal_buckets.size())
            for (uint64_t b : roots.journal_buckets[i])
                ca.buckets[b].set_mark(GcMark::Metadata);
        // Unused slots are 0 and mark bucket 0, below first_bucket, as the kernel does.
        for (uint64_t b : ca.prio_buckets)
            ca.buckets[b].set_mark(GcMark::Metadata);
        for (uint64_t b : ca.prio_last_buckets)
            ca.buckets[b].set_mark(GcMark::Metadata);
        available += gc_count_buckets(gc_buckets(ca), gc_nbuckets(ca), c.need_gc);
    }
    if (v6)
        c.avail_nbuckets = available;
    return available;
}

void gc_update_stats(CacheSet& c, uint64_t available, GcStats& stats) {
    stats.in_use =
        c.nbuckets ? static_cast<unsigned>((c.nbuckets - available) * 100 / c.nbuckets) : 0;
    c.gc_in_use_percent = stats.in_use;
}

bool bch_btree_gc(CacheSet& c, ExtentIndex& idx, const GcRoots& roots, GcStats* stats) {
    const bool started = btree_gc_start(c);
    GcWalk walk;
    walk.start(c, idx);
    while (!walk.step(c, idx, SIZE_MAX)) {
    }
    const uint64_t available = bch_btree_gc_finish(c, roots);
    GcStats s = walk.stats();
    gc_update_stats(c, available, s);
    if (stats)
        *stats = s;
    return started;
}

std::vector<std::vector<uint64_t>> bch_initial_gc_finish(CacheSet& c, const GcRoots& roots,
                                                         AllocObserver* obs) {
    bch_btree_gc_finish(c, roots);
    std::vector<std::vector<uint64_t>> seeded(c.caches.size());
    for (size_t i = 0; i < c.caches.size(); ++i) {
        Cache& ca = *c.caches[i];
        assert(ca.free_inc.empty() && "registration seeds the reserves before any pass");
        for (uint64_t b = ca.geo.first_bucket; b < ca.geo.nbuckets; ++b) {
            if (ca.free[RESERVE_PRIO].full() && ca.free[RESERVE_BTREE].full())
                break;
            const Bucket& bk = ca.buckets[b];
            if (!bch_can_invalidate_bucket(c, bk) || bk.mark() != GcMark::None)
                continue;
            // The same gen bump, prio and pin as any invalidation, but straight onto a
            // reserve instead of waiting in free_inc for a prio write.
            bch_invalidate_one_bucket(c, ca, b, obs);
            uint64_t popped = 0;
            ca.free_inc.pop(popped);
            assert(popped == b);
            if (!ca.free[RESERVE_PRIO].push(b))
                ca.free[RESERVE_BTREE].push(b);
            seeded[i].push_back(b);
        }
    }
    return seeded;
}

void bch_btree_check(CacheSet& c, const ExtentIndex& idx) {
    auto initial_mark = [&](unsigned level, const Ptr* ptrs, unsigned n, uint32_t size,
                            bool dirty) {
        for (unsigned i = 0; i < n; ++i) {
            if (!ptr_available(c, ptrs[i]) || ptr_stale(c, ptrs[i]))
                continue;
            Bucket& b = bucket_of(c, ptrs[i]);
            b.gen = ptrs[i].gen;
            if (level)
                b.prio = BTREE_PRIO;
            else if (b.prio == BTREE_PRIO)
                b.prio = INITIAL_PRIO;
        }
        btree_mark_key(c, level, ptrs, n, size, dirty);
    };
    if (!idx.has_root())
        return;
    const uint32_t node_sectors = idx.geometry().node_sectors;
    // As bch_btree_check_recurse: a node's keys at its level, then its own key at level + 1,
    // so below the root every node's bucket is counted twice, once from its parent.
    idx.for_each_node([&](uint32_t, const IndexNode& n) {
        for (uint32_t child : n.children)
            initial_mark(n.level, &idx.node(child).ptr, 1, node_sectors, false);
        initial_mark(n.level + 1u, &n.ptr, 1, node_sectors, false);
        for (const LeafKey& key : n.extents)
            if (const Extent e = key.unpack(); !extent_invalid(c, e))
                initial_mark(0, e.ptrs.data(), e.nptrs, e.size, e.dirty);
    });
}

} // namespace bucketscope
