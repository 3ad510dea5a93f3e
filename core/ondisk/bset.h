#pragma once
// struct bset and btree nodes on disk (bcache-ondisk.md section 5). A node is a log of
// bsets in its bucket: the first at block 0, each later one at the next block boundary,
// all carrying the first one's seq. Version-1 bsets checksum with the raw crc64 seeded by
// the node key's ptr[0] word; version 0 uses bch_crc64. Levels are not stored.

#include <cstdint>
#include <span>
#include <vector>

#include "core/ondisk/bkey.h"
#include "core/ondisk/le.h"
#include "core/ondisk/result.h"

namespace bucketscope::ondisk {

inline constexpr uint64_t BSET_MAGIC = 0x90135c78b99e07f5ull;
inline constexpr uint32_t BCACHE_BSET_VERSION = 1;
inline constexpr size_t BSET_HEADER = 32;

struct Bset {
    uint64_t csum = 0;
    uint64_t seq = 0;
    uint32_t version = BCACHE_BSET_VERSION;
    uint32_t u64s = 0; // the header's `keys`
    std::vector<Bkey> keys;
};

// Blocks a bset of `u64s` key words takes: ceil((32 + 8*u64s) / block_bytes).
size_t bset_blocks(size_t u64s, size_t block_bytes);
// The csum the kernel stores for the bset whose header+keys are `bytes`.
uint64_t bset_csum(std::span<const std::byte> bytes, uint32_t version, uint64_t node_ptr0);
// Header + keys, csum included, zero-padded to whole blocks.
std::vector<std::byte> encode_bset(std::span<const Bkey> keys, uint64_t set_magic, uint64_t seq,
                                   uint32_t version, uint64_t node_ptr0, size_t block_bytes);

// encode_bset for keys that are not in one array (a leaf's unwritten set, a node's keys):
// add() them in order straight into the bset's buffer, then finish() it, so a node write
// builds no copy of its keys. The buffer is zeroed once when made (the block padding is
// zeros) and each key's words are stored into it as they come.
class BsetWriter {
  public:
    // `u64s_hint`: the keys' total size if known, so the buffer is allocated once.
    explicit BsetWriter(size_t block_bytes, size_t u64s_hint = 0);
    void add(const Bkey& k);
    // A key as encode_bkey packs it (`n` = 2 + its pointers).
    void add_packed(const uint64_t* words, size_t n) {
        if (used_ + 8 * n > buf_.size())
            grow(8 * n);
        std::byte* p = buf_.data() + used_;
        for (size_t i = 0; i < n; ++i)
            store_le64(p + 8 * i, words[i]);
        used_ += 8 * n;
    }
    size_t u64s() const { return (used_ - BSET_HEADER) / 8; }
    // The bset as encode_bset lays it out.
    std::vector<std::byte> finish(uint64_t set_magic, uint64_t seq, uint32_t version,
                                  uint64_t node_ptr0) &&;

  private:
    void grow(size_t bytes);

    size_t block_bytes_;
    size_t used_ = BSET_HEADER;
    std::vector<std::byte> buf_; // zeros from used_ on
};

struct BtreeNode {
    uint64_t seq = 0;
    size_t written_blocks = 0;
    std::vector<Bset> bsets; // oldest first
    // With tolerate_torn_tail: a bset after the first that failed its checks, taken as a
    // write that never completed and ignored (its offset in the node, in blocks).
    bool torn_tail = false;
    size_t torn_block = 0;
};

// Reads a node the way bch_btree_node_read_done does: first seq non-zero, then every bset
// with that seq in turn (version <= 1, fits, magic, csum, non-empty unless first), and no
// later block inside the node may repeat the seq. `node` is the KEY_SIZE sectors at the
// node key's ptr[0]; `device_offset` is where they start on the device.
// `tolerate_torn_tail`: a later bset carrying the node's seq that fails its checks ends the
// node instead of failing it, provided no valid bset of the node follows it: the append
// that was being written when the writer died (its keys are still in the journal). The
// kernel refuses such a node; a crash-safe reopen and `check` accept it.
Result<BtreeNode> decode_btree_node(std::span<const std::byte> node, uint64_t set_magic,
                                    uint64_t node_ptr0, size_t block_bytes,
                                    uint64_t device_offset, bool tolerate_torn_tail = false);
// Lays bsets out as the kernel writes them into a node buffer of `node_bytes`.
std::vector<std::byte> encode_btree_node(std::span<const std::vector<Bkey>> bsets, uint64_t seq,
                                         uint64_t set_magic, uint64_t node_ptr0,
                                         size_t block_bytes, size_t node_bytes);

// The node's keys after the read-time sort: for leaves (extents) later bsets win where
// extents overlap and older ones are trimmed (bch_extent_sort_fixup: cut_front moves the
// pointers forward, cut_back shortens); zero-size extents are dropped. For interior nodes
// the keys are merged in (inode, offset) order, older first on ties.
std::vector<Bkey> sort_node_keys(const BtreeNode& node, bool extents);

} // namespace bucketscope::ondisk
