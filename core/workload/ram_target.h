#pragma once
// Cache targets the request path runs on, and how a formatted target becomes engine
// options. `ram:SIZE` is a sparse RAM device formatted on the fly exactly as make-bcache -C
// would format a device of that size (bucket 512 KiB and the device's 512-byte logical
// block unless told otherwise); the engine then registers it as a new cache set.
//
// A CacheTarget owns its devices; the engine built on it must not outlive it. Image files
// and block devices give a CacheTarget too (their opener reads the superblock and calls
// apply_superblock), so `replay` and `run` treat every kind of target alike.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/device/cache_format.h"
#include "core/device/device.h"
#include "core/engine/engine.h"
#include "core/ondisk/superblock.h"

namespace bucketscope::workload {

struct RamTargetOptions {
    uint64_t size_bytes = 0;
    uint64_t bucket_bytes = kDefaultBucketBytes;
    uint64_t block_bytes = 0; // 0: the RAM device's logical block size, as make-bcache picks
    ReplacementPolicy policy = ReplacementPolicy::Lru;
    bool discard = false;
};

struct CacheTarget {
    std::string name; // "ram:8G", a path, ...
    std::vector<std::unique_ptr<Device>> devices;
    ondisk::CacheSuperblock sb; // as formatted (or read)
    std::vector<std::string> warnings;

    std::vector<Device*> device_ptrs() const;
};

// Whether `target` names a RAM target ("ram:...").
bool is_ram_target(const std::string& target);
// The size of "ram:SIZE" (SIZE as parse_size reads it: 8G, 512M, 65536s, ...).
Status parse_ram_target(const std::string& target, uint64_t& bytes);
// Formats a fresh sparse RAM device; errors name the option and the limit.
Status make_ram_target(const RamTargetOptions& o, CacheTarget& out);
// Geometry, replacement policy and discard from a cache superblock into `opts`.
void apply_superblock(const ondisk::CacheSuperblock& sb, EngineOptions& opts);
// Engine::create on the target's devices with `opts` (geometry applied from the target).
std::unique_ptr<Engine> create_engine(const CacheTarget& t, EngineOptions opts, std::string* why);

} // namespace bucketscope::workload
