// Data writes are real I/O: after a run every live pointer in the index leads to sectors
// that name the key's volume and logical sectors and pass their checksum, in both
// scheduler modes; with read_hits every hit reads them back and finds them so.
#include "tests/core/engine/engine_fixture.h"

#include "core/ondisk/data_sector.h"

namespace bucketscope::test {
namespace {

struct LiveData {
    uint64_t extents = 0;
    uint64_t sectors = 0;
    std::vector<std::string> problems;
};

LiveData verify_live_data(EngineRig& rig) {
    LiveData out;
    const uint64_t magic = rig->set_magic();
    rig->with_state([&](CacheSet& c, ExtentIndex& idx, const GcRoots&) {
        idx.for_each([&](const Extent& k) {
            const Ptr& p = k.ptrs[0];
            if (ptr_stale(c, p))
                return;
            ++out.extents;
            std::vector<std::byte> buf(uint64_t(k.size) * ondisk::DATA_SECTOR_BYTES);
            if (!rig.devices[p.dev]->read(p.offset * 512, buf)) {
                out.problems.push_back("read failed");
                return;
            }
            for (uint32_t i = 0; i < k.size; ++i) {
                ondisk::DataSectorHeader h;
                const auto st = ondisk::decode_data_sector(
                    std::span<const std::byte>(buf).subspan(i * 512, 512), magic, h);
                ++out.sectors;
                if (st != ondisk::DataSectorStatus::ok || h.inode != k.inode ||
                    h.sector != k.start() + i)
                    out.problems.push_back("extent " + std::to_string(k.inode) + ":" +
                                           std::to_string(k.offset) + " sector " +
                                           std::to_string(i) + ": " + ondisk::to_string(st));
            }
        });
    });
    return out;
}

TEST(DataWrite, EveryLivePointerLeadsToItsOwnData) {
    EngineOptions o = small_options(1088, 16);
    o.seed = 3;
    auto rig = make_rig(o);
    ASSERT_EQ(rig->step(40000), 40000u);
    const LiveData d = verify_live_data(rig);
    EXPECT_GT(d.extents, 100u);
    EXPECT_TRUE(d.problems.empty()) << d.problems.size() << " problems, first: " << d.problems[0];
    EXPECT_EQ(rig->metrics().errors, 0u);
}

TEST(DataWrite, ThreadedModeWritesTheSameWay) {
    EngineOptions o = small_options(1088, 16);
    o.seed = 4;
    o.mode = RunMode::Threaded;
    o.workload.max_writes_per_process = 400;
    auto rig = make_rig(o);
    rig->start();
    rig->wait_workload_done();
    rig->stop();
    const LiveData d = verify_live_data(rig);
    EXPECT_GT(d.extents, 50u);
    EXPECT_TRUE(d.problems.empty()) << d.problems.size() << " problems, first: " << d.problems[0];
}

TEST(DataWrite, HitsReadBackTheirOwnDataInBothModes) {
    for (const RunMode mode : {RunMode::Deterministic, RunMode::Threaded}) {
        EngineOptions o = small_options(1088, 16);
        o.seed = 5;
        o.read_hits = true;
        o.mode = mode;
        o.workload.max_writes_per_process = 200;
        auto rig = make_rig(o);
        if (mode == RunMode::Threaded) {
            rig->start();
            rig->wait_workload_done();
            rig->stop();
        } else {
            rig->step(20000);
        }
        const EngineMetrics m = rig->metrics();
        EXPECT_GT(m.read_hit_sectors, 0u) << to_string(mode);
        // A race re-reads from the backing device; every other hit sector is checked.
        EXPECT_GT(m.cache_read_verified_sectors, 0u) << to_string(mode);
        EXPECT_EQ(m.cache_read_bad_sectors, 0u) << to_string(mode);
        EXPECT_EQ(m.cache_read_foreign_sectors, 0u) << to_string(mode);
        EXPECT_EQ(m.errors, 0u) << to_string(mode);
    }
}

} // namespace
} // namespace bucketscope::test
