#pragma once
// A set of non-overlapping extents with bcache's overwrite rule: inserting an extent cuts
// every older extent it overlaps (bch_cut_front moves the pointers forward with the start,
// bch_cut_back shortens). Used for the read-time merge of a leaf's bsets and for journal
// replay on top of the btree, which both let the newer key win.

#include <map>
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
    size_t size() const { return map_.size(); }
    bool empty() const { return map_.empty(); }
    // Packed size of all keys (2 + KEY_PTRS u64s each), what a bset of them takes.
    size_t u64s() const { return u64s_; }
    void clear() {
        map_.clear();
        slots_.clear();
        free_.clear();
        u64s_ = 0;
    }

  private:
    // The map holds positions only; the keys (a Bkey is ~230 bytes) live in slots_, so
    // the map a lookup walks stays small enough for the cache (a leaf's unwritten set on a
    // replay holds hundreds of keys, each insert descends it).
    struct Entry {
        uint32_t slot;
        uint32_t size;
    };
    using Map = std::map<std::pair<uint64_t, uint64_t>, Entry>; // (inode, end) -> key
    void add(const Bkey& k, Map::const_iterator hint);
    Map map_;
    std::vector<Bkey> slots_;
    std::vector<uint32_t> free_;
    size_t u64s_ = 0;
};

} // namespace bucketscope::ondisk
