// parse_size (make-bcache's suffix conventions plus sectors) and open_device's choice of
// Device by target.

#include "core/device/image_file_device.h"
#include "core/device/open_device.h"
#include "core/device/size_parse.h"
#include "tests/core/device/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bucketscope {
namespace {

using ::testing::HasSubstr;

uint64_t size_of(const char* text) {
    uint64_t bytes = 0;
    Status s = parse_size(text, bytes);
    EXPECT_TRUE(s) << s.message;
    return bytes;
}

TEST(ParseSize, SuffixesArePowersOf1024LikeMakeBcache) {
    EXPECT_EQ(size_of("4096"), 4096u);
    EXPECT_EQ(size_of("512k"), 512u * 1024);
    EXPECT_EQ(size_of("128K"), 128u * 1024);
    EXPECT_EQ(size_of("64M"), 64u << 20);
    EXPECT_EQ(size_of("64MiB"), 64u << 20);
    EXPECT_EQ(size_of("64mb"), 64u << 20);
    EXPECT_EQ(size_of("2G"), 2ull << 30);
    EXPECT_EQ(size_of("1T"), 1ull << 40);
    EXPECT_EQ(size_of("100B"), 100u);
}

TEST(ParseSize, SectorsSuffixCountsFiveTwelveByteUnits) {
    EXPECT_EQ(size_of("1024s"), 512u * 1024);
    EXPECT_EQ(size_of("8S"), 4096u);
}

TEST(ParseSize, RejectsGarbageWithTheText) {
    uint64_t bytes = 7;
    for (const char* bad : {"", "M", "12Q", "1.5G", "-4k", "12 M", "4kx"}) {
        Status s = parse_size(bad, bytes);
        EXPECT_FALSE(s) << bad;
        EXPECT_THAT(s.message, HasSubstr(std::string("\"") + bad + "\""));
    }
    EXPECT_EQ(bytes, 7u);
}

TEST(ParseSize, RejectsOverflow) {
    uint64_t bytes = 0;
    EXPECT_FALSE(parse_size("18446744073709551616", bytes));
    Status s = parse_size("17179869184G", bytes);
    EXPECT_FALSE(s);
    EXPECT_THAT(s.message, HasSubstr("too large"));
}

TEST(OpenDevice, RamTargetIsAnEmptyRamDevice) {
    auto opened = open_device("ram:64M", OpenMode::read_write);
    ASSERT_TRUE(opened) << opened.status.message;
    EXPECT_EQ(opened.device->size_bytes(), 64u << 20);
    std::vector<std::byte> buf(16, std::byte{1});
    ASSERT_TRUE(opened.device->read(0, buf));
    EXPECT_EQ(buf, std::vector<std::byte>(16));
}

TEST(OpenDevice, BadRamSizeIsAnError) {
    auto opened = open_device("ram:lots", OpenMode::read_write);
    ASSERT_FALSE(opened);
    EXPECT_THAT(opened.status.message, HasSubstr("ram:lots"));
}

TEST(OpenDevice, RegularFileOpensAsImageWithTheRequestedMode) {
    testing::TempDir dir;
    ASSERT_TRUE(dir.ok());
    auto img = dir.file("a.img");
    testing::write_file(img, 1 << 20);
    auto ro = open_device(img, OpenMode::read_only);
    ASSERT_TRUE(ro) << ro.status.message;
    EXPECT_TRUE(ro.device->read_only());
    EXPECT_EQ(ro.device->size_bytes(), 1u << 20);
    EXPECT_NE(dynamic_cast<ImageFileDevice*>(ro.device.get()), nullptr);
    auto rw = open_device(img, OpenMode::read_write);
    ASSERT_TRUE(rw);
    EXPECT_FALSE(rw.device->read_only());
}

TEST(OpenDevice, MissingPathIsNotCreated) {
    testing::TempDir dir;
    auto missing = dir.file("none.img");
    auto opened = open_device(missing, OpenMode::read_write);
    ASSERT_FALSE(opened);
    EXPECT_THAT(opened.status.message, HasSubstr(missing));
    EXPECT_THAT(opened.status.message, HasSubstr("No such file"));
    EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST(OpenDevice, CharacterDeviceIsRefused) {
    auto opened = open_device("/dev/null", OpenMode::read_only);
    ASSERT_FALSE(opened);
    EXPECT_THAT(opened.status.message, HasSubstr("not a regular file or a block device"));
}

} // namespace
} // namespace bucketscope
