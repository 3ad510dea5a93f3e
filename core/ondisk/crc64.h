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

} // namespace bucketscope::ondisk
