// Trace replay speed (issue 5): requests per second through the whole request path — trace
// reader, deterministic scheduler, cache_lookup, cache_miss inserts with alloc_sectors, the
// allocator, prio writes, GC — on a RAM cache, next to libCacheSim's figures for the same
// traces (../shared/tools/README.md), with the hit ratios of both.
//
// The traces are ../shared/tools/gen_trace.py's zipf traces of 512 KiB objects, generated
// once into the build tree (bench/traces/). A cache of share% of the distinct objects is
// ram:(objects x 512 KiB + the superblock bucket), formatted as make-bcache would with 512
// KiB buckets. One iteration replays the whole trace; CPU time is what is reported.
//
//   bucketscope-bench-replay                         the 1M-request traces
//   bucketscope-bench-replay --large                 also the 10M-request ones
//   bucketscope-bench-replay --benchmark_filter=fifo only FIFO
//   bucketscope-bench-replay --digest [--large]      no timing: one line per configuration
//                                                    with a hash of every event and of the
//                                                    final metrics, to show that a speed-up
//                                                    left the engine's behaviour unchanged
#include "core/workload/huge_page_heap.h"
#include "core/workload/ram_target.h"
#include "core/workload/replay.h"

#include <benchmark/benchmark.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

namespace bucketscope {
namespace {

struct TraceKind {
    const char* name;     // file name under bench/traces
    const char* gen_args; // gen_trace.py arguments
    uint64_t distinct;    // distinct objects (gen_trace.py prints them)
    bool large;
};

const TraceKind kTraces[] = {
    {"zipf1.0_1M_100k.oracleGeneral", "--kind zipf -n 1000000 -m 100000", 80700, false},
    {"zipf1.0_10M_1M.oracleGeneral", "--kind zipf -n 10000000 -m 1000000", 763399, true},
};

// libCacheSim aa0fc40 on the same traces (../shared/tools/README.md): hit ratio and M req/s.
struct Reference {
    const char* trace;
    unsigned share_percent;
    ReplacementPolicy policy;
    double hit_ratio;
    double mreq_per_s;
};
const Reference kReference[] = {
    {"zipf1.0_1M_100k.oracleGeneral", 10, ReplacementPolicy::Lru, 0.7135, 9.5},
    {"zipf1.0_1M_100k.oracleGeneral", 10, ReplacementPolicy::Fifo, 0.6771, 9.5},
    {"zipf1.0_1M_100k.oracleGeneral", 1, ReplacementPolicy::Lru, 0.4857, 10},
    {"zipf1.0_1M_100k.oracleGeneral", 1, ReplacementPolicy::Fifo, 0.4443, 10},
    {"zipf1.0_10M_1M.oracleGeneral", 1, ReplacementPolicy::Lru, 0.5635, 8.8},
    {"zipf1.0_10M_1M.oracleGeneral", 1, ReplacementPolicy::Fifo, 0.5283, 7.5},
    {"zipf1.0_10M_1M.oracleGeneral", 10, ReplacementPolicy::Lru, 0.7541, 5.9},
    {"zipf1.0_10M_1M.oracleGeneral", 10, ReplacementPolicy::Fifo, 0.7234, 5.6},
};

std::string trace_path(const TraceKind& t) {
    const std::string dir = std::string(BUCKETSCOPE_BENCH_DIR) + "/traces";
    const std::string path = dir + "/" + t.name;
    if (std::filesystem::exists(path))
        return path;
    std::filesystem::create_directories(dir);
    const std::string tmp = path + ".tmp" + std::to_string(::getpid());
    std::fprintf(stderr, "generating %s with gen_trace.py ...\n", path.c_str());
    const std::string cmd = std::string("python3 ") + BUCKETSCOPE_SHARED_DIR +
                            "/tools/gen_trace.py " + t.gen_args + " -o " + tmp;
    if (std::system(cmd.c_str()) != 0)
        return {};
    std::filesystem::rename(tmp, path);
    return path;
}

// A RAM cache of share% of the trace's objects with the reference's policy, and an engine
// replaying the trace on it as `replay` does on a RAM target.
struct Rig {
    workload::CacheTarget target;
    std::shared_ptr<workload::RequestSource> src;
    std::unique_ptr<Engine> engine;
};

std::string make_rig(const std::string& path, const TraceKind& t, const Reference& ref,
                     size_t event_capacity, Rig& rig) {
    const uint64_t objects = t.distinct * ref.share_percent / 100;
    workload::RamTargetOptions ro;
    ro.size_bytes = (objects + 1) * 512 * 1024;
    ro.policy = ref.policy;
    if (auto s = workload::make_ram_target(ro, rig.target); !s)
        return s.message;
    workload::TraceOptions to;
    to.format = workload::TraceFormat::Oracle;
    rig.src = workload::open_trace_source(path, to);
    EngineOptions o;
    o.source = rig.src;
    o.event_capacity = event_capacity;
    o.data_payload = false; // as `replay` on a RAM target: metadata written, data timed
    std::string why;
    rig.engine = workload::create_engine(rig.target, o, &why);
    return rig.engine ? std::string() : why;
}

void BM_Replay(benchmark::State& state, const TraceKind* t, const Reference* ref) {
    const std::string path = trace_path(*t);
    if (path.empty()) {
        state.SkipWithError("gen_trace.py failed");
        return;
    }
    const uint64_t objects = t->distinct * ref->share_percent / 100;
    workload::ReplayResult last;
    // Only the replay is timed: the rig is built and torn down (the cache's pages, the index,
    // the engine's tasks) with the timer paused, the previous iteration's at the top of the
    // next one and the last one's after the loop.
    std::unique_ptr<Rig> rig;
    for (auto _ : state) {
        state.PauseTiming();
        rig = std::make_unique<Rig>();
        if (std::string why = make_rig(path, *t, *ref, 1, *rig); !why.empty()) {
            state.SkipWithError(why.c_str());
            return;
        }
        workload::ReplayOptions ropts;
        ropts.samples = 0;
        state.ResumeTiming();
        last = workload::replay(*rig->engine, *rig->src, ropts);
    }
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(last.metrics.requests));
    state.counters["hit_ratio"] = last.metrics.hit_ratio();
    state.counters["libcachesim_hit_ratio"] = ref->hit_ratio;
    state.counters["libcachesim_Mreq_s"] = ref->mreq_per_s;
    state.counters["cache_objects"] = double(objects);
    state.counters["prio_writes"] = double(last.metrics.prio_writes);
    state.counters["gc_runs"] = double(last.metrics.gc_runs);
}

// FNV-1a over the bytes of trivially copyable values.
struct Digest {
    uint64_t h = 1469598103934665603ull;
    template <class T> void add(const T& v) {
        const auto* p = reinterpret_cast<const unsigned char*>(&v);
        for (size_t i = 0; i < sizeof v; ++i)
            h = (h ^ p[i]) * 1099511628211ull;
    }
};

// Every event's fields (padding excluded) and the final metrics that count work.
int print_digest(const TraceKind& t, const Reference& ref, const std::string& name) {
    const std::string path = trace_path(t);
    Rig rig;
    if (std::string why =
            path.empty() ? "gen_trace.py failed" : make_rig(path, t, ref, 1u << 20, rig);
        !why.empty()) {
        std::fprintf(stderr, "%s: %s\n", name.c_str(), why.c_str());
        return 1;
    }
    Digest d;
    uint64_t events = 0;
    std::vector<EngineEvent> batch;
    workload::ReplayOptions ropts;
    ropts.samples = 0;
    ropts.on_progress = [&](double, const EngineMetrics&) {
        batch.clear();
        rig.engine->poll_events(batch);
        for (const EngineEvent& e : batch) {
            d.add(e.seq), d.add(e.clock_ns), d.add(e.bucket), d.add(e.value);
            d.add(e.kind), d.add(e.dev), d.add(e.reserve), d.add(e.task);
        }
        events += batch.size();
    };
    const workload::ReplayResult r = workload::replay(*rig.engine, *rig.src, ropts);
    const EngineMetrics& m = r.metrics;
    for (uint64_t v :
         {m.requests, m.cache_hits, m.cache_misses, m.prio_writes, m.gc_runs, m.clock_ns, r.steps})
        d.add(v);
    std::printf("%-28s events %llu dropped %llu hit_ratio %.4f digest %016llx\n", name.c_str(),
                static_cast<unsigned long long>(events),
                static_cast<unsigned long long>(rig.engine->events_dropped()), m.hit_ratio(),
                static_cast<unsigned long long>(d.h));
    return 0;
}

} // namespace
} // namespace bucketscope

