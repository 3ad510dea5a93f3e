// On the reference zipf trace of ../shared/tools/gen_trace.py (1M requests over 100k
// objects of 512 KiB) replay's hit ratios sit next to libCacheSim's, a little below: bcache
// holds buckets back for reserves and metadata. A whole replay per policy: label slow.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "tests/core/workload/replay_cli_util.h"

namespace bucketscope::test {
namespace {

using bucketscope::testing::CommandResult;

// libCacheSim (aa0fc40) on this trace, 10% of the 80,700 distinct objects: FIFO 0.6771,
// LRU 0.7135 (../shared/tools/README.md).
TEST(ReplayCli, HitRatiosSitNextToLibCacheSimsOnTheReferenceZipfTrace) {
    const std::string trace = reference_trace();
    ASSERT_FALSE(trace.empty()) << "gen_trace.py failed";
    // 8070 objects of 512 KiB, plus the superblock bucket.
    const std::string target = "ram:" + std::to_string(8071 * 512) + "K";
    for (auto [policy, reference] : {std::pair{"fifo", 0.6771}, {"lru", 0.7135}}) {
        const CommandResult r = replay(target + " " + trace + " --format oracle --policy " + policy);
        ASSERT_EQ(r.status, 0) << r.output;
        const double hit = std::stod(value_of(r.output, "summary.hit_ratio"));
        EXPECT_LE(hit, reference + 0.005) << policy;
        EXPECT_GE(hit, reference - 0.02) << policy;
        EXPECT_EQ(value_of(r.output, "summary.hit_ratio"), value_of(r.output, "summary.byte_hit_ratio"))
            << "equal-size objects";
    }
}

} // namespace
} // namespace bucketscope::test
