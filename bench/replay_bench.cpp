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
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "core/workload/ram_target.h"
#include "core/workload/replay.h"

namespace bucketscope {
namespace {

struct TraceKind {
    const char* name;       // file name under bench/traces
    const char* gen_args;   // gen_trace.py arguments
    uint64_t distinct;      // distinct objects (gen_trace.py prints them)
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
    const std::string cmd = std::string("python3 ") + BUCKETSCOPE_SHARED_DIR + "/tools/gen_trace.py " +
                            t.gen_args + " -o " + tmp;
    if (std::system(cmd.c_str()) != 0)
        return {};
    std::filesystem::rename(tmp, path);
    return path;
}

void BM_Replay(benchmark::State& state, const TraceKind* t, const Reference* ref) {
    const std::string path = trace_path(*t);
    if (path.empty()) {
        state.SkipWithError("gen_trace.py failed");
        return;
    }
    const uint64_t objects = t->distinct * ref->share_percent / 100;
    workload::ReplayResult last;
    for (auto _ : state) {
        state.PauseTiming();
        workload::RamTargetOptions ro;
        ro.size_bytes = (objects + 1) * 512 * 1024;
        ro.policy = ref->policy;
        workload::CacheTarget target;
        if (auto s = workload::make_ram_target(ro, target); !s) {
            state.SkipWithError(s.message.c_str());
            return;
        }
        workload::TraceOptions to;
        to.format = workload::TraceFormat::Oracle;
        std::shared_ptr<workload::RequestSource> src = workload::open_trace_source(path, to);
        EngineOptions o;
        o.source = src;
        o.event_capacity = 1;
        o.data_payload = false; // as `replay` on a RAM target: metadata written, data timed
        std::string why;
        auto engine = workload::create_engine(target, o, &why);
        if (!engine) {
            state.SkipWithError(why.c_str());
            return;
        }
        workload::ReplayOptions ropts;
        ropts.samples = 0;
        state.ResumeTiming();
        last = workload::replay(*engine, *src, ropts);
    }
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(last.metrics.requests));
    state.counters["hit_ratio"] = last.metrics.hit_ratio();
    state.counters["libcachesim_hit_ratio"] = ref->hit_ratio;
    state.counters["libcachesim_Mreq_s"] = ref->mreq_per_s;
    state.counters["cache_objects"] = double(objects);
    state.counters["prio_writes"] = double(last.metrics.prio_writes);
    state.counters["gc_runs"] = double(last.metrics.gc_runs);
}

} // namespace
} // namespace bucketscope

int main(int argc, char** argv) {
    using namespace bucketscope;
    bool large = false;
    std::vector<char*> args;
    for (int i = 0; i < argc; ++i) {
        if (std::string(argv[i]) == "--large")
            large = true;
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
        benchmark::RegisterBenchmark(name.c_str(), BM_Replay, t, &r)
            ->Iterations(1)
            ->Unit(benchmark::kSecond);
    }
    int n = static_cast<int>(args.size());
    benchmark::Initialize(&n, args.data());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
