#pragma once
// Per-bucket state as the kernel holds it right after registering a cache: gen and prio
// from the prio sets, then the GC mark and sector count that bch_btree_check,
// bch_journal_mark and bch_initial_gc_finish compute (allocator-semantics.md 3.2, 3.3).
// None of mark, sectors_used or pin is stored on disk; this is where inspect derives them.

#include <cstdint>
#include <vector>

#include "core/ondisk/bkey.h"
#include "core/ondisk/superblock.h"

namespace bucketscope::inspect {

inline constexpr uint16_t INITIAL_PRIO = 32768;
inline constexpr uint16_t BTREE_PRIO = 65535;
inline constexpr uint16_t MAX_GC_SECTORS_USED = 8191;
inline constexpr uint8_t BUCKET_GC_GEN_MAX = 96;

enum class Profile { v6_2, v4_6 };
enum class Mark : uint8_t { unused = 0, reclaimable = 1, dirty = 2, metadata = 3 };
const char* mark_name(Mark m);

struct BucketState {
    uint16_t prio = 0;
    uint8_t gen = 0;
    uint8_t last_gc = 0;
    Mark mark = Mark::unused;
    uint16_t sectors_used = 0;
    uint32_t pin = 0;
    uint32_t stale_ptrs = 0; // pointers into this bucket whose gen the bucket has moved past
};

// The bucket array plus the marking rules. Pointers outside the device or the bucket are
// rejected by the validity checks before any bucket is touched, so indexing is safe.
class BucketTable {
  public:
    BucketTable(const ondisk::CacheSuperblock& sb, Profile profile);

    std::vector<BucketState>& buckets() { return buckets_; }
    const std::vector<BucketState>& buckets() const { return buckets_; }
    uint64_t bucket_of(uint64_t sector) const { return sector >> bucket_bits_; }

    bool ptr_available(const ondisk::BkeyPtr& p) const;
    bool ptr_stale(const ondisk::BkeyPtr& p) const;
    // __ptr_invalid: an available pointer outside [first_bucket, nbuckets) or whose extent
    // crosses the end of its bucket.
    bool ptrs_invalid(const ondisk::Bkey& k) const;
    bool extent_invalid(const ondisk::Bkey& k) const;    // __bch_extent_invalid
    bool btree_ptr_invalid(const ondisk::Bkey& k) const; // __bch_btree_ptr_invalid
    // bch_btree_ptr_bad: what the walk skips (ZERO_KEY, invalid, unavailable or stale).
    bool btree_ptr_bad(const ondisk::Bkey& k) const;

    // bch_initial_mark_key: pull gens forward to non-stale pointers, fix prios, then mark.
    void initial_mark_key(unsigned level, const ondisk::Bkey& k);
    // Set only the mark (gc_finish for uuid, journal and prio buckets).
    void mark_metadata(uint64_t bucket);
    void pin(const ondisk::Bkey& k);
    // bch_initial_gc_finish's reserve seeding: the first `count` invalidatable, unmarked
    // buckets from first_bucket get gen+1 and INITIAL_PRIO, as the kernel does before
    // its allocator thread starts.
    void seed_reserves(uint64_t count);

  private:
    void mark_key(unsigned level, const ondisk::Bkey& k);

    const ondisk::CacheSuperblock& sb_;
    Profile profile_;
    uint64_t bucket_sectors_;
    unsigned bucket_bits_;
    std::vector<BucketState> buckets_;
};

} // namespace bucketscope::inspect
