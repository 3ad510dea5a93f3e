#include "core/device/cache_format.h"

#include <algorithm>
#include <bit>
#include <filesystem>
#include <random>
#include <sys/stat.h>

namespace bucketscope {

namespace {

constexpr uint64_t kSector = 512;
constexpr uint64_t kPageBytes = 4096;             // PAGE_SECTORS * 512 on the kernels we model
constexpr uint64_t kMaxBucketBytes = 16ull << 20; // largest power of two that fits u16 sectors
constexpr uint64_t kMinBuckets = 128;             // read_super
constexpr uint64_t kKernelMinBuckets = 513;       // v6.1 cache_alloc: nbuckets <= 512 refused

std::string bytes_text(uint64_t bytes) {
    std::string s = std::to_string(bytes) + " bytes";
    if (bytes >= kSector && bytes % kSector == 0)
        s += " (" + std::to_string(bytes / kSector) + " sectors)";
    return s;
}

Status refuse(const std::string& what) {
    return Status::error("cannot format: " + what);
}

bool is_zero(const ondisk::Uuid& u) {
    return std::all_of(u.begin(), u.end(), [](uint8_t c) { return c == 0; });
}

} // namespace

ondisk::Uuid random_uuid() {
    std::random_device rd;
    ondisk::Uuid u{};
    for (auto& c : u)
        c = static_cast<uint8_t>(rd());
    u[6] = static_cast<uint8_t>((u[6] & 0x0f) | 0x40); // version 4
    u[8] = static_cast<uint8_t>((u[8] & 0x3f) | 0x80); // RFC 4122 variant
    return u;
}

uint64_t default_block_bytes(const std::string& path, uint32_t logical_block_bytes) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISBLK(st.st_mode))
        return logical_block_bytes;
    if (::stat(path.c_str(), &st) != 0) {
        std::filesystem::path dir = std::filesystem::path(path).parent_path();
        if (::stat(dir.empty() ? "." : dir.c_str(), &st) != 0)
            return kPageBytes;
    }
    uint64_t bytes = st.st_blksize > 0 ? static_cast<uint64_t>(st.st_blksize) : kPageBytes;
    uint64_t lowest =
        std::min<uint64_t>(std::max<uint64_t>(kSector, logical_block_bytes), kPageBytes);
    return std::clamp<uint64_t>(std::bit_floor(bytes), lowest, kPageBytes);
}

Status plan_cache_format(const FormatOptions& o, uint64_t device_bytes,
                         uint32_t logical_block_bytes, FormatPlan& plan) {
    const uint64_t bucket = o.bucket_bytes, block = o.block_bytes;
    if (!std::has_single_bit(bucket))
        return refuse("bucket size " + bytes_text(bucket) + " is not a power of two");
    if (bucket < kPageBytes)
        return refuse("bucket size " + bytes_text(bucket) +
                      " is below the kernel's minimum of one page (4096 bytes)");
    if (bucket > kMaxBucketBytes)
        return refuse("bucket size " + bytes_text(bucket) +
                      " is above 16 MiB, the largest a version-0 superblock stores "
                      "(bucket_size is a 16-bit count of sectors)");
    if (!std::has_single_bit(block))
        return refuse("block size " + bytes_text(block) + " is not a power of two");
    if (block < kSector)
        return refuse("block size " + bytes_text(block) + " is below one sector (512 bytes)");
    if (block > kPageBytes)
        return refuse("block size " + bytes_text(block) +
                      " is above the kernel's maximum of one page (4096 bytes)");
    if (block < logical_block_bytes)
        return refuse("block size " + bytes_text(block) +
                      " is smaller than the device's logical block size (" +
                      std::to_string(logical_block_bytes) + " bytes)");
    if (block > bucket)
        return refuse("block size " + bytes_text(block) + " is larger than the bucket size " +
                      bytes_text(bucket));

    uint64_t size = o.size_bytes ? o.size_bytes : device_bytes;
    if (size > device_bytes)
        return refuse("size " + bytes_text(size) + " is larger than the device (" +
                      bytes_text(device_bytes) + ")");
    uint64_t nbuckets = size / bucket;
    if (nbuckets < kMinBuckets)
        return refuse(std::to_string(nbuckets) + " buckets of " + bytes_text(bucket) + " in " +
                      bytes_text(size) + "; the kernel needs at least " +
                      std::to_string(kMinBuckets) +
                      " (use a smaller bucket size or a larger "
                      "device)");
    if (o.label.size() > ondisk::SB_LABEL_SIZE)
        return refuse("label \"" + o.label + "\" is " + std::to_string(o.label.size()) +
                      " bytes, the superblock holds at most " +
                      std::to_string(ondisk::SB_LABEL_SIZE));
    if ((o.uuid && is_zero(*o.uuid)) || (o.set_uuid && is_zero(*o.set_uuid)))
        return refuse("an all-zero UUID is not accepted by the kernel");

    FormatPlan p;
    auto& sb = p.sb;
    sb.version = ondisk::BCACHE_SB_VERSION_CDEV;
    sb.uuid = o.uuid ? *o.uuid : random_uuid();
    sb.set_uuid = o.set_uuid ? *o.set_uuid : random_uuid();
    std::copy(o.label.begin(), o.label.end(), sb.label.begin());
    sb.nbuckets = nbuckets;
    sb.block_size = static_cast<uint16_t>(block / kSector);
    sb.bucket_size = static_cast<uint16_t>(bucket / kSector);
    sb.nr_in_set = 1;
    sb.nr_this_dev = 0;
    sb.first_bucket = static_cast<uint16_t>(23 / sb.bucket_size + 1);
    sb.set_cache_discard(o.discard);
    sb.set_cache_replacement(static_cast<unsigned>(o.policy));

    if (nbuckets < kKernelMinBuckets)
        p.warnings.push_back(std::to_string(nbuckets) +
                             " buckets: Linux v6.x refuses to register a cache with 512 buckets "
                             "or fewer (cache_alloc: \"nbuckets is too small\"); v4.x kernels "
                             "accept it. Use a smaller bucket size or a larger device to run it "
                             "on a current kernel.");
    if (size != device_bytes)
        p.warnings.push_back("formatting " + bytes_text(nbuckets * bucket) + " of a " +
                             bytes_text(device_bytes) + " device; the rest stays unused");
    else if (size % bucket)
        p.warnings.push_back("the last " + bytes_text(size % bucket) +
                             " of the device do not fill a bucket and stay unused");

    // The superblock must pass the kernel's own checks before anything is written.
    ondisk::SuperblockLimits limits;
    limits.device_bytes = device_bytes;
    limits.logical_block_bytes = logical_block_bytes;
    auto check = ondisk::decode_superblock(ondisk::encode_superblock(sb), limits);
    if (!check)
        return refuse("the superblock would be invalid: " + check.error().to_string());
    plan = std::move(p);
    return Status::ok();
}

Status write_cache_superblock(Device& device, const ondisk::CacheSuperblock& sb) {
    if (device.size_bytes() < ondisk::SB_OFFSET + ondisk::SB_SIZE)
        return Status::error(device.name() + ": too small for a superblock (" +
                             std::to_string(device.size_bytes()) + " bytes)");
    std::vector<std::byte> zeros(ondisk::SB_OFFSET);
    if (auto s = device.write(0, zeros); !s)
        return s;
    auto bytes = ondisk::encode_superblock(sb);
    if (auto s = device.write(ondisk::SB_OFFSET, std::span(bytes).first(kMakeBcacheSbBytes)); !s)
        return s;
    return device.flush();
}

} // namespace bucketscope
