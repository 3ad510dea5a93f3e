// `bucketscope-cli format` against the real tools: bcache-super-show reads what it writes
// and shows the same values; make-bcache -C on a file of the same size writes the same
// bytes (with the same UUIDs, the whole first 8 KiB is identical); images make-bcache
// wrote decode here. And the command's refusals: foreign signatures without --force,
// mounted targets, missing targets without --size, absurd sizes, each leaving the target
// as it was. make-bcache only ever runs on this test's temporary files.

#include "core/device/open_device.h"
#include "core/ondisk/superblock.h"
#include "tests/core/device/run_command.h"
#include "tests/core/device/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <map>
#include <sstream>

namespace bucketscope {
namespace {

using ::testing::HasSubstr;
using testing::have_tool;
using testing::run_command;

const std::string kCli = BUCKETSCOPE_CLI;

std::string shell_quote(const std::string& s) {
    return "'" + s + "'";
}

// bcache-super-show's "key<tabs>value" lines as a map.
std::map<std::string, std::string> super_show(const std::string& image) {
    auto r = run_command("bcache-super-show " + shell_quote(image));
    EXPECT_EQ(r.status, 0) << r.output;
    std::map<std::string, std::string> fields;
    std::istringstream in(r.output);
    for (std::string line; std::getline(in, line);) {
        auto tab = line.find('\t');
        if (tab == std::string::npos)
            continue;
        auto value = line.find_first_not_of('\t', tab);
        fields[line.substr(0, tab)] = value == std::string::npos ? "" : line.substr(value);
    }
    return fields;
}

ondisk::CacheSuperblock read_superblock(const std::string& image) {
    auto opened = open_device(image, OpenMode::read_only);
    EXPECT_TRUE(opened) << opened.status.message;
    std::vector<std::byte> buf(ondisk::SB_SIZE);
    EXPECT_TRUE(opened.device->read(ondisk::SB_OFFSET, buf));
    auto sb = ondisk::decode_superblock(buf);
    EXPECT_TRUE(sb) << image << ": " << sb.error().to_string();
    return sb ? sb.value() : ondisk::CacheSuperblock{};
}

struct Geometry {
    const char* name;
    const char* size;
    const char* make_bcache_args; // the same geometry in make-bcache's words
    const char* format_args;
};

const Geometry kGeometries[] = {
    {"defaults", "256M", "", ""},
    {"vector_b", "64M", "-w 512 -b 128k --discard --cache_replacement_policy=fifo",
     "-w 512 -b 128k --discard --policy fifo"},
    {"random_2k_blocks", "96M", "-w 2k -b 64k --cache_replacement_policy=random",
     "--block-size 2k --bucket-size 64k --policy random"},
    {"small_buckets", "16M", "-w 4k -b 4k", "-w 4096 -b 4096"},
    {"big_buckets", "512M", "-b 2M", "--bucket-size 2M"},
};

class FormatInterop : public ::testing::TestWithParam<Geometry> {
  protected:
    void SetUp() override { ASSERT_TRUE(dir_.ok()); }
    testing::TempDir dir_;
};

TEST_P(FormatInterop, BcacheSuperShowAcceptsItAndShowsTheSameValues) {
    if (!have_tool("bcache-super-show"))
        GTEST_SKIP() << "bcache-super-show (bcache-tools) is not installed";
    const Geometry& g = GetParam();
    auto img = dir_.file("ours.img");
    auto r = run_command(kCli + " format " + shell_quote(img) + " --size " + g.size + " " +
                         g.format_args + " --label cache0");
    ASSERT_EQ(r.status, 0) << r.output;
    auto sb = read_superblock(img);
    auto shown = super_show(img);
    EXPECT_EQ(shown["sb.magic"], "ok");
    EXPECT_THAT(shown["sb.csum"], HasSubstr("[match]"));
    EXPECT_EQ(shown["sb.first_sector"], "8 [match]");
    EXPECT_EQ(shown["sb.version"], "0 [cache device]");
    EXPECT_EQ(shown["dev.label"], "cache0");
    EXPECT_EQ(shown["dev.uuid"], ondisk::uuid_to_string(sb.uuid));
    EXPECT_EQ(shown["cset.uuid"], ondisk::uuid_to_string(sb.set_uuid));
    EXPECT_EQ(shown["dev.sectors_per_block"], std::to_string(sb.block_size));
    EXPECT_EQ(shown["dev.sectors_per_bucket"], std::to_string(sb.bucket_size));
    EXPECT_EQ(shown["dev.cache.first_sector"],
              std::to_string(uint64_t{sb.first_bucket} * sb.bucket_size));
    EXPECT_EQ(shown["dev.cache.total_sectors"], std::to_string(sb.nbuckets * sb.bucket_size));
    EXPECT_EQ(shown["dev.cache.cache_sectors"],
              std::to_string((sb.nbuckets - sb.first_bucket) * sb.bucket_size));
    EXPECT_EQ(shown["dev.cache.discard"], sb.cache_discard() ? "yes" : "no");
    EXPECT_EQ(shown["dev.cache.replacement"], std::to_string(sb.cache_replacement()) + " [" +
                                                  ondisk::replacement_name(sb.cache_replacement()) +
                                                  "]");
    // The summary on stdout is make-bcache's.
    EXPECT_THAT(r.output, HasSubstr("nbuckets:\t\t" + std::to_string(sb.nbuckets) + "\n"));
    EXPECT_THAT(r.output, HasSubstr("first_bucket:\t\t" + std::to_string(sb.first_bucket)));
}

TEST_P(FormatInterop, SameBytesAsMakeBcache) {
    if (!have_tool("make-bcache"))
        GTEST_SKIP() << "make-bcache (bcache-tools) is not installed";
    const Geometry& g = GetParam();
    auto theirs = dir_.file("theirs.img"), ours = dir_.file("ours.img");
    auto made = run_command(std::string("truncate -s ") + g.size + " " + shell_quote(theirs) +
                            " && make-bcache -C " + g.make_bcache_args + " " + shell_quote(theirs));
    ASSERT_EQ(made.status, 0) << made.output;
    auto want = read_superblock(theirs);

    // Fields, with our own random UUIDs.
    auto r = run_command(kCli + " format " + shell_quote(ours) + " --size " + g.size + " " +
                         g.format_args);
    ASSERT_EQ(r.status, 0) << r.output;
    auto got = read_superblock(ours);
    got.csum = want.csum;
    got.uuid = want.uuid;
    got.set_uuid = want.set_uuid;
    EXPECT_EQ(ondisk::encode_superblock(got), ondisk::encode_superblock(want));

    // Bytes, with make-bcache's UUIDs: the images are identical.
    std::filesystem::remove(ours);
    r = run_command(kCli + " format " + shell_quote(ours) + " --size " + g.size + " " +
                    g.format_args + " --uuid " + ondisk::uuid_to_string(want.uuid) +
                    " --set-uuid " + ondisk::uuid_to_string(want.set_uuid));
    ASSERT_EQ(r.status, 0) << r.output;
    // Both tools write only the first 6352 bytes of a sparse file; the first MiB covers
    // them with margin without reading whole images.
    EXPECT_EQ(std::filesystem::file_size(theirs), std::filesystem::file_size(ours));
    EXPECT_TRUE(testing::head(theirs, 1 << 20) == testing::head(ours, 1 << 20));
}

std::string geometry_name(const ::testing::TestParamInfo<Geometry>& param) {
    return param.param.name;
}

INSTANTIATE_TEST_SUITE_P(Geometries, FormatInterop, ::testing::ValuesIn(kGeometries),
                         geometry_name);

class FormatCli : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(dir_.ok()); }
    testing::TempDir dir_;
};

