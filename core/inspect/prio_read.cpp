// prio_read, with the bounds the kernel does not check: a damaged next_bucket could point
// anywhere, so every chain bucket must be a data bucket of this device and visited once.

#include "core/inspect/prio_read.h"

#include <algorithm>
#include <unordered_set>

#include "core/inspect/device_read.h"

namespace bucketscope::inspect {

using ondisk::ParseError;
using ondisk::Result;

namespace {
constexpr uint64_t kMetaBucketCap = 4ull << 20;
} // namespace

uint64_t prio_buffer_bytes(const ondisk::CacheSuperblock& sb, Profile profile) {
    const uint64_t bucket_bytes = sb.bucket_sectors() * 512;
    return profile == Profile::v6_2 ? std::min(bucket_bytes, kMetaBucketCap) : bucket_bytes;
}

uint64_t prios_per_bucket(const ondisk::CacheSuperblock& sb, Profile profile) {
    return (prio_buffer_bytes(sb, profile) - ondisk::PRIO_SET_HEADER) / 3;
}

Result<PrioChain> read_prios(Device& dev, const ondisk::CacheSuperblock& sb,
                             uint64_t first_prio_bucket, Profile profile,
                             std::vector<BucketState>& buckets, Progress* progress) {
    const uint64_t bucket_bytes = sb.bucket_sectors() * 512;
    const uint64_t ppb = prios_per_bucket(sb, profile);
    PrioChain chain;
    std::unordered_set<uint64_t> seen;
    uint64_t bucket = first_prio_bucket;
    uint64_t from_offset = 0; // where `bucket` was named, for messages
    const uint64_t chain_length = (sb.nbuckets + ppb - 1) / ppb;
    for (uint64_t b = 0; b < sb.nbuckets; b += ppb) {
        if (!report_progress(progress, "prio sets", chain.buckets.size(), chain_length))
            return ParseError{"prio_set", bucket * bucket_bytes, kCancelledMessage};
        if (bucket < sb.first_bucket || bucket >= sb.nbuckets)
            return ParseError{"prio_set", from_offset,
                              "prio bucket " + std::to_string(bucket) + " (chain position " +
                                  std::to_string(chain.buckets.size()) + ") is outside buckets " +
                                  std::to_string(sb.first_bucket) + ".." +
                                  std::to_string(sb.nbuckets - 1)};
        if (!seen.insert(bucket).second)
            return ParseError{"prio_set", from_offset,
                              "prio chain loops back to bucket " + std::to_string(bucket) +
                                  " after " + std::to_string(chain.buckets.size()) + " buckets"};
        const uint64_t offset = bucket * bucket_bytes;
        auto buf = read_structure(dev, "prio_set", offset, prio_buffer_bytes(sb, profile));
        if (!buf)
            return buf.error();
        auto p = ondisk::decode_prio_set(buf.value(), sb.set_magic(), offset,
                                         profile == Profile::v4_6 ? &chain.warnings : nullptr);
        if (!p)
            return p.error();
        if (chain.buckets.empty())
            chain.seq = p.value().seq;
        chain.buckets.push_back(bucket);
        const uint64_t n = std::min(ppb, sb.nbuckets - b);
        for (uint64_t i = 0; i < n; ++i) {
            const ondisk::BucketDisk& d = p.value().entries[i];
            BucketState& s = buckets[b + i];
            s.prio = d.prio;
            s.gen = s.last_gc = d.gen;
        }
        from_offset = offset + 32;
        bucket = p.value().next_bucket;
    }
    return chain;
}

} // namespace bucketscope::inspect
