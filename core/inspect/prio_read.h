#pragma once
// Reading every bucket's prio and gen through the prio chain (bcache-ondisk.md 2.2-2.4).
// The chain starts at the newest jset's prio_bucket[nr_this_dev] and is followed through
// next_bucket, stopping by count (ceil(nbuckets / prios_per_bucket)): the last bucket's
// next_bucket names the previous prio set and must not be followed.

#include <vector>

#include "core/device/device.h"
#include "core/device/progress.h"
#include "core/inspect/bucket_state.h"
#include "core/ondisk/prio_set.h"
#include "core/ondisk/superblock.h"

namespace bucketscope::inspect {

struct PrioChain {
    std::vector<uint64_t> buckets; // chain order
    uint64_t seq = 0;              // of the first bucket
    // v4.6 only: bad csums and magics its prio_read warns about and reads through.
    std::vector<ondisk::ParseError> warnings;
};

// The prio buffer: the bucket, capped at 4 MiB (meta_bucket_bytes) on v6 kernels.
uint64_t prio_buffer_bytes(const ondisk::CacheSuperblock& sb, Profile profile);
uint64_t prios_per_bucket(const ondisk::CacheSuperblock& sb, Profile profile);

// Fills prio, gen and last_gc of every bucket. Errors: a chain bucket outside
// [first_bucket, nbuckets), a loop, a bad csum or magic (v6.1 refuses to register; v4.6
// only warns, so with that profile they become PrioChain::warnings).
// `progress` hears "prio sets" once per chain bucket.
ondisk::Result<PrioChain> read_prios(Device& dev, const ondisk::CacheSuperblock& sb,
                                     uint64_t first_prio_bucket, Profile profile,
                                     std::vector<BucketState>& buckets,
                                     Progress* progress = nullptr);

} // namespace bucketscope::inspect
