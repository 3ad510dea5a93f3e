// SparseRamDevice against RamDevice: the same bytes after the same writes, zero pages not
// held, write_zero_tail (the prio writer's hint) storing exactly what write() stores, and
// forget() dropping what a range held, as a data write without payload does.

#include "core/device/ram_device.h"
#include "core/device/sparse_ram_device.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <random>
#include <vector>

namespace bucketscope {
namespace {

constexpr uint64_t kSize = 1 << 20;
constexpr uint64_t kPage = SparseRamDevice::kPage;

std::vector<std::byte> contents(Device& d) {
    std::vector<std::byte> out(d.size_bytes());
    EXPECT_TRUE(d.read(0, out));
    return out;
}

TEST(SparseRamDevice, ZeroPagesAreNotHeld) {
    SparseRamDevice d(kSize);
    std::vector<std::byte> page(kPage, std::byte{7});
    ASSERT_TRUE(d.write(3 * kPage, page));
    EXPECT_EQ(d.resident_bytes(), kPage);
    std::vector<std::byte> zeros(kPage);
    ASSERT_TRUE(d.write(3 * kPage, zeros));
    EXPECT_EQ(d.resident_bytes(), 0u);
    EXPECT_EQ(contents(d), std::vector<std::byte>(kSize));
}

TEST(SparseRamDevice, ZeroTailWritesMatchPlainWrites) {
    // Buffers with data in front and zeros behind, at unaligned offsets over earlier data:
    // the hint's device and the plain one must hold the same bytes after every write.
    RamDevice plain(kSize);
    SparseRamDevice hinted(kSize);
    std::mt19937_64 rng(5);
    for (int round = 0; round < 40; ++round) {
        const size_t len = 1 + rng() % (3 * kPage);
        const uint64_t off = rng() % (kSize - len);
        const size_t head = rng() % (len + 1);
        std::vector<std::byte> buf(len);
        for (size_t i = 0; i < head; ++i)
            buf[i] = static_cast<std::byte>(rng() % 3 ? 1 + rng() % 255 : 0);
        ASSERT_TRUE(plain.write(off, buf));
        if (round % 2)
            ASSERT_TRUE(hinted.write_zero_tail(off, buf, head));
        else
            ASSERT_TRUE(hinted.write(off, buf));
    }
    EXPECT_EQ(contents(hinted), contents(plain));
    EXPECT_EQ(hinted.writes(), 40u);
    // A page the zero tail covered whole is dropped.
    std::vector<std::byte> bucket(4 * kPage);
    bucket[0] = std::byte{1};
    ASSERT_TRUE(hinted.write_zero_tail(0, bucket, 1));
    ASSERT_TRUE(plain.write(0, bucket));
    EXPECT_EQ(contents(hinted), contents(plain));
}

TEST(SparseRamDevice, OutOfRangeWritesAreRefused) {
    SparseRamDevice d(kSize);
    std::vector<std::byte> buf(2 * kPage);
    EXPECT_FALSE(d.write(kSize - kPage, buf));
    EXPECT_FALSE(d.write_zero_tail(kSize - kPage, buf, 0));
    EXPECT_EQ(d.writes(), 0u);
}

TEST(SparseRamDevice, ForgottenRangesReadAsZerosAndFreeTheirPages) {
    // An old node over pages 1..5, then data nobody kept over [2.5 pages, 4.5 pages): the
    // partial pages at its ends keep their other bytes, the whole one is dropped.
    SparseRamDevice d(kSize);
    std::vector<std::byte> node(5 * kPage, std::byte{9});
    ASSERT_TRUE(d.write(kPage, node));
    EXPECT_EQ(d.resident_bytes(), 5 * kPage);
    d.forget(2 * kPage + kPage / 2, 2 * kPage);
    EXPECT_EQ(d.resident_bytes(), 4 * kPage);
    EXPECT_EQ(d.writes(), 1u);
    EXPECT_EQ(d.discards(), 0u);
    std::vector<std::byte> want(kSize);
    std::fill(want.begin() + kPage, want.begin() + 6 * kPage, std::byte{9});
    std::fill(want.begin() + 2 * kPage + kPage / 2, want.begin() + 4 * kPage + kPage / 2,
              std::byte{0});
    EXPECT_EQ(contents(d), want);

    // Ranges past the end are clipped, not refused: forget() is a hint, not an I/O.
    d.forget(kSize - kPage, 4 * kPage);
    d.forget(kSize + kPage, kPage);
    d.forget(0, kSize);
    EXPECT_EQ(d.resident_bytes(), 0u);
    EXPECT_EQ(contents(d), std::vector<std::byte>(kSize));
}

TEST(SparseRamDevice, MixedWritesDiscardsAndForgetsMatchAPlainDevice) {
    // Pages dropped and handed out again from the pool, ranges ending inside pages and
    // crossing chunks, whole pages of data among zeros: the bytes must be RamDevice's (where
    // forget() and discard() leave zeros) and only pages holding data stay resident.
    RamDevice plain(kSize);
    SparseRamDevice sparse(kSize);
    std::mt19937_64 rng(11);
    for (int round = 0; round < 400; ++round) {
        const uint64_t len = 1 + rng() % (40 * kPage);
        const uint64_t off =
            rng() % 4 ? rng() % (kSize - len) : (rng() % (kSize / kPage - 40)) * kPage;
        switch (rng() % 4) {
        case 0:
        case 1: {
            std::vector<std::byte> buf(len);
            const size_t head = rng() % 2 ? len : rng() % (len + 1);
            for (size_t i = 0; i < head; i += 1 + rng() % 700)
                buf[i] = std::byte{static_cast<unsigned char>(1 + rng() % 255)};
            ASSERT_TRUE(plain.write(off, buf));
            ASSERT_TRUE(rng() % 2 ? sparse.write(off, buf)
                                  : sparse.write_zero_tail(off, buf, head));
            break;
        }
        case 2:
            ASSERT_TRUE(plain.discard(off, len));
            ASSERT_TRUE(sparse.discard(off, len));
            break;
        default:
            ASSERT_TRUE(plain.write(off, std::vector<std::byte>(len)));
            sparse.forget(off, len);
        }
    }
    const std::vector<std::byte> bytes = contents(plain);
    EXPECT_EQ(contents(sparse), bytes);
    uint64_t data_pages = 0;
    for (uint64_t p = 0; p < kSize / kPage; ++p)
        data_pages += std::any_of(bytes.begin() + p * kPage, bytes.begin() + (p + 1) * kPage,
                                  [](std::byte b) { return b != std::byte{0}; });
    EXPECT_GE(sparse.resident_bytes(), data_pages * kPage);
    sparse.forget(0, kSize);
    EXPECT_EQ(sparse.resident_bytes(), 0u);
}

TEST(SparseRamDevice, PagesReusedAfterADropHoldOnlyTheNewBytes) {
    // Dropped pages wait in a pool; one handed out again must not show its old contents.
    SparseRamDevice d(kSize);
    std::vector<std::byte> old(8 * kPage, std::byte{0xee});
    ASSERT_TRUE(d.write(0, old));
    ASSERT_TRUE(d.discard(0, 8 * kPage));
    std::vector<std::byte> small(100, std::byte{1});
    ASSERT_TRUE(d.write(16 * kPage + 7, small));
    EXPECT_EQ(d.resident_bytes(), kPage);
    std::vector<std::byte> want(kSize);
    std::fill(want.begin() + 16 * kPage + 7, want.begin() + 16 * kPage + 107, std::byte{1});
    EXPECT_EQ(contents(d), want);
}

TEST(SparseRamDevice, PagesDroppedPastThePoolComeBackAsZeros) {
    // More pages dropped at once than the pool keeps: the rest go back to the slabs, and
    // partial writes into any of them later show zeros around the new bytes.
    constexpr uint64_t kPages = 3000, kBig = kPages * kPage;
    SparseRamDevice d(kBig);
    ASSERT_TRUE(d.write(0, std::vector<std::byte>(kBig, std::byte{0xee})));
    ASSERT_TRUE(d.discard(0, kBig));
    EXPECT_EQ(d.resident_bytes(), 0u);
    std::vector<std::byte> small(10, std::byte{3});
    for (uint64_t i = 0; i < kPages; ++i)
        ASSERT_TRUE(d.write(i * kPage + 100, small));
    EXPECT_EQ(d.resident_bytes(), kBig);
    std::vector<std::byte> want(kBig);
    for (uint64_t i = 0; i < kPages; ++i)
        std::fill_n(want.begin() + std::ptrdiff_t(i * kPage + 100), 10, std::byte{3});
    EXPECT_EQ(contents(d), want);
}

} // namespace
} // namespace bucketscope
