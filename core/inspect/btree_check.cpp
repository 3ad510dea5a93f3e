// The walk mirrors bch_btree_check_recurse: all keys of an interior node are marked
// before any child is read, the node's own key is marked as level + 1, and only children whose key
// is not bad (ZERO_KEY freeing keys, invalid or stale pointers) are visited. A node must
// read cleanly (bch_btree_node_read_done) and its last key may not pass its own key.

#include "core/inspect/btree_check.h"

#include <unordered_set>

#include "core/inspect/device_read.h"
#include "core/ondisk/bset.h"

namespace bucketscope::inspect {

using ondisk::Bkey;
using ondisk::ParseError;
using ondisk::Result;

namespace {

struct Walker {
    Device& dev;
    const ondisk::CacheSuperblock& sb;
    BucketTable& table;
    ondisk::ExtentSet& leaves;
    const BtreeWalkOptions& options;
    BtreeStats stats;
    std::unordered_set<uint64_t> visited; // node start sectors
    uint64_t next_index = 0;

    std::optional<ParseError> node(const Bkey& key, unsigned level, uint64_t parent);
};

std::optional<ParseError> Walker::node(const Bkey& key, unsigned level, uint64_t parent) {
    const uint64_t sector = key.ptrs[0].offset;
    const uint64_t offset = sector * 512;
    if (!table.ptr_available(key.ptrs[0]))
        return ParseError{"bset", offset, "btree node pointer names device " +
                                              std::to_string(key.ptrs[0].dev) + ", not this cache"};
    if (!report_progress(options.progress, "btree", stats.nodes))
        return ParseError{"bset", offset, kCancelledMessage};
    if (!visited.insert(sector).second)
        return ParseError{"bset", offset, "btree node at sector " + std::to_string(sector) +
                                              " is reached twice (the btree has a cycle)"};
    auto raw = read_structure(dev, "bset", offset, uint64_t{key.size} * 512);
    if (!raw)
        return raw.error();
    const uint64_t ptr0 = ondisk::make_ptr(key.ptrs[0].gen, key.ptrs[0].offset, key.ptrs[0].dev);
    auto n = ondisk::decode_btree_node(raw.value(), sb.set_magic(), ptr0,
                                       size_t{sb.block_size} * 512, offset,
                                       options.tolerate_torn_tail);
    if (!n)
        return n.error();
    ++stats.nodes;
    stats.bsets += n.value().bsets.size();
    std::vector<Bkey> keys = ondisk::sort_node_keys(n.value(), level == 0);
    std::erase_if(keys, [&](const Bkey& k) {
        return level ? table.btree_ptr_invalid(k) : table.extent_invalid(k);
    });
    if (!keys.empty() && ondisk::bkey_cmp(key, keys.back()) < 0)
        return ParseError{"bset", offset,
                          "short btree key: node key " + std::to_string(key.inode) + ":" +
                              std::to_string(key.offset) + " is below its last key " +
                              std::to_string(keys.back().inode) + ":" +
                              std::to_string(keys.back().offset)};
    const uint64_t index = next_index++;
    if (options.visit) {
        BtreeNodeInfo info;
        info.index = index;
        info.parent = parent;
        info.level = level;
        info.key = key;
        info.bset_seq = n.value().seq;
        info.written_blocks = n.value().written_blocks;
        info.torn_tail = n.value().torn_tail;
        info.keys = keys;
        options.visit(info);
    }
    if (level == 0) {
        for (const Bkey& k : keys)
            leaves.insert(k);
        table.initial_mark_key(1, key);
        ++stats.leaf_nodes;
        return std::nullopt;
    }
    for (const Bkey& k : keys)
        table.initial_mark_key(level, k);
    table.initial_mark_key(level + 1, key);
    for (const Bkey& k : keys) {
        if (table.btree_ptr_bad(k))
            continue;
        if (auto e = node(k, level - 1, index))
            return e;
    }
    return std::nullopt;
}

} // namespace

Result<BtreeStats> check_btree(Device& dev, const ondisk::CacheSuperblock& sb, BucketTable& table,
                               const Bkey& root, unsigned root_level, uint64_t jset_offset,
                               ondisk::ExtentSet& leaves, const BtreeWalkOptions& options) {
    if (root_level > kMaxBtreeLevel)
        return ParseError{"jset", jset_offset,
                          "btree_level " + std::to_string(root_level) + ", expected at most " +
                              std::to_string(kMaxBtreeLevel)};
    if (table.btree_ptr_invalid(root))
        return ParseError{"jset", jset_offset,
                          "bad btree root: the root key needs pointers, a non-zero size, no dirty "
                          "bit and its node inside one bucket of the device"};
    Walker w{dev, sb, table, leaves, options, {}, {}};
    w.stats.root_level = root_level;
    if (auto e = w.node(root, root_level, UINT64_MAX))
        return *e;
    return w.stats;
}

} // namespace bucketscope::inspect

namespace bucketscope::inspect {

ExtentStats mark_extents(BucketTable& table, const ondisk::ExtentSet& leaves) {
    ExtentStats stats;
    for (const Bkey& k : leaves.keys()) {
        if (table.extent_invalid(k))
            continue;
        table.initial_mark_key(0, k);
        ++stats.extents;
        stats.dirty_extents += k.dirty;
        for (unsigned i = 0; i < k.nptrs; ++i)
            if (table.ptr_available(k.ptrs[i]) && !table.ptr_stale(k.ptrs[i])) {
                stats.live_sectors += k.size;
                stats.dirty_sectors += k.dirty ? k.size : 0;
            }
    }
    return stats;
}

} // namespace bucketscope::inspect
