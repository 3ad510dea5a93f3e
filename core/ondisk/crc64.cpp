// bcache's crc64 (CRC-64/WE): MSB-first, polynomial 0x42F0E1EBA9EA3693, init and final
// xor all-ones. The tables are built at compile time from the polynomial, so there is no
// literal table to get wrong; the known vectors in the tests pin it down.
//
// Whole 64-byte blocks go through carry-less multiplication where the CPU has it
// (crc64_clmul.cpp): a prio set is checksummed at every prio write, and even one block
// costs less that way than through the table (about 15 ns against 37). The rest, and
// CPUs without it, slice by 8: the register is 64 bits wide, so eight input
// bytes xor into it at once and each of its bytes then has to travel through 0..7 further
// zero bytes; table k holds a byte's contribution after k zero bytes.

#include "core/ondisk/crc64.h"
#include "core/ondisk/crc64_impl.h"

#include <algorithm>
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
    if (data.size() >= 64 && detail::clmul_available()) {
        size_t used = 0;
        crc = detail::crc64_be_clmul(crc, data.data(), data.size(), &used);
        data = data.subspan(used);
    }
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

namespace {
// a * b mod P, Horner over b's bits, or with carry-less multiplication where there is one.
uint64_t mulmod(uint64_t a, uint64_t b) {
    if (detail::clmul_available())
        return detail::mulmod_clmul(a, b);
    uint64_t r = 0;
    for (int i = 63; i >= 0; --i) {
        r = (r << 1) ^ ((r >> 63) ? kPoly : 0);
        if ((b >> i) & 1)
            r ^= a;
    }
    return r;
}

// x^(8n) mod P by square and multiply.
uint64_t xpow8(uint64_t n) {
    uint64_t result = 1, base = 1ull << 8; // x^0, x^8
    for (; n; n >>= 1) {
        if (n & 1)
            result = mulmod(result, base);
        base = mulmod(base, base);
    }
    return result;
}
} // namespace

uint64_t crc64_be_zeros(uint64_t crc, uint64_t zeros) {
    if (!zeros || !crc)
        return crc;
    // The same tail length comes back every time (one prio set size per cache).
    thread_local uint64_t last_n = 0, last_pow = 1;
    if (zeros != last_n) {
        last_pow = xpow8(zeros);
        last_n = zeros;
    }
    return mulmod(crc, last_pow);
}

uint64_t crc64_be_zero_tail(uint64_t crc, std::span<const std::byte> data, size_t zeros_from) {
    size_t n = std::min(zeros_from, data.size());
    // Rounded up to whole blocks, the carry-less path reads a few known zeros instead of
    // leaving up to 63 bytes to the table.
    if (n >= 64 && detail::clmul_available())
        n = std::min(data.size(), (n + 63) / 64 * 64);
    return crc64_be_zeros(crc64_be(crc, data.first(n)), data.size() - n);
}

uint64_t bch_crc64_update(uint64_t crc, std::span<const std::byte> data) {
    return ~crc64_be(~crc, data);
}

uint64_t bch_crc64(std::span<const std::byte> data) { return bch_crc64_update(0, data); }

} // namespace bucketscope::ondisk
