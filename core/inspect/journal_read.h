#pragma once
// Finding the newest journal entry (bcache-ondisk.md 3.3): every journal bucket is read
// and scanned block by block; every entry passing magic, size and csum is kept (first
// copy of a seq wins), the newest is the one with the largest seq, and the entries from
// its last_seq up to it are the ones registration replays and marks.

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

    const JournalEntry& newest() const { return replay.back(); }
};

// Errors: no valid entry at all, last_seq after seq, or a seq gap inside the replay range
// (tolerated at its start when discard is on, as v6.1 does).
// `progress` hears "journal" once per bucket read.
ondisk::Result<JournalScan> read_journal(Device& dev, const ondisk::CacheSuperblock& sb,
                                         Progress* progress = nullptr);

} // namespace bucketscope::inspect
