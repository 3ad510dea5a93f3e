#pragma once
// One cache under test, in both implementations: the engine's CacheSet/Cache (built with
// make_cache, as the engine builds it) and the reference's ref_cache_set/ref_cache, set up
// from the same generated bucket state.
//
// For the benchmarks the reference works on the engine's own bucket vector, so the two
// sides of a pair read and write the same memory and differ only in code. The equivalence
// check instead gives the reference its own copy, so both can run the same sequence of
// passes and their results can be compared bucket by bucket.
//
// A pass changes only the buckets it invalidates (gen, prio, pin) plus free_inc and a few
// flags, so undoing one is cheap: copy those buckets back from the pristine state. That
// keeps every timed pass starting from the same state without copying the whole array.

#include <memory>
#include <vector>

#include "bench/bucket_states.h"
#include "bench/reference_alloc.h"
#include "core/alloc/alloc.h"

namespace bucketscope::bench {

enum class Sharing { SameBuckets, OwnCopy };

class Rig {
  public:
    Rig(uint64_t nbuckets, Sharing sharing, const StateMix& mix = {});
    ~Rig();
    Rig(const Rig&) = delete;
    Rig& operator=(const Rig&) = delete;

    uint64_t nbuckets() const { return nbuckets_; }
    const BucketState& pristine() const { return pristine_; }

    CacheSet& set() { return set_; }
    Cache& cache() { return *set_.caches.front(); }
    ref_cache_set& rset() { return rset_; }
    ref_cache& rcache() { return rca_; }
    // The bucket array the reference works on.
    std::vector<Bucket>& ref_buckets() {
        return sharing_ == Sharing::SameBuckets ? cache().buckets : own_;
    }

    // Everything back to the pristine state: buckets, queues, cursors, flags, min_prio.
    void reset();
    // Undo one invalidate pass of either side: restore the buckets on its free_inc and
    // empty it, clear invalidate_needs_gc and need_gc.
    void undo_engine_pass();
    void undo_reference_pass();

  private:
    uint64_t nbuckets_;
    Sharing sharing_;
    BucketState pristine_;
    CacheSet set_;
    std::vector<Bucket> own_; // the reference's buckets with Sharing::OwnCopy
    ref_cache_set rset_{};
    ref_cache rca_{};
};

// The engine's geometry for the generated states.
CacheGeometry bench_geometry(uint64_t nbuckets);

} // namespace bucketscope::bench
