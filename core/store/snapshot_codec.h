#pragma once
// Bucket snapshots as stored in a session: the per-bucket arrays of a BucketSnapshot laid
// end to end (gen, prio, mark, sectors used, pin, membership) and compressed with zstd.
// Buckets change slowly between snapshots, so runs of equal values compress well.

#include "core/engine/snapshot.h"

#include <cstddef>
#include <span>
#include <stdexcept>
#include <vector>

namespace bucketscope::store {

// zstd at `level` (3 by default; event blocks use a fast negative level).
std::vector<std::byte> compress(std::span<const std::byte> raw, int level = 3);
// Throws std::runtime_error when `packed` is not a zstd frame of exactly `raw_size` bytes.
std::vector<std::byte> decompress(std::span<const std::byte> packed, size_t raw_size);

std::vector<std::byte> serialise_buckets(const BucketSnapshot& s);
// Fills the per-bucket arrays of `out` (nbuckets given); throws on a size mismatch.
void deserialise_buckets(std::span<const std::byte> raw, uint64_t nbuckets, BucketSnapshot& out);

} // namespace bucketscope::store
