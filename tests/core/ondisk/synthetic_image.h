#pragma once
// A small cache image built with the ondisk encoders, whose every bucket state is known:
// 4000 buckets of 8 sectors (so three prio buckets chain), 512-byte blocks, two journal
// buckets, a level-1 btree with two leaves (one with overlapping bsets), clean, dirty and
// stale extents, a journalled key and a flash-only uuid entry. Tests change a member and
// call write() to produce the damaged variants.

#include <array>
#include <filesystem>
#include <vector>

#include "core/ondisk/bkey.h"
#include "core/ondisk/jset.h"
#include "core/ondisk/prio_set.h"
#include "core/ondisk/superblock.h"

namespace bucketscope::testutil {

struct SyntheticImage {
    static constexpr uint64_t kBucketSectors = 8;
    static constexpr uint64_t kNbuckets = 4000;
    static constexpr uint64_t kPrio[3] = {10, 11, 12};
    static constexpr uint64_t kUuid = 20;
    static constexpr uint64_t kRoot = 30, kLeafA = 31, kLeafB = 32;

    SyntheticImage();

    ondisk::CacheSuperblock sb;
    std::vector<ondisk::BucketDisk> prios;        // nbuckets entries
    std::array<uint64_t, 3> prio_next{};          // next_bucket of each chain bucket
    ondisk::Jset newest;                          // written to journal bucket d[1]
    ondisk::Jset older;                           // written to journal bucket d[0]
    std::vector<ondisk::Bkey> root_keys;          // the interior root (level 1)
    std::vector<std::vector<ondisk::Bkey>> leaf_a; // bsets, oldest first
    std::vector<std::vector<ondisk::Bkey>> leaf_b;
    uint64_t node_seq = 0x1234;

    static ondisk::Bkey node_key(uint64_t inode, uint64_t offset, uint64_t bucket, uint8_t gen);
    static ondisk::Bkey extent(uint64_t inode, uint64_t end, uint32_t size, uint64_t bucket,
                               uint8_t gen, bool dirty, uint64_t in_bucket = 0);
    uint64_t bucket_bytes() const { return kBucketSectors * 512; }
    size_t block_bytes() const { return size_t{sb.block_size} * 512; }

    // Writes the whole image (sparse) at `path`, replacing it.
    void write(const std::filesystem::path& path) const;
};

} // namespace bucketscope::testutil
