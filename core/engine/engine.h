#pragma once
// The engine facade: a bcache cache set running on one Device per cache, with the kernel's
// "processes" — one allocator task per cache, the GC task, the built-in write workload —
// as resumable step functions.
//
// Each task's step() runs until it would block (allocator_wait, bucket_wait, gc_wait, ...)
// and returns what it waits for. Two ways to drive the same step functions:
//   * Deterministic: one thread, a seeded scheduler picks the next runnable task and a
//     virtual clock charges CPU and I/O costs. Same options and seed, same event sequence
//     bit for bit. Tests, teaching (single-stepping) and replay use it.
//   * Threaded: each task on its own std::thread, a real std::mutex standing in for
//     bucket_lock and condition variables for bucket_wait, btree_cache_wait, gc_wait and
//     the allocator wake-up. start() / pause() / resume() / stop().
// Both keep the invariants of allocator-semantics.md section 7.
//
// Construction registers the cache set as the kernel does for a brand-new cache (4.3):
// journal buckets, initial GC finish, first prio write, uuid bucket, root node, CACHE_SYNC,
// first journal entry — all written to the Device in the kernel's formats.
//
// Thread rules, per method below. "Any thread" methods take bucket_lock themselves and may
// be called while the threaded engine runs; they never wait for a task to reach a
// particular state. Observers (snapshot, metrics, events) never block the engine for
// longer than one copy.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/alloc/cache.h"
#include "core/device/device.h"
#include "core/device/progress.h"
#include "core/engine/events.h"
#include "core/engine/metrics.h"
#include "core/engine/request_options.h"
#include "core/engine/snapshot.h"

