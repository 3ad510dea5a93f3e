#pragma once
// What the engine's tasks share while they run: the cache set, its devices, the clock,
// the wait queues, the metrics and the event ring. Internal to core/engine.
//
// A task is the kernel's thread turned inside out. Its step() is called with bucket_lock
// held and returns at the first point where the kernel would drop the lock: to sleep on a
// wait queue (Block), to issue I/O (Io: the runner drops the lock, performs it and calls
// step() again with the result in io_status), to let others in (Yield) or for good (Done).
//
// Wait queues are generation counters. A task blocks on queue q remembering gen[q]; it is
// runnable again once gen[q] moved. wake(q) bumps the counter (and, in threaded mode,
// notifies the queue's condition variable). Because a task records the generation in the
// same lock hold in which it found its condition false, and every change of a waited-for
// condition is followed by a wake of its queue under the lock, no wake-up is lost — the
// same argument as prepare_to_wait() + schedule() in the kernel.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/alloc/alloc.h"
#include "core/device/device.h"
#include "core/engine/engine.h"
#include "core/engine/events.h"
#include "core/engine/metrics.h"
#include "core/gc/gc.h"
#include "core/index/extent_index.h"

namespace bucketscope {

// Wait queue ids: the set's queues, then one allocator wake-up per cache.
enum WaitQueue : unsigned {
    kBucketWait = 0,
    kBtreeCacheWait = 1,
    kGcWait = 2,
    kJournalWait = 3,  // journal entries became durable (or the journal failed)
    kJournalWork = 4,  // the journal task: an entry wants writing
    kBtreeWork = 5,    // the btree writer: nodes to split, rewrite or flush
    kBtreeDone = 6,    // the btree writer finished an operation
    kWritebackWait = 7, // the writeback thread, woken by bch_writeback_add
    kAllocatorWake0 = 8,
};

enum class IoOp : uint8_t { Write, Discard, Flush, Read };

struct IoRequest {
    IoOp op = IoOp::Write;
    unsigned dev = 0;
    uint64_t offset = 0; // bytes
    uint64_t length = 0; // bytes
    const std::byte* data = nullptr;
    std::byte* out = nullptr; // Read: where the bytes go
    // Write: data[zeros_from, length) is known to be zero (Device::write_zero_tail).
    uint64_t zeros_from = UINT64_MAX;
};

struct StepResult {
    enum class Kind : uint8_t { Yield, Block, Io, Done, Sleep };
    Kind kind = Kind::Yield;
    WaitOn wait = WaitOn::Runnable;
    unsigned queue = 0;
    IoRequest io;
    uint64_t cost_ns = 0; // extra virtual time this step took (GC, data I/O)
    uint64_t wake_ns = 0; // Sleep: when to run again

    static StepResult yield(uint64_t cost_ns = 0) {
        StepResult r;
        r.cost_ns = cost_ns;
        return r;
    }
    static StepResult block(WaitOn w, unsigned q) {
        StepResult r;
        r.kind = Kind::Block;
        r.wait = w;
        r.queue = q;
        return r;
    }
    static StepResult do_io(const IoRequest& io) {
        StepResult r;
        r.kind = Kind::Io;
        r.wait = WaitOn::Io;
        r.io = io;
        return r;
    }
    // schedule_timeout until `wake_ns` on the engine clock (deterministic mode skips idle
    // time to the earliest sleeper when nothing else can run).
    static StepResult sleep_until(uint64_t wake_ns) {
        StepResult r;
        r.kind = Kind::Sleep;
        r.wait = WaitOn::Sleep;
        r.wake_ns = wake_ns;
        return r;
    }
    static StepResult done() {
        StepResult r;
        r.kind = Kind::Done;
        r.wait = WaitOn::Done;
        return r;
    }
};

class Runtime;
class InvariantMonitor;
struct RequestPathState;
class JournalWriter;
class BtreeStore;


class Task {
  public:
    explicit Task(std::string name) : name_(std::move(name)) {}
    virtual ~Task() = default;
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;

    const std::string& name() const { return name_; }
    // bucket_lock held. See the file comment.
    virtual StepResult step(Runtime& rt) = 0;
    // Whether this task belongs to the workload (the engine waits for those to finish).
    virtual bool is_workload() const { return false; }

    Status io_status; // result of the last Io this task asked for
    uint8_t id = 0;   // scheduler index, recorded in events

  private:
    std::string name_;
};

class Runtime final : public AllocObserver {
  public:
    Runtime(CacheSet& c, std::vector<Device*> devices, const EngineOptions& opts);

    CacheSet& c;
    std::vector<Device*> devices;
    const EngineOptions& opts;
    EngineMetrics metrics;
    EventRing events;
    uint64_t set_magic = 0;
    ExtentIndex* index = nullptr; // the btree stand-in (owned by the engine)
    RequestPathState* requests = nullptr; // volumes, processes, writeback (owned by the engine)
    JournalWriter* journal = nullptr; // owned by the engine
    BtreeStore* btree = nullptr;      // the index's on-disk side, owned by the engine
    Ptr uuid_bucket;              // where __uuid_write put the uuid array
    bool has_uuid_bucket = false;
    GcRoots roots;                // journal and uuid buckets, for GC finish and the checker

