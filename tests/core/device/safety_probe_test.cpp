// The safety probe: foreign signatures block writing unless forced, bcache superblocks
// are reported without blocking, mounts are found by path and by device number, and a
// block device held by someone is busy. Every sentence names what was found.

#include "core/device/block_device.h"
#include "core/device/safety_probe.h"
#include "tests/core/device/loop_device.h"
#include "tests/core/device/temp_dir.h"

#include <climits>
#include <cstdlib>
#include <fstream>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace bucketscope {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;

bool have_tool(const char* name) {
    return std::system((std::string("command -v ") + name + " >/dev/null 2>&1").c_str()) == 0;
}

// An image with an ext4 superblock: mkfs.ext4's own if it is installed, else just the
// magic 0xEF53 at byte 1080 (which libblkid reports as ext2).
void make_ext_image(const std::string& path) {
    testing::write_file(path, 1 << 20);
    if (have_tool("mkfs.ext4") &&
        std::system(("mkfs.ext4 -F -q '" + path + "' >/dev/null 2>&1").c_str()) == 0)
        return;
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(1080);
    f.write("\x53\xef", 2);
}

std::string real_path(const std::string& path) {
    char buf[PATH_MAX];
    return ::realpath(path.c_str(), buf) ? buf : path;
}

class SafetyProbeTest : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(dir_.ok()); }
    testing::TempDir dir_;
};

TEST_F(SafetyProbeTest, ZeroedImageIsSafe) {
    auto img = dir_.file("zero.img");
    testing::write_file(img, 1 << 20);
    auto report = probe_for_write(img, {});
    EXPECT_TRUE(report.exists);
    EXPECT_FALSE(report.block_device);
    EXPECT_TRUE(report.signatures.empty());
    EXPECT_TRUE(report.blockers().empty());
    EXPECT_TRUE(report.allows_write(false));
}

TEST_F(SafetyProbeTest, MissingTargetIsSafeToCreate) {
    auto report = probe_for_write(dir_.file("new.img"), {});
    EXPECT_FALSE(report.exists);
    EXPECT_TRUE(report.allows_write(false));
}

TEST_F(SafetyProbeTest, Ext4ImageIsRefusedUnlessForced) {
    auto img = dir_.file("ext4.img");
    make_ext_image(img);
    auto report = probe_for_write(img, {});
    ASSERT_TRUE(report.has_foreign_signature());
    EXPECT_FALSE(report.has_bcache_signature());
    EXPECT_THAT(report.signatures[0].type, ::testing::AnyOf("ext4", "ext2"));
    EXPECT_EQ(report.signatures[0].magic_offset, 1080u);
    EXPECT_FALSE(report.allows_write(false));
    EXPECT_TRUE(report.allows_write(true));
    EXPECT_THAT(report.blockers(),
                Contains(AllOf(HasSubstr(img), HasSubstr("carries another signature: ext"),
                               HasSubstr("filesystem, magic at byte 1080"))));
}

TEST_F(SafetyProbeTest, BcacheSuperblockIsReportedButDoesNotBlock) {
    if (!have_tool("make-bcache"))
        GTEST_SKIP() << "make-bcache (bcache-tools) is not installed";
    auto img = dir_.file("bcache.img");
    testing::write_file(img, 0);
    ASSERT_EQ(std::system(
                  ("truncate -s 64M '" + img + "' && make-bcache -C '" + img + "' >/dev/null 2>&1")
                      .c_str()),
              0);
    auto report = probe_for_write(img, {});
    EXPECT_TRUE(report.has_bcache_signature());
    EXPECT_FALSE(report.has_foreign_signature());
    EXPECT_TRUE(report.allows_write(false));
    EXPECT_THAT(report.notes(), Contains(AllOf(HasSubstr(img), HasSubstr("bcache superblock"),
                                               HasSubstr("magic at byte 4120"))));
}

TEST_F(SafetyProbeTest, ImageNamedAsAMountPointIsMounted) {
    auto img = dir_.file("mounted.img");
    testing::write_file(img, 1 << 20);
    MountEntry m;
    m.major = 7;
    m.minor = 99;
    m.mount_point = real_path(img);
    m.fs_type = "ext4";
    m.source = "/dev/loop99";
    auto report = probe_for_write(img, {m});
    EXPECT_TRUE(report.is_mounted());
    EXPECT_FALSE(report.allows_write(false));
    EXPECT_THAT(report.blockers(),
                Contains(AllOf(HasSubstr(img), HasSubstr("mounted at " + real_path(img)),
                               HasSubstr("ext4, /dev/loop99"))));
}