namespace bucketscope {

class ExtentIndex;
struct GcRoots;

// One piece of a write whose key is journalled: acknowledged (Engine::poll_acks) once the
// journal entry holding the key is durable.
struct AckedWrite {
    uint64_t inode = 0;
    uint64_t start = 0; // logical sector
    uint64_t sectors = 0;
    uint64_t write_id = 0; // what the data sectors' headers name (core/ondisk/data_sector.h)
    bool dirty = false;
    uint64_t journal_seq = 0;
};

enum class RunMode : uint8_t { Deterministic, Threaded };
const char* to_string(RunMode m);

// The built-in write workload: `processes` tasks, each with its own write point and its own
// seeded generator, issuing writes of random sizes (and reads) to one volume each.
struct WorkloadParams {
    unsigned processes = 4;
    // Percent of processes writing to a flash-only volume; the rest write to a cached
    // (backing) device, whose requests rescale prios (allocator-semantics.md 2.2).
    unsigned flash_only_percent = 25;
    unsigned read_percent = 25;       // of requests
    unsigned sequential_percent = 50; // writes that continue where the process left off
    uint32_t max_write_sectors = 128; // writes are 1..max blocks, rounded to block_size
    // Address space per volume in sectors; 0 = twice the cache's data capacity, so the
    // cache is always under eviction pressure.
    uint64_t volume_sectors = 0;
    // Stop issuing requests after this many writes per process (0 = never); the tasks then
    // finish, which lets threaded runs end after a bounded amount of work.
    uint64_t max_writes_per_process = 0;
};

// Virtual-clock costs (deterministic mode). Threaded mode measures real time instead.
struct IoCosts {
    uint64_t step_ns = 100;           // CPU cost of one task step
    uint64_t io_latency_ns = 20'000;  // per read/write request
    uint64_t ns_per_sector = 250;     // transfer
    uint64_t discard_ns = 50'000;
    uint64_t flush_ns = 100'000;
    uint64_t gc_ns_per_bucket = 20;   // GC mark + finish, per bucket
    // The backing (cached) device behind the cache: a disk, slower than the cache.
    uint64_t backing_latency_ns = 200'000;
    uint64_t backing_ns_per_sector = 2'000;
};

struct EngineOptions {
    CacheGeometry geometry; // of every cache; nbuckets, bucket_size, block_size, first_bucket
    unsigned ncaches = 1;   // v4.6: 1..8; v6.2: exactly 1
    ReplacementPolicy policy = ReplacementPolicy::Lru;
    KernelProfile profile = KernelProfile::V6_2;
    uint64_t seed = 1;
    bool discard = false;
    // Informational for front ends: a Threaded engine is driven with start()/stop(), a
    // Deterministic one with step()/run_for(). step() refuses while threads run.
    RunMode mode = RunMode::Deterministic;
    // The built-in workload, used when no request source is given.
    WorkloadParams workload;
    // The request path's settings (cache mode, sequential cutoff, writeback, queue depth).
    RequestPathOptions requests;
    // Feeds the request path instead of the built-in workload: a trace or a generator
    // (core/workload/request_source.h). Shared so the caller can watch its progress; the
    // engine pulls from it under bucket_lock.
    std::shared_ptr<workload::RequestSource> source;
    IoCosts costs;
    size_t event_capacity = 1u << 16;
    // Run the invariant checker (core/engine/checker.h) after every step and on every
    // allocator event; violations are collected, see Engine::violations(). O(nbuckets +
    // extents) per step: for tests and for the GUI's "check" toggle on small caches.
    bool check_invariants = false;
    // With check_invariants: the part that walks every extent (pointer ages, live pointers
    // in marked buckets, the index's structure) runs every this many steps and after every
    // GC; the bucket-state invariants still run after every step.
    uint32_t check_index_every = 1;
    // Write each data sector's self-describing payload (core/ondisk/data_sector.h) to the
    // cache device. Off: the data write is charged to the engine clock but not issued, so a
    // replay on a sparse RAM target of any size costs the memory of its metadata only (prio
    // sets, journal and btree nodes are still written in full).
    bool data_payload = true;
    // Read what a cache hit finds from the cache device, as cached_dev_read does, and check
    // each sector's header against the key (EngineMetrics::cache_read_*). Needs
    // data_payload. Off, a hit is charged to the engine clock only (RAM replays, sim).
    bool read_hits = false;
    // Rescale passes deferred (core/alloc/prio_clock.h): the kernel's results without a walk
    // over every bucket per pass. Off runs the kernel's walk; both give the same events.
    bool deferred_rescale = true;
    // Keep every acknowledged write for poll_acks() (what `run --ack-log` writes). Off by
    // default: nobody would drain them.
    bool record_acks = false;
};

// What a task was waiting for when the scheduler last saw it (for the GUI's task view).
enum class WaitOn : uint8_t {
    Runnable,
    AllocatorWake,  // allocator_wait(): push room, gc_mark_valid && !invalidate_needs_gc,
                    // prio_blocked == 0
    BucketWait,     // bch_bucket_alloc slow path / bch_alloc_sectors
    BtreeCacheWait, // metadata allocation
    GcWait,         // GC thread idle
    Io,             // an I/O in flight (threaded mode, lock dropped)
    Journal,        // a journal entry to become durable, or room in the open one
    BtreeWrite,     // the btree writer: a split, a node rewrite or a leaf flush
    Done,           // workload finished or engine stopped
    Sleep,          // schedule_timeout: until a point on the engine clock (writeback rate)
    WritebackWait,  // writeback thread idle: no dirty data
};
const char* to_string(WaitOn w);

struct TaskInfo {
    std::string name; // "bcache_allocator/0", "bcache_gc", "writer/2"
    WaitOn wait = WaitOn::Runnable;
    uint64_t steps = 0;
};

// What opening a formatted device may change in its superblock (as writing sysfs
// cache_replacement_policy / discard does); unset keeps the superblock's.
struct DeviceSettings {
    std::optional<ReplacementPolicy> policy;
    std::optional<bool> discard;
};

class Engine {
  public:
    // Creates the cache set on `devices` (one per cache, not owned; they must outlive the
    // engine and be at least nbuckets * bucket_size sectors) and registers it as a new
    // cache. Returns nullptr and sets `why` for geometry the kernel refuses (nbuckets <=
    // 512, bucket smaller than a block, ...), for too small devices and for I/O errors.
    static std::unique_ptr<Engine> create(std::vector<Device*> devices,
                                          const EngineOptions& opts, std::string* why);
    // Registers the cache on `device` (not owned; must outlive the engine), which
    // bucketscope `format` or make-bcache formatted, as run_cache_set does: without
    // CACHE_SYNC as a new cache (4.3: journal buckets, prios, uuids, root, first journal
    // entry), with it from what the device holds (4.2: newest journal entry, prio chain,
    // btree read and checked, initial GC, journal replay). Either way the superblock is
    // then rewritten (seq + 1, version 3 at least, last_mount, policy and discard).
    // Geometry, set magic, policy and discard come from the superblock; `opts` gives the
    // rest (profile, seed, workload, costs, mode); opts.geometry and opts.ncaches are
    // ignored. One device per set (nr_in_set 1). nullptr with `why` naming the device and
    // what is wrong on failure; nothing is written before the superblock has been read and
    // found good. `progress` hears "journal", "prio sets" and "btree" as inspect reports
    // them, then "journal replay" (keys replayed of all); a cancel during the reads, which
    // write nothing, makes open fail with kCancelledMessage; one asked for later takes
    // effect once the engine is open (the caller closes it).
    static std::unique_ptr<Engine> open(Device& device, const EngineOptions& opts,
                                        const DeviceSettings& settings, std::string* why,
                                        Progress* progress = nullptr);
    ~Engine(); // stops the threaded engine if it runs
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    const EngineOptions& options() const;

