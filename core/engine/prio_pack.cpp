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
        __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                __builtin_cpu_supports("avx512vbmi")
            ? PrioPackPath::Avx512
        : __builtin_cpu_supports("avx2") ? PrioPackPath::Avx2
                                         : PrioPackPath::Scalar;
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

// The byte permute of pack_avx512: entry e is bytes 4e..4e+2 of its prio word (prio, gen),
// and its gen, byte 4e + 2, goes to 48 + e.
struct alignas(64) EntryBytes {
    uint8_t b[64];
    const uint8_t* data() const { return b; }
};
constexpr EntryBytes make_entry_bytes() {
    EntryBytes t{};
    for (unsigned e = 0; e < 16; ++e) {
        t.b[3 * e] = static_cast<uint8_t>(4 * e);
        t.b[3 * e + 1] = static_cast<uint8_t>(4 * e + 1);
        t.b[3 * e + 2] = static_cast<uint8_t>(4 * e + 2);
        t.b[48 + e] = static_cast<uint8_t>(4 * e + 2);
    }
    return t;
}
constexpr EntryBytes kEntryBytes = make_entry_bytes();

// Packs the first groups of sixteen of buckets[0..n) and returns how many buckets that
// was. The sixteen buckets are three whole 64-byte loads (48 dwords, bucket i's at 3i,
// 3i + 1, 3i + 2); a two-source dword permute and a masked one-source permute gather the
// pins, the prio words and the stamp words into one register each, the arithmetic is the
// AVX2 loop's, and one byte permute puts the 48 entry bytes and the 16 gens in one
// register. Masked stores write exactly the group's entries and gens, so no load or store
// reaches past bucket n or entry n.
__attribute__((target("avx512f,avx512bw,avx512vbmi"))) size_t
pack_avx512(const Bucket* buckets, size_t n, bool clock_on, uint64_t passes, std::byte* out,
            uint8_t* gens) {
    const auto* in = reinterpret_cast<const std::byte*>(buckets);
    const __m512i zero = _mm512_setzero_si512();
    const __m512i lo16 = _mm512_set1_epi32(0xffff);
    const __m512i pv = _mm512_set1_epi32(static_cast<int>(passes & 0xffff));
    // Dword 3i + field of the 48; the permutes use the low 5 (two sources) and low 4 (one
    // source) bits, so the index vector serves both, the mask saying which lanes are past 32.
    const __m512i pin_at =
        _mm512_setr_epi32(0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45);
    const __m512i word_at =
        _mm512_setr_epi32(1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 34, 37, 40, 43, 46);
    const __m512i stamp_at =
        _mm512_setr_epi32(2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 32, 35, 38, 41, 44, 47);
    constexpr __mmask16 pin_high = 0xf800, word_high = 0xf800, stamp_high = 0xfc00;
    const __m512i bytes = _mm512_load_si512(kEntryBytes.data());
    constexpr __mmask64 entries = (1ull << 48) - 1;
    size_t j = 0;
    for (; j + 16 <= n; j += 16) {
        const std::byte* q = in + 12 * j;
        const __m512i a = _mm512_loadu_si512(q), b = _mm512_loadu_si512(q + 64),
                      c = _mm512_loadu_si512(q + 128);
        const __m512i pin = _mm512_mask_permutexvar_epi32(_mm512_permutex2var_epi32(a, pin_at, b),
                                                          pin_high, pin_at, c);
        const __m512i word = _mm512_mask_permutexvar_epi32(
            _mm512_permutex2var_epi32(a, word_at, b), word_high, word_at, c);
        // (The maskz forms with every lane set: GCC 12's unmasked ones start from an
        // "undefined" register that -Wmaybe-uninitialized reports.)
        const __m512i stamp = _mm512_maskz_srli_epi32(
            0xffff,
            _mm512_mask_permutexvar_epi32(_mm512_permutex2var_epi32(a, stamp_at, b), stamp_high,
                                          stamp_at, c),
            16);
        const __m512i elapsed = _mm512_and_si512(_mm512_sub_epi32(pv, stamp), lo16);
        const __mmask16 not_btree = _mm512_cmpneq_epi32_mask(_mm512_and_si512(word, lo16), lo16);
        const __mmask16 aged =
            clock_on ? _mm512_mask_cmpeq_epi32_mask(not_btree, pin, zero) : __mmask16{0};
        const __m512i v = _mm512_maskz_permutexvar_epi8(
            ~__mmask64{0}, bytes, _mm512_subs_epu16(word, _mm512_maskz_mov_epi32(aged, elapsed)));
        _mm512_mask_storeu_epi8(out + 3 * j, entries, v);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(gens + j), _mm512_maskz_extracti32x4_epi32(0xf, v, 3));
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
    if (path == PrioPackPath::Avx512)
        done = pack_avx512(buckets, n, clock_on, passes, out, gens);
    if (path >= PrioPackPath::Avx2)
        done += pack_avx2(buckets + done, n - done, clock_on, passes, out + 3 * done, gens + done);
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
