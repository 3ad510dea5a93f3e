#pragma once
// The journal's writer (journal_write_unlocked and its completion), as a task: it writes
// the open entry whenever it holds keys or someone asked for a meta entry, one entry in
// flight at a time.
//
//   idle:      sleep on journal work until the open entry wants writing
//   place:     last_seq from the btree's pins; if no journal bucket is free, ask the btree
//              writer to flush the leaves pinning it and sleep until it has
//   preflush:  flush every device written since its last flush (REQ_PREFLUSH: the data and
//              node writes the entry's keys and pointers depend on reach the media first)
//   write:     the entry to every cache's journal
//   fua:       flush again (REQ_FUA): only now is the entry durable
//   done:      durable_seq = seq, acknowledge the writes it holds, free the buckets of old
//              roots it replaced, wake the waiters
// A failed write or flush stops the cache set: nothing is acknowledged after it.

#include "core/engine/journal_writer.h"
#include "core/engine/runtime.h"

namespace bucketscope {

class JournalTask final : public Task {
  public:
    explicit JournalTask(JournalWriter& journal);
    StepResult step(Runtime& rt) override;

  private:
    enum class State : uint8_t { Idle, PreFlush, Write, Fua };
    // The next device at or after dev_ that the current phase applies to (an Io sets
    // awaiting_io_).
    StepResult next_io(Runtime& rt);

    JournalWriter& journal_;
    State state_ = State::Idle;
    PreparedJset entry_;
    size_t dev_ = 0;
    bool awaiting_io_ = false;
};

} // namespace bucketscope
