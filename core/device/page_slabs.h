#pragma once
// Zeroed 4 KiB pages for SparseRamDevice, cut from 2 MiB slabs mapped straight from the
// kernel (as transparent huge pages where it gives them).
//
// A replay's metadata pages are the bulk of what it allocates (tens of MB for prio sets
// and btree nodes): taken one by one from the heap, each page faulted on its first write
// and the engine's short-lived buffers that land past them on the heap's fresh top faulted
// again. A slab faults once (a huge page) or in one run of small ones, and the heap keeps
// only the engine's own allocations.
//
// Pages are never unmapped before the slabs are: give_back() returns a page's memory to the
// kernel (it reads as zeros when next touched) and keeps its address for the next take().

#include <cstddef>
#include <vector>

namespace bucketscope {

class PageSlabs {
  public:
    static constexpr size_t kPage = 4096;
    static constexpr size_t kSlabBytes = size_t{2} << 20;

    PageSlabs() = default;
    PageSlabs(const PageSlabs&) = delete;
    PageSlabs& operator=(const PageSlabs&) = delete;
    ~PageSlabs();

    // A page of zeros; throws std::bad_alloc when the kernel maps no more.
    std::byte* take();
    // `page` (from take()) is no longer used; its memory goes back to the kernel.
    void give_back(std::byte* page);

  private:
    std::vector<std::byte*> slabs_;
    std::byte* next_ = nullptr; // the current slab's untouched pages: [next_, end_)
    std::byte* end_ = nullptr;
    std::vector<std::byte*> returned_; // given back, zeros again
};

} // namespace bucketscope
