// Threaded mode: every task on its own thread with a real bucket_lock and condition
// variables. Runs a bounded amount of work, reads snapshots, metrics and events from the
// test thread while it runs, and stops cleanly. CI runs this under ThreadSanitizer.
#include "tests/core/engine/engine_fixture.h"

#include "core/engine/checker.h"

namespace bucketscope::test {
namespace {

EngineOptions threaded_options(KernelProfile p, ReplacementPolicy policy) {
    EngineOptions o = small_options(1088, 8, p);
    o.mode = RunMode::Threaded;
    o.policy = policy;
    o.seed = 5;
    o.workload.processes = 4;
    o.workload.max_writes_per_process = 400;
    o.check_invariants = true;
    return o;
}

void run_bounded(const EngineOptions& o) {
    auto rig = make_rig(o);
    ASSERT_TRUE(rig.engine);
    rig->start();
    EXPECT_TRUE(rig->running());
    // Observers from another thread while the tasks run.
    std::vector<EngineEvent> ev;
    for (int i = 0; i < 20; ++i) {
        const SnapshotPtr s = rig->snapshot();
        EXPECT_EQ(s->nbuckets, o.geometry.nbuckets);
        rig->poll_events(ev);
        (void)rig->metrics();
        (void)rig->tasks();
    }
    rig->trigger_gc();
    rig->set_policy(ReplacementPolicy::Fifo);
    rig->wait_workload_done();
    rig->stop();
    EXPECT_FALSE(rig->running());

    const EngineMetrics m = rig->metrics();
    EXPECT_EQ(m.writes, 4u * 400u);
    EXPECT_GT(m.total_allocations(), 500u);
    EXPECT_GT(m.prio_writes, 10u);
    EXPECT_EQ(m.errors, 0u) << rig->last_error();
    const auto v = rig->violations();
    EXPECT_TRUE(v.empty()) << v.size() << " violations, first: " << v.front();
    for (const TaskInfo& t : rig->tasks())
        if (t.name.rfind("writer/", 0) == 0) {
            EXPECT_EQ(t.wait, WaitOn::Done) << t.name;
        }
    rig->with_state([&](CacheSet& c, ExtentIndex& idx, const GcRoots& roots) {
        CheckContext ctx;
        ctx.roots = &roots;
        ctx.initial_seeded = rig->initial_seeded();
        const auto after = check_invariants(c, idx, ctx);
        EXPECT_TRUE(after.empty()) << to_string(after.front());
    });
}

TEST(EngineThreaded, V62RunsBoundedWorkAndStopsCleanly) {
    run_bounded(threaded_options(KernelProfile::V6_2, ReplacementPolicy::Lru));
}

TEST(EngineThreaded, V46RunsBoundedWorkAndStopsCleanly) {
    run_bounded(threaded_options(KernelProfile::V4_6, ReplacementPolicy::Random));
}

TEST(EngineThreaded, StopWhileTasksAreBusyAndPauseResume) {
    EngineOptions o = threaded_options(KernelProfile::V6_2, ReplacementPolicy::Lru);
    o.workload.max_writes_per_process = 0; // never ends by itself
    auto rig = make_rig(o);
    rig->start();
    rig->pause();
    const uint64_t steps = rig->metrics().steps;
    EXPECT_EQ(rig->metrics().steps, steps) << "no step runs while paused";
    rig->resume();
    rig->stop();
    EXPECT_FALSE(rig->running());
    // A stopped engine can be started again.
    rig->start();
    rig->stop();
    EXPECT_TRUE(rig->violations().empty());
}

} // namespace
} // namespace bucketscope::test
