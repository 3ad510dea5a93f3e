#pragma once
// A ring buffer with the kernel's DECLARE_FIFO semantics (util.h).
//
// The capacity is not always what was asked for: init_fifo() rounds a request above 4 up
// to 2^k - 1 (so free_inc for 512 becomes 511), while init_fifo_exact() keeps it. The
// storage is the next power of two above the capacity so indices wrap with a mask, and
// "full" means used == capacity. These roundings decide how many buckets one invalidate
// pass moves, so they are reproduced rather than "fixed".

#include <bit>
#include <cassert>
#include <cstddef>
#include <vector>

namespace bucketscope {

// The capacity init_fifo() gives a request: 2^k - 1 above 4, the request itself otherwise.
inline size_t init_fifo_capacity(size_t requested) {
    return requested > 4 ? std::bit_ceil(requested) - 1 : requested;
}

template <typename T> class Fifo {
  public:
    Fifo() = default;

    // init_fifo(): capacity rounded to 2^k - 1 when the request is above 4.
    static Fifo rounded(size_t requested) {
        return Fifo(init_fifo_capacity(requested));
    }
    // init_fifo_exact(): capacity as requested.
    static Fifo exact(size_t requested) { return Fifo(requested); }

    size_t capacity() const { return capacity_; }
    size_t used() const { return (back_ - front_) & mask_; }
    bool empty() const { return front_ == back_; }
    bool full() const { return used() == capacity_; }

    // Indices are kept masked; working on a local copy lets the compiler keep them in
    // registers (a T store could otherwise alias them when T is size_t).
    bool push(T v) {
        const size_t back = back_;
        if (((back - front_) & mask_) == capacity_)
            return false;
        data_[back] = v;
        back_ = (back + 1) & mask_;
        return true;
    }
    bool pop(T& out) {
        const size_t front = front_;
        if (front == back_)
            return false;
        out = data_[front];
        front_ = (front + 1) & mask_;
        return true;
    }
    const T& front() const {
        assert(!empty());
        return data_[front_];
    }
    // i-th element from the front, 0 <= i < used().
    const T& at(size_t i) const { return data_[(front_ + i) & mask_]; }
    void clear() { front_ = back_ = 0; }

    template <typename F> void for_each(F&& f) const {
        for (size_t i = 0, n = used(); i < n; ++i)
            f(at(i));
    }

  private:
    explicit Fifo(size_t capacity)
        : capacity_(capacity), mask_(std::bit_ceil(capacity + 1) - 1), data_(mask_ + 1) {}

    size_t capacity_ = 0;
    size_t mask_ = 0;
    size_t front_ = 0;
    size_t back_ = 0;
    std::vector<T> data_;
};

} // namespace bucketscope
