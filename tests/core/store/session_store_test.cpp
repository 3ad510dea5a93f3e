#include "core/store/event_block.h"
#include "core/store/event_table.h"
#include "core/store/record_rows.h"
#include "core/store/schema.h"
#include "core/store/session_reader.h"
#include "core/store/session_store.h"

#include <SQLiteCpp/Database.h>
#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>

namespace bucketscope::store {
namespace {

namespace fs = std::filesystem;

class SessionStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("bucketscope-store-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        db_ = (dir_ / "sessions.db").string();
    }
    void TearDown() override { fs::remove_all(dir_); }

    static SessionInfo info() {
        return {"ram:64M", "nbuckets=1024 bucket_size=256", R"({"policy":"lru"})", "v6.2", "0.1.0",
                "cli"};
    }

    fs::path dir_;
    std::string db_;
};

EngineEvent event(uint64_t seq, EventKind kind, uint64_t bucket, uint64_t value = 0) {
    EngineEvent e;
    e.seq = seq;
    e.clock_ns = seq * 10;
    e.kind = kind;
    e.bucket = bucket;
    e.value = value;
    e.task = 2;
    return e;
}

TEST_F(SessionStoreTest, RecordsEverythingOfASessionAndReadsItBack) {
    int64_t id = 0;
    {
        SessionStore store(db_);
        id = store.begin_session(info());
        std::vector<EngineEvent> batch = store.event_buffer();
        for (uint64_t i = 0; i < 1000; ++i)
            batch.push_back(event(i, EventKind::Invalidate, i % 7, i * 3));
        batch[5].kind = EventKind::Alloc;
        batch[5].reserve = RESERVE_PRIO;
        EXPECT_EQ(store.record_events(std::move(batch)), 1000u);
        store.record_metric({5, "free_inc", 3.0});
        store.record_command({7, "set_policy", "fifo"});
        store.end_session("completed");
    }
    SessionReader reader(db_);
    const auto rows = reader.list();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].id, id);
    EXPECT_EQ(rows[0].outcome, "completed");
    EXPECT_FALSE(rows[0].ended_at.empty());
    EXPECT_EQ(rows[0].info.device, "ram:64M");
    EXPECT_EQ(rows[0].events, 1000u);
    EXPECT_EQ(rows[0].metrics, 1u);
    EXPECT_EQ(rows[0].commands, 1u);
    EXPECT_EQ(rows[0].dropped, 0u);
    const auto events = reader.events(id);
    ASSERT_EQ(events.size(), 1000u);
    EXPECT_EQ(events[999].seq, 999u);
    EXPECT_EQ(events[999].clock_ns, 9990u);
    EXPECT_EQ(events[999].kind, "bcache_invalidate");
    EXPECT_EQ(events[999].bucket, 999 % 7);
    EXPECT_EQ(events[999].value, 2997u);
    EXPECT_EQ(events[999].task, 2u);
    EXPECT_EQ(events[5].kind, "bcache_alloc");
    EXPECT_EQ(events[5].reserve, RESERVE_PRIO);
    EXPECT_EQ(to_engine_event(events[5]).kind, EventKind::Alloc);
    EXPECT_EQ(reader.events(id, 990, 3).front().seq, 990u);
    EXPECT_EQ(reader.events(id, 990, 3).size(), 3u);
    EXPECT_EQ(reader.commands(id)[0].argument, "fifo");
}

// Event blocks hold every field exactly, whatever the values (deltas wrap), with kinds as
// the database's codes; a block of the wrong size is an error, not a misread.
TEST(EventBlock, PacksAndUnpacksEveryField) {
    std::vector<EngineEvent> events;
    for (uint64_t i = 0; i < 50; ++i) {
        EngineEvent e;
        e.seq = i % 7 == 3 ? UINT64_MAX - i : i * 3;
        e.clock_ns = (i * 2654435761u) % 100000;
        e.bucket = i * 1000003;
        e.value = ~i;
        e.kind = EventKind(i % unsigned(EventKind::Count));
        e.dev = uint8_t(i % 8);
        e.reserve = uint8_t(i % RESERVE_NR);
        e.task = uint8_t(255 - i);
        events.push_back(e);
    }
    KindCodes codes;
    for (size_t k = 0; k < codes.size(); ++k)
        codes[k] = uint8_t(200 + k);
    const auto raw = pack_events(events, codes);
    EXPECT_EQ(raw.size(), events.size() * kPackedEventBytes);
    auto back = unpack_events(raw, events.size());
    ASSERT_EQ(back.size(), events.size());
    for (size_t i = 0; i < events.size(); ++i) {
        EXPECT_EQ(uint8_t(back[i].kind), codes[size_t(events[i].kind)]);
        back[i].kind = events[i].kind;
        EXPECT_EQ(back[i], events[i]) << i;
    }
    EXPECT_THROW(unpack_events(raw, events.size() + 1), std::runtime_error);
}

