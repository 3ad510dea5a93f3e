// SortedChunks against a std::set: inserts at cursors found by search, erases, erase_if,
// appends and clear, with chunks of four so nearly every operation splits or drops one;
// and with the index's chunks of 64 (groups of 8 under one fence each), that the fences
// and the summary's top keep agreeing with the elements.
#include "core/ondisk/sorted_chunks.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

namespace bucketscope::ondisk {
namespace {

struct Item {
    uint64_t inode = 0;
    uint64_t offset = 0;
    uint64_t tag = 0;
};
struct ItemPos {
    Pos128 operator()(const Item& e) const { return pos128(e.inode, e.offset); }
};
using Seq = SortedChunks<Item, ItemPos, 4>;
using Model = std::set<std::pair<uint64_t, uint64_t>>;

void expect_same(const Seq& s, const Model& m) {
    ASSERT_EQ(s.size(), m.size());
    auto it = m.begin();
    size_t n = 0;
    for (const Item& e : s) {
        ASSERT_NE(it, m.end());
        EXPECT_EQ(std::make_pair(e.inode, e.offset), *it);
        EXPECT_EQ(e.tag, e.offset * 7 + e.inode);
        ++it;
        ++n;
    }
    EXPECT_EQ(n, m.size());
    size_t in_chunks = 0;
    for (const auto& chunk : s.chunks()) {
        EXPECT_FALSE(chunk.empty());
        EXPECT_LE(chunk.size(), 4u);
        in_chunks += chunk.size();
    }
    EXPECT_EQ(in_chunks, m.size());
    EXPECT_TRUE(s.fences_agree());
}

Item item(uint64_t inode, uint64_t offset) { return {inode, offset, offset * 7 + inode}; }

TEST(SortedChunks, SearchesInsertsAndErasesMatchASet) {
    Seq s;
    Model m;
    std::mt19937_64 rng(5);
    for (int step = 0; step < 4000; ++step) {
        const uint64_t inode = rng() % 3, offset = rng() % 300;
        const auto key = std::make_pair(inode, offset);
        auto at = s.lower_bound(pos128(inode, offset));
        // lower_bound and upper_bound name the element the set's would.
        const auto want = m.lower_bound(key);
        if (want == m.end()) {
            EXPECT_TRUE(s.at_end(at));
        } else {
            ASSERT_FALSE(s.at_end(at));
            EXPECT_EQ(std::make_pair(s.at(at).inode, s.at(at).offset), *want);
        }
        const auto up = s.upper_bound(pos128(inode, offset));
        const auto want_up = m.upper_bound(key);
        EXPECT_EQ(s.at_end(up), want_up == m.end());
        if (!s.at_end(up) && want_up != m.end()) {
            EXPECT_EQ(std::make_pair(s.at(up).inode, s.at(up).offset), *want_up);
        }
        if (m.count(key)) {
            s.erase(at);
            m.erase(key);
            // The cursor now names the element after the erased one.
            const auto next = m.upper_bound(key);
            EXPECT_EQ(s.at_end(at), next == m.end());
            if (!s.at_end(at) && next != m.end()) {
                EXPECT_EQ(std::make_pair(s.at(at).inode, s.at(at).offset), *next);
            }
        } else {
            const bool end = s.at_end(at);
            const Item before = end ? Item{} : s.at(at);
            s.insert(at, item(inode, offset));
            m.insert(key);
            // The cursor still names the element it named.
            ASSERT_EQ(s.at_end(at), end);
            if (!end) {
                EXPECT_EQ(s.at(at).offset, before.offset);
            }
        }
        if (step % 500 == 0)
            expect_same(s, m);
    }
    expect_same(s, m);
    // Walking from a cursor with iter() and advance() sees the rest in order.
    auto at = s.lower_bound(pos128(1, 150));
    auto want = m.lower_bound({1, 150});
    for (auto it = s.iter(at); it != s.end(); ++it, ++want, s.advance(at)) {
        ASSERT_NE(want, m.end());
        EXPECT_EQ(std::make_pair(it->inode, it->offset), *want);
        EXPECT_EQ(s.at(at).offset, it->offset);
    }
    EXPECT_EQ(want, m.end());
    EXPECT_TRUE(s.at_end(at));

    EXPECT_EQ(s.erase_if([](const Item& e) { return e.offset % 3 == 0; }),
              std::erase_if(m, [](const auto& k) { return k.second % 3 == 0; }));
    expect_same(s, m);
    EXPECT_EQ(s.back().offset, m.rbegin()->second);
    EXPECT_EQ(s.erase_if([](const Item&) { return true; }), m.size());
    m.clear();
    expect_same(s, m);
}

TEST(SortedChunks, AppendsFillChunksAndClearKeepsWorking) {
    Seq s;
    Model m;
    for (uint64_t i = 1; i <= 41; ++i) {
        s.push_back(item(0, i * 2));
        m.insert({0, i * 2});
    }
    expect_same(s, m);
    // In-order appends leave every chunk but the last full.
    EXPECT_EQ(s.chunks().size(), 11u);
    // Then one before each: the chunks split.
    for (uint64_t i = 1; i <= 41; ++i) {
        auto at = s.lower_bound(pos128(0, i * 2 - 1));
        s.insert(at, item(0, i * 2 - 1));
        m.insert({0, i * 2 - 1});
    }
    expect_same(s, m);
    s.clear();
    m.clear();
    expect_same(s, m);
    EXPECT_TRUE(s.empty());
    EXPECT_TRUE(s.at_end(s.lower_bound(0)));
    s.push_back(item(2, 9));
    m.insert({2, 9});
    expect_same(s, m);
}

TEST(SortedChunks, ModifyEachVisitsInOrderAcrossChunksUntilTold) {
    Seq s;
    for (uint64_t i = 1; i <= 17; ++i) // five chunks of four, the last short
        s.push_back(item(0, i * 3));
    std::vector<uint64_t> seen;
    s.modify_each([&](Item& e) {
        seen.push_back(e.offset);
        e.tag += 1000; // a change that keeps the position
        return true;
    });
    ASSERT_EQ(seen.size(), 17u);
    for (size_t i = 0; i < seen.size(); ++i)
        EXPECT_EQ(seen[i], (i + 1) * 3);
    for (const Item& e : s)
        EXPECT_EQ(e.tag, e.offset * 7 + 1000);
    // Stops at the first false, in the middle of a chunk.
    seen.clear();
    s.modify_each([&](Item& e) {
        seen.push_back(e.offset);
        return seen.size() < 6;
    });
    EXPECT_EQ(seen, (std::vector<uint64_t>{3, 6, 9, 12, 15, 18}));
    EXPECT_TRUE(s.fences_agree());
}

TEST(SortedChunks, FencesAgreeWithTheKeysOfChunksOf64) {
    using Big = SortedChunks<Item, ItemPos>;
    Big s;
    Model m;
    std::mt19937_64 rng(11);
    auto check_search = [&](uint64_t inode, uint64_t offset) {
        const auto lo = s.lower_bound(pos128(inode, offset));
        const auto want = m.lower_bound({inode, offset});
        ASSERT_EQ(s.at_end(lo), want == m.end());
        if (want != m.end()) {
            EXPECT_EQ(std::make_pair(s.at(lo).inode, s.at(lo).offset), *want);
        }
        const auto up = s.upper_bound(pos128(inode, offset));
        const auto want_up = m.upper_bound({inode, offset});
        ASSERT_EQ(s.at_end(up), want_up == m.end());
        if (want_up != m.end()) {
            EXPECT_EQ(std::make_pair(s.at(up).inode, s.at(up).offset), *want_up);
        }
    };
    // Grow to thousands (many chunks, a summary top of several groups), then churn with
    // erases as likely as inserts, then shrink: every phase splits, fills and drops chunks.
    for (int phase = 0; phase < 3; ++phase) {
        const int erase_pct = phase == 0 ? 10 : phase == 1 ? 50 : 90;
        for (int step = 0; step < 6000; ++step) {
            const uint64_t inode = rng() % 2, offset = rng() % 5000;
            auto at = s.lower_bound(pos128(inode, offset));
            const bool erase = static_cast<int>(rng() % 100) < erase_pct;
            if (erase && !s.at_end(at)) {
                const Item& e = s.at(at);
                m.erase({e.inode, e.offset});
                s.erase(at);
            } else if (!erase && !m.count({inode, offset})) {
                s.insert(at, item(inode, offset));
                m.insert({inode, offset});
            }
            if (step % 97 == 0) {
                ASSERT_TRUE(s.fences_agree()) << "phase " << phase << " step " << step;
                check_search(rng() % 2, rng() % 5001);
            }
        }
        ASSERT_EQ(s.size(), m.size());
        EXPECT_TRUE(s.fences_agree());
        if (phase == 0) {
            EXPECT_GT(s.chunks().size(), 64u);
        }
    }
    // Every position around every element, and the ends.
    for (const auto& [inode, offset] : m) {
        check_search(inode, offset);
        check_search(inode, offset + 1);
        if (offset)
            check_search(inode, offset - 1);
    }
    check_search(0, 0);
    check_search(~0ull, ~0ull);
    EXPECT_TRUE(s.at_end(s.upper_bound(~Pos128{0})));
    s.erase_if([](const Item& e) { return e.offset % 2 == 0; });
    std::erase_if(m, [](const auto& k) { return k.second % 2 == 0; });
    EXPECT_EQ(s.size(), m.size());
    EXPECT_TRUE(s.fences_agree());
}

} // namespace
} // namespace bucketscope::ondisk
