// inspect on a synthetic image with known bucket states, and on damaged copies of it and
// of the kernel fixtures: every inconsistency gives a ParseError naming the structure
// (or a well-defined result where the kernel would carry on), never a crash or a hang;
// the CLI exits 1..127 with the message on stderr.

#include "core/inspect/inspect.h"
#include "core/device/open_device.h"
#include "core/ondisk/bset.h"
#include "core/ondisk/le.h"
#include "fixture_util.h"
#include "synthetic_image.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <sys/wait.h>

namespace bucketscope::inspect {
namespace {

namespace fs = std::filesystem;
using testutil::SyntheticImage;

fs::path scratch(const std::string& tag) {
    return fs::temp_directory_path() / ("bucketscope-damage-" + std::to_string(getpid()) + "-" + tag + ".img");
}

struct ScratchFile {
    fs::path path;
    explicit ScratchFile(const std::string& tag) : path(scratch(tag)) {}
    ~ScratchFile() {
        std::error_code ec;
        fs::remove(path, ec);
    }
};

ondisk::Result<InspectReport> inspect_path(const fs::path& p, bool seed = false) {
    auto opened = open_device(p.string(), OpenMode::read_only);
    if (!opened)
        return ondisk::ParseError{"device", 0, opened.status.message};
    auto& dev = opened.device;
    InspectOptions opt;
    opt.seed_reserves = seed;
    return inspect_cache(*dev, opt);
}

TEST(InspectSynthetic, EveryBucketAsBuilt) {
    ScratchFile f("good");
    SyntheticImage img;
    img.write(f.path);
    auto r = inspect_path(f.path);
    ASSERT_TRUE(r) << r.error().to_string();
    const auto& b = r.value().buckets;
    ASSERT_EQ(b.size(), SyntheticImage::kNbuckets);
    // Leaf A: the newer clean extent cut the dirty one to its front half.
    EXPECT_EQ(b[100].mark, Mark::dirty);
    EXPECT_EQ(b[100].sectors_used, 8);
    EXPECT_EQ(b[101].mark, Mark::reclaimable);
    EXPECT_EQ(b[101].sectors_used, 8);
    // Leaf B: the gen-1 pointer into gen-2 bucket 102 is stale.
    EXPECT_EQ(b[102].mark, Mark::unused);
    EXPECT_EQ(b[102].sectors_used, 0);
    EXPECT_EQ(b[102].stale_ptrs, 1u);
    EXPECT_EQ(b[102].gen, 2);
    EXPECT_EQ(b[103].mark, Mark::reclaimable);
    // The journalled key is replayed.
    EXPECT_EQ(b[104].mark, Mark::dirty);
    EXPECT_EQ(b[104].sectors_used, 8);
    // Nodes: root marked once by its own key, children by the parent's key and their own.
    EXPECT_EQ(b[SyntheticImage::kRoot].mark, Mark::metadata);
    EXPECT_EQ(b[SyntheticImage::kRoot].sectors_used, 8);
    EXPECT_EQ(b[SyntheticImage::kLeafA].sectors_used, 16);
    EXPECT_EQ(b[SyntheticImage::kLeafB].prio, BTREE_PRIO);
    // gc_finish marks: journal, prio and uuid buckets, without sectors.
    for (uint64_t m : {uint64_t{3}, uint64_t{4}, uint64_t{10}, uint64_t{11}, uint64_t{12}, SyntheticImage::kUuid}) {
        EXPECT_EQ(b[m].mark, Mark::metadata) << m;
        EXPECT_EQ(b[m].sectors_used, 0) << m;
    }
    EXPECT_EQ(b[13].mark, Mark::unused); // the last prio bucket's next_bucket is not followed
    EXPECT_EQ(r.value().prio_chain, (std::vector<uint64_t>{10, 11, 12}));
    EXPECT_EQ(r.value().totals.journal_seq, 5u);
    EXPECT_EQ(r.value().totals.flash_volumes, 1u);
    EXPECT_EQ(r.value().totals.btree.nodes, 3u);
    const PriorityStats& s = r.value().stats;
    EXPECT_EQ(s.dirty_count, 2u);
    EXPECT_EQ(s.clean_count, 2u);
    EXPECT_EQ(s.metadata_count, 9u);
    EXPECT_EQ(s.unused_count, SyntheticImage::kNbuckets - 3 - 7);
}

TEST(InspectSynthetic, ReserveSeedingTakesTheFirstFreeBuckets) {
    ScratchFile f("seed");
    SyntheticImage img;
    img.write(f.path);
    auto r = inspect_path(f.path, true);
    ASSERT_TRUE(r) << r.error().to_string();
    const auto& b = r.value().buckets;
    // RESERVE_PRIO holds 3 (exact), RESERVE_BTREE init_fifo(2) = 2: buckets 5..9.
    for (uint64_t i = 5; i <= 9; ++i) {
        EXPECT_EQ(b[i].gen, 1) << i;
        EXPECT_EQ(b[i].prio, INITIAL_PRIO) << i;
    }
    EXPECT_EQ(b[14].gen, 0);
}

struct Case {
    const char* name;
    std::function<void(SyntheticImage&)> damage;
    const char* structure; // expected ParseError structure, or nullptr for "a result"
    const char* message;
};

TEST(InspectSynthetic, DamagedStructuresAreReported) {
    using ondisk::Bkey;
    const Case cases[] = {
        {"prio loop", [](SyntheticImage& s) { s.prio_next = {11, 10, 13}; }, "prio_set", "loops back"},
        {"prio next beyond device", [](SyntheticImage& s) { s.prio_next[0] = 999999; }, "prio_set", "outside"},
        {"prio next in sb area", [](SyntheticImage& s) { s.prio_next[1] = 1; }, "prio_set", "outside"},
        {"jset prio beyond device", [](SyntheticImage& s) { s.newest.prio_bucket[0] = 5000; }, "prio_set", "outside"},
        {"absurd level", [](SyntheticImage& s) { s.newest.btree_level = 40; }, "jset", "btree_level"},
        {"root beyond device",
         [](SyntheticImage& s) { s.newest.btree_root.ptrs[0].offset = 1ull << 40; }, "jset", "bad btree root"},
        {"root without pointers", [](SyntheticImage& s) { s.newest.btree_root.nptrs = 0; }, "jset", "bad btree root"},
        {"child cycle",
         [](SyntheticImage& s) { s.root_keys[1] = SyntheticImage::node_key(ondisk::MAX_KEY_INODE, ondisk::MAX_KEY_OFFSET, SyntheticImage::kRoot, 0); },
         "bset", "cycle"},
        {"level too high", [](SyntheticImage& s) { s.newest.btree_level = 2; }, "bset", ""},
        {"short node key",
         [](SyntheticImage& s) { s.root_keys[0] = SyntheticImage::node_key(0, 8, SyntheticImage::kLeafA, 0); },
         "bset", "short btree key"},
        {"uuid beyond device",
         [](SyntheticImage& s) { s.newest.uuid_bucket.ptrs[0].offset = 1ull << 40; }, "jset", "uuid pointer"},
        {"last_seq after seq", [](SyntheticImage& s) { s.newest.last_seq = 9; }, "jset", "last_seq"},
        {"seq gap", [](SyntheticImage& s) { s.older.seq = 3; s.newest.last_seq = 3; }, "jset", "missing"},
        {"journal bucket twice", [](SyntheticImage& s) { s.sb.d[1] = 3; }, "superblock", "d[1]"},
        {"journal beyond device",
         [](SyntheticImage& s) { s.sb.first_bucket = 3999; s.sb.d[0] = 3999; s.sb.d[1] = 4000; }, "superblock", "exceed"},
        {"bucket size zero", [](SyntheticImage& s) { s.sb.bucket_size = 0; }, "superblock", "bucket size"},
        {"block size 3", [](SyntheticImage& s) { s.sb.block_size = 3; }, "superblock", "block_size"},
        {"huge nbuckets", [](SyntheticImage& s) { s.sb.nbuckets = 1ull << 40; }, "superblock", "device has only"},
        {"invalid extents are dropped",
         [](SyntheticImage& s) { s.leaf_b[0].push_back(SyntheticImage::extent(5, 64, 64, 105, 0, false)); },
         nullptr, nullptr},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        ScratchFile f("case");
        SyntheticImage img;
        c.damage(img);
        img.write(f.path);
        auto r = inspect_path(f.path);
        if (!c.structure) {
            ASSERT_TRUE(r) << r.error().to_string();
            continue;
        }
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().structure, c.structure) << r.error().to_string();
        EXPECT_NE(r.error().to_string().find(c.message), std::string::npos) << r.error().to_string();
    }
}

TEST(InspectSynthetic, BadNewestJournalEntryFallsBackToTheOlderOne) {
    ScratchFile f("jset");
    SyntheticImage img;
    img.write(f.path);
    testutil::write_range(f.path, img.sb.d[1] * img.bucket_bytes() + 8, {std::byte{0}});
    auto r = inspect_path(f.path);
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r.value().totals.journal_seq, 4u);
    EXPECT_EQ(r.value().buckets[104].mark, Mark::unused); // its key was only in the lost entry
}

