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

void ExtentSet::add(const Bkey& k) {
    map_.emplace(std::make_pair(k.inode, k.offset), k);
    u64s_ += k.u64s();
}

void ExtentSet::insert(const Bkey& k) {
    if (k.size == 0 || k.size > k.offset)
        return;
    const uint64_t start = k.start();
    auto it = map_.upper_bound({k.inode, start}); // first extent ending after our start
    while (it != map_.end() && it->first.first == k.inode && it->second.start() < k.offset) {
        Bkey old = it->second;
        it = map_.erase(it);
        u64s_ -= old.u64s();
        if (old.start() < start) {
            Bkey front = old;
            cut_back(front, start);
            add(front);
        }
        if (old.offset > k.offset) {
            cut_front(old, k.offset);
            add(old);
            break;
        }
    }
    add(k);
}

std::vector<Bkey> ExtentSet::keys() const {
    std::vector<Bkey> out;
    out.reserve(map_.size());
    for (const auto& [pos, k] : map_)
        out.push_back(k);
    return out;
}

} // namespace bucketscope::ondisk
