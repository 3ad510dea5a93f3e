// Volumes, processes, pending cache-miss inserts and the recent-I/O table; see
// request_state.h.
#include "core/engine/request_state.h"

#include <algorithm>

namespace bucketscope {

RecentIo::RecentIo() {
    // cached_dev_init: every entry on the LRU (list_add puts each at the front, so the last
    // one is the head) and on the unused chain, so the first requests all recycle.
    hash_next_.fill(kNoNode);
    hash_prev_.fill(kNoNode);
    for (unsigned i = 0; i < RECENT_IO; ++i) {
        lru_next_[i] = uint8_t((i + RECENT_IO - 1) % RECENT_IO); // i - 1 is next from the head
        lru_prev_[i] = uint8_t((i + 1) % RECENT_IO);
        hash_add_head(i, RECENT_IO);
    }
    lru_head_ = uint8_t(RECENT_IO - 1);
}

unsigned RecentIo::hash(uint64_t sector) {
    // hash_64(), the kernel's multiplicative hash on the top bits.
    return unsigned((sector * 0x61C8864680B583EBull) >> (64 - RECENT_IO_BITS));
}

void RecentIo::hash_del(unsigned i) {
    // The previous node is an entry or the chain's head node; a missing next is kNoNode.
    hash_next_[hash_prev_[i]] = hash_next_[i];
    hash_prev_[hash_next_[i]] = hash_prev_[i];
}

void RecentIo::hash_add_head(unsigned i, unsigned slot) {
    const unsigned head = kHead0 + slot;
    hash_prev_[i] = uint16_t(head);
    hash_next_[i] = hash_next_[head];
    hash_prev_[hash_next_[head]] = uint16_t(i);
    hash_next_[head] = uint16_t(i);
}

void RecentIo::lru_move_tail(unsigned i) {
    // On a ring the head becomes the tail by moving the head on one.
    if (i == lru_head_) {
        lru_head_ = lru_next_[i];
        return;
    }
    const unsigned tail = lru_prev_[lru_head_];
    if (i == tail)
        return;
    lru_next_[lru_prev_[i]] = lru_next_[i];
    lru_prev_[lru_next_[i]] = lru_prev_[i];
    lru_prev_[i] = uint8_t(tail);
    lru_next_[i] = lru_head_;
    lru_next_[tail] = uint8_t(i);
    lru_prev_[lru_head_] = uint8_t(i);
}

uint64_t RecentIo::account(uint64_t start_sector, uint64_t end_sector, uint64_t bytes,
                           uint64_t now_ns, bool& recycled) {
    // The first live entry on the chain whose stream ended at start_sector. kNoNode's
    // next is itself, so the fixed walk stays there once the chain ends; what it reads
    // there (an entry's fields, masked by i != kNoNode) cannot match.
    unsigned i = hash_next_[kHead0 + hash(start_sector)], found = kNoNode;
    for (int k = 0; k < kWalk; ++k) {
        const Io& e = io_[i % RECENT_IO];
        const bool match = (i != kNoNode) & (found == kNoNode) & (e.last == start_sector) &
                           (now_ns < e.expires_ns);
        found = match ? i : found;
        i = hash_next_[i];
    }
    for (; found == kNoNode && i != kNoNode; i = hash_next_[i])
        if (io_[i].last == start_sector && now_ns < io_[i].expires_ns)
            found = i;
    recycled = found == kNoNode;
    if (recycled) {
        found = lru_head_;
        sequential_[found] = 0;
    }
    // i->sequential is an unsigned int: the kernel stops adding once it would wrap.
    uint32_t& seq = sequential_[found];
    if (uint64_t(seq) + bytes <= UINT32_MAX)
        seq = uint32_t(seq + bytes);
    io_[found] = Io{end_sector, now_ns + RECENT_IO_LIFETIME_NS};
    hash_del(found);
    hash_add_head(found, hash(end_sector));
    lru_move_tail(found);
    return seq;
}

VolumeState& RequestPathState::add_volume(uint32_t device) {
    if (device >= volumes.size())
        volumes.resize(size_t(device) + 1);
    VolumeState& v = volumes[device];
    if (!v.seen) {
        v.seen = true;
        v.inode = device;
        v.flash_only = device < opts.volumes.size() && opts.volumes[device].flash_only;
        if (!v.flash_only)
            ++backing_volumes;
    }
    return v;
}

ProcessState& RequestPathState::far_process(uint32_t pid) {
    if (pid >= kFlatPids)
        return processes[pid];
    flat_processes.resize(size_t(pid) + 1);
    return flat_processes[pid];
}

MissRange& RequestPathState::add_miss_slot(unsigned slot) {
    if (slot >= misses.size())
        misses.resize(size_t(slot) + 1);
    return misses[slot];
}

void RequestPathState::index_write(uint64_t inode, uint64_t start, uint64_t end) {
    for (MissRange& m : misses)
        if (m.active && m.inode == inode && start < m.end && end > m.start)
            m.end = std::max(m.start, start);
}

bool RequestPathState::writeback_overlaps(VolumeState& v, uint64_t start, uint64_t end) {
    bool in_flight = false;
    auto& kb = v.keybuf;
    // Keys sort by end: the first that can overlap ends after `start`.
    auto it = std::upper_bound(kb.begin(), kb.end(), start,
                               [](uint64_t s, const WritebackKey& w) { return s < w.key.offset; });
    while (it != kb.end() && it->key.start() < end) {
        if (it->in_flight) {
            in_flight = true;
            ++it;
        } else {
            it = kb.erase(it);
        }
    }
    return in_flight;
}

void RequestPathState::add_dirty(VolumeState& v, int64_t sectors) {
    const int64_t now = std::max<int64_t>(0, int64_t(v.dirty_sectors) + sectors);
    dirty_total = dirty_total - v.dirty_sectors + uint64_t(now);
    v.dirty_sectors = uint64_t(now);
}

} // namespace bucketscope
