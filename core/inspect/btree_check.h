#pragma once
// bch_btree_check for an image: read the root the newest jset names, then every node
// below it depth first, marking each interior node's keys at its level and every node's
// own key at level + 1 (allocator-semantics.md 3.3). Leaf extents are collected instead
// of marked, so journal replay can overwrite them before mark_extents counts what a GC
// after registration would see. Bounded: levels count down from the root's and may not
// exceed kMaxBtreeLevel, and a node reached twice is a cycle.

#include <cstdint>

#include "core/device/device.h"
#include "core/device/progress.h"
#include "core/inspect/bucket_state.h"
#include "core/ondisk/bkey.h"
#include "core/ondisk/extents.h"
#include "core/ondisk/superblock.h"

namespace bucketscope::inspect {

inline constexpr unsigned kMaxBtreeLevel = 16;

struct BtreeStats {
    uint64_t nodes = 0;
    uint64_t leaf_nodes = 0;
    uint64_t bsets = 0;
    unsigned root_level = 0;
};

struct ExtentStats {
    uint64_t extents = 0; // valid extents after the read-time merge and journal replay
    uint64_t dirty_extents = 0;
    uint64_t live_sectors = 0; // of non-stale extent pointers
    uint64_t dirty_sectors = 0;
};

// `progress` hears "btree" once per node, with the total unknown.
ondisk::Result<BtreeStats> check_btree(Device& dev, const ondisk::CacheSuperblock& sb,
                                       BucketTable& table, const ondisk::Bkey& root,
                                       unsigned root_level, uint64_t jset_offset,
                                       ondisk::ExtentSet& leaves, Progress* progress = nullptr);
// Marks every valid extent at level 0 (bch_initial_mark_key) and counts them.
ExtentStats mark_extents(BucketTable& table, const ondisk::ExtentSet& leaves);

} // namespace bucketscope::inspect