TEST_F(FormatCli, Ext4ImageIsRefusedWithoutForceAndUntouched) {
    auto img = dir_.file("ext4.img");
    testing::write_file(img, 8 << 20);
    if (!have_tool("mkfs.ext4") || run_command("mkfs.ext4 -F -q " + shell_quote(img)).status != 0)
        GTEST_SKIP() << "mkfs.ext4 is not available";
    auto before = testing::slurp(img);

    auto refused = run_command(kCli + " format " + shell_quote(img) + " -b 8k");
    EXPECT_EQ(refused.status, 1);
    EXPECT_THAT(refused.output, HasSubstr("refusing to format " + img));
    EXPECT_THAT(refused.output, HasSubstr("carries another signature: ext4 (filesystem, magic at "
                                          "byte 1080)"));
    EXPECT_THAT(refused.output, HasSubstr("--force"));
    EXPECT_TRUE(testing::slurp(img) == before);

    auto forced = run_command(kCli + " format " + shell_quote(img) + " -b 8k --force");
    EXPECT_EQ(forced.status, 0) << forced.output;
    EXPECT_THAT(forced.output, HasSubstr("warning (--force)"));
    EXPECT_EQ(read_superblock(img).nbuckets, 1024u);
}

TEST_F(FormatCli, ExistingBcacheSuperblockIsReplacedWithANote) {
    auto img = dir_.file("cache.img");
    ASSERT_EQ(run_command(kCli + " format " + shell_quote(img) + " --size 64M -b 64k").status, 0);
    auto again = run_command(kCli + " format " + shell_quote(img) + " -b 128k");
    EXPECT_EQ(again.status, 0) << again.output;
    EXPECT_THAT(again.output, HasSubstr("already carries a bcache superblock"));
    EXPECT_EQ(read_superblock(img).nbuckets, 512u);
}

