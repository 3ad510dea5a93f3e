#pragma once
// Drives a deterministic engine whose request path is fed by a source until the source is
// used up: the loop behind `replay`, `run --workload` and the replay benchmark. It steps
// the engine in slices, samples bucket utilisation at evenly spaced points of the
// source's progress, and calls back for progress bars.
//
// The engine must be Deterministic and built with `source` as EngineOptions::source. The
// run ends when every request task is done, or early when every task is blocked (a
// deadlock the engine's own tests rule out; reported, not hidden).

#include <cstdint>
#include <functional>
#include <vector>

#include "core/engine/engine.h"
#include "core/workload/request_source.h"

namespace bucketscope::workload {

// One point of utilisation over time.
struct ReplaySample {
    uint64_t requests = 0;  // taken from the source so far
    uint64_t clock_ns = 0;  // engine clock
    double hit_ratio = 0;   // by read requests, so far
    unsigned in_use_percent = 0;
    uint64_t dirty_sectors = 0;
    BucketUsage usage;
};

struct ReplayOptions {
    unsigned samples = 20;          // utilisation samples over the run (plus the final one)
    // Engine steps between checks: small enough that samples land near their points and a
    // recorder draining the event ring after each slice never sees it overflow.
    uint64_t slice_steps = 2048;
    // Called after every slice with the source's progress (0..1, negative if unknown).
    std::function<void(double progress, const EngineMetrics&)> on_progress;
};

struct ReplayResult {
    EngineMetrics metrics;
    std::vector<ReplaySample> samples;
    uint64_t steps = 0;
    bool blocked = false; // stopped because nothing could run
};

ReplayResult replay(Engine& engine, const RequestSource& source, const ReplayOptions& opts = {});

} // namespace bucketscope::workload
