#pragma once
// `bucketscope-cli check`: a filesystem checker for a cache device, read-only. It reads the
// device the way registration does (core/inspect's readers: superblock, every journal
// bucket, the newest entry's prio chain, the uuid bucket, the whole btree, journal replay on
// top) and then verifies what must hold on any consistent cache, listing every problem:
//
//   * every structure reads and checks (magic, checksums, bounds, no gaps in the replay);
//   * every leaf key lies inside its node's range, and no two valid keys of the btree map
//     the same volume sectors;
//   * every pointer is either stale (its bucket's gen moved on: the data is gone) or live,
//     and a live one leads to the data its key was written with: on volumes the engine
//     wrote (uuid label ENGINE_VOLUME_LABEL) every sector must carry a valid data header
//     naming the key's volume and sector (core/ondisk/data_sector.h); other volumes' data
//     cannot be verified and is counted;
//   * no two live pointers share cache sectors;
//   * every pointer is at most BUCKET_GC_GEN_MAX gens behind its bucket;
//   * with an ack log: every acknowledged write still reads back: the sector holds that
//     write, or one never acknowledged (a later write that was in flight), or, on a clean
//     (cached) volume, nothing (evicted). Dirty data may never be lost.
// A torn last bset of a btree node (a crash during an append) is a note, not a problem:
// its keys are in the journal. Nothing is written to the device.

#include <cstdint>
#include <string>
#include <vector>

#include "core/device/device.h"
#include "core/inspect/ack_log.h"
#include "core/inspect/bucket_state.h"
#include "core/ondisk/superblock.h"

namespace bucketscope::inspect {

struct CheckOptions {
    Profile profile = Profile::v6_2;
    const std::vector<AckRecord>* acks = nullptr;
    size_t max_listed = 1000; // problems listed in full; the rest are counted
};

struct CheckStats {
    uint64_t journal_entries = 0;
    uint64_t journal_replay = 0;
    uint64_t prio_buckets = 0;
    uint64_t btree_nodes = 0;
    uint64_t extents = 0;            // after replay
    uint64_t live_extents = 0;
    uint64_t stale_extents = 0;
    uint64_t verified_sectors = 0;   // live sectors whose data header checked out
    uint64_t unverified_sectors = 0; // live sectors of volumes the engine did not write
    uint64_t acks = 0;               // acknowledged pieces checked
    uint64_t acks_evicted = 0;       // clean sectors acknowledged and since evicted
};

struct CheckReport {
    ondisk::CacheSuperblock sb;
    bool never_registered = false;
    std::vector<std::string> problems;
    uint64_t problems_not_listed = 0;
    std::vector<std::string> notes;
    CheckStats stats;

    bool ok() const { return problems.empty(); }
};

CheckReport check_cache(Device& dev, const CheckOptions& options = {});

} // namespace bucketscope::inspect
