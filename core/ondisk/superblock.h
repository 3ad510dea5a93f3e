#pragma once
// The bcache superblock (bcache-ondisk.md section 1): 4 KiB at byte 4096 of every bcache
// device, of which the first 2258 bytes mean something. The struct mirrors the on-disk
// table field for field (raw values, so decode -> encode is byte-exact); accessors give
// the derived values (flags bitfields, the effective bucket size under v5 feature bits,
// set_magic). Validation is read_super's, for cache devices (versions 0, 3, 5) and, so
// `super` can show them too, backing devices (1, 4, 6).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/ondisk/result.h"

namespace bucketscope::ondisk {

inline constexpr uint64_t SB_SECTOR = 8;
inline constexpr uint64_t SB_OFFSET = SB_SECTOR * 512;
inline constexpr size_t SB_SIZE = 4096;
inline constexpr size_t SB_STRUCT_BYTES = 2258; // v6.x cache_sb_disk incl. obso_bucket_size_hi
inline constexpr size_t SB_JOURNAL_BUCKETS = 256;
inline constexpr size_t SB_LABEL_SIZE = 32;
inline constexpr unsigned MAX_CACHES_PER_SET = 8;
inline constexpr uint64_t BDEV_DATA_START_DEFAULT = 16;

inline constexpr uint64_t BCACHE_SB_VERSION_CDEV = 0;
inline constexpr uint64_t BCACHE_SB_VERSION_BDEV = 1;
inline constexpr uint64_t BCACHE_SB_VERSION_CDEV_WITH_UUID = 3;
inline constexpr uint64_t BCACHE_SB_VERSION_BDEV_WITH_OFFSET = 4;
inline constexpr uint64_t BCACHE_SB_VERSION_CDEV_WITH_FEATURES = 5;
inline constexpr uint64_t BCACHE_SB_VERSION_BDEV_WITH_FEATURES = 6;

inline constexpr uint64_t FEATURE_INCOMPAT_OBSO_LARGE_BUCKET = 0x1;
inline constexpr uint64_t FEATURE_INCOMPAT_LOG_LARGE_BUCKET_SIZE = 0x2;
inline constexpr uint64_t FEATURE_INCOMPAT_SUPP =
    FEATURE_INCOMPAT_OBSO_LARGE_BUCKET | FEATURE_INCOMPAT_LOG_LARGE_BUCKET_SIZE;

inline constexpr std::array<uint8_t, 16> BCACHE_MAGIC = {0xc6, 0x85, 0x73, 0xf6, 0x4e, 0x1a,
                                                         0x45, 0xca, 0x82, 0x65, 0xf5, 0x7f,
                                                         0x48, 0xba, 0x6d, 0x81};

enum class CacheReplacement : uint8_t { lru = 0, fifo = 1, random = 2 };
enum class BdevCacheMode : uint8_t { writethrough = 0, writeback = 1, writearound = 2, none = 3 };
enum class BdevState : uint8_t { none = 0, clean = 1, dirty = 2, stale = 3 };

using Uuid = std::array<uint8_t, 16>;

struct CacheSuperblock {
    uint64_t csum = 0;
    uint64_t offset = SB_SECTOR;
    uint64_t version = BCACHE_SB_VERSION_CDEV;
    Uuid magic = BCACHE_MAGIC;
    Uuid uuid{};
    Uuid set_uuid{};
    std::array<uint8_t, SB_LABEL_SIZE> label{};
    uint64_t flags = 0;
    uint64_t seq = 0;
    uint64_t feature_compat = 0;
    uint64_t feature_incompat = 0;
    uint64_t feature_ro_compat = 0;
    std::array<uint64_t, 5> pad{};
    uint64_t nbuckets = 0; // data_offset on backing devices (versions 4 and 6)
    uint16_t block_size = 0;  // sectors
    uint16_t bucket_size = 0; // raw field; see bucket_sectors()
    uint16_t nr_in_set = 1;
    uint16_t nr_this_dev = 0;
    uint32_t last_mount = 0;
    uint16_t first_bucket = 0;
    uint16_t keys = 0; // njournal_buckets: valid entries of d[]
    std::array<uint64_t, SB_JOURNAL_BUCKETS> d{};
    uint16_t obso_bucket_size_hi = 0;

    bool is_backing() const;
    // Bucket size in sectors as the kernel derives it (get_bucket_size): v5+ feature bits
    // may make the raw field a log2 or add obso_bucket_size_hi << 16.
    uint64_t bucket_sectors() const;
    // Picks the raw encoding for `sectors`: plain below 2^16, else version 5 with
    // LOG_LARGE_BUCKET_SIZE (sectors must be a power of two).
    void set_bucket_sectors(uint64_t sectors);
    uint64_t set_magic() const; // first 8 bytes of set_uuid, little-endian
    uint64_t data_offset() const;

    bool cache_sync() const { return bits(0, 1); }
    bool cache_discard() const { return bits(1, 1); }
    unsigned cache_replacement() const { return static_cast<unsigned>(bits(2, 3)); }
    unsigned bdev_cache_mode() const { return static_cast<unsigned>(bits(0, 4)); }
    unsigned bdev_state() const { return static_cast<unsigned>(bits(61, 2)); }
    void set_cache_sync(bool v) { set_bits(0, 1, v); }
    void set_cache_discard(bool v) { set_bits(1, 1, v); }
    void set_cache_replacement(unsigned v) { set_bits(2, 3, v); }
    void set_bdev_cache_mode(unsigned v) { set_bits(0, 4, v); }
    void set_bdev_state(unsigned v) { set_bits(61, 2, v); }

  private:
    uint64_t bits(unsigned off, unsigned width) const {
        return (flags >> off) & ((1ull << width) - 1);
    }
    void set_bits(unsigned off, unsigned width, uint64_t v) {
        const uint64_t mask = ((1ull << width) - 1) << off;
        flags = (flags & ~mask) | ((v << off) & mask);
    }
};

// What read_super compares against that is not in the superblock itself.
struct SuperblockLimits {
    uint64_t device_bytes = 0;   // 0: unknown, skip the "device too small" check
    uint32_t page_sectors = 8;   // PAGE_SECTORS of the reading kernel
    uint32_t logical_block_bytes = 512;
    uint64_t max_version = BCACHE_SB_VERSION_BDEV_WITH_FEATURES; // 4 for a v4.x kernel
};

// crc64 over [8, 208 + 8*keys) of an encoded superblock (keys clamped to 256).
uint64_t superblock_csum(std::span<const std::byte> sb_bytes);
// SB_SIZE bytes: the struct (csum recomputed), zero after it. Write at SB_OFFSET.
std::vector<std::byte> encode_superblock(const CacheSuperblock& sb);
// Parses the bytes at SB_OFFSET (at least 2256 of them) and validates as read_super does.
// Offsets in errors are device byte offsets.
Result<CacheSuperblock> decode_superblock(std::span<const std::byte> sb_bytes,
                                          const SuperblockLimits& limits = {});
// Field parsing only, no validation beyond the buffer size (for `super` on odd devices
// and for tests that damage fields).
Result<CacheSuperblock> parse_superblock(std::span<const std::byte> sb_bytes);
std::optional<ParseError> validate_superblock(const CacheSuperblock& sb,
                                              std::span<const std::byte> sb_bytes,
                                              const SuperblockLimits& limits);

std::string uuid_to_string(const Uuid& u);
std::optional<Uuid> uuid_from_string(const std::string& s);
const char* replacement_name(unsigned policy); // "lru", "fifo", "random" or "unknown"

} // namespace bucketscope::ondisk
