// ImageFileDevice: round trips, hole punching as discard, the end-of-device and
// read-only error paths, and that a read-only device leaves the file's bytes alone.

#include "core/device/image_file_device.h"
#include "tests/core/device/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <numeric>
#include <sys/stat.h>

namespace bucketscope {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

constexpr uint64_t kMiB = 1 << 20;

std::vector<std::byte> pattern(size_t n, unsigned seed) {
    std::vector<std::byte> v(n);
    for (size_t i = 0; i < n; ++i)
        v[i] = std::byte(static_cast<unsigned char>((i * 131 + seed * 7) >> 3));
    return v;
}

class ImageFileDeviceTest : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(dir_.ok()); }
    TempDir dir_;
};

TEST_F(ImageFileDeviceTest, CreateMakesASparseFileOfTheGivenSize) {
    auto img = dir_.file("a.img");
    auto opened = ImageFileDevice::create(img, 4 * kMiB);
    ASSERT_TRUE(opened) << opened.status.message;
    EXPECT_EQ(opened.device->size_bytes(), 4 * kMiB);
    EXPECT_FALSE(opened.device->read_only());
    struct stat st {};
    ASSERT_EQ(::stat(img.c_str(), &st), 0);
    EXPECT_EQ(static_cast<uint64_t>(st.st_size), 4 * kMiB);
}

TEST_F(ImageFileDeviceTest, CreateNeverReplacesAnExistingFile) {
    auto img = dir_.file("a.img");
    testing::write_file(img, 4096, 'x');
    auto opened = ImageFileDevice::create(img, kMiB);
    EXPECT_FALSE(opened);
    EXPECT_THAT(opened.status.message, HasSubstr(img));
    EXPECT_THAT(opened.status.message, HasSubstr("File exists"));
    EXPECT_EQ(testing::slurp(img).size(), 4096u);
}

TEST_F(ImageFileDeviceTest, WritesReadBackAtUnalignedOffsets) {
    auto opened = ImageFileDevice::create(dir_.file("a.img"), kMiB);
    ASSERT_TRUE(opened);
    auto& dev = *opened.device;
    auto data = pattern(10007, 1);
    ASSERT_TRUE(dev.write(4093, data));
    ASSERT_TRUE(dev.flush());
    std::vector<std::byte> back(data.size());
    ASSERT_TRUE(dev.read(4093, back));
    EXPECT_EQ(back, data);

    auto reopened = ImageFileDevice::open(dir_.file("a.img"), OpenMode::read_only);
    ASSERT_TRUE(reopened);
    std::fill(back.begin(), back.end(), std::byte{0});
    ASSERT_TRUE(reopened.device->read(4093, back));
    EXPECT_EQ(back, data);
}

TEST_F(ImageFileDeviceTest, DiscardedRangeReadsBackAsZeros) {
    auto opened = ImageFileDevice::create(dir_.file("a.img"), 4 * kMiB);
    ASSERT_TRUE(opened);
    auto& dev = *opened.device;
    auto data = pattern(4 * kMiB, 2);
    ASSERT_TRUE(dev.write(0, data));
    // An unaligned range: the filesystem punches whole blocks and zeroes the edges.
    ASSERT_TRUE(dev.discard(kMiB + 100, kMiB + 1000));
    std::vector<std::byte> back(4 * kMiB);
    ASSERT_TRUE(dev.read(0, back));
    for (uint64_t i = 0; i < back.size(); ++i) {
        bool punched = i >= kMiB + 100 && i < 2 * kMiB + 1100;
        ASSERT_EQ(back[i], punched ? std::byte{0} : data[i]) << "at byte " << i;
    }
}

TEST_F(ImageFileDeviceTest, DiscardReleasesTheFilesystemBlocks) {
    auto img = dir_.file("a.img");
    auto opened = ImageFileDevice::create(img, 8 * kMiB);
    ASSERT_TRUE(opened);
    auto& dev = *opened.device;
    ASSERT_TRUE(dev.write(0, pattern(8 * kMiB, 3)));
    ASSERT_TRUE(dev.flush());
    struct stat before {
    }, after{};
    ASSERT_EQ(::stat(img.c_str(), &before), 0);
    ASSERT_TRUE(dev.discard(0, 6 * kMiB));
    ASSERT_EQ(::stat(img.c_str(), &after), 0);
    if (after.st_blocks >= before.st_blocks)
        GTEST_SKIP() << "this filesystem does not punch holes (st_blocks " << before.st_blocks
                     << " -> " << after.st_blocks << ")";
    // 6 MiB of 512-byte st_blocks released, give or take filesystem metadata.
    EXPECT_LE(after.st_blocks, before.st_blocks - 6 * 2048 + 64);
    EXPECT_EQ(static_cast<uint64_t>(after.st_size), 8 * kMiB);
}

