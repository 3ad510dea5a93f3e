// SparseRamDevice against RamDevice: the same bytes after the same writes, zero pages not
// held, and write_zero_tail (the prio writer's hint) storing exactly what write() stores.

#include "core/device/ram_device.h"
#include "core/device/sparse_ram_device.h"

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

} // namespace
} // namespace bucketscope
