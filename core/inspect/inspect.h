#pragma once
// The read-only inspector: what the kernel would know about a cache device right after
// registering it, computed from the image alone. It reads the superblock, the newest
// journal entry, every bucket's prio and gen, the uuid bucket and the whole btree, applies
// registration's marking, and derives priority_stats as sysfs prints it.
//
// Nothing is written: the Device is only read. A large device takes a while (every journal
// bucket and btree node is read), so the work reports progress and can be cancelled. Any inconsistency the kernel would refuse
// (or that would make a walk unbounded) is a ParseError naming the structure and offset.

#include <string>
#include <vector>

#include "core/device/device.h"
#include "core/device/progress.h"
#include "core/inspect/btree_check.h"
#include "core/inspect/bucket_state.h"
#include "core/inspect/priority_stats.h"
#include "core/ondisk/superblock.h"

namespace bucketscope::inspect {

struct InspectOptions {
    Profile profile = Profile::v6_2;
    // Apply bch_initial_gc_finish's reserve seeding (gen+1, INITIAL_PRIO on the first
    // free buckets), which the kernel does before anyone can read priority_stats.
    bool seed_reserves = true;
    // Reports stages "journal" (buckets), "prio sets" (buckets), "btree" (nodes, total
    // unknown) and "extents"; when it asks to stop, inspect_cache returns an error whose
    // message is kCancelledMessage. Not owned; may be null.
    Progress* progress = nullptr;
};

struct InspectTotals {
    uint64_t nbuckets = 0;
    uint64_t bucket_sectors = 0;
    uint64_t marks[4] = {}; // buckets >= first_bucket per Mark
    uint64_t empty_buckets = 0; // sectors_used == 0, >= first_bucket
    uint64_t sectors_used = 0;  // sum of GC sector counts
    uint64_t stale_ptrs = 0;
    uint64_t journal_entries = 0;    // valid entries found in the journal buckets
    uint64_t journal_seq = 0;        // newest
    uint64_t journal_replay = 0;     // entries from last_seq to seq
    uint64_t prio_buckets = 0;
    uint64_t prio_seq = 0;
    uint64_t uuids_in_use = 0;
    uint64_t flash_volumes = 0;
    BtreeStats btree;
    ExtentStats extents;
};

struct InspectReport {
    ondisk::CacheSuperblock sb;
    bool never_registered = false; // CACHE_SYNC clear: the kernel would re-initialise it
    std::vector<BucketState> buckets;
    std::vector<uint64_t> prio_chain;
    uint64_t uuid_bucket = 0;
    PriorityStats stats;
    InspectTotals totals;
    // What the kernel of the chosen profile would only warn about (v4.6: bad prio csum or
    // magic), each naming structure and offset.
    std::vector<std::string> warnings;
};

ondisk::Result<InspectReport> inspect_cache(Device& dev, const InspectOptions& options = {});

// The superblock at byte 4096, validated as read_super does (and refused when it is a
// backing device's). The first step of inspect, check and the engine's open.
ondisk::Result<ondisk::CacheSuperblock> read_cache_superblock(Device& dev, Profile profile);

} // namespace bucketscope::inspect
