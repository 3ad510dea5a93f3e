#pragma once
// A bucket's in-memory state, exactly as bcache keeps it in `struct bucket`.
//
// bcache never overwrites a bucket in place: it reuses one by bumping its 8-bit gen, which
// makes every pointer still carrying the old gen stale. `last_gc` remembers the oldest gen
// GC saw pointing into the bucket, so gen - last_gc is how far the bucket has run ahead of
// the btree; it must stay below BUCKET_GC_GEN_MAX or an old pointer could wrap around and
// look valid again. `prio` orders buckets for LRU eviction and `gc_mark` packs what GC
// found in the bucket (nothing, clean data, dirty data or metadata) and how many sectors.
//
// The layout is 12 bytes on purpose: the engine must fit in 16 bytes per bucket in all,
// for caches with millions of buckets. All fields are guarded by the cache set's
// bucket_lock; nothing here is atomic.

#include <cstdint>

namespace bucketscope {

inline constexpr uint16_t INITIAL_PRIO = 32768;
inline constexpr uint16_t BTREE_PRIO = 65535;
inline constexpr uint8_t BUCKET_GC_GEN_MAX = 96;
inline constexpr unsigned GC_SECTORS_USED_SIZE = 13;
inline constexpr uint16_t MAX_GC_SECTORS_USED = (1u << GC_SECTORS_USED_SIZE) - 1;

enum class GcMark : uint8_t {
    None = 0,        // no live data: free to invalidate
    Reclaimable = 1, // clean cached data: can be evicted
    Dirty = 2,       // dirty data: never reused until written back
    Metadata = 3,    // btree node, journal, prio or uuid bucket
};

const char* to_string(GcMark m);
// Parses "unused" / "reclaimable" / "dirty" / "metadata"; returns false for anything else.
bool parse_gc_mark(const char* s, GcMark& out);

struct Bucket {
    int32_t pin = 0;
    uint16_t prio = 0;
    uint8_t gen = 0;
    uint8_t last_gc = 0;
    // Bits 0-1 GC_MARK, 2-14 GC_SECTORS_USED, 15 GC_MOVE (the kernel's packing).
    uint16_t gc_mark = 0;
    // Not the kernel's: the rescale pass (mod 2^16) `prio` was last brought up to date at,
    // for the deferred rescale of prio_clock.h. Lives in what would be padding.
    uint16_t prio_stamp = 0;

    GcMark mark() const { return static_cast<GcMark>(gc_mark & 3u); }
    void set_mark(GcMark m) {
        gc_mark = static_cast<uint16_t>((gc_mark & ~3u) | static_cast<unsigned>(m));
    }
    uint16_t sectors_used() const { return (gc_mark >> 2) & MAX_GC_SECTORS_USED; }
    // Masks to 13 bits like the kernel's setter: 8192 stores as 0. Callers that want
    // GC's saturation clamp before calling.
    void set_sectors_used(uint32_t v) {
        gc_mark = static_cast<uint16_t>((gc_mark & ~(MAX_GC_SECTORS_USED << 2)) |
                                        ((v & MAX_GC_SECTORS_USED) << 2));
    }
    bool gc_move() const { return (gc_mark >> 15) & 1u; }
    void set_gc_move(bool v) {
        gc_mark = static_cast<uint16_t>((gc_mark & 0x7fffu) | (v ? 0x8000u : 0u));
    }
};

static_assert(sizeof(Bucket) <= 12, "struct bucket must stay at 12 bytes");

// How far the gen has run ahead of the oldest pointer GC saw (u8 arithmetic, wraps).
inline uint8_t bucket_gc_gen(const Bucket& b) {
    return static_cast<uint8_t>(b.gen - b.last_gc);
}

// How many gens a is ahead of b (mod 256); 0 if a is not after b. A pointer with gen p
// into a bucket with gen g is stale when gen_after(g, p) != 0.
inline uint8_t gen_after(uint8_t a, uint8_t b) {
    const uint8_t r = static_cast<uint8_t>(a - b);
    return r > 128u ? 0 : r;
}

} // namespace bucketscope
