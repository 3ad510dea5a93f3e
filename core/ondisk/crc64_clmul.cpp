// crc64_be with carry-less multiplication (PCLMULQDQ), for the big buffers: a 512 KiB prio
// set is checksummed every time the allocator fills free_inc, and the byte-at-a-time
// table walk runs at about 0.5 GB/s; this runs at memory speed.
//
// The method is the folding of Intel's "Fast CRC Computation for Generic Polynomials Using
// PCLMULQDQ", written for an MSB-first 64-bit CRC. 16-byte blocks are read as 128-bit
// polynomials, first byte highest. Four accumulators run 64 bytes apart; folding one
// forward by d bits replaces it (H x^64 + L) by H * (x^(d+64) mod P) + L * (x^d mod P),
// which is congruent mod P and again below 128 bits. At the end the four are folded into
// one, multiplied by x^64 (the CRC's implicit shift) and reduced with Barrett's method
// (mu = floor(x^128 / P)). All constants are computed from the polynomial. The same
// reduction multiplies two residues mod P (mulmod_clmul), which crc64_be_zeros uses to skip
// a zero tail. Where the CPU has VPCLMULQDQ the bulk runs on 256-bit registers, two blocks
// per instruction (about twice the speed: some 20 bytes per ns here), or with AVX-512 on
// 512-bit ones, four per instruction (the loop is bound by the multiplier's throughput, so
// twice again), and hands four 128-bit accumulators to the loop above for what is left.
// Inputs shorter than 64 bytes and the last partial block go through the table.
#include "core/ondisk/crc64_impl.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include <cstring>

namespace bucketscope::ondisk::detail {

namespace {

constexpr uint64_t kPoly = 0x42F0E1EBA9EA3693ull;

// x^n mod P, n >= 64.
uint64_t xpow_mod(unsigned n) {
    uint64_t r = kPoly; // x^64 mod P
    for (unsigned i = 64; i < n; ++i)
        r = (r << 1) ^ ((r >> 63) ? kPoly : 0);
    return r;
}

// The low 64 bits of floor(x^128 / P) (the x^64 bit is implicit).
constexpr uint64_t barrett_mu() {
    // Long division of x^128 by P = x^64 + kPoly, one quotient bit per step.
    uint64_t rem = 0, q = 0; // remainder of x^(64+i) reduced so far, as a 64-bit value
    // x^64 / P = 1 with remainder kPoly; continue for 64 more quotient bits.
    rem = kPoly;
    for (int i = 0; i < 64; ++i) {
        const bool top = rem >> 63;
        q = (q << 1) | (top ? 1u : 0u);
        rem = (rem << 1) ^ (top ? kPoly : 0);
    }
    return q;
}

struct Constants {
    uint64_t k128, k192, k512, k576, k256, k320, k384, k448, k1024, k1088, k1536, k1600, k2048,
        k2112;
    Constants()
        : k128(xpow_mod(128)), k192(xpow_mod(192)), k512(xpow_mod(512)), k576(xpow_mod(576)),
          k256(xpow_mod(256)), k320(xpow_mod(320)), k384(xpow_mod(384)), k448(xpow_mod(448)),
          k1024(xpow_mod(1024)), k1088(xpow_mod(1088)), k1536(xpow_mod(1536)),
          k1600(xpow_mod(1600)), k2048(xpow_mod(2048)), k2112(xpow_mod(2112)) {}
};

const Constants& constants() {
    static const Constants c;
    return c;
}

constexpr uint64_t kMu = barrett_mu();

__attribute__((target("pclmul,ssse3"))) inline __m128i load_be(const std::byte* p) {
    const __m128i rev = _mm_setr_epi8(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    return _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), rev);
}

// x folded forward by d bits: k = {x^d mod P, x^(d+64) mod P} in {low, high}.
__attribute__((target("pclmul,ssse3"))) inline __m128i fold(__m128i x, __m128i k) {
    return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x11), _mm_clmulepi64_si128(x, k, 0x00));
}

// (h x^64 + l) mod P by Barrett: q = floor(h x^64 / P) = h + floor(h * mu / x^64), and
// h x^64 - q P leaves the low 64 bits of q * kPoly.
__attribute__((target("pclmul,ssse3"))) inline uint64_t reduce(uint64_t h, uint64_t l) {
    const __m128i qm = _mm_clmulepi64_si128(_mm_set_epi64x(0, static_cast<long long>(h)),
                                            _mm_set_epi64x(0, static_cast<long long>(kMu)), 0x00);
    uint64_t qh;
    std::memcpy(&qh, reinterpret_cast<const char*>(&qm) + 8, 8);
    const uint64_t q = qh ^ h;
    const __m128i r = _mm_clmulepi64_si128(_mm_set_epi64x(0, static_cast<long long>(q)),
                                           _mm_set_epi64x(0, static_cast<long long>(kPoly)), 0x00);
    uint64_t rl;
    std::memcpy(&rl, &r, 8);
    return rl ^ l;
}

