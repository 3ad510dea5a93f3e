#pragma once
// A set of non-overlapping extents with bcache's overwrite rule: inserting an extent cuts
// every older extent it overlaps (bch_cut_front moves the pointers forward with the start,
// bch_cut_back shortens). Used for the read-time merge of a leaf's bsets, for journal
// replay on top of the btree, which both let the newer key win, and for the engine's
// unwritten bset of each on-disk leaf.
//
// Layout. The engine inserts one key per cache miss into a leaf's set, which holds a few
// thousand keys on a trace replay, and inspect puts a whole device's keys in one set, so
// an insert must be a search and a short move, without an allocation. Keys are kept in
// key order in chunks of at most kChunk entries, with the last position of every chunk
// in a summary array: a search is a binary search over the summary and then one chunk,
// an insert moves at most one chunk's tail (a full chunk is split in two). An entry is
// 32 bytes: a key with at most one pointer and no unusual high-word bits, which is every
// key the engine writes and nearly every key on disk, is stored whole in it; any other
// key keeps its Bkey in a side table the entry refers to.

#include <cstdint>
#include <utility>
#include <vector>

#include "core/ondisk/bkey.h"

namespace bucketscope::ondisk {

class ExtentSet {
  public:
    // Zero-size keys and keys whose size exceeds their offset cover nothing and are dropped.
    void insert(const Bkey& k);
    // Keys in (inode, offset) order.
    std::vector<Bkey> keys() const;
    // f(const Bkey&) for every key in (inode, offset) order, without a copy of the set.
    template <typename F> void for_each(F&& f) const;
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    // Packed size of all keys (2 + KEY_PTRS u64s each), what a bset of them takes.
    size_t u64s() const { return u64s_; }
    // Empties the set, keeping its memory for the next keys.
    void clear();

  private:
    static constexpr size_t kChunk = 64;
    enum : uint8_t { kHasPtr = 1, kDirty = 2, kBit63 = 4, kSide = 8 };
    struct Entry {
        uint64_t inode = 0;
        uint64_t offset = 0; // end
        uint32_t size = 0;
        uint16_t dev = 0;    // the pointer's, when stored whole
        uint8_t gen = 0;
        uint8_t flags = 0;
        uint64_t ptr = 0;    // the pointer's offset, or the side table slot (kSide)

        uint64_t start() const { return offset - size; }
    };
    struct Pos {
        uint64_t inode = 0;
        uint64_t offset = 0;
    };
    // A place in key order: entry i of chunk c (c == chunks_.size() is the end).
    struct Cursor {
        size_t c = 0;
        size_t i = 0;
    };

    Entry make_entry(const Bkey& k);
    Bkey to_bkey(const Entry& e) const;
    size_t entry_u64s(const Entry& e) const;
    void cut_front(Entry& e, uint64_t new_start);
    // The first entry ending after (inode, offset).
    Cursor upper_bound(uint64_t inode, uint64_t offset) const;
    bool at_end(const Cursor& at) const { return at.c == chunks_.size(); }
    Entry& entry(const Cursor& at) { return chunks_[at.c][at.i]; }
    // Puts `e` before the entry at `at`, which then still names that entry.
    void insert_at(Cursor& at, const Entry& e);
    // Takes the entry at `at` out; `at` then names the entry that followed it.
    void erase_at(Cursor& at);
    std::vector<Entry> new_chunk();

    std::vector<std::vector<Entry>> chunks_; // in key order, none empty
    std::vector<Pos> last_;                  // each chunk's last position
    std::vector<std::vector<Entry>> spare_;  // emptied chunks, capacity kept
    std::vector<Bkey> side_;                 // keys an Entry cannot hold
    std::vector<uint32_t> side_free_;
    size_t size_ = 0;
    size_t u64s_ = 0;
};

template <typename F> void ExtentSet::for_each(F&& f) const {
    for (const auto& chunk : chunks_)
        for (const Entry& e : chunk)
            f(to_bkey(e));
}

} // namespace bucketscope::ondisk
