// Re-execution with glibc's huge-page heap tunable; see huge_page_heap.h.
#include "core/workload/huge_page_heap.h"

#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define BUCKETSCOPE_OWN_MALLOC 1 // the sanitizer's allocator, not glibc's
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define BUCKETSCOPE_OWN_MALLOC 1
#endif
#endif

namespace bucketscope::workload {

namespace {
constexpr std::string_view kTunable = "glibc.malloc.hugetlb";
}

bool huge_page_heap_supported() {
#if !defined(__linux__) || !defined(__GLIBC__) || defined(BUCKETSCOPE_OWN_MALLOC)
    return false;
#elif __GLIBC__ == 2 && __GLIBC_MINOR__ < 35
    return false; // older glibc ignores the tunable
#else
    return true;
#endif
}

bool huge_page_heap_wanted(const char* tunables, const char* opt_out, const char* preload,
                           const char* thp_enabled) {
    if (!huge_page_heap_supported())
        return false;
    if (tunables && std::string_view(tunables).find(kTunable) != std::string_view::npos)
        return false; // set by the user, or this is the re-executed run
    if (opt_out && std::string_view(opt_out) == "0")
        return false;
    // valgrind's tools preload vgpreload_*.so; an exec would leave the tool behind.
    if (preload && std::string_view(preload).find("vgpreload") != std::string_view::npos)
        return false;
    // "always [madvise] never": the heap is huge already under "always", never under "never".
    return thp_enabled && std::string_view(thp_enabled).find("[madvise]") != std::string_view::npos;
}

void reexec_with_huge_page_heap(char** argv) {
    std::string thp;
    if (std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled"); f)
        std::getline(f, thp);
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    if (!huge_page_heap_wanted(tunables, std::getenv("BUCKETSCOPE_HUGE_PAGE_HEAP"),
                               std::getenv("LD_PRELOAD"), thp.c_str()))
        return;
    char exe[4096];
    const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return;
    exe[n] = '\0';
    const std::string before = tunables ? tunables : "";
    const std::string after = (before.empty() ? "" : before + ":") + std::string(kTunable) + "=1";
    if (::setenv("GLIBC_TUNABLES", after.c_str(), 1) != 0)
        return;
    ::execv(exe, argv);
    // Still here: run on without huge pages, with the environment the user gave.
    if (tunables)
        ::setenv("GLIBC_TUNABLES", before.c_str(), 1);
    else
        ::unsetenv("GLIBC_TUNABLES");
}

} // namespace bucketscope::workload
