// `bucketscope-cli run` and `check` on image files: refusals that leave the target as it
// was, a run that check (with the ack log), inspect and a second run (reopen) accept, damage
// that check lists, and a device that stops taking writes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/ondisk/data_sector.h"
#include "tests/core/device/run_command.h"
#include "tests/core/device/temp_dir.h"

namespace bucketscope {
namespace {

using ::testing::HasSubstr;
using testing::run_command;

const std::string kCli = BUCKETSCOPE_CLI;

std::string q(const std::string& s) { return "'" + s + "'"; }

class RunCli : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(dir_.ok()); }
    std::string formatted(const std::string& name, const std::string& extra = "") {
        const std::string img = dir_.file(name);
        auto r = run_command(kCli + " format " + q(img) + " --size 40M -b 32K -w 4K " + extra);
        EXPECT_EQ(r.status, 0) << r.output;
        return img;
    }
    testing::TempDir dir_;
};

TEST_F(RunCli, ATargetWithoutASuperblockIsRefusedWithAPointerToFormat) {
    const std::string img = dir_.file("blank.img");
    testing::write_file(img, 8 << 20);
    const auto before = testing::slurp(img);
    auto r = run_command(kCli + " run " + q(img) + " --ops 10");
    EXPECT_EQ(r.status, 1);
    EXPECT_THAT(r.output, HasSubstr("no bcache cache superblock"));
    EXPECT_THAT(r.output, HasSubstr("bucketscope-cli format " + img));
    EXPECT_TRUE(testing::slurp(img) == before);
    auto missing = run_command(kCli + " run " + q(dir_.file("nope.img")) + " --ops 10");
    EXPECT_EQ(missing.status, 1);
    EXPECT_THAT(missing.output, HasSubstr("does not exist"));
}

TEST_F(RunCli, AForeignSignatureIsRefusedUnlessForced) {
    const std::string img = dir_.file("ext4.img");
    testing::write_file(img, 8 << 20);
    if (!testing::have_tool("mkfs.ext4") || run_command("mkfs.ext4 -F -q " + q(img)).status != 0)
        GTEST_SKIP() << "mkfs.ext4 is not available";
    const auto before = testing::slurp(img);
    auto r = run_command(kCli + " run " + q(img) + " --ops 10");
    EXPECT_EQ(r.status, 1);
    EXPECT_THAT(r.output, HasSubstr("refusing to run on " + img));
    EXPECT_THAT(r.output, HasSubstr("ext4"));
    auto forced = run_command(kCli + " run " + q(img) + " --ops 10 --force");
    EXPECT_EQ(forced.status, 1) << "and then it is still no cache";
    EXPECT_THAT(forced.output, HasSubstr("no bcache cache superblock"));
    EXPECT_TRUE(testing::slurp(img) == before);
}

TEST_F(RunCli, ARunThatCheckInspectAndASecondRunAccept) {
    const std::string img = formatted("cache.img", "--policy fifo");
    const std::string acks = dir_.file("acks.log");
    auto r = run_command(kCli + " run " + q(img) + " --ops 150 --seed 3 --json --ack-log " + q(acks));
    ASSERT_EQ(r.status, 0) << r.output;
    const auto j = nlohmann::json::parse(r.output.substr(r.output.find('{')));
    EXPECT_GE(j["ops"].get<uint64_t>(), 150u);
    EXPECT_EQ(j["policy"], "fifo") << "from the superblock";
    EXPECT_GT(j["acknowledged"].get<uint64_t>(), 50u);
    EXPECT_EQ(j["errors"], 0);

    auto c = run_command(kCli + " check " + q(img) + " --ack-log " + q(acks));
    EXPECT_EQ(c.status, 0) << c.output;
    EXPECT_THAT(c.output, HasSubstr("clean"));
    auto i = run_command(kCli + " inspect --json " + q(img));
    ASSERT_EQ(i.status, 0) << i.output;
    const auto ij = nlohmann::json::parse(i.output);
    EXPECT_EQ(ij["superblock"]["dev.cache.ordered"], "yes");
    EXPECT_GT(ij["totals"]["extents"].get<uint64_t>(), 50u);
    EXPECT_EQ(ij["totals"]["journal_replay_entries"], 1) << "a clean stop leaves nothing to replay";

    auto again = run_command(kCli + " run " + q(img) + " --ops 80 --policy lru --ack-log " + q(acks));
    ASSERT_EQ(again.status, 0) << again.output;
    auto c2 = run_command(kCli + " check --json " + q(img) + " --ack-log " + q(acks));
    EXPECT_EQ(c2.status, 0) << c2.output;
    const auto cj = nlohmann::json::parse(c2.output);
    EXPECT_TRUE(cj["ok"].get<bool>());
    EXPECT_GT(cj["stats"]["verified_sectors"].get<uint64_t>(), 1000u);
    auto s = run_command(kCli + " super --json " + q(img));
    EXPECT_EQ(nlohmann::json::parse(s.output)["dev.cache.replacement_name"], "lru");
}

