// `bucketscope-cli replay`: same arguments, same bytes; the summary has every figure the
// issue asks for; bad input fails with a message naming file, line or option.
// replay_reference_test.cpp compares hit ratios with libCacheSim's.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "tests/core/device/run_command.h"
#include "tests/core/device/temp_dir.h"
#include "tests/core/workload/replay_cli_util.h"

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
              << (i % 3 ? "Read" : "Write") << "," << (uint64_t(i * 7919) % 4096) * 4096 << ",4096,1\n";
    }
    for (const std::string& args : std::vector<std::string>{
             "ram:96M " + trace + " --format msr --policy lru --cache-mode writeback -b 64K",
             "ram:96M --workload zipf:alpha=0.9,span=256M,read=70,size=4K-64K,processes=3,requests=20000 "
          "--policy fifo --json -b 64K --queue-depth 4"}) {
        const CommandResult a = replay(args);
        const CommandResult b = replay(args);
        ASSERT_EQ(a.status, 0) << args << "\n" << a.output;
        EXPECT_EQ(a.output, b.output) << args;
    }
    const CommandResult s1 = replay("ram:96M -b 64K --workload uniform:span=1G,read=50,requests=5000 --seed 1");
    const CommandResult s2 = replay("ram:96M -b 64K --workload uniform:span=1G,read=50,requests=5000 --seed 2");
    ASSERT_EQ(s1.status, 0) << s1.output;
    EXPECT_NE(s1.output, s2.output);
}

TEST(ReplayCli, TheSummaryHasEveryFigure) {
    const CommandResult r = replay("ram:96M -b 64K --cache-mode writeback --json --samples 4 "
                                   "--workload hotcold:span=512M,read=60,size=4K-128K,processes=2,"
                                   "requests=20000");
    ASSERT_EQ(r.status, 0) << r.output;
    for (const char* key :
         {"\"hit_ratio\"", "\"byte_hit_ratio\"", "\"allocations\"", "\"btree\"", "\"prio\"",
          "\"none\"", "\"invalidations\"", "\"alloc_waits\"", "\"alloc_wait_ns\"", "\"gc_runs\"",
          "\"gc_ns\"", "\"prio_writes\"", "\"discards\"", "\"writeback_keys_done\"",
          "\"write_amplification\"", "\"utilisation\"", "\"dirty\"", "\"clean\"", "\"in_use_percent\""})
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
        {dir.file("img") + " --workload uniform:requests=10", "run"},
        {"ram:96M", "--workload"},
    };
    for (const auto& c : cases) {
        r = replay(c.args);
        EXPECT_NE(r.status, 0) << c.args;
        EXPECT_NE(r.output.find(c.says), std::string::npos) << c.args << "\n" << r.output;
    }
}

TEST(ReplayCli, LimitStopsEarly) {
    const std::string trace = reference_trace();
    ASSERT_FALSE(trace.empty()) << "gen_trace.py failed";
    const CommandResult r = replay("ram:64M -b 64K " + trace + " --format oracle --limit 1000");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(value_of(r.output, "summary.requests"), "1000");
}

} // namespace
} // namespace bucketscope::test
