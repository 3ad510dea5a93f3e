// `bucketscope-cli sim`: same arguments, same bytes; bad options fail with a clear message.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace bucketscope::test {
namespace {

struct CliRun {
    std::string out;
    int status = -1;
};

CliRun run_cli(const std::string& args) {
    CliRun r;
    const std::string cmd = std::string(BUCKETSCOPE_CLI) + " " + args + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p)
        return r;
    std::array<char, 4096> buf{};
    size_t n = 0;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
        r.out.append(buf.data(), n);
    const int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

TEST(SimCli, SameArgumentsSameOutputByteForByte) {
    for (const char* args : {"sim --buckets 1088 --policy lru --seed 3 --steps 20000",
                             "sim --buckets 2048 --policy fifo --seed 9 --steps 20000 --json",
                             "sim --buckets 1088 --policy random --seed 1 --steps 20000 "
                             "--profile v4.6 --caches 2 --bucket-size 16"}) {
        const CliRun a = run_cli(args);
        const CliRun b = run_cli(args);
        ASSERT_EQ(a.status, 0) << args << "\n" << a.out;
        EXPECT_EQ(a.out, b.out) << args;
        EXPECT_NE(a.out.find("prio_writes"), std::string::npos) << a.out;
        EXPECT_NE(a.out.find("gc_runs"), std::string::npos) << a.out;
    }
}

TEST(SimCli, DifferentSeedsPrintDifferentCounters) {
    const CliRun a = run_cli("sim --buckets 1088 --seed 1 --steps 20000");
    const CliRun b = run_cli("sim --buckets 1088 --seed 2 --steps 20000");
    ASSERT_EQ(a.status, 0);
    ASSERT_EQ(b.status, 0);
    EXPECT_NE(a.out, b.out);
}

TEST(SimCli, JsonHasTheCounters) {
    const CliRun a = run_cli("sim --buckets 1088 --seed 1 --steps 5000 --json");
    ASSERT_EQ(a.status, 0) << a.out;
    for (const char* key : {"\"allocations\"", "\"none\"", "\"invalidations\"", "\"prio_writes\"",
                            "\"gc_runs\"", "\"alloc_waits\"", "\"journal_writes\""})
        EXPECT_NE(a.out.find(key), std::string::npos) << key << " in\n" << a.out;
}

TEST(SimCli, RefusesWhatTheKernelRefusesWithAClearMessage) {
    CliRun r = run_cli("sim --buckets 512 --seed 1 --steps 10");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.out.find("--buckets: 512"), std::string::npos) << r.out;

    r = run_cli("sim --buckets 2048 --policy clock --steps 10");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.out.find("--policy"), std::string::npos) << r.out;

    r = run_cli("sim --buckets 2048 --profile v5.0 --steps 10");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.out.find("--profile"), std::string::npos) << r.out;

    r = run_cli("sim --buckets 2048 --caches 2 --steps 10");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.out.find("caches"), std::string::npos) << r.out;

    r = run_cli("sim --buckets 2048 --bucket-size 24 --steps 10");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.out.find("bucket_size"), std::string::npos) << r.out;
}

} // namespace
} // namespace bucketscope::test
