#include "core/device/ram_device.h"
#include "core/store/engine_recorder.h"
#include "core/store/session_reader.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <unistd.h>

namespace bucketscope::store {
namespace {

namespace fs = std::filesystem;

// A real engine on a RAM device recorded into a real SQLite file: every event the engine
// emitted is in the session, metric samples and snapshots follow the engine clock.
TEST(EngineRecorder, RecordsEveryEventOfADeterministicRun) {
    const auto db =
        (fs::temp_directory_path() / ("bucketscope-recorder-" + std::to_string(::getpid()) + ".db"))
            .string();
    fs::remove(db);

    EngineOptions o;
    o.geometry.nbuckets = 1088;
    o.geometry.bucket_size = 16;
    o.geometry.block_size = 8;
    o.seed = 3;
    RamDevice dev(o.geometry.nbuckets * (uint64_t(o.geometry.bucket_size) << 9));
    std::string why;
    auto engine = Engine::create({&dev}, o, &why);
    ASSERT_TRUE(engine) << why;

    int64_t id = 0;
    uint64_t events = 0;
    RecorderOptions ro;
    ro.snapshot_interval_ns = 50'000'000;
    ro.metric_interval_ns = 1'000'000;
    {
        SessionStore store(db);
        id = store.begin_session(describe_session(*engine, dev.name(), "{}", "test"));
        EngineRecorder rec(*engine, store, ro);
        for (int i = 0; i < 200; ++i) {
            engine->step(500);
            events += rec.pump();
        }
        engine->set_policy(ReplacementPolicy::Fifo);
        rec.record_command("set_policy", "fifo");
        events += rec.pump();
        rec.finish("completed");
        EXPECT_EQ(store.dropped(), 0u);
    }
    ASSERT_EQ(engine->events_dropped(), 0u);
    ASSERT_GT(events, 100u);

    SessionReader reader(db);
    const auto row = reader.get(id);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->events, events);
    EXPECT_EQ(row->commands, 1u);
    EXPECT_GT(row->metrics, 0u);
    EXPECT_GE(row->snapshots, 2u);
    EXPECT_NE(row->info.superblock.find("\"nbuckets\":1088"), std::string::npos);

    // Every event exactly as the engine emitted it, numbered without gaps.
    const auto recorded = reader.events(id);
    ASSERT_EQ(recorded.size(), events);
    bool saw_policy_change = false;
    for (size_t i = 0; i < recorded.size(); ++i) {
        EXPECT_EQ(recorded[i].seq, i);
        saw_policy_change |= recorded[i].kind == "policy_change";
    }
    EXPECT_TRUE(saw_policy_change);
    // The metric samples follow the engine clock at the interval asked for.
    const auto samples = reader.metric_samples(id);
    ASSERT_GE(samples.size(), 2u);
    for (size_t i = 1; i + 1 < samples.size(); ++i)
        EXPECT_GT(samples[i].clock_ns / ro.metric_interval_ns,
                  samples[i - 1].clock_ns / ro.metric_interval_ns);
    EXPECT_EQ(samples.back().total_allocations(), engine->metrics().total_allocations());
    // The superblock summary carries what a replay needs for fill levels.
    EXPECT_NE(row->info.superblock.find("\"free_inc_capacity\""), std::string::npos);

    const auto snaps = reader.snapshots(id);
    // One snapshot in each interval of engine time, plus the last one at finish().
    const uint64_t cells = engine->clock_ns() / ro.snapshot_interval_ns + 1;
    ASSERT_GE(cells, 4u);
    EXPECT_EQ(snaps.size(), cells + 1);
    for (size_t i = 1; i + 1 < snaps.size(); ++i)
        EXPECT_EQ(snaps[i].clock_ns / ro.snapshot_interval_ns,
                  snaps[i - 1].clock_ns / ro.snapshot_interval_ns + 1);
    const auto last = reader.load_snapshot(id, snaps.size() - 1);
    const auto live = engine->snapshot();
    EXPECT_EQ(last.gen, live->gen);
    EXPECT_EQ(last.prio, live->prio);
    EXPECT_EQ(last.mark, live->mark);
    fs::remove(db);
}

} // namespace
} // namespace bucketscope::store
