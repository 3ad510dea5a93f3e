#pragma once
// How engine records become database rows and come back. The engine thread hands the
// session store raw EngineEvent batches and EngineMetrics copies; the writer thread turns
// them into rows with these functions, and the reader and the replay turn rows back into
// the same structs. One table of metric names serves both directions, so what is written
// is exactly what can be read.

#include "core/engine/events.h"
#include "core/engine/metrics.h"
#include "core/store/session_store.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bucketscope::store {

// One counter a session samples: its stable column name ("alloc_btree", "free_inc",
// "gc_ns", ...), how to read it from EngineMetrics and how to put it back (nullptr for a
// derived value such as hit_ratio). Fifo levels live in m.fifo[0].
struct MetricField {
    const char* name;
    double (*get)(const EngineMetrics& m);
    void (*set)(EngineMetrics& m, double v);
};
std::span<const MetricField> metric_fields();
// Sets the counter `name` in `m` (creating m.fifo[0] if needed). False for a name this
// version does not know or a derived one.
bool set_metric(EngineMetrics& m, std::string_view name, double value);

// The EventKind whose tracepoint name is `name` (to_string(EventKind) inverted).
std::optional<EventKind> parse_event_kind(std::string_view name);
// The event's fields beyond kind, clock and bucket as one JSON object, for export:
// {"seq":..,"value":..,"dev":..,"task":..} plus "reserve" for allocations.
std::string event_detail(const EngineEvent& e);
// A stored event back as the engine emitted it (an unknown kind becomes Error).
EngineEvent to_engine_event(const EventRecord& r);

} // namespace bucketscope::store
