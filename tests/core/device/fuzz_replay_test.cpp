// Replays the fuzz corpus through every fuzz target's entry point in the ordinary build:
// the committed seeds (fuzz/corpus/<target>/), every input a fuzzer ever crashed on
// (fuzz/regressions/<target>/), and deterministic damage of each seed (every truncation
// on a 61-byte stride, each byte flipped on a 97-byte stride). A parser that crashes,
// trips a sanitizer or hangs fails here without clang or libFuzzer.

#include "tests/core/device/temp_dir.h"

#include <cstdint>
#include <filesystem>
#include <gtest/gtest.h>
#include <vector>

extern "C" {
int bucketscope_fuzz_superblock(const uint8_t* data, size_t size);
int bucketscope_fuzz_prio_set(const uint8_t* data, size_t size);
int bucketscope_fuzz_jset(const uint8_t* data, size_t size);
int bucketscope_fuzz_btree_node(const uint8_t* data, size_t size);
int bucketscope_fuzz_bkey(const uint8_t* data, size_t size);
int bucketscope_fuzz_uuid_entry(const uint8_t* data, size_t size);
int bucketscope_fuzz_inspect(const uint8_t* data, size_t size);
}

namespace bucketscope {
namespace {

namespace fs = std::filesystem;

struct Target {
    const char* name;
    int (*run)(const uint8_t*, size_t);
};

const Target kTargets[] = {
    {"superblock", bucketscope_fuzz_superblock},
    {"prio_set", bucketscope_fuzz_prio_set},
    {"jset", bucketscope_fuzz_jset},
    {"btree_node", bucketscope_fuzz_btree_node},
    {"bkey", bucketscope_fuzz_bkey},
    {"uuid_entry", bucketscope_fuzz_uuid_entry},
    {"inspect", bucketscope_fuzz_inspect},
};

std::vector<fs::path> inputs(const std::string& kind, const std::string& target) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fs::path(BUCKETSCOPE_FUZZ_DIR) / kind / target, ec))
        if (e.is_regular_file())
            files.push_back(e.path());
    return files;
}

std::vector<uint8_t> load(const fs::path& p) {
    auto bytes = testing::slurp(p.string());
    return {bytes.begin(), bytes.end()};
}

class FuzzReplay : public ::testing::TestWithParam<Target> {};

TEST_P(FuzzReplay, SeedsAndRegressionsRunClean) {
    auto seeds = inputs("corpus", GetParam().name);
    EXPECT_FALSE(seeds.empty()) << "no seeds in fuzz/corpus/" << GetParam().name;
    for (const auto& kind : {"corpus", "regressions"})
        for (const auto& file : inputs(kind, GetParam().name)) {
            SCOPED_TRACE(file.string());
            auto data = load(file);
            GetParam().run(data.data(), data.size());
        }
}

TEST_P(FuzzReplay, TruncatedAndFlippedSeedsRunClean) {
    for (const auto& file : inputs("corpus", GetParam().name)) {
        SCOPED_TRACE(file.string());
        auto data = load(file);
        for (size_t n = 0; n < data.size(); n += 61)
            GetParam().run(data.data(), n);
        for (size_t i = 0; i < data.size(); i += 97) {
            auto damaged = data;
            damaged[i] ^= 0xff;
            GetParam().run(damaged.data(), damaged.size());
        }
    }
}

std::string target_name(const ::testing::TestParamInfo<Target>& param) {
    return param.param.name;
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplay, ::testing::ValuesIn(kTargets), target_name);

} // namespace
} // namespace bucketscope
