#pragma once
// What the workload dock asks the engine to run, as plain data: the built-in write
// generator's parameters, a generator spec (core/workload/generator.h), or a trace file with
// its format; and, for the last two, the request path's cache mode and a request limit.
//
// A choice becomes engine options through apply_workload(), which builds a fresh
// RequestSource each time (a source is consumed by the run it feeds, so a restart needs a
// new one). scan_trace() reads a trace through once on a LongJob before anything starts:
// it finds a malformed record (and says FILE:LINE) before the engine is replaced, and
// counts the requests for the progress shown while the trace runs.
//
// Nothing here touches Qt, so the same code runs on the UI thread and on a job's thread.

#include "core/device/progress.h"
#include "core/engine/engine.h"
#include "core/workload/trace_reader.h"

#include <cstdint>
#include <string>

namespace bucketscope {

struct WorkloadChoice {
    enum Kind { BuiltIn, Generator, Trace };
    Kind kind = BuiltIn;
    WorkloadParams builtin;
    std::string spec;       // Generator: "zipf:alpha=0.9,span=1G,..."
    std::string trace_path; // Trace
    workload::TraceOptions trace;
    uint64_t limit = 0; // requests; 0 = where the spec or the trace ends
    // Generator and Trace: the request path's settings (the built-in workload keeps its own
    // model, see Engine::Impl::build).
    CacheMode cache_mode = CacheMode::Writethrough;
    unsigned write_points = 0; // Trace: 0 = each process id its own write point
};

// Puts the choice into `opts` (workload, source, request path). Throws workload::SpecError
// or workload::TraceError (a bad key, a file that cannot be opened or has a bad header).
void apply_workload(const WorkloadChoice& choice, EngineOptions& opts);

// The choice as a JSON object, for a session's options.
std::string workload_json(const WorkloadChoice& choice);

// A recorded session's options: the engine's (store::options_json), the workload source,
// and for an engine on a device its path and whether the probe's refusal was overridden.
std::string session_options_json(const EngineOptions& opts, const WorkloadChoice& choice,
                                 const std::string& target = {}, bool forced = false);

struct TraceScan {
    uint64_t requests = 0;
    uint64_t bad_records = 0; // skipped (TraceOptions::skip_bad)
    std::string first_bad;
    std::string error; // "FILE:LINE: ..." or why it could not be opened; empty if good
    bool cancelled = false;
    bool ok() const { return error.empty() && !cancelled; }
};

// Reads the choice's trace (up to its limit) reporting stage "trace" through `progress`
// in per mille of the file.
TraceScan scan_trace(const WorkloadChoice& choice, Progress& progress);

} // namespace bucketscope
