// GC's leaf mark loops; see leaf_mark.h for why there are three.
#include "core/gc/leaf_mark.h"

#include "core/alloc/alloc.h"

#include <algorithm>
#include <cassert>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace bucketscope {

namespace {

// One leaf key: extent_invalid, btree_mark_extent and extent_bad for a key with exactly
// one pointer, for any device number and bucket geometry. Whether a pointer is stale, or
// older than last_gc, is as good as random and known only once its bucket is loaded:
// branches on it mispredict and discard the loads of the keys after it, so both outcomes
// are computed and one is selected.
inline void mark_leaf_key(const std::array<LeafMarker::Dev, MAX_CACHES_PER_SET>& devs,
                          const LeafKey& key, MarkTally& t) {
    if (!key.size || key.size > key.offset)
        return; // invalid
    const Ptr p = key.ptr();
    const LeafMarker::Dev* dev = p.dev < MAX_CACHES_PER_SET ? &devs[p.dev] : nullptr;
    if (!dev || !dev->ca) {
        ++t.keys; // an unavailable pointer: not marked, and the key is bad
        return;
    }
    uint64_t bucket = 0;
    if (ptr_invalid(dev->geo, p, key.size, bucket))
        return;
    ++t.keys;
    Bucket& g = dev->ca->buckets[bucket];
    Bucket marked = g;
    // gen_after(g.gen, p.gen), as a mask rather than a condition
    const uint32_t r = static_cast<uint8_t>(marked.gen - p.gen);
    const auto s = static_cast<uint8_t>(r & (0u - uint32_t(r <= 128u)));
    t.stale = std::max<uint32_t>(t.stale, s);
    const uint32_t live = 0u - uint32_t(s == 0); // all ones for a live pointer
    // btree_mark_key for a live leaf pointer: DIRTY, or RECLAIMABLE if unmarked, and the
    // key's sectors; a stale one leaves the bucket's gc_mark as it is.
    const GcMark m = marked.mark();
    marked.set_mark(key.dirty() ? GcMark::Dirty : m == GcMark::None ? GcMark::Reclaimable : m);
    marked.set_sectors_used(
        std::min<uint32_t>(marked.sectors_used() + key.size, MAX_GC_SECTORS_USED));
    g.gc_mark = static_cast<uint16_t>((marked.gc_mark & live) | (g.gc_mark & ~live));
    g.last_gc = gen_after(marked.last_gc, p.gen) ? p.gen : marked.last_gc;
    t.good += live & 1u;
    t.data_sectors += key.size & live;
}

// mark_leaf_key for the keys of keys[0..n) up to the first whose pointer is not into
// `dev`, which has a cache with a power-of-two bucket size; returns how many it did. n is
// at most kChunkKeys (a leaf chunk), so that the good keys and their sectors fit one
// register (see below). The same arithmetic as mark_leaf_key with the geometry and the
// counts in registers (no call in the loop to spill them around) and the bucket fields
// read and written as plain integers: the general code took about 90 instructions per
// key, and GC marks every key of the index thousands of times per replay.
constexpr size_t kChunkKeys = 64;
constexpr unsigned kGoodShift = 48; // good keys << 48 | their sectors (< 64 * 2^32)
__attribute__((noinline)) size_t mark_leaf_keys_fast(const LeafMarker::Dev& d, unsigned dev,
                                                     const LeafKey* keys, size_t n,
                                                     MarkTally& out) {
    assert(n <= kChunkKeys);
    Bucket* const buckets = d.ca->buckets.data();
    const uint64_t first = d.geo.first_bucket;
    const uint64_t span = d.geo.nbuckets > first ? d.geo.nbuckets - first : 0;
    const unsigned bits = static_cast<unsigned>(d.geo.bucket_bits);
    // The pointer word with this device's number cleared: its sector offset, shifted left
    // by 8. Any other device number leaves the bucket out of range, which the rare path
    // tells apart.
    const uint64_t dev_bits = uint64_t(dev) << 56;
    uint32_t stale = out.stale;
    size_t invalid = 0;
    uint64_t good = 0;
    const LeafKey* k = keys;
    const LeafKey* const end = keys + n;
    for (; k != end; ++k) {
        const uint64_t size = k->size;
        // size == 0 or size > offset: invalid (size - 1 wraps for 0)
        if (size - 1 >= k->offset) [[unlikely]] {
            ++invalid;
            continue;
        }
        const uint64_t pw = k->ptr_word;
        // ptr_invalid: in [first_bucket, nbuckets), and the last sector in the same bucket
        const uint64_t poff = (pw ^ dev_bits) >> 8;
        const uint64_t bucket = poff >> bits;
        if (bucket - first >= span || ((poff + size - 1) >> bits) != bucket) [[unlikely]] {
            if ((pw >> 56) != dev)
                break;
            ++invalid;
            continue;
        }
        Bucket& g = buckets[bucket];
        const auto pgen = static_cast<uint8_t>(pw);
        const uint32_t r = static_cast<uint8_t>(g.gen - pgen);
        // Selections by masks, not conditions, which the compiler turns into branches on
        // staleness (as good as random, see mark_leaf_key).
        const uint32_t s = r & (0u - uint32_t(r <= 128u)); // gen_after(gen, pgen)
        stale = std::max(stale, s);
        const uint32_t live = 0u - uint32_t(s == 0);
        // btree_mark_key for a live leaf pointer: DIRTY, or RECLAIMABLE if unmarked, and the
        // key's sectors (GC_SECTORS_USED is bits 2-14, so its clamp is 8191 << 2)
        const uint32_t gm = g.gc_mark;
        const uint32_t m = gm & 3u;
        const uint32_t mark = (k->inode_dirty >> 31) ? uint32_t(GcMark::Dirty) : m | (m == 0);
        const uint32_t sectors = std::min<uint32_t>((gm & (MAX_GC_SECTORS_USED << 2)) +
                                                        static_cast<uint32_t>(size << 2),
                                                    MAX_GC_SECTORS_USED << 2);
        const uint32_t marked = (gm & 0x8000u) | sectors | mark;
        g.gc_mark = static_cast<uint16_t>(((marked ^ gm) & live) ^ gm);
        // gen_after(last_gc, pgen) != 0: last_gc - pgen in [1, 128]
        const uint32_t last_gc = g.last_gc;
        const uint32_t older =
            0u - uint32_t(uint32_t(static_cast<uint8_t>(last_gc - pgen)) - 1u < 128u);
        g.last_gc = static_cast<uint8_t>(((last_gc ^ pgen) & older) ^ last_gc);
        good += ((1ull << kGoodShift) + size) & (0ull - uint64_t(live & 1u));
    }
    const size_t done = static_cast<size_t>(k - keys);
    out.stale = stale;
    out.keys += done - invalid;
    out.good += good >> kGoodShift;
    out.data_sectors += good & ((1ull << kGoodShift) - 1);
    return done;
}

#if defined(__x86_64__)

// mark_leaf_keys_fast for whole groups of eight keys of keys[0..n), up to the first group
// that is not eight valid keys into eight different buckets of `dev`; returns how many
// keys it did (a multiple of eight). Per group: three 64-byte loads hold the eight keys (24
// qwords, key i's offset, pointer word and inode|size at 3i, 3i + 1, 3i + 2), qword
// permutes gather each field, and the bucket dwords at byte 6 (gen, last_gc, gc_mark) are
// gathered, updated with the scalar loop's arithmetic lane by lane and scattered back.
// A group with two keys into one bucket would lose one update in the scatter, so
// AVX512CD's conflict detection sends it to the scalar loop.
__attribute__((target("avx512f,avx512cd,avx512vl,avx512dq"))) size_t
mark_leaf_keys_avx512(const LeafMarker::Dev& d, unsigned dev, const LeafKey* keys, size_t n,
                      MarkTally& out) {
    static_assert(sizeof(LeafKey) == 24 && offsetof(LeafKey, offset) == 0 &&
                      offsetof(LeafKey, ptr_word) == 8 && offsetof(LeafKey, inode_dirty) == 16 &&
                      offsetof(LeafKey, size) == 20,
                  "the vector loop reads a key as three qwords");
    static_assert(sizeof(Bucket) == 12 && offsetof(Bucket, gen) == 6 &&
                      offsetof(Bucket, last_gc) == 7 && offsetof(Bucket, gc_mark) == 8,
                  "the vector loop reads gen, last_gc and gc_mark as one dword");
    // (The maskz forms with every lane set where GCC 12's unmasked ones start from an
    // "undefined" register that -Wmaybe-uninitialized reports.)
    auto* const base = reinterpret_cast<std::byte*>(d.ca->buckets.data());
    const __m512i first = _mm512_set1_epi64(static_cast<long long>(d.geo.first_bucket));
    const __m512i span = _mm512_set1_epi64(static_cast<long long>(
        d.geo.nbuckets > d.geo.first_bucket ? d.geo.nbuckets - d.geo.first_bucket : 0));
    const __m128i bits = _mm_cvtsi32_si128(d.geo.bucket_bits);
    const __m512i dev_bits = _mm512_set1_epi64(static_cast<long long>(uint64_t(dev) << 56));
    const __m512i one = _mm512_set1_epi64(1);
    const __m512i offset_at = _mm512_setr_epi64(0, 3, 6, 9, 12, 15, 18, 21);
    const __m512i ptr_at = _mm512_setr_epi64(1, 4, 7, 10, 13, 16, 19, 22);
    const __m512i misc_at = _mm512_setr_epi64(2, 5, 8, 11, 14, 17, 20, 23);
    constexpr __mmask8 offset_high = 0xc0, ptr_high = 0xe0, misc_high = 0xe0;
    const __m256i byte = _mm256_set1_epi32(0xff);
    __m256i stale = _mm256_set1_epi32(static_cast<int>(out.stale));
    __m512i data = _mm512_setzero_si512();
    size_t good = 0;
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
        const auto* q = reinterpret_cast<const std::byte*>(keys + j);
        const __m512i a = _mm512_loadu_si512(q), b = _mm512_loadu_si512(q + 64),
                      c = _mm512_loadu_si512(q + 128);
        const __m512i offset = _mm512_mask_permutexvar_epi64(
            _mm512_permutex2var_epi64(a, offset_at, b), offset_high, offset_at, c);
        const __m512i pw = _mm512_mask_permutexvar_epi64(_mm512_permutex2var_epi64(a, ptr_at, b),
                                                         ptr_high, ptr_at, c);
        const __m512i misc = _mm512_mask_permutexvar_epi64(
            _mm512_permutex2var_epi64(a, misc_at, b), misc_high, misc_at, c);
        const __m512i size = _mm512_maskz_srli_epi64(0xff, misc, 32);
        // valid: 1 <= size <= offset; into `dev`, in [first_bucket, nbuckets), and the last
        // sector in the same bucket (the scalar loop's tests)
        const __m512i last = _mm512_sub_epi64(size, one);
        const __m512i poff = _mm512_maskz_srli_epi64(0xff, _mm512_xor_si512(pw, dev_bits), 8);
        const __m512i bucket = _mm512_maskz_srl_epi64(0xff, poff, bits);
        __mmask8 ok = _mm512_cmplt_epu64_mask(last, offset);
        ok = _mm512_mask_cmplt_epu64_mask(ok, _mm512_sub_epi64(bucket, first), span);
        ok = _mm512_mask_cmpeq_epi64_mask(
            ok, _mm512_maskz_srl_epi64(0xff, _mm512_add_epi64(poff, last), bits), bucket);
        if (ok != 0xff || _mm512_test_epi64_mask(_mm512_conflict_epi64(bucket),
                                                 _mm512_conflict_epi64(bucket)))
            break;
        // byte offset of each bucket's gen: 12 * bucket + 6
        const __m512i at = _mm512_add_epi64(
            _mm512_add_epi64(_mm512_maskz_slli_epi64(0xff, bucket, 3), _mm512_maskz_slli_epi64(0xff, bucket, 2)),
            _mm512_set1_epi64(6));
        const __m256i w = _mm512_mask_i64gather_epi32(_mm256_setzero_si256(), 0xff, at, base, 1);
        const __m256i pgen = _mm256_and_si256(_mm512_maskz_cvtepi64_epi32(0xff, pw), byte);
        const __m256i size32 = _mm512_maskz_cvtepi64_epi32(0xff, size);
        const __mmask8 dirty = _mm256_cmpgt_epi32_mask(_mm256_setzero_si256(),
                                                       _mm512_maskz_cvtepi64_epi32(0xff, misc));
        const __m256i gen = _mm256_and_si256(w, byte);
        const __m256i last_gc = _mm256_and_si256(_mm256_srli_epi32(w, 8), byte);
        const __m256i gm = _mm256_srli_epi32(w, 16);
        const __m256i r = _mm256_and_si256(_mm256_sub_epi32(gen, pgen), byte);
        // gen_after(gen, pgen): r if r <= 128, else 0
        const __m256i s =
            _mm256_maskz_mov_epi32(_mm256_cmple_epu32_mask(r, _mm256_set1_epi32(128)), r);
        stale = _mm256_max_epu32(stale, s);
        const __mmask8 live = _mm256_cmpeq_epi32_mask(s, _mm256_setzero_si256());
        const __m256i m = _mm256_and_si256(gm, _mm256_set1_epi32(3));
        const __m256i mark = _mm256_mask_mov_epi32(
            _mm256_mask_mov_epi32(m, _mm256_cmpeq_epi32_mask(m, _mm256_setzero_si256()),
                                  _mm256_set1_epi32(int(GcMark::Reclaimable))),
            dirty, _mm256_set1_epi32(int(GcMark::Dirty)));
        const __m256i sectors = _mm256_min_epu32(
            _mm256_add_epi32(_mm256_and_si256(gm, _mm256_set1_epi32(MAX_GC_SECTORS_USED << 2)),
                             _mm256_slli_epi32(size32, 2)),
            _mm256_set1_epi32(MAX_GC_SECTORS_USED << 2));
        const __m256i marked = _mm256_or_si256(
            _mm256_or_si256(_mm256_and_si256(gm, _mm256_set1_epi32(0x8000)), sectors), mark);
        const __m256i new_gm = _mm256_mask_mov_epi32(gm, live, marked);
        // gen_after(last_gc, pgen) != 0: last_gc - pgen in [1, 128]
        const __m256i older_by = _mm256_and_si256(_mm256_sub_epi32(last_gc, pgen), byte);
        const __m256i new_last_gc = _mm256_mask_mov_epi32(
            last_gc,
            _mm256_cmplt_epu32_mask(_mm256_sub_epi32(older_by, _mm256_set1_epi32(1)),
                                    _mm256_set1_epi32(128)),
            pgen);
        const __m256i nw = _mm256_or_si256(
            _mm256_or_si256(gen, _mm256_slli_epi32(new_last_gc, 8)), _mm256_slli_epi32(new_gm, 16));
        _mm512_mask_i64scatter_epi32(base, 0xff, at, nw, 1);
        data = _mm512_mask_add_epi64(data, live, data, size);
        good += static_cast<size_t>(__builtin_popcount(live));
    }
    alignas(32) uint32_t st[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(st), stale);
    out.stale = *std::max_element(st, st + 8);
    out.keys += j;
    out.good += good;
    alignas(64) uint64_t sums[8];
    _mm512_store_si512(sums, data);
    for (uint64_t v : sums)
        out.data_sectors += v;
    return j;
}