    // --- clock ---
    uint64_t now() const { return real_clock_ ? real_now() : vclock_; }
    void advance(uint64_t ns) { vclock_ += ns; } // deterministic mode
    // Threaded mode: from now on the clock is real time, starting at the virtual clock.
    void use_real_clock(bool on);

    // --- wait queues ---
    unsigned nqueues() const { return static_cast<unsigned>(gen_.size()); }
    uint64_t queue_gen(unsigned q) const { return gen_[q]; }
    void wake(unsigned q) {
        ++gen_[q];
        woken_ |= waiters_[q];
        waiters_[q] = 0;
        if (threaded_)
            cv_[q].notify_all();
    }
    // The scheduler's task bits parked on a queue: a wake moves them to woken(), so the
    // deterministic pick need not compare every parked task's generation on each step.
    void add_waiter(unsigned q, uint64_t task_bit) { waiters_[q] |= task_bit; }
    void drop_waiter(unsigned q, uint64_t task_bit) {
        waiters_[q] &= ~task_bit;
        woken_ &= ~task_bit;
    }
    uint64_t woken() const { return woken_; } // parked tasks whose queue moved since
    void wake_allocators();
    void set_threaded(bool on) { threaded_ = on; }
    std::condition_variable& queue_cv(unsigned q) { return cv_[q]; }

    // --- events and errors ---
    void emit(EventKind k, uint8_t dev = 0, uint64_t bucket = 0, uint64_t value = 0,
              uint8_t reserve = 0);
    void error(const std::string& msg);
    std::string last_error;
    uint8_t current_task = 255;

    // --- I/O ---
    // Performs `io` on its device (no lock games: the caller arranged them) and returns
    // its virtual cost. Counts discards.
    Status perform_io(const IoRequest& io, uint64_t* cost_ns);

    // --- AllocObserver: the allocator reports here ---
    void on_invalidate(const Cache& ca, uint64_t bucket, uint16_t sectors) override;
    void on_alloc(const Cache& ca, uint64_t bucket, Reserve r) override;
    void on_alloc_fail(const Cache& ca, Reserve r) override;
    void on_wake_gc() override;

    // Rescale with accounting; returns true if a pass ran. Every cached request calls it:
    // without a monitor (every replay) the budget is taken inline.
    bool rescale(int sectors) {
        if (!monitor)
            return bch_rescale_priorities(c, sectors) && rescaled();
        return rescale_checked(sectors);
    }

    bool gc_requested = false; // trigger_gc

    // --- data writes ---
    // Write ids name the write that put a data sector on the device: (write_id_base << 40)
    // + n. An engine opened on a device takes the base from the superblock's seq, which
    // every registration raises, so ids keep growing across runs of the same cache.
    uint64_t write_id_base = 0;
    uint64_t new_write_id() { return (write_id_base << 40) | ++writes_started_; }

    // --- I/O errors ---
    // A failed write or flush stops the cache set (bch_cache_set_error; v6.2 sets
    // CACHE_SET_IO_DISABLE, so bch_bucket_alloc refuses from then on). Records the error,
    // wakes every task so they can finish, and returns false for the caller's convenience.
    bool io_failed(const std::string& what, const Status& st);
    bool io_disabled() const { return io_disabled_; }
    // Whether a device took writes or discards since its last flush (a flush of a clean
    // device is skipped). Atomic: set by perform_io, which runs without bucket_lock.
    bool device_dirty(unsigned dev) const { return dirty_[dev].load(std::memory_order_acquire); }

    // --- acknowledgements ---
    // The piece's key went into the journal entry w.journal_seq; acknowledged once that
    // entry is durable (journal_durable). Kept only with EngineOptions::record_acks.
    void record_ack(const AckedWrite& w);
    void journal_durable(uint64_t seq);
    std::vector<AckedWrite> acked; // durable, not yet polled

    // The observer to hand the allocator functions: the invariant monitor when checking
    // (it forwards to this runtime), else the runtime itself.
    AllocObserver* obs() { return monitor_front_ ? monitor_front_ : this; }
    void set_monitor(InvariantMonitor* m, AllocObserver* front) {
        monitor = m;
        monitor_front_ = front;
    }
    InvariantMonitor* monitor = nullptr;
    bool threaded() const { return threaded_; }
    bool just_finished_gc = false; // the last step ran bch_btree_gc_finish

  private:
    bool rescale_checked(int sectors); // with the monitor's probes
    bool rescaled();                   // a pass ran: count it
    uint64_t real_now() const; // threaded mode's clock
    AllocObserver* monitor_front_ = nullptr;
    uint64_t vclock_ = 0;
    bool real_clock_ = false;
    uint64_t real_base_ns_ = 0;
    uint64_t real_start_ns_ = 0;
    bool threaded_ = false;
    std::vector<uint64_t> gen_;
    std::vector<uint64_t> waiters_; // per queue, task bits
    uint64_t woken_ = 0;
    std::vector<std::condition_variable> cv_;
    uint64_t event_seq_ = 0;
    uint64_t writes_started_ = 0;
    bool io_disabled_ = false;
    std::unique_ptr<std::atomic<bool>[]> dirty_;
    std::deque<AckedWrite> ack_pending_;
};

} // namespace bucketscope