// load_be and fold on both 128-bit lanes of a 256-bit register.
__attribute__((target("vpclmulqdq,avx2"))) inline __m256i load2_be(const std::byte* p) {
    const __m256i rev = _mm256_setr_epi8(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 15,
                                         14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    return _mm256_shuffle_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), rev);
}
__attribute__((target("vpclmulqdq,avx2"))) inline __m256i fold2(__m256i x, __m256i k) {
    return _mm256_xor_si256(_mm256_clmulepi64_epi128(x, k, 0x11),
                            _mm256_clmulepi64_epi128(x, k, 0x00));
}

// The first whole 128-byte blocks of p[0..n) (n >= 256) with VPCLMULQDQ on 256-bit
// registers: four accumulators of two 128-bit lanes each, 1024 bits apart, so each
// instruction folds two blocks. At the end the first 64 bytes of accumulators are folded
// 512 bits onto the last 64, which leaves x[0..3] as the 128-bit loop would have them
// after the same bytes; returns how many bytes that was.
__attribute__((target("vpclmulqdq,avx2"))) size_t fold_wide(uint64_t crc, const std::byte* p,
                                                            size_t n, __m128i x[4]) {
    const Constants& c = constants();
    const size_t blocks = n / 128;
    const __m256i k1024 = _mm256_set_epi64x(
        static_cast<long long>(c.k1088), static_cast<long long>(c.k1024),
        static_cast<long long>(c.k1088), static_cast<long long>(c.k1024));
    __m256i y0 = load2_be(p), y1 = load2_be(p + 32), y2 = load2_be(p + 64), y3 = load2_be(p + 96);
    y0 = _mm256_xor_si256(y0, _mm256_set_epi64x(0, 0, static_cast<long long>(crc), 0));
    for (size_t b = 1; b < blocks; ++b) {
        const std::byte* q = p + b * 128;
        y0 = _mm256_xor_si256(fold2(y0, k1024), load2_be(q));
        y1 = _mm256_xor_si256(fold2(y1, k1024), load2_be(q + 32));
        y2 = _mm256_xor_si256(fold2(y2, k1024), load2_be(q + 64));
        y3 = _mm256_xor_si256(fold2(y3, k1024), load2_be(q + 96));
    }
    const __m256i k512 = _mm256_set_epi64x(
        static_cast<long long>(c.k576), static_cast<long long>(c.k512),
        static_cast<long long>(c.k576), static_cast<long long>(c.k512));
    const __m256i z0 = _mm256_xor_si256(fold2(y0, k512), y2);
    const __m256i z1 = _mm256_xor_si256(fold2(y1, k512), y3);
    x[0] = _mm256_castsi256_si128(z0);
    x[1] = _mm256_extracti128_si256(z0, 1);
    x[2] = _mm256_castsi256_si128(z1);
    x[3] = _mm256_extracti128_si256(z1, 1);
    return blocks * 128;
}

// {lo, hi} in each 128-bit lane of a 512-bit register (set, not broadcast: GCC 12's
// broadcast intrinsic warns about its own undefined operand).
__attribute__((target("avx512f"))) inline __m512i kpair4(uint64_t lo, uint64_t hi) {
    const auto l = static_cast<long long>(lo), h = static_cast<long long>(hi);
    return _mm512_set_epi64(h, l, h, l, h, l, h, l);
}

// load_be and fold on the four 128-bit lanes of a 512-bit register.
__attribute__((target("vpclmulqdq,avx512f,avx512bw"))) inline __m512i load4_be(const std::byte* p) {
    // Bytes 15..0 in each lane.
    const __m512i rev = kpair4(0x08090a0b0c0d0e0full, 0x0001020304050607ull);
    return _mm512_shuffle_epi8(_mm512_loadu_si512(p), rev);
}
__attribute__((target("vpclmulqdq,avx512f,avx512bw"))) inline __m512i fold4(__m512i x, __m512i k) {
    return _mm512_xor_si512(_mm512_clmulepi64_epi128(x, k, 0x11),
                            _mm512_clmulepi64_epi128(x, k, 0x00));
}

// fold_wide on 512-bit registers: four accumulators of four lanes, 2048 bits apart, over
// the first whole 256-byte blocks of p[0..n) (n >= 256). At the end the first three
// 64-byte accumulators are folded onto the last, which leaves x[0..3] as the 128-bit loop
// would have them after the same bytes; returns how many bytes that was.
__attribute__((target("vpclmulqdq,avx512f,avx512bw"))) size_t
fold_512(uint64_t crc, const std::byte* p, size_t n, __m128i x[4]) {
    const Constants& c = constants();
    const size_t blocks = n / 256;
    const __m512i k2048 = kpair4(c.k2048, c.k2112);
    __m512i z0 = load4_be(p), z1 = load4_be(p + 64), z2 = load4_be(p + 128), z3 = load4_be(p + 192);
    z0 = _mm512_xor_si512(z0, _mm512_set_epi64(0, 0, 0, 0, 0, 0, static_cast<long long>(crc), 0));
    for (size_t b = 1; b < blocks; ++b) {
        const std::byte* q = p + b * 256;
        z0 = _mm512_xor_si512(fold4(z0, k2048), load4_be(q));
        z1 = _mm512_xor_si512(fold4(z1, k2048), load4_be(q + 64));
        z2 = _mm512_xor_si512(fold4(z2, k2048), load4_be(q + 128));
        z3 = _mm512_xor_si512(fold4(z3, k2048), load4_be(q + 192));
    }
    const __m512i w = _mm512_xor_si512(
        _mm512_xor_si512(fold4(z0, kpair4(c.k1536, c.k1600)), fold4(z1, kpair4(c.k1024, c.k1088))),
        _mm512_xor_si512(fold4(z2, kpair4(c.k512, c.k576)), z3));
    _mm512_storeu_si512(x, w); // lane i into x[i]
    return blocks * 256;
}

} // namespace

