// The kernel's marking rules, key by key. Order matters and follows the kernel: a
// non-stale pointer first pulls its bucket's gen to the pointer's gen (which can make an
// older pointer stale), then __bch_btree_mark_key records last_gc, skips stale pointers
// and sets mark and sectors (METADATA for level > 0, DIRTY never downgraded,
// sectors saturating at 8191).

#include "core/inspect/bucket_state.h"

#include <algorithm>
#include <bit>

namespace bucketscope::inspect {

using ondisk::Bkey;
using ondisk::BkeyPtr;

const char* mark_name(Mark m) {
    switch (m) {
    case Mark::unused: return "unused";
    case Mark::reclaimable: return "reclaimable";
    case Mark::dirty: return "dirty";
    case Mark::metadata: return "metadata";
    }
    return "unused";
}

BucketTable::BucketTable(const ondisk::CacheSuperblock& sb, Profile profile)
    : sb_(sb), profile_(profile), bucket_sectors_(sb.bucket_sectors()),
      bucket_bits_(static_cast<unsigned>(std::countr_zero(sb.bucket_sectors()))),
      buckets_(sb.nbuckets) {}

bool BucketTable::ptr_available(const BkeyPtr& p) const {
    if (p.dev >= ondisk::MAX_CACHES_PER_SET)
        return false;
    // v6 has exactly one cache per set, reached through any device index below 8; v4
    // looks the index up, and only this cache is present.
    return profile_ == Profile::v6_2 || p.dev == sb_.nr_this_dev;
}

bool BucketTable::ptr_stale(const BkeyPtr& p) const {
    if (bucket_of(p.offset) >= buckets_.size())
        return true;
    return ondisk::gen_after(buckets_[bucket_of(p.offset)].gen, p.gen) != 0;
}

bool BucketTable::ptrs_invalid(const Bkey& k) const {
    for (unsigned i = 0; i < k.nptrs; ++i) {
        const BkeyPtr& p = k.ptrs[i];
        if (!ptr_available(p))
            continue;
        const uint64_t b = bucket_of(p.offset);
        const uint64_t r = p.offset & (bucket_sectors_ - 1);
        if (k.size + r > bucket_sectors_ || b < sb_.first_bucket || b >= sb_.nbuckets)
            return true;
    }
    return false;
}

bool BucketTable::extent_invalid(const Bkey& k) const {
    return k.size == 0 || k.size > k.offset || ptrs_invalid(k);
}

bool BucketTable::btree_ptr_invalid(const Bkey& k) const {
    return k.nptrs == 0 || k.size == 0 || k.dirty || ptrs_invalid(k);
}

bool BucketTable::btree_ptr_bad(const Bkey& k) const {
    if (ondisk::bkey_is_zero(k) || btree_ptr_invalid(k))
        return true;
    for (unsigned i = 0; i < k.nptrs; ++i)
        if (!ptr_available(k.ptrs[i]) || ptr_stale(k.ptrs[i]))
            return true;
    return false;
}

void BucketTable::initial_mark_key(unsigned level, const Bkey& k) {
    for (unsigned i = 0; i < k.nptrs; ++i) {
        const BkeyPtr& p = k.ptrs[i];
        if (!ptr_available(p) || ptr_stale(p))
            continue;
        BucketState& b = buckets_[bucket_of(p.offset)];
        b.gen = p.gen;
        if (level && !ondisk::bkey_is_zero(k))
            b.prio = BTREE_PRIO;
        else if (!level && b.prio == BTREE_PRIO)
            b.prio = INITIAL_PRIO;
    }
    mark_key(level, k);
}

void BucketTable::mark_key(unsigned level, const Bkey& k) {
    if (ondisk::bkey_is_zero(k))
        return;
    for (unsigned i = 0; i < k.nptrs; ++i) {
        const BkeyPtr& p = k.ptrs[i];
        if (!ptr_available(p))
            continue;
        BucketState& b = buckets_[bucket_of(p.offset)];
        if (ondisk::gen_after(b.last_gc, p.gen))
            b.last_gc = p.gen;
        if (ondisk::gen_after(b.gen, p.gen)) {
            ++b.stale_ptrs;
            continue;
        }
        if (level)
            b.mark = Mark::metadata;
        else if (k.dirty)
            b.mark = Mark::dirty;
        else if (b.mark == Mark::unused)
            b.mark = Mark::reclaimable;
        b.sectors_used = static_cast<uint16_t>(
            std::min<uint32_t>(uint32_t{b.sectors_used} + k.size, MAX_GC_SECTORS_USED));
    }
}

void BucketTable::mark_metadata(uint64_t bucket) {
    if (bucket < buckets_.size())
        buckets_[bucket].mark = Mark::metadata;
}

void BucketTable::pin(const Bkey& k) {
    for (unsigned i = 0; i < k.nptrs; ++i)
        if (ptr_available(k.ptrs[i]))
            ++buckets_[bucket_of(k.ptrs[i].offset)].pin;
}

void BucketTable::seed_reserves(uint64_t count) {
    for (uint64_t i = sb_.first_bucket; i < buckets_.size() && count; ++i) {
        BucketState& b = buckets_[i];
        const bool can_invalidate = b.pin == 0 && (b.mark == Mark::unused || b.mark == Mark::reclaimable) &&
                                    static_cast<uint8_t>(b.gen - b.last_gc) < BUCKET_GC_GEN_MAX;
        if (!can_invalidate || b.mark != Mark::unused)
            continue;
        ++b.gen;
        b.prio = INITIAL_PRIO;
        b.pin = 1;
        --count;
    }
}

} // namespace bucketscope::inspect
