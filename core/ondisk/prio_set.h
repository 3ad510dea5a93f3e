#pragma once
// struct prio_set: one bucket of the prio/gen chain (bcache-ondisk.md section 2).
// Header {csum, magic = set_magic ^ PSET_MAGIC, seq, version, pad, next_bucket} then
// packed 3-byte {le16 prio, u8 gen} entries; csum = bch_crc64 over [8, buffer_bytes).

#include <cstdint>
#include <span>
#include <vector>

#include "core/ondisk/result.h"

namespace bucketscope::ondisk {

inline constexpr uint64_t PSET_MAGIC = 0x6750e15f87337f91ull;
inline constexpr size_t PRIO_SET_HEADER = 40;

struct BucketDisk {
    uint16_t prio = 0;
    uint8_t gen = 0;
};

struct PrioSet {
    uint64_t csum = 0;
    uint64_t magic = 0;
    uint64_t seq = 0;
    uint32_t version = 0;
    uint64_t next_bucket = 0;
    std::vector<BucketDisk> entries; // all (buffer_bytes - 40) / 3 slots of the buffer
};

// Writes header and entries into `buf` (the whole prio buffer, meta_bucket_bytes long),
// leaving bytes past the entries as they are (the kernel reuses one buffer), then the csum.
// `zeros_from`: the caller knows buf[zeros_from, end) is all zeros before the call (a
// long-lived buffer remembers how far it was ever written), which spares the scan for
// the tail the checksum skips. Returns the end of the entries written.
size_t encode_prio_set(std::span<std::byte> buf, uint64_t set_magic, uint64_t seq,
                       uint64_t next_bucket, std::span<const BucketDisk> entries,
                       size_t zeros_from = SIZE_MAX);
// The second half of encode_prio_set, for a writer that packs the entries into `buf`
// itself (the prio writer, straight from the bucket array): the `n` entries at
// [PRIO_SET_HEADER, PRIO_SET_HEADER + 3n) are in place; writes the header and the csum
// exactly as encode_prio_set would and returns the end of the entries.
size_t seal_prio_set(std::span<std::byte> buf, uint64_t set_magic, uint64_t seq,
                     uint64_t next_bucket, size_t n, size_t zeros_from = SIZE_MAX);
// Checks csum then magic (v6.1 prio_read order). `device_offset` is only for messages.
// With `tolerated` (v4.6's prio_read, which only warns), a bad csum or magic is appended
// there and the entries are decoded anyway; a buffer too short is an error either way.
Result<PrioSet> decode_prio_set(std::span<const std::byte> buf, uint64_t set_magic,
                                uint64_t device_offset,
                                std::vector<ParseError>* tolerated = nullptr);

} // namespace bucketscope::ondisk
