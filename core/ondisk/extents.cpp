// The overlap cases of bch_extent_sort_fixup / bch_extent_insert_fixup on chunks of
// entries sorted by each extent's end: an older extent may keep a front part, a back part,
// both (when the new one lands in its middle) or nothing. See extents.h for the layout.

#include "core/ondisk/extents.h"

#include <algorithm>

namespace bucketscope::ondisk {
namespace {

constexpr uint64_t kDefaultHigh = 1ull << 63; // what KEY() sets and nothing else

// Whether (ai, ao) sorts at or before (bi, bo), as one 128-bit comparison: the probes of a
// search at a random key go either way at random, and a branch per probe would mispredict
// half the time.
inline bool at_or_before(uint64_t ai, uint64_t ao, uint64_t bi, uint64_t bo) {
    __extension__ using u128 = unsigned __int128;
    return ((u128(ai) << 64) | ao) <= ((u128(bi) << 64) | bo);
}

// The first of the n sorted elements of `a` for which `before` is false, with no branch
// per probe.
template <typename T, typename Before> size_t partition_point(const T* a, size_t n, Before before) {
    if (!n)
        return 0;
    const T* base = a;
    while (n > 1) {
        const size_t half = n / 2;
        base += half & (size_t{0} - static_cast<size_t>(before(base[half])));
        n -= half;
    }
    return static_cast<size_t>(base - a) + (before(*base) ? 1 : 0);
}

bool plain_ptrs(const Bkey& k) {
    for (unsigned i = k.nptrs; i < MAX_PTRS; ++i)
        if (k.ptrs[i].dev || k.ptrs[i].offset || k.ptrs[i].gen || k.ptrs[i].bit63)
            return false;
    return true;
}

} // namespace

ExtentSet::Entry ExtentSet::make_entry(const Bkey& k) {
    Entry e;
    e.inode = k.inode;
    e.offset = k.offset;
    e.size = k.size;
    if (k.nptrs <= 1 && k.high_other == kDefaultHigh && plain_ptrs(k)) {
        e.flags = static_cast<uint8_t>((k.nptrs ? kHasPtr : 0) | (k.dirty ? kDirty : 0) |
                                       (k.ptrs[0].bit63 ? kBit63 : 0));
        e.dev = k.ptrs[0].dev;
        e.gen = k.ptrs[0].gen;
        e.ptr = k.ptrs[0].offset;
        return e;
    }
    e.flags = kSide;
    if (!side_free_.empty()) {
        e.ptr = side_free_.back();
        side_free_.pop_back();
        side_[e.ptr] = k;
    } else {
        e.ptr = side_.size();
        side_.push_back(k);
    }
    return e;
}

Bkey ExtentSet::to_bkey(const Entry& e) const {
    Bkey k;
    if (e.flags & kSide) {
        k = side_[e.ptr];
    } else {
        k.nptrs = e.flags & kHasPtr ? 1 : 0;
        k.dirty = (e.flags & kDirty) != 0;
        k.ptrs[0] = BkeyPtr{e.dev, e.ptr, e.gen, (e.flags & kBit63) != 0};
    }
    // The entry's range is the key's: cuts change the entry only.
    k.inode = e.inode;
    k.offset = e.offset;
    k.size = e.size;
    return k;
}

size_t ExtentSet::entry_u64s(const Entry& e) const {
    return e.flags & kSide ? side_[e.ptr].u64s() : 2u + (e.flags & kHasPtr ? 1u : 0u);
}

void ExtentSet::cut_front(Entry& e, uint64_t new_start) {
    const uint64_t cut = new_start - e.start();
    if (e.flags & kSide) {
        Bkey& k = side_[e.ptr];
        for (unsigned i = 0; i < k.nptrs; ++i)
            k.ptrs[i].offset += cut;
    } else if (e.flags & kHasPtr) {
        e.ptr += cut;
    }
    e.size = static_cast<uint32_t>(e.offset - new_start);
}

ExtentSet::Cursor ExtentSet::upper_bound(uint64_t inode, uint64_t offset) const {
    const size_t c = partition_point(last_.data(), last_.size(), [&](const Pos& p) {
        return at_or_before(p.inode, p.offset, inode, offset);
    });
    if (c == chunks_.size())
        return {c, 0};
    const auto& chunk = chunks_[c];
    return {c, partition_point(chunk.data(), chunk.size(), [&](const Entry& e) {
                return at_or_before(e.inode, e.offset, inode, offset);
            })};
}

std::vector<ExtentSet::Entry> ExtentSet::new_chunk() {
    std::vector<Entry> chunk;
    if (!spare_.empty()) {
        chunk = std::move(spare_.back());
        spare_.pop_back();
    } else {
        chunk.reserve(kChunk);
    }
    return chunk;
}

void ExtentSet::insert_at(Cursor& at, const Entry& e) {
    ++size_;
    u64s_ += entry_u64s(e);
    const Pos pos{e.inode, e.offset};
    // Before the first entry of a chunk, or at the end: the end of the chunk before it
    // if that has room, so appends in key order fill chunks.
    if (at.i == 0 && at.c > 0 && chunks_[at.c - 1].size() < kChunk) {
        chunks_[at.c - 1].push_back(e);
        last_[at.c - 1] = pos;
        return;
    }
    if (at_end(at)) {
        chunks_.push_back(new_chunk());
        chunks_.back().push_back(e);
        last_.push_back(pos);
        at = {chunks_.size(), 0};
        return;
    }
    if (chunks_[at.c].size() == kChunk) {
        // Split the full chunk in halves; `at` moves with its entry.
        auto upper = new_chunk();
        auto& lower = chunks_[at.c];
        upper.assign(lower.begin() + kChunk / 2, lower.end());
        lower.resize(kChunk / 2);
        chunks_.insert(chunks_.begin() + static_cast<std::ptrdiff_t>(at.c) + 1, std::move(upper));
        last_.insert(last_.begin() + static_cast<std::ptrdiff_t>(at.c),
                     Pos{chunks_[at.c].back().inode, chunks_[at.c].back().offset});
        if (at.i >= kChunk / 2) {
            at = {at.c + 1, at.i - kChunk / 2};
            if (at.i == 0) {
                // Now the first entry of the upper half: the end of the lower one.
                chunks_[at.c - 1].push_back(e);
                last_[at.c - 1] = pos;
                return;
            }
        }
    }
    auto& chunk = chunks_[at.c];
    chunk.insert(chunk.begin() + static_cast<std::ptrdiff_t>(at.i), e);
    ++at.i;
}

void ExtentSet::erase_at(Cursor& at) {
    auto& chunk = chunks_[at.c];
    --size_;
    u64s_ -= entry_u64s(chunk[at.i]);
    chunk.erase(chunk.begin() + static_cast<std::ptrdiff_t>(at.i));
    if (chunk.empty()) {
        spare_.push_back(std::move(chunk));
        chunks_.erase(chunks_.begin() + static_cast<std::ptrdiff_t>(at.c));
        last_.erase(last_.begin() + static_cast<std::ptrdiff_t>(at.c));
        at.i = 0;
    } else if (at.i == chunk.size()) {
        last_[at.c] = Pos{chunk.back().inode, chunk.back().offset};
        at = {at.c + 1, 0};
    }
}

void ExtentSet::insert(const Bkey& k) {
    if (k.size == 0 || k.size > k.offset)
        return;
    const uint64_t start = k.start();
    Cursor at = upper_bound(k.inode, start); // first extent ending after our start
    // Every extent cut is taken out; a front piece kept goes back at once, k and a back
    // piece after the last extent cut.
    bool has_back = false;
    Entry back;
    while (!at_end(at) && entry(at).inode == k.inode && entry(at).start() < k.offset) {
        Entry old = entry(at);
        const bool front = old.start() < start, tail = old.offset > k.offset;
        if (front && tail && (old.flags & kSide)) {
            // Both pieces keep pointers of their own.
            back = old;
            back.ptr = make_entry(side_[old.ptr]).ptr;
        } else {
            back = old;
        }
        erase_at(at);
        if (front) {
            old.size = static_cast<uint32_t>(start - old.start());
            old.offset = start;
            insert_at(at, old);
        } else if (!tail && (old.flags & kSide)) {
            side_free_.push_back(static_cast<uint32_t>(old.ptr));
        }
        if (tail) {
            cut_front(back, k.offset);
            has_back = true;
            break;
        }
    }
    insert_at(at, make_entry(k));
    if (has_back)
        insert_at(at, back);
}

std::vector<Bkey> ExtentSet::keys() const {
    std::vector<Bkey> out;
    out.reserve(size_);
    for_each([&](const Bkey& k) { out.push_back(k); });
    return out;
}

void ExtentSet::clear() {
    for (auto& chunk : chunks_) {
        chunk.clear();
        spare_.push_back(std::move(chunk));
    }
    chunks_.clear();
    last_.clear();
    side_.clear();
    side_free_.clear();
    size_ = 0;
    u64s_ = 0;
}

} // namespace bucketscope::ondisk
