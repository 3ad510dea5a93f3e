// The session store when things go wrong: the process killed mid-run, a disk that fills
// up, a database on a read-only filesystem. In each the engine must run on unharmed and
// what was committed must stay a valid database.
//
// The full and read-only disks are real: a small tmpfs mounted in a private mount
// namespace (so nothing leaks into the machine's mounts), which needs root. Without it the
// tests skip and say so.
#include "core/device/ram_device.h"
#include "core/store/engine_recorder.h"
#include "core/store/session_reader.h"

#include <SQLiteCpp/Database.h>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bucketscope::store {
namespace {

namespace fs = std::filesystem;

EngineOptions small_engine() {
    EngineOptions o;
    o.geometry.nbuckets = 2048;
    o.geometry.bucket_size = 16;
    o.geometry.block_size = 8;
    o.seed = 5;
    return o;
}

uint64_t mono_ns() {
    return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now().time_since_epoch())
                        .count());
}

fs::path scratch_dir() {
    const auto d = fs::temp_directory_path() /
                   ("bucketscope-robust-" + std::to_string(::getpid()) + "-" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

// What the child reports after each pump, through memory shared across fork().
struct PumpLog {
    static constexpr size_t kEntries = 1 << 14;
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> store_dropped{0};
    struct Entry {
        std::atomic<uint64_t> mono_ns{0};
        std::atomic<uint64_t> events{0}; // events handed to the store so far
    };
    std::array<Entry, kEntries> entries;
};

// Issue 6: a SIGKILL while logging loses at most the last second. The child records a
// real engine run; after every pump it notes when and how many events it had handed to
// the store. Whatever it had handed over a second before the kill must be in the file.
TEST(StoreRobustness, SigkillWhileLoggingLosesAtMostTheLastSecond) {
    const auto dir = scratch_dir();
    const auto db = (dir / "sessions.db").string();
    void* shared =
        ::mmap(nullptr, sizeof(PumpLog), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(shared, MAP_FAILED);
    auto* log = new (shared) PumpLog;
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);

    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(ready[0]);
        const auto o = small_engine();
        RamDevice dev(o.geometry.nbuckets * (uint64_t(o.geometry.bucket_size) << 9));
        std::string why;
        auto engine = Engine::create({&dev}, o, &why);
        if (!engine)
            ::_exit(2);
        // A queue deep enough that a busy machine cannot make it drop: the test is about
        // what a kill loses, not what an overloaded writer sheds.
        StoreOptions so;
        so.queue_capacity = size_t(1) << 24;
        SessionStore store(db, so);
        store.begin_session(describe_session(*engine, dev.name(), "{}", "test"));
        EngineRecorder rec(*engine, store);
        const uint64_t start = mono_ns();
        bool told = false;
        uint64_t events = 0;
        for (;;) {
            if (engine->step(1000) == 0)
                ::_exit(3);
            events += rec.pump();
            const uint64_t i = log->count.load(std::memory_order_relaxed);
            auto& e = log->entries[i % PumpLog::kEntries];
            e.events.store(events, std::memory_order_relaxed);
            e.mono_ns.store(mono_ns(), std::memory_order_relaxed);
            log->store_dropped.store(store.dropped() + engine->events_dropped(),
                                     std::memory_order_relaxed);
            log->count.store(i + 1, std::memory_order_release);
            // After 1.5 s of logging there is a second of history to check against.
            if (!told && mono_ns() - start > 1'500'000'000) {
                const char c = 'k';
                [[maybe_unused]] auto n = ::write(ready[1], &c, 1);
                told = true;
            }
        }
    }
    ::close(ready[1]);
    char c = 0;
    ASSERT_EQ(::read(ready[0], &c, 1), 1);
    ::kill(child, SIGKILL);
    const uint64_t killed_at = mono_ns();
    int status = 0;
    ::waitpid(child, &status, 0);
    ::close(ready[0]);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child ended on its own: status " << status;

    // The last pump at least a second before the kill.
    const uint64_t n = log->count.load(std::memory_order_acquire);
    ASSERT_GT(n, 0u);
    uint64_t owed = 0;
    uint64_t last_events = 0;
    for (uint64_t i = n; i-- > 0 && n - i <= PumpLog::kEntries;) {
        const auto& e = log->entries[i % PumpLog::kEntries];
        if (i == n - 1)
            last_events = e.events.load();
        if (e.mono_ns.load() + 1'000'000'000 <= killed_at) {
            owed = e.events.load();
            break;
        }
    }
    ASSERT_GT(owed, 0u) << "no pump a second before the kill among the last " << n;
    ASSERT_EQ(log->store_dropped.load(), 0u) << "records were dropped, the bound is moot";

    SQLite::Database raw(db, SQLite::OPEN_READWRITE);
    EXPECT_EQ(raw.execAndGet("PRAGMA integrity_check").getString(), "ok");
    const int64_t kept = raw.execAndGet("SELECT sum(events) FROM event_blocks").getInt64();
    EXPECT_GE(uint64_t(kept), owed) << "events handed over a second before the kill are lost ("
                                    << last_events << " handed over in all, " << n << " pumps)";
    EXPECT_EQ(raw.execAndGet("SELECT max(last_seq) + 1 FROM event_blocks").getInt64(), kept)
        << "what survived has gaps";
    SessionReader reader(db);
    ASSERT_EQ(reader.list().size(), 1u);
    EXPECT_TRUE(reader.list()[0].ended_at.empty()); // it never ended
    ::munmap(shared, sizeof(PumpLog));
    fs::remove_all(dir);
}

// A tmpfs of `size` on a fresh directory, mounted in this process's own mount namespace
// (ctest runs each test in its own process). Empty path when that is not possible.
class SmallDisk {
  public:
    explicit SmallDisk(const char* size) {
        dir_ = scratch_dir() / "mnt";
        fs::create_directories(dir_);
        if (::unshare(CLONE_NEWNS) != 0) {
            why_ = std::string("unshare(CLONE_NEWNS): ") + std::strerror(errno);
            return;
        }
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
            ::mount("tmpfs", dir_.c_str(), "tmpfs", 0, (std::string("size=") + size).c_str()) !=
                0) {
            why_ = std::string("mount tmpfs: ") + std::strerror(errno);
            return;
        }
        mounted_ = true;
    }
    ~SmallDisk() {
        if (mounted_)
            ::umount2(dir_.c_str(), MNT_DETACH);
        fs::remove_all(dir_.parent_path());
    }
    bool mounted() const { return mounted_; }
    const std::string& why() const { return why_; }
    const fs::path& dir() const { return dir_; }
    bool remount_read_only() {
        return ::mount(nullptr, dir_.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr) == 0;
    }

  private:
    fs::path dir_;
    bool mounted_ = false;
    std::string why_;
};

