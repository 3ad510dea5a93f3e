#pragma once
// GC's mark of a leaf's packed keys (extent_invalid, btree_mark_extent and extent_bad for
// keys with exactly one pointer), the walk's inner loop: GC marks every key of the index,
// stale ones included, once per 1/16 of the cache written, so this runs over millions of
// keys per replay.
//
// Three loops do the same arithmetic: the general one per key (any device number, any
// bucket geometry, the definition), one for pointers into a single cache with a
// power-of-two bucket size that keeps everything in registers, and, where the CPU has
// AVX-512, one that marks eight keys at once by gathering and scattering their buckets'
// gen, last_gc and gc_mark. The vector loop takes only groups of eight valid keys into
// eight different buckets, so its order of updates cannot differ from the key order; any
// other group goes through the scalar loops. Bucket state and counts come out identical
// whichever loop ran (tests/core/gc/gc_mark_test.cpp checks them against the definition).

#include <array>
#include <cstddef>
#include <cstdint>

#include "core/alloc/cache.h"
#include "core/index/extent_index.h"

namespace bucketscope {

// What a mark adds up over a node's keys.
struct MarkTally {
    uint32_t stale = 0;  // the largest staleness of a valid key's pointer
    size_t keys = 0;     // valid keys
    size_t good = 0;     // valid keys with an available, live pointer
    uint64_t data_sectors = 0; // the good keys' sectors
};

// The mark for one cache set; build one per node (it looks the caches up once).
class LeafMarker {
  public:
    explicit LeafMarker(CacheSet& c);
    // Marks keys[0..n) in order into the tally.
    void mark(const LeafKey* keys, size_t n, MarkTally& t) const;

    struct Dev {
        Cache* ca = nullptr; // nullptr: no cache has this device number
        PtrGeometry geo{CacheGeometry{}};
    };

  private:
    std::array<Dev, MAX_CACHES_PER_SET> devs_{};
    unsigned fast_dev_ = MAX_CACHES_PER_SET; // none: every key takes the general loop
    bool vector_ = false;
};

namespace detail {
// Which loops mark() may use, for tests: 0 the general one only, 1 also the single-cache
// scalar loop, 2 also the vector loop (if the CPU has it). Default 2.
void set_leaf_mark_level(int level);
} // namespace detail

} // namespace bucketscope
