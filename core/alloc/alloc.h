#pragma once
// The allocator's operations, one function per kernel function in alloc.c, with the
// kernel's names so a reader can hold the two side by side.
//
// Every function here expects the cache set's bucket_lock to be held by the caller (or the
// engine to be in deterministic, single-threaded mode) and never blocks: where the kernel
// sleeps, these return a failure and the engine's tasks (core/engine) decide to wait.
// Events (invalidate, alloc, alloc_fail, ...) are reported through the optional
// AllocObserver so the engine can trace them without the allocator knowing about it.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/alloc/cache.h"

namespace bucketscope {

// Hooks for tracing; all optional. Names follow the kernel's tracepoints.
struct AllocObserver {
    virtual ~AllocObserver() = default;
    virtual void on_invalidate(const Cache&, uint64_t /*bucket*/, uint16_t /*sectors*/) {}
    virtual void on_alloc(const Cache&, uint64_t /*bucket*/, Reserve) {}
    virtual void on_alloc_fail(const Cache&, Reserve) {}
    virtual void on_wake_gc() {}
};

// Builds a cache with zeroed buckets and every queue sized as cache_alloc() does.
// Returns nullptr and sets `why` where the kernel would refuse the geometry.
std::unique_ptr<Cache> make_cache(const CacheGeometry& geo, KernelProfile profile,
                                  ReplacementPolicy policy, std::string* why = nullptr);
// Same, with the queue capacities chosen by the caller instead of cache_alloc() (the victims
// command uses it for states the kernel would refuse, or to cap free_inc). Every fifo is
// exact: the sizes are taken as they are.
std::unique_ptr<Cache> make_cache(const CacheGeometry& geo, KernelProfile profile,
                                  ReplacementPolicy policy, const QueueSizes& sizes);

// --- gens and prios ---------------------------------------------------------------------
// Bumps the gen and raises need_gc to the bucket's gen distance. Inline: the invalidate
// scans call it per bucket they take.
inline uint8_t bch_inc_gen(CacheSet& c, Bucket& b) {
    ++b.gen;
    const uint8_t distance = bucket_gc_gen(b);
    if (distance > c.need_gc)
        c.need_gc = distance;
    return b.gen;
}
// Subtracts `sectors` from the rescale budget; on underflow refills it with
// nbuckets * bucket_size / 1024 and decrements every unpinned non-btree non-zero prio.
// Returns true if a rescale pass ran. Every cached request calls it and nearly every call
// only takes from the budget: that part is inline, the pass is not.
namespace detail {
bool rescale_pass(CacheSet& c, int32_t budget);
} // namespace detail
inline bool bch_rescale_priorities(CacheSet& c, int sectors) {
    // The kernel's atomic_t: 32-bit signed, wrapping.
    const int32_t r = static_cast<int32_t>(
        static_cast<uint32_t>(static_cast<uint64_t>(static_cast<int32_t>(c.rescale)) -
                              static_cast<uint64_t>(static_cast<int64_t>(sectors))));
    c.rescale = r;
    if (r >= 0)
        return false;
    return detail::rescale_pass(c, r);
}

// --- invalidation -------------------------------------------------------------------------
bool bch_can_invalidate_bucket(const CacheSet& c, const Bucket& b);
void bch_invalidate_one_bucket(CacheSet& c, Cache& ca, uint64_t bucket,
                               AllocObserver* obs = nullptr);
// One invalidate pass with the cache's policy: fills free_inc until full or the policy
// gives up (then sets invalidate_needs_gc and calls obs->on_wake_gc()).
void invalidate_buckets(CacheSet& c, Cache& ca, AllocObserver* obs = nullptr);
// LRU ranking key: (prio - min_prio + (INITIAL_PRIO - min_prio) / 8) * sectors_used, with
// the kernel's 32-bit wrap of the first factor and a 64-bit product.
uint64_t bucket_prio(uint16_t min_prio, const Bucket& b);

// --- free lists ---------------------------------------------------------------------------
// Pushes to free[PRIO] first, then BTREE, PRIO, MOVINGGC, NONE. False if all are full.
bool bch_allocator_push(Cache& ca, uint64_t bucket);
// The fast path of bch_bucket_alloc: pops free[NONE] then free[reserve], sets the mark,
// prio and sectors for the reserve. Returns nullopt when both are empty (reported as
// alloc_fail, like the kernel's !wait path) or, in v6.2, when IO is disabled (not
// reported, as in the kernel); the caller decides whether to wait and retry.
std::optional<uint64_t> bch_bucket_alloc(CacheSet& c, Cache& ca, Reserve reserve,
                                         AllocObserver* obs = nullptr);
// The same with the kernel's return convention: the bucket, or -1. bch_bucket_alloc wraps
// it inline so the optional is built in the caller's registers (an out-of-line optional
// return costs a store-forwarding stall on this hot path).
int64_t bch_bucket_alloc_index(CacheSet& c, Cache& ca, Reserve reserve,
                               AllocObserver* obs = nullptr);
inline std::optional<uint64_t> bch_bucket_alloc(CacheSet& c, Cache& ca, Reserve reserve,
                                                AllocObserver* obs) {
    const int64_t r = bch_bucket_alloc_index(c, ca, reserve, obs);
    return r < 0 ? std::nullopt : std::optional<uint64_t>(static_cast<uint64_t>(r));
}
void __bch_bucket_free(CacheSet& c, Cache& ca, Bucket& b);

// A pointer as bcache stores it in a bkey: device, sector offset, gen.
struct Ptr {
    uint8_t dev = 0;
    uint8_t gen = 0;
    uint64_t offset = 0; // sectors from the start of the device
};
// One bucket from each of `n` caches (v4.6: up to 8; v6.2: n must be 1). On failure the
// buckets already taken are freed and unpinned, as the kernel does.
bool bch_bucket_alloc_set(CacheSet& c, Reserve reserve, unsigned n, Ptr* ptrs,
                          AllocObserver* obs = nullptr);
// Drops one pin per pointer (bkey_put).
void bkey_put(CacheSet& c, const Ptr* ptrs, unsigned n);
uint64_t ptr_bucket(const Cache& ca, const Ptr& p);
// PTR_CACHE: the cache a pointer's device number names (v6.2: always the one cache);
// nullptr if no cache of the set has that number.
Cache* ptr_cache(CacheSet& c, const Ptr& p);

// --- open buckets -------------------------------------------------------------------------
void bch_open_buckets_alloc(CacheSet& c);

struct SectorRequest {
    uint64_t inode = 0;
    uint64_t offset = 0; // sector where this write starts (KEY_START)
    uint32_t sectors = 0;
    uint32_t write_point = 0;
    bool write_prio = false; // moving GC: allocate from RESERVE_MOVINGGC
    bool flash_only = false; // the inode is a flash-only volume (v6 segregation)
};
struct SectorGrant {
    uint32_t sectors = 0;    // may be fewer than requested
    uint8_t nptrs = 0;
    std::array<Ptr, MAX_CACHES_PER_SET> ptrs{};
};
// bch_alloc_sectors without waiting: returns nullopt if a bucket was needed and none could
// be allocated. The granted extent holds one pin per pointer until bkey_put(). Both kernels
// allocate a single pointer here (v4.6 passes n = 1 to bch_bucket_alloc_set), so nptrs is
// always 1. A fresh open bucket's key is inode 0, which counts as not flash-only.
std::optional<SectorGrant> bch_alloc_sectors(CacheSet& c, const SectorRequest& req,
                                             AllocObserver* obs = nullptr);

// --- accounting ---------------------------------------------------------------------------
// gc_stats.in_use from avail_nbuckets (v6).
void bch_update_bucket_in_use(CacheSet& c);

} // namespace bucketscope
