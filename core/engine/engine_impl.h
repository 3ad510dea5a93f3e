#pragma once
// Engine::Impl: everything the facade owns, shared by engine.cpp (the facade),
// registration.cpp (bringing a new cache set up) and snapshot_builder.cpp. Internal.

#include <memory>
#include <vector>

#include "core/workload/request_source.h"

#include "core/engine/allocator_task.h"
#include "core/engine/engine.h"
#include "core/engine/invariant_hook.h"
#include "core/engine/journal_writer.h"
#include "core/engine/prio_writer.h"
#include "core/engine/request_state.h"
#include "core/engine/runtime.h"
#include "core/engine/scheduler.h"
#include "core/index/extent_index.h"

namespace bucketscope {

struct Engine::Impl {
    EngineOptions opts;
    std::vector<Device*> devices;
    CacheSet c;
    std::unique_ptr<ExtentIndex> index;
    std::unique_ptr<RequestPathState> requests;
    // The built-in workload's per-process sources (empty when opts.source feeds the path).
    std::vector<std::unique_ptr<workload::RequestSource>> builtin;
    std::unique_ptr<Runtime> rt;
    std::unique_ptr<JournalWriter> journal;
    std::vector<std::unique_ptr<PrioWriter>> prio;   // per cache
    std::unique_ptr<Scheduler> sched;
    std::vector<AllocatorTask*> allocators;          // per cache, owned by sched
    std::vector<std::vector<uint64_t>> initial_seeded; // bch_initial_gc_finish's buckets
    StepHook hook;
    std::unique_ptr<InvariantHook> checks; // EngineOptions::check_invariants
    uint64_t snapshot_seq = 0;

    // Runs one task's steps (registration, lock held, no threads yet) until it blocks or
    // finishes, performing its I/O at once. Returns the steps it ran.
    uint64_t run_until_blocked(Task& t);
};

// 4.3: brings a freshly built cache set up as the kernel's first registration does.
// bucket_lock held (nothing else runs yet). False with `why` on failure.
bool register_new_cache_set(Engine::Impl& e, std::string* why);

// Builds the snapshot of cache `dev`; bucket_lock held.
BucketSnapshot build_snapshot(const Engine::Impl& e, unsigned dev);

} // namespace bucketscope
