#pragma once
// The btree writer: every btree node write of the engine, one operation at a time, as a
// task (the kernel spreads these over the inserting threads, btree_io_wq and GC; one
// writer keeps node writes from racing each other and a freed bucket from being written).
//
//   idle:     serve, in this order: a flush the journal is waiting for (leaf appends, no
//             bucket needed), a structure change that must happen (split, compaction for
//             room), leaf appends of sets past 4 KiB or of everything (clean stop), GC's
//             rewrites; else sleep on btree work.
//   alloc:    the node buckets the change needs: those the inserters put in reserve,
//             the rest from RESERVE_BTREE, all or none (btree_check_reserve), sleeping on
//             btree_cache_wait; a change only GC asked for is given up instead, as
//             btree_gc_rewrite_node gives up.
//   io:       the operation's writes and flushes, each with bucket_lock dropped; then its
//             completion (frees, pins) and a wake-up of whoever waits on btree_done.
// A failed node write stops the cache set.

#include <vector>

#include "core/engine/btree_store.h"
#include "core/engine/runtime.h"

namespace bucketscope {

class BtreeWriter final : public Task {
  public:
    explicit BtreeWriter(BtreeStore& store);
    StepResult step(Runtime& rt) override;

  private:
    enum class State : uint8_t { Idle, Alloc, Io };
    StepResult alloc(Runtime& rt);

    BtreeStore& store_;
    State state_ = State::Idle;
    std::vector<NodeIo> ios_;
    size_t next_ = 0;
    bool replacing_ = false;
    bool awaiting_io_ = false;
    bool waiting_ = false;
    uint64_t wait_start_ns_ = 0;
};

} // namespace bucketscope
