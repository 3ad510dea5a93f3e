// Session store throughput (issue 6): events per second into SQLite through the batching
// writer, and the deterministic engine's speed with session logging on versus off.
#include "core/device/ram_device.h"
#include "core/engine/engine.h"
#include "core/store/engine_recorder.h"
#include "core/store/session_store.h"

#include <benchmark/benchmark.h>
#include <filesystem>
#include <unistd.h>

namespace bucketscope::store {
namespace {

std::string fresh_db(const char* tag) {
    const auto p =
        std::filesystem::temp_directory_path() /
        (std::string("bucketscope-bench-") + tag + "-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(p);
    std::filesystem::remove(p.string() + "-wal");
    std::filesystem::remove(p.string() + "-shm");
    return p.string();
}

// Events are produced as fast as record_events() accepts them, in batches of 1000 as a
// pump hands them over, and counted once committed: the rate is what SQLite sustains, not
// what the queue swallows.
void BM_StoreEvents(benchmark::State& state) {
    const auto db = fresh_db("events");
    StoreOptions opts;
    opts.queue_capacity = 1 << 20;
    SessionStore store(db, opts);
    store.begin_session({"ram:bench", "{}", "{}", "v6.2", "bench", "bench"});
    const int total = static_cast<int>(state.range(0));
    constexpr int kBatch = 1000;
    uint64_t seq = 0;
    for (auto _ : state) {
        for (int i = 0; i < total; i += kBatch) {
            auto batch = store.event_buffer();
            for (int j = 0; j < kBatch; ++j, ++seq) {
                EngineEvent e;
                e.seq = seq;
                e.clock_ns = seq * 100;
                e.kind = seq % 2 ? EventKind::Alloc : EventKind::Invalidate;
                e.bucket = seq & 0xffff;
                e.task = 1;
                batch.push_back(e);
            }
            store.record_events(std::move(batch));
        }
        store.flush();
    }
    state.SetItemsProcessed(int64_t(state.iterations()) * total);
    state.counters["dropped"] = double(store.dropped());
    store.end_session("completed");
    std::filesystem::remove(db);
}
BENCHMARK(BM_StoreEvents)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

EngineOptions engine_options() {
    EngineOptions o;
    o.geometry.nbuckets = 16384;
    o.geometry.bucket_size = 256;
    o.geometry.block_size = 8;
    o.seed = 1;
    return o;
}

// The same deterministic run with state.range(0) == 1 recording everything into a session
// (events, metrics every 10 ms and snapshots every second of engine time) and 0 without.
void BM_EngineLogging(benchmark::State& state) {
    const bool logging = state.range(0) != 0;
    const auto o = engine_options();
    const auto db = fresh_db("engine");
    std::unique_ptr<SessionStore> store;
    if (logging)
        store = std::make_unique<SessionStore>(db);
    uint64_t steps = 0;
    for (auto _ : state) {
        state.PauseTiming();
        RamDevice dev(o.geometry.nbuckets * (uint64_t(o.geometry.bucket_size) << 9));
        std::string why;
        auto engine = Engine::create({&dev}, o, &why);
        std::unique_ptr<EngineRecorder> rec;
        if (logging) {
            store->begin_session(describe_session(*engine, dev.name(), "{}", "bench"));
            rec = std::make_unique<EngineRecorder>(*engine, *store);
        }
        state.ResumeTiming();
        for (int i = 0; i < 200; ++i) {
            steps += engine->step(1000);
            if (rec)
                rec->pump();
        }
        if (logging) {
            state.PauseTiming();
            rec->finish("completed");
            state.ResumeTiming();
        }
    }
    state.SetItemsProcessed(int64_t(steps));
    store.reset();
    std::filesystem::remove(db);
}
BENCHMARK(BM_EngineLogging)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace
} // namespace bucketscope::store

BENCHMARK_MAIN();
