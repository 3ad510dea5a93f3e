#pragma once
// bch_btree_check for an image: read the root the newest jset names, then every node
// below it depth first, marking each interior node's keys at its level and every node's
// own key at level + 1 (allocator-semantics.md 3.3). Leaf extents are collected instead
// of marked, so journal replay can overwrite them before mark_extents counts what a GC
// after registration would see. Bounded: levels count down from the root's and may not
// exceed kMaxBtreeLevel, and a node reached twice is a cycle.

#include <cstdint>
#include <functional>
#include <vector>

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

// One node as the walk read it, for callers that rebuild the tree (the engine's reopen).
struct BtreeNodeInfo {
    uint64_t index = 0;             // visit order, parents before children
    uint64_t parent = UINT64_MAX;   // index of the parent, UINT64_MAX for the root
    unsigned level = 0;
    ondisk::Bkey key;               // the node's own key (from its parent or the jset)
    uint64_t bset_seq = 0;
    size_t written_blocks = 0;      // blocks of readable bsets
    bool torn_tail = false;         // a torn last bset was ignored (tolerate_torn_tail)
    std::vector<ondisk::Bkey> keys; // after the read-time merge, invalid keys dropped
};

struct BtreeWalkOptions {
    // Accept a node whose last bset is torn (see decode_btree_node).
    bool tolerate_torn_tail = false;
    // Called for every node read, in visit order (children in key order).
    std::function<void(const BtreeNodeInfo&)> visit;
    // Hears "btree" once per node, with the total unknown.
    Progress* progress = nullptr;
};

ondisk::Result<BtreeStats> check_btree(Device& dev, const ondisk::CacheSuperblock& sb,
                                       BucketTable& table, const ondisk::Bkey& root,
                                       unsigned root_level, uint64_t jset_offset,
                                       ondisk::ExtentSet& leaves,
                                       const BtreeWalkOptions& options = {});
// Marks every valid extent at level 0 (bch_initial_mark_key) and counts them.
ExtentStats mark_extents(BucketTable& table, const ondisk::ExtentSet& leaves);

} // namespace bucketscope::inspect
