// PageSlabs: the pages it hands out are zero, page-aligned and distinct, across slabs, and a
// page given back comes back zeroed.

#include "core/device/page_slabs.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <gtest/gtest.h>
#include <set>
#include <vector>

namespace bucketscope {
namespace {

constexpr size_t kPage = PageSlabs::kPage;

bool all_zero(const std::byte* p) {
    return std::all_of(p, p + kPage, [](std::byte b) { return b == std::byte{0}; });
}

TEST(PageSlabs, PagesAreZeroAlignedAndDistinctAcrossSlabs) {
    PageSlabs slabs;
    const size_t n = 2 * PageSlabs::kSlabBytes / kPage + 3; // into a third slab
    std::set<std::byte*> seen;
    for (size_t i = 0; i < n; ++i) {
        std::byte* p = slabs.take();
        ASSERT_EQ(reinterpret_cast<uintptr_t>(p) % kPage, 0u);
        ASSERT_TRUE(all_zero(p)) << "page " << i;
        std::memset(p, 0xa5, kPage); // a page overlapping another would show this
        ASSERT_TRUE(seen.insert(p).second);
    }
    for (std::byte* p : seen)
        ASSERT_EQ(p[kPage - 1], std::byte{0xa5});
}

TEST(PageSlabs, APageGivenBackComesBackZeroed) {
    PageSlabs slabs;
    std::byte* a = slabs.take();
    std::byte* b = slabs.take();
    std::memset(a, 0x11, kPage);
    std::memset(b, 0x22, kPage);
    slabs.give_back(a);
    EXPECT_EQ(slabs.take(), a);
    EXPECT_TRUE(all_zero(a));
    EXPECT_EQ(b[0], std::byte{0x22}); // a neighbour keeps its bytes
}

} // namespace
} // namespace bucketscope
