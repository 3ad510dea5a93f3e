// jset: layout, block rounding, csum coverage [8, 240 + 8*keys) and every error path.

#include "core/ondisk/crc64.h"
#include "core/ondisk/jset.h"
#include "core/ondisk/le.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace bucketscope::ondisk {
namespace {

constexpr uint64_t kSetMagic = 0xefcdab8967452301ull;

Jset sample() {
    Jset j;
    j.seq = 42;
    j.last_seq = 40;
    j.uuid_bucket.nptrs = 1;
    j.uuid_bucket.size = 256;
    j.uuid_bucket.ptrs[0] = {0, 512, 1};
    j.btree_root.inode = MAX_KEY_INODE;
    j.btree_root.offset = MAX_KEY_OFFSET;
    j.btree_root.size = 256;
    j.btree_root.nptrs = 1;
    j.btree_root.ptrs[0] = {0, 768, 2};
    j.btree_level = 1;
    j.prio_bucket[0] = 9;
    Bkey k;
    k.inode = 1;
    k.offset = 64;
    k.size = 8;
    k.dirty = true;
    k.nptrs = 1;
    k.ptrs[0] = {0, 1024, 3};
    j.keys.push_back(k);
    k.nptrs = 0;
    j.keys.push_back(k);
    return j;
}

TEST(Jset, LayoutAndRoundTrip) {
    const Jset j = sample();
    EXPECT_EQ(j.bytes(), 240u + 8 * 5);
    const auto buf = encode_jset(j, kSetMagic, 512);
    ASSERT_EQ(buf.size(), 512u);
    EXPECT_EQ(le64(buf, 8), 0xcb9f9e48c4277333ull); // jset_magic of vector B
    EXPECT_EQ(le32(buf, 24), 1u);
    EXPECT_EQ(le32(buf, 28), 5u);
    EXPECT_EQ(le16(buf, 168), 1u);
    EXPECT_EQ(le64(buf, 176), 9u);
    EXPECT_EQ(le64(buf, 0), bch_crc64(std::span(buf).subspan(8, 240 + 40 - 8)));
    auto r = decode_jset(buf, kSetMagic, 0);
    ASSERT_TRUE(r) << r.error().to_string();
    const Jset& d = r.value();
    EXPECT_EQ(d.seq, 42u);
    EXPECT_EQ(d.last_seq, 40u);
    EXPECT_EQ(d.btree_root.offset, MAX_KEY_OFFSET);
    EXPECT_EQ(d.btree_root.ptrs[0].offset, 768u);
    EXPECT_EQ(d.uuid_bucket.ptrs[0].gen, 1);
    ASSERT_EQ(d.keys.size(), 2u);
    EXPECT_TRUE(d.keys[0].dirty);
    EXPECT_EQ(d.keys[0].ptrs[0].gen, 3);
    EXPECT_EQ(encode_jset(d, kSetMagic, 512), buf);
}

TEST(Jset, TheWriterReusingOldBuffersWritesWhatEncodeJsetWrites) {
    // The journal's open entry: keys packed as they come, the header at finish(), and the
    // last entry's buffer (full of other bytes) reused for the next one.
    JsetWriter w;
    std::vector<std::byte> spare(8192, std::byte{0xa5});
    for (size_t nkeys : {0u, 2u, 100u, 3u}) {
        Jset j = sample();
        j.seq += nkeys;
        j.keys.resize(nkeys, j.keys[0]);
        for (size_t i = 0; i < nkeys; ++i)
            j.keys[i].offset = 64 + 8 * i;
        for (const Bkey& k : j.keys)
            w.add(k);
        EXPECT_EQ(w.u64s(), (j.bytes() - JSET_HEADER) / 8);
        EXPECT_EQ(w.empty(), nkeys == 0);
        auto buf = w.finish(j, kSetMagic, 512, std::move(spare));
        EXPECT_TRUE(w.empty());
        EXPECT_EQ(buf, encode_jset(j, kSetMagic, 512)) << nkeys << " keys";
        spare = std::move(buf);
        std::fill(spare.begin(), spare.end(), std::byte{0x5a});
    }
}

TEST(Jset, BytesPastTheEntryAreNotCovered) {
    auto buf = encode_jset(sample(), kSetMagic, 4096);
    EXPECT_EQ(buf.size(), 4096u);
    buf[4000] = std::byte{1};
    EXPECT_TRUE(decode_jset(buf, kSetMagic, 0));
}

TEST(Jset, Errors) {
    const auto good = encode_jset(sample(), kSetMagic, 512);
    EXPECT_FALSE(decode_jset(std::span(good).first(100), kSetMagic, 0));
    EXPECT_NE(decode_jset(good, kSetMagic ^ 1, 0).error().message.find("magic"), std::string::npos);

    auto flipped = good;
    flipped[250] ^= std::byte{1};
    EXPECT_NE(decode_jset(flipped, kSetMagic, 0).error().message.find("csum"), std::string::npos);

    auto huge = good;
    store_le<uint32_t>(huge, 28, 0xffffffffu);
    EXPECT_NE(decode_jset(huge, kSetMagic, 8192).error().message.find("keys"), std::string::npos);

    auto badver = good;
    store_le<uint32_t>(badver, 24, 7);
    store_le<uint64_t>(badver, 0, bch_crc64(std::span(badver).subspan(8, 272)));
    EXPECT_NE(decode_jset(badver, kSetMagic, 0).error().message.find("version"), std::string::npos);

    auto shortkey = good; // last key claims 2 pointers but only 5 u64s are there
    store_le<uint64_t>(shortkey, 240 + 24, (1ull << 63) | (2ull << 60));
    store_le<uint64_t>(shortkey, 0, bch_crc64(std::span(shortkey).subspan(8, 272)));
    EXPECT_EQ(decode_jset(shortkey, kSetMagic, 0).error().offset, 240u + 24);
}

} // namespace
} // namespace bucketscope::ondisk