TEST_F(RunCli, CheckListsDamagedDataAndExitsOne) {
    const std::string img = formatted("cache.img");
    ASSERT_EQ(run_command(kCli + " run " + q(img) + " --ops 60").status, 0);
    auto c = run_command(kCli + " check --json " + q(img));
    ASSERT_EQ(c.status, 0) << c.output;
    // Overwrite the data of every live sector of the first data bucket with zeros: the
    // pointers stay live, the data headers are gone.
    auto in = run_command(kCli + " inspect --json --buckets " + q(img));
    const auto j = nlohmann::json::parse(in.output);
    uint64_t victim = 0;
    for (const auto& b : j["buckets"])
        if (b["mark"] != "metadata" && b["sectors_used"].get<uint64_t>() > 0) {
            victim = b["bucket"].get<uint64_t>();
            break;
        }
    ASSERT_GT(victim, 0u);
    {
        std::fstream f(img, std::ios::binary | std::ios::in | std::ios::out);
        f.seekp(static_cast<std::streamoff>(victim * 32768));
        const std::vector<char> zeros(32768, 0);
        f.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
    }
    auto bad = run_command(kCli + " check " + q(img));
    EXPECT_EQ(bad.status, 1) << bad.output;
    EXPECT_THAT(bad.output, HasSubstr("do not hold its data"));
    EXPECT_THAT(bad.output, HasSubstr("no data header of this cache set"));
}

TEST_F(RunCli, AWriteErrorStopsTheSetNamesDeviceAndOffsetAndLosesNoAcknowledgedWrite) {
    const std::string img = formatted("cache.img");
    const std::string acks = dir_.file("acks.log");
    auto r = run_command(kCli + " run " + q(img) + " --ops 100000 --ack-log " + q(acks) +
                         " --fault-stop-after-writes 400");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_THAT(r.output, HasSubstr("run: " + img + ": "));
    EXPECT_THAT(r.output, HasSubstr("bytes at offset "));
    EXPECT_THAT(r.output, HasSubstr("failed: Input/output error (errno 5) (injected)"));
    EXPECT_THAT(r.output, HasSubstr("I/O disabled"));
    auto c = run_command(kCli + " check " + q(img) + " --ack-log " + q(acks));
    EXPECT_EQ(c.status, 0) << c.output;
    auto again = run_command(kCli + " run " + q(img) + " --ops 30");
    EXPECT_EQ(again.status, 0) << again.output;
}

