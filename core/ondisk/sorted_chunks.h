#pragma once
// A sequence kept in key order ((inode, offset), as bkey_cmp orders keys) that takes
// inserts and erases anywhere for the price of a search and a short move: the elements
// live in chunks of at most Chunk, and the position of every chunk's last element is kept
// in a summary array. A search is a binary search over the summary, then one inside a
// chunk; an insert moves at most one chunk's tail and splits a full chunk in two; a chunk
// that empties is dropped. A plain sorted array would move half of itself per insert: the
// index's leaves hold up to 4,096 keys and a leaf's unwritten set thousands, and a trace
// replay inserts one key into each per cache miss, at a random place.
//
// Searches are laid out for cache misses, not comparisons: between two lookups of a replay
// the GC walk and the prio writes evict the leaves, and a binary search over 64 elements of
// 24 bytes is six dependent loads into 24 cache lines. So every chunk also keeps fences,
// the position of the last element of each group of Group elements, in two cache lines of
// their own; the summary of chunk ends has a top level of its own the same way (the end of
// every eighth chunk). A search reads the summary's top (a few lines), one group of the
// summary (two lines), the chunk's fences (two lines) and one group of elements (three or
// four lines, read at once): four steps of independent loads instead of ~20 dependent
// ones. The fences cost 16 bytes per group (2-3 bytes per element) and are rewritten from
// the changed place to the chunk's end by every insert or erase, which moves those
// elements anyway.
//
// Used for the extent index's leaves (LeafKey) and for ExtentSet's entries. Places in the
// sequence are Cursors (chunk, entry); an insert or erase keeps the cursor it is given
// valid and moves no other. Elements may be changed through at() but must keep their
// position.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <utility>
#include <vector>

