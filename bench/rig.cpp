// Building and restoring the cache pair. The engine's side is configured the way the
// allocator finds it after a GC: gc_mark_valid set, min_prio as the last rescale left it,
// avail_nbuckets counting the invalidatable buckets.

#include "bench/rig.h"

#include <stdexcept>
#include <string>

namespace bucketscope::bench {

namespace {

constexpr uint64_t kRandomSeed = 0x72616e646f6dull; // both sides draw the same sequence

} // namespace

CacheGeometry bench_geometry(uint64_t nbuckets) {
    CacheGeometry geo;
    geo.nbuckets = nbuckets;
    geo.bucket_size = kBucketSectors;
    geo.first_bucket = kFirstBucket;
    return geo;
}

Rig::Rig(uint64_t nbuckets, Sharing sharing, const StateMix& mix)
    : nbuckets_(nbuckets), sharing_(sharing), pristine_(make_bucket_state(nbuckets, mix)) {
    std::string why;
    auto ca = make_cache(bench_geometry(nbuckets), KernelProfile::V6_2, ReplacementPolicy::Lru,
                         &why);
    if (!ca)
        throw std::runtime_error("make_cache(" + std::to_string(nbuckets) + "): " + why);
    set_.profile = KernelProfile::V6_2;
    set_.caches.push_back(std::move(ca));
    if (sharing_ == Sharing::OwnCopy)
        own_ = pristine_.buckets;
    if (ref_cache_alloc(&rset_, &rca_, ref_buckets().data(), nbuckets, kBucketSectors,
                        kFirstBucket) != 0)
        throw std::runtime_error("ref_cache_alloc(" + std::to_string(nbuckets) + ") failed");
    reset();
}

Rig::~Rig() {
    ref_cache_free(&rca_);
}

void Rig::reset() {
    Cache& ca = cache();
    ca.buckets = pristine_.buckets;
    if (sharing_ == Sharing::OwnCopy)
        own_ = pristine_.buckets;
    // The vector keeps its storage on assignment of the same size, but re-point anyway.
    rca_.buckets = ref_buckets().data();

    for (auto& f : ca.free)
        f.clear();
    ca.free_inc.clear();
    ca.heap.clear();
    ca.fifo_last_bucket = 0;
    ca.invalidate_needs_gc = false;
    ca.random_state = kRandomSeed;
    set_.nbuckets = nbuckets_;
    set_.min_prio = pristine_.min_prio;
    set_.need_gc = 0;
    set_.rescale = 0;
    set_.gc_mark_valid = true;
    set_.io_disable = false;
    set_.avail_nbuckets = pristine_.invalidatable;

    for (auto& f : rca_.free)
        ref_fifo_clear(&f);
    ref_fifo_clear(&rca_.free_inc);
    rca_.heap.used = 0;
    rca_.fifo_last_bucket = 0;
    rca_.invalidate_needs_gc = 0;
    rca_.random_state = kRandomSeed;
    rset_.min_prio = pristine_.min_prio;
    rset_.need_gc = 0;
    rset_.rescale = 0;
    rset_.gc_mark_valid = 1;
    rset_.io_disable = 0;
    rset_.avail_nbuckets = pristine_.invalidatable;
}

void Rig::undo_engine_pass() {
    Cache& ca = cache();
    ca.free_inc.for_each([&](uint64_t b) { ca.buckets[b] = pristine_.buckets[b]; });
    ca.free_inc.clear();
    ca.invalidate_needs_gc = false;
    set_.need_gc = 0;
}

void Rig::undo_reference_pass() {
    uint64_t b;
    while (ref_fifo_pop(&rca_.free_inc, &b))
        rca_.buckets[b] = pristine_.buckets[b];
    ref_fifo_clear(&rca_.free_inc); // back to slot 0, as the engine's clear() does
    rca_.invalidate_needs_gc = 0;
    rset_.need_gc = 0;
}

} // namespace bucketscope::bench
