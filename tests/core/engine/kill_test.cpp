// SIGKILL at seeded random moments: `bucketscope-cli run` on an image file is killed again
// and again, either once its ack log holds a seeded number of acknowledged writes or after
// a seeded delay (which also lands in registration and journal replay); after every kill
// `check --ack-log` must find the image consistent and every acknowledged write readable,
// and the next run reopens the crashed image. The default suite kills 10 times;
// test_engine_kill_long (ctest label `long`, not run in CI) kills 200 times.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "core/alloc/random.h"
#include "tests/core/device/run_command.h"
#include "tests/core/device/temp_dir.h"

extern char** environ;

namespace bucketscope {
namespace {

#ifdef BUCKETSCOPE_KILLS
constexpr int kKills = BUCKETSCOPE_KILLS;
#else
constexpr int kKills = 10;
#endif

const std::string kCli = BUCKETSCOPE_CLI;

std::string q(const std::string& s) { return "'" + s + "'"; }

uint64_t lines_in(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    uint64_t n = 0;
    for (char c; f.get(c);)
        n += c == '\n';
    return n;
}

std::string slurp_text(const std::string& path) {
    const auto v = testing::slurp(path);
    return {v.begin(), v.end()};
}

pid_t spawn_run(const std::string& image, const std::string& acks, uint64_t seed,
                const std::string& log) {
    const std::string seed_text = std::to_string(seed);
    std::vector<std::string> args = {kCli, "run", image, "--ops", "100000000", "--seed",
                                     seed_text, "--ack-log", acks};
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, kCli.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    return rc == 0 ? pid : -1;
}

TEST(Kill, EveryAcknowledgedWriteSurvivesSigkillAtRandomMoments) {
    testing::TempDir dir;
    ASSERT_TRUE(dir.ok());
    const std::string image = dir.file("cache.img");
    const std::string acks = dir.file("acks.log");
    const std::string log = dir.file("run.log");
    auto f = testing::run_command(kCli + " format " + q(image) + " --size 40M -b 32K -w 4K");
    ASSERT_EQ(f.status, 0) << f.output;

    uint64_t rng = 0x6b696c6cull;
    int by_acks = 0, by_time = 0;
    for (int kill = 0; kill < kKills; ++kill) {
        SCOPED_TRACE("kill " + std::to_string(kill));
        const uint64_t before = lines_in(acks);
        const bool on_acks = splitmix64_next(rng) % 3 != 0;
        const uint64_t want = 5 + splitmix64_next(rng) % 60;
        const auto delay = std::chrono::milliseconds(splitmix64_next(rng) % 120);
        const pid_t pid = spawn_run(image, acks, 1000 + kill, log);
        ASSERT_GT(pid, 0);
        const auto t0 = std::chrono::steady_clock::now();
        int status = 0;
        bool exited = false;
        for (;;) {
            if (waitpid(pid, &status, WNOHANG) == pid) {
                exited = true;
                break;
            }
            const auto waited = std::chrono::steady_clock::now() - t0;
            if (on_acks ? lines_in(acks) >= before + want : waited >= delay)
                break;
            if (waited > std::chrono::seconds(60))
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        ASSERT_FALSE(exited) << "run ended by itself:\n" << slurp_text(log);
        ASSERT_EQ(::kill(pid, SIGKILL), 0);
        ASSERT_EQ(waitpid(pid, &status, 0), pid);
        ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        (on_acks ? by_acks : by_time)++;

        auto c = testing::run_command(kCli + " check " + q(image) + " --ack-log " + q(acks));
        ASSERT_EQ(c.status, 0) << c.output << "\nlast runs:\n" << slurp_text(log);
    }
    EXPECT_GT(lines_in(acks), 50u) << "the runs acknowledged writes";
    EXPECT_GT(by_acks, 0);
    EXPECT_GT(by_time, 0);
}

} // namespace
} // namespace bucketscope
