#pragma once
// The session store: every engine run recorded in SQLite so it can be browsed and replayed.
//
// One SessionStore owns one database file (WAL mode) and one writer thread. The engine side
// only ever calls the record_*() methods, which copy the record into a bounded queue and
// return at once: they never wait for SQLite. When the writer falls behind and the queue is
// full the record is dropped and counted; the count is written into the session row so a
// reader knows the log has gaps. The writer batches whatever is queued into one transaction,
// which is what makes hundreds of thousands of rows per second possible.
//
// Threads: record_*() may be called from any one thread at a time (the engine serialises
// them under its bucket lock); begin/end_session and the readers from the owner's thread.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

namespace SQLite {
class Database;
}

namespace bucketscope::store {

struct SessionInfo {
    std::string device;        // path or "ram:SIZE"
    std::string superblock;    // one-line summary (nbuckets, bucket size, ...)
    std::string options;       // the command line or the GUI's settings, as JSON
    std::string profile;       // "v6.2" / "v4.6"
    std::string tool_version;
    std::string origin;        // "cli" / "gui"
};

struct EventRecord {
    uint64_t clock_ns = 0;
    std::string kind;          // kernel tracepoint name where one exists
    int64_t bucket = -1;
    std::string detail;        // human-readable or JSON
};

struct MetricRecord {
    uint64_t clock_ns = 0;
    std::string name;
    double value = 0;
};

struct CommandRecord {
    uint64_t clock_ns = 0;
    std::string command;       // "set_policy", "trigger_gc", ...
    std::string argument;
};

struct SnapshotRecord {
    uint64_t clock_ns = 0;
    uint64_t nbuckets = 0;
    std::vector<std::byte> raw; // serialised BucketSnapshot fields; compressed on write
};

struct StoreOptions {
    size_t queue_capacity = 1 << 16; // records, all kinds together
};

class StoreError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class SessionStore {
  public:
    // Opens or creates the database and migrates it to the current schema. Throws
    // StoreError naming the file when it cannot be opened, is not a bucketscope database,
    // or was written by a newer schema.
    explicit SessionStore(const std::string& path, StoreOptions opts = {});
    ~SessionStore();
    SessionStore(const SessionStore&) = delete;
    SessionStore& operator=(const SessionStore&) = delete;

    static int schema_version();
    // Where sessions go by default: $BUCKETSCOPE_DB, else $XDG_DATA_HOME/bucketscope/
    // sessions.db, else ~/.local/share/bucketscope/sessions.db.
    static std::string default_path();

    int64_t begin_session(const SessionInfo& info);
    // Flushes everything queued for the session, then records its end and outcome.
    void end_session(const std::string& outcome);

    // Non-blocking; false if the record was dropped because the queue was full.
    bool record_event(EventRecord r);
    bool record_metric(MetricRecord r);
    bool record_command(CommandRecord r);
    bool record_snapshot(SnapshotRecord r);
    // Many events under one lock; returns how many were accepted (the rest are dropped).
    size_t record_events(std::vector<EventRecord>&& batch);

    // Waits until every record queued so far is committed.
    void flush();
    uint64_t dropped() const;
    // The last error the writer met (disk full, read-only), empty if none. The engine
    // keeps running; the GUI and CLI report this.
    std::string last_error() const;

    const std::string& path() const { return path_; }

  private:
    using Record = std::variant<EventRecord, MetricRecord, CommandRecord, SnapshotRecord>;
    bool enqueue(Record r);
    void writer_loop();
    void write_batch(std::vector<Record>& batch);

    std::string path_;
    StoreOptions opts_;
    std::unique_ptr<SQLite::Database> db_;
    int64_t session_ = -1;

    mutable std::mutex mu_;
    std::condition_variable wake_;
    std::condition_variable drained_;
    std::deque<Record> queue_;
    uint64_t enqueued_ = 0;
    uint64_t committed_ = 0;
    uint64_t dropped_ = 0;
    std::string last_error_;
    bool stop_ = false;
    std::thread writer_;
};

} // namespace bucketscope::store