TEST(InspectSynthetic, RawNodeDamage) {
    SyntheticImage img;
    const uint64_t leaf = SyntheticImage::kLeafB * img.bucket_bytes();
    struct Raw {
        const char* name;
        uint64_t offset;
        std::vector<std::byte> bytes;
        const char* message;
    };
    std::vector<std::byte> huge(4);
    ondisk::store_le<uint32_t>(huge, 0, 100000);
    const Raw cases[] = {
        {"keys past the node", leaf + 28, huge, "blocks"},
        {"flipped key byte", leaf + 40, {std::byte{0x55}}, "bad csum"},
        {"wrong magic", leaf + 8, {std::byte{0}}, "bad magic"},
        {"seq zero", leaf + 16, std::vector<std::byte>(8), "seq 0"},
        {"prio csum", SyntheticImage::kPrio[1] * img.bucket_bytes() + 100, {std::byte{9}}, "bad csum"},
    };
    for (const Raw& c : cases) {
        SCOPED_TRACE(c.name);
        ScratchFile f("raw");
        img.write(f.path);
        testutil::write_range(f.path, c.offset, c.bytes);
        auto r = inspect_path(f.path);
        ASSERT_FALSE(r);
        EXPECT_NE(r.error().message.find(c.message), std::string::npos) << r.error().to_string();
    }
}

