// `bucketscope-cli replay`: same arguments, same bytes; the summary has every figure the
// issue asks for; bad input fails with a message naming file, line or option; and on the
// reference zipf trace of ../shared/tools/gen_trace.py the hit ratios sit next to
// libCacheSim's (a little below: bcache holds buckets back for reserves and metadata).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "tests/core/device/run_command.h"
#include "tests/core/device/temp_dir.h"

namespace bucketscope::test {
namespace {

using bucketscope::testing::CommandResult;
using bucketscope::testing::run_command;
using bucketscope::testing::TempDir;

const std::string kCli = BUCKETSCOPE_CLI;

CommandResult replay(const std::string& args) { return run_command(kCli + " replay " + args); }

// The value printed for `key` in replay's text output.
std::string value_of(const std::string& out, const std::string& key) {
    const auto at = out.find("\n" + key + " ");
    if (at == std::string::npos)
        return {};
    const auto start = out.find_first_not_of(' ', at + key.size() + 1);
    return out.substr(start, out.find('\n', start) - start);
}

// gen_trace.py's zipf trace of 1M requests over 100k objects, made once per build tree.
std::string reference_trace() {
    const std::string path = std::string(BUCKETSCOPE_BUILD_DIR) + "/zipf1.0_1M_100k.oracleGeneral";
    if (!std::filesystem::exists(path)) {
        const std::string tmp = path + ".tmp" + std::to_string(::getpid());
        const std::string cmd = "python3 " BUCKETSCOPE_SHARED_DIR "/tools/gen_trace.py --kind zipf "
                                "-n 1000000 -m 100000 -o " + tmp + " >/dev/null 2>&1";
        if (std::system(cmd.c_str()) != 0)
            return {};
        std::filesystem::rename(tmp, path);
    }
    return path;
}

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

// libCacheSim (aa0fc40) on this trace, 10% of the 80,700 distinct objects: FIFO 0.6771,
// LRU 0.7135 (../shared/tools/README.md).
TEST(ReplayCli, HitRatiosSitNextToLibCacheSimsOnTheReferenceZipfTrace) {
    const std::string trace = reference_trace();
    ASSERT_FALSE(trace.empty()) << "gen_trace.py failed";
    // 8070 objects of 512 KiB, plus the superblock bucket.
    const std::string target = "ram:" + std::to_string(8071 * 512) + "K";
    for (auto [policy, reference] : {std::pair{"fifo", 0.6771}, {"lru", 0.7135}}) {
        const CommandResult r = replay(target + " " + trace + " --format oracle --policy " + policy);
        ASSERT_EQ(r.status, 0) << r.output;
        const double hit = std::stod(value_of(r.output, "summary.hit_ratio"));
        EXPECT_LE(hit, reference + 0.005) << policy;
        EXPECT_GE(hit, reference - 0.02) << policy;
        EXPECT_EQ(value_of(r.output, "summary.hit_ratio"), value_of(r.output, "summary.byte_hit_ratio"))
            << "equal-size objects";
    }
}

} // namespace
} // namespace bucketscope::test
