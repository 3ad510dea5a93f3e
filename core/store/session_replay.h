#pragma once
// A recorded session opened for replay: its time line on the engine clock, its metric
// samples, its bucket snapshots and the events around any moment, each with its bucket's
// gen worked out from the nearest snapshot. The GUI's replay window is a view over this;
// nothing here knows about Qt.
//
// Opening reads the session's small tables (metric samples, snapshot list) once; events
// and snapshot contents are read on demand, so a long session opens as fast as a short
// one. Snapshots come back as the engine publishes them (geometry filled in from the
// session's superblock summary), so the live heatmap and panels can show them as they are.

#include "core/engine/events.h"
#include "core/engine/metrics.h"
#include "core/engine/snapshot.h"
#include "core/store/session_reader.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bucketscope::store {

class SessionReplay {
  public:
    // Throws StoreError when the database or the session is not there.
    SessionReplay(const std::string& db, int64_t id);

    const SessionRow& session() const { return row_; }
    // The first and last recorded moments (events, samples, snapshots, commands).
    uint64_t begin_ns() const { return begin_ns_; }
    uint64_t end_ns() const { return end_ns_; }

    // Every metric sample, oldest first, with the free list capacities in fifo[0].
    const std::vector<EngineMetrics>& metrics() const { return metrics_; }
    // How many samples lie at or before `t`.
    size_t metrics_until(uint64_t t) const;
    const std::vector<CommandRecord>& commands() const { return commands_; }

    const std::vector<StoredSnapshot>& snapshots() const { return snapshots_; }
    // The snapshot closest to `t` on the engine clock (the earlier one on a tie).
    std::optional<size_t> nearest_snapshot(uint64_t t) const;
    // Snapshot `index`, loaded and decompressed (the last few are kept).
    SnapshotPtr snapshot(size_t index);

    struct EventWindow {
        std::vector<EngineEvent> events;
        std::vector<uint8_t> gen_after; // per event; all 0 when no snapshot reaches them
        bool gens_known = false;
        // How many of `events` lie at or before the moment: events[at - 1] is the last
        // of them, 0 when every event shown comes after it.
        size_t at = 0;
    };
    // Up to `before` events at or before `t` and `after` events following it.
    EventWindow events_around(uint64_t t, size_t before, size_t after);

  private:
    void fill_gens(EventWindow& w);
    std::vector<EngineEvent> load_events(uint64_t from_seq, uint64_t to_seq) const;

    SessionReader reader_;
    int64_t id_;
    SessionRow row_;
    std::vector<EngineMetrics> metrics_;
    std::vector<CommandRecord> commands_;
    std::vector<StoredSnapshot> snapshots_;
    uint64_t begin_ns_ = 0;
    uint64_t end_ns_ = 0;
    uint64_t first_bucket_ = 0;
    uint32_t bucket_size_ = 0;
    ReplacementPolicy policy_ = ReplacementPolicy::Lru;
    KernelProfile profile_ = KernelProfile::V6_2;
    std::map<size_t, SnapshotPtr> cache_;
};

} // namespace bucketscope::store
