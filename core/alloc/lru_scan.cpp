// The LRU scan (lru_scan.h): the kernel's loop, and the same walk behind an AVX2 filter.
//
// The filter takes 64 buckets at a time, computes each one's candidacy and rank exactly
// as the heap code would, and keeps a bit mask of the candidates ranked below the worst
// kept at the start of the block, with their ranks. The walk then hands the masked
// buckets, in index order, to the kernel's loop body, which re-tests each against the
// current worst. The rank needs the caught-up prio when the deferred rescale is on: for
// an unpinned bucket (the only kind that can be a candidate) that is prio minus the
// passes since its stamp, saturating at 0 (prio 0 stays 0), except for BTREE_PRIO, which
// passes leave alone.
//
// Eight buckets are 96 bytes, three 32-byte loads; each of a bucket's three 32-bit words
// goes into its own vector with two blends and a permute: word w of bucket j is dword
// 3j + w of the group, and 3j mod 8 runs through all of 0..7, so for each w every lane
// of the blend comes from exactly one of the three loads. The 64-bit ranks (a 32-bit term
// times 13-bit sectors, below 2^45) are compared as signed 64-bit values, which is exact
// in that range. Whether a group of eight has a bucket to hand over is a coin toss at the
// rates seen in replays (a few hundred replacements per pass of 8k buckets), so the eight
// groups of a block are filtered without a branch and the block takes one.
//
// Replacing the root is Heap::replace_top's sift with the max-heap comparator, written as
// a hole moving down (the same moves as its swaps) with the larger child chosen without a
// branch. A plain C++ version of the filter was tried and was no faster than the kernel's
// loop, whose per-bucket test is already mostly a predicted "no", so without AVX2 the
// reference runs.

#include "core/alloc/lru_scan.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstddef>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define BUCKETSCOPE_LRU_AVX2 1
#include <immintrin.h>
#endif

namespace bucketscope {

using detail::invalidatable;
using detail::LruRank;

namespace {

// What the filters assume about struct bucket: three 32-bit words, pin; prio, gen,
// last_gc; gc_mark, prio_stamp (little-endian).
static_assert(sizeof(Bucket) == 12);
static_assert(offsetof(Bucket, pin) == 0 && offsetof(Bucket, prio) == 4 &&
              offsetof(Bucket, gen) == 6 && offsetof(Bucket, last_gc) == 7 &&
              offsetof(Bucket, gc_mark) == 8 && offsetof(Bucket, prio_stamp) == 10);

const auto max_cmp = [](const HeapEntry& l, const HeapEntry& r) { return l.key < r.key; };

// The rank of a bucket, with its prio caught up when the clock defers the rescale.
template <bool Deferred> struct Keyer {
    LruRank rank;
    const PrioClock& clock;

    uint64_t operator()(const Bucket& b) const {
        if constexpr (Deferred)
            return rank(clock.current(b), b.sectors_used());
        else
            return rank(b);
    }
};

// The first loop of the kernel's scan: the first heap.size() candidates, in index order.
// Returns where it stopped.
template <bool Deferred>
uint64_t fill_first(const Bucket* b, uint64_t i, uint64_t end, Heap<HeapEntry>& heap,
                    const Keyer<Deferred>& key) {
    heap.clear();
    for (; i < end && !heap.full(); ++i)
        if (invalidatable(b[i]))
            heap.add(HeapEntry{key(b[i]), i}, max_cmp);
    return i;
}

// Heap::replace_top(v, max_cmp), see the file comment: which child is larger is a coin
// toss, and this runs a few hundred times per pass.
inline void replace_root(Heap<HeapEntry>& heap, const HeapEntry& v) {
    HeapEntry* d = &heap[0];
    const size_t n = heap.used();
    size_t j = 0;
    for (size_t r; (r = 2 * j + 1) < n; j = r) {
        // Without a right child, compare the left one with itself (never larger).
        const size_t right = r + 1 < n ? r + 1 : r;
        r += static_cast<size_t>(d[r].key < d[right].key);
        if (d[r].key < v.key)
            break;
        d[j] = d[r];
    }
    d[j] = v;
}

// The kernel's loop body once the heap is full, for bucket i: through heap.h for the
// reference, through replace_root for the fast walks.
template <bool Reference, bool Deferred>
inline void consider(const Bucket* b, uint64_t i, Heap<HeapEntry>& heap, uint64_t& worst,
                     const Keyer<Deferred>& key) {
    const uint64_t k = key(b[i]);
    if (invalidatable(b[i]) & (k < worst)) {
        if constexpr (Reference)
            heap.replace_top(HeapEntry{k, i}, max_cmp);
        else
            replace_root(heap, HeapEntry{k, i});
        worst = heap.peek().key;
    }
}

template <bool Deferred>
void fill_reference(const Bucket* b, uint64_t first, uint64_t end, Heap<HeapEntry>& heap,
                    const Keyer<Deferred>& key) {
    uint64_t i = fill_first(b, first, end, heap, key);
    if (heap.empty())
        return;
    uint64_t worst = heap.peek().key;
    for (; i < end; ++i)
        consider<true>(b, i, heap, worst, key);
}

#ifdef BUCKETSCOPE_LRU_AVX2

// One word of each of eight buckets from the block's three loads (see the file comment):
// blend lanes from b (mask MB) and c (mask MC) into a, then put bucket j in lane j.
template <int MB, int MC>
__attribute__((target("avx2"))) inline __m256i avx2_word(__m256i a, __m256i b, __m256i c,
                                                         __m256i order) {
    return _mm256_permutevar8x32_epi32(_mm256_blend_epi32(_mm256_blend_epi32(a, b, MB), c, MC),
                                       order);
}

// The filter's constants, and the filter itself for the eight buckets at `blk`: returns
// the mask of candidates ranked below `worst` and leaves every lane's rank in `even`
// (buckets 0, 2, 4, 6) and `odd`.
struct Avx2Filter {
    __m256i order0, order1, order2, low16, low8, mark_bit, gen_max, sectors_mask, btree, offset,
        passes;

