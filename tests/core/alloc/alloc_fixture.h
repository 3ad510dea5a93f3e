#pragma once
// Test helpers: a cache set with one (or a few) caches built by make_cache(), and a way to
// stock free lists the way the allocator does (invalidate, then push).

#include <gtest/gtest.h>

#include <vector>

#include "core/alloc/alloc.h"

namespace bucketscope::testing {

inline CacheGeometry test_geometry(uint64_t nbuckets, uint32_t bucket_size = 1024,
                                   uint16_t block_size = 8, uint16_t dev = 0) {
    CacheGeometry g;
    g.nbuckets = nbuckets;
    g.bucket_size = bucket_size;
    g.block_size = block_size;
    g.first_bucket = 1;
    g.nr_this_dev = dev;
    return g;
}

// Fills an empty cache set with `ncaches` identical caches (devices 0..n-1), GC marks
// valid. (CacheSet holds a mutex, so it is built in place.)
inline void init_set(CacheSet& c, uint64_t nbuckets,
                     ReplacementPolicy policy = ReplacementPolicy::Lru,
                     KernelProfile profile = KernelProfile::V6_2, uint32_t bucket_size = 1024,
                     unsigned ncaches = 1, uint16_t block_size = 8) {
    c.profile = profile;
    for (unsigned i = 0; i < ncaches; ++i) {
        std::string why;
        auto ca = make_cache(test_geometry(nbuckets, bucket_size, block_size,
                                           static_cast<uint16_t>(i)),
                             profile, policy, &why);
        EXPECT_NE(ca, nullptr) << why;
        c.caches.push_back(std::move(ca));
    }
    c.nbuckets = nbuckets * ncaches;
    c.gc_mark_valid = true;
}

// Invalidates `bucket` and puts it straight on free[reserve], as the allocator would after
// the prio write.
inline void stock(CacheSet& c, Cache& ca, uint64_t bucket, Reserve reserve) {
    bch_invalidate_one_bucket(c, ca, bucket);
    uint64_t popped = 0;
    ASSERT_TRUE(ca.free_inc.pop(popped));
    ASSERT_EQ(popped, bucket);
    ASSERT_TRUE(ca.free[reserve].push(bucket));
}

inline std::vector<uint64_t> drain(Fifo<uint64_t>& f) {
    std::vector<uint64_t> out;
    uint64_t v;
    while (f.pop(v))
        out.push_back(v);
    return out;
}

// Records every observer call.
struct RecordingObserver : AllocObserver {
    struct Invalidation {
        uint64_t bucket;
        uint16_t sectors;
    };
    std::vector<Invalidation> invalidated;
    std::vector<std::pair<uint64_t, Reserve>> allocs;
    std::vector<Reserve> fails;
    int wake_gc = 0;

    void on_invalidate(const Cache&, uint64_t bucket, uint16_t sectors) override {
        invalidated.push_back({bucket, sectors});
    }
    void on_alloc(const Cache&, uint64_t bucket, Reserve r) override {
        allocs.emplace_back(bucket, r);
    }
    void on_alloc_fail(const Cache&, Reserve r) override { fails.push_back(r); }
    void on_wake_gc() override { ++wake_gc; }
};

} // namespace bucketscope::testing
