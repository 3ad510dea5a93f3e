// The session's options stay one JSON object: the engine's own fields first (what
// store::options_json writes for every front end), then what only the workbench knows.
#include "widgets/workload_choice.h"

#include "core/store/engine_recorder.h"
#include "core/workload/request_source.h"
#include "core/workload/trace_options.h"

#include <nlohmann/json.hpp>

namespace bucketscope {
namespace {
constexpr uint64_t kScanReportEvery = 4096; // requests between progress reports
constexpr uint64_t kPerMille = 1000;

nlohmann::ordered_json workload_object(const WorkloadChoice& c) {
    switch (c.kind) {
    case WorkloadChoice::BuiltIn:
        return {{"source", "builtin"}};
    case WorkloadChoice::Generator:
        return {{"source", "generator"},
                {"spec", c.spec},
                {"limit", c.limit},
                {"cache_mode", to_string(c.cache_mode)}};
    case WorkloadChoice::Trace:
        return {{"source", "trace"},
                {"path", c.trace_path},
                {"trace_options", workload::trace_options_json(c.trace)},
                {"limit", c.limit},
                {"write_points", c.write_points},
                {"cache_mode", to_string(c.cache_mode)}};
    }
    return {};
}

} // namespace

void apply_workload(const WorkloadChoice& c, EngineOptions& o) {
    o.workload = c.builtin;
    o.source.reset();
    o.requests = RequestPathOptions{};
    switch (c.kind) {
    case WorkloadChoice::BuiltIn:
        return;
    case WorkloadChoice::Generator:
        o.source = workload::make_workload_source(c.spec, o.seed, c.limit);
        break;
    case WorkloadChoice::Trace:
        o.source = workload::open_trace_source(c.trace_path, c.trace, c.limit);
        o.requests.write_points = c.write_points;
        break;
    }
    o.requests.cache_mode = c.cache_mode;
}

std::string workload_json(const WorkloadChoice& c) {
    return workload_object(c).dump();
}

std::string session_options_json(const EngineOptions& opts, const WorkloadChoice& c,
                                 const std::string& target, bool forced) {
    auto j = nlohmann::ordered_json::parse(store::options_json(opts));
    j["workload_source"] = workload_object(c);
    if (!target.empty()) {
        j["target"] = target;
        j["force"] = forced;
    }
    return j.dump();
}

TraceScan scan_trace(const WorkloadChoice& c, Progress& progress) {
    TraceScan out;
    std::unique_ptr<workload::RequestSource> src;
    try {
        src = workload::open_trace_source(c.trace_path, c.trace, c.limit);
    } catch (const std::exception& e) {
        out.error = e.what();
        return out;
    }
    workload::Request r;
    while (src->next(r)) {
        if (src->taken() % kScanReportEvery == 0 &&
            !progress.report("trace", uint64_t(src->progress() * kPerMille), kPerMille)) {
            out.cancelled = true;
            break;
        }
    }
    out.requests = src->taken();
    out.bad_records = src->bad_records();
    out.first_bad = src->first_bad();
    out.error = src->error();
    return out;
}

} // namespace bucketscope
