// Victim order against an independent model of the kernel's procedure (kernel_model.h).
//
// The model is a literal transcription of alloc.c's invalidate_buckets_lru() and
// invalidate_buckets_fifo() with util.h's heap macros: it stores bucket indices in the
// heap (as the kernel stores bucket pointers) and recomputes bucket_prio() at every
// comparison, with the rank written out in 64-bit arithmetic and reduced mod 2^32 by
// hand rather than through the library's casts. The library precomputes ranks and uses
// heap.h; both must give the same victims in the same order on states built to be hard:
// most ranks tie, the lowest prios are pinned, many buckets are dirty, metadata, empty or
// out of gens, and candidates are sometimes scarcer than free_inc.
#include <algorithm>
#include <ostream>
#include <random>

#include "tests/core/alloc/alloc_fixture.h"
#include "tests/core/alloc/kernel_model.h"

namespace bucketscope {
namespace {

using testing::fill_hard_state;
using testing::KernelModel;
using testing::rescale_min_prio;

struct Case {
    uint64_t nbuckets;
    uint64_t seed;
    double candidate_share;
};

void PrintTo(const Case& cs, std::ostream* os) {
    *os << cs.nbuckets << " buckets, seed " << cs.seed << ", candidates " << cs.candidate_share;
}

class VictimOrder : public ::testing::TestWithParam<Case> {};

void compare_passes(ReplacementPolicy policy, const Case& cs, uint16_t first_bucket,
                    int min_prio_mode, size_t free_inc_cap) {
    std::mt19937_64 rng(cs.seed);
    std::vector<Bucket> state(cs.nbuckets);
    fill_hard_state(state, rng, cs.candidate_share);

    CacheGeometry geo = testing::test_geometry(cs.nbuckets);
    geo.first_bucket = first_bucket;
    QueueSizes sizes;
    ASSERT_TRUE(compute_queue_sizes(geo, KernelProfile::V6_2, sizes));
    sizes.free_inc = std::min(sizes.free_inc, free_inc_cap);

    CacheSet c;
    c.gc_mark_valid = true;
    c.nbuckets = cs.nbuckets;
    c.caches.push_back(make_cache(geo, KernelProfile::V6_2, policy, sizes));
    Cache& ca = *c.caches[0];
    ca.buckets = state;
    ca.fifo_last_bucket = rng() % (cs.nbuckets + 10);

    KernelModel m;
    m.buckets = state;
    m.first_bucket = first_bucket;
    m.heap_size = sizes.heap;
    m.free_inc_size = sizes.free_inc;
    m.fifo_last_bucket = ca.fifo_last_bucket;
    switch (min_prio_mode) {
    case 0: c.min_prio = 0; break;
    case 1: c.min_prio = rescale_min_prio(state, first_bucket); break;
    default: c.min_prio = static_cast<uint16_t>(32769 + rng() % 32767); break; // wraps
    }
    m.min_prio = c.min_prio;

    // Two passes in a row: the second sees the first one's gens, prios and pins.
    for (int pass = 0; pass < 2; ++pass) {
        SCOPED_TRACE(::testing::Message() << "pass " << pass << " min_prio " << c.min_prio
                                          << " first_bucket " << first_bucket);
        m.free_inc.clear();
        m.needs_gc = false;
        ca.invalidate_needs_gc = false;
        if (policy == ReplacementPolicy::Lru)
            m.lru();
        else
            m.fifo();
        invalidate_buckets(c, ca);
        ASSERT_EQ(testing::drain(ca.free_inc), m.free_inc);
        ASSERT_EQ(ca.invalidate_needs_gc, m.needs_gc);
        EXPECT_EQ(ca.fifo_last_bucket, policy == ReplacementPolicy::Fifo
                                           ? m.fifo_last_bucket
                                           : ca.fifo_last_bucket);
    }
    for (size_t i = 0; i < state.size(); ++i) {
        ASSERT_EQ(ca.buckets[i].gen, m.buckets[i].gen) << i;
        ASSERT_EQ(ca.buckets[i].prio, m.buckets[i].prio) << i;
        ASSERT_EQ(ca.buckets[i].pin, m.buckets[i].pin) << i;
    }
}

TEST_P(VictimOrder, LruMatchesTheKernelsHeapProcedure) {
    for (int mode = 0; mode < 3; ++mode)
        for (uint16_t first : {uint16_t{1}, uint16_t{17}})
            compare_passes(ReplacementPolicy::Lru, GetParam(), first, mode, SIZE_MAX);
    compare_passes(ReplacementPolicy::Lru, GetParam(), 1, 1, 3); // free_inc capped (--count)
}

TEST_P(VictimOrder, FifoMatchesTheKernelsWalk) {
    for (uint16_t first : {uint16_t{1}, uint16_t{17}})
        compare_passes(ReplacementPolicy::Fifo, GetParam(), first, 0, SIZE_MAX);
    compare_passes(ReplacementPolicy::Fifo, GetParam(), 1, 0, 2);
}

// The states above would not catch a heap that breaks ties differently if the kernel's
// order happened to be the stable one; it is not.
TEST(VictimOrderModel, IsNotAStableSortByRank) {
    std::mt19937_64 rng(6);
    KernelModel m;
    m.buckets.resize(20000);
    fill_hard_state(m.buckets, rng, 0.4);
    m.heap_size = 160;
    m.free_inc_size = 63;
    const auto state = m.buckets;
    std::vector<uint64_t> sorted;
    for (size_t i = 1; i < state.size(); ++i)
        if (m.can_invalidate(i))
            sorted.push_back(i);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [&](uint64_t l, uint64_t r) { return m.rank(l) < m.rank(r); });
    sorted.resize(m.free_inc_size);
    KernelModel before;
    before.buckets = state;
    m.lru();
    EXPECT_NE(m.free_inc, sorted);
    for (size_t i = 0; i < sorted.size(); ++i) // same ranks, different buckets
        EXPECT_EQ(before.rank(m.free_inc[i]), before.rank(sorted[i]));
}

INSTANTIATE_TEST_SUITE_P(
    HardStates, VictimOrder,
    ::testing::Values(Case{600, 1, 0.5}, Case{1000, 2, 0.01}, Case{1024, 3, 0.3},
                      Case{1025, 4, 0.9}, Case{4097, 5, 0.05}, Case{20000, 6, 0.4},
                      Case{65536, 7, 0.002}, Case{100000, 8, 0.6}),
    [](const auto& tp) {
        return "n" + std::to_string(tp.param.nbuckets) + "_seed" + std::to_string(tp.param.seed);
    });

} // namespace
} // namespace bucketscope
