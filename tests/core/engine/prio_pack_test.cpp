// pack_prio_entries: every path this CPU has against the definition (PrioClock::current and the
// 3-byte entry of encode_prio_set), byte for byte, at every length around the vector path's groups
// of four and eight, with nothing written past the last entry or gen.

#include "core/alloc/prio_clock.h"
#include "core/engine/prio_pack.h"
#include "core/ondisk/prio_set.h"

#include <gtest/gtest.h>
#include <vector>

namespace bucketscope {
namespace {

// Buckets that hit every branch of PrioClock::current: pinned or not, prio 0, BTREE_PRIO,
// prios above and below the passes elapsed since their stamp, stamps on both sides of a
// 16-bit wrap of the pass count; the other fields random so that nothing leaks from them.
std::vector<Bucket> mixed_buckets(size_t n, uint64_t seed) {
    uint64_t s = seed;
    auto next = [&] {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    };
    std::vector<Bucket> v(n);
    for (Bucket& b : v) {
        const uint64_t r = next();
        b.pin = (r & 3) == 0 ? static_cast<int32_t>(r >> 40) & 0x7 : 0;
        if ((r & 3) == 1)
            b.pin = int32_t(1) << 20; // only a high pin byte set
        switch ((r >> 2) & 7) {
        case 0:
            b.prio = 0;
            break;
        case 1:
            b.prio = BTREE_PRIO;
            break;
        case 2:
            b.prio = 1;
            break;
        default:
            b.prio = static_cast<uint16_t>(r >> 8);
            break;
        }
        b.gen = static_cast<uint8_t>(r >> 24);
        b.last_gc = static_cast<uint8_t>(r >> 32);
        b.gc_mark = static_cast<uint16_t>(r >> 36);
        b.prio_stamp = static_cast<uint16_t>(0xfff0 + ((r >> 52) & 0x3f)); // wraps past 0
    }
    return v;
}

struct Packed {
    std::vector<std::byte> out;
    std::vector<uint8_t> gens;
};

constexpr std::byte kSentinel{0xa5};
constexpr size_t kSlack = 32;

template <typename F> Packed run(F&& pack, const std::vector<Bucket>& b) {
    Packed p{std::vector<std::byte>(3 * b.size() + kSlack, kSentinel),
             std::vector<uint8_t>(b.size() + kSlack, 0xa5)};
    pack(p.out.data(), p.gens.data());
    return p;
}

Packed by_definition(const std::vector<Bucket>& b, bool on, uint64_t passes) {
    Packed p{std::vector<std::byte>(3 * b.size() + kSlack, kSentinel),
             std::vector<uint8_t>(b.size() + kSlack, 0xa5)};
    for (size_t j = 0; j < b.size(); ++j) {
        const uint16_t prio = PrioClock::current(b[j], on, passes);
        p.out[3 * j] = std::byte(prio & 0xff);
        p.out[3 * j + 1] = std::byte(prio >> 8);
        p.out[3 * j + 2] = std::byte(b[j].gen);
        p.gens[j] = b[j].gen;
    }
    return p;
}

TEST(PrioPack, EveryPathEqualsTheDefinitionAtEveryLength) {
    std::vector<size_t> lengths;
    for (size_t n = 0; n <= 70; ++n)
        lengths.push_back(n);
    lengths.push_back(8072);
    for (size_t n : lengths)
        for (bool on : {false, true})
            for (uint64_t passes : {0ull, 5ull, 0x10003ull, 0xfff8ull + (7ull << 32)}) {
                const auto b = mixed_buckets(n, 0x9e3779b97f4a7c15ull + n);
                const Packed want = by_definition(b, on, passes);
                for (int path = 0; path <= static_cast<int>(detail::prio_pack_best()); ++path) {
                    const Packed got = run(
                        [&](std::byte* o, uint8_t* g) {
                            detail::pack_prio_entries_with(detail::PrioPackPath(path), b.data(), n,
                                                           on, passes, o, g);
                        },
                        b);
                    ASSERT_EQ(got.out, want.out)
                        << "path " << path << " n " << n << " on " << on << " passes " << passes;
                    ASSERT_EQ(got.gens, want.gens) << "path " << path << " n " << n;
                }
            }
}

TEST(PrioPack, PackedAndSealedEqualsEncodePrioSet) {
    // The prio writer's two steps give the bytes encode_prio_set gives for the same entries,
    // in a reused buffer whose stale tail past the entries is kept and checksummed.
    constexpr uint64_t kSetMagic = 0x0123456789abcdefull;
    const auto b = mixed_buckets(1000, 42);
    const uint64_t passes = 0x10007;
    std::vector<ondisk::BucketDisk> e(b.size());
    for (size_t j = 0; j < b.size(); ++j)
        e[j] = {PrioClock::current(b[j], true, passes), b[j].gen};
    std::vector<std::byte> stale(8192);
    const size_t stale_end = ondisk::encode_prio_set(stale, kSetMagic, 1, 0,
                                                     std::vector(2000, ondisk::BucketDisk{9, 9}));
    std::vector<std::byte> want = stale, got = stale;
    ondisk::encode_prio_set(want, kSetMagic, 2, 77, e);
    std::vector<uint8_t> gens(b.size());
    pack_prio_entries(b.data(), b.size(), true, passes, got.data() + ondisk::PRIO_SET_HEADER,
                      gens.data());
    EXPECT_EQ(ondisk::seal_prio_set(got, kSetMagic, 2, 77, b.size(), stale_end),
              ondisk::PRIO_SET_HEADER + 3 * b.size());
    EXPECT_EQ(got, want);
    ASSERT_TRUE(ondisk::decode_prio_set(got, kSetMagic, 0));
}

} // namespace
} // namespace bucketscope
