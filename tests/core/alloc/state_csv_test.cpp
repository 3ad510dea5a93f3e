// Bucket state CSV: round trip, sparse files and every error path.
#include "core/alloc/state_csv.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace bucketscope {
namespace {

std::vector<Bucket> parse_ok(const std::string& text) {
    std::vector<Bucket> out;
    std::string error;
    EXPECT_TRUE(parse_bucket_state_csv(text, "s.csv", out, error)) << error;
    return out;
}

std::string parse_error(const std::string& text) {
    std::vector<Bucket> out;
    std::string error;
    EXPECT_FALSE(parse_bucket_state_csv(text, "s.csv", out, error)) << text;
    return error;
}

const std::string kHeader = "bucket,gen,prio,mark,sectors_used,pin\n";

TEST(StateCsv, ParsesRowsAndZeroesUnlistedBuckets) {
    const auto b = parse_ok(kHeader + "3,7,32768,reclaimable,512,0\n"
                                      "1,255,65535,metadata,8191,2\n"
                                      "5,0,0,dirty,0,0\n");
    ASSERT_EQ(b.size(), 6u); // largest bucket + 1
    EXPECT_EQ(b[3].gen, 7);
    EXPECT_EQ(b[3].last_gc, 7); // last_gc = gen, as after a prio read
    EXPECT_EQ(b[3].prio, 32768);
    EXPECT_EQ(b[3].mark(), GcMark::Reclaimable);
    EXPECT_EQ(b[3].sectors_used(), 512);
    EXPECT_EQ(b[1].gen, 255);
    EXPECT_EQ(b[1].mark(), GcMark::Metadata);
    EXPECT_EQ(b[1].sectors_used(), 8191);
    EXPECT_EQ(b[1].pin, 2);
    EXPECT_EQ(b[5].mark(), GcMark::Dirty);
    for (size_t i : {0u, 2u, 4u}) {
        EXPECT_EQ(b[i].gen, 0);
        EXPECT_EQ(b[i].prio, 0);
        EXPECT_EQ(b[i].gc_mark, 0);
        EXPECT_EQ(b[i].pin, 0);
    }
}

TEST(StateCsv, AcceptsCrlfSpacesBlankLinesAndABom) {
    const auto b = parse_ok("\xEF\xBB\xBF" "bucket,gen,prio,mark,sectors_used,pin\r\n"
                            "\r\n 2 , 1 ,100, unused ,0,0\r\n\n");
    ASSERT_EQ(b.size(), 3u);
    EXPECT_EQ(b[2].prio, 100);
}

TEST(StateCsv, HeaderOnlyIsAnEmptyCache) {
    EXPECT_TRUE(parse_ok(kHeader).empty());
}

TEST(StateCsv, RoundTripsThroughAFile) {
    std::vector<Bucket> in(2000);
    for (size_t i = 0; i < in.size(); i += 3) {
        in[i].gen = static_cast<uint8_t>(i * 7);
        in[i].last_gc = in[i].gen;
        in[i].prio = static_cast<uint16_t>(i * 33);
        in[i].set_mark(static_cast<GcMark>(i % 4));
        in[i].set_sectors_used(static_cast<uint32_t>(i % 8192));
        in[i].pin = static_cast<int32_t>(i % 5);
    }
    const std::string path = ::testing::TempDir() + "state_csv_roundtrip.csv";
    std::string error;
    ASSERT_TRUE(save_bucket_state_csv(path, in, error)) << error;
    std::vector<Bucket> out;
    ASSERT_TRUE(load_bucket_state_csv(path, out, error)) << error;
    ASSERT_EQ(out.size(), in.size()); // the all-zero last bucket is still written
    for (size_t i = 0; i < in.size(); ++i) {
        EXPECT_EQ(out[i].gen, in[i].gen) << i;
        EXPECT_EQ(out[i].last_gc, in[i].gen) << i;
        EXPECT_EQ(out[i].prio, in[i].prio) << i;
        EXPECT_EQ(out[i].gc_mark, in[i].gc_mark) << i;
        EXPECT_EQ(out[i].pin, in[i].pin) << i;
    }
    std::remove(path.c_str());
}

TEST(StateCsv, FormatSkipsAllZeroBucketsButTheLast) {
    std::vector<Bucket> b(4);
    b[1].prio = 9;
    EXPECT_EQ(format_bucket_state_csv(b), kHeader + "1,0,9,unused,0,0\n3,0,0,unused,0,0\n");
}

TEST(StateCsvErrors, NameFileLineAndField) {
    struct Case {
        std::string row;
        std::string expect; // substring of the error
    };
    const Case cases[] = {
        {"1,256,0,unused,0,0", "s.csv:2: field 'gen': expected an integer from 0 to 255, got '256'"},
        {"1,0,65536,unused,0,0", "s.csv:2: field 'prio': expected an integer from 0 to 65535"},
        {"1,0,0,unused,8192,0", "s.csv:2: field 'sectors_used': expected an integer from 0 to 8191"},
        {"1,0,0,unused,0,-1", "s.csv:2: field 'pin': expected a non-negative integer"},
        {"1,0,0,unused,0,2147483648", "s.csv:2: field 'pin'"},
        {"x,0,0,unused,0,0", "s.csv:2: field 'bucket': expected an integer"},
        {"-3,0,0,unused,0,0", "s.csv:2: field 'bucket'"},
        {"99999999999999999999999,0,0,unused,0,0", "s.csv:2: field 'bucket'"},
        {"67108864,0,0,unused,0,0", "s.csv:2: field 'bucket': expected an integer from 0 to 67108863"},
        {"1,0x1,0,unused,0,0", "s.csv:2: field 'gen'"},
        {"1,+1,0,unused,0,0", "s.csv:2: field 'gen'"},
        {"1,,0,unused,0,0", "s.csv:2: field 'gen'"},
        {"1,1.5,0,unused,0,0", "s.csv:2: field 'gen'"},
        {"1,0,0,free,0,0", "s.csv:2: field 'mark': expected unused, reclaimable, dirty or metadata, got 'free'"},
        {"1,0,0,UNUSED,0,0", "s.csv:2: field 'mark'"},
        {"1,0,0,unused,0", "s.csv:2: expected 6 fields (bucket,gen,prio,mark,sectors_used,pin), got 5"},
        {"1,0,0,unused,0,0,7", "s.csv:2: expected 6 fields"},
        {"1", "got 1"},
    };
    for (const Case& c : cases) {
        const std::string error = parse_error(kHeader + c.row + "\n");
        EXPECT_NE(error.find(c.expect), std::string::npos) << c.row << " -> " << error;
    }
}

TEST(StateCsvErrors, DuplicateBucketNamesBothLines) {
    const std::string error =
        parse_error(kHeader + "4,0,0,unused,0,0\n5,0,0,unused,0,0\n4,1,0,unused,0,0\n");
    EXPECT_EQ(error, "s.csv:4: field 'bucket': bucket 4 is already listed on line 2");
}

TEST(StateCsvErrors, HeaderMustComeFirstAndMatch) {
    EXPECT_EQ(parse_error(""), "s.csv: empty, expected the header "
                               "'bucket,gen,prio,mark,sectors_used,pin'");
    EXPECT_NE(parse_error("bucket,gen,prio,mark,sectors,pin\n1,0,0,unused,0,0\n")
                  .find("s.csv:1: expected the header"),
              std::string::npos);
    EXPECT_NE(parse_error("1,0,0,unused,0,0\n").find("s.csv:1: expected the header"),
              std::string::npos);
}

TEST(StateCsvErrors, MissingFileAndUnwritablePath) {
    std::vector<Bucket> out;
    std::string error;
    EXPECT_FALSE(load_bucket_state_csv("/nonexistent/dir/state.csv", out, error));
    EXPECT_EQ(error, "/nonexistent/dir/state.csv: cannot open: No such file or directory");
    EXPECT_FALSE(save_bucket_state_csv("/nonexistent/dir/state.csv", out, error));
    EXPECT_NE(error.find("/nonexistent/dir/state.csv: cannot create"), std::string::npos);
}

} // namespace
} // namespace bucketscope