#define REQUIRE_SMALL_DISK(disk)                                                                   \
    if (!(disk).mounted())                                                                         \
    GTEST_SKIP() << "needs root to mount a small tmpfs (" << (disk).why() << ")"

// The counters of a run of `steps` on the small engine, recorded into `store` or not.
EngineMetrics run_engine(uint64_t steps, SessionStore* store) {
    const auto o = small_engine();
    RamDevice dev(o.geometry.nbuckets * (uint64_t(o.geometry.bucket_size) << 9));
    std::string why;
    auto engine = Engine::create({&dev}, o, &why);
    EXPECT_TRUE(engine) << why;
    std::unique_ptr<EngineRecorder> rec;
    if (store) {
        store->begin_session(describe_session(*engine, dev.name(), "{}", "test"));
        RecorderOptions ro;
        ro.snapshot_interval_ns = 10'000'000;
        rec = std::make_unique<EngineRecorder>(*engine, *store, ro);
    }
    for (uint64_t ran = 0; ran < steps; ran += 1000) {
        EXPECT_EQ(engine->step(1000), 1000u);
        if (rec)
            rec->pump();
    }
    if (rec)
        rec->finish("completed");
    return engine->metrics();
}

void expect_same_run(const EngineMetrics& a, const EngineMetrics& b) {
    EXPECT_EQ(a.clock_ns, b.clock_ns);
    EXPECT_EQ(a.steps, b.steps);
    EXPECT_EQ(a.allocations, b.allocations);
    EXPECT_EQ(a.invalidations, b.invalidations);
    EXPECT_EQ(a.gc_runs, b.gc_runs);
}

