#pragma once
// What the request path remembers between requests, per volume (struct cached_dev /
// flash_dev), per process (the task_struct fields bcache uses) and across request tasks.
// Internal to core/engine; guarded by bucket_lock like everything the tasks touch.
//
// Sequential detection (check_should_bypass in request.c). Each backing device keeps the
// RECENT_IO = 128 most recent I/O streams: where each ended (`last`), how many bytes it
// has run sequentially, and until when it counts as live (5 s). Entries sit on an LRU list
// and in a hash on `last`. A request starting where a live stream ended continues it;
// otherwise the least recently used entry is recycled, and the process's finished stream
// length is folded into its running average (ewma, weight 8). A process whose current or
// average stream reaches sequential_cutoff bypasses the cache.
//
// Pending cache-miss inserts stand in for bch_btree_insert_check_key: a read that missed
// registers the range it will insert once the backing read returns; every write, bypass
// or discard that lands in between cuts the range back to the part before it, so the
// insert only fills what is still a hole, as the kernel's replace-insert against the check
// key does.

#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "core/engine/request_options.h"
#include "core/index/extent.h"

namespace bucketscope {

inline constexpr unsigned RECENT_IO_BITS = 7;
inline constexpr unsigned RECENT_IO = 1u << RECENT_IO_BITS;
inline constexpr uint64_t RECENT_IO_LIFETIME_NS = 5'000'000'000ull; // msecs_to_jiffies(5000)

// dc->io[], dc->io_hash[] and dc->io_lru.
//
// Written for the branch predictor: every request calls account(), and on a random trace
// its branches (how long the chain is, whether an entry heads its chain) go either way at
// random; they cost more than the few loads. So the hash chains are lists of nodes (the
// entries, then one head node per chain, then a "none" node that absorbs writes), which
// unlink and link without a test, and the lookup checks the first kWalk places of its
// chain without a branch; only a longer chain loops on. The LRU list is a ring, so
// recycling its head, what almost every request of a random trace does, only moves the
// head on. As in cached_dev_init, never-used entries sit on an extra chain no lookup visits.
class RecentIo {
  public:
    RecentIo();
    // The stream this request continues, or the recycled LRU entry; `recycled` tells
    // which (the caller then folds the process's stream into its average). Updates the
    // entry's length, end, expiry, hash position and LRU position; returns its
    // sequential byte count afterwards.
    uint64_t account(uint64_t start_sector, uint64_t end_sector, uint64_t bytes, uint64_t now_ns,
                     bool& recycled);

  private:
    // Nodes: entries 0..RECENT_IO-1, then the chain heads (RECENT_IO + 1 of them: the last
    // is the unused chain), then kNoNode, the end of every chain.
    static constexpr uint16_t kHead0 = RECENT_IO;
    static constexpr uint16_t kNoNode = 2 * RECENT_IO + 1;
    static constexpr unsigned kNodes = kNoNode + 1;
    static constexpr int kWalk = 4; // chain places checked without branching
    static_assert(RECENT_IO <= 128, "LRU links are uint8_t");
    struct Io {
        uint64_t last = 0;
        uint64_t expires_ns = 0;
    };
    static unsigned hash(uint64_t sector);
    void hash_del(unsigned i);
    void hash_add_head(unsigned i, unsigned slot);
    void lru_move_tail(unsigned i);

    alignas(64) std::array<Io, RECENT_IO> io_{};
    alignas(64) std::array<uint16_t, kNodes> hash_next_{};
    alignas(64) std::array<uint16_t, kNodes> hash_prev_{};
    alignas(64) std::array<uint32_t, RECENT_IO> sequential_{}; // unsigned int, as the kernel's
    std::array<uint8_t, RECENT_IO> lru_next_{}, lru_prev_{};   // a ring
    uint8_t lru_head_ = 0; // the least recently used; its lru_prev_ is the tail
};

// task->sequential_io and task->sequential_io_avg.
struct ProcessState {
    uint64_t sequential_io = 0;
    uint64_t sequential_io_avg = 0;
};

// One key of dc->writeback_keys: a dirty extent the writeback thread will clean.
struct WritebackKey {
    Extent key;
    bool in_flight = false; // its I/O started (keybuf_key->private set)
};

// The PI controller of writeback.c (__update_writeback_rate) and bch_ratelimit.
struct WritebackRate {
    int64_t rate = 1024;           // sectors per second
    int64_t integral = 0;          // writeback_rate_integral
    uint64_t next_ns = 0;          // bch_ratelimit.next
    uint64_t next_update_ns = 0;   // the delayed work's next run
};

struct VolumeState {
    uint64_t inode = 0;
    bool flash_only = false;
    bool seen = false;
    RecentIo recent;
    uint64_t dirty_sectors = 0;  // bcache_dev_sectors_dirty
    bool has_dirty = false;      // dc->has_dirty
    // Writeback thread state for this device.
    std::vector<WritebackKey> keybuf; // sorted by key position
    KeyPos last_scanned = KeyPos::zero();
    WritebackRate rate;
};

struct MissRange {
    uint64_t inode = 0;
    uint64_t start = 0;
    uint64_t end = 0; // exclusive; start == end: nothing left to insert
    bool active = false;
};

struct RequestPathState {
    explicit RequestPathState(const RequestPathOptions& o) : opts(o) {}

    // The volume a request's device names (created on first use). Every request asks:
    // the seen volume is found inline, the first use goes out of line.
    VolumeState& volume(uint32_t device) {
        if (device < volumes.size() && volumes[device].seen)
            return volumes[device];
        return add_volume(device);
    }
    // Pids below kFlatPids (trace readers' 0, the built-in workload's process numbers, most
    // blkparse pids) index a vector; only larger ones go through the hash map.
    ProcessState& process(uint32_t pid) {
        if (pid < flat_processes.size())
            return flat_processes[pid];
        return far_process(pid);
    }
    static constexpr uint32_t kFlatPids = 1u << 16;

    // A pending cache-miss insert for request task `slot`.
    MissRange& miss_slot(unsigned slot) {
        if (slot < misses.size())
            return misses[slot];
        return add_miss_slot(slot);
    }
    // Something is about to change [start, end) of `inode`: cut every pending miss range
    // back to what lies before it.
    void index_write(uint64_t inode, uint64_t start, uint64_t end);
    // bch_keybuf_check_overlapping on the volume's writeback keys: drops overlapping keys
    // whose I/O has not started; true if one whose I/O has is overlapped.
    bool writeback_overlaps(VolumeState& v, uint64_t start, uint64_t end);
    // Dirty-sector accounting for every volume (bcache_dev_sectors_dirty_add).
    void add_dirty(VolumeState& v, int64_t sectors);

    const RequestPathOptions& opts;
    std::vector<VolumeState> volumes;                     // indexed by device number
    std::vector<ProcessState> flat_processes;             // pids below kFlatPids
    std::unordered_map<uint32_t, ProcessState> processes; // the others
    std::vector<MissRange> misses;                        // one per request task
    uint64_t dirty_total = 0;
    uint64_t backing_volumes = 0; // cached (not flash-only) volumes seen

  private:
    VolumeState& add_volume(uint32_t device);
    ProcessState& far_process(uint32_t pid);
    MissRange& add_miss_slot(unsigned slot);
};

} // namespace bucketscope