TEST_F(SafetyProbeTest, RootIsMounted) {
    auto report = probe_for_write("/");
    if (read_mountinfo().empty())
        GTEST_SKIP() << "/proc/self/mountinfo is not readable here";
    EXPECT_TRUE(report.is_mounted());
    EXPECT_FALSE(report.allows_write(false));
    EXPECT_THAT(report.mounted, Contains(HasSubstr("mounted at / (")));
}

// The block device under "/", found through its major:minor in sysfs.
std::string root_block_device() {
    for (const auto& m : read_mountinfo()) {
        if (m.mount_point != "/")
            continue;
        std::ifstream uevent("/sys/dev/block/" + std::to_string(m.major) + ":" +
                             std::to_string(m.minor) + "/uevent");
        for (std::string line; std::getline(uevent, line);)
            if (line.starts_with("DEVNAME="))
                return "/dev/" + line.substr(8);
    }
    return {};
}

TEST_F(SafetyProbeTest, BlockDeviceOfRootIsMounted) {
    std::string dev = root_block_device();
    if (dev.empty() || !std::filesystem::is_block_file(dev))
        GTEST_SKIP() << "/ is not on a block device visible here";
    auto report = probe_for_write(dev);
    EXPECT_TRUE(report.block_device);
    EXPECT_TRUE(report.is_mounted());
    EXPECT_FALSE(report.allows_write(false));
    EXPECT_THAT(report.mounted, Contains(AllOf(HasSubstr(dev), HasSubstr("mounted at / ("))));
}

TEST_F(SafetyProbeTest, DirectoryCannotBeWritten) {
    auto report = probe_for_write(dir_.file(""), {});
    EXPECT_FALSE(report.allows_write(false));
    EXPECT_THAT(report.unprobeable, HasSubstr("neither a regular file nor a block device"));
}

TEST_F(SafetyProbeTest, HeldLoopDeviceIsBusyAndItsImageToo) {
    auto img = dir_.file("loop.img");
    testing::write_file(img, 8 << 20);
    testing::LoopDevice loop(img);
    if (!loop.ok())
        GTEST_SKIP() << "no loop device (needs root and losetup)";

    auto idle = probe_for_write(img, {});
    EXPECT_THAT(idle.notes(), Contains(HasSubstr("backing file of " + loop.path())));
    EXPECT_TRUE(idle.allows_write(false));

    auto holder = BlockDevice::open(loop.path(), OpenMode::read_write);
    ASSERT_TRUE(holder) << holder.status.message;
    auto dev_report = probe_for_write(loop.path(), {});
    EXPECT_TRUE(dev_report.is_busy());
    EXPECT_THAT(dev_report.busy,
                Contains(AllOf(HasSubstr(loop.path()), HasSubstr("refused an exclusive open"))));
    auto img_report = probe_for_write(img, {});
    EXPECT_TRUE(img_report.is_busy());
    EXPECT_FALSE(img_report.allows_write(false));
    EXPECT_THAT(img_report.busy, Contains(HasSubstr("through " + loop.path())));
}

TEST_F(SafetyProbeTest, MountedLoopDeviceMakesItsImageMounted) {
    auto img = dir_.file("loop.img");
    testing::write_file(img, 8 << 20);
    testing::LoopDevice loop(img);
    if (!loop.ok())
        GTEST_SKIP() << "no loop device (needs root and losetup)";
    struct stat st {};
    ASSERT_EQ(::stat(loop.path().c_str(), &st), 0);
    MountEntry m;
    m.major = major(st.st_rdev);
    m.minor = minor(st.st_rdev);
    m.mount_point = "/mnt/somewhere";
    m.fs_type = "ext4";
    m.source = loop.path();
    auto report = probe_for_write(img, {m});
    EXPECT_TRUE(report.is_mounted());
    EXPECT_THAT(report.mounted, Contains(AllOf(HasSubstr("through " + loop.path()),
                                               HasSubstr("mounted at /mnt/somewhere"))));
}

} // namespace
} // namespace bucketscope
