// bcache's crc64 (CRC-64/WE): MSB-first, polynomial 0x42F0E1EBA9EA3693, init and final
// xor all-ones. The table is built once at compile time from the polynomial, so there is
// no literal table to get wrong; the known vectors in the tests pin it down.

#include "core/ondisk/crc64.h"

#include <array>

namespace bucketscope::ondisk {
namespace {

constexpr uint64_t kPoly = 0x42F0E1EBA9EA3693ull;

constexpr std::array<uint64_t, 256> make_table() {
    std::array<uint64_t, 256> t{};
    for (uint64_t i = 0; i < 256; ++i) {
        uint64_t crc = i << 56;
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & (1ull << 63)) ? (crc << 1) ^ kPoly : crc << 1;
        t[i] = crc;
    }
    return t;
}

constexpr std::array<uint64_t, 256> kTable = make_table();

} // namespace

uint64_t crc64_be(uint64_t crc, std::span<const std::byte> data) {
    for (std::byte b : data)
        crc = kTable[((crc >> 56) ^ static_cast<uint64_t>(b)) & 0xff] ^ (crc << 8);
    return crc;
}

uint64_t bch_crc64_update(uint64_t crc, std::span<const std::byte> data) {
    return ~crc64_be(~crc, data);
}

uint64_t bch_crc64(std::span<const std::byte> data) { return bch_crc64_update(0, data); }

} // namespace bucketscope::ondisk