// The disk fills up while recording: every failed write is reported and counted, the
// engine runs to the end exactly as it would unrecorded, and the file stays valid.
TEST(StoreRobustness, AFullDiskIsReportedAndTheEngineRunsOn) {
    SmallDisk disk("128k");
    REQUIRE_SMALL_DISK(disk);
    const auto db = (disk.dir() / "sessions.db").string();
    constexpr uint64_t kSteps = 40'000;
    const EngineMetrics unrecorded = run_engine(kSteps, nullptr);
    EngineMetrics recorded;
    {
        SessionStore store(db);
        recorded = run_engine(kSteps, &store);
        EXPECT_GT(store.error_count(), 0u);
        EXPECT_NE(store.last_error().find("full"), std::string::npos) << store.last_error();
        EXPECT_NE(store.last_error().find(db), std::string::npos) << store.last_error();
        EXPECT_GT(store.dropped(), 0u);
    }
    expect_same_run(recorded, unrecorded);
    SQLite::Database raw(db, SQLite::OPEN_READONLY);
    EXPECT_EQ(raw.execAndGet("PRAGMA integrity_check").getString(), "ok");
    // What made it reads back whole: every block decodes.
    SessionReader reader(db);
    const auto rows = reader.list();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(reader.events(rows[0].id).size(), rows[0].events);
}

// The same through the CLI: sim says the log is incomplete and prints exactly what an
// unrecorded run prints, with a zero exit status.
TEST(StoreRobustness, SimOnAFullDiskReportsAndPrintsTheSameCounters) {
    SmallDisk disk("128k");
    REQUIRE_SMALL_DISK(disk);
    const auto db = (disk.dir() / "sessions.db").string();
    const std::string sim = std::string(BUCKETSCOPE_CLI) +
                            " sim --buckets 2048 --bucket-size 16 --seed 5 --steps 40000 ";
    auto run = [](const std::string& cmd, std::string* err) {
        const std::string errfile =
            (fs::temp_directory_path() / ("bucketscope-robust-err-" + std::to_string(::getpid())))
                .string();
        FILE* p = ::popen((cmd + " 2>" + errfile).c_str(), "r");
        std::string out;
        std::array<char, 4096> buf{};
        size_t n;
        while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0)
            out.append(buf.data(), n);
        const int status = WEXITSTATUS(::pclose(p));
        if (err) {
            FILE* f = std::fopen(errfile.c_str(), "r");
            while (f && (n = std::fread(buf.data(), 1, buf.size(), f)) > 0)
                err->append(buf.data(), n);
            if (f)
                std::fclose(f);
        }
        fs::remove(errfile);
        return std::pair{status, out};
    };
    std::string err;
    const auto recorded = run(sim + "--snapshot-interval 0.001 --db " + db, &err);
    const auto unrecorded = run(sim + "--no-record", nullptr);
    EXPECT_EQ(recorded.first, 0) << err;
    EXPECT_EQ(recorded.second, unrecorded.second);
    EXPECT_NE(err.find("session log incomplete"), std::string::npos) << err;
    EXPECT_NE(err.find("full"), std::string::npos) << err;
}

// A database on a read-only filesystem is refused at open with a message that says so;
// the CLI then runs unrecorded.
TEST(StoreRobustness, AReadOnlyDatabaseIsRefusedWithAClearMessage) {
    SmallDisk disk("4m");
    REQUIRE_SMALL_DISK(disk);
    const auto db = (disk.dir() / "sessions.db").string();
    {
        SessionStore store(db);
        store.begin_session({"ram:1M", "{}", "{}", "v6.2", "0", "test"});
        store.end_session("completed");
    }
    ASSERT_TRUE(disk.remount_read_only()) << std::strerror(errno);
    try {
        SessionStore store(db);
        FAIL() << "a database on a read-only filesystem was opened for recording";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find(db), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("read-only"), std::string::npos) << e.what();
    }
    // A new file in the read-only directory cannot even be created.
    EXPECT_THROW(SessionStore((disk.dir() / "other.db").string()), StoreError);

    const std::string cmd =
        std::string(BUCKETSCOPE_CLI) + " sim --buckets 1088 --steps 2000 --db " + db + " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    std::string out;
    std::array<char, 4096> buf{};
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0)
        out.append(buf.data(), n);
    EXPECT_EQ(WEXITSTATUS(::pclose(p)), 0) << out;
    EXPECT_NE(out.find("sim: not recording this session: " + db), std::string::npos) << out;
    EXPECT_NE(out.find("read-only"), std::string::npos) << out;
}

} // namespace
} // namespace bucketscope::store
