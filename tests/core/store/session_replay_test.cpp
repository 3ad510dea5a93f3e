// Replaying a recorded run: the time line, the nearest snapshot to a moment, the metric
// samples up to it and the events around it, with gens that match what the live event
// log showed while the engine ran.
#include "core/device/ram_device.h"
#include "core/engine/event_gens.h"
#include "core/store/engine_recorder.h"
#include "core/store/record_rows.h"
#include "core/store/session_replay.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <map>
#include <unistd.h>

namespace bucketscope::store {
namespace {

namespace fs = std::filesystem;

class SessionReplayTest : public ::testing::Test {
  protected:
    void SetUp() override {
        db_ = (fs::temp_directory_path() /
               ("bucketscope-replay-" + std::to_string(::getpid()) + ".db"))
                  .string();
        fs::remove(db_);
        EngineOptions o;
        o.geometry.nbuckets = 1088;
        o.geometry.bucket_size = 16;
        o.geometry.block_size = 8;
        o.seed = 11;
        dev_ = std::make_unique<RamDevice>(o.geometry.nbuckets *
                                           (uint64_t(o.geometry.bucket_size) << 9));
        std::string why;
        engine_ = Engine::create({dev_.get()}, o, &why);
        ASSERT_TRUE(engine_) << why;

        // Driven as the GUI's worker drives it: drain, snapshot, then hand both over. The
        // gens the live event log would show are kept as the truth.
        SessionStore store(db_);
        id_ = store.begin_session(describe_session(*engine_, dev_->name(), "{}", "test"));
        RecorderOptions ro;
        ro.snapshot_interval_ns = 20'000'000;
        ro.metric_interval_ns = 2'000'000;
        EngineRecorder rec(*engine_, store, ro);
        for (int i = 0; i < 50; ++i) {
            engine_->step(500);
            if (i == 25) {
                engine_->set_policy(ReplacementPolicy::Fifo);
                rec.record_command("set_policy", "fifo");
            }
            std::vector<EngineEvent> events;
            engine_->poll_events(events);
            const SnapshotPtr snap = engine_->snapshot();
            const auto gens = gens_after_events(events, *snap);
            for (size_t k = 0; k < events.size(); ++k)
                truth_[events[k].seq] = gens[k];
            rec.record(events, snap);
        }
        rec.finish("completed");
        final_ = engine_->snapshot();
    }
    void TearDown() override {
        fs::remove(db_);
        fs::remove(db_ + "-wal");
        fs::remove(db_ + "-shm");
    }