// The replay's lookup: the last event at or before a clock, by binary search over seq,
// with gaps in seq where the engine's ring dropped events.
TEST_F(SessionStoreTest, FindsTheEventAtAMomentAcrossSeqGaps) {
    int64_t id = 0;
    {
        SessionStore store(db_);
        id = store.begin_session(info());
        std::vector<EngineEvent> batch;
        for (uint64_t i = 0; i < 500; ++i)
            if (i % 7 != 3)                                           // every seventh event lost
                batch.push_back(event(i + 100, EventKind::Alloc, i)); // clock = seq * 10
        store.record_events(std::move(batch));
        store.end_session("completed");
    }
    SessionReader reader(db_);
    EXPECT_EQ(reader.event_at(id, 0), std::nullopt);
    EXPECT_EQ(reader.event_at(id, 999), std::nullopt);
    EXPECT_EQ(reader.event_at(id, 1000), 100u);
    EXPECT_EQ(reader.event_at(id, 1005), 100u);
    EXPECT_EQ(reader.event_at(id, 1030), 102u); // 103 was dropped
    EXPECT_EQ(reader.event_at(id, 1039), 102u);
    EXPECT_EQ(reader.event_at(id, 1040), 104u);
    EXPECT_EQ(reader.event_at(id, 5990), 599u);
    EXPECT_EQ(reader.event_at(id, 1u << 30), 599u);
    EXPECT_EQ(reader.event_at(id + 1, 5000), std::nullopt);
}

TEST_F(SessionStoreTest, MetricSamplesComeBackAsEngineMetrics) {
    EngineMetrics m;
    m.clock_ns = 12345;
    m.allocations = {1, 2, 3, 4};
    m.invalidations = {5, 6, 7};
    m.alloc_waits = 8;
    m.alloc_wait_ns = 9;
    m.gc_runs = 10;
    m.gc_ns = 11;
    m.reads = 40;
    m.read_hits = 10;
    m.fifo.resize(1);
    m.fifo[0].free_used = {12, 13, 14, 15};
    m.fifo[0].free_inc_used = 16;
    int64_t id = 0;
    {
        SessionStore store(db_);
        id = store.begin_session(info());
        store.record_metrics(m);
        m.clock_ns = 20000;
        m.gc_runs = 11;
        store.record_metrics(m);
        store.end_session("completed");
    }
    SessionReader reader(db_);
    const auto samples = reader.metric_samples(id);
    ASSERT_EQ(samples.size(), 2u);
    const EngineMetrics& a = samples[0];
    EXPECT_EQ(a.clock_ns, 12345u);
    EXPECT_EQ(a.allocations, m.allocations);
    EXPECT_EQ(a.invalidations[0], 18u); // the total, under the first policy
    EXPECT_EQ(a.alloc_waits, 8u);
    EXPECT_EQ(a.alloc_wait_ns, 9u);
    EXPECT_EQ(a.gc_runs, 10u);
    EXPECT_EQ(a.reads, 40u);
    EXPECT_EQ(a.read_hits, 10u);
    ASSERT_EQ(a.fifo.size(), 1u);
    EXPECT_EQ(a.fifo[0].free_used, m.fifo[0].free_used);
    EXPECT_EQ(a.fifo[0].free_inc_used, 16u);
    EXPECT_EQ(samples[1].gc_runs, 11u);
    bool saw_hit_ratio = false;
    for (const auto& r : reader.metrics(id))
        if (r.name == "hit_ratio" && r.clock_ns == 12345) {
            saw_hit_ratio = true;
            EXPECT_DOUBLE_EQ(r.value, 0.25);
        }
    EXPECT_TRUE(saw_hit_ratio);
}

