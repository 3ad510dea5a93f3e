#include "core/workload/trace_reader.h"

#include <algorithm>

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

namespace bucketscope::workload {
namespace {

namespace fs = std::filesystem;

class TraceReaderTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("bucketscope-trace-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string write(const std::string& name, const std::string& text) {
        const auto p = (dir_ / name).string();
        std::ofstream(p, std::ios::binary) << text;
        return p;
    }

    static std::vector<Request> read_all(const std::string& path, TraceOptions opts) {
        auto r = TraceReader::open(path, opts);
        std::vector<Request> out;
        Request req;
        while (r->next(req))
            out.push_back(req);
        return out;
    }

    static TraceOptions fmt(TraceFormat f) {
        TraceOptions o;
        o.format = f;
        return o;
    }

    fs::path dir_;
};

// Built to blkparse's documented default format (blkparse(1), DEFAULT OUTPUT), with the
// per-action payloads it prints: Q/G/I/D/C carry "sector + n [comm]", P/U/m do not.
constexpr const char* kBlkparse =
    "  8,0    3        1     0.000000000   697  Q   W 223490 + 8 [kjournald]\n"
    "  8,0    3        2     0.000001250   697  G   W 223490 + 8 [kjournald]\n"
    "  8,0    3        3     0.000002000   697  P   N [kjournald]\n"
    "  8,0    3        4     0.000003000   697  D   W 223490 + 8 [kjournald]\n"
    "  8,16   1        5     0.500000000  1200  Q  RS 1000 + 16 [fio]\n"
    "  8,16   1        6     0.600000000  1200  Q   D 2048 + 2048 [fstrim]\n"
    "  8,0    0        7     0.700000000     0  C   W 223490 + 8 [0]\n"
    "  8,0    1        8     0.800000000   697  Q FWS 0 + 0 [jbd2]\n"
    "CPU0 (8,0):\n"
    " Reads Queued:           0,        0KiB\t Writes Queued:           1,        4KiB\n"
    "Total (8,0):\n";

TEST_F(TraceReaderTest, BlkparseTakesQueuedRequestsAndStopsAtTheSummary) {
    const auto reqs = read_all(write("t.blkparse", kBlkparse), fmt(TraceFormat::Blkparse));
    ASSERT_EQ(reqs.size(), 3u);
    EXPECT_EQ(reqs[0].op, Op::Write);
    EXPECT_EQ(reqs[0].offset, 223490u * 512);
    EXPECT_EQ(reqs[0].length, 8u * 512);
    EXPECT_EQ(reqs[0].process, 697u);
    EXPECT_EQ(reqs[1].op, Op::Read);
    EXPECT_EQ(reqs[1].time_ns, 500'000'000u);
    EXPECT_EQ(reqs[1].device, 16u);
    EXPECT_EQ(reqs[2].op, Op::Discard);
    EXPECT_EQ(reqs[2].length, 2048u * 512);
}

TEST_F(TraceReaderTest, BlkparseActionIsSelectable) {
    auto o = fmt(TraceFormat::Blkparse);
    o.blkparse_action = 'C';
    const auto reqs = read_all(write("t.blkparse", kBlkparse), o);
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].time_ns, 700'000'000u);
}

TEST_F(TraceReaderTest, MalformedLinesNameFileAndLine) {
    const auto path = write("bad.blkparse", std::string(kBlkparse).insert(0, "garbage here\n"));
    try {
        read_all(path, fmt(TraceFormat::Blkparse));
        FAIL() << "malformed line accepted";
    } catch (const TraceError& e) {
        EXPECT_NE(std::string(e.what()).find(path + ":1:"), std::string::npos) << e.what();
    }
    auto o = fmt(TraceFormat::Blkparse);
    o.skip_bad = true;
    auto r = TraceReader::open(path, o);
    Request req;
    int n = 0;
    while (r->next(req))
        ++n;
    EXPECT_EQ(n, 3);
    EXPECT_EQ(r->bad_records(), 1u);
    EXPECT_NE(r->first_bad().find(":1:"), std::string::npos);

    const auto missing = write("m.blkparse", "  8,0  3  1  0.1  697  Q  W 223490 +\n");
    EXPECT_THROW(read_all(missing, fmt(TraceFormat::Blkparse)), TraceError);
}

