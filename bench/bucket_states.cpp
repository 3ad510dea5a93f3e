// The generator draws every bucket's category from one std::mt19937_64 stream (its output
// sequence is fixed by the standard, unlike the std distributions, so the states are the
// same with every standard library) and takes values by modulo: the tiny modulo bias does
// not matter for a benchmark state.

#include "bench/bucket_states.h"

#include <algorithm>
#include <random>

namespace bucketscope::bench {

namespace {

class Draw {
  public:
    explicit Draw(uint64_t seed) : rng_(seed) {}
    // Uniform-ish in [lo, hi].
    uint64_t in(uint64_t lo, uint64_t hi) { return lo + rng_() % (hi - lo + 1); }

  private:
    std::mt19937_64 rng_;
};

bool can_invalidate(const Bucket& b) {
    const GcMark m = b.mark();
    return (m == GcMark::None || m == GcMark::Reclaimable) && b.pin == 0 &&
           bucket_gc_gen(b) < BUCKET_GC_GEN_MAX;
}

} // namespace

BucketState make_bucket_state(uint64_t nbuckets, const StateMix& mix, uint64_t seed) {
    BucketState st;
    st.buckets.assign(nbuckets, Bucket{});
    Draw d(seed);

    const unsigned metadata_end = mix.metadata_pct;
    const unsigned dirty_end = metadata_end + mix.dirty_pct;
    const unsigned pinned_end = dirty_end + mix.pinned_pct;
    const unsigned empty_end = pinned_end + mix.empty_pct;

    unsigned lowest = 0xffff;
    for (uint64_t i = kFirstBucket; i < nbuckets; ++i) {
        Bucket& b = st.buckets[i];
        const unsigned pct = static_cast<unsigned>(d.in(0, 99));
        b.gen = static_cast<uint8_t>(d.in(0, 255));
        b.last_gc = static_cast<uint8_t>(b.gen - d.in(0, BUCKET_GC_GEN_MAX - 1));
        b.prio = static_cast<uint16_t>(d.in(1, INITIAL_PRIO));
        b.set_sectors_used(static_cast<uint32_t>(d.in(1, kBucketSectors)));
        b.set_mark(GcMark::Reclaimable);
        if (pct < metadata_end) {
            b.set_mark(GcMark::Metadata);
            b.prio = BTREE_PRIO;
            b.set_sectors_used(kBucketSectors);
        } else if (pct < dirty_end) {
            b.set_mark(GcMark::Dirty);
        } else if (pct < pinned_end) {
            b.pin = 1; // an open bucket or an extent on its way into the btree
        } else if (pct < empty_end) {
            b.set_mark(GcMark::None);
            b.set_sectors_used(0);
        }
        if (d.in(0, 99) < mix.gen_limit_pct)
            b.last_gc = static_cast<uint8_t>(b.gen - BUCKET_GC_GEN_MAX);

        if (b.pin == 0 && b.prio != 0 && b.prio != BTREE_PRIO)
            lowest = std::min<unsigned>(lowest, b.prio);
        st.invalidatable += can_invalidate(b);
    }
    st.min_prio = static_cast<uint16_t>(lowest);
    return st;
}

} // namespace bucketscope::bench