TEST_F(ImageFileDeviceTest, ReadPastTheEndNamesTheOffset) {
    auto opened = ImageFileDevice::create(dir_.file("a.img"), kMiB);
    ASSERT_TRUE(opened);
    std::vector<std::byte> buf(4096);
    Status s = opened.device->read(kMiB - 2048, buf);
    ASSERT_FALSE(s);
    EXPECT_THAT(s.message, HasSubstr(dir_.file("a.img")));
    EXPECT_THAT(s.message, HasSubstr("read of 4096 bytes at offset 1046528"));
    EXPECT_THAT(s.message, HasSubstr("past the end of the device (1048576 bytes)"));
}

TEST_F(ImageFileDeviceTest, WritePastTheEndDoesNotGrowTheFile) {
    auto img = dir_.file("a.img");
    auto opened = ImageFileDevice::create(img, kMiB);
    ASSERT_TRUE(opened);
    Status s = opened.device->write(kMiB, pattern(512, 4));
    ASSERT_FALSE(s);
    EXPECT_THAT(s.message, HasSubstr("write of 512 bytes at offset 1048576"));
    EXPECT_EQ(testing::slurp(img).size(), kMiB);
}

TEST_F(ImageFileDeviceTest, OpenNamesTheMissingFileAndErrno) {
    auto missing = dir_.file("missing.img");
    auto opened = ImageFileDevice::open(missing, OpenMode::read_only);
    ASSERT_FALSE(opened);
    EXPECT_THAT(opened.status.message, HasSubstr(missing));
    EXPECT_THAT(opened.status.message, HasSubstr("No such file or directory (errno 2)"));
}

TEST_F(ImageFileDeviceTest, OpenRefusesADirectory) {
    auto opened = ImageFileDevice::open(dir_.file(""), OpenMode::read_only);
    ASSERT_FALSE(opened);
    EXPECT_THAT(opened.status.message, HasSubstr("not a regular file"));
}

TEST_F(ImageFileDeviceTest, ReadOnlyDeviceNeverModifiesTheFile) {
    auto img = dir_.file("a.img");
    {
        auto rw = ImageFileDevice::create(img, kMiB);
        ASSERT_TRUE(rw);
        ASSERT_TRUE(rw.device->write(0, pattern(kMiB, 5)));
    }
    auto before = testing::slurp(img);
    struct stat st_before {};
    ASSERT_EQ(::stat(img.c_str(), &st_before), 0);

    auto ro = ImageFileDevice::open(img, OpenMode::read_only);
    ASSERT_TRUE(ro);
    auto& dev = *ro.device;
    EXPECT_TRUE(dev.read_only());
    std::vector<std::byte> buf(8192);
    ASSERT_TRUE(dev.read(4096, buf));
    Status w = dev.write(4096, pattern(8192, 6));
    EXPECT_FALSE(w);
    EXPECT_THAT(w.message, HasSubstr("write of 8192 bytes at offset 4096 refused"));
    Status d = dev.discard(0, kMiB);
    EXPECT_FALSE(d);
    EXPECT_THAT(d.message, HasSubstr("discard of 1048576 bytes at offset 0 refused"));
    EXPECT_TRUE(dev.flush());

    EXPECT_EQ(testing::slurp(img), before);
    struct stat st_after {};
    ASSERT_EQ(::stat(img.c_str(), &st_after), 0);
    EXPECT_EQ(st_after.st_blocks, st_before.st_blocks);
    EXPECT_EQ(st_after.st_mtim.tv_sec, st_before.st_mtim.tv_sec);
    EXPECT_EQ(st_after.st_mtim.tv_nsec, st_before.st_mtim.tv_nsec);
}

} // namespace
} // namespace bucketscope
