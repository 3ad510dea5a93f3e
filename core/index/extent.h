#pragma once
// An extent as the engine's index keeps it: bcache's leaf bkey, unpacked.
//
// Keys sort by (inode, end offset) exactly like bkey_cmp: KEY_OFFSET is the extent's END
// sector (exclusive) and KEY_START = offset - size. Each pointer names a cache device, the
// sector where the extent's data STARTS on it and the bucket gen at write time. A pointer
// whose gen the bucket has moved past is stale (gen_after != 0): the data is gone, the key
// is dead weight until GC drops it.
//
// The helpers here are the kernel's ptr_available / ptr_stale / bch_extent_bad, shared by
// GC, moving GC and the invariant checker. Callers hold bucket_lock (or run deterministic).

#include <array>
#include <bit>
#include <compare>
#include <cstdint>

#include "core/alloc/alloc.h"

namespace bucketscope {

inline constexpr uint64_t MAX_KEY_INODE = (1ull << 20) - 1;
inline constexpr uint64_t MAX_KEY_OFFSET = ~0ull >> 1;

// A position in key order: (KEY_INODE, KEY_OFFSET).
struct KeyPos {
    uint64_t inode = 0;
    uint64_t offset = 0;

    auto operator<=>(const KeyPos&) const = default;
    static constexpr KeyPos max() { return {MAX_KEY_INODE, MAX_KEY_OFFSET}; }
    static constexpr KeyPos zero() { return {0, 0}; }
    // The next position in key order (saturates at MAX_KEY).
    KeyPos successor() const;
};

struct Extent {
    uint64_t inode = 0;
    uint64_t offset = 0; // KEY_OFFSET: end sector, exclusive
    uint32_t size = 0;   // KEY_SIZE in sectors (16 bits on disk; callers keep it <= 65535)
    bool dirty = false;  // KEY_DIRTY: writeback data, its buckets are marked DIRTY
    uint8_t nptrs = 0;
    std::array<Ptr, MAX_CACHES_PER_SET> ptrs{};

    uint64_t start() const { return offset - size; }
    KeyPos pos() const { return {inode, offset}; }
    // Bytes of packed bkey (2 + KEY_PTRS u64s), what GC counts as key_bytes.
    uint64_t u64s() const { return 2u + nptrs; }

    // Cuts the extent down to [new_start, new_end) within its current range, moving each
    // pointer's offset forward by what was cut from the front (bch_cut_front/bch_cut_back).
    void cut(uint64_t new_start, uint64_t new_end);
};

// const PTR_CACHE on top of alloc's ptr_cache(); nullptr if no cache has that device number.
const Cache* ptr_cache(const CacheSet& c, const Ptr& p);
// ptr_available: the pointer names a cache of this set (PTR_DEV < 8 and present).
bool ptr_available(const CacheSet& c, const Ptr& p);
// ptr_stale: how many gens the bucket is ahead of the pointer (0 = live), gen_after().
// Requires ptr_available().
uint8_t ptr_stale(const CacheSet& c, const Ptr& p);
// bch_extent_bad without the debug checks: no pointers, size 0, or any pointer unavailable
// or stale. GC drops bad extents when it rewrites a node.
bool extent_bad(const CacheSet& c, const Extent& k);
// __bch_extent_invalid: a key no bucket geometry can hold (size 0, size > offset, a pointer
// outside [first_bucket, nbuckets) or running past the end of its bucket). Sets `why`.
bool extent_invalid(const CacheSet& c, const Extent& k, const char** why = nullptr);

// The per-pointer half of extent_invalid for a pointer into `ca`: nullptr if `size`
// sectors from `p` fit in one bucket in [first_bucket, nbuckets), else why not. Inline,
// and with the kernel's shift by bucket_bits for the (always power-of-two) bucket size
// instead of a 64-bit division, because the checker runs it for every pointer after every
// step. PtrGeometry is what it needs of the cache, for loops over many pointers into one
// (GC's mark) to work out once.
struct PtrGeometry {
    uint64_t first_bucket = 0;
    uint64_t nbuckets = 0;
    uint32_t bucket_size = 0;
    int bucket_bits = -1; // -1: not a power of two, divide
    PtrGeometry() = default;
    explicit PtrGeometry(const CacheGeometry& g)
        : first_bucket(g.first_bucket), nbuckets(g.nbuckets), bucket_size(g.bucket_size),
          bucket_bits((g.bucket_size & (g.bucket_size - 1)) == 0 ? std::countr_zero(g.bucket_size)
                                                                 : -1) {}
};
inline const char* ptr_invalid(const PtrGeometry& g, const Ptr& p, uint32_t size,
                               uint64_t& bucket) {
    const uint32_t bs = g.bucket_size;
    bucket = g.bucket_bits >= 0 ? p.offset >> g.bucket_bits : p.offset / bs;
    if (bucket < g.first_bucket || bucket >= g.nbuckets)
        return "pointer outside [first_bucket, nbuckets)";
    if (p.offset - bucket * bs + size > bs)
        return "pointer runs past the end of its bucket";
    return nullptr;
}
inline const char* ptr_invalid(const Cache& ca, const Ptr& p, uint32_t size, uint64_t& bucket) {
    return ptr_invalid(PtrGeometry(ca.geo), p, size, bucket);
}

} // namespace bucketscope