// A version 3 iolog recorded by fio itself.
TEST_F(TraceReaderTest, FioVersion3RecordedByFio) {
    if (std::system("command -v fio >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "fio is not installed (tools/deps installs it)";
    const auto data = (dir_ / "data").string(), log = (dir_ / "iolog").string();
    const std::string cmd = "fio --name=t --filename=" + data +
                            " --size=1M --bs=4k --rw=randwrite --ioengine=psync "
                            "--randseed=7 --write_iolog=" + log + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    const auto reqs = read_all(log, fmt(TraceFormat::Fio));
    ASSERT_EQ(reqs.size(), 256u);
    std::vector<bool> seen(256);
    uint64_t last = 0;
    for (const auto& r : reqs) {
        EXPECT_EQ(r.op, Op::Write);
        EXPECT_EQ(r.length, 4096u);
        ASSERT_EQ(r.offset % 4096, 0u);
        ASSERT_LT(r.offset, 1u << 20);
        seen[r.offset / 4096] = true;
        EXPECT_GE(r.time_ns, last);
        last = r.time_ns;
    }
    EXPECT_EQ(std::count(seen.begin(), seen.end(), true), 256); // randwrite covers the file
}

TEST_F(TraceReaderTest, FioVersion2WithWaitsTrimsAndTwoFiles) {
    const auto path = write("v2.iolog", "fio version 2 iolog\n"
                                        "/dev/sdb add\n/dev/sdc add\n/dev/sdb open\n"
                                        "/dev/sdb write 0 4096\n"
                                        "/dev/sdb wait 250\n"
                                        "/dev/sdc read 8192 512\n"
                                        "/dev/sdb trim 1048576 65536\n"
                                        "/dev/sdb sync 0 0\n"
                                        "/dev/sdb close\n");
    const auto reqs = read_all(path, fmt(TraceFormat::Fio));
    ASSERT_EQ(reqs.size(), 4u);
    EXPECT_EQ(reqs[0].device, 0u);
    EXPECT_EQ(reqs[1].device, 1u);
    EXPECT_EQ(reqs[1].time_ns, 250'000u);
    EXPECT_EQ(reqs[1].op, Op::Read);
    EXPECT_EQ(reqs[2].op, Op::Discard);
    EXPECT_EQ(reqs[3].op, Op::Flush);

    EXPECT_THROW(read_all(write("nohdr", "/dev/sdb write 0 1\n"), fmt(TraceFormat::Fio)),
                 TraceError);
    EXPECT_THROW(read_all(write("badop", "fio version 2 iolog\nf frobnicate 0 1\n"),
                          fmt(TraceFormat::Fio)),
                 TraceError);
    EXPECT_THROW(read_all(write("v3wait", "fio version 3 iolog\n5 f wait 10\n"),
                          fmt(TraceFormat::Fio)),
                 TraceError);
}

// A version 2 iolog built to the HOWTO's format and replayed by fio itself
// (--read_iolog): fio must accept it, issue exactly its reads and writes, and write the
// blocks at the offsets we read from it, and no others.
TEST_F(TraceReaderTest, FioVersion2IsWhatFioReplays) {
    if (std::system("command -v fio >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "fio is not installed (tools/deps installs it)";
    const auto data = (dir_ / "data").string();
    constexpr size_t kSize = 1 << 20, kBlock = 4096;
    {
        std::ofstream(data, std::ios::binary) << std::string(kSize, 'x');
    }
    std::string v2 = "fio version 2 iolog\n" + data + " add\n" + data + " open\n";
    const uint64_t offsets[] = {0, 65536, 4096, 524288, 8192, 1044480};
    for (size_t i = 0; i < 6; ++i)
        v2 += data + (i % 2 ? " read " : " write ") + std::to_string(offsets[i]) + " 4096\n";
    v2 += data + " close\n";
    const auto v2path = write("v2.iolog", v2);
    const auto out = (dir_ / "fio.json").string();
    const std::string cmd = "fio --name=r --read_iolog=" + v2path +
                            " --ioengine=psync --output-format=json --output=" + out +
                            " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    const auto reqs = read_all(v2path, fmt(TraceFormat::Fio));
    ASSERT_EQ(reqs.size(), 6u);
    std::vector<bool> written(kSize / kBlock);
    for (size_t i = 0; i < reqs.size(); ++i) {
        EXPECT_EQ(reqs[i].offset, offsets[i]);
        EXPECT_EQ(reqs[i].length, kBlock);
        EXPECT_EQ(reqs[i].op, i % 2 ? Op::Read : Op::Write);
        if (reqs[i].op == Op::Write)
            written[reqs[i].offset / kBlock] = true;
    }
    // fio's own account: three reads and three writes of 4 KiB.
    std::ifstream js(out);
    const std::string report((std::istreambuf_iterator<char>(js)), std::istreambuf_iterator<char>());
    EXPECT_NE(report.find("\"total_ios\" : 3"), std::string::npos) << report.substr(0, 2000);
    // The data file changed exactly at the write offsets.
    std::ifstream f(data, std::ios::binary);
    std::string block(kBlock, '\0');
    for (size_t b = 0; b < written.size(); ++b) {
        f.read(block.data(), kBlock);
        const bool untouched = block == std::string(kBlock, 'x');
        EXPECT_EQ(untouched, !written[b]) << "block " << b;
    }
}

TEST_F(TraceReaderTest, AnOverlongLineIsAnErrorNotUnboundedMemory) {
    const auto path = write("long.blkparse", std::string(LineSource::kMaxLine + 4096, 'a'));
    try {
        read_all(path, fmt(TraceFormat::Blkparse));
        FAIL() << "overlong line accepted";
    } catch (const TraceError& e) {
        EXPECT_NE(std::string(e.what()).find(path + ":1: line longer than"), std::string::npos)
            << e.what();
    }
}

TEST_F(TraceReaderTest, ProgressRunsFromZeroToOneThroughTheFile) {
    std::string text;
    for (int i = 0; i < 20000; ++i)
        text += "1,hm,0,Write," + std::to_string(i * 4096) + ",4096,10\n";
    const auto path = write("p.csv", text);
    auto r = TraceReader::open(path, fmt(TraceFormat::Msr));
    EXPECT_LT(r->progress(), 0.01);
    Request req;
    double last = 0;
    int n = 0;
    while (r->next(req)) {
        EXPECT_GE(r->progress(), last);
        last = r->progress();
        if (++n == 10000) {
            EXPECT_GT(last, 0.2);
            EXPECT_LT(last, 0.9);
        }
    }
    EXPECT_EQ(n, 20000);
    EXPECT_DOUBLE_EQ(r->progress(), 1.0);
}

TEST_F(TraceReaderTest, CsvStringIdsAreHashedToStableOffsets) {
    auto o = fmt(TraceFormat::Csv);
    o.csv = {.time = 1, .obj_id = 2, .obj_size = 3, .op = 0, .obj_id_is_num = false};
    const auto reqs = read_all(write("s.csv", "t,id,size\n0,photo/cat.jpg,4096\n1,video/a,8192\n"
                                               "2,photo/cat.jpg,4096\n"),
                               o);
    ASSERT_EQ(reqs.size(), 3u);
    EXPECT_EQ(reqs[0].offset, reqs[2].offset);
    EXPECT_NE(reqs[0].offset, reqs[1].offset);
    EXPECT_EQ(reqs[0].offset % 4096, 0u);
    o.csv.obj_id_is_num = true;
    EXPECT_THROW(read_all(write("s2.csv", "t,id,size\n0,photo/cat.jpg,4096\n"), o), TraceError);
}

TEST_F(TraceReaderTest, MalformedRecordsInEveryFormatNameFileAndLine) {
    struct Case {
        TraceFormat f;
        const char* text;
        const char* where;
    };
    const Case cases[] = {
        {TraceFormat::Fio, "fio version 2 iolog\nf add\nf write 0 4096\nf write zero 4096\n", ":4:"},
        {TraceFormat::Fio, "fio version 3 iolog\n5 f add\nsoon f write 0 4096\n", ":3:"},
        {TraceFormat::Msr, "1,hm,0,Read,0,4096,1\n2,hm,0,Read,-5,4096,1\n", ":2:"},
        {TraceFormat::Csv, "time,obj_id,obj_size\n1,2,3\n1,2\n", ":3:"},
        {TraceFormat::Blkparse,
         "  8,0    3        1     0.000000000   697  Q   W 223490 + eight [kjournald]\n", ":1:"},
    };
    for (const auto& c : cases) {
        const auto path = write("bad", c.text);
        try {
            read_all(path, fmt(c.f));
            ADD_FAILURE() << to_string(c.f) << ": malformed record accepted";
        } catch (const TraceError& e) {
            EXPECT_NE(std::string(e.what()).find(path + c.where), std::string::npos)
                << to_string(c.f) << ": " << e.what();
        }
        auto o = fmt(c.f);
        o.skip_bad = true;
        auto r = TraceReader::open(path, o);
        Request req;
        while (r->next(req)) {
        }
        EXPECT_EQ(r->bad_records(), 1u) << to_string(c.f);
    }
}

TEST_F(TraceReaderTest, MsrCambridgeCsv) {
    const auto path = write("msr.csv", "128166372003061629,hm,1,Read,3154112512,4096,1411\n"
                                       "128166372003062629,hm,0,Write,0,65536,100\n");
    const auto reqs = read_all(path, fmt(TraceFormat::Msr));
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[0].time_ns, 0u);
    EXPECT_EQ(reqs[1].time_ns, 1000u * 100);
    EXPECT_EQ(reqs[0].offset, 3154112512u);
    EXPECT_EQ(reqs[0].device, 1u);
    EXPECT_EQ(reqs[1].op, Op::Write);
    EXPECT_THROW(read_all(write("msr-bad.csv", "1,hm,1,Erase,0,1,1\n"), fmt(TraceFormat::Msr)),
                 TraceError);
    EXPECT_THROW(read_all(write("msr-short.csv", "1,hm,1\n"), fmt(TraceFormat::Msr)),
                 TraceError);
}

TEST_F(TraceReaderTest, LibCacheSimCsvWithConfigurableColumns) {
    auto o = fmt(TraceFormat::Csv);
    o.csv = {.time = 2, .obj_id = 5, .obj_size = 4, .op = 3};
    const auto path = write("cp.csv", "version,time,op,size,lbn\n"
                                      "1,0.5,r,4096,10\n"
                                      "1,1.25,w,8192,3\n");
    const auto reqs = read_all(path, o);
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[0].offset, 10u * 4096);
    EXPECT_EQ(reqs[0].time_ns, 500'000'000u);
    EXPECT_EQ(reqs[1].op, Op::Write);
    EXPECT_EQ(reqs[1].offset, 3u * 8192);
    EXPECT_EQ(reqs[1].time_ns, 1'250'000'000u);
    EXPECT_THROW(read_all(write("cp-bad.csv", "h\n1,x,r,4096,10\n"), o), TraceError);
}

// oracleGeneral files made by the project's reference generator.
TEST_F(TraceReaderTest, OracleGeneralFromGenTrace) {
    const auto out = (dir_ / "z.oracleGeneral").string();
    const std::string cmd = "python3 " BUCKETSCOPE_SHARED_DIR "/tools/gen_trace.py --kind zipf "
                            "-n 2000 -m 100 -o " + out + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    ASSERT_EQ(fs::file_size(out), 2000u * 24);
    const auto reqs = read_all(out, fmt(TraceFormat::Oracle));
    ASSERT_EQ(reqs.size(), 2000u);
    for (const auto& r : reqs) {
        EXPECT_EQ(r.length, 512u * 1024);
        EXPECT_EQ(r.offset % (512 * 1024), 0u);
        EXPECT_LT(r.offset / (512 * 1024), 100u);
    }
    EXPECT_EQ(reqs[1999].time_ns, 1'000'000'000u); // index // 1000 seconds

    // Truncated: a partial last record is named by its byte offset.
    fs::resize_file(out, 2000 * 24 - 5);
    try {
        read_all(out, fmt(TraceFormat::Oracle));
        FAIL() << "truncated trace accepted";
    } catch (const TraceError& e) {
        EXPECT_NE(std::string(e.what()).find("at byte 47976"), std::string::npos) << e.what();
    }
}

TEST_F(TraceReaderTest, ZstdCompressedInputIsReadTransparently) {
    if (std::system("command -v zstd >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "zstd is not installed";
    const auto plain = write("t.blkparse", kBlkparse);
    const auto packed = plain + ".zst";
    ASSERT_EQ(std::system(("zstd -q -f " + plain + " -o " + packed).c_str()), 0);
    EXPECT_EQ(read_all(packed, fmt(TraceFormat::Blkparse)).size(), 3u);
}

TEST_F(TraceReaderTest, MissingFileIsAClearError) {
    try {
        TraceReader::open((dir_ / "nope").string(), fmt(TraceFormat::Msr));
        FAIL();
    } catch (const TraceError& e) {
        EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos);
    }
}

} // namespace
} // namespace bucketscope::workload
