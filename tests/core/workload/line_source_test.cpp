// LineSource against what was written: lines and fixed-size records that straddle its
// read chunks, the longest line it accepts and the first it refuses, plain and zstd.
#include "core/workload/line_source.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <unistd.h>
#include <vector>
#include <zstd.h>

namespace bucketscope::workload {
namespace {

namespace fs = std::filesystem;

class LineSourceTest : public ::testing::TestWithParam<bool> {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("bucketscope-lines-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    // The file holds `bytes`, zstd-compressed when the test's parameter says so.
    std::string write(const std::string& bytes) {
        std::string out = bytes;
        if (GetParam()) {
            out.resize(ZSTD_compressBound(bytes.size()));
            const size_t n = ZSTD_compress(out.data(), out.size(), bytes.data(), bytes.size(), 3);
            EXPECT_FALSE(ZSTD_isError(n));
            out.resize(n);
        }
        const auto p = (dir_ / (GetParam() ? "t.zst" : "t")).string();
        std::ofstream(p, std::ios::binary) << out;
        return p;
    }

    fs::path dir_;
};

// Lengths 0..4999 in a fixed pseudo-random order: about 2.5 MB, so lines cross many chunks.
std::vector<std::string> some_lines() {
    std::vector<std::string> lines;
    uint32_t x = 12345;
    for (int i = 0; i < 1000; ++i) {
        x = x * 1103515245u + 12345u;
        lines.emplace_back((x >> 8) % 5000, char('a' + i % 26));
    }
    return lines;
}

TEST_P(LineSourceTest, LinesComeBackAsWrittenAcrossChunks) {
    const auto lines = some_lines();
    std::string text;
    for (size_t i = 0; i < lines.size(); ++i)
        text += lines[i] + (i % 3 ? "\n" : "\r\n");
    text += "last line without newline";
    LineSource src(write(text));
    std::string line;
    for (size_t i = 0; i < lines.size(); ++i) {
        ASSERT_TRUE(src.getline(line)) << i;
        ASSERT_EQ(line, lines[i]) << "line " << i + 1;
        EXPECT_EQ(src.line_number(), i + 1);
    }
    ASSERT_TRUE(src.getline(line));
    EXPECT_EQ(line, "last line without newline");
    EXPECT_FALSE(src.getline(line));
    EXPECT_EQ(src.consumed(), src.total());
}

TEST_P(LineSourceTest, RecordsStraddlingChunksAreWholeAndTheTailIsShort) {
    constexpr size_t kRecord = 24, kRecords = 50'000;
    std::string bytes(kRecord * kRecords + 7, '\0');
    for (size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = char(i * 131 % 251);
    LineSource src(write(bytes));
    for (size_t r = 0; r < kRecords; ++r) {
        size_t got = 0;
        const std::byte* p = src.take(kRecord, got);
        ASSERT_EQ(got, kRecord) << "record " << r;
        ASSERT_EQ(std::memcmp(p, bytes.data() + r * kRecord, kRecord), 0) << "record " << r;
    }
    std::byte tail[kRecord];
    EXPECT_EQ(src.read(tail), 7u);
    EXPECT_EQ(std::memcmp(tail, bytes.data() + kRecord * kRecords, 7), 0);
    size_t got = 1;
    src.take(kRecord, got);
    EXPECT_EQ(got, 0u);
}

TEST_P(LineSourceTest, TheLongestLineIsKMaxLineAndOneMoreIsAnError) {
    const std::string longest(LineSource::kMaxLine, 'x');
    {
        LineSource src(write("short\n" + longest + "\nafter\n"));
        std::string line;
        ASSERT_TRUE(src.getline(line));
        ASSERT_TRUE(src.getline(line));
        EXPECT_EQ(line.size(), LineSource::kMaxLine);
        ASSERT_TRUE(src.getline(line));
        EXPECT_EQ(line, "after");
    }
    const auto path = write("short\n" + longest + "y\nafter\n");
    LineSource src(path);
    std::string line;
    ASSERT_TRUE(src.getline(line));
    try {
        src.getline(line);
        FAIL() << "a line of kMaxLine + 1 bytes was accepted";
    } catch (const TraceError& e) {
        EXPECT_NE(std::string(e.what()).find(path + ":2: line longer than"), std::string::npos)
            << e.what();
    }
}

TEST_P(LineSourceTest, AnEmptyFileHasNoLines) {
    LineSource src(write(""));
    std::string line;
    EXPECT_FALSE(src.getline(line));
    size_t got = 1;
    src.take(24, got);
    EXPECT_EQ(got, 0u);
}

INSTANTIATE_TEST_SUITE_P(PlainAndZstd, LineSourceTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) {
                             return p.param ? "zstd" : "plain";
                         });

} // namespace
} // namespace bucketscope::workload
