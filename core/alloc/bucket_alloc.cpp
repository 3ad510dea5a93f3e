// Free lists and bucket allocation: bch_allocator_push, bch_bucket_alloc,
// __bch_bucket_free, bch_bucket_alloc_set and bkey_put.
//
// The allocator task moves invalidated buckets from free_inc to the four reserves, always
// topping up free[PRIO] first (without prio buckets nothing can be persisted) and then
// the others in enum order, so free[NONE] only grows once BTREE, PRIO and MOVINGGC are
// full. Allocation takes from free[NONE] before the requested reserve, keeping the
// metadata reserves for when ordinary buckets run out.
//
// A bucket leaves the free lists with the one pin its invalidation took; that pin belongs
// to whoever allocated it (a btree node, a prio bucket, an open bucket) until bkey_put().
// Allocation marks the bucket for its use straight away (metadata or clean data, full
// bucket of sectors) so GC and the invalidation scans leave it alone before anything is
// written to it. The mark write is a single store: mark, sector count and GC_MOVE together
// are the whole gc_mark word.

#include <bit>
#include <cassert>

#include "core/alloc/alloc.h"

namespace bucketscope {

bool bch_allocator_push(Cache& ca, uint64_t bucket) {
    if (ca.free[RESERVE_PRIO].push(bucket))
        return true;
    for (auto& reserve : ca.free)
        if (reserve.push(bucket))
            return true;
    return false;
}

void bch_update_bucket_in_use(CacheSet& c) {
    if (c.nbuckets)
        c.gc_in_use_percent =
            static_cast<unsigned>((c.nbuckets - c.avail_nbuckets) * 100 / c.nbuckets);
}

int64_t bch_bucket_alloc_index(CacheSet& c, Cache& ca, Reserve reserve, AllocObserver* obs) {
    const bool v6 = c.profile == KernelProfile::V6_2;
    if (v6 && c.io_disable)
        return -1;

    uint64_t r;
    if (!ca.free[RESERVE_NONE].pop(r) && !ca.free[reserve].pop(r)) {
        if (obs)
            obs->on_alloc_fail(ca, reserve);
        return -1;
    }
    if (obs)
        obs->on_alloc(ca, r, reserve);

    Bucket& b = ca.buckets[r];
    assert(b.pin == 1 && "a bucket on a free list holds exactly its invalidation's pin");
    const bool metadata = reserve <= RESERVE_PRIO;
    b.gc_mark = static_cast<uint16_t>(
        ((ca.geo.bucket_size & MAX_GC_SECTORS_USED) << 2) |
        static_cast<unsigned>(metadata ? GcMark::Metadata : GcMark::Reclaimable));
    b.prio = metadata ? BTREE_PRIO : INITIAL_PRIO;

    if (v6 && c.avail_nbuckets > 0) {
        --c.avail_nbuckets;
        bch_update_bucket_in_use(c);
    }
    return static_cast<int64_t>(r);
}

void __bch_bucket_free(CacheSet& c, Cache& /*ca*/, Bucket& b) {
    b.set_mark(GcMark::None);
    b.set_sectors_used(0);
    if (c.profile == KernelProfile::V6_2 && c.avail_nbuckets < c.nbuckets) {
        ++c.avail_nbuckets;
        bch_update_bucket_in_use(c);
    }
}

Cache* ptr_cache(CacheSet& c, const Ptr& p) {
    if (c.caches.empty())
        return nullptr;
    if (c.profile == KernelProfile::V6_2)
        return c.caches.front().get();
    for (auto& ca : c.caches)
        if (ca->geo.nr_this_dev == p.dev)
            return ca.get();
    return nullptr;
}

uint64_t ptr_bucket(const Cache& ca, const Ptr& p) {
    // Bucket sizes are powers of two (the kernel shifts by bucket_bits): no division then.
    const uint64_t size = ca.geo.bucket_size;
    return size && (size & (size - 1)) == 0 ? p.offset >> std::countr_zero(size) : p.offset / size;
}

void bkey_put(CacheSet& c, const Ptr* ptrs, unsigned n) {
    for (unsigned i = 0; i < n; ++i)
        if (Cache* ca = ptr_cache(c, ptrs[i])) {
            Bucket& b = ca->buckets[ptr_bucket(*ca, ptrs[i])];
            if (--b.pin == 0)
                c.prio_clock.unpinned(b);
        }
}

bool bch_bucket_alloc_set(CacheSet& c, Reserve reserve, unsigned n, Ptr* ptrs,
                          AllocObserver* obs) {
    const bool v6 = c.profile == KernelProfile::V6_2;
    if (v6 && c.io_disable)
        return false;
    // The kernel BUGs on these; refusing keeps a caller's mistake from indexing past the
    // caches.
    assert(n >= 1 && n <= c.caches.size() && n <= MAX_CACHES_PER_SET && (!v6 || n == 1));
    if (n == 0 || n > c.caches.size() || n > MAX_CACHES_PER_SET || (v6 && n != 1))
        return false;

    for (unsigned i = 0; i < n; ++i)
        ptrs[i] = Ptr{};
    for (unsigned i = 0; i < n; ++i) {
        Cache& ca = *c.caches[i];
        const int64_t b = bch_bucket_alloc_index(c, ca, reserve, obs);
        if (b < 0) {
            // Undo the buckets already taken: unmark them and drop their pins, so the
            // next invalidate pass can take them back.
            for (unsigned j = 0; j < i; ++j) {
                Cache& prev = *ptr_cache(c, ptrs[j]);
                __bch_bucket_free(c, prev, prev.buckets[ptr_bucket(prev, ptrs[j])]);
            }
            bkey_put(c, ptrs, i);
            return false;
        }
        const auto bucket = static_cast<uint64_t>(b);
        ptrs[i] = Ptr{static_cast<uint8_t>(ca.geo.nr_this_dev), ca.buckets[bucket].gen,
                      bucket * ca.geo.bucket_size};
    }
    return true;
}

} // namespace bucketscope
