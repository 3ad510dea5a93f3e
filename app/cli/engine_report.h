#pragma once
// The engine's counters as JSON and as text, shared by `sim` and `replay` so both print
// the same names for the same things. Key order is fixed (ordered_json): scripts compare
// the output byte for byte.

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "core/engine/metrics.h"

namespace bucketscope::cli {

// Everything EngineMetrics holds, from clock_ns to the fifo levels.
nlohmann::ordered_json engine_counters(const EngineMetrics& m);
// The request path's figures: hit ratios, bytes, bypass, writeback, write amplification.
nlohmann::ordered_json request_summary(const EngineMetrics& m);
nlohmann::ordered_json bucket_usage_json(const BucketUsage& u);
// One "name value" line per leaf, nested objects flattened with dots, arrays by index.
void print_text(const nlohmann::ordered_json& j, const std::string& prefix, std::ostream& out);

} // namespace bucketscope::cli
