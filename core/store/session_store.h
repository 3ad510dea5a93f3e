#pragma once
// The session store: every engine run recorded in SQLite so it can be browsed and replayed.
//
// One SessionStore owns one database file (WAL mode) and one writer thread. The engine side
// only ever calls the record_*() methods, which move the record into a bounded queue and
// return at once: they never wait for SQLite. They take the engine's own structs (a batch
// of EngineEvents, an EngineMetrics copy, a snapshot pointer) and the writer thread turns
// them into rows, so recording costs the engine one lock per batch and no formatting.
// When the writer falls behind and the queue is full the record is dropped and counted;
// the count is written into the session row so a reader knows the log has gaps. The writer
// batches whatever is queued into one transaction, which is what makes hundreds of
// thousands of rows per second possible.
//
// Threads: record_*() may be called from any one thread at a time; begin/end_session from
// the owner's thread. Readers use their own connection (SessionReader).

#include "core/engine/events.h"
#include "core/engine/metrics.h"
#include "core/engine/snapshot.h"

#include <condition_variable>
#include <cstdint>
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
    std::string device;     // path or "ram:SIZE"
    std::string superblock; // one-line summary (nbuckets, bucket size, ...)
    std::string options;    // the command line or the GUI's settings, as JSON
    std::string profile;    // "v6.2" / "v4.6"
    std::string tool_version;
    std::string origin; // "cli" / "gui"
};

// One stored engine event as a reader sees it: the EngineEvent's fields, the kind by its
// tracepoint name, and for an event migrated from schema 1 whatever text its row carried
// that the fields cannot hold.
struct EventRecord {
    uint64_t seq = 0; // the engine's event number: gaps are events its ring dropped
    uint64_t clock_ns = 0;
    std::string kind; // kernel tracepoint name where one exists
    int64_t bucket = 0;
    uint64_t value = 0;
    uint8_t dev = 0;
    uint8_t reserve = 0;
    uint8_t task = 0;
    std::string detail; // version-1 rows only
};

struct MetricRecord {
    uint64_t clock_ns = 0;
    std::string name;
    double value = 0;
};

struct CommandRecord {
    uint64_t clock_ns = 0;
    std::string command; // "set_policy", "trigger_gc", ...
    std::string argument;
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
    // StoreError naming the file when it cannot be opened or written, is not a
    // bucketscope database, or was written by a newer schema.
    explicit SessionStore(const std::string& path, StoreOptions opts = {});
    ~SessionStore();
    SessionStore(const SessionStore&) = delete;
    SessionStore& operator=(const SessionStore&) = delete;

    static int schema_version();
    // Where sessions go by default: $BUCKETSCOPE_DB, else $XDG_DATA_HOME/bucketscope/
    // sessions.db, else ~/.local/share/bucketscope/sessions.db.
    static std::string default_path();

    // Throws StoreError when the row cannot be written (read-only or full disk).
    int64_t begin_session(const SessionInfo& info);
    // Flushes everything queued for the session, then records its end, its outcome and
    // `extra_dropped` more lost records (the engine ring's drops). Never throws: a failure
    // is kept in last_error().
    void end_session(const std::string& outcome, uint64_t extra_dropped = 0);
    int64_t session() const;

    // --- the engine side: none of these waits for SQLite ---------------------------------
    // An empty vector with room, recycled from batches already written.
    std::vector<EngineEvent> event_buffer();
    // Takes the batch whole; returns how many of its events were accepted, the rest (from
    // the end) are dropped and counted.
    size_t record_events(std::vector<EngineEvent>&& batch);
    // One sample of every counter of metric_fields() at m.clock_ns.
    bool record_metrics(const EngineMetrics& m);
    bool record_metric(MetricRecord r);
    bool record_command(CommandRecord r);
    // Serialised and compressed on the writer thread. `event_seq` is the seq of the first
    // event emitted after the snapshot was taken.
    bool record_snapshot(SnapshotPtr s, uint64_t event_seq);

    // Waits until every record queued so far is committed (or failed).
    void flush();
    uint64_t dropped() const;
    // The last error the writer met (disk full, read-only), empty if none, and how many
    // writes have failed so far (so a poller sees a new failure of the same kind). The
    // engine keeps running; the GUI and CLI report this.
    std::string last_error() const;
    uint64_t error_count() const;

    const std::string& path() const { return path_; }

  private:
    struct EventBatch {
        std::vector<EngineEvent> events;
    };
    struct MetricsSample {
        std::unique_ptr<const EngineMetrics> metrics; // keeps the queue's entries small
    };
    struct SnapshotSample {
        SnapshotPtr snapshot;
        uint64_t event_seq;
    };
    using Record =
        std::variant<EventBatch, MetricsSample, MetricRecord, CommandRecord, SnapshotSample>;
    struct Statements;

    bool enqueue(Record r);
    void writer_loop();
    void write_batch(std::vector<Record>& batch, int64_t session);
    void note_error(const std::string& what, uint64_t lost);

    std::string path_;
    StoreOptions opts_;
    // The connection is opened without SQLite's own mutex: db_mu_ gives the writer thread
    // and begin/end_session turns, and nothing else touches it.
    std::mutex db_mu_;
    std::unique_ptr<SQLite::Database> db_;
    std::unique_ptr<Statements> stmts_;

    mutable std::mutex mu_;
    std::condition_variable wake_;
    std::condition_variable drained_;
    std::vector<Record> queue_;
    std::vector<std::vector<EngineEvent>> spare_;
    int64_t session_ = -1;
    uint64_t queued_units_ = 0; // events count one each, other records one each
    uint64_t enqueued_ = 0;
    uint64_t committed_ = 0;
    uint64_t dropped_ = 0;
    uint64_t errors_ = 0;
    std::string last_error_;
    bool stop_ = false;
    std::thread writer_;
};

} // namespace bucketscope::store
