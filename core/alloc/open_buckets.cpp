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
// If the chosen bucket is full, it takes over a freshly allocated bucket; without one the
// caller allocates (RESERVE_MOVINGGC for moving GC, RESERVE_NONE otherwise) and picks
// again. Write points keep concurrent streams apart so data that dies together sits
// together and whole buckets become reclaimable at once.
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

// A key being allocated: the pointers bch_bucket_alloc_set() returned, or none.
struct AllocKey {
    std::array<Ptr, MAX_CACHES_PER_SET> ptrs{};
    unsigned nptrs = 0;
};

// Returns the index of the open bucket to write into, or -1 if the chosen one is full
// and `alloc` holds nothing to refill it with.
ptrdiff_t pick_data_bucket(CacheSet& c, const SectorRequest& req, AllocKey& alloc) {
    const bool segregate_flash = c.profile == KernelProfile::V6_2;
    auto& pool = c.open_buckets;
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

    OpenBucket& ob = pool[static_cast<size_t>(chosen)];
    if (ob.sectors_free == 0 && alloc.nptrs) {
        // bkey_copy of the fresh key: inode 0, offset 0 and the new pointers.
        ob.sectors_free = c.caches.front()->geo.bucket_size;
        pool.set_key(ob, 0, 0);
        ob.flash_only = false;
        ob.nptrs = static_cast<uint8_t>(alloc.nptrs);
        for (unsigned i = 0; i < alloc.nptrs; ++i) {
            const Ptr& p = alloc.ptrs[i];
            ob.ptr_dev[i] = p.dev;
            ob.ptr_gen[i] = p.gen;
            ob.ptr_offset[i] = p.offset;
            ob.ptr_bucket[i] = ptr_bucket(*ptr_cache(c, p), p);
        }
        alloc.nptrs = 0;
    }
    return ob.sectors_free ? chosen : -1;
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

    AllocKey alloc;
    ptrdiff_t picked;
    while ((picked = pick_data_bucket(c, req, alloc)) < 0) {
        const Reserve reserve = req.write_prio ? RESERVE_MOVINGGC : RESERVE_NONE;
        if (!bch_bucket_alloc_set(c, reserve, 1, alloc.ptrs.data(), obs))
            return std::nullopt;
        alloc.nptrs = 1;
    }
    // Only reachable if the pool changed between the picks (the kernel's race window);
    // kept so a bucket allocated but not used does not stay pinned.
    if (alloc.nptrs)
        bkey_put(c, alloc.ptrs.data(), alloc.nptrs);

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
