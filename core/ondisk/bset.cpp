// bset and btree node encode/decode, and the read-time merge of a node's bsets. The
// merge matters for inspection: the sectors GC counts per bucket are those of the keys
// that survive it, so an extent overwritten by a later bset of the same node must be
// trimmed here exactly as the kernel trims it.

#include "core/ondisk/bset.h"

#include <algorithm>

#include "core/ondisk/crc64.h"
#include "core/ondisk/extents.h"
#include "core/ondisk/le.h"

namespace bucketscope::ondisk {

size_t bset_blocks(size_t u64s, size_t block_bytes) {
    return (BSET_HEADER + 8 * u64s + block_bytes - 1) / block_bytes;
}

uint64_t bset_csum(std::span<const std::byte> bytes, uint32_t version, uint64_t node_ptr0) {
    const auto covered = bytes.subspan(8);
    if (version == 0)
        return bch_crc64(covered);
    return ~crc64_be(node_ptr0, covered);
}

BsetWriter::BsetWriter(size_t block_bytes, size_t u64s_hint)
    : block_bytes_(block_bytes), buf_(bset_blocks(u64s_hint, block_bytes) * block_bytes) {}

void BsetWriter::grow(size_t bytes) {
    buf_.resize(std::max(2 * buf_.size(), used_ + bytes));
}

void BsetWriter::add(const Bkey& k) {
    std::array<uint64_t, 2 + MAX_PTRS> w{};
    encode_bkey(k, w);
    add_packed(w.data(), k.u64s());
}

std::vector<std::byte> BsetWriter::finish(uint64_t set_magic, uint64_t seq, uint32_t version,
                                          uint64_t node_ptr0) && {
    const size_t u64s = this->u64s();
    // Past used_ the buffer is zeros, so cutting or growing it leaves the padding zero.
    buf_.resize(bset_blocks(u64s, block_bytes_) * block_bytes_);
    std::span<std::byte> b(buf_);
    store_le<uint64_t>(b, 8, set_magic ^ BSET_MAGIC);
    store_le<uint64_t>(b, 16, seq);
    store_le<uint32_t>(b, 24, version);
    store_le<uint32_t>(b, 28, static_cast<uint32_t>(u64s));
    store_le<uint64_t>(b, 0, bset_csum(b.first(BSET_HEADER + 8 * u64s), version, node_ptr0));
    return std::move(buf_);
}

std::vector<std::byte> encode_bset(std::span<const Bkey> keys, uint64_t set_magic, uint64_t seq,
                                   uint32_t version, uint64_t node_ptr0, size_t block_bytes) {
    size_t u64s = 0;
    for (const Bkey& k : keys)
        u64s += k.u64s();
    BsetWriter w(block_bytes, u64s);
    for (const Bkey& k : keys)
        w.add(k);
    return std::move(w).finish(set_magic, seq, version, node_ptr0);
}

std::vector<std::byte> encode_btree_node(std::span<const std::vector<Bkey>> bsets, uint64_t seq,
                                         uint64_t set_magic, uint64_t node_ptr0,
                                         size_t block_bytes, size_t node_bytes) {
    std::vector<std::byte> node(node_bytes);
    size_t off = 0;
    for (const auto& keys : bsets) {
        const auto b = encode_bset(keys, set_magic, seq, BCACHE_BSET_VERSION, node_ptr0, block_bytes);
        std::copy(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(std::min(b.size(), node_bytes - off)),
                  node.begin() + static_cast<std::ptrdiff_t>(off));
        off += b.size();
    }
    return node;
}

namespace {

// Whether the block at `off` starts a bset of the node that passes every check.
bool valid_bset_at(std::span<const std::byte> node, size_t off, uint64_t seq, uint64_t magic,
                   uint64_t node_ptr0, size_t block_bytes) {
    const auto b = node.subspan(off);
    if (b.size() < BSET_HEADER || le64(b, 16) != seq || le64(b, 8) != magic)
        return false;
    const uint32_t version = le32(b, 24);
    const uint32_t u64s = le32(b, 28);
    if (version > BCACHE_BSET_VERSION || bset_blocks(u64s, block_bytes) * block_bytes > b.size())
        return false;
    return le64(b, 0) == bset_csum(b.first(BSET_HEADER + 8 * size_t{u64s}), version, node_ptr0);
}

} // namespace

Result<BtreeNode> decode_btree_node(std::span<const std::byte> node, uint64_t set_magic,
                                    uint64_t node_ptr0, size_t block_bytes,
                                    uint64_t device_offset, bool tolerate_torn_tail) {
    const size_t blocks = node.size() / block_bytes;
    if (blocks == 0 || node.size() < BSET_HEADER)
        return ParseError{"bset", device_offset,
                          "btree node of " + std::to_string(node.size()) +
                              " bytes, expected at least one " + std::to_string(block_bytes) +
                              "-byte block"};
    BtreeNode n;
    n.seq = le64(node, 16);
    if (n.seq == 0)
        return ParseError{"bset", device_offset + 16, "bad btree header: first bset has seq 0"};
    const uint64_t magic = set_magic ^ BSET_MAGIC;
    while (n.written_blocks < blocks) {
        const size_t off = n.written_blocks * block_bytes;
        const auto b = node.subspan(off);
        if (le64(b, 16) != n.seq)
            break;
        if (tolerate_torn_tail && !n.bsets.empty() &&
            !valid_bset_at(node, off, n.seq, magic, node_ptr0, block_bytes)) {
            for (size_t blk = n.written_blocks + 1; blk < blocks; ++blk)
                if (valid_bset_at(node, blk * block_bytes, n.seq, magic, node_ptr0, block_bytes))
                    return ParseError{"bset", device_offset + off,
                                      "corrupted btree: a bad bset at block " +
                                          std::to_string(n.written_blocks) +
                                          " is followed by a valid one at block " +
                                          std::to_string(blk)};
            n.torn_tail = true;
            n.torn_block = n.written_blocks;
            return n;
        }
        const uint64_t at = device_offset + off;
        Bset s;
        s.csum = le64(b, 0);
        s.seq = n.seq;
        s.version = le32(b, 24);
        s.u64s = le32(b, 28);
        if (s.version > BCACHE_BSET_VERSION)
            return ParseError{"bset", at + 24,
                              "unsupported bset version " + std::to_string(s.version) +
                                  ", expected 0 or 1"};
        const size_t used = bset_blocks(s.u64s, block_bytes);
        if (n.written_blocks + used > blocks)
            return ParseError{"bset", at + 28,
                              "keys = " + std::to_string(s.u64s) + " u64s needs " +
                                  std::to_string(used) + " blocks, only " +
                                  std::to_string(blocks - n.written_blocks) + " left in the node"};
        if (le64(b, 8) != magic)
            return ParseError{"bset", at + 8,
                              "bad magic " + hex64(le64(b, 8)) + ", expected " + hex64(magic)};
        const auto bytes = b.first(BSET_HEADER + 8 * size_t{s.u64s});
        const uint64_t want = bset_csum(bytes, s.version, node_ptr0);
        if (s.csum != want)
            return ParseError{"bset", at,
                              "bad csum " + hex64(s.csum) + ", expected " + hex64(want) +
                                  " (version " + std::to_string(s.version) + ")"};
        if (!n.bsets.empty() && s.u64s == 0)
            return ParseError{"bset", at + 28, "empty bset after the first one"};
        std::vector<uint64_t> words(s.u64s);
        for (size_t i = 0; i < words.size(); ++i)
            words[i] = le64(b, BSET_HEADER + 8 * i);
        auto keys = decode_bkeys(words, "bset", at + BSET_HEADER);
        if (!keys)
            return keys.error();
        s.keys = std::move(keys.value());
        n.bsets.push_back(std::move(s));
        n.written_blocks += used;
    }
    for (size_t blk = n.written_blocks; blk < blocks; ++blk)
        if (le64(node, blk * block_bytes + 16) == n.seq)
            return ParseError{"bset", device_offset + blk * block_bytes + 16,
                              "corrupted btree: block " + std::to_string(blk) +
                                  " repeats the node's seq after the last readable bset"};
    return n;
}

std::vector<Bkey> sort_node_keys(const BtreeNode& node, bool extents) {
    std::vector<Bkey> out;
    if (!extents) {
        for (const Bset& s : node.bsets)
            out.insert(out.end(), s.keys.begin(), s.keys.end());
        std::stable_sort(out.begin(), out.end(),
                         [](const Bkey& a, const Bkey& b) { return bkey_cmp(a, b) < 0; });
        return out;
    }
    ExtentSet set;
    for (const Bset& s : node.bsets)
        for (const Bkey& k : s.keys)
            set.insert(k);
    return set.keys();
}

} // namespace bucketscope::ondisk
