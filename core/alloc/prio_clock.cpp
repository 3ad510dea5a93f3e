// The deferred rescale's counts and catch-up walks; see prio_clock.h.
#include "core/alloc/prio_clock.h"

#include <bit>
#include <cassert>

#include "core/alloc/cache.h"

namespace bucketscope {

void PrioClock::add(uint64_t v) {
    if (v < min_v_)
        min_v_ = v;
    const uint64_t i = v & (kWindow - 1);
    if (count_[i]++ == 0) {
        bits_[i >> 6] |= 1ull << (i & 63);
        summary_[i >> 12] |= 1ull << ((i >> 6) & 63);
    }
}

void PrioClock::remove(uint64_t v) {
    const uint64_t i = v & (kWindow - 1);
    if (--count_[i] == 0) {
        if (i == (min_v_ & (kWindow - 1)))
            min_v_valid_ = false; // first_from would no longer find it
        bits_[i >> 6] &= ~(1ull << (i & 63));
        if (!bits_[i >> 6])
            summary_[i >> 12] &= ~(1ull << ((i >> 6) & 63));
    }
}

uint64_t PrioClock::first_from(uint64_t from) const {
    // The first set bit in the 65536 positions from `from` (mod the window): the word
    // bitmap, jumping over empty words with the summary (one bit per word).
    constexpr uint64_t kSpan = 1ull << 16;
    constexpr uint64_t kWords = kWindow / 64;
    constexpr uint64_t kMaxWords = kSpan / 64 + 1;
    const uint64_t start = from & (kWindow - 1);
    const uint64_t w0 = start >> 6;
    const auto advanced = [&](uint64_t w) { return (w - w0) & (kWords - 1); };
    uint64_t w = w0;
    uint64_t word = bits_[w] & (~0ull << (start & 63));
    while (!word) {
        uint64_t next = (w + 1) & (kWords - 1);
        uint64_t sw = summary_[next >> 6] & (~0ull << (next & 63));
        while (!sw) {
            next = ((next | 63) + 1) & (kWords - 1);
            if (advanced(next) > kMaxWords)
                return UINT64_MAX;
            sw = summary_[next >> 6];
        }
        next = (next & ~63ull) | uint64_t(std::countr_zero(sw));
        if (advanced(next) > kMaxWords)
            return UINT64_MAX;
        w = next;
        word = bits_[w];
    }
    const uint64_t i = (w << 6) | uint64_t(std::countr_zero(word));
    const uint64_t dist = (i - start) & (kWindow - 1);
    return dist < kSpan ? from + dist : UINT64_MAX;
}

void PrioClock::rebuild(CacheSet& c) {
    min_v_valid_ = false;
    count_.assign(kWindow, 0);
    bits_.assign(kWindow / 64, 0);
    summary_.assign(kWindow / 4096, 0);
    for (auto& ca : c.caches)
        for (uint64_t i = ca->geo.first_bucket; i < ca->geo.nbuckets; ++i) {
            Bucket& b = ca->buckets[i];
            b.prio_stamp = static_cast<uint16_t>(passes_);
            enter(b);
        }
    synced_ = passes_;
}

void PrioClock::start(CacheSet& c) {
    on_ = true;
    rebuild(c);
}

void PrioClock::stop(CacheSet& c) {
    sync(c);
    on_ = false;
    min_v_valid_ = false;
    count_ = {};
    bits_ = {};
    summary_ = {};
}

void PrioClock::find_min_v() {
    min_v_ = first_from(passes_);
    min_v_valid_ = true;
}

#ifndef NDEBUG
void PrioClock::check_min_v() const {
    assert(min_v_ == first_from(passes_) && "the kept minimum is what a fresh search finds");
}
#endif

void PrioClock::sync(CacheSet& c) {
    if (!on_ || synced_ == passes_)
        return;
    for (auto& ca : c.caches) {
        Bucket* b = ca->buckets.data();
        for (uint64_t i = ca->geo.first_bucket, end = ca->geo.nbuckets; i < end; ++i) {
            if (b[i].pin)
                continue;
            const uint16_t elapsed = static_cast<uint16_t>(passes_ - b[i].prio_stamp);
            if (!elapsed)
                continue;
            const unsigned prio = b[i].prio;
            if (prio - 1u < BTREE_PRIO - 1u) {
                if (prio <= elapsed) {
                    remove(passes_ - elapsed + prio); // reached 0: no longer counted
                    b[i].prio = 0;
                } else {
                    b[i].prio = static_cast<uint16_t>(prio - elapsed);
                }
            }
            b[i].prio_stamp = static_cast<uint16_t>(passes_);
        }
    }
    synced_ = passes_;
}

} // namespace bucketscope
