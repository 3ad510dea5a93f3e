// The event ring: a power-of-two-free bounded SPSC queue over monotonically increasing
// 64-bit positions (they never wrap in practice), so full/empty need no extra slot.
#include "core/engine/events.h"

namespace bucketscope {

const char* to_string(EventKind k) {
    switch (k) {
    case EventKind::Invalidate: return "bcache_invalidate";
    case EventKind::Alloc: return "bcache_alloc";
    case EventKind::AllocFail: return "bcache_alloc_fail";
    case EventKind::GcStart: return "bcache_gc_start";
    case EventKind::GcEnd: return "bcache_gc_end";
    case EventKind::PrioWrite: return "bcache_prio_write";
    case EventKind::JournalWrite: return "bcache_journal_write";
    case EventKind::Discard: return "discard";
    case EventKind::Rescale: return "rescale";
    case EventKind::PolicyChange: return "policy_change";
    case EventKind::Command: return "command";
    case EventKind::Error: return "error";
    case EventKind::BtreeNodeFree: return "bcache_btree_node_free";
    case EventKind::Count: break;
    }
    return "?";
}

const char* to_string(CommandKind k) {
    switch (k) {
    case CommandKind::SetPolicy: return "set_policy";
    case CommandKind::TriggerGc: return "trigger_gc";
    case CommandKind::ForceInvalidate: return "force_invalidate";
    case CommandKind::Rescale: return "rescale";
    case CommandKind::SetDiscard: return "set_discard";
    }
    return "?";
}

EventRing::EventRing(size_t capacity) : slots_(capacity ? capacity : 1) {}

void EventRing::push(const EngineEvent& e) {
    const uint64_t tail = tail_.load(std::memory_order_relaxed);
    const uint64_t head = head_.load(std::memory_order_acquire);
    if (tail - head >= slots_.size()) {
        // Producers are serialised (bucket_lock): no read-modify-write needed.
        dropped_.store(dropped_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        return;
    }
    slots_[tail % slots_.size()] = e;
    tail_.store(tail + 1, std::memory_order_release);
}

size_t EventRing::poll(std::vector<EngineEvent>& out, size_t max) {
    uint64_t head = head_.load(std::memory_order_relaxed);
    const uint64_t tail = tail_.load(std::memory_order_acquire);
    size_t n = 0;
    while (head != tail && n < max) {
        out.push_back(slots_[head % slots_.size()]);
        ++head;
        ++n;
    }
    head_.store(head, std::memory_order_release);
    return n;
}

} // namespace bucketscope
