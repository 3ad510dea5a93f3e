// The overlap cases of bch_extent_sort_fixup / bch_extent_insert_fixup, on an ordered map
// keyed by each extent's end: an older extent may keep a front part, a back part, both
// (when the new one lands in its middle) or nothing.

#include "core/ondisk/extents.h"

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

void ExtentSet::insert(const Bkey& k) {
    if (k.size == 0 || k.size > k.offset)
        return;
    const uint64_t start = k.start();
    auto it = map_.upper_bound({k.inode, start}); // first extent ending after our start
    while (it != map_.end() && it->first.first == k.inode && it->second.start() < k.offset) {
        Bkey old = it->second;
        it = map_.erase(it);
        if (old.start() < start) {
            Bkey front = old;
            cut_back(front, start);
            map_.emplace(std::make_pair(front.inode, front.offset), front);
        }
        if (old.offset > k.offset) {
            cut_front(old, k.offset);
            map_.emplace(std::make_pair(old.inode, old.offset), old);
            break;
        }
    }
    map_.emplace(std::make_pair(k.inode, k.offset), k);
}

std::vector<Bkey> ExtentSet::keys() const {
    std::vector<Bkey> out;
    out.reserve(map_.size());
    for (const auto& [pos, k] : map_)
        out.push_back(k);
    return out;
}

} // namespace bucketscope::ondisk
