#include "core/store/session_store.h"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "core/store/session_reader.h"
#include "core/store/snapshot_codec.h"

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
        return {"ram:64M", "nbuckets=1024 bucket_size=256", R"({"policy":"lru"})", "v6.2",
                "0.1.0", "cli"};
    }

    fs::path dir_;
    std::string db_;
};

TEST_F(SessionStoreTest, RecordsEverythingOfASessionAndReadsItBack) {
    int64_t id = 0;
    {
        SessionStore store(db_);
        id = store.begin_session(info());
        for (int i = 0; i < 1000; ++i)
            ASSERT_TRUE(store.record_event({uint64_t(i), "bcache_invalidate", i % 7,
                                            "gen 1 to 2"}));
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
    EXPECT_EQ(events[999].clock_ns, 999u);
    EXPECT_EQ(events[999].bucket, 999 % 7);
    EXPECT_EQ(reader.commands(id)[0].argument, "fifo");
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
        store.record_snapshot({42, n, serialise_buckets(s)});
        store.end_session("completed");
    }
    SessionReader reader(db_);
    ASSERT_EQ(reader.snapshots(id).size(), 1u);
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
        for (int i = 0; i < 100; ++i)
            EXPECT_FALSE(store.record_event({uint64_t(i), "bcache_alloc", i, ""}));
        EXPECT_EQ(store.dropped(), 100u);
        store.end_session("completed");
    }
    SessionReader reader(db_);
    EXPECT_EQ(reader.get(id)->dropped, 100u);
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
            store.record_event({1, "bcache_gc_start", -1, "with \"quotes\", commas"});
            store.record_metric({2, "hit_ratio", 0.5});
            store.end_session("completed");
        }
    }
    {
        SessionReader reader(db_);
        std::ostringstream csv, json;
        reader.export_csv(2, csv);
        EXPECT_EQ(csv.str(), "record,clock_ns,name,bucket,value,detail\n"
                             "event,1,bcache_gc_start,,,\"with \"\"quotes\"\", commas\"\n"
                             "metric,2,hit_ratio,,0.5,\n");
        reader.export_json(2, json);
        EXPECT_NE(json.str().find("\"kind\": \"bcache_gc_start\""), std::string::npos);
        EXPECT_THROW(reader.export_csv(9, csv), StoreError);
    }
    SessionReader writer(db_, true);
    EXPECT_EQ(writer.prune_keep(1), 2u);
    const auto rows = writer.list();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].id, 3);
    SQLite::Database raw(db_);
    EXPECT_EQ(raw.execAndGet("SELECT count(*) FROM events").getInt(), 1);
}

// A process killed while logging leaves a database that passes integrity_check and holds
// at least everything it had flushed before the kill.
TEST_F(SessionStoreTest, SurvivesSigkillWhileLogging) {
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(ready[0]);
        SessionStore store(db_);
        store.begin_session(info());
        for (uint64_t i = 0;; ++i) {
            store.record_event({i, "bcache_alloc", int64_t(i), "x"});
            if (i == 5000) {
                store.flush();
                const char c = 'k';
                [[maybe_unused]] auto n = ::write(ready[1], &c, 1);
            }
        }
    }
    ::close(ready[1]);
    char c = 0;
    ASSERT_EQ(::read(ready[0], &c, 1), 1);
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ::close(ready[0]);

    SQLite::Database raw(db_, SQLite::OPEN_READWRITE);
    EXPECT_EQ(raw.execAndGet("PRAGMA integrity_check").getString(), "ok");
    EXPECT_GE(raw.execAndGet("SELECT count(*) FROM events").getInt(), 5001);
    SessionReader reader(db_);
    ASSERT_EQ(reader.list().size(), 1u);
    EXPECT_TRUE(reader.list()[0].ended_at.empty()); // it never ended
}

} // namespace
} // namespace bucketscope::store
