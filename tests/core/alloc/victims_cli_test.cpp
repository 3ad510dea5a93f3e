// `bucketscope-cli victims` end to end: the built binary on temporary CSV files, its
// output compared with the kernel model (kernel_model.h) and with hand-worked orders.
#include <gtest/gtest.h>
#include <unistd.h>

#include <sys/wait.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <tuple>

#include "core/alloc/state_csv.h"
#include "tests/core/alloc/kernel_model.h"

namespace bucketscope {
namespace {

struct CliRun {
    int status = -1;
    std::string out;
    std::string err;
};

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

CliRun run_victims(const std::string& args) {
    // One file per process: ctest runs the tests of this binary in parallel processes.
    const std::string err_path =
        ::testing::TempDir() + "victims_stderr_" + std::to_string(::getpid()) + ".txt";
    const std::string cmd = std::string("'") + BUCKETSCOPE_CLI + "' victims " + args + " 2>'" +
                            err_path + "'";
    CliRun r;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p)
        return r;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        r.out.append(buf, n);
    const int raw = pclose(p);
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    r.err = slurp(err_path);
    return r;
}

std::string write_state(const std::string& name, const std::vector<Bucket>& buckets) {
    const std::string path = ::testing::TempDir() + name;
    std::string error;
    EXPECT_TRUE(save_bucket_state_csv(path, buckets, error)) << error;
    return path;
}

std::string write_text(const std::string& name, const std::string& text) {
    const std::string path = ::testing::TempDir() + name;
    std::ofstream(path) << text;
    return path;
}

std::string lines(const std::vector<uint64_t>& v) {
    std::string s;
    for (uint64_t b : v)
        s += std::to_string(b) + "\n";
    return s;
}

Bucket clean(uint16_t prio, uint16_t sectors) {
    Bucket b;
    b.prio = prio;
    b.set_mark(GcMark::Reclaimable);
    b.set_sectors_used(sectors);
    return b;
}

// Buckets 1 and 2 are the only candidates; which goes first depends on min_prio:
// with min_prio 30000, (0 + 346) * 150 < (346 + 346) * 100; with 0, 34096 * 150 >
// 34442 * 100. Bucket 3 is pinned with a low prio and must not count for the default.
std::vector<Bucket> min_prio_state() {
    std::vector<Bucket> v(1024);
    for (auto& b : v)
        b.set_mark(GcMark::Dirty);
    v[1] = clean(30000, 150);
    v[2] = clean(30346, 100);
    v[3] = clean(5, 10);
    v[3].pin = 1;
    return v;
}

TEST(VictimsCli, LruDefaultMinPrioIsWhatARescaleLeaves) {
    const std::string path = write_state("victims_minprio.csv", min_prio_state());
    CliRun r = run_victims("--state '" + path + "' --policy lru");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "1\n2\n");
    EXPECT_NE(r.err.find("gave up"), std::string::npos); // 2 candidates for 4 slots
    r = run_victims("--state '" + path + "' --policy lru --min-prio 0");
    EXPECT_EQ(r.out, "2\n1\n");
    r = run_victims("--state '" + path + "' --policy lru --min-prio 30000 --count 1");
    EXPECT_EQ(r.out, "1\n");
}

TEST(VictimsCli, LruMatchesTheKernelModelOnAHardState) {
    for (const auto& [n, first, extra] :
         {std::tuple<size_t, uint16_t, std::string>{3000, 1, ""},
          {3000, 9, "--min-prio 40000"},
          {50000, 1, "--count 100"},
          {1024, 2, "--min-prio 7"}}) {
        std::mt19937_64 rng(n + first);
        testing::KernelModel m;
        m.buckets.resize(n);
        testing::fill_hard_state(m.buckets, rng, 0.3);
        const std::string path = write_state("victims_hard.csv", m.buckets);
        // The CSV carries no last_gc: it loads as gen, so the model must see the same.
        for (auto& b : m.buckets)
            b.last_gc = b.gen;
        m.first_bucket = first;
        m.min_prio = extra.find("--min-prio") != std::string::npos
                         ? static_cast<uint16_t>(std::stoi(extra.substr(11)))
                         : testing::rescale_min_prio(m.buckets, first);
        const size_t free = std::bit_ceil(n) >> 10;
        m.heap_size = free << 3;
        m.free_inc_size = (free << 2) > 4 ? std::bit_ceil(free << 2) - 1 : 4; // init_fifo
        if (extra.find("--count") != std::string::npos)
            m.free_inc_size = std::min<size_t>(m.free_inc_size, 100);
        m.lru();
        const CliRun r = run_victims("--state '" + path + "' --policy lru --first-bucket " +
                                  std::to_string(first) + " " + extra);
        EXPECT_EQ(r.status, 0) << r.err;
        EXPECT_EQ(r.out, lines(m.free_inc)) << n << " " << extra;
    }
}