TEST(InspectSynthetic, V46ReadsThroughABadPrioCsumWithAWarning) {
    // v4.6's prio_read only warns about a bad csum and uses the entries as read; v6.1
    // refuses to register (the raw-damage case above).
    ScratchFile f("prio-v4");
    SyntheticImage img;
    img.write(f.path);
    ScratchFile g("prio-v4-good");
    img.write(g.path);
    const uint64_t at = SyntheticImage::kPrio[1] * img.bucket_bytes();
    // The last byte of the bucket: one entry's gen; the csum no longer matches.
    testutil::write_range(f.path, at + img.bucket_bytes() - 1, {std::byte{0x5a}});
    auto opened = open_device(f.path.string(), OpenMode::read_only);
    ASSERT_TRUE(opened) << opened.status.message;
    InspectOptions v4;
    v4.profile = Profile::v4_6;
    auto r = inspect_cache(*opened.device, v4);
    ASSERT_TRUE(r) << r.error().to_string();
    ASSERT_EQ(r.value().warnings.size(), 1u);
    EXPECT_NE(r.value().warnings[0].find("prio_set"), std::string::npos);
    EXPECT_NE(r.value().warnings[0].find("bad csum"), std::string::npos);
    EXPECT_NE(r.value().warnings[0].find(std::to_string(at)), std::string::npos)
        << r.value().warnings[0];
    auto good_dev = open_device(g.path.string(), OpenMode::read_only);
    auto good = inspect_cache(*good_dev.device, v4);
    ASSERT_TRUE(good);
    EXPECT_TRUE(good.value().warnings.empty());
    // The entries are used as read: exactly the damaged gen differs.
    ASSERT_EQ(r.value().buckets.size(), good.value().buckets.size());
    std::vector<size_t> differ;
    for (size_t i = 0; i < good.value().buckets.size(); ++i)
        if (r.value().buckets[i].gen != good.value().buckets[i].gen ||
            r.value().buckets[i].prio != good.value().buckets[i].prio)
            differ.push_back(i);
    ASSERT_EQ(differ.size(), 1u);
    EXPECT_EQ(r.value().buckets[differ[0]].gen, 0x5a);
    EXPECT_FALSE(inspect_path(f.path)); // the v6.2 profile
}

TEST(InspectSynthetic, GarbageUuidBucketStillInspects) {
    ScratchFile f("uuid");
    SyntheticImage img;
    img.write(f.path);
    testutil::write_range(f.path, SyntheticImage::kUuid * img.bucket_bytes(),
                          std::vector<std::byte>(img.bucket_bytes(), std::byte{0xff}));
    auto r = inspect_path(f.path);
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r.value().totals.uuids_in_use, img.bucket_bytes() / 128);
}

