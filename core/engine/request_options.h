#pragma once
// How the engine's request path treats requests: bcache's per-backing-device settings
// (cache_mode, sequential_cutoff, writeback_percent in sysfs) and the module-wide cutoffs,
// with the kernel's defaults. Part of EngineOptions; see workload_task.h for the path.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bucketscope {

namespace workload {
class RequestSource;
}

// BDEV_CACHE_MODE, the on-disk values.
enum class CacheMode : uint8_t { Writethrough = 0, Writeback = 1, Writearound = 2, None = 3 };
const char* to_string(CacheMode m);
bool parse_cache_mode(const std::string& s, CacheMode& out);

// One volume of the request address space: request.device selects it and is its inode.
struct VolumeOptions {
    // A flash-only volume (bcache's flash_dev): writes are always writeback and never
    // written back, reads of holes return zeros, nothing rescales or bypasses.
    bool flash_only = false;
};

struct RequestPathOptions {
    CacheMode cache_mode = CacheMode::Writethrough;
    // dc->sequential_cutoff: a process's sequential stream at or above this many bytes
    // bypasses the cache (0 = never).
    uint64_t sequential_cutoff = 4ull << 20;
    // dc->writeback_percent: writeback cleans while dirty data exceeds this share of the
    // cache. 0 cleans everything.
    unsigned writeback_percent = 10;
    // bch_cutoff_writeback / bch_cutoff_writeback_sync (module parameters): writes go
    // writeback only while gc_stats.in_use is at most the first (sync writes: the second).
    unsigned cutoff_writeback = 40;
    unsigned cutoff_writeback_sync = 70;
    // Treat every write as REQ_SYNC (traces do not say; buffered writeback is not sync).
    bool sync_writes = false;
    // Requests in flight: this many request tasks take turns at the source.
    unsigned queue_depth = 1;
    // Write points: 0 uses each request's process id as it is (bcache hashes the task),
    // N folds the ids onto N write points.
    unsigned write_points = 0;
    // request.device -> volume; devices past the end are cached (backing) devices.
    std::vector<VolumeOptions> volumes;
    // Not the kernel's, for the built-in demo workload (which models what the allocator
    // sees, not a cache in front of a disk): writethrough writes that find no bucket wait
    // on bucket_wait instead of invalidating the rest, and read misses are not inserted.
    bool writethrough_waits = false;
    bool read_miss_inserts = true;
    // Charge the backing device's time (IoCosts::backing_*); the built-in workload has none.
    bool backing_io = true;
};

} // namespace bucketscope
