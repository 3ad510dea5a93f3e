#pragma once
// The journal (journal.c): where inserted keys become durable before the btree node that
// holds them is written, and where each entry records the set's current metadata
// locations (btree root and level, uuid bucket, each cache's first prio bucket). A prio
// set is durable only once an entry naming it is; a write is acknowledged only once an
// entry holding its key is.
//
// Entries. Keys are added to the open entry (bch_journal); the journal task
// (journal_task.h) writes it when it has keys or someone asked for a write
// (bch_journal_meta), one entry in flight at a time, each with a flush before (the data
// and node writes it depends on) and after (FLUSH|FUA). While one is in flight the next
// collects keys, so concurrent writers share an entry (group commit). An entry holds at
// most 32 KiB (PAGE_SIZE << JSET_BITS), or half a bucket for small buckets.
//
// Placement follows bcache-ondisk.md 3.2: entries are block-aligned inside the current
// journal bucket d[cur_idx] and never span two; the free-block count starts at 0 on a new
// set, so the very first entry (seq 1) lands in d[1]. Reclaim: a journal bucket may be
// reused only when every entry in it is older than the last_seq of the newest *durable*
// entry, so a torn write into a reused bucket never destroys an entry that the surviving
// journal still needs for replay. To make sure the entry that frees the next bucket can
// always be written, every entry leaves one maximal entry's worth of blocks free behind it
// in its bucket, unless its own last_seq frees the bucket after it once it is durable.
// last_seq comes from the btree's journal pins (btree_store.h); when an entry cannot be
// placed the journal task asks the btree writer to flush the leaves holding the oldest
// keys, which never needs a bucket, and tries again.
//
// With several caches (v4.6) each entry is written to every cache's journal, as
// journal_write_unlocked() does with one pointer per cache. Everything here runs with
// bucket_lock held; the prepared entry carries its own buffer so the write itself runs
// with the lock dropped.

#include <cstdint>
#include <vector>

#include "core/engine/runtime.h"
#include "core/index/extent.h"
#include "core/ondisk/bkey.h"
#include "core/ondisk/jset.h"

namespace bucketscope {

struct PreparedJset {
    uint64_t seq = 0;
    uint64_t last_seq = 0;
    std::vector<std::byte> buf;
    std::vector<uint64_t> offset_bytes; // per cache
    std::vector<uint64_t> bucket;       // journal bucket per cache
};

class JournalWriter {
  public:
    explicit JournalWriter(Runtime& rt);

    // Continue a journal that is on disk (run_cache_set with CACHE_SYNC): entries up to
    // `seq` exist, the newest with `last_seq`; it lies in journal bucket index `cur_idx`
    // and ends `used_blocks` blocks into it; `bucket_max_seq[i]` is the newest seq found in
    // journal bucket i (0 = none). Unlike the kernel, which starts the next entry in the
    // next bucket, the rest of the current bucket is used: the next bucket may still hold
    // entries the replay needs.
    void resume(uint64_t seq, uint64_t last_seq, unsigned cur_idx, uint64_t used_blocks,
                const std::vector<uint64_t>& bucket_max_seq);

    // --- producers --------------------------------------------------------------------
    // Whether the open entry can take `k`; if not, wait on kJournalWait for it to be
    // written (the journal task is asked to by request_write()).
    bool room_for(const ondisk::Bkey& k) const;
    // Adds `k` (room_for(k) must hold); returns the seq of the entry it will be in.
    uint64_t add_key(const ondisk::Bkey& k);
    // The same for the key an extent is journalled as (to_bkey(e)), packed without it.
    bool room_for(const Extent& e) const {
        return !failed_ && open_.u64s() + e.u64s() <= max_entry_u64s_;
    }
    uint64_t add_key(const Extent& e);
    // bch_journal_meta: the open entry is to be written even without keys. Returns its seq.
    uint64_t request_meta();
    // The seq the open entry will have.
    uint64_t open_seq() const { return next_seq_; }
    uint64_t durable_seq() const { return durable_seq_; }
    bool durable(uint64_t seq) const { return durable_seq_ >= seq; }
    // After a failed journal write nothing becomes durable any more.
    bool failed() const { return failed_; }

    // --- the journal task ---------------------------------------------------------------
    bool wants_write() const {
        return !failed_ && !in_flight_ && (meta_requested_ || !open_.empty());
    }
    // Builds the open entry with the set's metadata locations and `last_seq`, places it
    // in every cache's journal and opens the next one (with out's old buffer, done with,
    // for its keys). False when no journal bucket is free: `*pinned_upto` is the seq
    // last_seq must pass first.
    bool begin_write(uint64_t last_seq, PreparedJset& out, uint64_t* pinned_upto);
    // The entry is on every device and flushed: durable.
    void written(const PreparedJset& j);
    void write_failed();

    // The last durable entry's seq (0 before the first).
    uint64_t seq() const { return durable_seq_; }
    // The journal bucket with index `idx` of cache `dev`.
    uint64_t journal_bucket(unsigned dev, unsigned idx) const;
    // Largest key payload of one entry, in u64s.
    size_t max_entry_u64s() const { return max_entry_u64s_; }

  private:
    struct DevState {
        unsigned cur_idx = 0;
        uint64_t blocks_free = 0;
        std::vector<uint64_t> bucket_seq; // newest seq written in each journal bucket
    };
    bool reclaimable(const DevState& d, unsigned idx) const;

    Runtime& rt_;
    uint64_t next_seq_ = 1;
    uint64_t durable_seq_ = 0;
    uint64_t durable_last_seq_ = 0;
    bool in_flight_ = false;
    bool meta_requested_ = false;
    bool failed_ = false;
    ondisk::JsetWriter open_; // the open entry's keys, packed as they come
    ondisk::Jset header_;     // the header begin_write fills (its keys stay empty)
    size_t max_entry_u64s_ = 0;
    uint64_t reserve_blocks_ = 0;
    std::vector<DevState> dev_;
};

} // namespace bucketscope
