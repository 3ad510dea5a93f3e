// Packing prio set entries; see prio_pack.h for what and why.
//
// The vector path works on groups of four buckets. Loaded 12 bytes apart, each bucket sits in
// the low 12 bytes of its own register as three little-endian dwords {pin, prio | gen << 16
// | last_gc << 24, gc_mark | prio_stamp << 16}; a 4x4 dword transpose gathers the pins, the
// prio words and the stamp words of the four into one register each. Then, per dword lane:
//   elapsed = (passes - prio_stamp) mod 2^16, in the lane's low half (high half 0)
//   aged    = clock on, pin == 0 and prio != BTREE_PRIO
//   word    = saturating u16 subtract of (aged ? elapsed : 0) from the prio word
// which is PrioClock::current without branches (a prio of 0 stays 0 under saturation; the
// high half, gen and last_gc, has 0 taken from it). One byte shuffle lines up the four
// 3-byte entries {prio, gen} in the low 12 bytes and the four gens in the top 4. The 16-byte
// store writes 4 bytes past the group's entries, which the next group (or the scalar tail)
// overwrites; the loop stops two buckets early so that this never reaches past the last
// entry and the load of the fourth bucket never past the last bucket. The AVX2 loop runs
// these steps on two groups at once, one per 128-bit lane: about 0.3 ns per bucket against
// 1.2 for the scalar loop (its branches on pin and prio), so the bucket array goes at
// close to the speed it can be read from L2. The scalar loop does the last few buckets,
// and everything on a CPU without AVX2.

#include "core/engine/prio_pack.h"

#include "core/alloc/prio_clock.h"

#include <bit>
#include <cstddef>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace bucketscope {

namespace detail {

void pack_prio_entries_scalar(const Bucket* buckets, size_t n, bool clock_on, uint64_t passes,
                              std::byte* out, uint8_t* gens) {
    size_t j = 0;
    if constexpr (std::endian::native == std::endian::little) {
        // Four-byte stores, each fourth byte overwritten by the next entry; the last entry
        // goes bytewise below so nothing past it is touched.
        for (; j + 1 < n; ++j) {
            const Bucket& b = buckets[j];
            const uint32_t w = uint32_t(PrioClock::current(b, clock_on, passes)) | uint32_t(b.gen)
                                                                                       << 16;
            std::memcpy(out + 3 * j, &w, 4);
            gens[j] = b.gen;
        }
    }
    for (; j < n; ++j) {
        const Bucket& b = buckets[j];
        const uint16_t prio = PrioClock::current(b, clock_on, passes);
        out[3 * j] = static_cast<std::byte>(prio);
        out[3 * j + 1] = static_cast<std::byte>(prio >> 8);
        out[3 * j + 2] = static_cast<std::byte>(b.gen);
        gens[j] = b.gen;
    }
}

#if defined(__x86_64__)

static_assert(sizeof(Bucket) == 12 && offsetof(Bucket, pin) == 0 && offsetof(Bucket, prio) == 4 &&
                  offsetof(Bucket, gen) == 6 && offsetof(Bucket, prio_stamp) == 10,
              "the vector path reads Bucket as three dwords");

PrioPackPath prio_pack_best() {
    static const PrioPackPath best =
        __builtin_cpu_supports("avx2") ? PrioPackPath::Avx2 : PrioPackPath::Scalar;
    return best;
}

namespace {

// The bucket at p in the low lane, the one four buckets on in the high lane.
__attribute__((target("avx2"))) inline __m256i load_two(const std::byte* p) {
    return _mm256_loadu2_m128i(reinterpret_cast<const __m128i*>(p + 48),
                               reinterpret_cast<const __m128i*>(p));
}

// Packs the first groups of eight of buckets[0..n) and returns how many buckets that was.
// The 128-bit lanes hold buckets j..j+3 and j+4..j+7, each a group of four as the file
// comment describes; the high lane's entries are stored after the low lane's, over the 4
// bytes the low lane's store wrote past its entries.
__attribute__((target("avx2"))) size_t pack_avx2(const Bucket* buckets, size_t n, bool clock_on,
                                                 uint64_t passes, std::byte* out, uint8_t* gens) {
    const auto* in = reinterpret_cast<const std::byte*>(buckets);
    const __m256i zero = _mm256_setzero_si256();
    const __m256i lo16 = _mm256_set1_epi32(0xffff);
    const __m256i pv = _mm256_set1_epi32(static_cast<int>(passes & 0xffff));
    const __m256i on = clock_on ? _mm256_set1_epi32(-1) : zero;
    const __m256i shuf = _mm256_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 2, 6, 10, 14, 0,
                                          1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 2, 6, 10, 14);
    const __m256i gather_gens = _mm256_setr_epi32(3, 7, 0, 0, 0, 0, 0, 0);
    size_t j = 0;
    for (; j + 10 <= n; j += 8) {
        const std::byte* q = in + 12 * j;
        const __m256i r0 = load_two(q), r1 = load_two(q + 12), r2 = load_two(q + 24),
                      r3 = load_two(q + 36);
        const __m256i t0 = _mm256_unpacklo_epi32(r0, r1);
        const __m256i t1 = _mm256_unpacklo_epi32(r2, r3);
        const __m256i t2 = _mm256_unpackhi_epi32(r0, r1);
        const __m256i t3 = _mm256_unpackhi_epi32(r2, r3);
        const __m256i pin = _mm256_unpacklo_epi64(t0, t1);
        const __m256i word = _mm256_unpackhi_epi64(t0, t1);
        const __m256i stamp = _mm256_srli_epi32(_mm256_unpacklo_epi64(t2, t3), 16);
        const __m256i elapsed = _mm256_and_si256(_mm256_sub_epi32(pv, stamp), lo16);
        const __m256i btree = _mm256_cmpeq_epi32(_mm256_and_si256(word, lo16), lo16);
        const __m256i aged =
            _mm256_andnot_si256(btree, _mm256_and_si256(_mm256_cmpeq_epi32(pin, zero), on));
        const __m256i v =
            _mm256_shuffle_epi8(_mm256_subs_epu16(word, _mm256_and_si256(elapsed, aged)), shuf);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 3 * j), _mm256_castsi256_si128(v));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 3 * j + 12),
                         _mm256_extracti128_si256(v, 1));
        _mm_storel_epi64(reinterpret_cast<__m128i*>(gens + j),
                         _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(v, gather_gens)));
    }
    return j;
}

} // namespace

#else

PrioPackPath prio_pack_best() {
    return PrioPackPath::Scalar;
}

#endif

void pack_prio_entries_with(PrioPackPath path, const Bucket* buckets, size_t n, bool clock_on,
                            uint64_t passes, std::byte* out, uint8_t* gens) {
    size_t done = 0;
#if defined(__x86_64__)
    if (path == PrioPackPath::Avx2)
        done = pack_avx2(buckets, n, clock_on, passes, out, gens);
#else
    (void)path;
#endif
    pack_prio_entries_scalar(buckets + done, n - done, clock_on, passes, out + 3 * done,
                             gens + done);
}

} // namespace detail

void pack_prio_entries(const Bucket* buckets, size_t n, bool clock_on, uint64_t passes,
                       std::byte* out, uint8_t* gens) {
    detail::pack_prio_entries_with(detail::prio_pack_best(), buckets, n, clock_on, passes, out,
                                   gens);
}

} // namespace bucketscope