TEST_F(FormatCli, MountedTargetIsRefused) {
    auto r = run_command(kCli + " format /");
    EXPECT_EQ(r.status, 1);
    EXPECT_THAT(r.output, HasSubstr("refusing to format /"));
    EXPECT_THAT(r.output, HasSubstr("mounted at / ("));
}

TEST_F(FormatCli, MissingTargetNeedsASize) {
    auto img = dir_.file("new.img");
    auto r = run_command(kCli + " format " + shell_quote(img));
    EXPECT_EQ(r.status, 1);
    EXPECT_THAT(r.output, HasSubstr("does not exist; give --size"));
    EXPECT_FALSE(std::filesystem::exists(img));
}

TEST_F(FormatCli, AbsurdGeometryCreatesNothing) {
    auto img = dir_.file("new.img");
    const std::pair<const char*, const char*> cases[] = {
        {"--size 64M -b 100k", "is not a power of two"},
        {"--size 64M -b 2k", "below the kernel's minimum of one page"},
        {"--size 64M -w 8k", "above the kernel's maximum of one page"},
        {"--size 1M", "the kernel needs at least 128"},
        {"--size 64M --policy clock", "not one of lru, fifo, random"},
        {"--size 64Q", "unknown suffix"},
        {"--size 64M --uuid nope", "is not a UUID"},
    };
    for (auto [args, why] : cases) {
        auto r = run_command(kCli + " format " + shell_quote(img) + " " + args);
        EXPECT_EQ(r.status, 1) << args << "\n" << r.output;
        EXPECT_THAT(r.output, HasSubstr(why)) << args;
        EXPECT_FALSE(std::filesystem::exists(img)) << args;
    }
}

TEST_F(FormatCli, FiveHundredTwelveBucketsWarnsAboutCurrentKernels) {
    auto img = dir_.file("small.img");
    auto r = run_command(kCli + " format " + shell_quote(img) + " --size 256M");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_THAT(r.output, HasSubstr("512 buckets: Linux v6.x refuses to register"));
}

TEST_F(FormatCli, SizeBelowTheDeviceFormatsOnlyThatMuch) {
    auto img = dir_.file("big.img");
    testing::write_file(img, 0);
    ASSERT_EQ(run_command("truncate -s 128M " + shell_quote(img)).status, 0);
    auto r = run_command(kCli + " format " + shell_quote(img) + " --size 100M -b 64k");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(read_superblock(img).nbuckets, 1600u);
    EXPECT_EQ(std::filesystem::file_size(img), 128u << 20);
}

} // namespace
} // namespace bucketscope
