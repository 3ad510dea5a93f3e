// BlockDevice on a loop device: geometry from the kernel, unaligned I/O through O_DIRECT,
// the exclusive open that keeps two writers apart, and read-only opens.

#include "core/device/block_device.h"
#include "core/device/open_device.h"
#include "tests/core/device/loop_device.h"
#include "tests/core/device/temp_dir.h"

#include <cstring>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bucketscope {
namespace {

using ::testing::HasSubstr;

constexpr size_t kImageBytes = 8 << 20;

class BlockDeviceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(dir_.ok());
        image_ = dir_.file("loop.img");
        testing::write_file(image_, kImageBytes);
        loop_ = std::make_unique<testing::LoopDevice>(image_);
        if (!loop_->ok())
            GTEST_SKIP() << "no loop device (needs root and losetup)";
    }

    testing::TempDir dir_;
    std::string image_;
    std::unique_ptr<testing::LoopDevice> loop_;
};

TEST_F(BlockDeviceTest, GeometryComesFromTheKernel) {
    auto opened = BlockDevice::open(loop_->path(), OpenMode::read_only);
    ASSERT_TRUE(opened) << opened.status.message;
    EXPECT_EQ(opened.device->size_bytes(), kImageBytes);
    EXPECT_EQ(opened.device->logical_block_size(), 512u);
    EXPECT_TRUE(opened.device->read_only());
    EXPECT_EQ(opened.device->name(), loop_->path());
}

TEST_F(BlockDeviceTest, OpenDeviceChoosesBlockDeviceByStat) {
    auto opened = open_device(loop_->path(), OpenMode::read_only);
    ASSERT_TRUE(opened) << opened.status.message;
    EXPECT_NE(dynamic_cast<BlockDevice*>(opened.device.get()), nullptr);
}

TEST_F(BlockDeviceTest, UnalignedWritesReachTheBackingFile) {
    std::vector<std::byte> data(10000);
    for (size_t i = 0; i < data.size(); ++i)
        data[i] = std::byte(static_cast<unsigned char>(i * 7 + 3));
    {
        auto opened = BlockDevice::open(loop_->path(), OpenMode::read_write);
        ASSERT_TRUE(opened) << opened.status.message;
        auto& dev = *opened.device;
        ASSERT_TRUE(dev.write(4097, data));
        std::vector<std::byte> back(data.size());
        ASSERT_TRUE(dev.read(4097, back));
        EXPECT_EQ(back, data);
        ASSERT_TRUE(dev.flush());
    }
    auto file = testing::slurp(image_);
    ASSERT_EQ(file.size(), kImageBytes);
    EXPECT_EQ(std::memcmp(file.data() + 4097, data.data(), data.size()), 0);
    EXPECT_EQ(file[4096], 0);
    EXPECT_EQ(file[4097 + data.size()], 0);
}

TEST_F(BlockDeviceTest, SecondWriterIsRefusedAsBusy) {
    auto first = BlockDevice::open(loop_->path(), OpenMode::read_write);
    ASSERT_TRUE(first) << first.status.message;
    auto second = BlockDevice::open(loop_->path(), OpenMode::read_write);
    ASSERT_FALSE(second);
    EXPECT_THAT(second.status.message, HasSubstr(loop_->path()));
    EXPECT_THAT(second.status.message, HasSubstr("Device or resource busy"));
    EXPECT_THAT(second.status.message, HasSubstr("mounted or held"));
    // Readers are not exclusive: inspecting a device in use stays possible.
    auto reader = BlockDevice::open(loop_->path(), OpenMode::read_only);
    EXPECT_TRUE(reader) << reader.status.message;
}

TEST_F(BlockDeviceTest, ReadOnlyOpenRefusesWritesAndDiscards) {
    auto opened = BlockDevice::open(loop_->path(), OpenMode::read_only);
    ASSERT_TRUE(opened);
    std::vector<std::byte> data(512, std::byte{9});
    Status w = opened.device->write(0, data);
    EXPECT_FALSE(w);
    EXPECT_THAT(w.message, HasSubstr("refused: the device is open read-only"));
    EXPECT_FALSE(opened.device->discard(0, 4096));
    auto file = testing::slurp(image_);
    EXPECT_EQ(std::count(file.begin(), file.end(), 0), static_cast<long>(kImageBytes));
}

TEST_F(BlockDeviceTest, DiscardOfAnUnalignedRangeSucceeds) {
    auto opened = BlockDevice::open(loop_->path(), OpenMode::read_write);
    ASSERT_TRUE(opened);
    EXPECT_TRUE(opened.device->discard(100, 1 << 20));
    EXPECT_TRUE(opened.device->discard(100, 200)); // no whole block inside: nothing to do
    Status past = opened.device->discard(kImageBytes - 512, 1024);
    EXPECT_FALSE(past);
    EXPECT_THAT(past.message, HasSubstr("past the end"));
}

TEST(BlockDevice, RegularFileIsNotABlockDevice) {
    testing::TempDir dir;
    auto img = dir.file("a.img");
    testing::write_file(img, 4096);
    auto opened = BlockDevice::open(img, OpenMode::read_only);
    ASSERT_FALSE(opened);
    EXPECT_THAT(opened.status.message, HasSubstr("not a block device"));
}

} // namespace
} // namespace bucketscope
