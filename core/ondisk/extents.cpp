// The overlap cases of bch_extent_sort_fixup / bch_extent_insert_fixup, on an ordered map
// keyed by each extent's end: an older extent may keep a front part, a back part, both
// (when the new one lands in its middle) or nothing.

#include "core/ondisk/extents.h"

#include <iterator>

namespace bucketscope::ondisk {
namespace {

void cut_front(Bkey& k, uint64_t new_start) {
    const uint64_t cut = new_start - k.start();
    for (unsigned i = 0; i < k.nptrs; ++i)
        k.ptrs[i].offset += cut;
    k.size = static_cast<uint32_t>(k.offset - new_start);
}

void cut_back(Bkey& k, uint64_t new_end) {
    k.size = static_cast<uint32_t>(new_end - k.start());
    k.offset = new_end;
}

} // namespace

void ExtentSet::add(const Bkey& k, Map::const_iterator hint) {
    uint32_t slot;
    if (!free_.empty()) {
        slot = free_.back();
        free_.pop_back();
        slots_[slot] = k;
    } else {
        slot = static_cast<uint32_t>(slots_.size());
        slots_.push_back(k);
    }
    map_.emplace_hint(hint, std::make_pair(k.inode, k.offset), Entry{slot, k.size});
    u64s_ += k.u64s();
}

void ExtentSet::insert(const Bkey& k) {
    if (k.size == 0 || k.size > k.offset)
        return;
    const uint64_t start = k.start();
    auto it = map_.upper_bound({k.inode, start}); // first extent ending after our start
    // Every extent cut is taken out first; k and the pieces kept each go right before the
    // first extent left behind them, which is the hint.
    while (it != map_.end() && it->first.first == k.inode &&
           it->first.second - it->second.size < k.offset) {
        Bkey old = slots_[it->second.slot];
        free_.push_back(it->second.slot);
        it = map_.erase(it);
        u64s_ -= old.u64s();
        if (old.start() < start) {
            Bkey front = old;
            cut_back(front, start);
            add(front, it);
        }
        if (old.offset > k.offset) {
            cut_front(old, k.offset);
            add(old, it);
            it = std::prev(it);
            break;
        }
    }
    add(k, it);
}

std::vector<Bkey> ExtentSet::keys() const {
    std::vector<Bkey> out;
    out.reserve(map_.size());
    for (const auto& [pos, e] : map_)
        out.push_back(slots_[e.slot]);
    return out;
}

} // namespace bucketscope::ondisk
