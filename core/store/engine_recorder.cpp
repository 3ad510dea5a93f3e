#include "core/store/engine_recorder.h"

#include <nlohmann/json.hpp>

#include "bucketscope_version.h"

#include "core/store/snapshot_codec.h"

namespace bucketscope::store {

EngineRecorder::EngineRecorder(Engine& engine, SessionStore& store, RecorderOptions opts)
    : engine_(engine), store_(store), opts_(opts) {}

size_t EngineRecorder::pump() {
    std::vector<EngineEvent> events;
    engine_.poll_events(events);
    std::vector<EventRecord> records;
    records.reserve(events.size());
    for (const auto& e : events) {
        // Formatted by hand: this runs for every event and a JSON object per event would
        // cost more than the SQLite insert.
        std::string detail = "{\"value\":" + std::to_string(e.value) +
                             ",\"dev\":" + std::to_string(e.dev) +
                             ",\"task\":" + std::to_string(e.task);
        if (e.kind == EventKind::Alloc || e.kind == EventKind::AllocFail)
            detail += std::string(",\"reserve\":\"") + to_string(Reserve(e.reserve)) + "\"";
        detail += '}';
        records.push_back({e.clock_ns, to_string(e.kind), static_cast<int64_t>(e.bucket),
                           std::move(detail)});
    }
    store_.record_events(std::move(records));
    const uint64_t now = engine_.clock_ns();
    if (now >= next_metric_ns_) {
        sample_metrics(now);
        next_metric_ns_ = now + opts_.metric_interval_ns;
    }
    if (opts_.snapshot_interval_ns && now >= next_snapshot_ns_) {
        snapshot_now();
        next_snapshot_ns_ = now + opts_.snapshot_interval_ns;
    }
    return events.size();
}

void EngineRecorder::record_command(const std::string& command, const std::string& argument) {
    store_.record_command({engine_.clock_ns(), command, argument});
}

void EngineRecorder::snapshot_now() {
    const auto s = engine_.snapshot();
    store_.record_snapshot({s->clock_ns, s->nbuckets, serialise_buckets(*s)});
}

void EngineRecorder::sample_metrics(uint64_t now) {
    const EngineMetrics m = engine_.metrics();
    auto put = [&](const char* name, double v) { store_.record_metric({now, name, v}); };
    for (unsigned r = 0; r < RESERVE_NR; ++r)
        put((std::string("alloc_") + to_string(Reserve(r))).c_str(), double(m.allocations[r]));
    uint64_t invalidations = 0;
    for (auto n : m.invalidations)
        invalidations += n;
    put("invalidations", double(invalidations));
    put("alloc_waits", double(m.alloc_waits));
    put("alloc_wait_ns", double(m.alloc_wait_ns));
    put("prio_writes", double(m.prio_writes));
    put("journal_writes", double(m.journal_writes));
    put("discards", double(m.discards));
    put("gc_runs", double(m.gc_runs));
    put("gc_ns", double(m.gc_ns));
    put("rescales", double(m.rescales));
    put("hit_ratio", m.reads ? double(m.read_hits) / double(m.reads) : 0.0);
    if (!m.fifo.empty()) {
        const auto& f = m.fifo[0];
        for (unsigned r = 0; r < RESERVE_NR; ++r)
            put((std::string("free_") + to_string(Reserve(r))).c_str(), double(f.free_used[r]));
        put("free_inc", double(f.free_inc_used));
    }
}

SessionInfo describe_session(const Engine& engine, const std::string& device,
                             const std::string& options_json, const std::string& origin) {
    const auto& o = engine.options();
    nlohmann::json sb = {{"nbuckets", o.geometry.nbuckets},
                         {"bucket_size", o.geometry.bucket_size},
                         {"block_size", o.geometry.block_size},
                         {"first_bucket", o.geometry.first_bucket},
                         {"caches", o.ncaches},
                         {"policy", to_string(o.policy)}};
    return {device, sb.dump(), options_json, to_string(o.profile), BUCKETSCOPE_VERSION_STRING,
            origin};
}

} // namespace bucketscope::store
