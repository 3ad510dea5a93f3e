// When a replaying program re-executes itself for a huge-page heap, and when it must not.
#include "core/workload/huge_page_heap.h"

#include <gtest/gtest.h>

namespace bucketscope::workload {
namespace {

constexpr const char* kMadvise = "always [madvise] never";

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
TEST(HugePageHeap, NeverUnderASanitizersOwnMalloc) {
    EXPECT_FALSE(huge_page_heap_wanted(nullptr, nullptr, nullptr, kMadvise));
}
#elif defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 35)
TEST(HugePageHeap, OnlyWhenTheKernelHandsHugePagesToThoseWhoAsk) {
    EXPECT_TRUE(huge_page_heap_wanted(nullptr, nullptr, nullptr, kMadvise));
    EXPECT_FALSE(huge_page_heap_wanted(nullptr, nullptr, nullptr, "[always] madvise never"));
    EXPECT_FALSE(huge_page_heap_wanted(nullptr, nullptr, nullptr, "always madvise [never]"));
    EXPECT_FALSE(huge_page_heap_wanted(nullptr, nullptr, nullptr, "")); // no THP at all
}

TEST(HugePageHeap, NotTwiceNotWhenTheUserSetItAndNotWhenTurnedOff) {
    EXPECT_FALSE(huge_page_heap_wanted("glibc.malloc.hugetlb=1", nullptr, nullptr, kMadvise));
    EXPECT_FALSE(huge_page_heap_wanted("glibc.malloc.hugetlb=0", nullptr, nullptr, kMadvise));
    EXPECT_FALSE(huge_page_heap_wanted("glibc.malloc.arena_max=1:glibc.malloc.hugetlb=1", nullptr,
                                       nullptr, kMadvise));
    EXPECT_TRUE(huge_page_heap_wanted("glibc.malloc.arena_max=1", nullptr, nullptr, kMadvise));
    EXPECT_FALSE(huge_page_heap_wanted(nullptr, "0", nullptr, kMadvise));
    EXPECT_TRUE(huge_page_heap_wanted(nullptr, "1", nullptr, kMadvise));
}

TEST(HugePageHeap, NotUnderValgrind) {
    EXPECT_FALSE(huge_page_heap_wanted(
        nullptr, nullptr, "/usr/libexec/valgrind/vgpreload_core-amd64-linux.so", kMadvise));
    EXPECT_TRUE(huge_page_heap_wanted(nullptr, nullptr, "/usr/lib/libfoo.so", kMadvise));
}
#endif

} // namespace
} // namespace bucketscope::workload
