// The replay loop; see replay.h.
#include "core/workload/replay.h"

namespace bucketscope::workload {

namespace {
ReplaySample sample(Engine& e, const RequestSource& src) {
    const EngineMetrics m = e.metrics();
    ReplaySample s;
    s.requests = src.taken();
    s.clock_ns = m.clock_ns;
    s.hit_ratio = m.hit_ratio();
    s.in_use_percent = m.in_use_percent;
    s.dirty_sectors = m.dirty_sectors;
    s.usage = e.bucket_usage();
    return s;
}
} // namespace

ReplayResult replay(Engine& engine, const RequestSource& source, const ReplayOptions& opts) {
    ReplayResult r;
    unsigned next_sample = 1;
    for (;;) {
        const uint64_t ran = engine.step_workload(opts.slice_steps);
        r.steps += ran;
        const double p = source.progress();
        if (opts.samples && p >= 0) {
            while (next_sample <= opts.samples && p * opts.samples >= next_sample) {
                r.samples.push_back(sample(engine, source));
                ++next_sample;
            }
        }
        if (opts.on_progress)
            opts.on_progress(p, engine.metrics());
        if (engine.workload_done())
            break;
        if (ran < opts.slice_steps) {
            r.blocked = true;
            break;
        }
    }
    if (r.samples.empty() || r.samples.back().requests != source.taken())
        r.samples.push_back(sample(engine, source));
    r.metrics = engine.metrics();
    return r;
}

} // namespace bucketscope::workload
