#include "core/store/session_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "core/store/schema.h"
#include "core/store/snapshot_codec.h"

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
            path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
        db->setBusyTimeout(5000);
        db->exec("PRAGMA journal_mode = WAL");
        // NORMAL in WAL mode loses at most the last transactions on power loss and never
        // corrupts the file, which is the trade the issue asks for (at most ~1 s lost).
        db->exec("PRAGMA synchronous = NORMAL");
        db->exec("PRAGMA foreign_keys = ON");
        migrate(*db, path.c_str());
        return db;
    } catch (const SQLite::Exception& e) {
        throw StoreError(path + ": cannot open session database: " + e.what());
    }
}

} // namespace

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

SessionStore::SessionStore(const std::string& path, StoreOptions opts)
    : path_(path), opts_(opts) {
    const auto parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty())
        std::filesystem::create_directories(parent, ec);
    db_ = open_database(path);
    writer_ = std::thread([this] { writer_loop(); });
}

SessionStore::~SessionStore() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    wake_.notify_all();
    writer_.join();
}

int64_t SessionStore::begin_session(const SessionInfo& info) {
    flush();
    std::lock_guard lock(mu_);
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
    session_ = db_->getLastInsertRowid();
    dropped_ = 0;
    return session_;
}

void SessionStore::end_session(const std::string& outcome) {
    flush();
    std::lock_guard lock(mu_);
    if (session_ < 0)
        return;
    SQLite::Statement update(
        *db_, "UPDATE sessions SET ended_at = ?, outcome = ?, dropped = ? WHERE id = ?");
    update.bind(1, utc_now());
    update.bind(2, outcome);
    update.bind(3, static_cast<int64_t>(dropped_));
    update.bind(4, session_);
    update.exec();
    session_ = -1;
}

bool SessionStore::enqueue(Record r) {
    bool was_empty = false;
    {
        std::lock_guard lock(mu_);
        if (queue_.size() >= opts_.queue_capacity || session_ < 0) {
            ++dropped_;
            return false;
        }
        was_empty = queue_.empty();
        queue_.push_back(std::move(r));
        ++enqueued_;
    }
    // The writer only sleeps on an empty queue, so only the first record needs to wake it.
    if (was_empty)
        wake_.notify_one();
    return true;
}

size_t SessionStore::record_events(std::vector<EventRecord>&& batch) {
    size_t accepted = 0;
    bool was_empty = false;
    {
        std::lock_guard lock(mu_);
        was_empty = queue_.empty();
        for (auto& e : batch) {
            if (queue_.size() >= opts_.queue_capacity || session_ < 0) {
                ++dropped_;
                continue;
            }
            queue_.push_back(std::move(e));
            ++accepted;
        }
        enqueued_ += accepted;
    }
    if (was_empty && accepted)
        wake_.notify_one();
    batch.clear();
    return accepted;
}

bool SessionStore::record_event(EventRecord r) { return enqueue(std::move(r)); }
bool SessionStore::record_metric(MetricRecord r) { return enqueue(std::move(r)); }
bool SessionStore::record_command(CommandRecord r) { return enqueue(std::move(r)); }
bool SessionStore::record_snapshot(SnapshotRecord r) { return enqueue(std::move(r)); }

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

void SessionStore::writer_loop() {
    std::vector<Record> batch;
    for (;;) {
        {
            std::unique_lock lock(mu_);
            wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
            if (queue_.empty() && stop_)
                return;
            batch.assign(std::make_move_iterator(queue_.begin()),
                         std::make_move_iterator(queue_.end()));
            queue_.clear();
        }
        write_batch(batch);
        {
            std::lock_guard lock(mu_);
            committed_ += batch.size();
        }
        drained_.notify_all();
        batch.clear();
    }
}

void SessionStore::write_batch(std::vector<Record>& batch) {
    // session_ only changes while the queue is drained (begin/end flush first), so reading
    // it here without the lock sees the session these records belong to.
    const int64_t session = session_;
    try {
        SQLite::Transaction tx(*db_);
        SQLite::Statement event(*db_, "INSERT INTO events VALUES (?, ?, ?, ?, ?)");
        SQLite::Statement metric(*db_, "INSERT INTO metrics VALUES (?, ?, ?, ?)");
        SQLite::Statement command(*db_, "INSERT INTO commands VALUES (?, ?, ?, ?)");
        SQLite::Statement snapshot(*db_, "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?)");
        for (auto& rec : batch) {
            if (auto* e = std::get_if<EventRecord>(&rec)) {
                event.bind(1, session);
                event.bind(2, static_cast<int64_t>(e->clock_ns));
                event.bindNoCopy(3, e->kind);
                if (e->bucket >= 0)
                    event.bind(4, e->bucket);
                else
                    event.bind(4);
                event.bindNoCopy(5, e->detail);
                event.exec();
                event.reset();
            } else if (auto* m = std::get_if<MetricRecord>(&rec)) {
                metric.bind(1, session);
                metric.bind(2, static_cast<int64_t>(m->clock_ns));
                metric.bindNoCopy(3, m->name);
                metric.bind(4, m->value);
                metric.exec();
                metric.reset();
            } else if (auto* c = std::get_if<CommandRecord>(&rec)) {
                command.bind(1, session);
                command.bind(2, static_cast<int64_t>(c->clock_ns));
                command.bindNoCopy(3, c->command);
                command.bindNoCopy(4, c->argument);
                command.exec();
                command.reset();
            } else if (auto* s = std::get_if<SnapshotRecord>(&rec)) {
                const auto packed = compress(s->raw);
                snapshot.bind(1, session);
                snapshot.bind(2, static_cast<int64_t>(s->clock_ns));
                snapshot.bind(3, static_cast<int64_t>(s->nbuckets));
                snapshot.bind(4, "zstd");
                snapshot.bind(5, static_cast<int64_t>(s->raw.size()));
                snapshot.bind(6, packed.data(), static_cast<int>(packed.size()));
                snapshot.exec();
                snapshot.reset();
            }
        }
        tx.commit();
    } catch (const std::exception& e) {
        // Disk full or read-only: count the batch as dropped and keep the engine running.
        std::lock_guard lock(mu_);
        last_error_ = path_ + ": " + e.what();
        dropped_ += batch.size();
    }
}

} // namespace bucketscope::store