TEST_F(SessionStoreTest, SnapshotsAreCompressedAndComeBackExactly) {
    BucketSnapshot s;
    const uint64_t n = 4096;
    s.nbuckets = n;
    for (uint64_t b = 0; b < n; ++b) {
        s.gen.push_back(uint8_t(b * 3));
        s.prio.push_back(uint16_t(b * 11));
        s.mark.push_back(uint8_t(b % 4));
        s.sectors_used.push_back(uint16_t(b % 8192));
        s.pin.push_back(uint16_t(b % 2));
        s.membership.push_back(uint8_t(b % 5));
        s.gc_gen.push_back(uint8_t(b % 97));
    }
    int64_t id = 0;
    {
        SessionStore store(db_);
        id = store.begin_session(info());
        s.clock_ns = 42;
        store.record_snapshot(std::make_shared<BucketSnapshot>(s), 17);
        store.end_session("completed");
    }
    SessionReader reader(db_);
    ASSERT_EQ(reader.snapshots(id).size(), 1u);
    EXPECT_EQ(reader.snapshots(id)[0].event_seq, 17u);
    const auto back = reader.load_snapshot(id, 0);
    EXPECT_EQ(back.clock_ns, 42u);
    EXPECT_EQ(back.gen, s.gen);
    EXPECT_EQ(back.prio, s.prio);
    EXPECT_EQ(back.mark, s.mark);
    EXPECT_EQ(back.sectors_used, s.sectors_used);
    EXPECT_EQ(back.pin, s.pin);
    EXPECT_EQ(back.membership, s.membership);
    EXPECT_EQ(back.gc_gen, s.gc_gen);
    SQLite::Database raw(db_);
    EXPECT_LT(raw.execAndGet("SELECT length(data) FROM snapshots").getInt(),
              raw.execAndGet("SELECT raw_size FROM snapshots").getInt());
}

TEST_F(SessionStoreTest, DropsAreCountedNeverBlockingAndRecorded) {
    StoreOptions opts;
    opts.queue_capacity = 0; // a writer that can never keep up
    int64_t id = 0;
    {
        SessionStore store(db_, opts);
        id = store.begin_session(info());
        for (uint64_t i = 0; i < 10; ++i) {
            std::vector<EngineEvent> batch(10, event(i, EventKind::Alloc, i));
            EXPECT_EQ(store.record_events(std::move(batch)), 0u);
        }
        EXPECT_FALSE(store.record_command({1, "trigger_gc", ""}));
        EXPECT_EQ(store.dropped(), 101u);
        store.end_session("completed");
    }
    SessionReader reader(db_);
    EXPECT_EQ(reader.get(id)->dropped, 101u);
    EXPECT_EQ(reader.get(id)->events, 0u);
}

TEST_F(SessionStoreTest, RefusesADatabaseFromANewerSchema) {
    { SessionStore store(db_); }
    {
        SQLite::Database raw(db_, SQLite::OPEN_READWRITE);
        raw.exec("PRAGMA user_version = 99");
    }
    try {
        SessionStore store(db_);
        FAIL() << "a newer schema was accepted";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(db_), std::string::npos) << e.what();
    }
    EXPECT_THROW(SessionReader{db_}, StoreError);
}

