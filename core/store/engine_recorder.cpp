#include "core/store/engine_recorder.h"

#include "bucketscope_version.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace bucketscope::store {

EngineRecorder::EngineRecorder(Engine& engine, SessionStore& store, RecorderOptions opts)
    : engine_(engine), store_(store), opts_(opts), ring_dropped_at_start_(engine.events_dropped()) {
    if (opts_.snapshot_interval_ns == 0)
        next_snapshot_ns_ = UINT64_MAX;
}

size_t EngineRecorder::pump() {
    auto batch = store_.event_buffer();
    engine_.poll_events(batch);
    return take(std::move(batch), nullptr);
}

size_t EngineRecorder::record(std::span<const EngineEvent> events, SnapshotPtr current) {
    auto batch = store_.event_buffer();
    batch.assign(events.begin(), events.end());
    return take(std::move(batch), std::move(current));
}

size_t EngineRecorder::take(std::vector<EngineEvent>&& batch, SnapshotPtr current) {
    const size_t n = batch.size();
    if (n)
        next_seq_ = batch.back().seq + 1;
    store_.record_events(std::move(batch));
    take_samples(std::move(current));
    return n;
}

// Samples fall on a grid of the interval on the engine clock: one per grid cell the clock
// entered since the last pump, so their number follows the clock, not the pump rate.
void EngineRecorder::take_samples(SnapshotPtr current) {
    const uint64_t now = engine_.clock_ns();
    auto next_cell = [now](uint64_t interval) { return (now / interval + 1) * interval; };
    if (now >= next_metric_ns_) {
        store_.record_metrics(engine_.metrics());
        next_metric_ns_ = next_cell(std::max<uint64_t>(opts_.metric_interval_ns, 1));
    }
    if (now >= next_snapshot_ns_) {
        snapshot(current ? std::move(current) : engine_.snapshot());
        next_snapshot_ns_ = next_cell(opts_.snapshot_interval_ns);
    }
}

void EngineRecorder::record_command(const std::string& command, const std::string& argument) {
    store_.record_command({engine_.clock_ns(), command, argument});
}

void EngineRecorder::snapshot_now() {
    snapshot(engine_.snapshot());
}

void EngineRecorder::snapshot(SnapshotPtr s) {
    // Nothing happened since the last one (a finish right after a due snapshot): a second
    // copy would only make the replay's time line stutter.
    if (have_snapshot_ && s->clock_ns == last_snapshot_ns_ && next_seq_ == last_snapshot_seq_)
        return;
    have_snapshot_ = true;
    last_snapshot_ns_ = s->clock_ns;
    last_snapshot_seq_ = next_seq_;
    store_.record_snapshot(std::move(s), next_seq_);
}

void EngineRecorder::finish(const std::string& outcome) {
    store_.record_metrics(engine_.metrics());
    snapshot_now();
    store_.end_session(outcome, engine_.events_dropped() - ring_dropped_at_start_);
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
    const EngineMetrics m = engine.metrics();
    if (!m.fifo.empty()) {
        sb["free_capacity"] = m.fifo[0].free_capacity;
        sb["free_inc_capacity"] = m.fifo[0].free_inc_capacity;
    }
    return {device, sb.dump(), options_json, to_string(o.profile), BUCKETSCOPE_VERSION_STRING,
            origin};
}

std::string options_json(const EngineOptions& o) {
    const auto& w = o.workload;
    nlohmann::ordered_json j = {{"buckets", o.geometry.nbuckets},
                                {"bucket_size", o.geometry.bucket_size},
                                {"block_size", o.geometry.block_size},
                                {"first_bucket", o.geometry.first_bucket},
                                {"caches", o.ncaches},
                                {"policy", to_string(o.policy)},
                                {"profile", to_string(o.profile)},
                                {"seed", o.seed},
                                {"discard", o.discard},
                                {"mode", to_string(o.mode)},
                                {"workload",
                                 {{"processes", w.processes},
                                  {"flash_only_percent", w.flash_only_percent},
                                  {"read_percent", w.read_percent},
                                  {"sequential_percent", w.sequential_percent},
                                  {"max_write_sectors", w.max_write_sectors},
                                  {"volume_sectors", w.volume_sectors},
                                  {"max_writes_per_process", w.max_writes_per_process}}}};
    return j.dump();
}

} // namespace bucketscope::store
