// A randomized deterministic soak: at least 1M bucket allocations in total over mixed
// workloads, all three policies and both kernel profiles, with the invariant checker
// (core/engine/checker.h) after every step and on every allocator event.
#include "tests/core/engine/engine_fixture.h"

#include "core/alloc/random.h"

namespace bucketscope::test {
namespace {

struct Mix {
    KernelProfile profile;
    ReplacementPolicy policy;
    uint64_t nbuckets;
    uint32_t bucket_size;
    unsigned ncaches;
};

EngineOptions options_for(const Mix& m, uint64_t seed) {
    EngineOptions o = small_options(m.nbuckets, m.bucket_size, m.profile);
    o.policy = m.policy;
    o.ncaches = m.ncaches;
    o.seed = seed;
    o.check_invariants = true;
    o.check_index_every = 64;
    o.event_capacity = 16;
    // Vary the workload from the seed: more or fewer writers, flash share, reads, sizes.
    uint64_t s = seed;
    o.workload.processes = 1 + unsigned(splitmix64_next(s) % 6);
    o.workload.flash_only_percent = unsigned(splitmix64_next(s) % 60);
    o.workload.read_percent = unsigned(splitmix64_next(s) % 50);
    o.workload.sequential_percent = unsigned(splitmix64_next(s) % 100);
    o.workload.max_write_sectors = 8u << (splitmix64_next(s) % 5);
    o.discard = splitmix64_next(s) % 4 == 0;
    return o;
}

TEST(EngineStress, MillionAllocationsWithTheCheckerAfterEveryStep) {
    const Mix mixes[] = {
        {KernelProfile::V6_2, ReplacementPolicy::Lru, 1088, 8, 1},
        {KernelProfile::V6_2, ReplacementPolicy::Fifo, 1088, 8, 1},
        {KernelProfile::V6_2, ReplacementPolicy::Random, 1088, 8, 1},
        {KernelProfile::V4_6, ReplacementPolicy::Lru, 1088, 8, 1},
        {KernelProfile::V4_6, ReplacementPolicy::Fifo, 1088, 8, 2},
        {KernelProfile::V4_6, ReplacementPolicy::Random, 1088, 8, 1},
        {KernelProfile::V6_2, ReplacementPolicy::Lru, 2100, 16, 1},
        {KernelProfile::V4_6, ReplacementPolicy::Fifo, 2100, 16, 1},
    };
    constexpr uint64_t kTotal = 1'000'000;
    const uint64_t per_mix = kTotal / std::size(mixes) + 1;
    uint64_t total = 0;
    uint64_t seed = 1000;
    for (const Mix& m : mixes) {
        const EngineOptions o = options_for(m, ++seed);
        auto rig = make_rig(o);
        ASSERT_TRUE(rig.engine);
        const uint64_t steps = rig->run_until_allocations(per_mix);
        const EngineMetrics met = rig->metrics();
        SCOPED_TRACE(std::string(to_string(m.profile)) + " " + to_string(m.policy) + " seed " +
                     std::to_string(seed));
        EXPECT_GE(met.total_allocations(), per_mix) << "stalled after " << steps << " steps";
        EXPECT_EQ(met.errors, 0u) << rig->last_error();
        const auto v = rig->violations();
        EXPECT_TRUE(v.empty()) << v.size() << " violations, first: " << v.front();
        total += met.total_allocations();
    }
    EXPECT_GE(total, kTotal);
}

} // namespace
} // namespace bucketscope::test
