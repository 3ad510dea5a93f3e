// The timed loops. Both sides of a pair run the same loop around a different call, on the
// same Rig (the reference works on the engine's bucket vector), so they do identical work:
// - invalidate passes: one pass per iteration; the victims are restored from the pristine
//   state and free_inc emptied with the timer paused, so every pass sees the same state
//   (FIFO keeps its cursor moving, so successive passes walk through the whole cache);
// - rescale: a forced rescale per iteration (the budget is set to 0, then 1 sector is
//   charged); every 256 iterations the prios are restored, timer paused, long before the
//   ~1..32768 generated prios could decay to 0 and change the work;
// - push: kOps pushes per iteration through a ring of bucket numbers; when every reserve
//   is full the four lists are emptied and the push retried, on both sides alike;
// - fastpath: BTREE, PRIO and MOVINGGC are filled first, then each cycle pushes a bucket
//   (which falls through to free[NONE]) and bch_bucket_alloc(NONE) takes it straight back:
//   the allocator and a writer trading buckets in steady state.

#include "bench/alloc_bench.h"

#include <benchmark/benchmark.h>

#include <memory>

#include "bench/rig.h"

namespace bucketscope::bench {

namespace {

constexpr unsigned kOps = 4096;            // pushes or cycles per iteration
constexpr unsigned kRescaleRestoreEvery = 256;

enum class Side { Engine, Reference };

// One state alive at a time: the benchmarks are registered size by size.
Rig& rig_for(uint64_t nbuckets) {
    static std::unique_ptr<Rig> rig;
    if (!rig || rig->nbuckets() != nbuckets) {
        rig.reset();
        rig = std::make_unique<Rig>(nbuckets, Sharing::SameBuckets);
    }
    rig->reset();
    return *rig;
}

uint64_t fifo_examined(uint64_t before, uint64_t after, uint64_t nbuckets) {
    if (before < kFirstBucket || before >= nbuckets)
        before = kFirstBucket;
    return after >= before ? after - before : (nbuckets - before) + (after - kFirstBucket);
}

void bm_invalidate(benchmark::State& st, ReplacementPolicy policy, Side side) {
    Rig& rig = rig_for(static_cast<uint64_t>(st.range(0)));
    Cache& ca = rig.cache();
    ref_cache& rca = rig.rcache();
    ca.policy = policy;
    uint64_t items = 0;
    for (auto _ : st) {
        const uint64_t cursor = side == Side::Engine ? ca.fifo_last_bucket : rca.fifo_last_bucket;
        if (side == Side::Engine) {
            invalidate_buckets(rig.set(), ca);
        } else if (policy == ReplacementPolicy::Lru) {
            ref_invalidate_buckets_lru(&rca);
        } else if (policy == ReplacementPolicy::Fifo) {
            ref_invalidate_buckets_fifo(&rca);
        } else {
            ref_invalidate_buckets_random(&rca);
        }

        st.PauseTiming();
        switch (policy) {
        case ReplacementPolicy::Lru: items += rig.nbuckets() - kFirstBucket; break;
        case ReplacementPolicy::Fifo:
            items += fifo_examined(cursor,
                                   side == Side::Engine ? ca.fifo_last_bucket
                                                        : rca.fifo_last_bucket,
                                   rig.nbuckets());
            break;
        case ReplacementPolicy::Random:
            items += side == Side::Engine ? ca.free_inc.used() : ref_fifo_used(&rca.free_inc);
            break;
        }
        if (side == Side::Engine)
            rig.undo_engine_pass();
        else
            rig.undo_reference_pass();
        st.ResumeTiming();
    }
    st.SetItemsProcessed(static_cast<int64_t>(items));
}

void bm_rescale(benchmark::State& st, Side side) {
    Rig& rig = rig_for(static_cast<uint64_t>(st.range(0)));
    unsigned n = 0;
    for (auto _ : st) {
        if (side == Side::Engine) {
            rig.set().rescale = 0;
            bch_rescale_priorities(rig.set(), 1);
        } else {
            rig.rset().rescale = 0;
            ref_rescale_priorities(&rig.rset(), 1);
        }
        if (++n % kRescaleRestoreEvery == 0) {
            st.PauseTiming();
            rig.reset();
            st.ResumeTiming();
        }
    }
    st.SetItemsProcessed(static_cast<int64_t>(st.iterations()) *
                         static_cast<int64_t>(rig.nbuckets() - kFirstBucket));
}

void clear_reserves(Rig& rig, Side side) {
    for (int i = 0; i < RESERVE_NR; ++i) {
        if (side == Side::Engine)
            rig.cache().free[i].clear();
        else
            ref_fifo_clear(&rig.rcache().free[i]);
    }
}

bool push(Rig& rig, Side side, uint64_t bucket) {
    return side == Side::Engine ? bch_allocator_push(rig.cache(), bucket)
                                : ref_allocator_push(&rig.rcache(), bucket) != 0;
}

void bm_push(benchmark::State& st, Side side) {
    Rig& rig = rig_for(static_cast<uint64_t>(st.range(0)));
    uint64_t next = 0;
    for (auto _ : st) {
        for (unsigned i = 0; i < kOps; ++i) {
            const uint64_t bucket = kFirstBucket + (next++ % kOps);
            if (!push(rig, side, bucket)) {
                clear_reserves(rig, side);
                push(rig, side, bucket);
            }
        }
    }
    st.SetItemsProcessed(static_cast<int64_t>(st.iterations()) * kOps);
}

void bm_fastpath(benchmark::State& st, Side side) {
    Rig& rig = rig_for(static_cast<uint64_t>(st.range(0)));
    // The ring of buckets the cycles trade: pinned once, as invalidation leaves them.
    for (unsigned i = 0; i < kOps; ++i)
        rig.cache().buckets[kFirstBucket + i].pin = 1;
    uint64_t next = 0;
    while (push(rig, side, kFirstBucket + (next++ % kOps))) {
    }
    if (side == Side::Engine)
        rig.cache().free[RESERVE_NONE].clear();
    else
        ref_fifo_clear(&rig.rcache().free[REF_RESERVE_NONE]);

    for (auto _ : st) {
        // Keep the v6 in_use update on the path: avail_nbuckets would reach 0 otherwise.
        rig.set().avail_nbuckets = rig.nbuckets();
        rig.rset().avail_nbuckets = rig.nbuckets();
        for (unsigned i = 0; i < kOps; ++i) {
            const uint64_t bucket = kFirstBucket + (next++ % kOps);
            push(rig, side, bucket);
            if (side == Side::Engine) {
                auto got = bch_bucket_alloc(rig.set(), rig.cache(), RESERVE_NONE);
                benchmark::DoNotOptimize(got);
            } else {
                long got = ref_bucket_alloc(&rig.rcache(), REF_RESERVE_NONE);
                benchmark::DoNotOptimize(got);
            }
        }
    }
    st.SetItemsProcessed(static_cast<int64_t>(st.iterations()) * kOps);
}

void register_pair(const std::string& family, uint64_t nbuckets, auto&& fn) {
    for (Side side : {Side::Engine, Side::Reference}) {
        const std::string name = family + (side == Side::Engine ? "/engine" : "/reference");
        benchmark::RegisterBenchmark(name.c_str(),
                                     [fn, side](benchmark::State& st) { fn(st, side); })
            ->Arg(static_cast<int64_t>(nbuckets))
            ->Unit(benchmark::kMicrosecond);
    }
}

} // namespace

const std::vector<Family>& families() {
    static const std::vector<Family> f = {
        {"lru", "bucket scanned", true, 0},
        {"fifo", "bucket examined", true, 0},
        {"random", "victim", true, 0},
        {"rescale", "bucket scanned", true, 0},
        {"push", "push", false, 10},
        {"fastpath", "push+alloc cycle", false, 10},
    };
    return f;
}

void register_alloc_benchmarks(const std::vector<uint64_t>& sizes) {
    for (uint64_t n : sizes) {
        register_pair("lru", n, [](benchmark::State& st, Side s) {
            bm_invalidate(st, ReplacementPolicy::Lru, s);
        });
        register_pair("fifo", n, [](benchmark::State& st, Side s) {
            bm_invalidate(st, ReplacementPolicy::Fifo, s);
        });
        register_pair("random", n, [](benchmark::State& st, Side s) {
            bm_invalidate(st, ReplacementPolicy::Random, s);
        });
        register_pair("rescale", n, bm_rescale);
        register_pair("push", n, bm_push);
        register_pair("fastpath", n, bm_fastpath);
    }
}

} // namespace bucketscope::bench
