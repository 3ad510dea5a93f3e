#pragma once
// What the engine worker hands the UI each time it publishes: an immutable bundle of the
// bucket snapshot, the metrics, the events drained since the previous frame and the next
// victims. The UI only reads frames; it never touches the engine (heaptrack's pattern of
// finished data handed over by signal).

#include <QMetaType>
#include <QString>
#include <memory>
#include <vector>

#include "core/engine/engine.h"
#include "core/engine/event_gens.h"

namespace bucketscope {

// What the caches have written, summed over the set, in sectors: the counters the kernel
// shows in sysfs as written, btree_written and metadata_written (prio sets, journal, uuids).
struct CacheWrites {
    uint64_t data = 0;
    uint64_t btree = 0;
    uint64_t meta = 0;
    uint64_t total() const { return data + btree + meta; }
};

struct EngineFrame {
    SnapshotPtr snapshot;
    EngineMetrics metrics;
    CacheWrites writes;
    std::vector<EngineEvent> events; // since the previous frame, oldest first
    // For each event, the bucket's gen right after it (meaningful for invalidations),
    // worked back from the snapshot taken with the same drain.
    std::vector<uint8_t> gen_after;
    std::vector<TaskInfo> tasks;
    std::vector<uint64_t> victims; // what one invalidate pass would take now, in order
    uint64_t events_dropped = 0;
    bool playing = false;
    uint64_t steps_per_tick = 0;
    std::vector<std::string> violations;
};

using FramePtr = std::shared_ptr<const EngineFrame>;

// The caches' write counters, read under bucket_lock (EngineMetrics does not carry them).
CacheWrites cache_writes(Engine& engine);

} // namespace bucketscope

Q_DECLARE_METATYPE(bucketscope::FramePtr)
