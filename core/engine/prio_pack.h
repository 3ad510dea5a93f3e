#pragma once
// The prio writer's inner loop: the bucket array straight into a prio set's entries.
//
// Every free_inc batch ends in a prio write that packs the prio and gen of every bucket
// (bcache-ondisk.md 2.5), so this runs over the whole bucket array thousands of times per
// replay. One pass reads each 12-byte Bucket once and writes its 3-byte on-disk entry
// {le16 prio, u8 gen} and its gen (the writer's pending gens), with the prio as
// PrioClock::current sees it: the stored prio lowered by the rescale passes it missed
// (saturating at 0) if the clock defers, the bucket is unpinned and its prio is not
// BTREE_PRIO. Where the CPU has AVX-512 (with VBMI) sixteen buckets go at once, with AVX2
// eight (prio_pack.cpp, chosen at run time); the scalar loop is the definition and does
// the rest.

#include "core/alloc/bucket.h"

#include <cstddef>
#include <cstdint>

namespace bucketscope {

// Writes the entries of buckets[0..n) to out[0..3n) and their gens to gens[0..n), with
// PrioClock::current(b, clock_on, passes) as the prio. Nothing past out[3n) or gens[n) is
// touched.
void pack_prio_entries(const Bucket* buckets, size_t n, bool clock_on, uint64_t passes,
                       std::byte* out, uint8_t* gens);

namespace detail {
// The loops pack_prio_entries can take, each doing what it can and leaving the rest to
// the ones below it; tests run every one this CPU has.
enum class PrioPackPath : uint8_t { Scalar, Avx2, Avx512 };
// The widest this CPU has (checked once).
PrioPackPath prio_pack_best();
// pack_prio_entries through `path` (which must be at most prio_pack_best()).
void pack_prio_entries_with(PrioPackPath path, const Bucket* buckets, size_t n, bool clock_on,
                            uint64_t passes, std::byte* out, uint8_t* gens);
void pack_prio_entries_scalar(const Bucket* buckets, size_t n, bool clock_on, uint64_t passes,
                              std::byte* out, uint8_t* gens);
} // namespace detail

} // namespace bucketscope
