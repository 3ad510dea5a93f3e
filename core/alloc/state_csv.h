#pragma once
// Bucket state as CSV: the exchange format of `bucketscope-cli victims` and of tests that
// want a cache in a given state without running a workload.
//
//   bucket,gen,prio,mark,sectors_used,pin
//   1,3,32768,reclaimable,512,0
//
// One row per bucket; mark is unused, reclaimable, dirty or metadata. The cache has
// largest bucket + 1 buckets and every bucket not listed is zero (gen 0, prio 0, unused,
// unpinned), so sparse files describe big caches. last_gc is set to gen on load, as after
// a prio read. Loading is strict: a wrong header, a wrong column count, a number that is
// not one or out of range, an unknown mark or a bucket listed twice is an error naming
// the file, the line and the field. Not thread-safe beyond its arguments.

#include <string>
#include <string_view>
#include <vector>

#include "core/alloc/bucket.h"

namespace bucketscope {

inline constexpr std::string_view kBucketStateCsvHeader = "bucket,gen,prio,mark,sectors_used,pin";
// Largest bucket number accepted (2^26 buckets is 32 TiB of 512 KiB buckets); keeps a typo
// from allocating gigabytes.
inline constexpr uint64_t kMaxBucketStateBuckets = uint64_t{1} << 26;

// Parses CSV text; `name` (usually the file name) prefixes error messages. On failure
// returns false, leaves `out` unspecified and sets `error`.
bool parse_bucket_state_csv(std::string_view text, const std::string& name,
                            std::vector<Bucket>& out, std::string& error);
bool load_bucket_state_csv(const std::string& path, std::vector<Bucket>& out, std::string& error);

// Writes every bucket with any non-zero field, and always the last one so the bucket
// count survives the round trip. last_gc and GC_MOVE are not part of the format.
std::string format_bucket_state_csv(const std::vector<Bucket>& buckets);
bool save_bucket_state_csv(const std::string& path, const std::vector<Bucket>& buckets,
                           std::string& error);

} // namespace bucketscope
