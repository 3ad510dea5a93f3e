#pragma once
// One process of the built-in workload: the request path of request.c boiled down to
// what the allocator sees.
//
// Each process has its own write point and its own seeded generator and writes to one
// volume: a cached (backing) device, inode 0, whose requests go through
// check_should_bypass and so rescale prios by their sectors; or a flash-only volume,
// inode 1, whose data is writeback (KEY_DIRTY, buckets marked DIRTY at allocation) and
// never rescales. The flash volume is kept small (a share of the cache) because its data
// can never be evicted, only overwritten; with it bounded the allocator always finds
// something to invalidate.
//
//   write: bch_alloc_sectors (sleeping on bucket_wait when it needs a bucket and none is
//          free), the data write (lock dropped; core/engine/data_write.h), then the key
//          journalled and inserted into the index (core/engine/key_insert.h), which makes
//          overwritten extents stale, bkey_put of the extent's pins and the sectors_to_gc
//          accounting that wakes GC. A write larger than what the open bucket has left
//          continues in further pieces, as bch_data_insert_start loops. The write
//          completes once the journal entry holding its last key is durable. Node splits
//          are the btree writer's (core/engine/btree_writer.h); an insert waits for it when
//          the leaf it lands in is full.
//   read:  a lookup; every live pointer hit sets its bucket's prio to INITIAL_PRIO.

#include <vector>

#include "core/engine/runtime.h"

namespace bucketscope {

// The volumes' KEY_INODEs (uuid slots).
inline constexpr uint64_t kCachedInode = 0;
inline constexpr uint64_t kFlashInode = 1;

struct VolumeLayout {
    uint64_t cached_sectors = 0;
    uint64_t flash_sectors = 0;
};
VolumeLayout volume_layout(const EngineOptions& opts);

class WorkloadTask final : public Task {
  public:
    WorkloadTask(unsigned process, uint64_t seed, bool flash_only, const VolumeLayout& vol);
    StepResult step(Runtime& rt) override;
    bool is_workload() const override { return true; }

  private:
    enum class State : uint8_t { Idle, Alloc, Insert, Durable };
    StepResult read(Runtime& rt);
    void start_write(Runtime& rt);
    uint64_t draw(uint64_t n); // uniform-ish in [0, n)
    void begin_wait(Runtime& rt);
    void end_wait(Runtime& rt);

    unsigned process_;
    uint64_t rng_;
    bool flash_only_;
    uint64_t inode_;
    uint64_t volume_sectors_;
    State state_ = State::Idle;
    uint64_t writes_done_ = 0;
    uint64_t next_sequential_ = 0;
    uint64_t offset_ = 0;    // where the rest of the current write starts
    uint64_t remaining_ = 0; // sectors of the current write still to place
    SectorGrant grant_;
    uint64_t write_id_ = 0;
    uint64_t journal_seq_ = 0; // the entry that makes the write's last key durable
    std::vector<std::byte> data_; // the data write in flight
    bool waiting_ = false;
    uint64_t wait_start_ns_ = 0;
};

} // namespace bucketscope