    // --- running (deterministic mode; caller's thread, not while threaded tasks run) ----
    // Runs up to `n` task steps; returns how many ran. Fewer than `n` means every task is
    // blocked or done (see tasks()).
    uint64_t step(uint64_t n = 1);
    // Runs steps until the virtual clock has advanced by `ns` or nothing is runnable.
    uint64_t run_for(uint64_t ns);
    // Runs until the workload has made `allocations` bucket allocations in total (all
    // reserves) or nothing is runnable; returns the steps run.
    uint64_t run_until_allocations(uint64_t allocations);
    // Runs up to `n` steps, stopping as soon as every workload task is done (its source ran
    // dry), so the other tasks do not run on past the end of a replay; returns the steps.
    uint64_t step_workload(uint64_t n);

    // --- durability (caller's thread; not while threaded tasks run) ---------------------
    // Makes every key inserted so far durable: the journal writes its open entry. Runs
    // only the kernel's own tasks (allocators, GC, journal, btree writer), never the
    // workload. False once the cache set has stopped on an I/O error.
    bool sync();
    // Clean stop (cache_set_flush): stops the threads if they run, writes every btree
    // node holding unwritten keys and then a journal entry with nothing left to replay.
    // The engine can still be observed afterwards. False with `why` on an I/O error.
    bool close(std::string* why = nullptr);

    // --- running (threaded mode; one controlling thread) --------------------------------
    void start();  // spawns one thread per task; no-op if running
    void pause();  // tasks finish their current step and park; returns once all parked
    void resume();
    void stop();   // wakes every waiter, joins the threads; the engine can be inspected
    bool running() const;
    // Blocks the caller until every workload task is Done (max_writes_per_process reached)
    // or stop() was called. Threaded mode only.
    void wait_workload_done();
    // Whether every workload task has finished (its source ran dry). Any thread.
    bool workload_done() const;

    // --- commands (any thread) ------------------------------------------------------------
    // As writing sysfs cache_replacement_policy: applies to every cache from the next pass.
    void set_policy(ReplacementPolicy p);
    // As sysfs trigger_gc: sectors_to_gc = -1 and wake GC.
    void trigger_gc();
    // Invalidates `bucket` of cache `dev` into free_inc if the kernel would allow it
    // (bch_can_invalidate_bucket, marks valid, free_inc not full), or with no bucket runs
    // one invalidate pass now. Returns false (and says why) when refused.
    bool force_invalidate(unsigned dev, std::optional<uint64_t> bucket, std::string* why);
    // One bch_rescale_priorities pass now, whatever the rescale budget.
    void rescale();
    void set_discard(bool on);

    // --- observing (any thread) -----------------------------------------------------------
    SnapshotPtr snapshot(unsigned dev = 0) const;
    EngineMetrics metrics() const;
    // Buckets by mark and pin right now; O(nbuckets).
    BucketUsage bucket_usage() const;
    // Drains up to `max` events (one consumer thread at a time).
    size_t poll_events(std::vector<EngineEvent>& out, size_t max = SIZE_MAX);
    uint64_t events_dropped() const;
    std::vector<TaskInfo> tasks() const;
    uint64_t clock_ns() const;
    std::string last_error() const;

    // --- for tests and tools ------------------------------------------------------------
    // Called after every task step with bucket_lock held (both modes). The invariant
    // checker hangs here. Set before running.
    using StepHook = std::function<void(const CacheSet&)>;
    void set_step_hook(StepHook hook);
    // Runs `f` on the live cache set under bucket_lock. Any thread.
    void with_cache_set(const std::function<void(CacheSet&)>& f);
    // Same, with the index and the metadata locations GC and the checker need.
    void with_state(
        const std::function<void(CacheSet&, ExtentIndex&, const GcRoots&)>& f);
    // Buckets bch_initial_gc_finish seeded at registration, per cache (invariant 1's
    // exception). Fixed after create(); any thread.
    const std::vector<std::vector<uint64_t>>& initial_seeded() const;
    // The last journal entry's seq. Any thread.
    uint64_t journal_seq() const;
    // The set's magic (sb.set_magic): prio sets and jsets are stamped with it XOR their
    // own magic. Drawn from the seed. Any thread.
    uint64_t set_magic() const;
    // What open() found worth reporting (a torn prio set replaced by an older one, a torn
    // btree append ignored, ...). Fixed after open(); any thread.
    const std::vector<std::string>& notes() const;
    // Invariant violations found with options().check_invariants, oldest first, at most
    // the first 1000. Any thread.
    std::vector<std::string> violations() const;
    // Writes acknowledged since the last call (durable: their journal entry is on the
    // device), in the order their keys were inserted. Needs EngineOptions::record_acks.
    // Any thread.
    size_t poll_acks(std::vector<AckedWrite>& out);

    struct Impl;

  private:
    explicit Engine(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace bucketscope