TEST(InspectDamage, TruncatedAnywhereIsAnError) {
    SyntheticImage img;
    ScratchFile good("trunc-src");
    img.write(good.path);
    const uint64_t size = fs::file_size(good.path);
    for (uint64_t cut : {uint64_t{0}, uint64_t{100}, uint64_t{4096}, uint64_t{4096 + 300}, uint64_t{8192},
                         img.sb.d[1] * img.bucket_bytes() + 100, SyntheticImage::kPrio[2] * img.bucket_bytes(),
                         SyntheticImage::kLeafA * img.bucket_bytes() + 700, size / 2, size - 1}) {
        SCOPED_TRACE(cut);
        ScratchFile f("trunc");
        fs::copy_file(good.path, f.path);
        fs::resize_file(f.path, cut);
        EXPECT_FALSE(inspect_path(f.path));
    }
}

TEST(InspectDamage, FixtureStructuresWithFlippedBytes) {
    // On a registered fixture: flip bytes across the superblock, the journal buckets and the
    // start of every bucket the inspector reads, and accept only an error or a result.
    for (const auto& name : testutil::fixture_names()) {
        const fs::path src = testutil::fixture_image(name);
        auto good = inspect_path(src);
        ASSERT_TRUE(good) << good.error().to_string();
        if (good.value().never_registered)
            continue;
        SCOPED_TRACE(name);
        const InspectReport& rep = good.value();
        const uint64_t bb = rep.sb.bucket_sectors() * 512;
        std::vector<uint64_t> offsets = {ondisk::SB_OFFSET + 190, ondisk::SB_OFFSET + 206};
        for (uint64_t b : rep.prio_chain)
            offsets.push_back(b * bb + 33);
        offsets.push_back(rep.uuid_bucket * bb + 5);
        for (size_t i = 0; i < rep.sb.keys; ++i)
            offsets.push_back(rep.sb.d[i] * bb + 29);
        const fs::path copy = testutil::scratch_copy(src, "flip");
        for (uint64_t off : offsets) {
            auto orig = testutil::read_range(copy, off, 1);
            testutil::write_range(copy, off, {orig[0] ^ std::byte{0x5a}});
            auto r = inspect_path(copy); // error or result, both fine; must return
            if (!r) {
                EXPECT_FALSE(r.error().message.empty());
            }
            testutil::write_range(copy, off, orig);
        }
        fs::remove(copy);
    }
}

int run_cli(const std::string& args, std::string& err) {
    const fs::path errf = scratch("stderr");
    const std::string cmd = std::string(BUCKETSCOPE_CLI) + " " + args + " >/dev/null 2>" + errf.string();
    const int st = std::system(cmd.c_str());
    std::ifstream e(errf);
    err.assign(std::istreambuf_iterator<char>(e), std::istreambuf_iterator<char>());
    fs::remove(errf);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

TEST(InspectDamage, CliExitsCleanlyOnDamagedImages) {
    SyntheticImage good;
    ScratchFile f("cli");
    good.write(f.path);
    std::string err;
    EXPECT_EQ(run_cli("inspect --json --buckets " + f.path.string(), err), 0) << err;
    EXPECT_EQ(run_cli("super " + f.path.string(), err), 0) << err;

    SyntheticImage loop;
    loop.prio_next = {11, 10, 13};
    loop.write(f.path);
    int st = run_cli("inspect " + f.path.string(), err);
    EXPECT_GE(st, 1);
    EXPECT_LE(st, 127);
    EXPECT_NE(err.find("prio_set"), std::string::npos) << err;

    SyntheticImage cycle;
    cycle.root_keys[1] = SyntheticImage::node_key(ondisk::MAX_KEY_INODE, ondisk::MAX_KEY_OFFSET, SyntheticImage::kRoot, 0);
    cycle.write(f.path);
    st = run_cli("inspect --json " + f.path.string(), err);
    EXPECT_GE(st, 1);
    EXPECT_LE(st, 127);
    EXPECT_NE(err.find("cycle"), std::string::npos) << err;

    fs::resize_file(f.path, 3000);
    for (const char* cmd : {"inspect ", "super ", "super --json "}) {
        st = run_cli(cmd + f.path.string(), err);
        EXPECT_GE(st, 1) << cmd;
        EXPECT_LE(st, 127) << cmd;
        EXPECT_FALSE(err.empty()) << cmd;
    }
    st = run_cli("inspect /nonexistent/image", err);
    EXPECT_GE(st, 1);
    EXPECT_LE(st, 127);
}

} // namespace
} // namespace bucketscope::inspect
