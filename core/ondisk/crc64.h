#pragma once
// bcache's crc64 (lib/crc64.c, bch_crc64): the ECMA-182 polynomial 0x42F0E1EBA9EA3693,
// reflected table, initial value and final xor all-ones. Every checksummed bcache
// structure (superblock, prio set, jset, bset) uses it.

#include <cstddef>
#include <cstdint>
#include <span>

namespace bucketscope::ondisk {

uint64_t bch_crc64(std::span<const std::byte> data);
// Continues a running crc64 (pass the previous result as `crc`, starting with 0).
uint64_t bch_crc64_update(uint64_t crc, std::span<const std::byte> data);
// The raw table step (lib/crc64.c crc64_be): no initial or final inversion. Version-1
// bsets seed it with the node key's first pointer word and invert the result themselves.
uint64_t crc64_be(uint64_t seed, std::span<const std::byte> data);
// crc64_be over `zeros` zero bytes without reading them: the register times x^(8 zeros)
// mod the polynomial. Checksums of mostly empty buffers (prio sets) skip their tails.
uint64_t crc64_be_zeros(uint64_t crc, uint64_t zeros);
// crc64_be over `data` whose bytes from `zeros_from` on are known to be zero: the zero run
// is skipped as crc64_be_zeros does, except for the few zeros the carry-less path reads
// to end on a whole 64-byte block (which spares it the byte table for the last one).
uint64_t crc64_be_zero_tail(uint64_t crc, std::span<const std::byte> data, size_t zeros_from);

} // namespace bucketscope::ondisk
