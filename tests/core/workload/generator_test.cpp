#include "core/workload/generator.h"

#include <gtest/gtest.h>

#include <map>

namespace bucketscope::workload {
namespace {

TEST(Generator, SameSpecAndSeedGiveTheSameRequests) {
    auto a = make_generator("zipf:alpha=0.9,span=1G,read=30,size=4K-64K,processes=3", 7);
    auto b = make_generator("zipf:alpha=0.9,span=1G,read=30,size=4K-64K,processes=3", 7);
    auto c = make_generator("zipf:alpha=0.9,span=1G,read=30,size=4K-64K,processes=3", 8);
    int differ = 0;
    for (int i = 0; i < 10000; ++i) {
        const Request x = a->next(), y = b->next(), z = c->next();
        ASSERT_EQ(x.offset, y.offset);
        ASSERT_EQ(x.length, y.length);
        ASSERT_EQ(x.op, y.op);
        differ += x.offset != z.offset;
        EXPECT_EQ(x.process, uint32_t(i % 3));
        EXPECT_GE(x.length, 4096u);
        EXPECT_LE(x.length, 65536u);
        EXPECT_EQ(x.length % 512, 0u);
        EXPECT_LE(x.offset + x.length, 1ull << 30);
    }
    EXPECT_GT(differ, 5000);
}

TEST(Generator, SequentialStreamsContinueWherePerProcess) {
    auto g = make_generator("seq:span=1M,size=4K,processes=2", 1);
    const Request a0 = g->next(), b0 = g->next(), a1 = g->next(), b1 = g->next();
    EXPECT_EQ(a1.offset, a0.offset + 4096);
    EXPECT_EQ(b1.offset, b0.offset + 4096);
    EXPECT_EQ(b0.offset, 512u * 1024); // the second stream starts half way
}

TEST(Generator, ZipfIsSkewedHotColdRespectsItsSplit) {
    auto z = make_generator("zipf:alpha=1.2,span=64M,size=4K", 3);
    std::map<uint64_t, int> hits;
    for (int i = 0; i < 100000; ++i)
        ++hits[z->next().offset];
    int top = 0;
    for (auto& [off, n] : hits)
        top = std::max(top, n);
    EXPECT_GT(top, 100000 / 20); // rank 1 of Zipf(1.2) over 16k items draws ~18 percent

    auto h = make_generator("hotcold:span=100M,size=4K,hot=10,hotfrac=90", 3);
    int hot = 0;
    for (int i = 0; i < 100000; ++i)
        hot += h->next().offset < 10u * 1024 * 1024;
    EXPECT_NEAR(hot / 100000.0, 0.90, 0.01);
}

TEST(Generator, ReadShare) {
    auto g = make_generator("uniform:span=1G,read=70", 5);
    int reads = 0;
    for (int i = 0; i < 100000; ++i)
        reads += g->next().op == Op::Read;
    EXPECT_NEAR(reads / 100000.0, 0.70, 0.01);
}

TEST(Generator, BadSpecsNameTheProblem) {
    auto msg = [](const std::string& spec) {
        try {
            make_generator(spec, 1);
        } catch (const SpecError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_NE(msg("zipfy:alpha=1").find("unknown kind"), std::string::npos);
    EXPECT_NE(msg("zipf:alpha=-1").find("alpha"), std::string::npos);
    EXPECT_NE(msg("zipf:colour=red").find("colour"), std::string::npos);
    EXPECT_NE(msg("uniform:read=120").find("read"), std::string::npos);
    EXPECT_NE(msg("uniform:size=1000").find("512"), std::string::npos);
    EXPECT_NE(msg("uniform:span=8Q").find("span"), std::string::npos);
    EXPECT_NE(msg("uniform:span").find("key=value"), std::string::npos);
    EXPECT_EQ(parse_size("8G", "span"), 8ull << 30);
}

} // namespace
} // namespace bucketscope::workload
