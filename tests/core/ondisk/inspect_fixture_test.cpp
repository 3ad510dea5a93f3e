// inspect against the kernel's own re-read view of every fixture image (acceptance.md):
// priority_stats from sysfs-reload.txt within the stated tolerances, every key of
// debugfs-reload.txt against its bucket's gen, sectors and mark, the superblock against
// bcache-super-show, and the image bytes unchanged. Fixtures are discovered, not listed.

#include "core/inspect/inspect.h"
#include "core/device/open_device.h"
#include "fixture_util.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

namespace bucketscope::inspect {
namespace {

namespace fs = std::filesystem;

struct KernelStats {
    int unused = -1, clean = -1, dirty = -1, metadata = -1;
    long average = -1, sectors_per_q = -1;
    std::vector<long> quantiles;
};

// The "== cache0/priority_stats" section of a sysfs dump.
std::optional<KernelStats> read_kernel_stats(const fs::path& p) {
    std::ifstream f(p);
    std::string line;
    bool in = false;
    KernelStats k;
    while (std::getline(f, line)) {
        if (line.rfind("== ", 0) == 0) {
            if (in)
                break;
            in = line == "== cache0/priority_stats";
            continue;
        }
        if (!in)
            continue;
        const auto colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        const std::string key = line.substr(0, colon);
        std::string val = line.substr(colon + 1);
        if (key == "Quantiles") {
            std::istringstream q(val.substr(val.find('[') + 1));
            long v;
            while (q >> v)
                k.quantiles.push_back(v);
            continue;
        }
        const long v = std::stol(val);
        if (key == "Unused") k.unused = static_cast<int>(v);
        else if (key == "Clean") k.clean = static_cast<int>(v);
        else if (key == "Dirty") k.dirty = static_cast<int>(v);
        else if (key == "Metadata") k.metadata = static_cast<int>(v);
        else if (key == "Average") k.average = v;
        else if (key == "Sectors per Q") k.sectors_per_q = v;
    }
    if (!in && k.unused < 0)
        return std::nullopt;
    return k;
}

struct DebugKey {
    uint64_t size, offset;
    unsigned gen;
    bool dirty;
};

// "INODE:START len LEN -> [DEV:OFFSET gen GEN] dirty" lines.
std::vector<DebugKey> read_debugfs(const fs::path& p) {
    std::vector<DebugKey> keys;
    std::ifstream f(p);
    std::string line;
    while (std::getline(f, line)) {
        unsigned long long inode, start, len, dev, off;
        unsigned gen;
        if (std::sscanf(line.c_str(), "%llu:%llu len %llu -> [%llu:%llu gen %u]", &inode, &start,
                        &len, &dev, &off, &gen) != 6)
            continue;
        keys.push_back({len, off, gen, line.find("] dirty") != std::string::npos});
    }
    return keys;
}

InspectReport run(const fs::path& img, Profile profile = Profile::v6_2) {
    auto dev = open_device(img.string(), OpenMode::read_only).device;
    EXPECT_TRUE(dev);
    InspectOptions opt;
    opt.profile = profile;
    auto r = inspect_cache(*dev, opt);
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? r.value() : InspectReport{};
}

TEST(InspectFixtures, PriorityStatsMatchTheKernelWithinTolerance) {
    for (const auto& name : testutil::fixture_names()) {
        const fs::path truth = testutil::fixture_dir() / (name + ".truth") / "sysfs-reload.txt";
        if (!fs::exists(truth))
            continue;
        SCOPED_TRACE(name);
        const auto k = read_kernel_stats(truth);
        ASSERT_TRUE(k);
        ASSERT_EQ(k->quantiles.size(), 31u);
        const InspectReport r = run(testutil::fixture_image(name));
        ASSERT_FALSE(r.never_registered);
        const PriorityStats& s = r.stats;
        EXPECT_NEAR(static_cast<double>(s.unused), k->unused, 1);
        EXPECT_NEAR(static_cast<double>(s.clean), k->clean, 1);
        EXPECT_NEAR(static_cast<double>(s.dirty), k->dirty, 1);
        EXPECT_NEAR(static_cast<double>(s.metadata), k->metadata, 1);
        const double avg_tol = std::max(3.0, 0.05 * static_cast<double>(k->average));
        EXPECT_NEAR(static_cast<double>(s.average), static_cast<double>(k->average), avg_tol);
        const double q_tol = std::max(0.05 * static_cast<double>(k->sectors_per_q),
                                      2.0 * static_cast<double>(r.sb.bucket_sectors()));
        EXPECT_NEAR(static_cast<double>(s.sectors_per_q), static_cast<double>(k->sectors_per_q), q_tol);
        for (size_t i = 0; i < 31; ++i) {
            long lo = k->quantiles[i], hi = k->quantiles[i];
            for (size_t j = i >= 2 ? i - 2 : 0; j <= std::min<size_t>(i + 2, 30); ++j) {
                lo = std::min(lo, k->quantiles[j]);
                hi = std::max(hi, k->quantiles[j]);
            }
            EXPECT_GE(s.quantiles[i], lo - 3) << "quantile " << i;
            EXPECT_LE(s.quantiles[i], hi + 3) << "quantile " << i;
        }
    }
}

TEST(InspectFixtures, EveryKernelKeyAgreesWithItsBucket) {
    for (const auto& name : testutil::fixture_names()) {
        const fs::path truth = testutil::fixture_dir() / (name + ".truth") / "debugfs-reload.txt";
        if (!fs::exists(truth))
            continue;
        SCOPED_TRACE(name);
        const InspectReport r = run(testutil::fixture_image(name));
        ASSERT_EQ(r.buckets.size(), r.sb.nbuckets);
        const uint64_t bs = r.sb.bucket_sectors();
        std::map<uint64_t, uint64_t> sectors;
        std::map<uint64_t, bool> dirty;
        const auto keys = read_debugfs(truth);
        ASSERT_FALSE(keys.empty());
        for (const DebugKey& k : keys) {
            const uint64_t b = k.offset / bs;
            ASSERT_LT(b, r.buckets.size());
            EXPECT_EQ(r.buckets[b].gen, k.gen) << "bucket " << b;
            sectors[b] += k.size;
            dirty[b] = dirty[b] || k.dirty;
        }
        for (const auto& [b, n] : sectors) {
            const BucketState& s = r.buckets[b];
            EXPECT_EQ(s.sectors_used, std::min<uint64_t>(n, MAX_GC_SECTORS_USED)) << "bucket " << b;
            EXPECT_EQ(s.mark, dirty[b] ? Mark::dirty : Mark::reclaimable) << "bucket " << b;
        }
    }
}

TEST(InspectFixtures, NeverRegisteredImagesAreAllUnused) {
    for (const auto& name : testutil::fixture_names()) {
        const fs::path img = testutil::fixture_image(name);
        auto sb_truth = testutil::read_super_show(testutil::fixture_dir() / (name + ".truth") / "superblock.txt");
        if (sb_truth["dev.cache.ordered"] != "no")
            continue;
        SCOPED_TRACE(name);
        const InspectReport r = run(img);
        EXPECT_TRUE(r.never_registered);
        for (const BucketState& b : r.buckets) {
            EXPECT_EQ(b.mark, Mark::unused);
            EXPECT_EQ(b.sectors_used, 0);
            EXPECT_EQ(b.gen, 0);
        }
        EXPECT_EQ(r.stats.clean + r.stats.dirty + r.stats.metadata, 0u);
        EXPECT_EQ(r.stats.unused_count, r.sb.nbuckets - r.sb.first_bucket);
    }
}

TEST(InspectFixtures, ImageBytesAreUnchanged) {
    for (const auto& name : testutil::fixture_names()) {
        SCOPED_TRACE(name);
        const fs::path img = testutil::fixture_image(name);
        const uint64_t before = testutil::file_crc(img);
        const auto mtime = fs::last_write_time(img);
        run(img);
        run(img, Profile::v4_6);
        EXPECT_EQ(testutil::file_crc(img), before);
        EXPECT_EQ(fs::last_write_time(img), mtime);
    }
}

TEST(InspectFixtures, V4ProfileCountsUnusedByPrioZero) {
    for (const auto& name : testutil::fixture_names()) {
        SCOPED_TRACE(name);
        const InspectReport r = run(testutil::fixture_image(name), Profile::v4_6);
        uint64_t zero = 0;
        for (uint64_t i = r.sb.first_bucket; i < r.buckets.size(); ++i)
            zero += r.buckets[i].prio == 0;
        // The kernel's trimmed count also includes the superblock-area entries it sorts as 0.
        EXPECT_EQ(r.stats.unused_count, zero + r.sb.first_bucket);
    }
}

} // namespace
} // namespace bucketscope::inspect