bool clmul_available() {
    static const bool ok = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("ssse3");
    return ok;
}

bool wide_clmul_available() {
    static const bool ok = clmul_available() && __builtin_cpu_supports("vpclmulqdq") &&
                           __builtin_cpu_supports("avx2");
    return ok;
}

bool clmul512_available() {
    static const bool ok = wide_clmul_available() && __builtin_cpu_supports("avx512f") &&
                           __builtin_cpu_supports("avx512bw");
    return ok;
}

__attribute__((target("pclmul,ssse3"))) uint64_t
crc64_be_clmul(uint64_t crc, const std::byte* p, size_t n, size_t* used, unsigned width) {
    const Constants& c = constants();
    const size_t blocks = n / 64;
    *used = blocks * 64;
    const __m128i k512 = _mm_set_epi64x(static_cast<long long>(c.k576), static_cast<long long>(c.k512));
    __m128i x0, x1, x2, x3;
    size_t b = 1;
    if (width >= 512 && n >= 256 && clmul512_available()) {
        __m128i x[4];
        b = fold_512(crc, p, n, x) / 64;
        x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
    } else if (width >= 256 && n >= 256 && wide_clmul_available()) {
        __m128i x[4];
        b = fold_wide(crc, p, n, x) / 64;
        x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
    } else {
        x0 = load_be(p), x1 = load_be(p + 16), x2 = load_be(p + 32), x3 = load_be(p + 48);
        // The initial register lines up with the first 64 message bits.
        x0 = _mm_xor_si128(x0, _mm_set_epi64x(static_cast<long long>(crc), 0));
    }
    for (; b < blocks; ++b) {
        const std::byte* q = p + b * 64;
        x0 = _mm_xor_si128(fold(x0, k512), load_be(q));
        x1 = _mm_xor_si128(fold(x1, k512), load_be(q + 16));
        x2 = _mm_xor_si128(fold(x2, k512), load_be(q + 32));
        x3 = _mm_xor_si128(fold(x3, k512), load_be(q + 48));
    }
    // x0 is 384 bits ahead of the end, x1 256, x2 128.
    const __m128i k384 = _mm_set_epi64x(static_cast<long long>(c.k448), static_cast<long long>(c.k384));
    const __m128i k256 = _mm_set_epi64x(static_cast<long long>(c.k320), static_cast<long long>(c.k256));
    const __m128i k128 = _mm_set_epi64x(static_cast<long long>(c.k192), static_cast<long long>(c.k128));
    __m128i x = _mm_xor_si128(_mm_xor_si128(fold(x0, k384), fold(x1, k256)),
                              _mm_xor_si128(fold(x2, k128), x3));
    // crc = (X * x^64) mod P, X = H x^64 + L: H * (x^128 mod P) + L x^64, then Barrett.
    uint64_t xl, xh;
    std::memcpy(&xl, &x, 8);
    std::memcpy(&xh, reinterpret_cast<const char*>(&x) + 8, 8);
    const __m128i t = _mm_clmulepi64_si128(_mm_set_epi64x(0, static_cast<long long>(xh)),
                                           _mm_set_epi64x(0, static_cast<long long>(c.k128)), 0x00);
    uint64_t tl, th;
    std::memcpy(&tl, &t, 8);
    std::memcpy(&th, reinterpret_cast<const char*>(&t) + 8, 8);
    return reduce(th ^ xl, tl);
}

__attribute__((target("pclmul,ssse3"))) uint64_t mulmod_clmul(uint64_t a, uint64_t b) {
    const __m128i r = _mm_clmulepi64_si128(_mm_set_epi64x(0, static_cast<long long>(a)),
                                           _mm_set_epi64x(0, static_cast<long long>(b)), 0x00);
    uint64_t rl, rh;
    std::memcpy(&rl, &r, 8);
    std::memcpy(&rh, reinterpret_cast<const char*>(&r) + 8, 8);
    return reduce(rh, rl);
}

} // namespace bucketscope::ondisk::detail

#else

namespace bucketscope::ondisk::detail {
bool clmul_available() { return false; }
bool wide_clmul_available() { return false; }
bool clmul512_available() { return false; }
uint64_t crc64_be_clmul(uint64_t crc, const std::byte*, size_t, size_t* used, unsigned) {
    *used = 0;
    return crc;
}
uint64_t mulmod_clmul(uint64_t, uint64_t) { return 0; }
} // namespace bucketscope::ondisk::detail

#endif
