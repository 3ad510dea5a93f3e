// AlignedIo against a model: random unaligned reads and writes through an O_DIRECT
// descriptor must behave exactly like a plain byte array, including windows larger than
// the bounce buffer and head and tail blocks that share one block.

#include "core/device/aligned_io.h"
#include "core/device/posix_io.h"
#include "tests/core/device/temp_dir.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <random>
#include <unistd.h>

namespace bucketscope {
namespace {

constexpr size_t kFileBytes = 3 << 20;

class AlignedIoTest : public ::testing::TestWithParam<uint32_t> {
  protected:
    void SetUp() override {
        ASSERT_TRUE(dir_.ok());
        path_ = dir_.file("direct.img");
        testing::write_file(path_, kFileBytes);
        fd_ = UniqueFd(::open(path_.c_str(), O_RDWR | O_DIRECT | O_CLOEXEC));
        if (!fd_.valid() && errno == EINVAL)
            GTEST_SKIP() << "the filesystem under " << path_ << " does not support O_DIRECT";
        ASSERT_TRUE(fd_.valid()) << errno_text(errno);
    }

    testing::TempDir dir_;
    std::string path_;
    UniqueFd fd_;
};

TEST_P(AlignedIoTest, RandomUnalignedRequestsMatchAByteArray) {
    AlignedIo io(fd_.get(), GetParam(), path_);
    std::vector<std::byte> model(kFileBytes);
    std::mt19937_64 rng(20240611);
    for (int op = 0; op < 200; ++op) {
        // Lengths up to 1.5 MiB so some requests need more than one bounce window.
        size_t length = 1 + rng() % (op % 10 == 0 ? (3 << 19) : 9000);
        uint64_t offset = rng() % (kFileBytes - length);
        size_t misalign = rng() % 3; // 0: buffer address as allocated
        std::vector<std::byte> buf(length + misalign);
        std::span<std::byte> span(buf.data() + misalign, length);
        if (rng() % 2) {
            for (auto& b : span)
                b = std::byte(static_cast<unsigned char>(rng()));
            ASSERT_TRUE(io.write(offset, span)) << "write " << offset << "+" << length;
            std::copy(span.begin(), span.end(), model.begin() + static_cast<ptrdiff_t>(offset));
        } else {
            ASSERT_TRUE(io.read(offset, span)) << "read " << offset << "+" << length;
            ASSERT_TRUE(std::equal(span.begin(), span.end(),
                                   model.begin() + static_cast<ptrdiff_t>(offset)))
                << "read " << offset << "+" << length;
        }
    }
    EXPECT_GT(io.bounced(), 0u);
    auto on_disk = testing::slurp(path_);
    ASSERT_EQ(on_disk.size(), model.size());
    EXPECT_EQ(std::memcmp(on_disk.data(), model.data(), model.size()), 0);
}

TEST_P(AlignedIoTest, WriteInsideOneBlockKeepsItsNeighbours) {
    uint32_t block = GetParam();
    AlignedIo io(fd_.get(), block, path_);
    std::vector<std::byte> ones(3 * block, std::byte{1});
    ASSERT_TRUE(io.write(0, ones));
    std::vector<std::byte> twos(10, std::byte{2});
    ASSERT_TRUE(io.write(block + 5, twos));
    std::vector<std::byte> back(3 * block);
    ASSERT_TRUE(io.read(0, back));
    for (size_t i = 0; i < back.size(); ++i) {
        bool in = i >= block + 5 && i < block + 15;
        ASSERT_EQ(back[i], std::byte{static_cast<unsigned char>(in ? 2 : 1)}) << i;
    }
}

TEST_P(AlignedIoTest, ReadPastEndOfFileNamesWhereTheDataStopped) {
    AlignedIo io(fd_.get(), GetParam(), path_);
    std::vector<std::byte> buf(8192);
    Status s = io.read(kFileBytes - 4096, buf);
    ASSERT_FALSE(s);
    EXPECT_NE(s.message.find(path_), std::string::npos) << s.message;
    EXPECT_NE(s.message.find("end of file"), std::string::npos) << s.message;
}

INSTANTIATE_TEST_SUITE_P(LogicalBlockSizes, AlignedIoTest, ::testing::Values(512u, 4096u));

} // namespace
} // namespace bucketscope
