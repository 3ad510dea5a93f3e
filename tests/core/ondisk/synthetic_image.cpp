// The layout is fixed so tests can state expectations bucket by bucket; only the
// encoders under test produce bytes, so a round trip through inspect checks them against
// each other and the fixtures check them against the kernel.

#include "synthetic_image.h"

#include <fstream>

#include "core/inspect/bucket_state.h"
#include "core/ondisk/bset.h"
#include "core/ondisk/uuid_entry.h"

namespace bucketscope::testutil {

using ondisk::Bkey;

Bkey SyntheticImage::node_key(uint64_t inode, uint64_t offset, uint64_t bucket, uint8_t gen) {
    Bkey k;
    k.inode = inode;
    k.offset = offset;
    k.size = kBucketSectors;
    k.nptrs = 1;
    k.ptrs[0] = {0, bucket * kBucketSectors, gen};
    return k;
}

Bkey SyntheticImage::extent(uint64_t inode, uint64_t end, uint32_t size, uint64_t bucket,
                            uint8_t gen, bool dirty, uint64_t in_bucket) {
    Bkey k;
    k.inode = inode;
    k.offset = end;
    k.size = size;
    k.dirty = dirty;
    k.nptrs = 1;
    k.ptrs[0] = {0, bucket * kBucketSectors + in_bucket, gen};
    return k;
}

SyntheticImage::SyntheticImage() {
    sb.uuid = *ondisk::uuid_from_string("11111111-2222-3333-4444-555555555555");
    sb.set_uuid = *ondisk::uuid_from_string("01234567-89ab-cdef-0123-456789abcdef");
    sb.version = ondisk::BCACHE_SB_VERSION_CDEV_WITH_UUID;
    sb.nbuckets = kNbuckets;
    sb.block_size = 1;
    sb.bucket_size = kBucketSectors;
    sb.first_bucket = 3;
    sb.keys = 2;
    sb.d[0] = 3;
    sb.d[1] = 4;
    sb.seq = 1;
    sb.set_cache_sync(true);

    prios.assign(kNbuckets, {});
    for (uint64_t b : kPrio)
        prios[b] = {inspect::INITIAL_PRIO, 0};
    for (uint64_t b : {kRoot, kLeafA, kLeafB})
        prios[b] = {inspect::BTREE_PRIO, 0};
    prios[100] = {30000, 1};
    prios[101] = {32768, 1};
    prios[102] = {20000, 2}; // pointers with gen 1 into it are stale
    prios[103] = {25000, 0};
    prios[104] = {32768, 0};
    prio_next = {kPrio[1], kPrio[2], 13}; // the last names a previous set: never followed

    root_keys = {node_key(0, 100, kLeafA, 0),
                 node_key(ondisk::MAX_KEY_INODE, ondisk::MAX_KEY_OFFSET, kLeafB, 0)};
    // Leaf A: a dirty 16-sector extent, then a newer clean one over its back half.
    leaf_a = {{extent(0, 16, 16, 100, 1, true)}, {extent(0, 16, 8, 101, 1, false)}};
    // Leaf B: a stale extent and a clean one.
    leaf_b = {{extent(1, 8, 8, 102, 1, false), extent(1, 4096, 8, 103, 0, false)}};

    newest.seq = 5;
    newest.last_seq = 5;
    newest.uuid_bucket = node_key(0, 0, kUuid, 0);
    newest.btree_root = node_key(ondisk::MAX_KEY_INODE, ondisk::MAX_KEY_OFFSET, kRoot, 0);
    newest.btree_level = 1;
    newest.prio_bucket[0] = kPrio[0];
    newest.keys = {extent(2, 8, 8, 104, 0, true)};
    older = newest;
    older.seq = 4;
    older.last_seq = 4;
    older.keys.clear();
}

void SyntheticImage::write(const std::filesystem::path& path) const {
    std::filesystem::remove(path);
    std::ofstream f(path, std::ios::binary);
    auto put = [&](uint64_t offset, const std::vector<std::byte>& b) {
        f.seekp(static_cast<std::streamoff>(offset));
        f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    };
    put(ondisk::SB_OFFSET, ondisk::encode_superblock(sb));
    const uint64_t set_magic = sb.set_magic();
    const uint64_t ppb = (bucket_bytes() - ondisk::PRIO_SET_HEADER) / 3;
    for (size_t i = 0; i < 3; ++i) {
        std::vector<std::byte> buf(bucket_bytes());
        const size_t first = i * ppb;
        const size_t n = std::min<size_t>(ppb, prios.size() - first);
        ondisk::encode_prio_set(buf, set_magic, 7, prio_next[i],
                                std::span(prios).subspan(first, n));
        put(kPrio[i] * bucket_bytes(), buf);
    }
    put(sb.d[0] * bucket_bytes(), ondisk::encode_jset(older, set_magic, block_bytes()));
    put(sb.d[1] * bucket_bytes(), ondisk::encode_jset(newest, set_magic, block_bytes()));
    ondisk::UuidEntry flash;
    flash.uuid = *ondisk::uuid_from_string("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
    flash.flags = ondisk::UUID_FLASH_ONLY;
    flash.sectors = 1 << 20;
    put(kUuid * bucket_bytes(), ondisk::encode_uuid_bucket(std::span(&flash, 1), false, bucket_bytes()));
    auto node = [&](uint64_t bucket, const std::vector<std::vector<Bkey>>& bsets) {
        const Bkey key = node_key(0, 0, bucket, prios[bucket].gen);
        const uint64_t ptr0 = ondisk::make_ptr(key.ptrs[0].gen, key.ptrs[0].offset, 0);
        put(bucket * bucket_bytes(), ondisk::encode_btree_node(bsets, node_seq + bucket, set_magic, ptr0,
                                                               block_bytes(), bucket_bytes()));
    };
    node(kRoot, {{}, root_keys});
    node(kLeafA, leaf_a);
    node(kLeafB, leaf_b);
    f.close();
    std::filesystem::resize_file(path, kNbuckets * bucket_bytes());
}

} // namespace bucketscope::testutil
