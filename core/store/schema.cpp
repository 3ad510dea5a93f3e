#include "core/store/schema.h"

#include "core/store/event_table.h"
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
    // 2: engine events are stored a block per batch (core/store/event_block.h), their kinds
    // as codes the database itself defines. The writer spends nanoseconds per event instead
    // of a row's microsecond and a half, and a replay finds a moment from block headers.
    // Snapshots record the seq of the first event after them, so a replay walks gens from a
    // snapshot over exactly the events that followed it. convert_v1_events() moves the
    // version-1 rows over.
    R"sql(
    CREATE TABLE event_kinds (
        code INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
    );
    CREATE TABLE event_blocks (
        session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        first_seq   INTEGER NOT NULL,
        last_seq    INTEGER NOT NULL,
        first_clock INTEGER NOT NULL,
        last_clock  INTEGER NOT NULL,
        events      INTEGER NOT NULL,
        codec       TEXT NOT NULL,
        raw_size    INTEGER NOT NULL,
        data        BLOB NOT NULL
    );
    CREATE INDEX event_blocks_by_seq ON event_blocks(session_id, first_seq);
    CREATE INDEX event_blocks_by_clock ON event_blocks(session_id, first_clock);
    CREATE TABLE event_notes (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq        INTEGER NOT NULL,
        detail     TEXT NOT NULL,
        PRIMARY KEY (session_id, seq)
    ) WITHOUT ROWID;
    ALTER TABLE snapshots ADD COLUMN event_seq INTEGER;
    )sql",
};

// Work a migration needs beyond its SQL, run after it in the same transaction.
void after_migration(SQLite::Database& db, int to_version) {
    if (to_version == 2)
        convert_v1_events(db);
}

} // namespace

int current_schema_version() {
    return static_cast<int>(kMigrations.size());
}

void check_tables(SQLite::Database& db, const char* path) {
    // Every table the current version's migrations leave (schema 2 folded `events` into
    // event_blocks).
    for (const char* table : {"sessions", "metrics", "commands", "snapshots", "event_kinds",
                              "event_blocks", "event_notes"})
        if (!db.tableExists(table))
            throw StoreError(std::string(path) + ": not a complete session database of schema " +
                             std::to_string(current_schema_version()) + ": table " + table +
                             " is missing");
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
        after_migration(db, v + 1);
        db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
        db.exec("PRAGMA user_version = " + std::to_string(v + 1));
        tx.commit();
    }
}

} // namespace bucketscope::store
