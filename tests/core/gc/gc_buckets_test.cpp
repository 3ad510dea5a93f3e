// GC's reset and count of every bucket (core/gc/gc_buckets.h): the definition on buckets
// built by hand, and the AVX-512 loops against it, byte for byte, at every length around
// their blocks of sixteen.

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "core/gc/gc_buckets.h"

namespace bucketscope::testing {
namespace {

Bucket make(int32_t pin, uint8_t gen, uint8_t last_gc, GcMark m, uint16_t sectors = 0) {
    Bucket b;
    b.pin = pin;
    b.prio = 1234;
    b.gen = gen;
    b.last_gc = last_gc;
    b.set_mark(m);
    b.set_sectors_used(sectors);
    b.prio_stamp = 0xbeef;
    return b;
}

TEST(GcBuckets, ResetKeepsPinnedMarksAndCatchesLastGcUp) {
    std::vector<Bucket> b{make(0, 7, 3, GcMark::Dirty, 100), make(1, 9, 1, GcMark::Metadata, 8),
                          make(0, 200, 100, GcMark::Reclaimable, 5)};
    b[2].set_gc_move(true);
    gc_reset_buckets(b.data(), b.size());
    EXPECT_EQ(b[0].last_gc, 7);
    EXPECT_EQ(b[0].gc_mark, 0);
    EXPECT_EQ(b[1].last_gc, 9);
    EXPECT_EQ(b[1].mark(), GcMark::Metadata);
    EXPECT_EQ(b[1].sectors_used(), 8);
    EXPECT_EQ(b[2].gc_mark, 0); // GC_MOVE goes too
    for (const Bucket& x : b) {
        EXPECT_EQ(x.prio, 1234);
        EXPECT_EQ(x.prio_stamp, 0xbeef);
    }
}

TEST(GcBuckets, CountTakesUnpinnedCleanOrEmptyBucketsAndTheLargestGenDistance) {
    const std::vector<Bucket> b{
        make(0, 10, 5, GcMark::None),        // available, distance 5
        make(0, 3, 250, GcMark::Reclaimable), // available, distance 9 (wraps)
        make(0, 0, 0, GcMark::Dirty),         // kept
        make(0, 0, 0, GcMark::Metadata),      // kept
        make(2, 0, 0, GcMark::None),          // pinned
    };
    uint8_t need_gc = 4;
    EXPECT_EQ(gc_count_buckets(b.data(), b.size(), need_gc), 2u);
    EXPECT_EQ(need_gc, 9);
    need_gc = 50; // only ever raised
    gc_count_buckets(b.data(), b.size(), need_gc);
    EXPECT_EQ(need_gc, 50);
}

// Random buckets: pins zero half of the time and otherwise nonzero in one byte only (the
// vector loop tests whole dwords), every mark, any gens.
std::vector<Bucket> random_buckets(std::mt19937_64& rng, size_t n) {
    std::vector<Bucket> v(n);
    for (Bucket& b : v) {
        const uint64_t r = rng();
        b.pin = (r & 1) ? 0 : static_cast<int32_t>((1 + (r >> 8) % 255) << (8 * ((r >> 1) % 4)));
        b.prio = static_cast<uint16_t>(r >> 16);
        b.gen = static_cast<uint8_t>(r >> 32);
        b.last_gc = (r >> 3) % 4 == 0 ? b.gen : static_cast<uint8_t>(r >> 40);
        b.gc_mark = static_cast<uint16_t>(r >> 48);
        b.prio_stamp = static_cast<uint16_t>(rng());
    }
    return v;
}

TEST(GcBuckets, VectorLoopsMatchTheDefinitionAtEveryLength) {
    if (!detail::gc_buckets_vector())
        GTEST_SKIP() << "no AVX-512 on this CPU: only the scalar loops run";
    std::mt19937_64 rng(0x9e3779b97f4a7c15ull);
    constexpr size_t kGuard = 20; // untouched buckets on either side
    for (size_t n = 0; n <= 100; ++n) {
        for (int round = 0; round < 8; ++round) {
            const std::vector<Bucket> start = random_buckets(rng, n + 2 * kGuard);
            std::vector<Bucket> want = start, got = start;
            detail::gc_reset_buckets_scalar(want.data() + kGuard, n);
            gc_reset_buckets(got.data() + kGuard, n);
            ASSERT_EQ(std::memcmp(want.data(), got.data(), want.size() * sizeof(Bucket)), 0)
                << "reset, n " << n << " round " << round;

            const auto seed = static_cast<uint8_t>(round * 20);
            uint8_t want_gc = seed, got_gc = seed;
            const uint64_t want_avail =
                detail::gc_count_buckets_scalar(start.data() + kGuard, n, want_gc);
            const uint64_t got_avail = gc_count_buckets(start.data() + kGuard, n, got_gc);
            ASSERT_EQ(want_avail, got_avail) << "count, n " << n << " round " << round;
            ASSERT_EQ(want_gc, got_gc) << "need_gc, n " << n << " round " << round;
        }
    }
}

TEST(GcBuckets, SwitchingTheVectorLoopsOffLeavesTheScalarOnes) {
    detail::set_gc_buckets_vector(false);
    EXPECT_FALSE(detail::gc_buckets_vector());
    std::mt19937_64 rng(7);
    const std::vector<Bucket> start = random_buckets(rng, 40);
    std::vector<Bucket> want = start, got = start;
    detail::gc_reset_buckets_scalar(want.data(), want.size());
    gc_reset_buckets(got.data(), got.size());
    detail::set_gc_buckets_vector(true);
    EXPECT_EQ(std::memcmp(want.data(), got.data(), want.size() * sizeof(Bucket)), 0);
}

} // namespace
} // namespace bucketscope::testing