int main(int argc, char** argv) {
    using namespace bucketscope;
    // As bucketscope-cli replay does: the figures are the ones a user gets.
    workload::reexec_with_huge_page_heap(argv);
    bool large = false, digest = false;
    std::vector<char*> args;
    for (int i = 0; i < argc; ++i) {
        if (std::string(argv[i]) == "--large")
            large = true;
        else if (std::string(argv[i]) == "--digest")
            digest = true;
        else
            args.push_back(argv[i]);
    }
    for (const Reference& r : kReference) {
        const TraceKind* t = nullptr;
        for (const TraceKind& k : kTraces)
            if (std::string(k.name) == r.trace)
                t = &k;
        if (!t || (t->large && !large))
            continue;
        const std::string name = std::string("replay/") + (t->large ? "10M_1M" : "1M_100k") + "/" +
                                 std::to_string(r.share_percent) + "%/" + to_string(r.policy);
        if (digest) {
            if (print_digest(*t, r, name) != 0)
                return 1;
            continue;
        }
        benchmark::RegisterBenchmark(name.c_str(), BM_Replay, t, &r)
            ->Iterations(1)
            ->Unit(benchmark::kSecond);
    }
    if (digest)
        return 0;
    int n = static_cast<int>(args.size());
    benchmark::Initialize(&n, args.data());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
