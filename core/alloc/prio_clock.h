#pragma once
// Deferred rescale: bch_rescale_priorities with the kernel's exact results at O(1) per
// pass instead of a walk over every bucket.
//
// Why. The kernel rescales once per 1/1024 of the cache's capacity of cached-device
// traffic, so a bucket-sized request costs 1024 bucket visits whatever the cache size;
// replaying a trace of 512 KiB objects spends almost all its time there.
//
// How. A pass lowers by one the prio of every unpinned bucket whose prio is neither 0 nor
// BTREE_PRIO, stopping at 0. Between the moments a bucket's prio or pin changes, every pass
// treats it alike, so its prio after k passes is max(0, prio - k). The clock counts passes
// (R) and each bucket remembers the pass its prio was last brought up to date at
// (prio_stamp, mod 2^16). Whoever is about to change a bucket's prio or pin it catches it
// up first; whoever reads prios (the LRU pass, the prio writer, snapshots, the checker)
// calls bch_prio_sync() to catch every bucket up. min_prio after a pass needs no walk
// either: an unpinned bucket with prio p stamped at s reaches 0 at pass v = p + s, so
// after pass R the smallest prio left is min{v >= R} - R over those buckets. The clock
// keeps a count of buckets per v (mod 2^17) and a two-level bitmap to find that minimum.
// Stamps and v stay unambiguous because every 2^15 passes all buckets are caught up.
//
// Exactness: a bucket's prio changes only at the places that call the hooks below
// (invalidation, bkey_put dropping the last pin, cache hits, bucket allocation of a pinned
// bucket), and each pass affects a bucket only through its (prio, pin) at that time, so
// catching up replays exactly the passes the eager loop would have applied. The engine's
// invariant checker compares every pass with the eager semantics in its tests.
//
// Off (the default for a bare CacheSet) every hook is a no-op and
// bch_rescale_priorities walks the buckets as the kernel does. bucket_lock held throughout.

#include <cstdint>
#include <vector>

#include "core/alloc/bucket.h"

namespace bucketscope {

struct CacheSet;

class PrioClock {
  public:
    bool on() const { return on_; }
    uint64_t passes() const { return passes_; }

    // The prio `b` has now (its stored prio caught up to this pass).
    uint16_t current(const Bucket& b) const { return current(b, on_, passes_); }
    // The same with the clock's state passed in: loops over every bucket (the prio writer)
    // keep it in registers rather than reloading it past each store.
    static uint16_t current(const Bucket& b, bool on, uint64_t passes) {
        if (!on || b.pin || b.prio == 0 || b.prio == BTREE_PRIO)
            return b.prio;
        const uint16_t elapsed = static_cast<uint16_t>(passes - b.prio_stamp);
        return b.prio > elapsed ? static_cast<uint16_t>(b.prio - elapsed) : 0;
    }
    // `b` (unpinned) is about to be pinned: catch its prio up and take it off the counts.
    void pinning(Bucket& b) {
        if (!on_)
            return;
        leave(b);
        b.prio = current(b);
        b.prio_stamp = static_cast<uint16_t>(passes_);
    }
    // `b`'s last pin was just dropped: from now on passes age it.
    void unpinned(Bucket& b) {
        if (!on_)
            return;
        b.prio_stamp = static_cast<uint16_t>(passes_);
        enter(b);
    }
    // A cache hit (or anything else) sets `b`'s prio.
    void set(Bucket& b, uint16_t prio) {
        if (on_ && !b.pin) {
            leave(b);
            b.prio = prio;
            b.prio_stamp = static_cast<uint16_t>(passes_);
            enter(b);
            return;
        }
        b.prio = prio;
    }

    // Switches deferral on (counting every bucket of `c`) or off (after catching all up).
    void start(CacheSet& c);
    void stop(CacheSet& c);
    // Recounts after someone changed buckets behind the hooks' back (tests, commands).
    void rebuild(CacheSet& c);
    // One pass; returns min_prio afterwards, as the eager loop would compute it. Inline:
    // a small cache makes one pass per request, and nearly every pass only counts.
    uint16_t pass(CacheSet& c) {
        ++passes_;
        if (!min_v_valid_ || min_v_ < passes_) [[unlikely]]
            find_min_v();
        check_min_v();
        const uint64_t v = min_v_;
        const uint16_t min_prio = v == UINT64_MAX ? 0xffff : static_cast<uint16_t>(v - passes_);
        if (passes_ - synced_ >= kResyncEvery) [[unlikely]]
            sync(c);
        return min_prio;
    }
    // Catches every bucket up (no-op when nothing is pending).
    void sync(CacheSet& c);

  private:
    static constexpr unsigned kBits = 17;
    static constexpr uint64_t kWindow = 1ull << kBits;
    static constexpr uint64_t kResyncEvery = 1ull << 15;

    bool counted(const Bucket& b) const { return !b.pin && b.prio != 0 && b.prio != BTREE_PRIO; }
    // The pass at which `b` reaches prio 0 (requires counted(b)).
    uint64_t zero_at(const Bucket& b) const {
        const uint16_t elapsed = static_cast<uint16_t>(passes_ - b.prio_stamp);
        return passes_ - elapsed + b.prio;
    }
    void enter(const Bucket& b) {
        if (counted(b))
            add(zero_at(b));
    }
    void leave(const Bucket& b) {
        if (counted(b))
            remove(zero_at(b));
    }
    void add(uint64_t v);
    void remove(uint64_t v);
    // Smallest counted v in [from, from + 65536), or UINT64_MAX.
    uint64_t first_from(uint64_t from) const;
    // min_v_ = first_from(passes_), valid.
    void find_min_v();
    // Debug builds: the kept minimum is what a fresh search finds.
#ifdef NDEBUG
    void check_min_v() const {}
#else
    void check_min_v() const;
#endif

    bool on_ = false;
    uint64_t passes_ = 0;
    // first_from(passes_) as of the last pass, while valid: the smallest counted v at or
    // after the pass it was searched from. add() can only lower it and remove() only
    // invalidate it (when it removes the last count of it), so a pass searches again only
    // when it moved past it or it was invalidated, not once per pass (a search skips
    // ~the 30k empty positions before the next bucket to reach prio 0).
    uint64_t min_v_ = UINT64_MAX;
    bool min_v_valid_ = false;
    uint64_t synced_ = 0; // passes_ when every bucket was last caught up
    std::vector<uint32_t> count_;
    std::vector<uint64_t> bits_;    // count_[i] != 0
    std::vector<uint64_t> summary_; // bits_[w] != 0
};

} // namespace bucketscope
