// Volumes, processes, pending cache-miss inserts and the recent-I/O table; see
// request_state.h.
#include "core/engine/request_state.h"

#include <algorithm>

namespace bucketscope {

RecentIo::RecentIo() {
    // cached_dev_init: every entry on the LRU and on the extra hash chain RECENT_IO, which
    // no lookup visits, so the first requests all recycle.
    head_.fill(-1);
    for (int16_t i = 0; i < int16_t(RECENT_IO); ++i) {
        // list_add: each entry goes to the front, so the last one is the LRU head.
        io_[size_t(i)].lru_next = lru_head_;
        if (lru_head_ >= 0)
            io_[size_t(lru_head_)].lru_prev = i;
        lru_head_ = i;
        if (lru_tail_ < 0)
            lru_tail_ = i;
        hash_add_head(i, RECENT_IO);
    }
}

unsigned RecentIo::hash(uint64_t sector) {
    // hash_64(), the kernel's multiplicative hash on the top bits.
    return unsigned((sector * 0x61C8864680B583EBull) >> (64 - RECENT_IO_BITS));
}

void RecentIo::hash_del(int16_t i) {
    Io& e = io_[size_t(i)];
    if (e.hash_prev >= 0)
        io_[size_t(e.hash_prev)].hash_next = e.hash_next;
    else
        head_[e.slot] = e.hash_next;
    if (e.hash_next >= 0)
        io_[size_t(e.hash_next)].hash_prev = e.hash_prev;
    e.hash_next = e.hash_prev = -1;
}

void RecentIo::hash_add_head(int16_t i, unsigned slot) {
    Io& e = io_[size_t(i)];
    e.slot = uint16_t(slot);
    e.hash_prev = -1;
    e.hash_next = head_[slot];
    if (e.hash_next >= 0)
        io_[size_t(e.hash_next)].hash_prev = i;
    head_[slot] = i;
}

void RecentIo::lru_move_tail(int16_t i) {
    if (i == lru_tail_)
        return;
    Io& e = io_[size_t(i)];
    if (e.lru_prev >= 0)
        io_[size_t(e.lru_prev)].lru_next = e.lru_next;
    else
        lru_head_ = e.lru_next;
    io_[size_t(e.lru_next)].lru_prev = e.lru_prev; // not the tail, so it has a next
    e.lru_prev = lru_tail_;
    e.lru_next = -1;
    io_[size_t(lru_tail_)].lru_next = i;
    lru_tail_ = i;
}

uint64_t RecentIo::account(uint64_t start_sector, uint64_t end_sector, uint64_t bytes,
                           uint64_t now_ns, bool& recycled) {
    int16_t found = -1;
    for (int16_t i = head_[hash(start_sector)]; i >= 0; i = io_[size_t(i)].hash_next)
        if (io_[size_t(i)].last == start_sector && now_ns < io_[size_t(i)].expires_ns) {
            found = i;
            break;
        }
    recycled = found < 0;
    if (recycled) {
        found = lru_head_;
        io_[size_t(found)].sequential = 0;
    }
    Io& e = io_[size_t(found)];
    // i->sequential is an unsigned int: the kernel stops adding once it would wrap.
    if (uint64_t(e.sequential) + bytes <= UINT32_MAX)
        e.sequential = uint32_t(e.sequential + bytes);
    e.last = end_sector;
    e.expires_ns = now_ns + RECENT_IO_LIFETIME_NS;
    hash_del(found);
    hash_add_head(found, hash(end_sector));
    lru_move_tail(found);
    return e.sequential;
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
