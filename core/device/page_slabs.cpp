// Pages from mapped slabs; see page_slabs.h.
#include "core/device/page_slabs.h"

#include <cstdint>
#include <new>
#include <sys/mman.h>

namespace bucketscope {

PageSlabs::~PageSlabs() {
    for (std::byte* s : slabs_)
        ::munmap(s, kSlabBytes);
}

std::byte* PageSlabs::take() {
    if (!returned_.empty()) {
        std::byte* p = returned_.back();
        returned_.pop_back();
        return p;
    }
    if (next_ == end_) {
        slabs_.reserve(slabs_.size() + 1); // no throw once the slab is mapped
        // Twice the size, then the slab-aligned middle kept: a huge page needs the alignment.
        void* m = ::mmap(nullptr, 2 * kSlabBytes, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            throw std::bad_alloc();
        auto* raw = static_cast<std::byte*>(m);
        const uintptr_t skew = reinterpret_cast<uintptr_t>(raw) % kSlabBytes;
        std::byte* slab = skew ? raw + (kSlabBytes - skew) : raw;
        if (slab != raw)
            ::munmap(raw, size_t(slab - raw));
        if (std::byte* tail = slab + kSlabBytes; tail != raw + 2 * kSlabBytes)
            ::munmap(tail, size_t(raw + 2 * kSlabBytes - tail));
#ifdef MADV_HUGEPAGE
        ::madvise(slab, kSlabBytes, MADV_HUGEPAGE); // a hint: 4 KiB pages work as well
#endif
        slabs_.push_back(slab);
        next_ = slab;
        end_ = slab + kSlabBytes;
    }
    std::byte* p = next_;
    next_ += kPage;
    return p;
}

void PageSlabs::give_back(std::byte* page) {
    ::madvise(page, kPage, MADV_DONTNEED); // private anonymous memory: zeros when next touched
    returned_.push_back(page);
}

} // namespace bucketscope
