#pragma once
// bcache's writeback thread (writeback.c) as a task: it cleans the dirty data that
// writeback-mode writes left in the cache, so the buckets holding it can be reclaimed again
// once GC sees them clean.
//
// The kernel runs one thread per backing device; this task serves every backing volume in
// turn, each with its own state (keybuf, scan position, rate). Per volume with dirty data:
//   refill_dirty     scan the index from last_scanned for dirty extents of the volume into
//                    the keybuf (at most KEYBUF_NR = 500), wrapping once to the start;
//   read_dirty       take up to MAX_WRITEBACKS_IN_PASS = 5 contiguous keys (at most
//                    MAX_WRITESIZE_IN_PASS = 5000 sectors), read them from the cache and
//                    write them to the backing device (lock dropped), then
//   write_dirty_finish  replace-insert a clean copy of each key: it only lands if the very
//                    same dirty extent is still in the index (a newer write wins, counted as
//                    a writeback collision); then sleep as the rate limit asks;
//   after a full scan with nothing left: has_dirty = 0; sleep writeback_delay (30 s).
// The rate is __update_writeback_rate's PI controller, run every 5 s of engine time:
// proportional term (dirty - target) / 40, integral term accumulated only while the
// device keeps up, / 10000, clamped to [8, 1e9] sectors per second, plus the fragmentation
// term of v5.x+ when in_use passes 50%. With writeback_percent = 0 there is no delay.
// The cleaned extents' buckets stay marked DIRTY until the next GC marks them anew.

#include "core/engine/runtime.h"

namespace bucketscope {

struct VolumeState;

class WritebackTask final : public Task {
  public:
    WritebackTask();
    StepResult step(Runtime& rt) override;

  private:
    enum class State : uint8_t { Idle, Group, Finish, Delay };
    // refill_dirty: true when the scan covered the whole volume.
    bool refill(Runtime& rt, VolumeState& v);
    void update_rate(Runtime& rt, VolumeState& v);
    // writeback_delay(dc, sectors): how long to sleep after writing `sectors`.
    uint64_t delay_ns(Runtime& rt, VolumeState& v, uint64_t sectors);

    State state_ = State::Idle;
    size_t volume_ = 0;     // the volume being worked on
    bool searched_full_ = false;
    size_t group_ = 0;      // keys of the keybuf in the current group
    size_t finished_ = 0;   // of those, already replaced by their clean copies
    uint64_t group_sectors_ = 0;
};

} // namespace bucketscope
