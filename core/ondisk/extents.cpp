// The overlap cases of bch_extent_sort_fixup / bch_extent_insert_fixup on entries sorted by
// each extent's end: an older extent may keep a front part, a back part, both (when the new
// one lands in its middle) or nothing. See extents.h for the layout.

#include "core/ondisk/extents.h"

namespace bucketscope::ondisk {
namespace {

constexpr uint64_t kDefaultHigh = 1ull << 63; // what KEY() sets and nothing else

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

void ExtentSet::insert_at(Entries::Cursor& at, const Entry& e) {
    u64s_ += entry_u64s(e);
    entries_.insert(at, e);
}

void ExtentSet::erase_at(Entries::Cursor& at) {
    u64s_ -= entry_u64s(entries_.at(at));
    entries_.erase(at);
}

// Cuts every extent overlapping [start, end) of `inode`, then puts make()'s entry there.
template <typename MakeEntry>
void ExtentSet::insert_range(uint64_t inode, uint64_t start, uint64_t end, MakeEntry&& make) {
    // The first extent ending after our start.
    Entries::Cursor at = entries_.upper_bound(pos128(inode, start));
    // Every extent cut is taken out; a front piece kept goes back at once, k and a back
    // piece after the last extent cut.
    bool has_back = false;
    Entry back;
    while (!entries_.at_end(at) && entries_.at(at).inode == inode &&
           entries_.at(at).start() < end) {
        Entry old = entries_.at(at);
        const bool front = old.start() < start, tail = old.offset > end;
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
            cut_front(back, end);
            has_back = true;
            break;
        }
    }
    insert_at(at, make());
    if (has_back)
        insert_at(at, back);
}

void ExtentSet::insert(const Bkey& k) {
    if (k.size == 0 || k.size > k.offset)
        return;
    insert_range(k.inode, k.start(), k.offset, [&] { return make_entry(k); });
}

void ExtentSet::insert_ptr(uint64_t inode, uint64_t offset, uint32_t size, bool dirty,
                           const BkeyPtr& ptr) {
    if (size == 0 || size > offset)
        return;
    // make_entry of the Bkey these fields make: it always fits an entry.
    insert_range(inode, offset - size, offset, [&] {
        Entry e;
        e.inode = inode;
        e.offset = offset;
        e.size = size;
        e.flags = static_cast<uint8_t>(kHasPtr | (dirty ? kDirty : 0) | (ptr.bit63 ? kBit63 : 0));
        e.dev = ptr.dev;
        e.gen = ptr.gen;
        e.ptr = ptr.offset;
        return e;
    });
}

std::vector<Bkey> ExtentSet::keys() const {
    std::vector<Bkey> out;
    out.reserve(entries_.size());
    for_each([&](const Bkey& k) { out.push_back(k); });
    return out;
}

void ExtentSet::clear() {
    entries_.clear();
    side_.clear();
    side_free_.clear();
    u64s_ = 0;
}

} // namespace bucketscope::ondisk
