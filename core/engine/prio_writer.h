#pragma once
// bch_prio_write as a resumable state machine (bcache-ondisk.md 2.5, allocator-semantics.md
// 4.1). One per cache; driven by that cache's allocator task, and by registration.
//
//   seq++, meta_sectors_written += bucket_size * prio_buckets
//   for i = prio_buckets-1 .. 0:
//       pack the prio/gen of buckets [i*ppb, ...) with next_bucket = prio_buckets[i+1]
//       (for the last slot that aliases prio_last_buckets[0]) and checksum it — before the
//       bucket that will hold it is allocated, so its own entry shows its pre-alloc prio
//       allocate a bucket from RESERVE_PRIO (NONE first), write the buffer there
//       prio_buckets[i] = bucket, drop the allocation pin
//   a journal entry naming prio_buckets[0] (only under CACHE_SYNC: bch_journal returns early
//   otherwise; the journal task writes it, this waits until it is durable), then free the
//   previous set's buckets and remember the new ones.
//
// Only once the journal entry is on disk are the packed gens durable: the writer then
// copies them into Cache::disk_gens, the record invariant 1 is checked against. Without
// CACHE_SYNC the packed gens stay pending until commit_pending() (registration calls it
// after its first journal entry).
//
// A blocking write (v4.6, registration) sleeps on bucket_wait when RESERVE_PRIO and
// RESERVE_NONE are empty; a non-blocking one (v6.2 allocator) is only started after the
// caller checked enough_buckets(), so its allocations cannot fail.

#include <optional>
#include <vector>

#include "core/engine/journal_writer.h"
#include "core/engine/runtime.h"
#include "core/ondisk/prio_set.h"

namespace bucketscope {

class PrioWriter {
  public:
    PrioWriter(Runtime& rt, Cache& ca, JournalWriter& journal);

    bool active() const { return state_ != State::Idle; }
    // v6 bch_prio_write(ca, false): fifo_used(free[PRIO]) + fifo_used(free[NONE]) >=
    // prio_buckets.
    bool enough_buckets() const;
    void begin(bool wait);
    // Continues the write. Returns true with `out` set to the step result to hand back to
    // the runner when the write must leave the lock (Io) or sleep (Block); false once it
    // has finished. `last_io` is the status of the Io this writer asked for last. The
    // allocator passes its own return slot as `out`: a copy of a just-built StepResult
    // out of a temporary reads it with wide loads that cannot be forwarded from the
    // narrower stores that built it, and such a stall waits for every older store to
    // reach the cache (it was more than half of the allocator task's time).
    bool step(const Status& last_io, StepResult& out);
    std::optional<StepResult> step(const Status& last_io) {
        StepResult r;
        if (step(last_io, r))
            return r;
        return std::nullopt;
    }

    // Makes the gens packed by the last write durable (see file comment).
    void commit_pending();
    bool has_pending() const { return pending_valid_; }
    uint64_t seq() const { return seq_; }
    // prio_read: the chain on disk has `seq`; the next write uses seq + 1.
    void resume(uint64_t seq) { seq_ = seq; }

  private:
    enum class State : uint8_t { Idle, Pack, Alloc, Written, Journal, JournalWait, Finish };
    void pack(uint64_t i);

    Runtime& rt_;
    Cache& ca_;
    JournalWriter& journal_;
    State state_ = State::Idle;
    bool wait_ = false;
    uint64_t i_ = 0;
    uint64_t bucket_ = 0;
    uint64_t seq_ = 0; // disk_buckets->seq
    bool waiting_ = false;
    uint64_t wait_start_ns_ = 0;
    std::vector<std::byte> buf_;                 // the long-lived disk_buckets buffer
    size_t zeros_from_ = 0;                      // buf_ past this was never written: zeros
    std::vector<uint8_t> pending_gens_;          // gens packed by the current write
    bool pending_valid_ = false;
    bool journalled_ = false;
    uint64_t journal_seq_ = 0;
};

} // namespace bucketscope
