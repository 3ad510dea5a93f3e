#pragma once
// The engine's counters as the CLI prints them (sim, run, replay): one JSON object, printed as
// JSON or as "name value" lines with nested objects flattened by dots.

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>

#include "core/engine/metrics.h"

namespace bucketscope::cli {

// Everything in EngineMetrics that is deterministic (engine clock, counts, fill levels).
nlohmann::ordered_json metrics_json(const EngineMetrics& m);
// The request path's figures: hit ratios, bytes, bypass, writeback, write amplification.
nlohmann::ordered_json request_summary(const EngineMetrics& m);
nlohmann::ordered_json bucket_usage_json(const BucketUsage& u);
// Appends `more` to `j`.
void append_json(nlohmann::ordered_json& j, const nlohmann::ordered_json& more);
// The text form.
void print_text(const nlohmann::ordered_json& j, const std::string& prefix, std::ostream& out);

} // namespace bucketscope::cli
