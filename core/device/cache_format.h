#pragma once
// Formatting a cache device the way `make-bcache -C` does (bcache-tools 1.0.8), so the
// kernel, bcache-super-show and bucketscope all read the result alike.
//
// make-bcache writes very little: zeros over bytes 0..4095, then the 2256-byte cache_sb
// (version 0, keys 0, CACHE_SYNC clear) at byte 4096, and nothing else. The kernel does
// the rest at first registration: seeing no CACHE_SYNC it lays out the journal buckets,
// writes prios, uuids and an empty btree root, and rewrites the superblock as version 3.
// Geometry follows make-bcache too: nbuckets = size / bucket size (whole buckets, the
// superblock area included), first_bucket = 23 / bucket_sectors + 1, so the superblock's
// sectors 0..15 always lie below the first usable bucket.
//
// plan_cache_format checks every size against the limits that make the superblock
// unreadable (read_super) or unregistrable (cache_alloc) and says which; the kernel's
// refusal of nbuckets <= 512 by v6.x is a warning, because v4.x kernels accept such a
// cache and make-bcache itself writes one for a 256 MiB device.

#include "core/device/device.h"
#include "core/ondisk/superblock.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bucketscope {

// make-bcache's default bucket size: 1024 sectors.
inline constexpr uint64_t kDefaultBucketBytes = 512 * 1024;
// Bytes make-bcache writes at byte 4096: sizeof(struct cache_sb) before obso_bucket_size_hi.
inline constexpr size_t kMakeBcacheSbBytes = 2256;

struct FormatOptions {
    uint64_t size_bytes = 0; // 0: the whole device
    uint64_t bucket_bytes = kDefaultBucketBytes;
    uint64_t block_bytes = 4096;
    ondisk::CacheReplacement policy = ondisk::CacheReplacement::lru;
    bool discard = false;
    std::string label;
    std::optional<ondisk::Uuid> uuid;     // random when unset
    std::optional<ondisk::Uuid> set_uuid; // random when unset
};

struct FormatPlan {
    ondisk::CacheSuperblock sb;
    std::vector<std::string> warnings; // one sentence each
};

// Checks `options` against a device of `device_bytes` with logical blocks of
// `logical_block_bytes` and builds the superblock. Errors name the option, its value and
// the limit it breaks.
Status plan_cache_format(const FormatOptions& options, uint64_t device_bytes,
                         uint32_t logical_block_bytes, FormatPlan& plan);

// The block size make-bcache picks when -w is not given: the logical block size of a
// block device, st_blksize of a regular file (of its directory when it does not exist
// yet), clamped to [512, 4096] because the kernel refuses blocks larger than a page.
uint64_t default_block_bytes(const std::string& path, uint32_t logical_block_bytes);

// Writes what make-bcache writes and flushes: zeros over [0, 4096), the first 2256
// bytes of the encoded superblock at 4096. Bytes past them are left alone, as
// make-bcache leaves them.
Status write_cache_superblock(Device& device, const ondisk::CacheSuperblock& sb);

// A random (version 4) UUID.
ondisk::Uuid random_uuid();

} // namespace bucketscope
