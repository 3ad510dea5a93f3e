// Priority aging: bch_rescale_priorities(). (bch_inc_gen, its companion in alloc.c, is
// inline in alloc.h.)
//
// Priorities age by rescaling: every nbuckets * bucket_size / 1024 sectors of cached-device
// traffic (1/1024 of the cache's capacity), every unpinned data bucket's prio drops by one,
// so a bucket's prio says how long ago it was last used in units of that much traffic.
// Prio 0 (never used) and BTREE_PRIO (metadata) are left alone. min_prio records the
// smallest prio left, which the LRU ranking subtracts so rankings stay comparable as prios
// drift down.
//
// With the set's PrioClock on, the walk is deferred (prio_clock.h) with identical results.
//
// The budget is the kernel's atomic_t: 32-bit signed, updated with wrapping arithmetic.
// Only the low 32 bits of the refill matter, which also makes v4.6's 32-bit `next` and
// v6.2's 64-bit one agree. The scan is written without branches on the bucket state, since
// it touches every bucket of caches with millions of them.

#include <algorithm>

#include "core/alloc/alloc.h"

namespace bucketscope {

namespace {

// Kept scalar on GCC: its vectoriser turns this loop over 12-byte buckets into slow
// shuffles through the stack (measured in bench/, docs/performance.md).
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-tree-vectorize")))
#endif
uint16_t rescale_cache(Cache& ca, uint16_t min_prio) {
    Bucket* b = ca.buckets.data();
    const uint64_t end = ca.geo.nbuckets;
    uint32_t lowest = min_prio;
    // Branch-free: the state of neighbouring buckets is unrelated, so a branch on it
    // mispredicts often. One unsigned compare covers prio != 0 && prio != BTREE_PRIO; a
    // bucket left alone stores its own prio back and offers ~0u to the minimum.
    for (uint64_t i = ca.geo.first_bucket; i < end; ++i) {
        const uint32_t prio = b[i].prio;
        const uint32_t take = (prio - 1u < BTREE_PRIO - 1u) & (b[i].pin == 0);
        const uint32_t next = prio - take;
        b[i].prio = static_cast<uint16_t>(next);
        lowest = std::min(lowest, next | (take - 1u));
    }
    return static_cast<uint16_t>(lowest);
}

} // namespace

namespace detail {

bool rescale_pass(CacheSet& c, int32_t r) {
    if (c.caches.empty())
        return false;
    const auto wrap32 = [](uint64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v)); };
    const uint64_t next = c.nbuckets * c.caches.front()->geo.bucket_size / 1024;
    c.rescale = wrap32(static_cast<uint64_t>(static_cast<int64_t>(r)) + next);

    uint16_t min_prio = 0xffff;
    if (c.prio_clock.on()) {
        min_prio = c.prio_clock.pass(c);
    } else if (c.profile == KernelProfile::V6_2) {
        min_prio = rescale_cache(*c.caches.front(), min_prio);
    } else {
        for (auto& ca : c.caches)
            min_prio = rescale_cache(*ca, min_prio);
    }
    c.min_prio = min_prio;
    return true;
}

} // namespace detail

} // namespace bucketscope
