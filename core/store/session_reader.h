#pragma once
// Reading recorded sessions back: listing, details, export, pruning and the lookups a
// replay needs. Opens the database read-only unless pruning, so browsing never changes
// what was recorded; a file from an older schema is upgraded once on first open.

#include "core/engine/events.h"
#include "core/engine/metrics.h"
#include "core/engine/snapshot.h"
#include "core/store/session_store.h"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace bucketscope::store {

struct SessionRow {
    int64_t id = 0;
    std::string started_at;
    std::string ended_at; // empty while running or after a crash
    std::string outcome;
    SessionInfo info;
    uint64_t dropped = 0;
    uint64_t events = 0;
    uint64_t metrics = 0;
    uint64_t commands = 0;
    uint64_t snapshots = 0;
};

struct StoredSnapshot {
    uint64_t clock_ns = 0;
    uint64_t nbuckets = 0;
    // The first event after it (events with a lower seq happened before); empty for
    // snapshots recorded by schema 1.
    std::optional<uint64_t> event_seq;
};

class SessionReader {
  public:
    // Throws StoreError when the file is missing, not ours or from a newer schema.
    explicit SessionReader(const std::string& path, bool writable = false);
    ~SessionReader();

    std::vector<SessionRow> list() const;
    std::optional<SessionRow> get(int64_t id) const;
    // Events from `from_seq` on, at most `limit`, in seq order: as records (kind names,
    // notes kept from schema 1) or as the engine emitted them (unknown kinds as Error).
    std::vector<EventRecord> events(int64_t id, uint64_t from_seq = 0,
                                    size_t limit = SIZE_MAX) const;
    std::vector<EngineEvent> engine_events(int64_t id, uint64_t from_seq = 0,
                                           size_t limit = SIZE_MAX) const;
    // Calls f for each event from `from_seq` on until it returns false, a block at a time.
    void for_each_event(int64_t id, uint64_t from_seq,
                        const std::function<bool(const EngineEvent&)>& f) const;
    // The seq of the last event at or before `clock_ns`; nullopt when none is.
    std::optional<uint64_t> event_at(int64_t id, uint64_t clock_ns) const;
    std::vector<MetricRecord> metrics(int64_t id) const;
    // The metric rows folded back into one EngineMetrics per sample time, oldest first
    // (fifo levels in fifo[0]; capacities are in the session's superblock summary).
    std::vector<EngineMetrics> metric_samples(int64_t id) const;
    std::vector<CommandRecord> commands(int64_t id) const;
    std::vector<StoredSnapshot> snapshots(int64_t id) const;
    // The per-bucket arrays of the snapshot at `index` in snapshots(id) order.
    BucketSnapshot load_snapshot(int64_t id, size_t index) const;

    void export_json(int64_t id, std::ostream& out) const;
    // One CSV table of every record: record,clock_ns,name,bucket,value,detail.
    void export_csv(int64_t id, std::ostream& out) const;

    // Deletes sessions: by id, those started before an ISO date, or all but the newest
    // `keep`. Returns how many went. Needs a writable reader.
    size_t prune_ids(const std::vector<int64_t>& ids);
    size_t prune_before(const std::string& iso_date);
    size_t prune_keep(size_t keep);

  private:
    std::array<EventKind, 256> kinds_of_codes() const;

    std::string path_;
    std::unique_ptr<SQLite::Database> db_;
};

} // namespace bucketscope::store
