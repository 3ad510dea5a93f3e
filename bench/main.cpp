// bucketscope-bench: checks, measures memory, then times the allocator against the
// kernel-procedure reference, in that order, so a timing is only printed for an engine
// that was just shown to pick the same victims.
//
//   bucketscope-bench [--sizes=14,17,20,22] [--check-only] [--skip-check]
//                     [any --benchmark_* flag, e.g. --benchmark_out=bench.json]
//
// --sizes takes log2 bucket counts. The exit status is 1 if the engine and the reference
// disagree on any victim order, 2 for a bad argument, 0 otherwise; missed speed or
// memory targets are reported in the tables, not in the status, since timings depend on
// the machine.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "bench/alloc_bench.h"
#include "bench/equivalence.h"
#include "bench/footprint.h"
#include "bench/report.h"

namespace {

using namespace bucketscope::bench;

constexpr double kBytesPerBucketBudget = 16.0;

struct Options {
    std::vector<uint64_t> sizes = {1u << 14, 1u << 17, 1u << 20, 1u << 22};
    bool check_only = false;
    bool skip_check = false;
};

bool parse_sizes(const char* list, std::vector<uint64_t>& out) {
    out.clear();
    std::string s(list);
    size_t pos = 0;
    while (pos <= s.size()) {
        const size_t comma = s.find(',', pos);
        const std::string item = s.substr(pos, comma == std::string::npos ? comma : comma - pos);
        char* end = nullptr;
        const unsigned long k = std::strtoul(item.c_str(), &end, 10);
        // The push and fast-path loops cycle through 4096 buckets, so 2^13 is the floor.
        if (item.empty() || *end != '\0' || k < 13 || k > 26) {
            std::fprintf(stderr,
                         "bucketscope-bench: --sizes: '%s' is not a log2 bucket count in "
                         "13..26\n",
                         item.c_str());
            return false;
        }
        out.push_back(uint64_t(1) << k);
        if (comma == std::string::npos)
            break;
        pos = comma + 1;
    }
    return !out.empty();
}

// Takes our own flags out of argv so the library sees only its own.
bool parse_options(int& argc, char** argv, Options& o) {
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--sizes=", 8) == 0) {
            if (!parse_sizes(argv[i] + 8, o.sizes))
                return false;
        } else if (std::strcmp(argv[i], "--check-only") == 0) {
            o.check_only = true;
        } else if (std::strcmp(argv[i], "--skip-check") == 0) {
            o.skip_check = true;
        } else {
            argv[kept++] = argv[i];
        }
    }
    argc = kept;
    return true;
}

bool run_checks(const std::vector<uint64_t>& sizes) {
    bool ok = true;
    std::printf("equivalence: engine vs reference victim order\n");
    std::printf("%-7s %-9s %9s %7s %9s %-8s %s\n", "policy", "state", "buckets", "passes",
                "victims", "gave up", "result");
    for (uint64_t n : sizes) {
        for (const auto& r : check_equivalence(n)) {
            std::printf("%-7s %-9s %9llu %7u %9llu %-8s %s\n", r.policy.c_str(),
                        r.variant.c_str(), static_cast<unsigned long long>(r.nbuckets),
                        r.passes, static_cast<unsigned long long>(r.victims),
                        r.gave_up ? "yes" : "no", r.ok ? "identical" : "MISMATCH");
            if (!r.ok)
                std::printf("    %s\n", r.detail.c_str());
            ok = ok && r.ok;
        }
        std::fflush(stdout);
    }
    benchmark::AddCustomContext("equivalence", ok ? "identical" : "MISMATCH");
    return ok;
}

void report_footprint(const std::vector<uint64_t>& sizes) {
    std::printf("\nengine memory per cache (make_cache)\n");
    std::printf("%9s %14s %14s %12s %12s %10s %s\n", "buckets", "measured B", "counted B",
                "buckets B", "queues B", "B/bucket", "target <= 16");
    for (uint64_t n : sizes) {
        const Footprint fp = measure_engine_footprint(n);
        const double per = fp.per_bucket();
        std::printf("%9llu %14zu %14zu %12zu %12zu %10.3f %s\n",
                    static_cast<unsigned long long>(n), fp.measured_bytes, fp.counted_bytes,
                    fp.bucket_array_bytes, fp.queue_bytes, per,
                    per <= kBytesPerBucketBudget ? "met" : "MISSED");
        benchmark::AddCustomContext("bytes_per_bucket/" + std::to_string(n),
                                    std::to_string(per));
    }
    std::printf("\n");
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv) {
    Options opt;
    if (!parse_options(argc, argv, opt))
        return 2;
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 2;

    const bool same = opt.skip_check || run_checks(opt.sizes);
    if (opt.check_only)
        return same ? 0 : 1;
    report_footprint(opt.sizes);

    register_alloc_benchmarks(opt.sizes);
    PairReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    const bool met = reporter.print_table(std::cout);
    std::cout << (met ? "all speed targets met\n" : "some speed targets MISSED\n");
    if (!same)
        std::cout << "the engine's victim order differs from the reference: see above\n";
    return same ? 0 : 1;
}
