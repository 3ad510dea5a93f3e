#pragma once
// The invariant checker: allocator-semantics.md section 7, made executable.
//
// Two halves, because some invariants are about state and some about events:
//   * check_invariants() looks at a cache set and its index at one instant and reports every
//     state invariant that fails: durability of gens on the free lists (1), gen distance
//     and pointer age (2), what free lists and free_inc may hold (3), single ownership (4),
//     pins (5), the superblock area (7), METADATA roots (8), GC accounting (13) and the
//     index's own structure (reported as invariant 0). It is O(nbuckets + extents) with one
//     byte of scratch per bucket, so tests call it after every step.
//   * InvariantMonitor is an AllocObserver plus a few explicit hooks the engine calls
//     around events: invalidation (2, 3, 7, 10), allocation (1, 5, 6, 7), pushes (9), the
//     end of an invalidate pass (10), prio writes (5, 11, 14) and rescale (12). It records
//     violations instead of asserting, so a GUI can show them and a test can fail on them.
// Neither half changes the state it checks. Callers hold bucket_lock.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/alloc/alloc.h"
#include "core/gc/gc.h"
#include "core/index/extent_index.h"

namespace bucketscope {

inline constexpr uint64_t NO_BUCKET = UINT64_MAX;

struct Violation {
    unsigned invariant = 0; // section 7 number; 0 = index structure
    unsigned cache = 0;     // index in CacheSet::caches
    uint64_t bucket = NO_BUCKET;
    std::string what;
};
// "invariant 4 (cache 0, bucket 17): ..." for logs and test failures.
std::string to_string(const Violation& v);

struct CheckContext {
    // Journal and uuid buckets (invariant 8); nullptr skips them (prio buckets are checked
    // from the caches themselves).
    const GcRoots* roots = nullptr;
    // Buckets seeded by bch_initial_gc_finish, per cache: on a free list their gen may be
    // disk_gen + 1 (invariant 1's exception).
    std::vector<std::vector<uint64_t>> initial_seeded;
    // Right after bch_btree_gc_finish: also check its flags and the v6 avail_nbuckets
    // recount, which later allocations and frees move away from.
    bool just_finished_gc = false;
    // Walk the extents: pointer ages (2), live pointers into marked buckets (13) and the
    // index structure (0).
    bool check_index = true;
};

std::vector<Violation> check_invariants(const CacheSet& c, const ExtentIndex& idx,
                                        const CheckContext& ctx);

// Invariant 1 for one bucket under CACHE_SYNC: its gen is the one the newest durable prio set
// holds, or one past it for a bucket bch_initial_gc_finish seeded.
inline bool gen_is_durable(uint8_t gen, uint8_t disk_gen, bool seeded) {
    return gen == disk_gen || (seeded && gen == static_cast<uint8_t>(disk_gen + 1));
}

// Event-time invariants. Forwards every AllocObserver call to `next` (may be nullptr) so it
// can sit in front of the engine's tracer.
class InvariantMonitor : public AllocObserver {
  public:
    explicit InvariantMonitor(const CacheSet& c, AllocObserver* next = nullptr);

    // Invariant 1's exception set (from bch_initial_gc_finish), per cache.
    void set_initial_seeded(std::vector<std::vector<uint64_t>> seeded);

    // AllocObserver. Both see the bucket as the kernel's trace points do: on_invalidate
    // before the gen bump (2, 3, 7, 10), on_alloc after the pop from a free list but before
    // the mark is set (1, 5, 7).
    void on_invalidate(const Cache& ca, uint64_t bucket, uint16_t sectors) override;
    void on_alloc(const Cache& ca, uint64_t bucket, Reserve reserve) override;
    void on_alloc_fail(const Cache& ca, Reserve reserve) override;
    void on_wake_gc() override;
    // Invariant 6: call when bch_bucket_alloc has returned `bucket` for `reserve`.
    void after_alloc(const Cache& ca, uint64_t bucket, Reserve reserve);

    // Invariant 9: call before and after bch_allocator_push.
    struct PushProbe {
        std::array<size_t, RESERVE_NR> used{};
    };
    PushProbe before_push(const Cache& ca) const;
    void after_push(const Cache& ca, uint64_t bucket, const PushProbe& before, bool pushed);

    // Invariant 10: after invalidate_buckets() returns.
    void after_invalidate_pass(const Cache& ca);

    // Invariant 11: when a prio write starts. `from_allocator` is the allocator thread's
    // batched write (registration writes are not batched).
    void on_prio_write(const Cache& ca, bool from_allocator);
    // Invariants 5 and 14: after a prio write and its journal entry are durable and
    // disk_gens updated: every prio bucket unpinned, disk_gens equal to the gens.
    void after_prio_write(const Cache& ca);
    // Invariant 14: what reading the prio chain back gave (all nbuckets entries), against
    // the cache right after the write. The current prio buckets' own entries carry the
    // prio they had before allocation (the kernel packs before it allocates), so only
    // their gens are compared.
    void check_prio_read_back(const Cache& ca, std::span<const uint8_t> gens,
                              std::span<const uint16_t> prios);

    // Invariant 12: call around bch_rescale_priorities.
    struct RescaleProbe {
        std::vector<std::vector<uint16_t>> prio; // per cache
        std::vector<std::vector<int32_t>> pin;
    };
    RescaleProbe before_rescale() const;
    void after_rescale(const RescaleProbe& before, bool ran);

    const std::vector<Violation>& violations() const { return violations_; }
    std::vector<Violation> take_violations();
    uint64_t events_checked() const { return events_; }

  private:
    unsigned cache_index(const Cache& ca) const;
    bool seeded(unsigned cache, uint64_t bucket) const;
    void report(unsigned inv, unsigned cache, uint64_t bucket, std::string what);

    const CacheSet& c_;
    AllocObserver* next_;
    std::vector<std::vector<uint64_t>> seeded_; // sorted
    std::vector<Violation> violations_;
    uint64_t events_ = 0;
};

} // namespace bucketscope
