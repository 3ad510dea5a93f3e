#pragma once
// A set of non-overlapping extents with bcache's overwrite rule: inserting an extent cuts
// every older extent it overlaps (bch_cut_front moves the pointers forward with the start,
// bch_cut_back shortens). Used for the read-time merge of a leaf's bsets, for journal
// replay on top of the btree, which both let the newer key win, and for the engine's
// unwritten bset of each on-disk leaf.
//
// Layout. The engine inserts one key per cache miss into a leaf's set, which holds a few
// thousand keys on a trace replay, and inspect puts a whole device's keys in one set, so
// the entries are kept in SortedChunks (an insert is a search and a short move, without an
// allocation). An entry is 32 bytes: a key with at most one pointer and no unusual
// high-word bits, which is every key the engine writes and nearly every key on disk, is
// stored whole in it; any other key keeps its Bkey in a side table the entry refers to.

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/ondisk/bkey.h"
#include "core/ondisk/sorted_chunks.h"

namespace bucketscope::ondisk {

class ExtentSet {
  public:
    // Zero-size keys and keys whose size exceeds their offset cover nothing and are dropped.
    void insert(const Bkey& k);
    // insert() of the key with one pointer and nothing else set that these fields make
    // (a cache miss's), without building its Bkey.
    void insert_ptr(uint64_t inode, uint64_t offset, uint32_t size, bool dirty,
                    const BkeyPtr& ptr);
    // Keys in (inode, offset) order.
    std::vector<Bkey> keys() const;
    // f(const Bkey&) for every key in (inode, offset) order, without a copy of the set.
    template <typename F> void for_each(F&& f) const;
    // f(const uint64_t* words, size_t n) for every key in (inode, offset) order, packed as
    // encode_bkey packs it: what a bset of the set holds, without a Bkey per key.
    template <typename F> void for_each_packed(F&& f) const;
    size_t size() const { return entries_.size(); }
    bool empty() const { return entries_.empty(); }
    // Packed size of all keys (2 + KEY_PTRS u64s each), what a bset of them takes.
    size_t u64s() const { return u64s_; }
    // Empties the set, keeping its memory for the next keys.
    void clear();

  private:
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
    struct EntryPos {
        Pos128 operator()(const Entry& e) const { return pos128(e.inode, e.offset); }
    };
    using Entries = SortedChunks<Entry, EntryPos>;

    Entry make_entry(const Bkey& k);
    template <typename MakeEntry>
    void insert_range(uint64_t inode, uint64_t start, uint64_t end, MakeEntry&& make);
    Bkey to_bkey(const Entry& e) const;
    size_t entry_u64s(const Entry& e) const;
    void cut_front(Entry& e, uint64_t new_start);
    void insert_at(Entries::Cursor& at, const Entry& e);
    void erase_at(Entries::Cursor& at);

    Entries entries_;
    std::vector<Bkey> side_; // keys an Entry cannot hold
    std::vector<uint32_t> side_free_;
    size_t u64s_ = 0;
};

template <typename F> void ExtentSet::for_each(F&& f) const {
    for (const Entry& e : entries_)
        f(to_bkey(e));
}

template <typename F> void ExtentSet::for_each_packed(F&& f) const {
    std::array<uint64_t, 2 + MAX_PTRS> w{};
    for (const Entry& e : entries_) {
        if (e.flags & kSide) {
            const Bkey k = to_bkey(e);
            encode_bkey(k, w);
            f(static_cast<const uint64_t*>(w.data()), k.u64s());
            continue;
        }
        const unsigned nptrs = e.flags & kHasPtr ? 1 : 0;
        w[0] = (1ull << 63) | key_high_fields(e.inode, e.size, (e.flags & kDirty) != 0, nptrs);
        w[1] = e.offset;
        w[2] = make_ptr(e.gen, e.ptr, e.dev) | (e.flags & kBit63 ? 1ull << 63 : 0);
        f(static_cast<const uint64_t*>(w.data()), size_t{2} + nptrs);
    }
}

} // namespace bucketscope::ondisk
