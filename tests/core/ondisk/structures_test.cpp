// Byte-exact round trips: synthetic bsets, nodes, uuid buckets and the extent overwrite
// rule, then every kernel fixture's newest jset, prio sets and root node decoded and
// re-encoded to the same bytes the kernel wrote.

#include "core/inspect/device_read.h"
#include "core/inspect/journal_read.h"
#include "core/inspect/prio_read.h"
#include "core/device/open_device.h"
#include "core/ondisk/bset.h"
#include "core/ondisk/crc64.h"
#include "core/ondisk/extents.h"
#include "core/ondisk/le.h"
#include "core/ondisk/uuid_entry.h"
#include "fixture_util.h"

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <random>

namespace bucketscope::ondisk {
namespace {

constexpr uint64_t kSetMagic = 0xefcdab8967452301ull;

Bkey ext(uint64_t inode, uint64_t end, uint32_t size, uint64_t sector, uint8_t gen = 0) {
    Bkey k;
    k.inode = inode;
    k.offset = end;
    k.size = size;
    k.nptrs = 1;
    k.ptrs[0] = {0, sector, gen};
    return k;
}

TEST(Bset, LayoutAndBothChecksumVersions) {
    const std::vector<Bkey> keys = {ext(1, 8, 8, 1024), ext(1, 16, 8, 2048)};
    const uint64_t ptr0 = make_ptr(3, 4096, 0);
    const auto b = encode_bset(keys, kSetMagic, 77, 1, ptr0, 512);
    ASSERT_EQ(b.size(), 512u);
    EXPECT_EQ(le64(b, 8), 0x7fdef7f1dedb24f4ull); // bset_magic of vector B
    EXPECT_EQ(le32(b, 28), 6u);
    EXPECT_EQ(le64(b, 0), ~crc64_be(ptr0, std::span(b).subspan(8, 32 + 48 - 8)));
    const auto v0 = encode_bset(keys, kSetMagic, 77, 0, ptr0, 512);
    EXPECT_EQ(le64(v0, 0), bch_crc64(std::span(v0).subspan(8, 32 + 48 - 8)));
    EXPECT_EQ(bset_blocks(0, 512), 1u);
    EXPECT_EQ(bset_blocks(60, 512), 1u);
    EXPECT_EQ(bset_blocks(61, 512), 2u);
}

TEST(BtreeNode, RoundTripOfSeveralBsets) {
    const uint64_t ptr0 = make_ptr(1, 8192, 0);
    std::vector<std::vector<Bkey>> bsets = {{}, {ext(0, 8, 8, 100)}, {}};
    EXPECT_NE(decode_btree_node(encode_btree_node(bsets, 9, kSetMagic, ptr0, 512, 8192), kSetMagic,
                                ptr0, 512, 0)
                  .error()
                  .message.find("empty"),
              std::string::npos);
    for (uint64_t i = 0; i < 70; ++i) // 32 + 70 * 24 bytes: four blocks
        bsets[2].push_back(ext(0, 16 + 8 * i, 8, 200 + 8 * i));
    bsets[2][5].ptrs[0] = {0xfff, 12345, 7, true}; // a check key's random pointer word
    const auto node = encode_btree_node(bsets, 9, kSetMagic, ptr0, 512, 8192);
    auto n = decode_btree_node(node, kSetMagic, ptr0, 512, 1 << 20);
    ASSERT_TRUE(n) << n.error().to_string();
    ASSERT_EQ(n.value().bsets.size(), 3u);
    EXPECT_EQ(n.value().written_blocks, 1u + 1u + 4u);
    EXPECT_EQ(n.value().bsets[2].keys.size(), 70u);
    std::vector<std::vector<Bkey>> again;
    for (const Bset& s : n.value().bsets)
        again.push_back(s.keys);
    EXPECT_EQ(encode_btree_node(again, 9, kSetMagic, ptr0, 512, 8192), node);
    // The wrong node pointer seeds a different csum.
    EXPECT_FALSE(decode_btree_node(node, kSetMagic, ptr0 + 1, 512, 0));
    // A stray block with the node's seq after the last bset is corruption.
    auto stray = node;
    store_le<uint64_t>(stray, 7 * 512 + 16, 9);
    EXPECT_NE(decode_btree_node(stray, kSetMagic, ptr0, 512, 0).error().message.find("corrupted"),
              std::string::npos);
}

TEST(Extents, NewerKeysWinAndOlderOnesAreCut) {
    ExtentSet s;
    s.insert(ext(0, 100, 100, 1000)); // [0,100) at 1000
    s.insert(ext(0, 60, 20, 5000));   // [40,60) lands in its middle
    s.insert(ext(1, 10, 10, 7000));   // other inode untouched
    s.insert(ext(0, 5, 0, 9000));     // zero size: covers nothing
    auto k = s.keys();
    ASSERT_EQ(k.size(), 4u);
    EXPECT_EQ(k[0].start(), 0u);
    EXPECT_EQ(k[0].size, 40u);
    EXPECT_EQ(k[0].ptrs[0].offset, 1000u);
    EXPECT_EQ(k[1].ptrs[0].offset, 5000u);
    EXPECT_EQ(k[2].start(), 60u);
    EXPECT_EQ(k[2].size, 40u);
    EXPECT_EQ(k[2].ptrs[0].offset, 1060u); // cut_front moved the pointer with the start
    EXPECT_EQ(k[3].inode, 1u);
    s.insert(ext(0, 200, 200, 0)); // covers everything of inode 0
    EXPECT_EQ(s.size(), 2u);
}

TEST(Extents, RandomInsertsMatchASectorModel) {
    // Mostly keys that cut nothing (the fast path that inserts with a hint), landing before,
    // between and after the others and in other inodes, mixed with overlapping ones.
    ExtentSet s;
    std::map<std::pair<uint64_t, uint64_t>, uint64_t> model; // (inode, sector) -> dev sector
    std::mt19937_64 rng(11);
    for (int step = 0; step < 3000; ++step) {
        const uint64_t inode = rng() % 3;
        const uint64_t start = rng() % 2000;
        const uint32_t len = 1 + static_cast<uint32_t>(rng() % (step % 4 ? 4 : 40));
        const uint64_t sector = 100000 + rng() % 100000;
        s.insert(ext(inode, start + len, len, sector));
        for (uint64_t x = start; x < start + len; ++x)
            model[{inode, x}] = sector + (x - start);
    }
    size_t sectors = 0, u64s = 0;
    std::pair<uint64_t, uint64_t> prev{0, 0};
    for (const Bkey& k : s.keys()) {
        EXPECT_LE(prev, std::make_pair(k.inode, k.start()));
        prev = {k.inode, k.offset};
        u64s += k.u64s();
        for (uint64_t x = k.start(); x < k.offset; ++x, ++sectors)
            ASSERT_EQ(model.at({k.inode, x}), k.ptrs[0].offset + (x - k.start()));
    }
    EXPECT_EQ(sectors, model.size());
    EXPECT_EQ(s.u64s(), u64s);
}

TEST(Extents, EveryKindOfKeyIsCutLikeTheModelAcrossManyChunks) {
    // Enough keys for many chunks and their splits, and erases that empty some; besides
    // plain one-pointer keys, pointerless ones, keys with two pointers, keys with odd
    // high-word bits and check-key pointer words, which the set keeps in its side table
    // and must cut (both pointers move) and copy (a key split in two) just the same.
    struct Sector {
        uint8_t nptrs;
        uint64_t p0, p1; // device sector of this sector under each pointer
        bool dirty, bit63;
        uint64_t high;
        bool operator==(const Sector&) const = default;
    };
    ExtentSet s;
    std::mt19937_64 rng(29);
    for (int round = 0; round < 2; ++round) {
        std::map<std::pair<uint64_t, uint64_t>, Sector> model;
        // Round 0 inserts in random order; round 1, after clear(), mostly in key order.
        for (int step = 0; step < 20000; ++step) {
            const uint64_t inode = rng() % 2;
            const uint64_t start =
                round == 0 ? rng() % 20000 : uint64_t(step) + rng() % 8 - rng() % 40;
            const uint32_t len = 1 + static_cast<uint32_t>(rng() % (step % 8 ? 6 : 300));
            Bkey k = ext(inode, start + len, len, 1000000 + rng() % 1000000, uint8_t(rng()));
            k.dirty = rng() % 2;
            switch (rng() % 8) {
            case 0: k.nptrs = 0; k.ptrs[0] = {}; break; // an erase
            case 1: k.nptrs = 2; k.ptrs[1] = {1, 3000000 + rng() % 1000000, 5}; break;
            case 2: k.high_other |= 1ull << 40; break;
            case 3: k.ptrs[0].bit63 = true; break;
            default: break;
            }
            s.insert(k);
            for (uint64_t x = start; x < start + len; ++x) {
                const uint64_t d = x - start;
                if (!k.nptrs)
                    model.erase({inode, x});
                else
                    model[{inode, x}] = {k.nptrs, k.ptrs[0].offset + d,
                                         k.nptrs > 1 ? k.ptrs[1].offset + d : 0, k.dirty,
                                         k.ptrs[0].bit63, k.high_other};
            }
        }
        size_t u64s = 0, pointed = 0;
        std::pair<uint64_t, uint64_t> prev{0, 0};
        const auto keys = s.keys();
        EXPECT_EQ(keys.size(), s.size());
        for (const Bkey& k : keys) {
            EXPECT_LE(prev, std::make_pair(k.inode, k.start()));
            prev = {k.inode, k.offset};
            u64s += k.u64s();
            for (uint64_t x = k.start(); x < k.offset; ++x) {
                const uint64_t d = x - k.start();
                if (!k.nptrs) {
                    ASSERT_EQ(model.count({k.inode, x}), 0u);
                    continue;
                }
                ++pointed;
                const Sector want{k.nptrs, k.ptrs[0].offset + d, k.nptrs > 1 ? k.ptrs[1].offset + d : 0,
                                  k.dirty, k.ptrs[0].bit63, k.high_other};
                ASSERT_EQ(model.at({k.inode, x}), want) << "inode " << k.inode << " sector " << x;
            }
        }
        EXPECT_EQ(pointed, model.size());
        EXPECT_EQ(s.u64s(), u64s);
        size_t visited = 0;
        s.for_each([&](const Bkey& k) {
            EXPECT_EQ(k.offset, keys[visited].offset);
            ++visited;
        });
        EXPECT_EQ(visited, keys.size());
        s.clear();
        EXPECT_TRUE(s.empty());
        EXPECT_EQ(s.u64s(), 0u);
        EXPECT_TRUE(s.keys().empty());
    }
}

TEST(UuidBucket, RoundTripBothFormats) {
    UuidEntry e;
    e.uuid = *uuid_from_string("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
    e.label[0] = 'x';
    e.first_reg = 1;
    e.last_reg = 2;
    e.invalidated = 3;
    e.flags = UUID_FLASH_ONLY;
    e.sectors = 123456;
    for (bool v0 : {false, true}) {
        const auto buf = encode_uuid_bucket(std::span(&e, 1), v0, 4096);
        auto d = decode_uuid_bucket(buf, v0, 0);
        ASSERT_TRUE(d);
        EXPECT_EQ(d.value().size(), v0 ? 64u : 32u);
        EXPECT_TRUE(d.value()[0].in_use());
        EXPECT_FALSE(d.value()[1].in_use());
        EXPECT_EQ(d.value()[0].last_reg, 2u);
        EXPECT_EQ(d.value()[0].flash_only(), !v0);
        EXPECT_EQ(encode_uuid_bucket(d.value(), v0, 4096), buf);
    }
    std::vector<std::byte> odd(100);
    EXPECT_FALSE(decode_uuid_bucket(odd, false, 0));
}

TEST(KernelFixtures, MetadataReEncodesToTheKernelsBytes) {
    for (const auto& name : testutil::fixture_names()) {
        SCOPED_TRACE(name);
        auto opened = open_device(testutil::fixture_image(name).string(), OpenMode::read_only);
        ASSERT_TRUE(opened) << opened.status.message;
        auto& dev = opened.device;
        auto raw = inspect::read_structure(*dev, "superblock", SB_OFFSET, SB_SIZE);
        auto sb = decode_superblock(raw.value()).value();
        if (!sb.cache_sync())
            continue;
        const uint64_t bb = sb.bucket_sectors() * 512;
        auto journal = inspect::read_journal(*dev, sb);
        ASSERT_TRUE(journal) << journal.error().to_string();
        for (const auto& e : journal.value().replay) {
            const auto bytes = encode_jset(e.jset, sb.set_magic(), size_t{sb.block_size} * 512);
            const auto disk = inspect::read_structure(*dev, "jset", e.device_offset, bytes.size()).value();
            EXPECT_TRUE(std::equal(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(e.jset.bytes()), disk.begin()));
        }
        // Prio sets: re-packing the decoded entries into the read buffer changes nothing.
        const uint64_t first = journal.value().newest().jset.prio_bucket[sb.nr_this_dev];
        auto disk = inspect::read_structure(*dev, "prio_set", first * bb,
                                            inspect::prio_buffer_bytes(sb, inspect::Profile::v6_2)).value();
        auto p = decode_prio_set(disk, sb.set_magic(), 0);
        ASSERT_TRUE(p) << p.error().to_string();
        auto copy = disk;
        encode_prio_set(copy, sb.set_magic(), p.value().seq, p.value().next_bucket, p.value().entries);
        EXPECT_EQ(copy, disk);
        // Root node: every bset re-encodes to the kernel's header and keys.
        const Bkey& root = journal.value().newest().jset.btree_root;
        const uint64_t ptr0 = make_ptr(root.ptrs[0].gen, root.ptrs[0].offset, root.ptrs[0].dev);
        const size_t block = size_t{sb.block_size} * 512;
        auto node_bytes = inspect::read_structure(*dev, "bset", root.ptrs[0].offset * 512, uint64_t{root.size} * 512).value();
        auto node = decode_btree_node(node_bytes, sb.set_magic(), ptr0, block, 0);
        ASSERT_TRUE(node) << node.error().to_string();
        size_t off = 0;
        for (const Bset& s : node.value().bsets) {
            const auto b = encode_bset(s.keys, sb.set_magic(), s.seq, s.version, ptr0, block);
            const size_t used = BSET_HEADER + 8 * size_t{s.u64s};
            EXPECT_TRUE(std::equal(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(used),
                                   node_bytes.begin() + static_cast<std::ptrdiff_t>(off)));
            off += b.size();
        }
    }
}

TEST(Extents, PointerInsertsAndPackedKeysMatchTheBkeyPath) {
    // insert_ptr must build the entry insert() builds for a plain one-pointer key, and
    // for_each_packed must give encode_bkey's words, for keys of every kind; BsetWriter's
    // add_packed, with or without the size known in advance, then encode_bset's bytes.
    ExtentSet s, t;
    std::mt19937_64 rng(31);
    for (int step = 0; step < 5000; ++step) {
        const uint64_t start = rng() % 5000;
        const uint32_t len = 1 + static_cast<uint32_t>(rng() % (step % 8 ? 6 : 200));
        Bkey k = ext(rng() % 2, start + len, len, 1000000 + rng() % 1000000, uint8_t(rng()));
        k.ptrs[0].dev = static_cast<uint16_t>(rng() % 4);
        k.dirty = rng() % 2;
        switch (rng() % 6) {
        case 0: k.nptrs = 0; k.ptrs[0] = {}; break;
        case 1: k.nptrs = 2; k.ptrs[1] = {1, 3000000 + rng() % 1000000, 5}; break;
        case 2: k.high_other |= 1ull << 40; break;
        case 3: k.ptrs[0].bit63 = true; break;
        default: break;
        }
        s.insert(k);
        if (k.nptrs == 1 && k.high_other == Bkey{}.high_other)
            t.insert_ptr(k.inode, k.offset, k.size, k.dirty, k.ptrs[0]);
        else
            t.insert(k);
    }
    const auto keys = s.keys();
    std::vector<uint64_t> want, packed, other;
    for (const Bkey& k : keys) {
        std::array<uint64_t, 2 + MAX_PTRS> w{};
        encode_bkey(k, w);
        want.insert(want.end(), w.begin(), w.begin() + static_cast<std::ptrdiff_t>(k.u64s()));
    }
    s.for_each_packed([&](const uint64_t* w, size_t n) { packed.insert(packed.end(), w, w + n); });
    t.for_each_packed([&](const uint64_t* w, size_t n) { other.insert(other.end(), w, w + n); });
    EXPECT_EQ(packed, want);
    EXPECT_EQ(other, want);
    EXPECT_EQ(t.u64s(), s.u64s());
    const uint64_t ptr0 = make_ptr(2, 4096, 0);
    const auto bytes = encode_bset(keys, kSetMagic, 5, 1, ptr0, 4096);
    for (size_t hint : {size_t{0}, s.u64s()}) {
        BsetWriter b(4096, hint);
        s.for_each_packed([&](const uint64_t* w, size_t n) { b.add_packed(w, n); });
        EXPECT_EQ(b.u64s(), s.u64s());
        EXPECT_EQ(std::move(b).finish(kSetMagic, 5, 1, ptr0), bytes) << "hint " << hint;
    }
}

} // namespace
} // namespace bucketscope::ondisk
