#pragma once
// Engine::Impl: everything the facade owns, shared by engine.cpp (the facade),
// registration.cpp (bringing a new cache set up) and snapshot_builder.cpp. Internal.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/workload/request_source.h"

#include "core/engine/allocator_task.h"
#include "core/engine/btree_store.h"
#include "core/engine/engine.h"
#include "core/engine/invariant_hook.h"
#include "core/engine/journal_writer.h"
#include "core/engine/prio_writer.h"
#include "core/engine/request_state.h"
#include "core/engine/runtime.h"
#include "core/engine/scheduler.h"
#include "core/index/extent_index.h"
#include "core/ondisk/superblock.h"
#include "core/ondisk/uuid_entry.h"

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
    std::unique_ptr<BtreeStore> btree;
    std::vector<std::unique_ptr<PrioWriter>> prio;   // per cache
    std::unique_ptr<Scheduler> sched;
    std::vector<AllocatorTask*> allocators;          // per cache, owned by sched
    std::vector<std::vector<uint64_t>> initial_seeded; // bch_initial_gc_finish's buckets
    StepHook hook;
    // The superblock of an engine opened on a formatted device (Engine::open), as written.
    std::optional<ondisk::CacheSuperblock> sb;
    std::vector<std::string> notes; // what open found worth saying
    std::unique_ptr<InvariantHook> checks; // EngineOptions::check_invariants
    uint64_t snapshot_seq = 0;

    // Runs one task's steps (registration, lock held, no threads yet) until it blocks or
    // finishes, performing its I/O at once. Returns the steps it ran.
    uint64_t run_until_blocked(Task& t);
    // Writes the journal's open entry now, synchronously (registration and open, before
    // any task runs): flush, write, flush on every device. False with `why` on failure.
    bool write_journal_now(std::string* why);
    // Caches, index, runtime, journal, btree store, scheduler and allocator tasks, for a
    // set not registered yet. nullptr with `why` for options the kernel refuses.
    static std::unique_ptr<Impl> build(std::vector<Device*> devices, const EngineOptions& opts,
                                       std::string* why);
    // After registration: the GC, journal and btree writer tasks; then the workload; then
    // the invariant checks and the step hook.
    void add_kernel_tasks();
    void add_workload_tasks();
    void finish();
    // The scheduler's after-step hook, only while the checks or a step hook want one: an
    // empty hook costs the step loop no call. bucket_lock held.
    void install_after_step();
    // Steps the kernel's own tasks (never the workload) until `done` holds or none can
    // run; returns done(). bucket_lock held, no threads running.
    bool drive(const std::function<bool()>& done);
};

bool check_options(const std::vector<Device*>& devices, const EngineOptions& o,
                   std::string* why);

// The uuid entries of the engine's two volumes (slot = KEY_INODE): the cached volume and
// the flash-only one, labelled ENGINE_VOLUME_LABEL so `check` knows their data sectors
// describe themselves.
std::vector<ondisk::UuidEntry> engine_volumes(const EngineOptions& opts, uint64_t set_magic);

// 4.3: brings a freshly built cache set up as the kernel's first registration does.
// bucket_lock held (nothing else runs yet). False with `why` on failure.
bool register_new_cache_set(Engine::Impl& e, std::string* why);
// 4.2: brings a cache set up from what its device holds (e.sb has CACHE_SYNC): journal,
// prios, btree, initial GC, journal replay, then a flush so nothing is left to replay.
// Adds the kernel tasks on the way. bucket_lock held. False with `why` on failure.
bool load_cache_set(Engine::Impl& e, std::string* why);

// Builds the snapshot of cache `dev`; bucket_lock held.
BucketSnapshot build_snapshot(const Engine::Impl& e, unsigned dev);

} // namespace bucketscope
