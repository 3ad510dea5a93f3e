// `bucketscope-cli replay`: same arguments, same bytes; the summary has every figure the
// issue asks for; bad input fails with a message naming file, line or option.
// replay_reference_test.cpp compares hit ratios with libCacheSim's.
#include "tests/core/device/run_command.h"
#include "tests/core/device/temp_dir.h"
#include "tests/core/workload/replay_cli_util.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace bucketscope::test {
namespace {

using bucketscope::testing::CommandResult;
using bucketscope::testing::run_command;
using bucketscope::testing::TempDir;

TEST(ReplayCli, SameArgumentsSameBytesForTracesAndWorkloads) {
    TempDir dir;
    const std::string trace = dir.file("t.msr");
    {
        std::ofstream f(trace);
        for (int i = 0; i < 3000; ++i)
            f << 128166372003061629ll + i * 1000 << ",hm," << (i % 2) << ","
              << (i % 3 ? "Read" : "Write") << "," << (uint64_t(i * 7919) % 4096) * 4096
              << ",4096,1\n";
    }
    for (const std::string& args : std::vector<std::string>{
             "ram:96M " + trace + " --format msr --policy lru --cache-mode writeback -b 64K",
             "ram:96M --workload "
             "zipf:alpha=0.9,span=256M,read=70,size=4K-64K,processes=3,requests=20000 "
             "--policy fifo --json -b 64K --queue-depth 4"}) {
        const CommandResult a = replay(args);
        const CommandResult b = replay(args);
        ASSERT_EQ(a.status, 0) << args << "\n" << a.output;
        EXPECT_EQ(a.output, b.output) << args;
    }
    const CommandResult s1 =
        replay("ram:96M -b 64K --workload uniform:span=1G,read=50,requests=5000 --seed 1");
    const CommandResult s2 =
        replay("ram:96M -b 64K --workload uniform:span=1G,read=50,requests=5000 --seed 2");
    ASSERT_EQ(s1.status, 0) << s1.output;
    EXPECT_NE(s1.output, s2.output);
}

TEST(ReplayCli, TheSummaryHasEveryFigure) {
    const CommandResult r = replay("ram:96M -b 64K --cache-mode writeback --json --samples 4 "
                                   "--workload hotcold:span=512M,read=60,size=4K-128K,processes=2,"
                                   "requests=20000");
    ASSERT_EQ(r.status, 0) << r.output;
    for (const char* key : {"\"hit_ratio\"", "\"byte_hit_ratio\"", "\"allocations\"", "\"btree\"",
                            "\"prio\"", "\"none\"", "\"invalidations\"", "\"alloc_waits\"",
                            "\"alloc_wait_ns\"", "\"gc_runs\"", "\"gc_ns\"", "\"prio_writes\"",
                            "\"discards\"", "\"writeback_keys_done\"", "\"write_amplification\"",
                            "\"utilisation\"", "\"dirty\"", "\"clean\"", "\"in_use_percent\""})
        EXPECT_NE(r.output.find(key), std::string::npos) << key << " in\n" << r.output;
}

TEST(ReplayCli, BadInputIsNamed) {
    TempDir dir;
    const std::string bad = dir.file("bad.fio");
    std::ofstream(bad) << "fio version 2 iolog\nf add\nf write 0 4096\nf write 4096 lots\n"
                       << "f read 0 4096\n";
    CommandResult r = replay("ram:96M -b 64K " + bad + " --format fio");
    EXPECT_EQ(r.status, 3) << r.output;
    EXPECT_NE(r.output.find(bad + ":4:"), std::string::npos) << r.output;
    r = replay("ram:96M -b 64K " + bad + " --format fio --skip-bad");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(value_of(r.output, "bad_records"), "1") << r.output;
    EXPECT_NE(r.output.find("skipped 1 malformed"), std::string::npos) << r.output;
    EXPECT_EQ(value_of(r.output, "summary.requests"), "2") << r.output;

    const struct {
        std::string args, says;
    } cases[] = {
        {"ram:96M " + dir.file("missing") + " --format msr", "missing"},
        {"ram:96M " + bad + " --format tsv", "--format"},
        {"ram:96M " + bad, "--format"},
        {"ram:96M --workload zipf:alpha=0.9", "never ends"},
        {"ram:96M --workload zipf:colour=red,requests=10", "colour"},
        {"ram:96M --workload uniform:requests=10 --cache-mode lazy", "--cache-mode"},
        {"ram:96M --workload uniform:requests=10 --policy clock", "--policy"},
        {"ram:0 --workload uniform:requests=10", "ram:0"},
        {"ram:100M --workload uniform:requests=10 -b 1M", "buckets"},
        {dir.file("img") + " --workload uniform:requests=10", "does not exist"},
        {"ram:96M", "--workload"},
    };
    for (const auto& c : cases) {
        r = replay(c.args);
        EXPECT_NE(r.status, 0) << c.args;
        EXPECT_NE(r.output.find(c.says), std::string::npos) << c.args << "\n" << r.output;
    }
}

// libCacheSim csv written the other way round: ';' between fields, no header, times in ms
// and objects named rather than numbered. Named objects are hashed to their own offsets,
// so five passes over ten of them hit exactly as often as over ten numbered ones.
TEST(ReplayCli, CsvReaderOptionsFromTheCommandLine) {
    TempDir dir;
    const std::string named = dir.file("named.csv"), numbered = dir.file("numbered.csv");
    {
        std::ofstream a(named), b(numbered);
        for (int i = 0; i < 50; ++i) {
            a << i * 5 << ";obj-" << i % 10 << ";65536\n";
            b << i * 5 << ";" << i % 10 << ";65536\n";
        }
    }
    const std::string opts = " --format csv --csv-delimiter ';' --csv-no-header --csv-time-unit ms";
    const CommandResult by_name = replay("ram:96M -b 64K " + named + opts + " --csv-string-ids");
    const CommandResult by_number = replay("ram:96M -b 64K " + numbered + opts);
    ASSERT_EQ(by_name.status, 0) << by_name.output;
    ASSERT_EQ(by_number.status, 0) << by_number.output;
    EXPECT_EQ(value_of(by_name.output, "summary.requests"), "50");
    EXPECT_GT(std::stoul(value_of(by_name.output, "summary.cache_hits")), 20u) << by_name.output;
    EXPECT_EQ(value_of(by_name.output, "summary.cache_hits"),
              value_of(by_number.output, "summary.cache_hits"));

    // Names without --csv-string-ids are a malformed first record; bad option values are
    // named before the trace is opened.
    CommandResult r = replay("ram:96M -b 64K " + named + opts);
    EXPECT_EQ(r.status, 3) << r.output;
    EXPECT_NE(r.output.find(named + ":1: object id (column 2)"), std::string::npos) << r.output;
    for (const auto& [bad, says] : {std::pair{" --csv-delimiter ab", "--csv-delimiter: 'ab'"},
                                    std::pair{" --csv-time-unit h", "--csv-time-unit: 'h'"},
                                    std::pair{" --object-size lots", "--object-size"}}) {
        r = replay("ram:96M -b 64K " + numbered + " --format csv" + bad);
        EXPECT_EQ(r.status, 2) << bad << "\n" << r.output;
        EXPECT_NE(r.output.find(says), std::string::npos) << bad << "\n" << r.output;
    }
}

TEST(ReplayCli, LimitStopsEarly) {
    const std::string trace = reference_trace();
    ASSERT_FALSE(trace.empty()) << "gen_trace.py failed";
    const CommandResult r = replay("ram:64M -b 64K " + trace + " --format oracle --limit 1000");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(value_of(r.output, "summary.requests"), "1000");
}

// An image file as TARGET: opened as `run` opens it, every inserted sector written, stopped
// cleanly; check verifies the data, and a second replay finds the cache warm.
TEST(ReplayCli, AnImageTargetKeepsWhatTheReplayWroteAndCheckAcceptsIt) {
    TempDir dir;
    const std::string img = dir.file("cache.img");
    const auto fmt = run_command(kCli + " format " + img + " --size 96M -b 64K -w 4K");
    ASSERT_EQ(fmt.status, 0) << fmt.output;
    const std::string trace = dir.file("t.msr");
    {
        std::ofstream f(trace);
        for (int i = 0; i < 1500; ++i)
            f << 128166372003061629ll + i * 1000 << ",hm,0," << (i % 3 ? "Read" : "Write") << ","
              << (uint64_t(i * 7919) % 300) * 65536 << ",65536,1\n";
    }
    const std::string args = img + " " + trace + " --format msr --cache-mode writeback --no-record";
    const CommandResult cold = replay(args);
    ASSERT_EQ(cold.status, 0) << cold.output;
    EXPECT_EQ(value_of(cold.output, "policy"), "lru") << "the superblock's";
    EXPECT_GT(std::stoull(value_of(cold.output, "summary.dirty_bytes")), 0u);
    const CommandResult c = run_command(kCli + " check " + img);
    EXPECT_EQ(c.status, 0) << c.output;
    EXPECT_EQ(c.output.find(" 0 sectors verified"), std::string::npos) << c.output;
    const CommandResult warm = replay(args);
    ASSERT_EQ(warm.status, 0) << warm.output;
    // Under LRU nothing the first replay cached is invalidated while the cache has room.
    // (FIFO would not keep them: its cursor restarts at first_bucket on every registration,
    // as the kernel's does, and sweeps over the oldest data.)
    EXPECT_EQ(value_of(warm.output, "summary.hit_ratio"), "1.000000")
        << "the first replay's extents came back on reopen";
    const CommandResult fifo = replay(args + " --policy fifo");
    ASSERT_EQ(fifo.status, 0) << fifo.output;
    EXPECT_EQ(value_of(fifo.output, "policy"), "fifo");
    EXPECT_NE(run_command(kCli + " super " + img).output.find("[fifo]"), std::string::npos)
        << "written to the superblock";
    EXPECT_EQ(run_command(kCli + " check " + img).status, 0);
}

TEST(ReplayCli, AnImageWithoutASuperblockOrWithAnotherSignatureIsRefused) {
    TempDir dir;
    const std::string blank = dir.file("blank.img");
    bucketscope::testing::write_file(blank, 8 << 20);
    const CommandResult r = replay(blank + " --workload uniform:requests=10 --no-record");
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find("no bcache cache superblock"), std::string::npos) << r.output;
    EXPECT_TRUE(bucketscope::testing::slurp(blank) == std::vector<char>(8 << 20, 0));
    if (!bucketscope::testing::have_tool("mkfs.ext4") ||
        run_command("mkfs.ext4 -F -q " + blank).status != 0)
        GTEST_SKIP() << "mkfs.ext4 is not available";
    const auto before = bucketscope::testing::slurp(blank);
    const CommandResult ext4 = replay(blank + " --workload uniform:requests=10 --no-record");
    EXPECT_EQ(ext4.status, 2);
    EXPECT_NE(ext4.output.find("ext4"), std::string::npos) << ext4.output;
    EXPECT_TRUE(bucketscope::testing::slurp(blank) == before);
}

} // namespace
} // namespace bucketscope::test
