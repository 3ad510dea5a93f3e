// BucketSnapshot from the live cache: per-bucket fields copied linearly, then list
// membership painted from the queues and roles (free lists, free_inc, open buckets, prio
// sets, journal) — each bucket is in at most one of them (invariant 4), so the order of
// painting only matters for a broken state, where the last role painted wins.
#include <algorithm>

#include "core/engine/engine_impl.h"

namespace bucketscope {

const char* to_string(Membership m) {
    switch (m) {
    case Membership::None: return "none";
    case Membership::FreeBtree: return "free_btree";
    case Membership::FreePrio: return "free_prio";
    case Membership::FreeMovingGc: return "free_movinggc";
    case Membership::FreeNone: return "free_none";
    case Membership::FreeInc: return "free_inc";
    case Membership::Open: return "open";
    case Membership::PrioBucket: return "prio";
    case Membership::Journal: return "journal";
    case Membership::Superblock: return "superblock";
    case Membership::Count: break;
    }
    return "?";
}

BucketSnapshot build_snapshot(const Engine::Impl& e, unsigned dev) {
    const CacheSet& c = e.c;
    const Cache& ca = *c.caches.at(dev);
    const uint64_t n = ca.geo.nbuckets;
    BucketSnapshot s;
    s.clock_ns = e.rt->now();
    s.nbuckets = n;
    s.first_bucket = ca.geo.first_bucket;
    s.bucket_size = ca.geo.bucket_size;
    s.policy = ca.policy;
    s.profile = c.profile;
    s.min_prio = c.min_prio;
    s.need_gc = c.need_gc;
    s.gc_mark_valid = c.gc_mark_valid;
    s.invalidate_needs_gc = ca.invalidate_needs_gc;
    s.prio_blocked = c.prio_blocked;
    s.avail_nbuckets = c.avail_nbuckets;
    for (size_t r = 0; r < RESERVE_NR; ++r) {
        s.free_used[r] = ca.free[r].used();
        s.free_capacity[r] = ca.free[r].capacity();
    }
    s.free_inc_used = ca.free_inc.used();
    s.free_inc_capacity = ca.free_inc.capacity();

    s.gen.resize(n);
    s.prio.resize(n);
    s.mark.resize(n);
    s.sectors_used.resize(n);
    s.pin.resize(n);
    s.gc_gen.resize(n);
    s.membership.assign(n, static_cast<uint8_t>(Membership::None));
    for (uint64_t b = 0; b < n; ++b) {
        const Bucket& g = ca.buckets[b];
        s.gen[b] = g.gen;
        s.prio[b] = g.prio;
        s.mark[b] = static_cast<uint8_t>(g.mark());
        s.sectors_used[b] = g.sectors_used();
        s.pin[b] = static_cast<uint16_t>(std::clamp<int32_t>(g.pin, 0, 65535));
        s.gc_gen[b] = bucket_gc_gen(g);
    }

    auto paint = [&](uint64_t b, Membership m) {
        if (b < n)
            s.membership[b] = static_cast<uint8_t>(m);
    };
    for (uint64_t b = 0; b < ca.geo.first_bucket && b < n; ++b)
        paint(b, Membership::Superblock);
    if (dev < e.rt->roots.journal_buckets.size())
        for (uint64_t b : e.rt->roots.journal_buckets[dev])
            paint(b, Membership::Journal);
    for (size_t i = 0; i < ca.prio_buckets.size(); ++i) {
        if (ca.prio_last_buckets[i])
            paint(ca.prio_last_buckets[i], Membership::PrioBucket);
        if (ca.prio_buckets[i])
            paint(ca.prio_buckets[i], Membership::PrioBucket);
    }
    constexpr Membership kFree[RESERVE_NR] = {Membership::FreeBtree, Membership::FreePrio,
                                              Membership::FreeMovingGc, Membership::FreeNone};
    for (size_t r = 0; r < RESERVE_NR; ++r)
        ca.free[r].for_each([&](uint64_t b) { paint(b, kFree[r]); });
    ca.free_inc.for_each([&](uint64_t b) { paint(b, Membership::FreeInc); });
    for (const OpenBucket& ob : c.open_buckets)
        for (unsigned i = 0; i < ob.nptrs; ++i)
            if (ob.sectors_free && ob.ptr_dev[i] == ca.geo.nr_this_dev)
                paint(ob.ptr_bucket[i], Membership::Open);
    return s;
}

} // namespace bucketscope
