#pragma once
// A binary heap with the kernel's DECLARE_HEAP semantics (util.h, the macro version used
// from 3.10 to 6.10), including its exact sift order.
//
// Which of several equal-ranked buckets an LRU pass evicts first is decided by these sift
// loops, not by any notion of stability, so they are copied step for step: the comparator
// is strict and equal keys are swapped. With cmp(l, r) = key(l) < key(r) the root is the
// maximum; with the reverse comparator it is the minimum.

#include <cstddef>
#include <utility>
#include <vector>

namespace bucketscope {

template <typename T> class Heap {
  public:
    Heap() = default;
    explicit Heap(size_t size) : data_(size) {}

    size_t size() const { return data_.size(); }
    size_t used() const { return used_; }
    bool full() const { return used_ == data_.size(); }
    bool empty() const { return used_ == 0; }
    void clear() { used_ = 0; }

    T& operator[](size_t i) { return data_[i]; }
    const T& operator[](size_t i) const { return data_[i]; }
    const T& peek() const { return data_[0]; }

    // heap_sift: move element i down while a child does not compare before it.
    template <typename Cmp> void sift(size_t i, Cmp&& cmp) {
        for (size_t j = i, r; j * 2 + 1 < used_; j = r) {
            r = j * 2 + 1;
            if (r + 1 < used_ && cmp(data_[r], data_[r + 1]))
                ++r;
            if (cmp(data_[r], data_[j]))
                break;
            std::swap(data_[r], data_[j]);
        }
    }

    // The kernel's heap_sift_down, which actually moves element i up towards the root.
    template <typename Cmp> size_t sift_up(size_t i, Cmp&& cmp) {
        while (i) {
            const size_t p = (i - 1) / 2;
            if (cmp(data_[i], data_[p]))
                break;
            std::swap(data_[i], data_[p]);
            i = p;
        }
        return i;
    }

    template <typename Cmp> bool add(const T& v, Cmp&& cmp) {
        if (full())
            return false;
        const size_t i = used_++;
        data_[i] = v;
        sift(sift_up(i, cmp), cmp);
        return true;
    }

    template <typename Cmp> bool pop(T& out, Cmp&& cmp) {
        if (!used_)
            return false;
        out = data_[0];
        --used_;
        std::swap(data_[0], data_[used_]);
        sift(0, cmp);
        return true;
    }

    // Replace the root and restore the heap (the LRU scan's "better than the worst" step).
    template <typename Cmp> void replace_top(const T& v, Cmp&& cmp) {
        data_[0] = v;
        sift(0, cmp);
    }

    // Re-heapify under another comparator, as the LRU pass does to turn its max-heap of
    // candidates into a min-heap.
    template <typename Cmp> void rebuild(Cmp&& cmp) {
        for (ptrdiff_t i = static_cast<ptrdiff_t>(used_ / 2) - 1; i >= 0; --i)
            sift(static_cast<size_t>(i), cmp);
    }

  private:
    std::vector<T> data_;
    size_t used_ = 0;
};

} // namespace bucketscope
