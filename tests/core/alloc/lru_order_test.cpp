// Victim order against an independent model of the kernel's procedure.
//
// The model below is a literal transcription of alloc.c's invalidate_buckets_lru() and
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

namespace bucketscope {
namespace {

struct KernelModel {
    std::vector<Bucket> buckets;
    uint64_t first_bucket = 1;
    uint16_t min_prio = 0;
    size_t heap_size = 0;
    size_t free_inc_size = 0;
    uint64_t fifo_last_bucket = 0;

    std::vector<size_t> heap_data;
    size_t heap_used = 0;
    std::vector<uint64_t> free_inc;
    bool needs_gc = false;

    uint64_t rank(size_t i) const {
        const Bucket& b = buckets[i];
        const int64_t scale = ((int64_t{INITIAL_PRIO} - min_prio) & 0xffffffff) / 8;
        const int64_t term = (int64_t{b.prio} - min_prio + scale) & 0xffffffff;
        return static_cast<uint64_t>(term) * ((b.gc_mark >> 2) & 0x1fff);
    }
    bool max_cmp(size_t l, size_t r) const { return rank(l) < rank(r); }
    bool min_cmp(size_t l, size_t r) const { return rank(l) > rank(r); }

    bool can_invalidate(size_t i) const {
        const Bucket& b = buckets[i];
        const unsigned mark = b.gc_mark & 3;
        return (mark == 0 || mark == 1) && b.pin == 0 &&
               static_cast<uint8_t>(b.gen - b.last_gc) < 96;
    }
    void invalidate(size_t i) {
        Bucket& b = buckets[i];
        b.gen++;
        b.prio = INITIAL_PRIO;
        b.pin++;
        free_inc.push_back(i);
    }

    // heap_sift
    template <bool Max> void sift(size_t j) {
        for (size_t r; j * 2 + 1 < heap_used; j = r) {
            r = j * 2 + 1;
            if (r + 1 < heap_used && cmp<Max>(heap_data[r], heap_data[r + 1]))
                r++;
            if (cmp<Max>(heap_data[r], heap_data[j]))
                break;
            std::swap(heap_data[r], heap_data[j]);
        }
    }
    template <bool Max> bool cmp(size_t l, size_t r) const {
        return Max ? max_cmp(l, r) : min_cmp(l, r);
    }
    // heap_add, with heap_sift_down (the upward step) inlined
    void heap_add_max(size_t d) {
        size_t i = heap_used++;
        heap_data[i] = d;
        while (i) {
            const size_t p = (i - 1) / 2;
            if (max_cmp(heap_data[i], heap_data[p]))
                break;
            std::swap(heap_data[i], heap_data[p]);
            i = p;
        }
        sift<true>(i);
    }
    bool heap_pop_min(size_t& d) {
        if (!heap_used)
            return false;
        d = heap_data[0];
        heap_used--;
        std::swap(heap_data[0], heap_data[heap_used]);
        sift<false>(0);
        return true;
    }

    void lru() {
        heap_data.assign(heap_size, 0);
        heap_used = 0;
        for (size_t b = first_bucket; b < buckets.size(); ++b) {
            if (!can_invalidate(b))
                continue;
            if (heap_used != heap_size) {
                heap_add_max(b);
            } else if (max_cmp(b, heap_data[0])) {
                heap_data[0] = b;
                sift<true>(0);
            }
        }
        for (ptrdiff_t i = static_cast<ptrdiff_t>(heap_used / 2) - 1; i >= 0; --i)
            sift<false>(static_cast<size_t>(i));
        while (free_inc.size() != free_inc_size) {
            size_t b;
            if (!heap_pop_min(b)) {
                needs_gc = true;
                return;
            }
            invalidate(b);
        }
    }

    void fifo() {
        size_t checked = 0;
        while (free_inc.size() != free_inc_size) {
            if (fifo_last_bucket < first_bucket || fifo_last_bucket >= buckets.size())
                fifo_last_bucket = first_bucket;
            const size_t b = fifo_last_bucket++;
            if (can_invalidate(b))
                invalidate(b);
            if (++checked >= buckets.size()) {
                needs_gc = true;
                return;
            }
        }
    }
};

// A hard state: few distinct prio and sector values so most ranks tie.
void fill_hard_state(std::vector<Bucket>& v, std::mt19937_64& rng, double candidate_share) {
    static const uint16_t prios[] = {0, 1, 1, 2, 3, 100, 100, 32767, 32768, 32768, 32768,
                                     40000, 65534, 65535};
    static const uint16_t sectors[] = {0, 0, 1, 8, 8, 8, 1024, 1024, 8191};
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (Bucket& b : v) {
        b = Bucket{};
        b.prio = prios[rng() % std::size(prios)];
        b.set_sectors_used(sectors[rng() % std::size(sectors)]);
        const double roll = u(rng);
        if (roll < candidate_share) {
            b.set_mark(rng() % 2 ? GcMark::Reclaimable : GcMark::None);
        } else {
            switch (rng() % 4) {
            case 0: b.set_mark(GcMark::Dirty); break;
            case 1: b.set_mark(GcMark::Metadata); break;
            case 2: b.pin = 1 + static_cast<int>(rng() % 3); break;
            default: b.last_gc = static_cast<uint8_t>(b.gen - 96 - rng() % 30); break;
            }
        }
        // The lowest prios are often pinned (open buckets, in-flight extents).
        if (b.prio <= 3 && rng() % 2)
            b.pin = 1;
        b.gen = static_cast<uint8_t>(rng());
        b.last_gc = static_cast<uint8_t>(b.gen - (rng() % 8 == 0 ? 90 + rng() % 10 : rng() % 20));
    }
}

uint16_t rescale_min_prio(const std::vector<Bucket>& v, uint64_t first) {
    uint16_t m = 65535;
    for (size_t i = first; i < v.size(); ++i)
        if (v[i].prio && v[i].prio != BTREE_PRIO && v[i].pin == 0)
            m = std::min(m, v[i].prio);
    return m;
}

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
