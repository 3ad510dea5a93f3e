#pragma once
// The event tables of a session database (schema 2): event_kinds maps one-byte codes to
// tracepoint names, event_blocks holds the events one compressed block per batch
// (event_block.h), event_notes keeps the free text some version-1 rows carried.
//
// BlockWriter is the writer thread's side; read_block() the readers'. convert_v1_events()
// is the migration from schema 1's row per event.

#include "core/engine/events.h"

#include <SQLiteCpp/Statement.h>
#include <array>
#include <span>
#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace bucketscope::store {

using KindCodes = std::array<uint8_t, static_cast<size_t>(EventKind::Count)>;

// This version's kinds as the database codes them, adding those it lacks.
KindCodes event_kind_codes(SQLite::Database& db);
// Code to tracepoint name as the database records them ("" for codes not in use).
std::array<std::string, 256> event_kind_names(SQLite::Database& db);

class BlockWriter {
  public:
    explicit BlockWriter(SQLite::Database& db);
    // One block of `session` holding `events` (a batch in seq order, not empty).
    void write(int64_t session, std::span<const EngineEvent> events);
    void reset(); // after a failed write

  private:
    KindCodes codes_;
    SQLite::Statement insert_;
};

// The events of the block in the current row of `q`, whose columns from `first` on are
// events, codec, raw_size, data; kinds still hold the database's codes.
std::vector<EngineEvent> read_block(SQLite::Statement& q, int first);

// Schema 1 to 2: every row of the old events table becomes part of a block, numbered in
// the order it was written; its JSON detail fills the fields, other text goes to
// event_notes. Drops the old table.
void convert_v1_events(SQLite::Database& db);

} // namespace bucketscope::store
