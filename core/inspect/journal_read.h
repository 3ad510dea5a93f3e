#pragma once
// Finding the newest journal entry (bcache-ondisk.md 3.3): every journal bucket is read
// and scanned block by block; every entry passing magic, size and csum is kept (first
// copy of a seq wins), the newest is the one with the largest seq, and the entries from
// its last_seq up to it are the ones registration replays and marks.

#include <array>
#include <vector>

#include "core/device/device.h"
#include "core/device/progress.h"
#include "core/ondisk/jset.h"
#include "core/ondisk/superblock.h"

namespace bucketscope::inspect {

struct JournalEntry {
    uint64_t device_offset = 0;
    ondisk::Jset jset;
};

struct JournalScan {
    std::vector<JournalEntry> replay; // seq ascending; back() is the newest entry
    size_t entries_found = 0;         // valid entries in all journal buckets
    // Per journal bucket (index into sb.d): the newest seq found in it, 0 for none.
    std::vector<uint64_t> bucket_max_seq;
    // Where the newest entry sits: journal bucket index, and the blocks of that bucket up
    // to its end (what a writer continuing the journal must not overwrite).
    unsigned newest_bucket = 0;
    uint64_t newest_end_blocks = 0;
    // Every valid entry's seq and prio_bucket[] (oldest first): a torn newest prio set can
    // fall back to the one an older entry names.
    struct Meta {
        uint64_t seq = 0;
        std::array<uint64_t, 8> prio_bucket{};
    };
    std::vector<Meta> history;

    const JournalEntry& newest() const { return replay.back(); }
};

// Errors: no valid entry at all, last_seq after seq, or a seq gap inside the replay range
// (tolerated at its start when discard is on, as v6.1 does).
// `progress` hears "journal" once per bucket read.
ondisk::Result<JournalScan> read_journal(Device& dev, const ondisk::CacheSuperblock& sb,
                                         Progress* progress = nullptr);

} // namespace bucketscope::inspect
