// The CLI end to end: `sim` records a session by default, `sessions` reads it back.
#include <SQLiteCpp/Database.h>
#include <array>
#include <cstdio>
#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

struct Run {
    int status = -1;
    std::string out;
};

Run run(const std::string& args) {
    Run r;
    const std::string cmd = std::string(BUCKETSCOPE_CLI) + " " + args + " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    std::array<char, 4096> buf{};
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0)
        r.out.append(buf.data(), n);
    r.status = WEXITSTATUS(::pclose(p));
    return r;
}

TEST(CliSessions, SimRecordsASessionThatSessionsShowsAndExports) {
    const auto db = (fs::temp_directory_path() /
                     ("bucketscope-cli-sessions-" + std::to_string(::getpid()) + ".db"))
                        .string();
    fs::remove(db);
    const auto sim = run("sim --buckets 1088 --policy lru --seed 4 --steps 20000 --db " + db);
    ASSERT_EQ(sim.status, 0) << sim.out;

    const auto list = run("sessions --db " + db + " list");
    ASSERT_EQ(list.status, 0) << list.out;
    EXPECT_NE(list.out.find("completed\tcli\tv6.2"), std::string::npos) << list.out;

    const auto show = run("sessions --db " + db + " show 1");
    ASSERT_EQ(show.status, 0) << show.out;
    EXPECT_NE(show.out.find("\"policy\":\"lru\""), std::string::npos) << show.out;

    const auto csv = run("sessions --db " + db + " export 1 --csv");
    ASSERT_EQ(csv.status, 0);
    EXPECT_EQ(csv.out.rfind("record,clock_ns,name,bucket,value,detail\n", 0), 0u);
    EXPECT_NE(csv.out.find("event,"), std::string::npos);

    EXPECT_EQ(run("sessions --db " + db + " show 7").status, 1);
    const auto pruned = run("sessions --db " + db + " prune --id 1");
    EXPECT_EQ(pruned.status, 0) << pruned.out;
    EXPECT_NE(pruned.out.find("pruned 1 session"), std::string::npos) << pruned.out;
    EXPECT_NE(run("sessions --db " + db + " prune").status, 0); // says which option it needs

    const auto off = run("sim --buckets 1088 --policy lru --seed 4 --steps 2000 --no-record "
                         "--db " +
                         db);
    ASSERT_EQ(off.status, 0);
    EXPECT_EQ(run("sessions --db " + db + " list").out.find("\n1\t"), std::string::npos);
    fs::remove(db);
    fs::remove(db + "-wal");
    fs::remove(db + "-shm");
}

// --snapshot-interval reaches the recorder (whose spacing on the engine clock
// engine_recorder_test checks): 0 keeps only the last snapshot, a short interval more.
TEST(CliSessions, SnapshotIntervalReachesTheRecorder) {
    const auto db = (fs::temp_directory_path() /
                     ("bucketscope-cli-interval-" + std::to_string(::getpid()) + ".db"))
                        .string();
    fs::remove(db);
    const std::string sim = "sim --buckets 1088 --seed 2 --steps 10000 --db " + db;
    ASSERT_EQ(run(sim + " --snapshot-interval 0.05").status, 0);
    ASSERT_EQ(run(sim + " --snapshot-interval 0").status, 0);
    EXPECT_NE(run(sim + " --snapshot-interval -1").status, 0);
    const auto json1 = run("sessions --db " + db + " export 1 --json");
    const auto json2 = run("sessions --db " + db + " export 2 --json");
    ASSERT_EQ(json1.status, 0);
    const auto j1 = nlohmann::json::parse(json1.out);
    const auto j2 = nlohmann::json::parse(json2.out);
    EXPECT_GE(j1["snapshots"].size(), 2u);
    EXPECT_EQ(j2["snapshots"].size(), 1u);
    EXPECT_NE(j1["options"].get<std::string>().find("\"snapshot_interval\":0.05"),
              std::string::npos);
    fs::remove(db);
    fs::remove(db + "-wal");
    fs::remove(db + "-shm");
}