    template <bool Deferred>
    __attribute__((target("avx2"))) static Avx2Filter make(const Keyer<Deferred>& key) {
        Avx2Filter f;
        f.order0 = _mm256_setr_epi32(0, 3, 6, 1, 4, 7, 2, 5);
        f.order1 = _mm256_setr_epi32(1, 4, 7, 2, 5, 0, 3, 6);
        f.order2 = _mm256_setr_epi32(2, 5, 0, 3, 6, 1, 4, 7);
        f.low16 = _mm256_set1_epi32(0xffff);
        f.low8 = _mm256_set1_epi32(0xff);
        f.mark_bit = _mm256_set1_epi32(2);
        f.gen_max = _mm256_set1_epi32(BUCKET_GC_GEN_MAX);
        f.sectors_mask = _mm256_set1_epi32(MAX_GC_SECTORS_USED);
        f.btree = _mm256_set1_epi32(BTREE_PRIO);
        // term = prio - min_prio + scale, mod 2^32
        f.offset = _mm256_set1_epi32(static_cast<int>(key.rank.scale - key.rank.min_prio));
        f.passes = _mm256_set1_epi32(static_cast<int>(static_cast<uint16_t>(key.clock.passes())));
        return f;
    }

    template <bool Deferred>
    __attribute__((target("avx2"))) inline uint32_t operator()(const Bucket* blk, __m256i worst_v,
                                                               __m256i& even, __m256i& odd) const {
        const auto* p = reinterpret_cast<const __m256i*>(blk);
        const __m256i x = _mm256_loadu_si256(p);
        const __m256i y = _mm256_loadu_si256(p + 1);
        const __m256i z = _mm256_loadu_si256(p + 2);
        const __m256i pin = avx2_word<0x92, 0x24>(x, y, z, order0);
        const __m256i w1 = avx2_word<0x24, 0x49>(x, y, z, order1);
        const __m256i w2 = avx2_word<0x49, 0x92>(x, y, z, order2);

        const __m256i gen_ahead = _mm256_and_si256(
            _mm256_sub_epi32(_mm256_srli_epi32(w1, 16), _mm256_srli_epi32(w1, 24)), low8);
        const __m256i cand = _mm256_and_si256(
            _mm256_cmpeq_epi32(_mm256_or_si256(pin, _mm256_and_si256(w2, mark_bit)),
                               _mm256_setzero_si256()),
            _mm256_cmpgt_epi32(gen_max, gen_ahead));

        __m256i prio = _mm256_and_si256(w1, low16);
        if constexpr (Deferred) {
            const __m256i elapsed =
                _mm256_and_si256(_mm256_sub_epi32(passes, _mm256_srli_epi32(w2, 16)), low16);
            prio = _mm256_blendv_epi8(_mm256_subs_epu16(prio, elapsed), prio,
                                      _mm256_cmpeq_epi32(prio, btree));
        }
        const __m256i term = _mm256_add_epi32(prio, offset);
        const __m256i sectors = _mm256_and_si256(_mm256_srli_epi32(w2, 2), sectors_mask);
        even = _mm256_mul_epu32(term, sectors);
        odd = _mm256_mul_epu32(_mm256_srli_epi64(term, 32), _mm256_srli_epi64(sectors, 32));
        const __m256i below = _mm256_blend_epi32(_mm256_cmpgt_epi64(worst_v, even),
                                                 _mm256_cmpgt_epi64(worst_v, odd), 0xaa);
        return static_cast<uint32_t>(
            _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_and_si256(below, cand))));
    }
};

