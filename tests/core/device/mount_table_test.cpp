// parse_mountinfo: the proc(5) format, optional fields, octal escapes and junk lines.

#include "core/device/mount_table.h"

#include <gtest/gtest.h>

namespace bucketscope {
namespace {

TEST(MountTable, ParsesFieldsAroundOptionalTags) {
    auto mounts = parse_mountinfo("26 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard\n"
                                  "36 26 8:17 / /srv rw master:2 shared:7 - xfs /dev/sdb1 rw\n"
                                  "40 26 0:33 / /tmp rw - tmpfs tmpfs rw\n");
    ASSERT_EQ(mounts.size(), 3u);
    EXPECT_EQ(mounts[0].major, 254u);
    EXPECT_EQ(mounts[0].minor, 0u);
    EXPECT_EQ(mounts[0].mount_point, "/");
    EXPECT_EQ(mounts[0].fs_type, "ext4");
    EXPECT_EQ(mounts[0].source, "/dev/vda");
    EXPECT_EQ(mounts[1].major, 8u);
    EXPECT_EQ(mounts[1].minor, 17u);
    EXPECT_EQ(mounts[1].mount_point, "/srv");
    EXPECT_EQ(mounts[1].fs_type, "xfs");
    EXPECT_EQ(mounts[2].fs_type, "tmpfs");
}

TEST(MountTable, DecodesOctalEscapesInPaths) {
    auto mounts =
        parse_mountinfo("50 26 7:0 / /mnt/my\\040disk\\134x rw - ext4 /tmp/a\\011b.img rw\n");
    ASSERT_EQ(mounts.size(), 1u);
    EXPECT_EQ(mounts[0].mount_point, "/mnt/my disk\\x");
    EXPECT_EQ(mounts[0].source, "/tmp/a\tb.img");
}

TEST(MountTable, SkipsLinesThatDoNotParse) {
    auto mounts = parse_mountinfo("garbage\n"
                                  "1 2 x:y / / rw - ext4 /dev/a rw\n"
                                  "1 2 8:1 / / rw shared:1\n"
                                  "\n"
                                  "1 2 8:2 / /boot rw - vfat /dev/sda2 rw");
    ASSERT_EQ(mounts.size(), 1u);
    EXPECT_EQ(mounts[0].mount_point, "/boot");
}

TEST(MountTable, ThisProcessSeesItsRoot) {
    auto mounts = read_mountinfo();
    if (mounts.empty())
        GTEST_SKIP() << "/proc/self/mountinfo is not readable here";
    bool root = false;
    for (const auto& m : mounts)
        root = root || m.mount_point == "/";
    EXPECT_TRUE(root);
}

} // namespace
} // namespace bucketscope
