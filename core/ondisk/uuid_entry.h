#pragma once
// The uuid bucket (bcache-ondisk.md section 6): an array of 128-byte uuid_entry, or of
// 64-byte uuid_entry_v0 when the jset that points at it has version 0. No checksum, so a
// garbage bucket decodes to garbage entries; only sizes can be checked.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "core/ondisk/result.h"
#include "core/ondisk/superblock.h"

namespace bucketscope::ondisk {

inline constexpr size_t UUID_ENTRY_BYTES = 128;
inline constexpr size_t UUID_ENTRY_V0_BYTES = 64;
inline constexpr uint32_t UUID_FLASH_ONLY = 1;

struct UuidEntry {
    Uuid uuid{};
    std::array<uint8_t, 32> label{};
    uint32_t first_reg = 0;
    uint32_t last_reg = 0;
    uint32_t invalidated = 0;
    uint32_t flags = 0;   // v1 only
    uint64_t sectors = 0; // v1 only: size of a flash-only volume

    bool in_use() const;
    bool flash_only() const { return flags & UUID_FLASH_ONLY; }
};

// Every slot of the bucket (free ones included: slot index = KEY_INODE).
Result<std::vector<UuidEntry>> decode_uuid_bucket(std::span<const std::byte> buf, bool v0,
                                                  uint64_t device_offset);
std::vector<std::byte> encode_uuid_bucket(std::span<const UuidEntry> entries, bool v0,
                                          size_t bucket_bytes);

} // namespace bucketscope::ondisk
