#pragma once
// Helpers for the engine tests: an engine on RAM devices with small, fast geometry, and
// readers for what it wrote (journal entries, prio sets) so tests can check the bytes.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "core/alloc/alloc.h"
#include "core/device/cache_format.h"
#include "core/device/ram_device.h"
#include "core/engine/engine.h"
#include "core/gc/gc.h"
#include "core/index/extent_index.h"
#include "core/ondisk/jset.h"
#include "core/ondisk/prio_set.h"

namespace bucketscope::test {

struct EngineRig {
    std::vector<std::unique_ptr<RamDevice>> devices;
    std::unique_ptr<Engine> engine;

    Engine& operator*() { return *engine; }
    Engine* operator->() { return engine.get(); }
};

inline EngineOptions small_options(uint64_t nbuckets = 1088, uint32_t bucket_size = 16,
                                   KernelProfile profile = KernelProfile::V6_2) {
    EngineOptions o;
    o.geometry.nbuckets = nbuckets;
    o.geometry.bucket_size = bucket_size;
    o.geometry.block_size = 8;
    o.geometry.first_bucket = 1;
    o.profile = profile;
    return o;
}

inline EngineRig make_rig(const EngineOptions& o) {
    EngineRig r;
    std::vector<Device*> ptrs;
    for (unsigned i = 0; i < o.ncaches; ++i) {
        r.devices.push_back(
            std::make_unique<RamDevice>(o.geometry.nbuckets * (uint64_t(o.geometry.bucket_size) << 9)));
        ptrs.push_back(r.devices.back().get());
    }
    std::string why;
    r.engine = Engine::create(ptrs, o, &why);
    EXPECT_TRUE(r.engine) << why;
    return r;
}

inline std::vector<std::byte> read_bytes(Device& d, uint64_t offset, uint64_t len) {
    std::vector<std::byte> buf(len);
    EXPECT_TRUE(d.read(offset, buf).is_ok());
    return buf;
}

// The newest jset found by scanning every journal bucket block by block.
inline std::optional<ondisk::Jset> newest_jset(Device& d, const CacheGeometry& g, unsigned keys,
                                               uint64_t set_magic, uint64_t* bucket_out = nullptr) {
    std::optional<ondisk::Jset> best;
    const uint64_t block = uint64_t(g.block_size) << 9;
    for (unsigned i = 0; i < keys; ++i) {
        const uint64_t bucket = g.first_bucket + i;
        const auto buf = read_bytes(d, bucket * g.bucket_bytes(), g.bucket_bytes());
        for (uint64_t off = 0; off < buf.size(); off += block) {
            auto r = ondisk::decode_jset(std::span(buf).subspan(off), set_magic, off);
            if (r && (!best || r.value().seq > best->seq)) {
                best = r.value();
                if (bucket_out)
                    *bucket_out = bucket;
            }
        }
    }
    return best;
}

// (inode, logical sector) -> (cache sector, pointer gen, dirty) of every live pointer.
using SectorMap = std::map<std::pair<uint64_t, uint64_t>, std::tuple<uint64_t, uint8_t, bool>>;

inline void add_sectors(SectorMap& m, uint64_t inode, uint64_t start, uint32_t size, uint64_t phys,
                        uint8_t gen, bool dirty) {
    for (uint32_t i = 0; i < size; ++i)
        m[{inode, start + i}] = {phys + i, gen, dirty};
}

// What the engine's index maps through pointers that are live by its in-memory gens.
inline SectorMap live_sectors(Engine& e) {
    SectorMap m;
    e.with_state([&](CacheSet& c, ExtentIndex& idx, const GcRoots&) {
        idx.for_each([&](const Extent& k) {
            if (!ptr_stale(c, k.ptrs[0]))
                add_sectors(m, k.inode, k.start(), k.size, k.ptrs[0].offset, k.ptrs[0].gen,
                            k.dirty);
        });
    });
    return m;
}

// A RAM device with a cache superblock exactly as make-bcache -C writes it.
inline std::unique_ptr<RamDevice> formatted_ram(uint64_t nbuckets, uint64_t bucket_bytes,
                                                uint64_t block_bytes,
                                                ondisk::CacheReplacement policy =
                                                    ondisk::CacheReplacement::lru) {
    auto dev = std::make_unique<RamDevice>(nbuckets * bucket_bytes);
    FormatOptions f;
    f.bucket_bytes = bucket_bytes;
    f.block_bytes = block_bytes;
    f.policy = policy;
    FormatPlan plan;
    EXPECT_TRUE(plan_cache_format(f, dev->size_bytes(), 512, plan).is_ok());
    EXPECT_TRUE(write_cache_superblock(*dev, plan.sb).is_ok());
    return dev;
}

} // namespace bucketscope::test
