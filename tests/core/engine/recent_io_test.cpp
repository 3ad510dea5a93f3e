// RecentIo (the recent-I/O table behind sequential_cutoff) against a plain model of the
// kernel's dc->io arrays: an LRU std::list and hash chains as std::lists searched front to
// back. Streams that continue, restart, collide on `last` and outlive their 5 s must get
// the same sequential counts and the same recycle verdicts at every request.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <list>
#include <vector>

#include "core/engine/request_state.h"

namespace bucketscope::test {
namespace {

class ModelRecentIo {
  public:
    ModelRecentIo() : io_(RECENT_IO), chains_(RECENT_IO + 1) {
        for (unsigned i = 0; i < RECENT_IO; ++i) {
            lru_.push_front(i);             // list_add
            chains_[RECENT_IO].push_front(i); // the chain no lookup visits
        }
    }
    uint64_t account(uint64_t start, uint64_t end, uint64_t bytes, uint64_t now, bool& recycled) {
        const unsigned h = hash(start);
        auto it = std::find_if(chains_[h].begin(), chains_[h].end(), [&](unsigned i) {
            return io_[i].last == start && now < io_[i].expires;
        });
        recycled = it == chains_[h].end();
        const unsigned i = recycled ? lru_.front() : *it;
        if (recycled)
            io_[i].sequential = 0;
        Io& e = io_[i];
        if (uint64_t(e.sequential) + bytes <= UINT32_MAX)
            e.sequential = uint32_t(e.sequential + bytes);
        chains_[e.slot].remove(i);
        e.last = end;
        e.expires = now + RECENT_IO_LIFETIME_NS;
        e.slot = hash(end);
        chains_[e.slot].push_front(i);
        lru_.remove(i);
        lru_.push_back(i);
        return e.sequential;
    }

  private:
    struct Io {
        uint64_t last = 0, expires = 0;
        uint32_t sequential = 0;
        unsigned slot = RECENT_IO;
    };
  public:
    static unsigned hash(uint64_t s) {
        return unsigned((s * 0x61C8864680B583EBull) >> (64 - RECENT_IO_BITS));
    }

  private:
    std::vector<Io> io_;
    std::vector<std::list<unsigned>> chains_;
    std::list<unsigned> lru_;
};

uint64_t xorshift(uint64_t& x) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
}

TEST(RecentIo, MatchesTheKernelsListsAndChains) {
    RecentIo io;
    ModelRecentIo model;
    uint64_t x = 0x9e3779b97f4a7c15ull, now = 0;
    // 160 live streams: more than RECENT_IO, so continued streams were sometimes
    // recycled meanwhile; offsets from a small range, so ends collide.
    std::vector<uint64_t> ends(160);
    for (auto& e : ends)
        e = xorshift(x) % 4096;
    uint64_t found = 0, zero_start = 0;
    for (int n = 0; n < 200000; ++n) {
        const uint64_t r = xorshift(x);
        uint64_t& stream = ends[(r >> 8) % ends.size()];
        uint64_t start = stream;
        if (r % 7 == 0)
            start = (r >> 20) % 4096; // a fresh stream somewhere, maybe on another's end
        if (r % 997 == 0)
            start = 0; // the never-used entries' `last`: must not count as a stream
        zero_start += start == 0;
        const uint64_t sectors = 1 + (r >> 40) % 64;
        const uint64_t bytes = r % 101 == 0 ? (uint64_t(1) << 31) : sectors << 9; // saturation
        now += (r >> 50) % 512 == 0 ? 6'000'000'000ull : (r >> 30) % 50'000'000;
        bool rec_a = false, rec_b = false;
        const uint64_t a = io.account(start, start + sectors, bytes, now, rec_a);
        const uint64_t b = model.account(start, start + sectors, bytes, now, rec_b);
        ASSERT_EQ(a, b) << "request " << n;
        ASSERT_EQ(rec_a, rec_b) << "request " << n;
        found += !rec_a;
        stream = start + sectors;
    }
    // The sequence exercised both outcomes, and requests at sector 0.
    EXPECT_GT(found, 20000u) << found;
    EXPECT_LT(found, 180000u);
    EXPECT_GT(zero_start, 100u);
}

TEST(RecentIo, LongChainsMatchToo) {
    // Every stream starts and ends on sectors of one hash chain, so chains grow far past
    // the places the lookup checks without branching, and matches sit deep in them.
    std::vector<uint64_t> same;
    for (uint64_t s = 1; same.size() < 400; ++s)
        if (ModelRecentIo::hash(s) == ModelRecentIo::hash(0))
            same.push_back(s);
    RecentIo io;
    ModelRecentIo model;
    uint64_t x = 0x2545f4914f6cdd1dull, now = 0, found = 0;
    for (int n = 0; n < 50000; ++n) {
        const uint64_t r = xorshift(x);
        const size_t a = (r >> 3) % 200, b = a + 1 + (r >> 20) % 199;
        now += (r >> 40) % 1024 == 0 ? 6'000'000'000ull : 1'000'000;
        bool rec_a = false, rec_b = false;
        const uint64_t bytes = (same[b] - same[a]) << 9;
        const uint64_t got = io.account(same[a], same[b], bytes, now, rec_a);
        ASSERT_EQ(got, model.account(same[a], same[b], bytes, now, rec_b)) << "request " << n;
        ASSERT_EQ(rec_a, rec_b) << "request " << n;
        found += !rec_a;
    }
    EXPECT_GT(found, 10000u) << found;
}

} // namespace
} // namespace bucketscope::test
