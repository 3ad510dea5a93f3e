// format_target, the procedure behind the CLI's format and the workbench's dialog: a new
// image is planned, created and written; a foreign signature stops it before anything
// is touched unless forced; a cancel before the write leaves the target as it was.

#include "core/device/format_target.h"
#include "core/device/image_file_device.h"
#include "core/ondisk/superblock.h"
#include "temp_dir.h"

#include <filesystem>
#include <fstream>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bucketscope {
namespace {

using ::testing::HasSubstr;

ondisk::CacheSuperblock read_back(const std::string& path) {
    auto dev = ImageFileDevice::open(path, OpenMode::read_only);
    EXPECT_TRUE(dev) << dev.status.message;
    std::vector<std::byte> raw(ondisk::SB_SIZE);
    EXPECT_TRUE(dev.device->read(ondisk::SB_OFFSET, raw));
    auto sb = ondisk::decode_superblock(raw, {});
    EXPECT_TRUE(sb) << sb.error().to_string();
    return sb ? sb.value() : ondisk::CacheSuperblock{};
}

// The ext2/3/4 magic where libblkid looks for it.
void write_ext_magic(const std::string& path) {
    testing::write_file(path, 8 << 20);
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(1080);
    f.write("\x53\xef", 2);
}

class FormatTarget : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(dir_.ok()); }
    testing::TempDir dir_;
};

TEST_F(FormatTarget, CreatesAndWritesANewImage) {
    FormatRequest req;
    req.target = dir_.file("new.img");
    req.options.size_bytes = 64 << 20;
    req.options.bucket_bytes = 64 << 10;
    req.block_bytes = 4096;
    FormatOutcome out;
    std::vector<std::string> stages;
    Progress progress([&](std::string_view s, uint64_t, uint64_t) {
        stages.emplace_back(s);
        return true;
    });
    ASSERT_TRUE(format_target(req, out, &progress));
    EXPECT_TRUE(out.created);
    EXPECT_TRUE(out.written);
    EXPECT_FALSE(out.refused);
    EXPECT_EQ(std::filesystem::file_size(req.target), 64u << 20);
    const auto sb = read_back(req.target);
    EXPECT_EQ(sb.nbuckets, 1024u);
    EXPECT_EQ(sb.block_size, 8u);
    EXPECT_EQ(sb.uuid, out.plan.sb.uuid);
    EXPECT_THAT(stages, ::testing::ElementsAre("probe", "plan", "write", "write"));
}

TEST_F(FormatTarget, ForeignSignatureRefusesUnlessForced) {
    const std::string img = dir_.file("ext.img");
    write_ext_magic(img);
    const auto before = testing::slurp(img);
    FormatRequest req;
    req.target = img;
    req.options.bucket_bytes = 64 << 10;
    FormatOutcome refused;
    const Status s = format_target(req, refused);
    EXPECT_FALSE(s);
    EXPECT_TRUE(refused.refused);
    EXPECT_FALSE(refused.written);
    EXPECT_TRUE(refused.safety.has_foreign_signature());
    EXPECT_THAT(s.message, HasSubstr("refusing to format " + img));
    EXPECT_TRUE(testing::slurp(img) == before);

    req.force = true;
    FormatOutcome forced;
    ASSERT_TRUE(format_target(req, forced));
    EXPECT_TRUE(forced.written);
    EXPECT_FALSE(forced.safety.blockers().empty());
    EXPECT_EQ(read_back(img).nbuckets, 128u);
}

TEST_F(FormatTarget, CancelBeforeTheWriteLeavesNothingBehind) {
    for (const std::string stop_at : {"probe", "plan", "write"}) {
        FormatRequest req;
        req.target = dir_.file("cancelled-" + stop_at + ".img");
        req.options.size_bytes = 64 << 20;
        Progress progress([&](std::string_view s, uint64_t, uint64_t) { return s != stop_at; });
        FormatOutcome out;
        const Status s = format_target(req, out, &progress);
        EXPECT_FALSE(s) << stop_at;
        EXPECT_EQ(s.message, kCancelledMessage);
        EXPECT_FALSE(out.written);
        EXPECT_FALSE(std::filesystem::exists(req.target)) << stop_at;
    }
}

TEST_F(FormatTarget, MissingTargetWithoutASizeIsAnError) {
    FormatRequest req;
    req.target = dir_.file("nothing.img");
    FormatOutcome out;
    const Status s = format_target(req, out);
    EXPECT_FALSE(s);
    EXPECT_THAT(s.message, HasSubstr("does not exist"));
    EXPECT_FALSE(std::filesystem::exists(req.target));
}

} // namespace
} // namespace bucketscope
