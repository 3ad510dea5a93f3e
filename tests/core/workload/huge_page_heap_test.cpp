// When a replaying program re-executes itself for a huge-page heap, and when it must not.
#include "core/workload/huge_page_heap.h"

#include <gtest/gtest.h>

namespace bucketscope::workload {
namespace {

constexpr const char* kMadvise = "always [madvise] never";

// Sanitizer builds (their own malloc) and glibc before 2.35 never re-execute.
TEST(HugePageHeap, UnsupportedBuildsNeverReexecute) {
    if (huge_page_heap_supported())
        GTEST_SKIP() << "glibc 2.35+ with its own malloc";
    EXPECT_FALSE(huge_page_heap_wanted(nullptr, nullptr, nullptr, kMadvise));
}

class HugePageHeapSupported : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!huge_page_heap_supported())
            GTEST_SKIP() << "not glibc 2.35+ with its own malloc (a sanitizer build?)";
    }
};

TEST_F(HugePageHeapSupported, OnlyWhenTheKernelHandsHugePagesToThoseWhoAsk) {
    EXPECT_TRUE(huge_page_heap_wanted(nullptr, nullptr, nullptr, kMadvise));
    EXPECT_FALSE(huge_page_heap_wanted(nullptr, nullptr, nullptr, "[always] madvise never"));
    EXPECT_FALSE(huge_page_heap_wanted(nullptr, nullptr, nullptr, "always madvise [never]"));
    EXPECT_FALSE(huge_page_heap_wanted(nullptr, nullptr, nullptr, "")); // no THP at all
}

TEST_F(HugePageHeapSupported, NotTwiceNotWhenTheUserSetItAndNotWhenTurnedOff) {
    EXPECT_FALSE(huge_page_heap_wanted("glibc.malloc.hugetlb=1", nullptr, nullptr, kMadvise));
    EXPECT_FALSE(huge_page_heap_wanted("glibc.malloc.hugetlb=0", nullptr, nullptr, kMadvise));
    EXPECT_FALSE(huge_page_heap_wanted("glibc.malloc.arena_max=1:glibc.malloc.hugetlb=1", nullptr,
                                       nullptr, kMadvise));
    EXPECT_TRUE(huge_page_heap_wanted("glibc.malloc.arena_max=1", nullptr, nullptr, kMadvise));
    EXPECT_FALSE(huge_page_heap_wanted(nullptr, "0", nullptr, kMadvise));
    EXPECT_TRUE(huge_page_heap_wanted(nullptr, "1", nullptr, kMadvise));
}

TEST_F(HugePageHeapSupported, NotUnderValgrind) {
    EXPECT_FALSE(huge_page_heap_wanted(
        nullptr, nullptr, "/usr/libexec/valgrind/vgpreload_core-amd64-linux.so", kMadvise));
    EXPECT_TRUE(huge_page_heap_wanted(nullptr, nullptr, "/usr/lib/libfoo.so", kMadvise));
}

} // namespace
} // namespace bucketscope::workload
