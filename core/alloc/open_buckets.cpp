// Open buckets and bch_alloc_sectors(): how data writes share partly written buckets.
//
// A data write does not get a bucket of its own. The set keeps a small pool of open
// buckets (6 in v4.6, 128 in v6.2) in LRU order, each remembering the key it was last
// written for and the write point (the kernel hashes the writing task) that wrote it.
// pick_data_bucket() looks, from the most recently used, for
//   1. (v6.2) only buckets whose last inode is, like the request's, a flash-only volume or
//      not, so flash-only data (never reclaimable) is not mixed with cached data;
//   2. a bucket whose last write ended exactly where this one starts: a sequential stream
//      continues in the same bucket;
//   3. otherwise the least recently used bucket last written by the same write point;
//   4. otherwise the least recently used bucket of all.
// If the chosen bucket is full, it takes over a freshly allocated bucket (RESERVE_MOVINGGC
// for moving GC, RESERVE_NONE otherwise); the kernel's second pick after the allocation
// would choose the same bucket, so it is not repeated. Write points keep concurrent streams apart
// so data that dies together sits together and whole buckets become reclaimable at once.
//
// Pins: the open bucket holds the pin its allocation took. Each extent handed out takes
// another, dropped with bkey_put() once the extent is in the index; the extent that
// finishes a bucket (less than a block left) inherits the open bucket's pin instead.
//
// The kernel's data_bucket_lock and its drop-and-retry around the allocation collapse
// here: the caller holds bucket_lock and nothing waits.

#include <algorithm>
#include <cassert>

#include "core/alloc/alloc.h"

namespace bucketscope {

namespace {

// Which open bucket a write goes to (its LRU position); it may be full.
ptrdiff_t pick_data_bucket(const CacheSet& c, const SectorRequest& req) {
    const bool segregate_flash = c.profile == KernelProfile::V6_2;
    const auto& pool = c.open_buckets;
    ptrdiff_t chosen = -1;
    ptrdiff_t same_write_point = -1;
    if (pool.may_hold_key(req.inode, req.offset)) {
        for (ptrdiff_t i = static_cast<ptrdiff_t>(pool.size()) - 1; i >= 0; --i) {
            const OpenBucket& ob = pool[static_cast<size_t>(i)];
            if (segregate_flash && ob.flash_only != req.flash_only)
                continue;
            if (ob.inode == req.inode && ob.offset == req.offset) {
                chosen = i;
                break;
            }
            if (ob.last_write_point == req.write_point)
                same_write_point = i;
        }
    } else {
        // No sequential continuation: the least recently used bucket of the write point is
        // the first one from the LRU end, the same one the full scan would remember last.
        for (size_t i = 0; i < pool.size(); ++i) {
            const OpenBucket& ob = pool[i];
            if ((!segregate_flash || ob.flash_only == req.flash_only) &&
                ob.last_write_point == req.write_point) {
                same_write_point = static_cast<ptrdiff_t>(i);
                break;
            }
        }
    }
    if (chosen < 0)
        chosen = same_write_point >= 0 ? same_write_point : 0;
    return chosen;
}

// The full open bucket takes over the freshly allocated key: bkey_copy of inode 0,
// offset 0 and the new pointers.
void refill(CacheSet& c, OpenBucket& ob, const Ptr* ptrs, unsigned nptrs) {
    ob.sectors_free = c.caches.front()->geo.bucket_size;
    c.open_buckets.set_key(ob, 0, 0);
    ob.flash_only = false;
    ob.nptrs = static_cast<uint8_t>(nptrs);
    for (unsigned i = 0; i < nptrs; ++i) {
        const Ptr& p = ptrs[i];
        ob.ptr_dev[i] = p.dev;
        ob.ptr_gen[i] = p.gen;
        ob.ptr_offset[i] = p.offset;
        ob.ptr_bucket[i] = ptr_bucket(*ptr_cache(c, p), p);
    }
}

} // namespace

void bch_open_buckets_alloc(CacheSet& c) {
    const unsigned n =
        c.profile == KernelProfile::V6_2 ? MAX_OPEN_BUCKETS_V6 : MAX_OPEN_BUCKETS_V4;
    c.open_buckets.assign(n, OpenBucket{});
}

std::optional<SectorGrant> bch_alloc_sectors(CacheSet& c, const SectorRequest& req,
                                             AllocObserver* obs) {
    assert(!c.open_buckets.empty() && !c.caches.empty());
    if (c.open_buckets.empty() || c.caches.empty())
        return std::nullopt;

    // The kernel picks, finds the bucket full, allocates with the lock dropped and picks
    // again. Nothing here changes the pool in between, so the second pick is the first:
    // the chosen bucket takes the new key at once.
    const ptrdiff_t picked = pick_data_bucket(c, req);
    OpenBucket& full = c.open_buckets[static_cast<size_t>(picked)];
    if (full.sectors_free == 0) {
        const Reserve reserve = req.write_prio ? RESERVE_MOVINGGC : RESERVE_NONE;
        Ptr ptr;
        if (!bch_bucket_alloc_set(c, reserve, 1, &ptr, obs))
            return std::nullopt;
        refill(c, full, &ptr, 1);
    }

    // list_move_tail: the picked bucket becomes the most recently used.
    auto& pool = c.open_buckets;
    pool.move_to_back(static_cast<size_t>(picked));
    OpenBucket& ob = pool.back();

    SectorGrant grant;
    grant.sectors = std::min(req.sectors, ob.sectors_free);
    grant.nptrs = ob.nptrs;
    for (unsigned i = 0; i < ob.nptrs; ++i)
        grant.ptrs[i] = Ptr{ob.ptr_dev[i], ob.ptr_gen[i], ob.ptr_offset[i]};

    pool.set_key(ob, req.inode, req.offset + grant.sectors);
    ob.flash_only = req.flash_only;
    ob.last_write_point = req.write_point;
    ob.sectors_free -= grant.sectors;
    for (unsigned i = 0; i < ob.nptrs; ++i) {
        ob.ptr_offset[i] += grant.sectors;
        if (Cache* ca = ptr_cache(c, grant.ptrs[i]))
            ca->sectors_written += grant.sectors;
    }

    if (ob.sectors_free < c.caches.front()->geo.block_size)
        ob.sectors_free = 0;
    if (ob.sectors_free)
        for (unsigned i = 0; i < ob.nptrs; ++i)
            if (Cache* ca = ptr_cache(c, grant.ptrs[i]))
                ++ca->buckets[ob.ptr_bucket[i]].pin;
    return grant;
}

} // namespace bucketscope
