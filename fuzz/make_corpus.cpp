// Writes the seed corpus for the fuzz targets: one or two small valid structures per
// parser, made by the project's own encoders, each prefixed by the parameter bytes its
// target reads first (see fuzz_input.h). Run by tools/fuzz into fuzz/corpus/<target>/;
// the files are committed so the regression replay in tests sees the same seeds.
//
// Usage: make_fuzz_corpus DIR

#include "core/device/cache_format.h"
#include "core/ondisk/bkey.h"
#include "core/ondisk/bset.h"
#include "core/ondisk/jset.h"
#include "core/ondisk/prio_set.h"
#include "core/ondisk/superblock.h"
#include "core/ondisk/uuid_entry.h"
#include "fuzz/fuzz_input.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

using namespace bucketscope;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<std::byte>;

void save(const fs::path& dir, const std::string& target, const std::string& name,
          std::initializer_list<uint8_t> params, const Bytes& body) {
    fs::create_directories(dir / target);
    std::ofstream out(dir / target / name, std::ios::binary | std::ios::trunc);
    for (uint8_t p : params)
        out.put(static_cast<char>(p));
    out.write(reinterpret_cast<const char*>(body.data()),
              static_cast<std::streamsize>(body.size()));
}

ondisk::CacheSuperblock seed_superblock() {
    FormatOptions o;
    o.bucket_bytes = 4096;
    o.block_bytes = 512;
    o.uuid = ondisk::uuid_from_string("81448a53-e704-4a11-8434-59793d822ca5");
    o.set_uuid = ondisk::uuid_from_string("01234567-89ab-cdef-0123-456789abcdef");
    FormatPlan plan;
    if (!plan_cache_format(o, 4 << 20, 512, plan))
        std::abort();
    return plan.sb;
}

ondisk::Bkey extent(uint64_t inode, uint64_t end, uint32_t size, uint64_t sector, uint8_t gen,
                    bool dirty) {
    ondisk::Bkey k;
    k.inode = inode;
    k.offset = end;
    k.size = size;
    k.dirty = dirty;
    k.nptrs = 1;
    k.ptrs[0] = {0, sector, gen};
    return k;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: make_fuzz_corpus DIR\n";
        return 2;
    }
    fs::path dir = argv[1];
    const uint64_t magic = fuzz::kSeedSetMagic;

    // Superblock: a fresh one (keys 0) and one as the kernel rewrites it (version 3,
    // CACHE_SYNC, journal buckets 3..10). 0x80: device size unknown.
    auto sb = seed_superblock();
    Bytes sb_bytes = ondisk::encode_superblock(sb);
    sb_bytes.resize(2264);
    save(dir, "superblock", "fresh", {0x80, 0, 0}, sb_bytes);
    sb.version = ondisk::BCACHE_SB_VERSION_CDEV_WITH_UUID;
    sb.set_cache_sync(true);
    sb.keys = 8;
    for (uint16_t i = 0; i < sb.keys; ++i)
        sb.d[i] = sb.first_bucket + i;
    sb_bytes = ondisk::encode_superblock(sb);
    sb_bytes.resize(2264);
    save(dir, "superblock", "registered", {0x80, 0, 0}, sb_bytes);

    // Prio set: one 4 KiB prio bucket with a few gens and prios set.
    Bytes prio(4096);
    std::vector<ondisk::BucketDisk> entries((4096 - ondisk::PRIO_SET_HEADER) / 3);
    for (size_t i = 0; i < entries.size(); i += 7)
        entries[i] = {static_cast<uint16_t>(32768 - i), static_cast<uint8_t>(i % 5)};
    ondisk::encode_prio_set(prio, magic, 3, 0, entries);
    save(dir, "prio_set", "one_bucket", {1}, prio);

    // Journal: a jset with roots and two journalled keys, 512-byte blocks.
    ondisk::Jset j;
    j.magic = 0;
    j.seq = 7;
    j.last_seq = 5;
    j.btree_root = extent(0, 0, 8, 24, 1, false);
    j.uuid_bucket = extent(0, 0, 8, 32, 1, false);
    j.prio_bucket[0] = 11;
    j.keys = {extent(1, 128, 64, 4096, 0, true), extent(1, 256, 128, 4200, 0, false)};
    save(dir, "jset", "two_keys", {1}, ondisk::encode_jset(j, magic, 512));

    // Btree node: two bsets (the second overwrites part of the first) in a 4 KiB node.
    uint64_t ptr0 = ondisk::make_ptr(1, 1024, 0);
    std::vector<std::vector<ondisk::Bkey>> bsets = {
        {extent(1, 64, 64, 2048, 0, false), extent(1, 192, 128, 2112, 0, true)},
        {extent(1, 128, 32, 2240, 0, false)}};
    save(dir, "btree_node", "two_bsets", {1, 0, 1, 1},
         ondisk::encode_btree_node(bsets, 42, magic, ptr0, 512, 4096));

    // Bkeys: an extent, a key with two pointers, a zero key.
    std::vector<ondisk::Bkey> keys = {extent(3, 100, 50, 9000, 2, true)};
    keys.push_back(extent(4, 1000, 8, 16, 0, false));
    keys.back().nptrs = 2;
    keys.back().ptrs[1] = {0, 24, 3};
    keys.push_back(ondisk::Bkey{});
    std::vector<uint64_t> words;
    for (const auto& k : keys) {
        std::vector<uint64_t> w(k.u64s());
        ondisk::encode_bkey(k, w);
        words.insert(words.end(), w.begin(), w.end());
    }
    Bytes key_bytes(words.size() * 8);
    std::memcpy(key_bytes.data(), words.data(), key_bytes.size());
    save(dir, "bkey", "three_keys", {}, key_bytes);

    // Uuid bucket: one backing device and one flash volume, both entry formats.
    std::vector<ondisk::UuidEntry> uuids(2);
    uuids[0].uuid = sb.uuid;
    uuids[0].first_reg = uuids[0].last_reg = 1700000000;
    uuids[1].uuid = sb.set_uuid;
    uuids[1].flags = ondisk::UUID_FLASH_ONLY;
    uuids[1].sectors = 1 << 20;
    save(dir, "uuid_entry", "v1", {0}, ondisk::encode_uuid_bucket(uuids, false, 1024));
    save(dir, "uuid_entry", "v0", {1}, ondisk::encode_uuid_bucket(uuids, true, 1024));

    // Inspect: the first 8 KiB of a freshly formatted 4 MiB cache (the rest is zeros).
    Bytes image(8192);
    auto fresh = ondisk::encode_superblock(seed_superblock());
    std::copy(fresh.begin(), fresh.end(), image.begin() + 4096);
    save(dir, "inspect", "fresh_cache", {}, image);
    return 0;
}
