#pragma once
// The session database's schema and its migrations.
//
// Versions only go forward: migration N turns a version N-1 database into version N inside
// one transaction, and PRAGMA user_version records where a file stands. A file stamped with
// a version above ours was written by a newer bucketscope and is refused rather than
// guessed at; application_id tells our files from other SQLite databases.

namespace SQLite {
class Database;
}

namespace bucketscope::store {

inline constexpr int kApplicationId = 0x42435350; // "BCSP"

int current_schema_version();
// Brings `db` (from `path`, for messages) to `target` (default: the current version).
// Throws StoreError. Tests stop at an older version to check the later migrations.
void migrate(SQLite::Database& db, const char* path, int target = -1);
// Throws StoreError naming the first table of the current schema that `db` lacks: a file
// stamped with this version but incomplete (damaged, or from a development build) is
// refused when opened, not on its first query.
void check_tables(SQLite::Database& db, const char* path);

} // namespace bucketscope::store
