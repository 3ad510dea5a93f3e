#pragma once
// Journal writes (journal.c) as far as the allocator needs them: bch_journal_meta, an
// entry with no keys that records where the btree root, the uuid bucket and each cache's
// first prio bucket now are. A prio set is durable only once such an entry naming it is.
//
// Placement follows bcache-ondisk.md 3.2: entries are block-aligned inside the current
// journal bucket d[cur_idx] and never span two; when the current bucket has too few free
// blocks the writer moves to (cur_idx + 1) % keys. The free-block count starts at 0, so the
// very first entry (seq 1) lands in d[1]. Nothing pins old entries (the engine journals no
// leaf keys), so every journal bucket is reclaimable and last_seq = seq.
//
// With several caches (v4.6) each entry is written to every cache's journal, as
// journal_write_unlocked() does with one pointer per cache. Callers hold bucket_lock while
// preparing; the prepared entry carries its own buffer so the write itself can run with
// the lock dropped.

#include <cstdint>
#include <vector>

#include "core/engine/runtime.h"

namespace bucketscope {

struct PreparedJset {
    uint64_t seq = 0;
    std::vector<std::byte> buf;
    std::vector<uint64_t> offset_bytes; // per cache
    std::vector<uint64_t> bucket;       // journal bucket per cache
};

class JournalWriter {
  public:
    explicit JournalWriter(Runtime& rt);

    // The next entry (seq + 1) with the set's current metadata locations; reserves its
    // place in every cache's journal. bucket_lock held.
    PreparedJset prepare();
    // The entry reached the devices (written and flushed): count it and trace it.
    void written(const PreparedJset& j);

    uint64_t seq() const { return seq_; }
    // The journal bucket the next entry of cache `dev` would start in, for tests.
    uint64_t journal_bucket(unsigned dev, unsigned idx) const;

  private:
    struct DevState {
        unsigned cur_idx = 0;
        uint64_t blocks_free = 0;
    };
    Runtime& rt_;
    uint64_t seq_ = 0;
    std::vector<DevState> dev_;
};

} // namespace bucketscope
