// Building a cache the way cache_alloc() in super.c does: every bucket zeroed (gen 0,
// prio 0, unmarked, unpinned), the four reserves, free_inc and the LRU heap sized from
// nbuckets, and room for the current and the previous prio bucket chain.
//
// The kernel sizes with init_fifo() (rounded) for most queues; compute_queue_sizes()
// already applied those roundings, so here every fifo is created exact with the capacity
// it computed. That keeps one place (cache.cpp) deciding the sizes and lets callers with
// their own sizes (the victims command) use the same constructor.

#include "core/alloc/alloc.h"

namespace bucketscope {

std::unique_ptr<Cache> make_cache(const CacheGeometry& geo, KernelProfile profile,
                                  ReplacementPolicy policy, std::string* why) {
    QueueSizes sizes;
    if (!compute_queue_sizes(geo, profile, sizes, why))
        return nullptr;
    return make_cache(geo, profile, policy, sizes);
}

std::unique_ptr<Cache> make_cache(const CacheGeometry& geo, KernelProfile profile,
                                  ReplacementPolicy policy, const QueueSizes& sizes) {
    auto ca = std::make_unique<Cache>();
    ca->geo = geo;
    ca->policy = policy;
    ca->buckets.assign(geo.nbuckets, Bucket{});
    for (size_t i = 0; i < RESERVE_NR; ++i)
        ca->free[i] = Fifo<uint64_t>::exact(sizes.free[i]);
    ca->free_inc = Fifo<uint64_t>::exact(sizes.free_inc);
    ca->heap = Heap<HeapEntry>(sizes.heap);
    ca->fifo_last_bucket = 0;

    // Zero-sized buckets cannot hold a prio set; the kernel never gets that far, and a
    // geometry under test may not set bucket_size, so size the chain only when it can.
    const uint64_t nprio =
        geo.bucket_bytes() > PRIO_SET_HEADER_BYTES ? geo.prio_buckets(profile) : 0;
    ca->prio_buckets.assign(nprio, 0);
    ca->prio_last_buckets.assign(nprio, 0);
    ca->disk_gens.assign(geo.nbuckets, 0);
    return ca;
}

} // namespace bucketscope
