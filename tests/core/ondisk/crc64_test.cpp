// bch_crc64 against the catalogued CRC-64/WE check values and the superblock vector of
// bcache-ondisk.md 1.6 A (crc over bytes 8..207 of a make-bcache superblock).

#include "core/ondisk/crc64.h"
#include "core/ondisk/crc64_impl.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string_view>
#include <vector>

namespace bucketscope::ondisk {
namespace {

std::span<const std::byte> bytes(std::string_view s) {
    return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

TEST(Crc64, CheckValueOf123456789) { EXPECT_EQ(bch_crc64(bytes("123456789")), 0x62EC59E3F1A4F00Aull); }

TEST(Crc64, EmptyInputIsZero) { EXPECT_EQ(bch_crc64({}), 0u); }

TEST(Crc64, ThirtyTwoZeroBytes) {
    std::vector<std::byte> z(32);
    EXPECT_EQ(bch_crc64(z), 0x30CCAB3E861F5A93ull);
}

TEST(Crc64, RawStepOfOneIsThePolynomial) {
    // T[1]: one byte 0x01 fed into a zero crc leaves exactly the table entry.
    const std::byte one[1] = {std::byte{1}};
    EXPECT_EQ(crc64_be(0, one), 0x42F0E1EBA9EA3693ull);
}

TEST(Crc64, UpdateContinuesARunningCrc) {
    const auto all = bytes("123456789");
    const uint64_t part = bch_crc64(all.first(4));
    EXPECT_EQ(bch_crc64_update(part, all.subspan(4)), bch_crc64(all));
}

TEST(Crc64, MakeBcacheSuperblockVectorA) {
    // Bytes 8..207 of vector A (bcache-ondisk.md 1.6): the stored csum is 0xD98597B0086F40F0.
    std::vector<std::byte> sb(208);
    const unsigned char head[] = {
        0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc6, 0x85, 0x73, 0xf6, 0x4e, 0x1a,
        0x45, 0xca, 0x82, 0x65, 0xf5, 0x7f, 0x48, 0xba, 0x6d, 0x81, 0x7e, 0x86, 0xcb, 0x62, 0x39,
        0x44, 0x47, 0x65, 0x8e, 0x16, 0xfa, 0x14, 0x14, 0x28, 0xad, 0x24, 0x17, 0x59, 0x40, 0xca,
        0xb5, 0x35, 0x4a, 0x09, 0x88, 0x3a, 0x2d, 0x6e, 0x95, 0x05, 0x8c, 0x9b};
    for (size_t i = 0; i < sizeof head; ++i)
        sb[8 + i] = std::byte{head[i]};
    const unsigned char tail[] = {0x00, 0x02, 0, 0, 0, 0, 0, 0, 0x08, 0, 0x00, 0x04, 0x01, 0,
                                  0,    0,    0, 0, 0, 0, 0x01, 0, 0, 0};
    for (size_t i = 0; i < sizeof tail; ++i)
        sb[184 + i] = std::byte{tail[i]};
    EXPECT_EQ(bch_crc64(std::span(sb).subspan(8)), 0xD98597B0086F40F0ull);
}

// The bitwise definition, one bit at a time: what every faster path must agree with.
uint64_t crc64_be_bitwise(uint64_t crc, std::span<const std::byte> data) {
    for (std::byte b : data) {
        crc ^= static_cast<uint64_t>(b) << 56;
        for (int i = 0; i < 8; ++i)
            crc = (crc << 1) ^ ((crc >> 63) ? 0x42F0E1EBA9EA3693ull : 0);
    }
    return crc;
}

TEST(Crc64, LargeBuffersAgreeWithTheBitwiseDefinitionAtEveryLengthAndSeed) {
    // Lengths around the 64-byte blocks of the carry-less path and a whole 512 KiB prio
    // bucket, random contents and seeds, plus a long zero run with a non-zero end.
    uint64_t s = 0x1234567;
    auto next = [&] {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    };
    std::vector<std::byte> buf(512 * 1024);
    for (auto& b : buf)
        b = std::byte(next() & 0xff);
    std::vector<size_t> lengths;
    for (size_t n = 0; n < 700; ++n)
        lengths.push_back(n);
    for (size_t n : {1023u, 1024u, 1025u, 4096u, 65535u, 512u * 1024})
        lengths.push_back(n);
    for (size_t n : lengths) {
        const uint64_t seed = next();
        const auto part = std::span<const std::byte>(buf).subspan(buf.size() - n);
        ASSERT_EQ(crc64_be(seed, part), crc64_be_bitwise(seed, part)) << "length " << n;
    }
    std::vector<std::byte> zeros(300000);
    zeros.back() = std::byte{0x5a};
    EXPECT_EQ(bch_crc64(zeros), ~crc64_be_bitwise(~0ull, zeros));
}

TEST(Crc64, EachRegisterWidthAgreesWithTheBitwiseDefinition) {
    // crc64_be takes the widest registers the CPU has; the narrower loops, which other CPUs
    // run from the start, are checked here on their own.
    if (!detail::clmul_available())
        GTEST_SKIP() << "no PCLMULQDQ";
    std::vector<std::byte> buf(70000);
    uint64_t x = 0x3c6ef372fe94f82bull;
    for (auto& b : buf) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        b = static_cast<std::byte>(x);
    }
    for (size_t n : {64u, 127u, 128u, 191u, 255u, 256u, 257u, 320u, 383u, 384u, 448u, 511u, 512u,
                     767u, 768u, 1000u, 4096u, 70000u}) {
        for (unsigned width : {128u, 256u, 512u}) {
            size_t used = 0;
            const uint64_t r = detail::crc64_be_clmul(x, buf.data(), n, &used, width);
            ASSERT_EQ(used, n / 64 * 64);
            const auto rest = std::span<const std::byte>(buf).subspan(used, n - used);
            ASSERT_EQ(crc64_be(r, rest),
                      crc64_be_bitwise(x, std::span<const std::byte>(buf).first(n)))
                << "length " << n << " width " << width;
        }
    }
}

TEST(Crc64, ZerosAreSkippedWithTheSameResult) {
    const std::vector<std::byte> z(600000);
    for (uint64_t seed : {0ull, 1ull, ~0ull, 0x0123456789abcdefull})
        for (size_t n : {0u, 1u, 7u, 64u, 4095u, 524248u, 600000u})
            EXPECT_EQ(crc64_be_zeros(seed, n), crc64_be(seed, std::span(z).first(n)))
                << "seed " << seed << " zeros " << n;
}

TEST(Crc64, ZeroTailEqualsTheWholeBuffer) {
    // Data then zeros, told where the zeros start (or somewhere past it, as a prio set's
    // csum is), at lengths on both sides of the 64-byte blocks the carry-less path reads.
    std::vector<std::byte> buf(5000);
    uint64_t x = 0x2545f4914f6cdd1dull;
    for (size_t data : {0u, 1u, 63u, 255u, 256u, 300u, 319u, 320u, 321u, 4000u, 4990u}) {
        std::fill(buf.begin(), buf.end(), std::byte{0});
        for (size_t i = 0; i < data; ++i) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            buf[i] = static_cast<std::byte>(x | 1);
        }
        for (size_t size : {data, data + 1, data + 40, size_t{5000}}) {
            if (size > buf.size() || size < data)
                continue;
            const auto d = std::span<const std::byte>(buf).first(size);
            for (size_t from : {data, data + 3, size, size + 100})
                ASSERT_EQ(crc64_be_zero_tail(~0ull, d, from), crc64_be(~0ull, d))
                    << "data " << data << " size " << size << " zeros from " << from;
        }
    }
}

TEST(Crc64, EightBytesAtATimeEqualsTheBitwiseDefinition) {
    // The polynomial division one bit at a time, as the CRC is defined, against the sliced
    // implementation at every length and start offset around the 8-byte steps.
    auto bitwise = [](uint64_t crc, std::span<const std::byte> d) {
        for (std::byte b : d) {
            crc ^= static_cast<uint64_t>(b) << 56;
            for (int i = 0; i < 8; ++i)
                crc = (crc >> 63) ? (crc << 1) ^ 0x42F0E1EBA9EA3693ull : crc << 1;
        }
        return crc;
    };
    std::vector<std::byte> buf(80);
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (auto& b : buf) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        b = static_cast<std::byte>(x);
    }
    for (size_t start = 0; start < 9; ++start)
        for (size_t len = 0; start + len <= buf.size(); ++len) {
            const auto d = std::span<const std::byte>(buf).subspan(start, len);
            ASSERT_EQ(crc64_be(0x0123456789abcdefull, d), bitwise(0x0123456789abcdefull, d))
                << "start " << start << " len " << len;
        }
}

} // namespace
} // namespace bucketscope::ondisk
