#pragma once
// The request path: one task per request in flight, each taking the next request from a
// source (a trace, a generator, or a built-in workload process) and doing what request.c
// does with it, down to what the allocator sees.
//
// Addresses. request.device names the volume and is the extent key's inode; offsets and
// lengths are bytes, turned into sectors (rounded out to whole sectors). Large requests
// are split inside: a read at the boundaries of the extents it meets, an insert at the
// open buckets' boundaries (bch_alloc_sectors hands out at most what is left in the
// bucket), exactly as cache_lookup and bch_data_insert_start split bios.
//
//   read      check_should_bypass (cached volumes; not bypassed -> rescale by its sectors),
//             then cache_lookup: every live extent (pointer gen matches) is a hit and sets
//             its bucket's prio to INITIAL_PRIO; the first hole is the cache miss: read from
//             the backing device and, unless bypassed, inserted (cache_miss + replace-
//             insert: only what is still a hole when the data arrives); later holes are read
//             from the backing device only, as the kernel does once s->cache_miss is set.
//             A flash-only volume's holes read as zeros and are never inserted.
//   write     check_should_bypass, then cached_dev_write: overlapping writeback I/O forces
//             writeback; should_writeback (writeback mode, in_use under the cutoffs) makes
//             it writeback. Bypass: the range is invalidated (bch_data_invalidate) and the
//             data goes to the backing device. Writethrough: backing device and cache; if no
//             bucket is free the rest is invalidated instead of waiting. Writeback: cache
//             only, KEY_DIRTY, buckets marked DIRTY, waiting on bucket_wait for buckets.
//             Flash-only volumes are always writeback.
//   discard   always bypasses: the range is invalidated (extents dropped).
//   flush     no data; counted.
// Inserts take sectors_to_gc down (waking GC below zero), make overwritten extents stale
// and drop the extent's pins (bkey_put). The persistence is key_insert.h's: keys are
// journalled (a write completes once its journal entry is durable; cache-miss keys are
// journalled too, which the kernel's replace inserts are not, but a read does not wait for
// them), invalidations journal pointerless keys, and node buckets come from RESERVE_BTREE
// for the btree writer. The built-in demo workload bends two rules (request_options.h:
// writethrough_waits, read_miss_inserts).
//
// The data write to the cache device happens in exactly one place, write_data()
// (core/engine/data_write.h builds the I/O).

#include <optional>
#include <vector>

#include "core/engine/runtime.h"

namespace bucketscope {

namespace workload {
class RequestSource;
struct Request;
} // namespace workload

struct VolumeState;

class WorkloadTask final : public Task {
  public:
    // `slot` numbers the task among the request tasks (its pending cache-miss range).
    WorkloadTask(std::string name, unsigned slot, workload::RequestSource& source);
    // The step's result comes back by value all the way from where it is made (guaranteed
    // copy elision): passed through a std::optional it was copied twice per request, and
    // the copies' 16-byte loads of fields just stored one by one stalled on store
    // forwarding. Final, so the scheduler calls it directly for its workload slots.
    StepResult step(Runtime& rt) override;
    bool is_workload() const override { return true; }

  private:
    enum class State : uint8_t { Idle, HitRead, MissRead, Alloc, Insert, Invalidate, Durable };
    enum class Kind : uint8_t { Read, Write, Discard };

    // Set the request up and run it as far as this step goes.
    StepResult begin(Runtime& rt, const workload::Request& r);
    StepResult begin_read(Runtime& rt, VolumeState& v, uint32_t pid);
    // With read_hits: reads the hit pieces from the cache device one by one, checking each
    // as it returns, then goes on with the lookup's outcome.
    StepResult read_hits(Runtime& rt);
    void check_hit(Runtime& rt);
    // The rest of cache_lookup once the hits are read: done, or the cache miss. The hole
    // and the cost come as arguments: begin_read has them in registers.
    StepResult after_lookup(Runtime& rt, uint64_t hole_start, uint64_t hole_end, uint64_t cost);
    StepResult begin_write(Runtime& rt, VolumeState& v, uint32_t pid);
    // Enters the insert loop for [offset_, insert_end_) (bch_data_insert_start).
    void start_insert(Runtime& rt, bool dirty, bool may_wait);
    // THE data write: the granted sectors go to the cache device at the grant's pointers.
    StepResult write_data(Runtime& rt, const SectorGrant& g);
    // Puts the granted piece into the index; a Block or Done to hand back, or nullopt.
    std::optional<StepResult> insert_piece(Runtime& rt);
    // bch_data_invalidate over [offset_, insert_end_), then the request completes.
    StepResult invalidate_rest(Runtime& rt);
    StepResult finish(Runtime& rt, uint64_t cost_ns = 0);
    void begin_wait(Runtime& rt);
    void end_wait(Runtime& rt);

    unsigned slot_;
    workload::RequestSource& source_;
    State state_ = State::Idle;
    bool source_done_ = false;

    // The request in progress.
    Kind kind_ = Kind::Read;
    uint64_t inode_ = 0;
    uint64_t start_ = 0; // sectors
    uint64_t end_ = 0;
    uint32_t write_point_ = 0;
    bool flash_only_ = false;
    bool bypass_ = false;
    bool missed_ = false;   // s->cache_missed
    bool had_miss_ = false; // a cache-miss insert was registered
    uint64_t finish_cost_ns_ = 0;  // charged when an invalidation completes the request
    // The insert loop: [offset_, insert_end_) still to place.
    bool miss_insert_ = false;
    bool dirty_ = false;
    bool may_wait_ = false;
    uint64_t offset_ = 0;
    uint64_t insert_end_ = 0;
    SectorGrant grant_;
    uint64_t write_id_ = 0;
    uint64_t journal_seq_ = 0;    // the entry holding the request's last journalled key
    std::vector<std::byte> data_; // the data write (or hit read) in flight
    // A read's lookup: the pieces that hit (read_hits), the hole to insert, its cost.
    struct HitPiece {
        Ptr ptr; // at the piece's first sector
        uint64_t logical = 0;
        uint32_t sectors = 0;
    };
    std::vector<HitPiece> hits_;
    size_t hit_next_ = 0;
    uint64_t hole_start_ = 0, hole_end_ = 0, lookup_cost_ns_ = 0;
    // Where the lookup began in the index, for the miss insert that starts there.
    ExtentIndex::LeafHint lookup_hint_;
    bool waiting_ = false;
    uint64_t wait_start_ns_ = 0;
};

} // namespace bucketscope
