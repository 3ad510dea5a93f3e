// Run names look like "lru/engine/1048576" (function_name "lru/engine", args "1048576");
// the rate comes from items_per_second, which the library computes from CPU time, so the
// figures are less disturbed by other processes on a shared machine than wall time.

#include "bench/report.h"

#include <cstdio>
#include <string>

#include "bench/alloc_bench.h"

namespace bucketscope::bench {

namespace {

constexpr uint64_t kRatioTargetFrom = 1u << 20;

std::string log2_label(uint64_t n) {
    unsigned k = 0;
    while ((uint64_t(1) << (k + 1)) <= n)
        ++k;
    return (uint64_t(1) << k) == n ? "2^" + std::to_string(k) : std::to_string(n);
}

} // namespace

void PairReporter::ReportRuns(const std::vector<Run>& runs) {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
        if (r.error_occurred)
            continue;
        if (r.run_type == Run::RT_Aggregate && r.aggregate_name != "median")
            continue;
        const auto rate = r.counters.find("items_per_second");
        if (rate == r.counters.end() || rate->second.value <= 0)
            continue;
        const std::string& fn = r.run_name.function_name;
        const auto slash = fn.find('/');
        if (slash == std::string::npos)
            continue;
        const uint64_t n = std::stoull(r.run_name.args);
        Pair& p = pairs_[{fn.substr(0, slash), n}];
        const double ns = 1e9 / rate->second.value;
        (fn.substr(slash + 1) == "engine" ? p.engine_ns : p.reference_ns) = ns;
    }
}

bool PairReporter::print_table(std::ostream& out) const {
    bool all_met = true;
    char line[200];
    std::snprintf(line, sizeof line, "%-9s %-6s %-18s %12s %12s %7s  %s\n", "function", "size",
                  "ns per", "engine", "reference", "ratio", "target");
    out << "\nengine vs reference (CPU time, ns per item)\n" << line;
    for (const auto& f : families()) {
        for (const auto& [key, p] : pairs_) {
            if (key.first != f.name)
                continue;
            const double ratio = p.reference_ns > 0 ? p.engine_ns / p.reference_ns : 0;
            std::string target = "-";
            bool met = p.engine_ns > 0 && p.reference_ns > 0;
            if (f.ratio_target && key.second >= kRatioTargetFrom) {
                met = met && ratio <= 1.0;
                target = std::string("ratio <= 1.0: ") + (met ? "met" : "MISSED");
            } else if (f.engine_ns_max > 0) {
                met = met && p.engine_ns < f.engine_ns_max;
                target = "engine < " + std::to_string(int(f.engine_ns_max)) +
                         " ns: " + (met ? "met" : "MISSED");
            }
            all_met = all_met && met;
            std::snprintf(line, sizeof line, "%-9s %-6s %-18s %12.3f %12.3f %7.3f  %s\n",
                          f.name, log2_label(key.second).c_str(), f.item, p.engine_ns,
                          p.reference_ns, ratio, target.c_str());
            out << line;
        }
    }
    return all_met;
}

} // namespace bucketscope::bench
