#include "core/store/session_store.h"

#include "core/store/event_table.h"
#include "core/store/record_rows.h"
#include "core/store/schema.h"
#include "core/store/snapshot_codec.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <sqlite3.h>

namespace bucketscope::store {
namespace {

std::string utc_now() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::unique_ptr<SQLite::Database> open_database(const std::string& path) {
    try {
        auto db = std::make_unique<SQLite::Database>(
            path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX);
        // SQLite opens a write-protected file read-only without complaint; a store that
        // cannot write must say so now, not at the first insert.
        if (sqlite3_db_readonly(db->getHandle(), "main") == 1)
            throw StoreError(path + ": cannot record sessions: the database is read-only");
        db->setBusyTimeout(5000);
        db->exec("PRAGMA journal_mode = WAL");
        // NORMAL in WAL mode loses at most the last transactions on power loss and never
        // corrupts the file, which is the trade the issue asks for (at most ~1 s lost).
        db->exec("PRAGMA synchronous = NORMAL");
        // Every row this connection writes belongs to the session it just created, so the
        // parent lookup SQLite would make per inserted event is skipped; pruning (in
        // SessionReader) turns the keys on for its cascading deletes.
        db->exec("PRAGMA foreign_keys = OFF");
        migrate(*db, path.c_str());
        return db;
    } catch (const SQLite::Exception& e) {
        throw StoreError(path + ": cannot open session database: " + e.what());
    }
}

} // namespace

// Prepared once: re-preparing per batch showed in the writer's profile.
struct SessionStore::Statements {
    explicit Statements(SQLite::Database& db)
        : events(db), metric(db, "INSERT INTO metrics VALUES (?, ?, ?, ?)"),
          command(db, "INSERT INTO commands VALUES (?, ?, ?, ?)"),
          snapshot(db, "INSERT INTO snapshots (session_id, clock_ns, nbuckets, codec, "
                       "raw_size, data, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?)") {}
    // After a failed step a statement must be reset before it can be bound again.
    void reset_all() {
        events.reset();
        for (auto* q : {&metric, &command, &snapshot}) {
            q->tryReset();
            q->clearBindings();
        }
    }
    BlockWriter events;
    SQLite::Statement metric, command, snapshot;
};

int SessionStore::schema_version() {
    return current_schema_version();
}

std::string SessionStore::default_path() {
    if (const char* p = std::getenv("BUCKETSCOPE_DB"); p && *p)
        return p;
    std::filesystem::path base;
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x)
        base = x;
    else if (const char* h = std::getenv("HOME"); h && *h)
        base = std::filesystem::path(h) / ".local" / "share";
    else
        base = std::filesystem::temp_directory_path();
    return (base / "bucketscope" / "sessions.db").string();
}

SessionStore::SessionStore(const std::string& path, StoreOptions opts) : path_(path), opts_(opts) {
    const auto parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty())
        std::filesystem::create_directories(parent, ec);
    db_ = open_database(path);
    try {
        stmts_ = std::make_unique<Statements>(*db_);
    } catch (const SQLite::Exception& e) {
        throw StoreError(path + ": not a session database this version can write: " + e.what());
    }
    writer_ = std::thread([this] { writer_loop(); });
}

SessionStore::~SessionStore() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    wake_.notify_all();
    writer_.join();
    stmts_.reset();
}

int64_t SessionStore::begin_session(const SessionInfo& info) {
    flush();
    std::lock_guard db_lock(db_mu_);
    try {
        SQLite::Statement insert(*db_, "INSERT INTO sessions (started_at, device, superblock, "
                                       "options, profile, tool_version, origin) "
                                       "VALUES (?, ?, ?, ?, ?, ?, ?)");
        insert.bind(1, utc_now());
        insert.bind(2, info.device);
        insert.bind(3, info.superblock);
        insert.bind(4, info.options);
        insert.bind(5, info.profile);
        insert.bind(6, info.tool_version);
        insert.bind(7, info.origin);
        insert.exec();
    } catch (const SQLite::Exception& e) {
        throw StoreError(path_ + ": cannot start a session: " + e.what());
    }
    std::lock_guard lock(mu_);
    session_ = db_->getLastInsertRowid();
    dropped_ = 0;
    return session_;
}

void SessionStore::end_session(const std::string& outcome, uint64_t extra_dropped) {
    flush();
    std::lock_guard db_lock(db_mu_);
    int64_t session;
    uint64_t dropped;
    {
        std::lock_guard lock(mu_);
        session = session_;
        dropped_ += extra_dropped;
        dropped = dropped_;
        session_ = -1;
    }
    if (session < 0)
        return;
    try {
        SQLite::Statement update(
            *db_, "UPDATE sessions SET ended_at = ?, outcome = ?, dropped = ? WHERE id = ?");
        update.bind(1, utc_now());
        update.bind(2, outcome);
        update.bind(3, static_cast<int64_t>(dropped));
        update.bind(4, session);
        update.exec();
    } catch (const SQLite::Exception& e) {
        note_error(std::string("cannot record the end of session ") + std::to_string(session) +
                       ": " + e.what(),
                   0);
    }
}

int64_t SessionStore::session() const {
    std::lock_guard lock(mu_);
    return session_;
}

bool SessionStore::enqueue(Record r) {
    bool was_empty = false;
    {
        std::lock_guard lock(mu_);
        if (queued_units_ >= opts_.queue_capacity || session_ < 0) {
            ++dropped_;
            return false;
        }
        was_empty = queue_.empty();
        queue_.push_back(std::move(r));
        ++queued_units_;
        ++enqueued_;
    }
    // The writer only sleeps on an empty queue, so only the first record needs to wake it.
    if (was_empty)
        wake_.notify_one();
    return true;
}

