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

struct EngineFrame {
    SnapshotPtr snapshot;
    EngineMetrics metrics;
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
    std::string device;     // "ram:SIZE" or the image file or block device it runs on
    bool on_device = false; // runs on a real device (written as it runs)
    bool closed = false;    // closed cleanly: shown, but runs no more
    // The request source's figures (a generator spec or a trace), when there is one.
    double source_progress = -1; // 0..1, negative when endless or no source
    uint64_t source_taken = 0;
    uint64_t source_bad = 0;
    std::string source_error; // "FILE:LINE: ..." when a trace ended on a malformed record
};

using FramePtr = std::shared_ptr<const EngineFrame>;

} // namespace bucketscope

Q_DECLARE_METATYPE(bucketscope::FramePtr)