TEST_F(SessionStoreTest, RefusesAnotherApplicationsDatabase) {
    {
        SQLite::Database raw(db_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        raw.exec("CREATE TABLE photos (id INTEGER)");
    }
    EXPECT_THROW(SessionStore{db_}, StoreError);
}

TEST_F(SessionStoreTest, ExportAndPrune) {
    {
        SessionStore store(db_);
        for (int s = 0; s < 3; ++s) {
            store.begin_session(info());
            std::vector<EngineEvent> batch = {event(1, EventKind::GcStart, 0),
                                              event(2, EventKind::Alloc, 77)};
            batch[1].reserve = RESERVE_NONE;
            store.record_events(std::move(batch));
            store.record_metric({2, "hit_ratio", 0.5});
            store.record_command({3, "set_policy", "random, then \"fifo\""});
            store.end_session("completed");
        }
    }
    {
        SessionReader reader(db_);
        std::ostringstream csv, json;
        reader.export_csv(2, csv);
        EXPECT_EQ(csv.str(),
                  "record,clock_ns,name,bucket,value,detail\n"
                  "event,10,bcache_gc_start,0,0,\"{\"\"seq\"\":1,\"\"value\"\":0,\"\"dev\"\":0,"
                  "\"\"task\"\":2}\"\n"
                  "event,20,bcache_alloc,77,0,\"{\"\"seq\"\":2,\"\"value\"\":0,\"\"dev\"\":0,"
                  "\"\"task\"\":2,\"\"reserve\"\":\"\"none\"\"}\"\n"
                  "metric,2,hit_ratio,,0.5,\n"
                  "command,3,set_policy,,,\"random, then \"\"fifo\"\"\"\n");
        reader.export_json(2, json);
        const auto j = nlohmann::json::parse(json.str());
        EXPECT_EQ(j["id"], 2);
        ASSERT_EQ(j["events"].size(), 2u);
        EXPECT_EQ(j["events"][1]["kind"], "bcache_alloc");
        EXPECT_EQ(j["events"][1]["reserve"], "none");
        EXPECT_EQ(j["events"][1]["bucket"], 77);
        EXPECT_EQ(j["commands"][0]["argument"], "random, then \"fifo\"");
        EXPECT_THROW(reader.export_csv(9, csv), StoreError);
    }
    SessionReader writer(db_, true);
    EXPECT_EQ(writer.prune_keep(1), 2u);
    const auto rows = writer.list();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].id, 3);
    SQLite::Database raw(db_);
    EXPECT_EQ(raw.execAndGet("SELECT sum(events) FROM event_blocks").getInt(), 2);
    EXPECT_EQ(raw.execAndGet("SELECT count(*) FROM commands").getInt(), 1);
}

// A database written by schema 1 (events with a JSON detail string) is upgraded in place:
// its events keep their order and gain their fields as columns.
TEST_F(SessionStoreTest, MigratesAVersionOneDatabase) {
    {
        SQLite::Database raw(db_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        migrate(raw, db_.c_str(), 1);
        raw.exec("INSERT INTO sessions (started_at, device, superblock, options, profile, "
                 "tool_version, origin) VALUES ('2026-01-01T00:00:00Z', 'ram:1M', '{}', '{}', "
                 "'v6.2', '0.1.0', 'cli')");
        raw.exec(R"(INSERT INTO events VALUES
            (1, 50, 'bcache_alloc', 9, '{"value":0,"dev":1,"task":3,"reserve":"movinggc"}'),
            (1, 40, 'bcache_invalidate', 4, '{"value":16,"dev":0,"task":0}'),
            (1, 60, 'bcache_gc_start', NULL, 'free text'),
            (1, 70, 'bcache_future_tracepoint', 3, '{"value":1}'))");
        EXPECT_EQ(raw.execAndGet("PRAGMA user_version").getInt(), 1);
    }
    SessionReader reader(db_); // read-only open, upgraded once
    const auto e = reader.events(1);
    ASSERT_EQ(e.size(), 4u);
    EXPECT_EQ(e[0].seq, 0u);
    EXPECT_EQ(e[0].kind, "bcache_alloc"); // write order, not clock order
    EXPECT_EQ(e[0].dev, 1u);
    EXPECT_EQ(e[0].task, 3u);
    EXPECT_EQ(e[0].reserve, RESERVE_MOVINGGC);
    EXPECT_TRUE(e[0].detail.empty());
    EXPECT_EQ(e[1].value, 16u);
    EXPECT_EQ(e[2].bucket, 0);
    EXPECT_EQ(e[2].detail, "free text");
    EXPECT_EQ(e[3].kind, "error"); // a kind this version does not know keeps its name aside
    EXPECT_EQ(e[3].detail, "bcache_future_tracepoint: {\"value\":1}");
    EXPECT_EQ(e[3].seq, 3u);
    SQLite::Database raw(db_);
    EXPECT_EQ(raw.execAndGet("PRAGMA user_version").getInt(), SessionStore::schema_version());
    EXPECT_EQ(raw.execAndGet("PRAGMA integrity_check").getString(), "ok");
}

} // namespace
} // namespace bucketscope::store
