// GC's reset and count of every bucket; see gc_buckets.h.
//
// The vector loops read sixteen buckets as three 64-byte registers. A bucket is three
// little-endian dwords {pin, prio | gen << 16 | last_gc << 24, gc_mark | prio_stamp << 16},
// so in a block the bucket b's dwords are 3b, 3b + 1 and 3b + 2: one 48-bit mask over the
// block's dwords says which pins are zero, and moved up two places it says which gc_mark
// dwords belong to unpinned buckets. gen and last_gc are neighbouring bytes that never
// straddle a 16-byte lane (a bucket's gen sits at byte 6, 2, 14 or 10 of its lane), so a
// byte shift within lanes lines each gen up with its last_gc; constant byte masks pick the
// last_gc (reset) or the gen (count) positions of each of the three registers.

#include "core/gc/gc_buckets.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace bucketscope {

namespace detail {

void gc_reset_buckets_scalar(Bucket* buckets, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        Bucket& b = buckets[i];
        b.last_gc = b.gen;
        // Pinned buckets (free lists, free_inc, open, in flight) keep their state. The
        // whole gc_mark goes, GC_MOVE included, as allocator-semantics.md 3.4 says.
        if (!b.pin)
            b.gc_mark = 0;
    }
}

uint64_t gc_count_buckets_scalar(const Bucket* buckets, size_t n, uint8_t& need_gc) {
    // Counted without branches: whether a bucket is available is as good as random.
    uint64_t available = 0;
    uint8_t most = need_gc;
    for (size_t i = 0; i < n; ++i) {
        const Bucket& b = buckets[i];
        most = std::max(most, bucket_gc_gen(b));
        available += !b.pin & (b.mark() == GcMark::None || b.mark() == GcMark::Reclaimable);
    }
    need_gc = most;
    return available;
}

} // namespace detail

namespace {

bool vector_allowed = true;

#if defined(__x86_64__)

static_assert(sizeof(Bucket) == 12 && offsetof(Bucket, pin) == 0 && offsetof(Bucket, gen) == 6 &&
                  offsetof(Bucket, last_gc) == 7 && offsetof(Bucket, gc_mark) == 8,
              "the vector loops read Bucket as three dwords");

constexpr size_t kBlock = 16;           // buckets per iteration
constexpr size_t kBlockBytes = 12 * kBlock; // three registers

// Bit k of the result for byte k of register r (0..2) of a block: byte 64r + k is byte
// `field` of its bucket.
constexpr uint64_t byte_mask(unsigned r, unsigned field) {
    uint64_t m = 0;
    for (unsigned k = 0; k < 64; ++k)
        if ((64 * r + k) % 12 == field)
            m |= 1ull << k;
    return m;
}
constexpr std::array<uint64_t, 3> kLastGcBytes{byte_mask(0, 7), byte_mask(1, 7), byte_mask(2, 7)};
constexpr std::array<uint64_t, 3> kGenBytes{byte_mask(0, 6), byte_mask(1, 6), byte_mask(2, 6)};
// The pin dwords (3b) of a block's 48; the gc_mark dwords are these shifted up by two.
constexpr uint64_t kPinDwords = [] {
    uint64_t m = 0;
    for (unsigned b = 0; b < kBlock; ++b)
        m |= 1ull << (3 * b);
    return m;
}();
constexpr uint64_t kMarkDwords = kPinDwords << 2;

bool cpu_has_vector() {
    static const bool has =
        __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
    return has;
}

#define BUCKETSCOPE_GC_AVX512 __attribute__((target("avx512f,avx512bw,popcnt")))

// The dwords of the block's three registers that are zero, as one 48-bit mask.
BUCKETSCOPE_GC_AVX512 inline uint64_t zero_dwords(const __m512i* v) {
    uint64_t m = 0;
    for (unsigned r = 0; r < 3; ++r)
        m |= uint64_t(_mm512_testn_epi32_mask(v[r], v[r])) << (16 * r);
    return m;
}

BUCKETSCOPE_GC_AVX512 void reset_avx512(Bucket* buckets, size_t blocks) {
    auto* p = reinterpret_cast<std::byte*>(buckets);
    const __m512i keep_stamp = _mm512_set1_epi32(static_cast<int>(0xffff0000u));
    for (size_t i = 0; i < blocks; ++i, p += kBlockBytes) {
        __m512i v[3];
        for (unsigned r = 0; r < 3; ++r)
            v[r] = _mm512_loadu_si512(p + 64 * r);
        const uint64_t clear = (zero_dwords(v) & kPinDwords) << 2;
        for (unsigned r = 0; r < 3; ++r) {
            __m512i x = _mm512_mask_blend_epi8(kLastGcBytes[r], v[r], _mm512_bslli_epi128(v[r], 1));
            x = _mm512_mask_and_epi32(x, static_cast<__mmask16>(clear >> (16 * r)), x, keep_stamp);
            _mm512_storeu_si512(p + 64 * r, x);
        }
    }
}

BUCKETSCOPE_GC_AVX512 uint64_t count_avx512(const Bucket* buckets, size_t blocks,
                                            uint8_t& need_gc) {
    const auto* p = reinterpret_cast<const std::byte*>(buckets);
    const __m512i mark_bit = _mm512_set1_epi32(2); // set for Dirty and Metadata
    __m512i most = _mm512_setzero_si512();
    uint64_t available = 0;
    for (size_t i = 0; i < blocks; ++i, p += kBlockBytes) {
        __m512i v[3];
        uint64_t kept = 0;
        for (unsigned r = 0; r < 3; ++r) {
            v[r] = _mm512_loadu_si512(p + 64 * r);
            kept |= uint64_t(_mm512_test_epi32_mask(v[r], mark_bit)) << (16 * r);
        }
        available += static_cast<uint64_t>(
            std::popcount((zero_dwords(v) << 2) & ~kept & kMarkDwords));
        for (unsigned r = 0; r < 3; ++r) {
            const __m512i distance = _mm512_sub_epi8(v[r], _mm512_bsrli_epi128(v[r], 1));
            most = _mm512_mask_max_epu8(most, kGenBytes[r], most, distance);
        }
    }
    alignas(64) uint8_t bytes[64];
    _mm512_store_si512(bytes, most);
    for (uint8_t d : bytes)
        need_gc = std::max(need_gc, d);
    return available;
}

#else

bool cpu_has_vector() { return false; }

#endif

} // namespace

namespace detail {

void set_gc_buckets_vector(bool on) { vector_allowed = on; }

bool gc_buckets_vector() { return vector_allowed && cpu_has_vector(); }

} // namespace detail

void gc_reset_buckets(Bucket* buckets, size_t n) {
    size_t done = 0;
#if defined(__x86_64__)
    if (detail::gc_buckets_vector()) {
        reset_avx512(buckets, n / kBlock);
        done = n / kBlock * kBlock;
    }
#endif
    detail::gc_reset_buckets_scalar(buckets + done, n - done);
}

uint64_t gc_count_buckets(const Bucket* buckets, size_t n, uint8_t& need_gc) {
    size_t done = 0;
    uint64_t available = 0;
#if defined(__x86_64__)
    if (detail::gc_buckets_vector()) {
        available = count_avx512(buckets, n / kBlock, need_gc);
        done = n / kBlock * kBlock;
    }
#endif
    return available + detail::gc_count_buckets_scalar(buckets + done, n - done, need_gc);
}

} // namespace bucketscope
