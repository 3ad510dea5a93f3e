// bcache's crc64 (CRC-64/WE): MSB-first, polynomial 0x42F0E1EBA9EA3693, init and final
// xor all-ones. The tables are built at compile time from the polynomial, so there is no
// literal table to get wrong; the known vectors in the tests pin it down.
//
// Slicing by 8: the register is 64 bits wide, so eight input bytes xor into it at once and
// each of its bytes then has to travel through 0..7 further zero bytes; table k holds a
// byte's contribution after k zero bytes. Data checksums of whole buckets and the fixture
// images go through here, several times faster than one table step per byte.

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

using Tables = std::array<std::array<uint64_t, 256>, 8>;

constexpr Tables make_tables() {
    Tables t{};
    t[0] = make_table();
    for (size_t k = 1; k < 8; ++k)
        for (size_t i = 0; i < 256; ++i)
            t[k][i] = (t[k - 1][i] << 8) ^ t[0][t[k - 1][i] >> 56];
    return t;
}

constexpr Tables kTables = make_tables();
constexpr const std::array<uint64_t, 256>& kTable = kTables[0];

uint64_t load_be64(const std::byte* p) {
    uint64_t w = 0;
    for (int i = 0; i < 8; ++i)
        w = (w << 8) | static_cast<uint64_t>(p[i]);
    return w;
}

} // namespace

uint64_t crc64_be(uint64_t crc, std::span<const std::byte> data) {
    const std::byte* p = data.data();
    size_t n = data.size();
    for (; n >= 8; p += 8, n -= 8) {
        const uint64_t x = crc ^ load_be64(p);
        crc = kTables[7][x >> 56] ^ kTables[6][(x >> 48) & 0xff] ^
              kTables[5][(x >> 40) & 0xff] ^ kTables[4][(x >> 32) & 0xff] ^
              kTables[3][(x >> 24) & 0xff] ^ kTables[2][(x >> 16) & 0xff] ^
              kTables[1][(x >> 8) & 0xff] ^ kTables[0][x & 0xff];
    }
    for (std::byte b : data.last(n))
        crc = kTable[((crc >> 56) ^ static_cast<uint64_t>(b)) & 0xff] ^ (crc << 8);
    return crc;
}

uint64_t bch_crc64_update(uint64_t crc, std::span<const std::byte> data) {
    return ~crc64_be(~crc, data);
}

uint64_t bch_crc64(std::span<const std::byte> data) { return bch_crc64_update(0, data); }

} // namespace bucketscope::ondisk