TEST_F(RunCli, AGeneratedWorkloadInWritebackRunsOnAnImageAndCheckAcceptsIt) {
    const std::string img = formatted("cache.img");
    auto r = run_command(kCli + " run " + q(img) +
                         " --workload zipf:alpha=0.9,span=256M,read=60,size=4K-64K,requests=3000"
                         " --cache-mode writeback --seed 5 --json --no-record");
    ASSERT_EQ(r.status, 0) << r.output;
    const auto j = nlohmann::json::parse(r.output.substr(r.output.find('{')));
    const auto& rq = j["requests"];
    EXPECT_EQ(rq["requests"].get<uint64_t>(), 3000u);
    EXPECT_GT(rq["cache_hits"].get<uint64_t>(), 0u) << "zipf(0.9) rereads its hot blocks";
    EXPECT_GT(rq["cache_misses"].get<uint64_t>(), 0u) << "and starts cold";
    EXPECT_GT(rq["dirty_bytes"].get<uint64_t>(), 0u) << "writeback leaves dirty data";
    EXPECT_GT(rq["cache_read_verified_bytes"].get<uint64_t>(), 0u) << "hits read the image";
    EXPECT_EQ(rq["cache_read_foreign_bytes"], 0);
    EXPECT_EQ(rq["cache_read_bad_bytes"], 0);
    EXPECT_EQ(j["errors"], 0);
    auto c = run_command(kCli + " check --json " + q(img));
    EXPECT_EQ(c.status, 0) << c.output;
    auto in = run_command(kCli + " inspect --json " + q(img));
    ASSERT_EQ(in.status, 0) << in.output;
    EXPECT_GT(nlohmann::json::parse(in.output)["priority_stats"]["dirty"].get<uint64_t>(), 0u)
        << "the dirty extents came back from the image";
}

TEST_F(RunCli, AWorkloadThatNeverEndsNeedsALimit) {
    const std::string img = formatted("cache.img");
    const auto before = testing::slurp(img);
    auto r = run_command(kCli + " run " + q(img) + " --workload zipf:alpha=0.9,span=1G");
    EXPECT_EQ(r.status, 1);
    EXPECT_THAT(r.output, HasSubstr("never ends"));
    EXPECT_TRUE(testing::slurp(img) == before);
}

TEST_F(RunCli, ARamTargetIsFormattedOnTheFlyWithTheGivenGeometry) {
    auto r = run_command(kCli + " run ram:64M -b 64K -w 4K --policy fifo --no-record --json"
                                " --workload uniform:span=128M,read=50,requests=2000");
    ASSERT_EQ(r.status, 0) << r.output;
    const auto j = nlohmann::json::parse(r.output.substr(r.output.find('{')));
    EXPECT_EQ(j["policy"], "fifo");
    EXPECT_EQ(j["requests"]["requests"], 2000);
    EXPECT_EQ(j["errors"], 0);
    auto bad = run_command(kCli + " run ram:64M -b 3K --ops 10 --no-record");
    EXPECT_EQ(bad.status, 1) << bad.output;
    EXPECT_THAT(bad.output, HasSubstr("bucket"));
}

// A hit reads the cache device and checks what it finds: data overwritten behind the
// engine's back is counted, not served as if it were the key's.
TEST_F(RunCli, HitsReadTheImageAndCountDataThatIsNotTheKeys) {
    const std::string img = formatted("cache.img");
    const std::string run = kCli + " run " + q(img) +
                            " --workload zipf:alpha=1.1,span=8M,read=80,requests=1500 --seed 2"
                            " --json --no-record";
    auto first = run_command(run);
    ASSERT_EQ(first.status, 0) << first.output;
    auto in = run_command(kCli + " inspect --json --buckets " + q(img));
    ASSERT_EQ(in.status, 0) << in.output;
    const auto buckets = nlohmann::json::parse(in.output)["buckets"];
    size_t zeroed = 0;
    {
        std::fstream f(img, std::ios::binary | std::ios::in | std::ios::out);
        const std::vector<char> zeros(32768, 0);
        for (const auto& b : buckets)
            if (b["mark"] != "metadata" && b["sectors_used"].get<uint64_t>() > 0) {
                f.seekp(static_cast<std::streamoff>(b["bucket"].get<uint64_t>() * 32768));
                f.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
                ++zeroed;
            }
    }
    ASSERT_GT(zeroed, 0u);
    auto second = run_command(run);
    ASSERT_EQ(second.status, 0) << second.output;
    const auto j = nlohmann::json::parse(second.output.substr(second.output.find('{')));
    EXPECT_GT(j["requests"]["cache_hits"].get<uint64_t>(), 0u);
    EXPECT_GT(j["requests"]["cache_read_foreign_bytes"].get<uint64_t>(), 0u)
        << "the zeroed sectors carry no header of this set";
}

} // namespace
} // namespace bucketscope