std::vector<EngineEvent> SessionStore::event_buffer() {
    std::lock_guard lock(mu_);
    if (spare_.empty())
        return {};
    auto v = std::move(spare_.back());
    spare_.pop_back();
    return v;
}

size_t SessionStore::record_events(std::vector<EngineEvent>&& batch) {
    if (batch.empty())
        return 0;
    bool was_empty = false;
    size_t accepted = 0;
    {
        std::lock_guard lock(mu_);
        const uint64_t room = session_ < 0 || queued_units_ >= opts_.queue_capacity
                                  ? 0
                                  : opts_.queue_capacity - queued_units_;
        accepted = size_t(std::min<uint64_t>(room, batch.size()));
        dropped_ += batch.size() - accepted;
        if (accepted) {
            batch.resize(accepted);
            was_empty = queue_.empty();
            queue_.push_back(EventBatch{std::move(batch)});
            queued_units_ += accepted;
            enqueued_ += accepted;
        }
    }
    if (was_empty)
        wake_.notify_one();
    return accepted;
}

bool SessionStore::record_metrics(const EngineMetrics& m) {
    return enqueue(MetricsSample{std::make_unique<const EngineMetrics>(m)});
}
bool SessionStore::record_metric(MetricRecord r) {
    return enqueue(std::move(r));
}
bool SessionStore::record_command(CommandRecord r) {
    return enqueue(std::move(r));
}
bool SessionStore::record_snapshot(SnapshotPtr s, uint64_t event_seq) {
    return s ? enqueue(SnapshotSample{std::move(s), event_seq}) : false;
}

void SessionStore::flush() {
    std::unique_lock lock(mu_);
    drained_.wait(lock, [this] { return committed_ == enqueued_; });
}

uint64_t SessionStore::dropped() const {
    std::lock_guard lock(mu_);
    return dropped_;
}

std::string SessionStore::last_error() const {
    std::lock_guard lock(mu_);
    return last_error_;
}

uint64_t SessionStore::error_count() const {
    std::lock_guard lock(mu_);
    return errors_;
}

void SessionStore::note_error(const std::string& what, uint64_t lost) {
    std::lock_guard lock(mu_);
    last_error_ = path_ + ": " + what;
    ++errors_;
    dropped_ += lost;
}

void SessionStore::writer_loop() {
    std::vector<Record> batch;
    for (;;) {
        uint64_t units = 0;
        int64_t session = -1;
        {
            std::unique_lock lock(mu_);
            wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
            if (queue_.empty() && stop_)
                return;
            batch.swap(queue_);
            units = queued_units_;
            queued_units_ = 0;
            // session_ only changes while the queue is drained (begin/end flush first), so
            // this is the session every record of the batch belongs to.
            session = session_;
        }
        {
            std::lock_guard db_lock(db_mu_);
            try {
                write_batch(batch, session);
            } catch (const std::exception& e) {
                // Disk full or read-only: the batch is lost, counted, and the engine runs on.
                stmts_->reset_all();
                note_error(e.what(), units);
            }
        }
        std::vector<std::vector<EngineEvent>> spares;
        for (auto& rec : batch)
            if (auto* b = std::get_if<EventBatch>(&rec)) {
                b->events.clear();
                spares.push_back(std::move(b->events));
            }
        batch.clear();
        {
            std::lock_guard lock(mu_);
            committed_ += units;
            constexpr size_t kMaxSpares = 8;
            for (auto& v : spares)
                if (spare_.size() < kMaxSpares)
                    spare_.push_back(std::move(v));
        }
        drained_.notify_all();
    }
}

void SessionStore::write_batch(std::vector<Record>& batch, int64_t session) {
    auto& st = *stmts_;
    SQLite::Transaction tx(*db_);
    for (auto& rec : batch) {
        if (auto* b = std::get_if<EventBatch>(&rec)) {
            st.events.write(session, b->events);
        } else if (auto* s = std::get_if<MetricsSample>(&rec)) {
            auto& q = st.metric;
            for (const MetricField& f : metric_fields()) {
                q.bind(1, session);
                q.bind(2, static_cast<int64_t>(s->metrics->clock_ns));
                q.bindNoCopy(3, f.name);
                q.bind(4, f.get(*s->metrics));
                q.exec();
                q.reset();
            }
        } else if (auto* m = std::get_if<MetricRecord>(&rec)) {
            auto& q = st.metric;
            q.bind(1, session);
            q.bind(2, static_cast<int64_t>(m->clock_ns));
            q.bindNoCopy(3, m->name);
            q.bind(4, m->value);
            q.exec();
            q.reset();
        } else if (auto* c = std::get_if<CommandRecord>(&rec)) {
            auto& q = st.command;
            q.bind(1, session);
            q.bind(2, static_cast<int64_t>(c->clock_ns));
            q.bindNoCopy(3, c->command);
            q.bindNoCopy(4, c->argument);
            q.exec();
            q.reset();
        } else if (auto* p = std::get_if<SnapshotSample>(&rec)) {
            const BucketSnapshot& snap = *p->snapshot;
            const auto raw = serialise_buckets(snap);
            const auto packed = compress(raw);
            auto& q = st.snapshot;
            q.bind(1, session);
            q.bind(2, static_cast<int64_t>(snap.clock_ns));
            q.bind(3, static_cast<int64_t>(snap.nbuckets));
            q.bindNoCopy(4, "zstd");
            q.bind(5, static_cast<int64_t>(raw.size()));
            q.bindNoCopy(6, packed.data(), static_cast<int>(packed.size()));
            q.bind(7, static_cast<int64_t>(p->event_seq));
            q.exec();
            q.reset();
        }
    }
    tx.commit();
}

} // namespace bucketscope::store
