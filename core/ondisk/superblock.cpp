// Superblock encode/decode/validate. Parsing is split from validation so `super` can show
// a superblock the kernel would refuse and tests can damage one field at a time; decode
// runs both in read_super's order (offset, magic, keys, csum, uuid, version-specific
// checks), so the first error reported is the one the kernel would log.

#include "core/ondisk/superblock.h"

#include <bit>
#include <cstdio>

#include "core/ondisk/crc64.h"
#include "core/ondisk/le.h"

namespace bucketscope::ondisk {
namespace {

constexpr size_t kMinStructBytes = 2256; // v4.x sizeof(struct cache_sb)

enum Off : size_t {
    kCsum = 0, kOffset = 8, kVersion = 16, kMagic = 24, kUuid = 40, kSetUuid = 56, kLabel = 72,
    kFlags = 104, kSeq = 112, kFeatCompat = 120, kFeatIncompat = 128, kFeatRoCompat = 136,
    kPad = 144, kNbuckets = 184, kBlockSize = 192, kBucketSize = 194, kNrInSet = 196,
    kNrThisDev = 198, kLastMount = 200, kFirstBucket = 204, kKeys = 206, kD = 208,
    kObsoHi = 2256,
};

template <size_t N> void get_bytes(std::span<const std::byte> b, size_t off, std::array<uint8_t, N>& a) {
    for (size_t i = 0; i < N; ++i)
        a[i] = static_cast<uint8_t>(b[off + i]);
}

template <size_t N> void put_bytes(std::span<std::byte> b, size_t off, const std::array<uint8_t, N>& a) {
    for (size_t i = 0; i < N; ++i)
        b[off + i] = static_cast<std::byte>(a[i]);
}

bool is_zero(const Uuid& u) {
    for (uint8_t c : u)
        if (c)
            return false;
    return true;
}

ParseError err(size_t field_off, std::string msg) {
    return ParseError{"superblock", SB_OFFSET + field_off, std::move(msg)};
}

std::optional<ParseError> validate_cache(const CacheSuperblock& sb, const SuperblockLimits& lim) {
    const uint64_t bucket = sb.bucket_sectors();
    if (sb.nbuckets > static_cast<uint64_t>(INT64_MAX))
        return err(kNbuckets, "nbuckets " + std::to_string(sb.nbuckets) + " is more than LONG_MAX");
    if (sb.nbuckets < (1u << 7))
        return err(kNbuckets, "nbuckets " + std::to_string(sb.nbuckets) + ", expected at least 128");
    if (!std::has_single_bit(sb.block_size))
        return err(kBlockSize, "block_size " + std::to_string(sb.block_size) +
                                   " sectors, expected a power of 2");
    if (sb.block_size > lim.page_sectors)
        return err(kBlockSize, "block_size " + std::to_string(sb.block_size) +
                                   " sectors, expected at most the page size (" +
                                   std::to_string(lim.page_sectors) + ")");
    if (uint64_t{sb.block_size} * 512 < lim.logical_block_bytes)
        return err(kBlockSize, "block_size " + std::to_string(sb.block_size) +
                                   " sectors is smaller than the device's logical block size " +
                                   std::to_string(lim.logical_block_bytes) + " bytes");
    if (!std::has_single_bit(bucket))
        return err(kBucketSize, "bucket size " + std::to_string(bucket) +
                                    " sectors, expected a power of 2");
    if (bucket < lim.page_sectors)
        return err(kBucketSize, "bucket size " + std::to_string(bucket) +
                                    " sectors, expected at least the page size (" +
                                    std::to_string(lim.page_sectors) + ")");
    if (lim.device_bytes) {
        if (sb.nbuckets > lim.device_bytes / 512 / bucket)
            return err(kNbuckets, std::to_string(sb.nbuckets) + " buckets of " +
                                      std::to_string(bucket) + " sectors, but the device has only " +
                                      std::to_string(lim.device_bytes / 512) + " sectors");
    }
    if (is_zero(sb.set_uuid))
        return err(kSetUuid, "set_uuid is all zero, expected a cache set UUID");
    if (sb.nr_in_set == 0 || sb.nr_in_set > MAX_CACHES_PER_SET || sb.nr_this_dev >= sb.nr_in_set)
        return err(kNrInSet, "nr_in_set " + std::to_string(sb.nr_in_set) + " / nr_this_dev " +
                                 std::to_string(sb.nr_this_dev) +
                                 ", expected 1 <= nr_in_set <= 8 and nr_this_dev < nr_in_set");
    for (size_t i = 0; i < sb.keys; ++i)
        if (sb.d[i] != uint64_t{sb.first_bucket} + i)
            return err(kD + 8 * i, "journal bucket d[" + std::to_string(i) + "] = " +
                                       std::to_string(sb.d[i]) + ", expected first_bucket + " +
                                       std::to_string(i) + " = " +
                                       std::to_string(sb.first_bucket + i));
    if (uint64_t{sb.first_bucket} + sb.keys > sb.nbuckets)
        return err(kFirstBucket, "first_bucket " + std::to_string(sb.first_bucket) + " + " +
                                     std::to_string(sb.keys) + " journal buckets exceed nbuckets " +
                                     std::to_string(sb.nbuckets));
    if (uint64_t{sb.first_bucket} * bucket < 16)
        return err(kFirstBucket, "first_bucket " + std::to_string(sb.first_bucket) +
                                     " starts inside the superblock area (sectors 0..15)");
    return std::nullopt;
}

} // namespace

bool CacheSuperblock::is_backing() const {
    return version == BCACHE_SB_VERSION_BDEV || version == BCACHE_SB_VERSION_BDEV_WITH_OFFSET ||
           version == BCACHE_SB_VERSION_BDEV_WITH_FEATURES;
}

uint64_t CacheSuperblock::bucket_sectors() const {
    if (version >= BCACHE_SB_VERSION_CDEV_WITH_FEATURES) {
        if (feature_incompat & FEATURE_INCOMPAT_LOG_LARGE_BUCKET_SIZE)
            return bucket_size < 64 ? 1ull << bucket_size : 0;
        if (feature_incompat & FEATURE_INCOMPAT_OBSO_LARGE_BUCKET)
            return bucket_size + (uint64_t{obso_bucket_size_hi} << 16);
    }
    return bucket_size;
}

void CacheSuperblock::set_bucket_sectors(uint64_t sectors) {
    if (sectors <= 0xffff) {
        bucket_size = static_cast<uint16_t>(sectors);
        return;
    }
    version = std::max(version, BCACHE_SB_VERSION_CDEV_WITH_FEATURES);
    feature_incompat |= FEATURE_INCOMPAT_LOG_LARGE_BUCKET_SIZE;
    bucket_size = static_cast<uint16_t>(std::countr_zero(sectors));
}

uint64_t CacheSuperblock::set_magic() const {
    uint64_t m = 0;
    for (size_t i = 0; i < 8; ++i)
        m |= uint64_t{set_uuid[i]} << (8 * i);
    return m;
}

uint64_t CacheSuperblock::data_offset() const {
    return version == BCACHE_SB_VERSION_BDEV ? BDEV_DATA_START_DEFAULT : nbuckets;
}

uint64_t superblock_csum(std::span<const std::byte> b) {
    const size_t keys = std::min<size_t>(le16(b, kKeys), SB_JOURNAL_BUCKETS);
    return bch_crc64(b.subspan(8, kD + 8 * keys - 8));
}

std::vector<std::byte> encode_superblock(const CacheSuperblock& sb) {
    std::vector<std::byte> buf(SB_SIZE);
    std::span<std::byte> b(buf);
    store_le<uint64_t>(b, kOffset, sb.offset);
    store_le<uint64_t>(b, kVersion, sb.version);
    put_bytes(b, kMagic, sb.magic);
    put_bytes(b, kUuid, sb.uuid);
    put_bytes(b, kSetUuid, sb.set_uuid);
    put_bytes(b, kLabel, sb.label);
    store_le<uint64_t>(b, kFlags, sb.flags);
    store_le<uint64_t>(b, kSeq, sb.seq);
    store_le<uint64_t>(b, kFeatCompat, sb.feature_compat);
    store_le<uint64_t>(b, kFeatIncompat, sb.feature_incompat);
    store_le<uint64_t>(b, kFeatRoCompat, sb.feature_ro_compat);
    for (size_t i = 0; i < sb.pad.size(); ++i)
        store_le<uint64_t>(b, kPad + 8 * i, sb.pad[i]);
    store_le<uint64_t>(b, kNbuckets, sb.nbuckets);
    store_le<uint16_t>(b, kBlockSize, sb.block_size);
    store_le<uint16_t>(b, kBucketSize, sb.bucket_size);
    store_le<uint16_t>(b, kNrInSet, sb.nr_in_set);
    store_le<uint16_t>(b, kNrThisDev, sb.nr_this_dev);
    store_le<uint32_t>(b, kLastMount, sb.last_mount);
    store_le<uint16_t>(b, kFirstBucket, sb.first_bucket);
    store_le<uint16_t>(b, kKeys, sb.keys);
    for (size_t i = 0; i < sb.d.size(); ++i)
        store_le<uint64_t>(b, kD + 8 * i, sb.d[i]);
    store_le<uint16_t>(b, kObsoHi, sb.obso_bucket_size_hi);
    store_le<uint64_t>(b, kCsum, superblock_csum(b));
    return buf;
}

Result<CacheSuperblock> parse_superblock(std::span<const std::byte> b) {
    if (b.size() < kMinStructBytes)
        return err(0, "only " + std::to_string(b.size()) + " bytes, expected " +
                          std::to_string(kMinStructBytes) + " (device too small or truncated)");
    CacheSuperblock sb;
    sb.csum = le64(b, kCsum);
    sb.offset = le64(b, kOffset);
    sb.version = le64(b, kVersion);
    get_bytes(b, kMagic, sb.magic);
    get_bytes(b, kUuid, sb.uuid);
    get_bytes(b, kSetUuid, sb.set_uuid);
    get_bytes(b, kLabel, sb.label);
    sb.flags = le64(b, kFlags);
    sb.seq = le64(b, kSeq);
    sb.feature_compat = le64(b, kFeatCompat);
    sb.feature_incompat = le64(b, kFeatIncompat);
    sb.feature_ro_compat = le64(b, kFeatRoCompat);
    for (size_t i = 0; i < sb.pad.size(); ++i)
        sb.pad[i] = le64(b, kPad + 8 * i);
    sb.nbuckets = le64(b, kNbuckets);
    sb.block_size = le16(b, kBlockSize);
    sb.bucket_size = le16(b, kBucketSize);
    sb.nr_in_set = le16(b, kNrInSet);
    sb.nr_this_dev = le16(b, kNrThisDev);
    sb.last_mount = le32(b, kLastMount);
    sb.first_bucket = le16(b, kFirstBucket);
    sb.keys = le16(b, kKeys);
    for (size_t i = 0; i < sb.d.size(); ++i)
        sb.d[i] = le64(b, kD + 8 * i);
    sb.obso_bucket_size_hi = b.size() >= SB_STRUCT_BYTES ? le16(b, kObsoHi) : 0;
    return sb;
}

std::optional<ParseError> validate_superblock(const CacheSuperblock& sb,
                                              std::span<const std::byte> b,
                                              const SuperblockLimits& lim) {
    if (sb.offset != SB_SECTOR)
        return err(kOffset, "offset " + std::to_string(sb.offset) + ", expected 8 (not a bcache superblock)");
    if (sb.magic != BCACHE_MAGIC)
        return err(kMagic, "bad magic, expected c68573f6-4e1a-45ca-8265-f57f48ba6d81 (not a bcache device)");
    if (sb.keys > SB_JOURNAL_BUCKETS)
        return err(kKeys, "keys = " + std::to_string(sb.keys) + " journal buckets, expected at most 256");
    const uint64_t want = superblock_csum(b);
    if (sb.csum != want)
        return err(kCsum, "bad csum " + hex64(sb.csum) + ", expected " + hex64(want));
    if (is_zero(sb.uuid))
        return err(kUuid, "uuid is all zero, expected a device UUID");
    if (sb.version > lim.max_version || sb.version == 2)
        return err(kVersion, "unsupported version " + std::to_string(sb.version) +
                                 ", expected 0, 1, 3 or 4" +
                                 (lim.max_version >= 6 ? std::string(", 5 or 6") : std::string()));
    if (sb.version >= BCACHE_SB_VERSION_CDEV_WITH_FEATURES) {
        if (sb.feature_compat)
            return err(kFeatCompat, "unknown compat features " + hex64(sb.feature_compat));
        if (sb.feature_ro_compat)
            return err(kFeatRoCompat, "unknown ro_compat features " + hex64(sb.feature_ro_compat));
        if (sb.feature_incompat & ~FEATURE_INCOMPAT_SUPP)
            return err(kFeatIncompat, "unknown incompat features " +
                                          hex64(sb.feature_incompat & ~FEATURE_INCOMPAT_SUPP));
        if ((sb.feature_incompat & FEATURE_INCOMPAT_LOG_LARGE_BUCKET_SIZE) && sb.bucket_size > 31)
            return err(kBucketSize, "log2 bucket size " + std::to_string(sb.bucket_size) +
                                        " overflows, expected at most 31");
    }
    if (sb.is_backing()) {
        if (sb.version != BCACHE_SB_VERSION_BDEV && sb.nbuckets < BDEV_DATA_START_DEFAULT)
            return err(kNbuckets, "data_offset " + std::to_string(sb.nbuckets) +
                                      ", expected at least 16 sectors");
        return std::nullopt;
    }
    return validate_cache(sb, lim);
}

Result<CacheSuperblock> decode_superblock(std::span<const std::byte> b, const SuperblockLimits& lim) {
    auto sb = parse_superblock(b);
    if (!sb)
        return sb;
    if (auto e = validate_superblock(sb.value(), b, lim))
        return *e;
    return sb;
}

std::string uuid_to_string(const Uuid& u) {
    char s[40];
    std::snprintf(s, sizeof s,
                  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
                  u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
                  u[14], u[15]);
    return s;
}

std::optional<Uuid> uuid_from_string(const std::string& s) {
    Uuid u{};
    size_t n = 0;
    int hi = -1;
    for (char c : s) {
        if (c == '-')
            continue;
        int v;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        else
            return std::nullopt;
        if (hi < 0) {
            hi = v;
            continue;
        }
        if (n == u.size())
            return std::nullopt;
        u[n++] = static_cast<uint8_t>(hi << 4 | v);
        hi = -1;
    }
    if (n != u.size() || hi >= 0)
        return std::nullopt;
    return u;
}

const char* replacement_name(unsigned policy) {
    switch (policy) {
    case 0: return "lru";
    case 1: return "fifo";
    case 2: return "random";
    default: return "unknown";
    }
}

} // namespace bucketscope::ondisk