bool leaf_mark_vector_available() {
    static const bool ok = __builtin_cpu_supports("avx512f") &&
                           __builtin_cpu_supports("avx512cd") &&
                           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
    return ok;
}

#else

size_t mark_leaf_keys_avx512(const LeafMarker::Dev&, unsigned, const LeafKey*, size_t, MarkTally&) {
    return 0;
}
bool leaf_mark_vector_available() { return false; }

#endif

int g_level = 2;

} // namespace

namespace detail {
void set_leaf_mark_level(int level) { g_level = level; }
} // namespace detail

LeafMarker::LeafMarker(CacheSet& c) {
    for (unsigned d = 0; d < MAX_CACHES_PER_SET; ++d)
        if (Cache* ca = ptr_cache(c, Ptr{static_cast<uint8_t>(d), 0, 0})) {
            devs_[d] = Dev{ca, PtrGeometry(ca->geo)};
            // The fast loops tell a pointer into another device number by its bucket being
            // past nbuckets: that needs every bucket to start below 2^48 sectors.
            const PtrGeometry& g = devs_[d].geo;
            if (fast_dev_ == MAX_CACHES_PER_SET && g.bucket_bits >= 0 &&
                g.nbuckets <= ((1ull << 48) >> g.bucket_bits) && g_level >= 1)
                fast_dev_ = d;
        }
    vector_ = fast_dev_ < MAX_CACHES_PER_SET && g_level >= 2 && leaf_mark_vector_available();
}

void LeafMarker::mark(const LeafKey* keys, size_t n, MarkTally& t) const {
    // Groups of eight through the vector loop while they qualify; a group that does not
    // goes through the scalar loop (which stops at a key into another device, left to the
    // general loop), then the vector loop is tried again.
    constexpr size_t kGroup = 8;
    for (size_t i = 0; i < n;) {
        if (vector_)
            i += mark_leaf_keys_avx512(devs_[fast_dev_], fast_dev_, keys + i, n - i, t);
        if (i == n)
            break;
        const size_t m = std::min(n - i, vector_ ? kGroup : kChunkKeys);
        const size_t done = fast_dev_ < MAX_CACHES_PER_SET
                                ? mark_leaf_keys_fast(devs_[fast_dev_], fast_dev_, keys + i, m, t)
                                : 0;
        i += done;
        if (done < m)
            mark_leaf_key(devs_, keys[i++], t);
    }
}

} // namespace bucketscope