    std::string db_;
    std::unique_ptr<RamDevice> dev_;
    std::unique_ptr<Engine> engine_;
    int64_t id_ = 0;
    std::map<uint64_t, uint8_t> truth_;
    SnapshotPtr final_;
};

TEST_F(SessionReplayTest, TimeLineSamplesAndSnapshots) {
    SessionReplay r(db_, id_);
    EXPECT_EQ(r.session().outcome, "completed");
    EXPECT_LT(r.begin_ns(), r.end_ns());
    EXPECT_EQ(r.end_ns(), engine_->clock_ns());
    ASSERT_GE(r.snapshots().size(), 5u);
    ASSERT_GE(r.metrics().size(), 20u);

    // Samples up to a moment: none before the first, all at the end, monotonic between.
    EXPECT_EQ(r.metrics_until(r.metrics().front().clock_ns - 1), 0u);
    EXPECT_EQ(r.metrics_until(r.end_ns()), r.metrics().size());
    const uint64_t mid = (r.begin_ns() + r.end_ns()) / 2;
    const size_t n = r.metrics_until(mid);
    ASSERT_GT(n, 0u);
    EXPECT_LE(r.metrics()[n - 1].clock_ns, mid);
    EXPECT_GT(r.metrics()[n].clock_ns, mid);
    // Capacities come back from the superblock summary, so fill levels can be plotted.
    EXPECT_GT(r.metrics()[0].fifo[0].free_inc_capacity, 0u);
    EXPECT_EQ(r.metrics()[0].fifo[0].free_capacity, engine_->metrics().fifo[0].free_capacity);

    // The nearest snapshot, either side of a moment.
    const auto& s = r.snapshots();
    EXPECT_EQ(r.nearest_snapshot(0), 0u);
    EXPECT_EQ(r.nearest_snapshot(s[2].clock_ns + 1), 2u);
    EXPECT_EQ(r.nearest_snapshot(s[3].clock_ns - 1), 3u);
    EXPECT_EQ(r.nearest_snapshot(UINT64_MAX), s.size() - 1);

    // The last one is the engine's final state, with its geometry filled in.
    const SnapshotPtr last = r.snapshot(s.size() - 1);
    EXPECT_EQ(last->gen, final_->gen);
    EXPECT_EQ(last->prio, final_->prio);
    EXPECT_EQ(last->membership, final_->membership);
    EXPECT_EQ(last->bucket_size, 16u);
    EXPECT_EQ(last->first_bucket, final_->first_bucket);
    EXPECT_EQ(last->policy, ReplacementPolicy::Fifo);
    EXPECT_EQ(r.snapshot(0)->policy, ReplacementPolicy::Lru);
    EXPECT_EQ(r.snapshot(s.size() - 1), last); // cached
}

// Windows anywhere in the run carry the gens the live log showed, whichever snapshot the
// walk starts from.
TEST_F(SessionReplayTest, EventsAroundAMomentCarryTheLiveGens) {
    SessionReplay r(db_, id_);
    size_t checked = 0;
    for (int k = 1; k < 20; ++k) {
        const uint64_t t = r.begin_ns() + (r.end_ns() - r.begin_ns()) * uint64_t(k) / 20;
        const auto w = r.events_around(t, 50, 30);
        ASSERT_TRUE(w.gens_known) << t;
        ASSERT_EQ(w.events.size(), 80u);
        ASSERT_GT(w.at, 0u);
        EXPECT_LE(w.events[w.at - 1].clock_ns, t);
        if (w.at < w.events.size()) {
            EXPECT_GT(w.events[w.at].clock_ns, t);
        }
        for (size_t i = 0; i < w.events.size(); ++i) {
            const EventKind kind = w.events[i].kind;
            if (kind != EventKind::Invalidate && kind != EventKind::Alloc &&
                kind != EventKind::BtreeNodeFree)
                continue;
            ASSERT_EQ(w.gen_after[i], truth_.at(w.events[i].seq)) << "seq " << w.events[i].seq;
            ++checked;
        }
    }
    EXPECT_GT(checked, 500u);

    // Registration's events all happen at clock 0: the window starts at the first event.
    const auto early = r.events_around(0, 50, 30);
    size_t at_zero = 0;
    for (const auto& e : early.events)
        at_zero += e.clock_ns == 0;
    EXPECT_EQ(early.at, at_zero);
    EXPECT_EQ(early.events.front().seq, 0u);
    EXPECT_THROW(SessionReplay(db_, id_ + 5), StoreError);
}

// The premise of both walks: between two snapshots every bucket's gen moved exactly as
// often as the events in between say (bcache_invalidate and bcache_btree_node_free).
TEST_F(SessionReplayTest, EveryGenChangeBetweenSnapshotsHasItsEvent) {
    SessionReader reader(db_);
    const auto snaps = reader.snapshots(id_);
    ASSERT_GE(snaps.size(), 5u);
    size_t bumps = 0, node_frees = 0;
    for (size_t i = 0; i + 1 < snaps.size(); ++i) {
        const auto a = reader.load_snapshot(id_, i);
        const auto b = reader.load_snapshot(id_, i + 1);
        std::map<uint64_t, unsigned> moved;
        for (const auto& e : reader.events(id_, *snaps[i].event_seq,
                                           *snaps[i + 1].event_seq - *snaps[i].event_seq)) {
            const auto k = to_engine_event(e).kind;
            if (k == EventKind::Invalidate || k == EventKind::BtreeNodeFree)
                ++moved[uint64_t(e.bucket)];
            node_frees += k == EventKind::BtreeNodeFree;
        }
        for (uint64_t bucket = 0; bucket < a.gen.size(); ++bucket) {
            ASSERT_EQ(uint8_t(b.gen[bucket] - a.gen[bucket]), uint8_t(moved[bucket]))
                << "bucket " << bucket << " between snapshots " << i << " and " << i + 1;
            bumps += moved[bucket];
        }
    }
    EXPECT_GT(bumps, 100u);
    EXPECT_GT(node_frees, 0u); // the run splits btree nodes
}

} // namespace
} // namespace bucketscope::store
