// The text forms of trace reader options (core/workload/trace_options.h), shared by the
// CLI and the workbench: what each accepts and refuses, and that a session's JSON keeps
// exactly the options of the format it names.
#include "core/workload/trace_options.h"

#include <gtest/gtest.h>

namespace bucketscope::workload {
namespace {

TEST(TraceOptionText, DelimitersByNameOrCharacter) {
    char d = 0;
    for (const auto& [text, want] :
         {std::pair{"tab", '\t'}, std::pair{"\\t", '\t'}, std::pair{"space", ' '},
          std::pair{";", ';'}, std::pair{",", ','}, std::pair{"|", '|'}}) {
        ASSERT_TRUE(parse_csv_delimiter(text, d)) << text;
        EXPECT_EQ(d, want) << text;
        char back = 0;
        ASSERT_TRUE(parse_csv_delimiter(csv_delimiter_name(d), back)) << text;
        EXPECT_EQ(back, want) << text;
    }
    d = 'x';
    for (const char* bad : {"", "ab", "\n", "comma"}) {
        EXPECT_FALSE(parse_csv_delimiter(bad, d)) << bad;
        EXPECT_EQ(d, 'x') << "a refused text leaves the delimiter as it was";
    }
}

TEST(TraceOptionText, TimeUnits) {
    double ns = 0;
    for (const auto& [text, want] :
         {std::pair{"s", 1e9}, std::pair{"ms", 1e6}, std::pair{"us", 1e3}, std::pair{"ns", 1.0}}) {
        ASSERT_TRUE(parse_time_unit(text, ns)) << text;
        EXPECT_EQ(ns, want);
        EXPECT_STREQ(time_unit_name(ns), text);
    }
    EXPECT_FALSE(parse_time_unit("h", ns));
    EXPECT_FALSE(parse_time_unit("S", ns));
}

TEST(TraceOptionText, JsonKeepsTheOptionsOfItsFormatOnly) {
    TraceOptions o;
    o.format = TraceFormat::Csv;
    o.csv = CsvColumns{2, 3, 0, 1, '\t', false, false, 1e6};
    o.default_object_size = 4096;
    const auto csv = trace_options_json(o);
    EXPECT_EQ(csv["format"], "csv");
    EXPECT_EQ(csv["csv"]["time_col"], 2);
    EXPECT_EQ(csv["csv"]["op_col"], 1);
    EXPECT_EQ(csv["csv"]["delimiter"], "tab");
    EXPECT_EQ(csv["csv"]["ids_are_numbers"], false);
    EXPECT_EQ(csv["csv"]["header"], false);
    EXPECT_EQ(csv["csv"]["time_unit"], "ms");
    EXPECT_EQ(csv["object_size"], 4096);
    EXPECT_FALSE(csv.contains("blkparse_action"));

    o.format = TraceFormat::Blkparse;
    o.blkparse_action = 'D';
    const auto blk = trace_options_json(o);
    EXPECT_EQ(blk["blkparse_action"], "D");
    EXPECT_FALSE(blk.contains("csv"));
    EXPECT_FALSE(blk.contains("object_size"));

    o.format = TraceFormat::Oracle;
    EXPECT_EQ(trace_options_json(o)["object_size"], 4096);
    o.format = TraceFormat::Fio;
    o.skip_bad = true;
    const auto fio = trace_options_json(o);
    EXPECT_EQ(fio.size(), 2u) << fio.dump();
    EXPECT_EQ(fio["skip_bad"], true);
}

} // namespace
} // namespace bucketscope::workload
