#pragma once
// An independent model of the kernel's invalidate_buckets_lru() and
// invalidate_buckets_fifo(), written from alloc.c and util.h's heap macros without using
// the library's heap or rank code: the heap holds bucket indices (the kernel holds bucket
// pointers) and every comparison recomputes bucket_prio() in 64-bit arithmetic reduced
// mod 2^32 by hand. Plus a generator of hard states for it.

#include <algorithm>
#include <random>
#include <vector>

#include "core/alloc/bucket.h"

namespace bucketscope::testing {

struct KernelModel {
    std::vector<Bucket> buckets;
    uint64_t first_bucket = 1;
    uint16_t min_prio = 0;
    size_t heap_size = 0;
    size_t free_inc_size = 0;
    uint64_t fifo_last_bucket = 0;

    std::vector<size_t> heap_data;
    size_t heap_used = 0;
    std::vector<uint64_t> free_inc;
    bool needs_gc = false;

    uint64_t rank(size_t i) const {
        const Bucket& b = buckets[i];
        const int64_t scale = ((int64_t{INITIAL_PRIO} - min_prio) & 0xffffffff) / 8;
        const int64_t term = (int64_t{b.prio} - min_prio + scale) & 0xffffffff;
        return static_cast<uint64_t>(term) * ((b.gc_mark >> 2) & 0x1fff);
    }
    bool max_cmp(size_t l, size_t r) const { return rank(l) < rank(r); }
    bool min_cmp(size_t l, size_t r) const { return rank(l) > rank(r); }

    bool can_invalidate(size_t i) const {
        const Bucket& b = buckets[i];
        const unsigned mark = b.gc_mark & 3;
        return (mark == 0 || mark == 1) && b.pin == 0 &&
               static_cast<uint8_t>(b.gen - b.last_gc) < 96;
    }
    void invalidate(size_t i) {
        Bucket& b = buckets[i];
        b.gen++;
        b.prio = INITIAL_PRIO;
        b.pin++;
        free_inc.push_back(i);
    }

    // heap_sift
    template <bool Max> void sift(size_t j) {
        for (size_t r; j * 2 + 1 < heap_used; j = r) {
            r = j * 2 + 1;
            if (r + 1 < heap_used && cmp<Max>(heap_data[r], heap_data[r + 1]))
                r++;
            if (cmp<Max>(heap_data[r], heap_data[j]))
                break;
            std::swap(heap_data[r], heap_data[j]);
        }
    }
    template <bool Max> bool cmp(size_t l, size_t r) const {
        return Max ? max_cmp(l, r) : min_cmp(l, r);
    }
    // heap_add, with heap_sift_down (the upward step) inlined
    void heap_add_max(size_t d) {
        size_t i = heap_used++;
        heap_data[i] = d;
        while (i) {
            const size_t p = (i - 1) / 2;
            if (max_cmp(heap_data[i], heap_data[p]))
                break;
            std::swap(heap_data[i], heap_data[p]);
            i = p;
        }
        sift<true>(i);
    }
    bool heap_pop_min(size_t& d) {
        if (!heap_used)
            return false;
        d = heap_data[0];
        heap_used--;
        std::swap(heap_data[0], heap_data[heap_used]);
        sift<false>(0);
        return true;
    }

    void lru() {
        heap_data.assign(heap_size, 0);
        heap_used = 0;
        for (size_t b = first_bucket; b < buckets.size(); ++b) {
            if (!can_invalidate(b))
                continue;
            if (heap_used != heap_size) {
                heap_add_max(b);
            } else if (max_cmp(b, heap_data[0])) {
                heap_data[0] = b;
                sift<true>(0);
            }
        }
        for (ptrdiff_t i = static_cast<ptrdiff_t>(heap_used / 2) - 1; i >= 0; --i)
            sift<false>(static_cast<size_t>(i));
        while (free_inc.size() != free_inc_size) {
            size_t b;
            if (!heap_pop_min(b)) {
                needs_gc = true;
                return;
            }
            invalidate(b);
        }
    }

    void fifo() {
        size_t checked = 0;
        while (free_inc.size() != free_inc_size) {
            if (fifo_last_bucket < first_bucket || fifo_last_bucket >= buckets.size())
                fifo_last_bucket = first_bucket;
            const size_t b = fifo_last_bucket++;
            if (can_invalidate(b))
                invalidate(b);
            if (++checked >= buckets.size()) {
                needs_gc = true;
                return;
            }
        }
    }
};

// A hard state: few distinct prio and sector values so most ranks tie.
inline void fill_hard_state(std::vector<Bucket>& v, std::mt19937_64& rng, double candidate_share) {
    static const uint16_t prios[] = {0, 1, 1, 2, 3, 100, 100, 32767, 32768, 32768, 32768,
                                     40000, 65534, 65535};
    static const uint16_t sectors[] = {0, 0, 1, 8, 8, 8, 1024, 1024, 8191};
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (Bucket& b : v) {
        b = Bucket{};
        b.prio = prios[rng() % std::size(prios)];
        b.set_sectors_used(sectors[rng() % std::size(sectors)]);
        b.gen = static_cast<uint8_t>(rng());
        b.last_gc = static_cast<uint8_t>(b.gen - (rng() % 8 == 0 ? 90 + rng() % 10 : rng() % 20));
        const double roll = u(rng);
        if (roll < candidate_share) {
            b.set_mark(rng() % 2 ? GcMark::Reclaimable : GcMark::None);
        } else {
            switch (rng() % 4) {
            case 0: b.set_mark(GcMark::Dirty); break;
            case 1: b.set_mark(GcMark::Metadata); break;
            case 2: b.pin = 1 + static_cast<int>(rng() % 3); break;
            default: b.last_gc = static_cast<uint8_t>(b.gen - 96 - rng() % 30); break; // out of gens
            }
        }
        // The lowest prios are often pinned (open buckets, in-flight extents).
        if (b.prio <= 3 && rng() % 2)
            b.pin = 1;
    }
}

// min_prio as a rescale pass would leave it, before its decrement.
inline uint16_t rescale_min_prio(const std::vector<Bucket>& v, uint64_t first) {
    uint16_t m = 65535;
    for (size_t i = first; i < v.size(); ++i)
        if (v[i].prio && v[i].prio != BTREE_PRIO && v[i].pin == 0)
            m = std::min(m, v[i].prio);
    return m;
}

} // namespace bucketscope::testing