template <bool Deferred>
__attribute__((target("avx2"))) void fill_avx2(const Bucket* b, uint64_t first, uint64_t end,
                                               Heap<HeapEntry>& heap, const Keyer<Deferred>& key) {
    uint64_t i = fill_first(b, first, end, heap, key);
    if (heap.empty())
        return;
    uint64_t worst = heap.peek().key;
    const Avx2Filter filter = Avx2Filter::make(key);

    // Blocks of up to 64 against the worst at the block's start, then the masked buckets
    // in order against the current worst.
    while (worst != 0 && i + 8 <= end) {
        const __m256i worst_v = _mm256_set1_epi64x(static_cast<int64_t>(worst));
        const unsigned groups = static_cast<unsigned>(std::min<uint64_t>(8, (end - i) / 8));
        // Group g's ranks: ranks[8g .. 8g+3] for its buckets 0, 2, 4, 6, then 1, 3, 5, 7.
        alignas(32) uint64_t ranks[64];
        uint64_t m = 0;
        for (unsigned g = 0; g < groups; ++g) {
            __m256i even, odd;
            m |= uint64_t{filter.operator()<Deferred>(b + i + 8 * g, worst_v, even, odd)}
                 << (8 * g);
            _mm256_store_si256(reinterpret_cast<__m256i*>(ranks + 8 * g), even);
            _mm256_store_si256(reinterpret_cast<__m256i*>(ranks + 8 * g + 4), odd);
        }
        for (; m; m &= m - 1) {
            const auto j = static_cast<unsigned>(std::countr_zero(m));
            const uint64_t k = ranks[(j & ~7u) | ((j & 1) << 2) | ((j & 7) >> 1)];
            if (k < worst) {
                replace_root(heap, HeapEntry{k, i + j});
                worst = heap.peek().key;
            }
        }
        i += 8 * groups;
    }
    for (; worst != 0 && i < end; ++i)
        consider<false>(b, i, heap, worst, key);
}

bool cpu_has_avx2() {
    static const bool ok = __builtin_cpu_supports("avx2");
    return ok;
}

#endif

template <bool Deferred> void fill(const CacheSet& c, Cache& ca, LruScan s) {
    const Keyer<Deferred> key{LruRank(c.min_prio), c.prio_clock};
    const Bucket* b = ca.buckets.data();
    const uint64_t first = ca.geo.first_bucket;
    const uint64_t end = ca.geo.nbuckets;
    switch (s) {
    case LruScan::Reference:
        fill_reference(b, first, end, ca.heap, key);
        return;
    case LruScan::Avx2:
#ifdef BUCKETSCOPE_LRU_AVX2
        fill_avx2(b, first, end, ca.heap, key);
#else
        assert(!"no AVX2 in this build");
#endif
        return;
    }
}

} // namespace

bool lru_scan_available(LruScan s) {
    switch (s) {
    case LruScan::Reference:
        return true;
    case LruScan::Avx2:
#ifdef BUCKETSCOPE_LRU_AVX2
        return cpu_has_avx2();
#else
        return false;
#endif
    }
    return false;
}

LruScan lru_scan_fastest() {
    return lru_scan_available(LruScan::Avx2) ? LruScan::Avx2 : LruScan::Reference;
}

void lru_fill_heap(const CacheSet& c, Cache& ca, LruScan s) {
    if (!lru_scan_available(s))
        s = LruScan::Reference;
    if (c.prio_clock.on())
        fill<true>(c, ca, s);
    else
        fill<false>(c, ca, s);
}

} // namespace bucketscope
