#include "core/store/schema.h"

#include "core/store/session_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Transaction.h>
#include <array>
#include <string>

namespace bucketscope::store {
namespace {

// Index i holds the SQL that takes a database from version i to version i + 1.
constexpr std::array kMigrations = {
    R"sql(
    CREATE TABLE sessions (
        id            INTEGER PRIMARY KEY,
        started_at    TEXT NOT NULL,
        ended_at      TEXT,
        outcome       TEXT,
        device        TEXT NOT NULL,
        superblock    TEXT NOT NULL,
        options       TEXT NOT NULL,
        profile       TEXT NOT NULL,
        tool_version  TEXT NOT NULL,
        origin        TEXT NOT NULL,
        dropped       INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE events (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        clock_ns   INTEGER NOT NULL,
        kind       TEXT NOT NULL,
        bucket     INTEGER,
        detail     TEXT NOT NULL
    );
    CREATE INDEX events_by_session ON events(session_id, clock_ns);
    CREATE TABLE metrics (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        clock_ns   INTEGER NOT NULL,
        name       TEXT NOT NULL,
        value      REAL NOT NULL
    );
    CREATE INDEX metrics_by_session ON metrics(session_id, name, clock_ns);
    CREATE TABLE commands (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        clock_ns   INTEGER NOT NULL,
        command    TEXT NOT NULL,
        argument   TEXT NOT NULL
    );
    CREATE TABLE snapshots (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        clock_ns   INTEGER NOT NULL,
        nbuckets   INTEGER NOT NULL,
        codec      TEXT NOT NULL,
        raw_size   INTEGER NOT NULL,
        data       BLOB NOT NULL
    );
    CREATE INDEX snapshots_by_session ON snapshots(session_id, clock_ns);
    )sql",
    // 2: engine events keep their fields as columns, keyed by the engine's own event
    // number. The writer no longer formats a detail string per event, and the table is its
    // own index (no second B-tree to update per insert); a replay finds a moment by binary
    // search over seq, which follows the clock. Version-1 rows are numbered in the order
    // they were written; their JSON detail fills the columns, other text stays in detail.
    R"sql(
    CREATE TABLE events_v2 (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq        INTEGER NOT NULL,
        clock_ns   INTEGER NOT NULL,
        kind       TEXT NOT NULL,
        bucket     INTEGER,
        value      INTEGER NOT NULL DEFAULT 0,
        dev        INTEGER NOT NULL DEFAULT 0,
        reserve    INTEGER NOT NULL DEFAULT 0,
        task       INTEGER NOT NULL DEFAULT 0,
        detail     TEXT,
        PRIMARY KEY (session_id, seq)
    ) WITHOUT ROWID;
    INSERT INTO events_v2
    SELECT session_id,
           row_number() OVER (PARTITION BY session_id ORDER BY rowid) - 1,
           clock_ns, kind, bucket,
           CASE WHEN json_valid(detail) THEN coalesce(json_extract(detail, '$.value'), 0) ELSE 0 END,
           CASE WHEN json_valid(detail) THEN coalesce(json_extract(detail, '$.dev'), 0) ELSE 0 END,
           CASE WHEN json_valid(detail) THEN
               CASE json_extract(detail, '$.reserve')
                   WHEN 'btree' THEN 0 WHEN 'prio' THEN 1 WHEN 'movinggc' THEN 2
                   WHEN 'none' THEN 3 ELSE 0 END
           ELSE 0 END,
           CASE WHEN json_valid(detail) THEN coalesce(json_extract(detail, '$.task'), 0) ELSE 0 END,
           CASE WHEN json_valid(detail) THEN NULL ELSE detail END
    FROM events;
    DROP TABLE events;
    ALTER TABLE events_v2 RENAME TO events;
    -- The seq of the first event after the snapshot: a replay walks gens from a snapshot
    -- over exactly the events that followed it. NULL in version-1 rows.
    ALTER TABLE snapshots ADD COLUMN event_seq INTEGER;
    )sql",
};

} // namespace

int current_schema_version() {
    return static_cast<int>(kMigrations.size());
}

void migrate(SQLite::Database& db, const char* path, int target) {
    if (target < 0 || target > current_schema_version())
        target = current_schema_version();
    const int app_id = db.execAndGet("PRAGMA application_id").getInt();
    const int version = db.execAndGet("PRAGMA user_version").getInt();
    const bool has_tables =
        db.execAndGet("SELECT count(*) FROM sqlite_master WHERE type = 'table'").getInt() > 0;

    if (app_id != kApplicationId && (app_id != 0 || has_tables))
        throw StoreError(
            std::string(path) + ": not a bucketscope session database (application_id " +
            std::to_string(app_id) + ", expected " + std::to_string(kApplicationId) + ")");
    if (version > current_schema_version())
        throw StoreError(std::string(path) + ": written by a newer bucketscope (schema " +
                         std::to_string(version) + ", this version reads up to " +
                         std::to_string(current_schema_version()) + "); refusing to open it");

    for (int v = version; v < target; ++v) {
        SQLite::Transaction tx(db);
        db.exec(kMigrations[static_cast<size_t>(v)]);
        db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
        db.exec("PRAGMA user_version = " + std::to_string(v + 1));
        tx.commit();
    }
}

} // namespace bucketscope::store