namespace bucketscope::ondisk {

__extension__ using Pos128 = unsigned __int128;

// (inode, offset) as one number, so comparing positions is a compare and a borrow.
inline Pos128 pos128(uint64_t inode, uint64_t offset) { return (Pos128(inode) << 64) | offset; }

// The first of the n elements of `a` for which `before` is false (`before` must be true
// for a prefix of them), without a branch per probe: the probes of a search at a random
// key go either way at random and would mispredict half the time. Both places the next
// probe can be are prefetched, since without a branch there is no speculation to start it.
template <typename T, typename Before> size_t partition_point(const T* a, size_t n, Before before) {
    if (!n)
        return 0;
    const T* base = a;
    while (n > 1) {
        const size_t half = n / 2;
        __builtin_prefetch(base + half / 2);
        __builtin_prefetch(base + half + half / 2);
        // An index step by a mask rather than a conditional, which the compiler may turn
        // back into a branch.
        base += half & (size_t{0} - static_cast<size_t>(before(base[half])));
        n -= half;
    }
    return static_cast<size_t>(base - a) + (before(*base) ? 1 : 0);
}

// How many of a[0..n) `before` is true for, n <= 8 or so: every probe is independent, so
// the loads of one group run side by side instead of one after another.
template <typename T, typename Before> size_t count_before(const T* a, size_t n, Before before) {
    size_t k = 0;
    for (size_t j = 0; j < n; ++j)
        k += before(a[j]) ? 1 : 0;
    return k;
}

// The ends of consecutive groups of kTopGroup entries of a sorted array of positions (the
// last group may be short), so that partition_point over the array reads the short top,
// then one group of it.
inline constexpr size_t kTopGroup = 8;
inline void build_top(const Pos128* a, size_t n, size_t from, std::vector<Pos128>& top) {
    const size_t groups = (n + kTopGroup - 1) / kTopGroup;
    top.resize(groups);
    for (size_t g = from / kTopGroup; g < groups; ++g)
        top[g] = a[std::min(g * kTopGroup + kTopGroup - 1, n - 1)];
}
// partition_point(a, n, before) for `top` built over a by build_top.
template <typename Before>
size_t partition_point_topped(const Pos128* a, size_t n, const std::vector<Pos128>& top,
                              Before before) {
    // A short top (a leaf's has up to ~16 entries) is counted through, its few lines read
    // at once; a long one is halved.
    const size_t g = top.size() <= 32 ? count_before(top.data(), top.size(), before)
                                      : partition_point(top.data(), top.size(), before);
    if (g == top.size())
        return n;
    const size_t lo = g * kTopGroup;
    // The group's last entry is not before (it is the top entry), so the answer is in it.
    return lo + count_before(a + lo, std::min(kTopGroup, n - lo) - 1, before);
}

// PosOf()(const T&) gives an element's Pos128; no two elements share one.
template <typename T, typename PosOf, size_t Chunk = 64> class SortedChunks {
    static_assert(Chunk >= 4 && Chunk % 2 == 0);
    using Chunks = std::vector<std::vector<T>>;
    // Elements per fence: one group of 8 24-byte keys is three cache lines. Small chunks
    // (the tests') get groups of two so that they still have several.
    static constexpr size_t Group = Chunk >= 32 ? 8 : 2;
    static constexpr size_t Groups = (Chunk + Group - 1) / Group;
    // Past the last group: after every position, so no search stops there.
    static constexpr Pos128 kNoFence = ~Pos128{0};
    struct alignas(64) Fences {
        Pos128 last[Groups];
    };

  public:
    // Entry i of chunk c; chunk == chunk count is the end.
    struct Cursor {
        size_t c = 0;
        size_t i = 0;
    };

    class const_iterator {
      public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        using pointer = const T*;
        using reference = const T&;

        const_iterator() = default;
        const T& operator*() const { return *p_; }
        const T* operator->() const { return p_; }
        const_iterator& operator++() {
            if (++p_ == end_) {
                ++c_;
                load(0);
            }
            return *this;
        }
        const_iterator operator++(int) {
            const_iterator t = *this;
            ++*this;
            return t;
        }
        bool operator==(const const_iterator& o) const { return p_ == o.p_; }

      private:
        friend class SortedChunks;
        const_iterator(typename Chunks::const_iterator c, typename Chunks::const_iterator last,
                       size_t i)
            : c_(c), last_(last) {
            load(i);
        }
        void load(size_t i) {
            if (c_ == last_) {
                p_ = end_ = nullptr;
            } else {
                p_ = c_->data() + i;
                end_ = c_->data() + c_->size();
            }
        }
        typename Chunks::const_iterator c_, last_;
        const T* p_ = nullptr;
        const T* end_ = nullptr;
    };

    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    const_iterator begin() const { return {chunks_.begin(), chunks_.end(), 0}; }
    const_iterator end() const { return {chunks_.end(), chunks_.end(), 0}; }
    const_iterator iter(const Cursor& at) const {
        return {chunks_.begin() + static_cast<std::ptrdiff_t>(at.c), chunks_.end(), at.i};
    }
    const T& back() const { return chunks_.back().back(); }
    // The chunks in order, for loops over every element that want plain arrays.
    const Chunks& chunks() const { return chunks_; }

    // The first element at or past `p`, or past it.
    Cursor lower_bound(Pos128 p) const {
        return search([&](Pos128 q) { return q < p; });
    }
    Cursor upper_bound(Pos128 p) const {
        return search([&](Pos128 q) { return q <= p; });
    }
    bool at_end(const Cursor& at) const { return at.c == chunks_.size(); }
    // Moves `at` to the next element.
    void advance(Cursor& at) const {
        if (++at.i == chunks_[at.c].size())
            at = {at.c + 1, 0};
    }
    const T& at(const Cursor& at) const { return chunks_[at.c][at.i]; }
    T& at(const Cursor& at) { return chunks_[at.c][at.i]; }

    // Puts `e` before the element at `at` (which must be where e sorts); `at` then still
    // names that element.
    void insert(Cursor& at, const T& e) {
        ++size_;
        const Pos128 pos = PosOf()(e);
        // Before the first element of a chunk, or at the end: onto the end of the chunk
        // before, if it has room, so elements arriving in order fill their chunks.
        if (at.i == 0 && at.c > 0 && chunks_[at.c - 1].size() < Chunk) {
            chunks_[at.c - 1].push_back(e);
            set_last(at.c - 1, pos);
            refence(at.c - 1, chunks_[at.c - 1].size() - 1);
            return;
        }
        if (at_end(at)) {
            chunks_.push_back(new_chunk());
            chunks_.back().push_back(e);
            fences_.emplace_back();
            refence(chunks_.size() - 1, 0);
            last_.push_back(pos);
            retop(last_.size() - 1);
            at = {chunks_.size(), 0};
            return;
        }
        if (chunks_[at.c].size() == Chunk) {
            // Split the full chunk in halves; `at` moves with its element.
            auto upper = new_chunk();
            auto& lower = chunks_[at.c];
            upper.assign(lower.begin() + Chunk / 2, lower.end());
            lower.resize(Chunk / 2);
            const Pos128 lower_last = PosOf()(lower.back());
            const auto next = static_cast<std::ptrdiff_t>(at.c) + 1;
            chunks_.insert(chunks_.begin() + next, std::move(upper));
            fences_.insert(fences_.begin() + next, Fences{});
            refence(at.c, 0);
            refence(at.c + 1, 0);
            last_.insert(last_.begin() + static_cast<std::ptrdiff_t>(at.c), lower_last);
            retop(at.c);
            if (at.i >= Chunk / 2) {
                at = {at.c + 1, at.i - Chunk / 2};
                if (at.i == 0) {
                    // The first element of the upper half: e ends the lower one.
                    chunks_[at.c - 1].push_back(e);
                    set_last(at.c - 1, pos);
                    refence(at.c - 1, chunks_[at.c - 1].size() - 1);
                    return;
                }
            }
        }
        auto& chunk = chunks_[at.c];
        chunk.insert(chunk.begin() + static_cast<std::ptrdiff_t>(at.i), e);
        refence(at.c, at.i);
        ++at.i;
    }

    // Takes the element at `at` out; `at` then names the element that followed it.
    void erase(Cursor& at) {
        auto& chunk = chunks_[at.c];
        --size_;
        chunk.erase(chunk.begin() + static_cast<std::ptrdiff_t>(at.i));
        if (chunk.empty()) {
            drop_chunk(at.c);
            at.i = 0;
            return;
        }
        refence(at.c, at.i);
        if (at.i == chunk.size()) {
            set_last(at.c, PosOf()(chunk.back()));
            at = {at.c + 1, 0};
        }
    }

    // f(T&) for the elements in order, a chunk at a time, until f returns false. f may
    // change an element but not its position.
    template <typename F> void modify_each(F&& f) {
        for (auto& chunk : chunks_)
            for (T& e : chunk)
                if (!f(e))
                    return;
    }

    // Appends `e`, which sorts after every element.
    void push_back(const T& e) {
        Cursor at{chunks_.size(), 0};
        insert(at, e);
    }

    // Removes the elements for which pred(e) is true; returns how many.
    template <typename Pred> size_t erase_if(Pred pred) {
        size_t n = 0;
        for (size_t c = 0; c < chunks_.size();) {
            n += std::erase_if(chunks_[c], pred);
            if (chunks_[c].empty()) {
                drop_chunk(c);
                continue;
            }
            last_[c] = PosOf()(chunks_[c].back());
            refence(c, 0);
            ++c;
        }
        build_top(last_.data(), last_.size(), 0, top_);
        size_ -= n;
        return n;
    }

    // Empties the sequence, keeping its chunks' memory for the next elements.
    void clear() {
        for (auto& chunk : chunks_) {
            chunk.clear();
            spare_.push_back(std::move(chunk));
        }
        chunks_.clear();
        fences_.clear();
        last_.clear();
        top_.clear();
        size_ = 0;
    }

    // Whether the search structures agree with the elements (the fences with each group's
    // last element, the summary and its top with the chunks' ends): for tests.
    bool fences_agree() const {
        if (fences_.size() != chunks_.size() || last_.size() != chunks_.size())
            return false;
        for (size_t c = 0; c < chunks_.size(); ++c) {
            const auto& chunk = chunks_[c];
            if (chunk.empty() || last_[c] != PosOf()(chunk.back()))
                return false;
            for (size_t g = 0; g < Groups; ++g) {
                const size_t end = std::min(chunk.size(), (g + 1) * Group);
                const Pos128 want = g * Group < chunk.size() ? PosOf()(chunk[end - 1]) : kNoFence;
                if (fences_[c].last[g] != want)
                    return false;
            }
        }
        std::vector<Pos128> top;
        build_top(last_.data(), last_.size(), 0, top);
        return top == top_;
    }

  private:
    template <typename Before> Cursor search(Before before) const {
        const size_t c = partition_point_topped(last_.data(), last_.size(), top_, before);
        if (c == chunks_.size())
            return {c, 0};
        // The chunk's last element is not before, so neither is its last group's fence
        // and the group found holds the answer.
        const size_t g = count_before(fences_[c].last, Groups, before);
        const auto& chunk = chunks_[c];
        const size_t lo = g * Group;
        const size_t n = std::min(Group, chunk.size() - lo);
        return {c, lo + count_before(chunk.data() + lo, n - 1,
                                     [&](const T& e) { return before(PosOf()(e)); })};
    }
    // Chunk c's elements from i on moved or changed: their groups' fences follow.
    void refence(size_t c, size_t i) {
        const auto& chunk = chunks_[c];
        Fences& f = fences_[c];
        for (size_t g = i / Group; g < Groups; ++g) {
            const size_t end = std::min(chunk.size(), (g + 1) * Group);
            f.last[g] = g * Group < chunk.size() ? PosOf()(chunk[end - 1]) : kNoFence;
        }
    }
    // Chunk c's end moved, no chunk came or went: only its own group's top entry can change.
    void set_last(size_t c, Pos128 p) {
        last_[c] = p;
        const size_t g = c / kTopGroup;
        top_[g] = last_[std::min(g * kTopGroup + kTopGroup - 1, last_.size() - 1)];
    }
    // The summary changed from entry c on.
    void retop(size_t c) { build_top(last_.data(), last_.size(), c, top_); }
    std::vector<T> new_chunk() {
        std::vector<T> chunk;
        if (!spare_.empty()) {
            chunk = std::move(spare_.back());
            spare_.pop_back();
        } else {
            chunk.reserve(Chunk);
        }
        return chunk;
    }
    void drop_chunk(size_t c) {
        spare_.push_back(std::move(chunks_[c]));
        spare_.back().clear();
        chunks_.erase(chunks_.begin() + static_cast<std::ptrdiff_t>(c));
        fences_.erase(fences_.begin() + static_cast<std::ptrdiff_t>(c));
        last_.erase(last_.begin() + static_cast<std::ptrdiff_t>(c));
        retop(c);
    }

    Chunks chunks_;               // in order, none empty
    std::vector<Fences> fences_;  // each chunk's group ends
    std::vector<Pos128> last_;    // each chunk's last position
    std::vector<Pos128> top_;     // build_top over last_
    Chunks spare_;              // emptied chunks, capacity kept
    size_t size_ = 0;
};

} // namespace bucketscope::ondisk
