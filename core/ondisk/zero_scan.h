#pragma once
// Finding where a mostly-zero buffer stops being zero, sixteen bytes at a time where SSE2
// is there (every x86-64). Prio sets are bucket-sized with a long zero tail; the checksum
// (prio_set.cpp) and the sparse RAM device (core/device) both skip it.

#include <cstddef>
#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace bucketscope::ondisk {

// One past the last non-zero byte of p[0..n), 0 if all are zero.
inline size_t nonzero_end(const std::byte* p, size_t n) {
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    while (n >= 64) {
        const auto* q = reinterpret_cast<const __m128i*>(p + n - 64);
        const __m128i any = _mm_or_si128(_mm_or_si128(_mm_loadu_si128(q), _mm_loadu_si128(q + 1)),
                                         _mm_or_si128(_mm_loadu_si128(q + 2), _mm_loadu_si128(q + 3)));
        if (_mm_movemask_epi8(_mm_cmpeq_epi8(any, zero)) != 0xffff)
            break;
        n -= 64;
    }
#endif
    while (n >= 8) {
        uint64_t w;
        std::memcpy(&w, p + n - 8, 8);
        if (w)
            break;
        n -= 8;
    }
    while (n && p[n - 1] == std::byte{0})
        --n;
    return n;
}

inline bool all_zero(const std::byte* p, size_t n) { return nonzero_end(p, n) == 0; }

} // namespace bucketscope::ondisk
