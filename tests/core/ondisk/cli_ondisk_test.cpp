// The CLI against the fixtures: `super` prints exactly what bcache-super-show printed
// (superblock.txt), `super --json` carries the same values under the same names, and
// `inspect --json --buckets` has the documented shape with the kernel's text of
// priority_stats in the plain output.

#include "fixture_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sys/wait.h>

namespace bucketscope {
namespace {

namespace fs = std::filesystem;

std::string run(const std::string& args, int& status) {
    std::string out;
    FILE* p = popen((std::string(BUCKETSCOPE_CLI) + " " + args + " 2>/dev/null").c_str(), "r");
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    const int st = pclose(p);
    status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
    return out;
}

std::string slurp(const fs::path& p) {
    std::ifstream f(p);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

TEST(CliOndisk, SuperPrintsWhatBcacheSuperShowPrinted) {
    for (const auto& name : testutil::fixture_names()) {
        SCOPED_TRACE(name);
        const fs::path truth = testutil::fixture_dir() / (name + ".truth");
        int st = 0;
        EXPECT_EQ(run("super " + testutil::fixture_image(name).string(), st), slurp(truth / "superblock.txt"));
        EXPECT_EQ(st, 0);
        const auto j = nlohmann::json::parse(run("super --json " + testutil::fixture_image(name).string(), st));
        for (const auto& [key, value] : testutil::read_super_show(truth / "superblock.txt")) {
            if (!j.contains(key))
                continue; // sb.magic etc. carry their verdict in the text only
            const std::string shown = j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
            EXPECT_EQ(value.substr(0, value.find(" [")), shown == "" ? "(empty)" : shown) << key;
        }
    }
}

TEST(CliOndisk, InspectJsonShape) {
    for (const auto& name : testutil::fixture_names()) {
        SCOPED_TRACE(name);
        int st = 0;
        const auto j = nlohmann::json::parse(
            run("inspect --json --buckets " + testutil::fixture_image(name).string(), st));
        ASSERT_EQ(st, 0);
        const auto& ps = j.at("priority_stats");
        for (const char* k : {"unused", "clean", "dirty", "metadata", "average", "sectors_per_q"})
            EXPECT_TRUE(ps.at(k).is_number_unsigned()) << k;
        EXPECT_EQ(ps.at("quantiles").size(), 31u);
        const auto& buckets = j.at("buckets");
        ASSERT_EQ(buckets.size(), j.at("superblock").at("nbuckets").get<uint64_t>());
        for (size_t i = 0; i < buckets.size(); ++i) {
            const auto& b = buckets[i];
            ASSERT_EQ(b.at("bucket").get<size_t>(), i);
            const std::string m = b.at("mark");
            EXPECT_TRUE(m == "unused" || m == "reclaimable" || m == "dirty" || m == "metadata") << m;
            EXPECT_LE(b.at("sectors_used").get<uint64_t>(), 8191u);
            EXPECT_LE(b.at("gen").get<uint64_t>(), 255u);
            EXPECT_LE(b.at("prio").get<uint64_t>(), 65535u);
        }
        EXPECT_FALSE(nlohmann::json::parse(run("inspect --json " + testutil::fixture_image(name).string(), st))
                         .contains("buckets"));
    }
}

TEST(CliOndisk, InspectTextCarriesThePriorityStatsVerbatim) {
    for (const auto& name : testutil::fixture_names()) {
        const fs::path truth = testutil::fixture_dir() / (name + ".truth") / "sysfs-reload.txt";
        if (!fs::exists(truth))
            continue;
        SCOPED_TRACE(name);
        int st = 0;
        const std::string out = run("inspect " + testutil::fixture_image(name).string(), st);
        EXPECT_EQ(st, 0);
        // Same lines, same tabs; the numbers are compared within tolerance elsewhere.
        for (const char* head : {"\nUnused:\t\t", "\nClean:\t\t", "\nDirty:\t\t", "\nMetadata:\t",
                                 "\nAverage:\t", "\nSectors per Q:\t", "\nQuantiles:\t["})
            EXPECT_NE(out.find(head), std::string::npos) << head;
        run("inspect --profile v5.0 " + testutil::fixture_image(name).string(), st);
        EXPECT_NE(st, 0); // an unknown kernel profile is refused
    }
}

} // namespace
} // namespace bucketscope
