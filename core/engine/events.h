#pragma once
// The engine's event stream: what happened, in order, named after the kernel's bcache
// tracepoints so an engine trace and a real kernel trace (fixtures/kernel/kernel-trace)
// read the same way.
//
// Events go into a bounded single-producer/single-consumer ring. The producer is the engine:
// every event is pushed while bucket_lock is held, so producers are serialised and the
// mutex hand-over orders their writes. The consumer (GUI, session store, CLI) drains it
// from one thread at a time with poll(). When the consumer lags the ring drops the newest
// event and counts it: the engine never blocks on its observers.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace bucketscope {

enum class EventKind : uint8_t {
    Invalidate,   // bcache_invalidate: bucket, value = sectors of data evicted
    Alloc,        // bcache_alloc: bucket, reserve
    AllocFail,    // bcache_alloc_fail: reserve (fast path empty; the task will wait)
    GcStart,      // bcache_gc_start
    GcEnd,        // bcache_gc_end: value = GC duration on the engine clock (ns)
    PrioWrite,    // bcache_prio_write: bucket = prio_buckets[0], value = prio set seq
    JournalWrite, // bcache_journal_write: bucket = journal bucket, value = jset seq
    Discard,      // discard of one whole bucket before it is pushed to a free list
    Rescale,      // bch_rescale_priorities ran a pass: value = min_prio afterwards
    PolicyChange, // cache_replacement_policy written: value = new ReplacementPolicy
    Command,      // a user command (trigger_gc, force_invalidate, ...): value = CommandKind
    Error,        // I/O or consistency error: value = error code, see Engine::last_error()
    BtreeNodeFree, // bcache_btree_node_free: a replaced btree node's bucket, value = the gen
                   // make_btree_freeing_key bumped it to
    Count,
};
// The tracepoint-style name: "bcache_invalidate", "bcache_alloc", ..., "discard",
// "policy_change", "command", "error", "bcache_btree_node_free".
const char* to_string(EventKind k);

enum class CommandKind : uint8_t {
    SetPolicy,
    TriggerGc,
    ForceInvalidate,
    Rescale,
    SetDiscard,
};
const char* to_string(CommandKind k);

struct EngineEvent {
    uint64_t seq = 0;      // 0, 1, 2, ... in emission order, dropped events included
    uint64_t clock_ns = 0; // engine clock when it happened
    uint64_t bucket = 0;
    uint64_t value = 0;
    EventKind kind = EventKind::Error;
    uint8_t dev = 0;       // cache index in the set (nr_this_dev)
    uint8_t reserve = 0;   // Reserve, where it applies
    uint8_t task = 0;      // which task emitted it (scheduler task id), 255 = a command

    bool operator==(const EngineEvent&) const = default;
};

class EventRing {
  public:
    explicit EventRing(size_t capacity);
    EventRing(const EventRing&) = delete;
    EventRing& operator=(const EventRing&) = delete;

    // Producer side (engine, bucket_lock held). Never blocks; counts a drop when full.
    void push(const EngineEvent& e);
    // Consumer side (one thread at a time). Appends up to `max` events to `out`, oldest
    // first, and returns how many.
    size_t poll(std::vector<EngineEvent>& out, size_t max = SIZE_MAX);

    size_t capacity() const { return slots_.size(); }
    // Events lost because the consumer lagged. Any thread.
    uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

  private:
    std::vector<EngineEvent> slots_;
    std::atomic<uint64_t> head_{0}; // next to read (consumer)
    std::atomic<uint64_t> tail_{0}; // next to write (producer)
    std::atomic<uint64_t> dropped_{0};
};

} // namespace bucketscope
