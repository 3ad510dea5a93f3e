// The checker over whole engine runs: the deterministic engine with check_invariants on,
// every step checked, for both kernel profiles and every replacement policy, must report
// nothing. This is where GC, the index and the allocator meet: a run that needs GC to free
// buckets many times over (gens wrapping, node splits, stale extents dropped) without any
// invariant of allocator-semantics.md section 7 failing.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/device/ram_device.h"
#include "core/engine/engine.h"

namespace bucketscope::testing {
namespace {

struct RunCase {
    KernelProfile profile;
    ReplacementPolicy policy;
    uint64_t seed;
};

class CheckedEngineRun : public ::testing::TestWithParam<RunCase> {};

TEST_P(CheckedEngineRun, ReportsNoViolation) {
    const RunCase rc = GetParam();
    EngineOptions o;
    o.geometry.nbuckets = 1088;
    o.geometry.bucket_size = 16;
    o.geometry.block_size = 8;
    o.geometry.first_bucket = 1;
    o.profile = rc.profile;
    o.policy = rc.policy;
    o.seed = rc.seed;
    o.check_invariants = true;
    RamDevice dev(o.geometry.nbuckets * (uint64_t(o.geometry.bucket_size) << 9));
    std::string why;
    auto e = Engine::create({&dev}, o, &why);
    ASSERT_TRUE(e) << why;
    // Enough writes to turn the cache over many times: every bucket reused, GC run often.
    e->run_until_allocations(10 * o.geometry.nbuckets);
    const EngineMetrics m = e->metrics();
    EXPECT_GT(m.gc_runs, 2u);
    const auto v = e->violations();
    EXPECT_TRUE(v.empty()) << v.size() << " violations, first: " << v.front();
}

INSTANTIATE_TEST_SUITE_P(
    ProfilesAndPolicies, CheckedEngineRun,
    ::testing::Values(RunCase{KernelProfile::V6_2, ReplacementPolicy::Lru, 1},
                      RunCase{KernelProfile::V6_2, ReplacementPolicy::Fifo, 2},
                      RunCase{KernelProfile::V6_2, ReplacementPolicy::Random, 3},
                      RunCase{KernelProfile::V4_6, ReplacementPolicy::Lru, 4},
                      RunCase{KernelProfile::V4_6, ReplacementPolicy::Fifo, 5},
                      RunCase{KernelProfile::V4_6, ReplacementPolicy::Random, 6}));

} // namespace
} // namespace bucketscope::testing
