#pragma once
// Transparent huge pages for malloc's heap in the programs that replay traces.
//
// A long replay's hot data (index leaves, their chunk summaries, the bucket array, the
// unwritten sets) is spread over a heap of 100+ MB in 4 KiB pages: every hit lookup then
// walks the page tables as well as missing the caches, since the TLB covers a few MB. On
// kernels whose THP mode is "madvise" (Ubuntu's default, and many VMs'), only memory that
// asks for huge pages gets them, and glibc's malloc asks only when told by its tunable
// glibc.malloc.hugetlb=1 (glibc 2.35+), read from the environment at startup. So the
// program runs itself again with the tunable set; glibc then advises every heap extension.
// Measured in docs/performance.md.

namespace bucketscope::workload {

// Re-executes the running program (/proc/self/exe, same argv) with glibc.malloc.hugetlb=1
// added to GLIBC_TUNABLES, and returns only when it does not: the tunable is already set
// (the re-executed run), BUCKETSCOPE_HUGE_PAGE_HEAP=0, THP is "always" or "never", the
// malloc is not glibc's (sanitizer builds) or this is valgrind, or exec failed (the
// environment is then as it was).
void reexec_with_huge_page_heap(char** argv);

// Whether this build can ask for it at all: glibc 2.35 or later, and glibc's malloc (not a
// sanitizer's).
bool huge_page_heap_supported();

// Whether reexec_with_huge_page_heap would re-execute, given GLIBC_TUNABLES (nullptr:
// unset), BUCKETSCOPE_HUGE_PAGE_HEAP, LD_PRELOAD and the text of
// /sys/kernel/mm/transparent_hugepage/enabled. The decision alone, for tests.
bool huge_page_heap_wanted(const char* tunables, const char* opt_out, const char* preload,
                           const char* thp_enabled);

} // namespace bucketscope::workload