TEST(VictimsCli, FifoHonoursCursorFirstBucketAndCount) {
    std::vector<Bucket> v(2048);
    v[5].set_mark(GcMark::Dirty);
    const std::string path = write_state("victims_fifo.csv", v);
    CliRun r = run_victims("--state '" + path + "' --policy fifo");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "1\n2\n3\n4\n6\n7\n8\n"); // free_inc 7 for 2048 buckets
    r = run_victims("--state '" + path + "' --policy fifo --fifo-cursor 2046 --count 3");
    EXPECT_EQ(r.out, "2046\n2047\n1\n");
    r = run_victims("--state '" + path + "' --policy fifo --first-bucket 4 --count 2");
    EXPECT_EQ(r.out, "4\n6\n");
    r = run_victims("--state '" + path + "' --policy fifo --first-bucket 4 --fifo-cursor 0 "
                    "--count 1");
    EXPECT_EQ(r.out, "4\n"); // a cursor below first_bucket resets to it
}

TEST(VictimsCli, RandomIsDeterministicPerSeed) {
    const std::string path = write_state("victims_random.csv", std::vector<Bucket>(100000));
    const CliRun a = run_victims("--state '" + path + "' --policy random --seed 7");
    const CliRun b = run_victims("--state '" + path + "' --policy random --seed 7");
    const CliRun c = run_victims("--state '" + path + "' --policy random --seed 8");
    EXPECT_EQ(a.status, 0) << a.err;
    EXPECT_EQ(std::count(a.out.begin(), a.out.end(), '\n'), 511);
    EXPECT_EQ(a.out, b.out);
    EXPECT_NE(a.out, c.out);
}

TEST(VictimsCli, SmallStatesUseTheKernelsSmallestSizesAndSaySo) {
    const std::string path = write_state("victims_small.csv", std::vector<Bucket>(100));
    const CliRun r = run_victims("--state '" + path + "' --policy fifo");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "1\n2\n3\n4\n");
    EXPECT_NE(r.err.find("512 buckets or fewer"), std::string::npos) << r.err;
}

TEST(VictimsCli, BadFilesExitWith1) {
    CliRun r = run_victims("--state /nonexistent/state.csv --policy lru");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("/nonexistent/state.csv: cannot open"), std::string::npos) << r.err;
    const std::string bad = write_text("victims_bad.csv", "bucket,gen,prio,mark,sectors_used,pin\n"
                                                          "1,0,0,unused,0,0\n2,300,0,unused,0,0\n");
    r = run_victims("--state '" + bad + "' --policy lru");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("victims_bad.csv:3: field 'gen'"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
    const std::string empty = write_text("victims_empty.csv", "bucket,gen,prio,mark,sectors_used,pin\n");
    r = run_victims("--state '" + empty + "' --policy lru");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("no bucket rows"), std::string::npos) << r.err;
}

TEST(VictimsCli, BadOptionsExitWith2) {
    const std::string path = write_state("victims_opts.csv", std::vector<Bucket>(1024));
    const std::string state = "--state '" + path + "' ";
    const std::pair<std::string, std::string> cases[] = {
        {"--policy lru", "--state FILE is required"},
        {state, "--policy lru|fifo|random is required"},
        {state + "--policy mru", "--policy: expected lru, fifo or random, got 'mru'"},
        {state + "--policy lru --profile v5", "--profile: expected v6.2 or v4.6"},
        {state + "--policy lru --min-prio 65536", "--min-prio: expected an integer from 0 to 65535"},
        {state + "--policy lru --count -1", "--count"},
        {state + "--policy random --seed abc", "--seed"},
        {state + "--policy fifo --first-bucket 1024", "--first-bucket 1024 leaves no buckets"},
        {state + "--policy fifo --first-bucket 70000", "--first-bucket: expected an integer"},
        {state + "--policy fifo --fifo-cursor 1x", "--fifo-cursor"},
    };
    for (const auto& [args, expect] : cases) {
        const CliRun r = run_victims(args);
        EXPECT_EQ(r.status, 2) << args << ": " << r.err;
        EXPECT_NE(r.err.find(expect), std::string::npos) << args << ": " << r.err;
    }
}

TEST(VictimsCli, V4ProfileGivesTheSameVictims) {
    const std::string path = write_state("victims_profile.csv", min_prio_state());
    EXPECT_EQ(run_victims("--state '" + path + "' --policy lru --profile v4.6").out, "1\n2\n");
}

} // namespace
} // namespace bucketscope
