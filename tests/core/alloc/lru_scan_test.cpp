// The LRU scan's fast kinds (lru_scan.h) against its reference, the kernel's loop: on many
// seeded random states, the heap each leaves must match slot for slot, and a whole pass
// must give the same victims in the same order and leave the same buckets.
//
// The states are made to reach every branch of the rank arithmetic and of the filters:
// prios 0, BTREE_PRIO, just above, at and below min_prio (the 32-bit wrap), min_prio above
// INITIAL_PRIO (the scale wraps), sectors 0 and 8191, pins, every mark, gens at the
// BUCKET_GC_GEN_MAX boundary, long runs of equal ranks, ranks falling along the index (every
// bucket replaces the root), the deferred rescale with passes elapsed since each bucket's
// stamp, and lengths that leave a partial block.
#include "core/alloc/lru_scan.h"
#include "tests/core/alloc/alloc_fixture.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <random>
#include <utility>
#include <vector>

namespace bucketscope {
namespace {

constexpr LruScan kFast[] = {LruScan::Avx2};

struct Shape {
    uint64_t nbuckets;
    uint64_t first_bucket;
    size_t heap;     // 0: as cache_alloc sizes it
    size_t free_inc; // capped to this
    bool deferred;
};

Shape random_shape(std::mt19937_64& rng) {
    static const uint64_t sizes[] = {513, 600, 777, 1024, 1031, 2049, 4100, 8072, 9001};
    Shape s;
    s.nbuckets = sizes[rng() % std::size(sizes)] + rng() % 40;
    s.first_bucket = 1 + rng() % 24;
    switch (rng() % 6) {
    case 0:
        s.heap = 1 + rng() % 3;
        break;
    case 1:
        s.heap = 1 + rng() % 200;
        break;
    case 2:
        s.heap = s.nbuckets;
        break; // never full
    default:
        s.heap = 0;
        break;
    }
    s.free_inc = rng() % 4 == 0 ? 1 + rng() % 8 : SIZE_MAX;
    s.deferred = rng() % 3 != 0;
    return s;
}

uint16_t pick(std::mt19937_64& rng, const std::vector<uint16_t>& pool) {
    return pool[rng() % pool.size()];
}

// Buckets of one state. `pool` limits how many distinct prios appear, so ranks tie.
void fill_buckets(std::vector<Bucket>& v, std::mt19937_64& rng, uint16_t min_prio) {
    std::vector<uint16_t> prios = {0,
                                   BTREE_PRIO,
                                   INITIAL_PRIO,
                                   1,
                                   min_prio,
                                   static_cast<uint16_t>(min_prio + 1),
                                   static_cast<uint16_t>(min_prio - 1)};
    for (int k = 0, n = static_cast<int>(rng() % 6); k < n; ++k)
        prios.push_back(static_cast<uint16_t>(rng()));
    std::vector<uint16_t> sectors = {0, MAX_GC_SECTORS_USED, 1024, 1};
    for (int k = 0, n = static_cast<int>(rng() % 4); k < n; ++k)
        sectors.push_back(static_cast<uint16_t>(rng() % (MAX_GC_SECTORS_USED + 1)));
    const unsigned candidates = static_cast<unsigned>(rng() % 101); // percent
    const int layout = static_cast<int>(rng() % 4);
    for (size_t i = 0; i < v.size(); ++i) {
        Bucket& b = v[i];
        b = Bucket{};
        switch (layout) {
        case 0: // falling ranks: every candidate beats the worst kept
            b.prio = static_cast<uint16_t>(40000 - std::min<size_t>(i, 39000));
            b.set_sectors_used(1024);
            break;
        case 1: // one rank for all
            b.prio = 100;
            b.set_sectors_used(8);
            break;
        default:
            b.prio = pick(rng, prios);
            b.set_sectors_used(pick(rng, sectors));
            break;
        }
        b.gen = static_cast<uint8_t>(rng());
        b.last_gc = static_cast<uint8_t>(b.gen - (rng() % 4 == 0 ? 94 + rng() % 4 : rng() % 30));
        b.set_gc_move(rng() % 8 == 0);
        if (rng() % 100 < candidates) {
            b.set_mark(rng() % 2 ? GcMark::Reclaimable : GcMark::None);
        } else {
            switch (rng() % 3) {
            case 0:
                b.set_mark(GcMark::Dirty);
                break;
            case 1:
                b.set_mark(GcMark::Metadata);
                break;
            default:
                b.pin = 1 + static_cast<int>(rng() % 3);
                break;
            }
        }
    }
}

uint16_t random_min_prio(std::mt19937_64& rng) {
    switch (rng() % 4) {
    case 0:
        return 0;
    case 1:
        return static_cast<uint16_t>(32769 + rng() % 32767); // scale wraps
    case 2:
        return static_cast<uint16_t>(rng() % 200);
    default:
        return static_cast<uint16_t>(rng());
    }
}

// A cache set in the state drawn from `seed`; the same seed gives the same set.
void build(CacheSet& c, uint64_t seed) {
    std::mt19937_64 rng(seed);
    const Shape s = random_shape(rng);
    CacheGeometry geo = testing::test_geometry(s.nbuckets);
    geo.first_bucket = s.first_bucket;
    QueueSizes sizes;
    ASSERT_TRUE(compute_queue_sizes(geo, KernelProfile::V6_2, sizes));
    if (s.heap)
        sizes.heap = s.heap;
    sizes.free_inc = std::min(sizes.free_inc, s.free_inc);
    c.gc_mark_valid = true;
    c.nbuckets = s.nbuckets;
    c.caches.push_back(make_cache(geo, KernelProfile::V6_2, ReplacementPolicy::Lru, sizes));
    Cache& ca = *c.caches[0];
    c.min_prio = random_min_prio(rng);
    fill_buckets(ca.buckets, rng, c.min_prio);
    if (!s.deferred)
        return;

    // Age the buckets through the clock: bursts of passes (some past the 2^15 resync)
    // between hits and pins that stamp buckets at different passes.
    c.prio_clock.start(c);
    const uint64_t n = ca.geo.nbuckets - ca.geo.first_bucket;
    for (int round = 0, rounds = static_cast<int>(rng() % 6); round < rounds; ++round) {
        const uint64_t burst = rng() % 8 == 0 ? 20000 + rng() % 30000 : rng() % 3000;
        uint16_t mp = 0;
        for (uint64_t k = 0; k < burst; ++k)
            mp = c.prio_clock.pass(c);
        c.min_prio = rng() % 2 ? mp : random_min_prio(rng);
        for (uint64_t k = 0, touched = rng() % (n / 4 + 1); k < touched; ++k) {
            Bucket& b = ca.buckets[ca.geo.first_bucket + rng() % n];
            switch (rng() % 3) {
            case 0:
                c.prio_clock.set(b, rng() % 2 ? INITIAL_PRIO : static_cast<uint16_t>(rng()));
                break;
            case 1:
                if (b.pin == 0)
                    c.prio_clock.pinning(b);
                ++b.pin;
                break;
            default:
                if (b.pin > 0 && --b.pin == 0)
                    c.prio_clock.unpinned(b);
                break;
            }
        }
    }
}

// (rank, bucket) of every used heap slot, in slot order.
std::vector<std::pair<uint64_t, uint64_t>> heap_of(const Cache& ca) {
    std::vector<std::pair<uint64_t, uint64_t>> v;
    for (size_t i = 0; i < ca.heap.used(); ++i)
        v.emplace_back(ca.heap[i].key, ca.heap[i].bucket);
    return v;
}

bool any_fast_kind() {
    return std::any_of(std::begin(kFast), std::end(kFast), lru_scan_available);
}

TEST(LruScan, TheFastestKindIsAvailableAndTheReferenceIsTheFallback) {
    EXPECT_TRUE(lru_scan_available(LruScan::Reference));
    EXPECT_TRUE(lru_scan_available(lru_scan_fastest()));
    EXPECT_EQ(lru_scan_fastest() == LruScan::Reference, !any_fast_kind());
}

TEST(LruScan, FastKindsLeaveTheReferencesHeapSlotForSlot) {
    if (!any_fast_kind())
        GTEST_SKIP() << "no fast kind on this CPU";
    int compared = 0, full = 0, wrapped = 0, aged = 0, zero_ranks = 0;
    for (uint64_t seed = 1; seed <= 1000; ++seed) {
        SCOPED_TRACE(::testing::Message() << "seed " << seed);
        CacheSet c;
        ASSERT_NO_FATAL_FAILURE(build(c, seed));
        Cache& ca = *c.caches[0];
        lru_fill_heap(c, ca, LruScan::Reference);
        const auto want = heap_of(ca);
        full += ca.heap.full();
        for (const auto& [rank, bucket] : want) {
            const Bucket& b = ca.buckets[bucket];
            const int64_t term =
                int64_t{c.prio_clock.current(b)} - c.min_prio + detail::LruRank(c.min_prio).scale;
            wrapped += term < 0 && b.sectors_used() != 0;
            aged += c.prio_clock.current(b) != b.prio;
            zero_ranks += rank == 0;
        }
        for (LruScan s : kFast) {
            if (!lru_scan_available(s))
                continue;
            ca.heap.clear();
            lru_fill_heap(c, ca, s);
            ASSERT_EQ(heap_of(ca), want) << "kind " << static_cast<int>(s);
            ++compared;
        }
    }
    EXPECT_GE(compared, 1000);
    // The states reach what they are built for: most fill the heap (so the filters run),
    // and kept buckets include wrapped terms, prios aged by the clock and rank 0.
    EXPECT_GT(full, 500);
    EXPECT_GT(wrapped, 0);
    EXPECT_GT(aged, 0);
    EXPECT_GT(zero_ranks, 0);
}

// Two LRU passes in a row with scan `s` (the second sees the first one's gens, prios and
// pins); the victims in free_inc order.
std::vector<uint64_t> two_passes(CacheSet& c, testing::RecordingObserver& obs, LruScan s) {
    std::vector<uint64_t> victims;
    for (int pass = 0; pass < 2; ++pass) {
        c.caches[0]->invalidate_needs_gc = false;
        invalidate_buckets_lru(c, *c.caches[0], &obs, s);
        for (uint64_t b : testing::drain(c.caches[0]->free_inc))
            victims.push_back(b);
    }
    return victims;
}

TEST(LruScan, FastKindsGiveTheReferencesVictimsInItsOrder) {
    if (!any_fast_kind())
        GTEST_SKIP() << "no fast kind on this CPU";
    for (uint64_t seed = 5000; seed < 5400; ++seed) {
        SCOPED_TRACE(::testing::Message() << "seed " << seed);
        CacheSet ref;
        ASSERT_NO_FATAL_FAILURE(build(ref, seed));
        testing::RecordingObserver ref_obs;
        const std::vector<uint64_t> want = two_passes(ref, ref_obs, LruScan::Reference);
        for (LruScan s : kFast) {
            if (!lru_scan_available(s))
                continue;
            CacheSet c;
            ASSERT_NO_FATAL_FAILURE(build(c, seed));
            testing::RecordingObserver obs;
            ASSERT_EQ(two_passes(c, obs, s), want) << "kind " << static_cast<int>(s);
            EXPECT_EQ(obs.wake_gc, ref_obs.wake_gc);
            const auto& x = c.caches[0]->buckets;
            const auto& y = ref.caches[0]->buckets;
            for (size_t i = 0; i < x.size(); ++i) {
                ASSERT_EQ(x[i].gen, y[i].gen) << i;
                ASSERT_EQ(c.prio_clock.current(x[i]), ref.prio_clock.current(y[i])) << i;
                ASSERT_EQ(x[i].pin, y[i].pin) << i;
            }
        }
    }
}

} // namespace
} // namespace bucketscope
