#pragma once
// The console reporter that also collects ns per item for every engine/reference pair and,
// after the run, prints the comparison table with the targets: engine/reference
// at most 1.0 for the passes at 2^20 buckets and above, push and the fast path under
// 10 ns. With repetitions the median is used.

#include <benchmark/benchmark.h>

#include <map>
#include <ostream>
#include <string>
#include <utility>

namespace bucketscope::bench {

class PairReporter : public benchmark::ConsoleReporter {
  public:
    void ReportRuns(const std::vector<Run>& runs) override;
    // Returns false if any target was missed or a pair is incomplete.
    bool print_table(std::ostream& out) const;

  private:
    struct Pair {
        double engine_ns = 0;
        double reference_ns = 0;
    };
    // (family, nbuckets) -> ns per item on each side.
    std::map<std::pair<std::string, uint64_t>, Pair> pairs_;
};

} // namespace bucketscope::bench