// replay records like run and sim, and recording changes nothing it prints.
TEST(CliSessions, ReplayRecordsASessionAndPrintsWhatAnUnrecordedOnePrints) {
    const auto dir = fs::temp_directory_path() / ("bucketscope-cli-replay-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string db = (dir / "sessions.db").string();
    const std::string replay =
        "replay ram:96M -b 64K --workload zipf:alpha=0.9,span=256M,read=70,requests=5000 --json ";
    const auto recorded = run(replay + "--db " + db);
    ASSERT_EQ(recorded.status, 0) << recorded.out;
    const auto plain = run(replay + "--no-record --db " + db);
    ASSERT_EQ(plain.status, 0);
    EXPECT_EQ(recorded.out, plain.out);
    const auto list = run("sessions --db " + db + " list");
    ASSERT_EQ(list.status, 0) << list.out;
    EXPECT_NE(list.out.find("completed\tcli\tv6.2\tram:96M"), std::string::npos) << list.out;
    EXPECT_EQ(list.out.find("\n2\t"), std::string::npos) << "--no-record recorded nothing";
    const auto exported = run("sessions --db " + db + " export 1 --json");
    ASSERT_EQ(exported.status, 0);
    const auto j = nlohmann::json::parse(exported.out);
    EXPECT_GT(j["events"].size(), 1000u);
    EXPECT_EQ(j["dropped"], 0) << "the ring is drained after every slice";
    EXPECT_GE(j["snapshots"].size(), 1u);
    EXPECT_NE(j["options"].get<std::string>().find("\"workload\":\"zipf:alpha=0.9"), std::string::npos);
    fs::remove_all(dir);
}

// A database from a newer bucketscope: sessions refuses to read it and sim runs without
// recording, both saying why.
TEST(CliSessions, ANewerDatabaseIsRefusedWithAClearMessage) {
    const auto db = (fs::temp_directory_path() /
                     ("bucketscope-cli-newer-" + std::to_string(::getpid()) + ".db"))
                        .string();
    fs::remove(db);
    ASSERT_EQ(run("sim --buckets 1088 --steps 1000 --db " + db).status, 0);
    {
        SQLite::Database raw(db, SQLite::OPEN_READWRITE);
        raw.exec("PRAGMA user_version = 42");
    }
    const auto list = run("sessions --db " + db + " list");
    EXPECT_EQ(list.status, 1);
    EXPECT_NE(list.out.find(db + ": written by a newer bucketscope (schema 42"), std::string::npos)
        << list.out;
    const auto sim = run("sim --buckets 1088 --steps 1000 --db " + db);
    EXPECT_EQ(sim.status, 0);
    EXPECT_NE(sim.out.find("sim: not recording this session: " + db + ": written by a newer"),
              std::string::npos)
        << sim.out;
    fs::remove(db);
}

TEST(CliSessions, MissingDatabaseIsAClearError) {
    const auto r = run("sessions --db /nonexistent/dir/x.db list");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.out.find("/nonexistent/dir/x.db"), std::string::npos) << r.out;
}

// A file with the current schema version but without one of its tables is refused with
// the table's name, by the reader and by a run that would record into it.
TEST(CliSessions, ADatabaseMissingATableIsNamedNotQueried) {
    const auto db = (fs::temp_directory_path() /
                     ("bucketscope-cli-damaged-" + std::to_string(::getpid()) + ".db"))
                        .string();
    fs::remove(db);
    ASSERT_EQ(run("sim --buckets 1088 --seed 4 --steps 2000 --db " + db).status, 0);
    {
        SQLite::Database d(db, SQLite::OPEN_READWRITE);
        d.exec("DROP TABLE event_blocks");
    }
    const auto list = run("sessions --db " + db + " list");
    EXPECT_EQ(list.status, 1);
    EXPECT_NE(list.out.find("table event_blocks is missing"), std::string::npos) << list.out;
    const auto sim = run("sim --buckets 1088 --seed 4 --steps 2000 --db " + db);
    EXPECT_EQ(sim.status, 0) << "recording never decides whether a run succeeds";
    EXPECT_NE(sim.out.find("not recording"), std::string::npos) << sim.out;
    fs::remove(db);
    fs::remove(db + "-wal");
    fs::remove(db + "-shm");
}

} // namespace

// `run` on an image file records its session like sim does: the image as the device and
// the outcome of the run.
TEST(CliSessions, RunOnAnImageRecordsASession) {
    const auto dir = fs::temp_directory_path() / ("bucketscope-cli-run-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string db = (dir / "sessions.db").string();
    const std::string img = (dir / "cache.img").string();
    const auto fmt = run("format " + img + " --size 64M --bucket-size 64K --block-size 4K");
    ASSERT_EQ(fmt.status, 0) << fmt.out;
    const auto r = run("run " + img + " --ops 200 --seed 3 --db " + db);
    ASSERT_EQ(r.status, 0) << r.out;
    const auto list = run("sessions --db " + db + " list");
    ASSERT_EQ(list.status, 0) << list.out;
    EXPECT_NE(list.out.find("completed\tcli\tv6.2"), std::string::npos) << list.out;
    const auto show = run("sessions --db " + db + " show 1");
    ASSERT_EQ(show.status, 0) << show.out;
    EXPECT_NE(show.out.find(img), std::string::npos) << show.out;
    EXPECT_NE(show.out.find("\"ops\":200"), std::string::npos) << show.out;
    EXPECT_EQ(run("run " + img + " --ops 10 --no-record --db " + db).status, 0);
    EXPECT_EQ(run("sessions --db " + db + " list").out.find("\n2\t"), std::string::npos);
    fs::remove_all(dir);
}
