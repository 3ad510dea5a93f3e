#pragma once
// Test helpers for GC, the extent index and the checker: a one-cache set built by
// make_cache(), extents and pointers made from bucket numbers, and the allocator's way of
// stocking a free list (invalidate, then push).

#include <gtest/gtest.h>

#include <string>

#include "core/alloc/alloc.h"
#include "core/gc/gc.h"
#include "core/index/extent_index.h"

namespace bucketscope::testing {

inline constexpr uint64_t kBuckets = 1024;
inline constexpr uint32_t kBucketSize = 64; // sectors

class GcFixture : public ::testing::Test {
  protected:
    explicit GcFixture(KernelProfile profile = KernelProfile::V6_2, uint64_t nbuckets = kBuckets,
                       uint32_t bucket_size = kBucketSize) {
        CacheGeometry g;
        g.nbuckets = nbuckets;
        g.bucket_size = bucket_size;
        g.block_size = 8;
        g.first_bucket = 1;
        g.njournal_buckets = 8;
        std::string why;
        c.profile = profile;
        c.caches.push_back(make_cache(g, profile, ReplacementPolicy::Lru, &why));
        EXPECT_NE(c.caches.front(), nullptr) << why;
        c.nbuckets = nbuckets;
        c.gc_mark_valid = true;
    }

    Cache& ca() { return *c.caches.front(); }
    Bucket& bucket(uint64_t b) { return ca().buckets[b]; }

    // A pointer to `off` sectors into bucket `b` with the bucket's current gen.
    Ptr ptr(uint64_t b, uint64_t off = 0) {
        return Ptr{0, bucket(b).gen, b * ca().geo.bucket_size + off};
    }
    // An extent [start, start + size) of `inode` whose data sits at `off` in bucket `b`.
    Extent extent(uint64_t inode, uint64_t start, uint32_t size, uint64_t b, uint64_t off = 0,
                  bool dirty = false) {
        Extent e;
        e.inode = inode;
        e.offset = start + size;
        e.size = size;
        e.dirty = dirty;
        e.nptrs = 1;
        e.ptrs[0] = ptr(b, off);
        return e;
    }

    // What the allocator does between an invalidation and bch_bucket_alloc.
    void stock(uint64_t b, Reserve r) {
        bch_invalidate_one_bucket(c, ca(), b);
        uint64_t popped = 0;
        ASSERT_TRUE(ca().free_inc.pop(popped));
        ASSERT_EQ(popped, b);
        ASSERT_TRUE(ca().free[r].push(b));
    }

    CacheSet c;
};

inline IndexGeometry small_nodes(uint32_t keys = 4) {
    return IndexGeometry{kBucketSize, keys};
}

} // namespace bucketscope::testing
