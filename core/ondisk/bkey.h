#pragma once
// bkey encoding (bcache-ondisk.md section 4): high word {PTRS:3@60, DIRTY@36, SIZE:16@20,
// INODE:20@0} with bit 63 set by KEY(), low word = KEY_OFFSET (the extent's end sector),
// then one u64 per pointer {DEV:12@51, OFFSET:43@8, GEN:8@0}.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "core/ondisk/result.h"

namespace bucketscope::ondisk {

inline constexpr unsigned MAX_PTRS = 7;
inline constexpr uint64_t MAX_KEY_INODE = (1ull << 20) - 1;
inline constexpr uint64_t MAX_KEY_OFFSET = ~0ull >> 1;

struct BkeyPtr {
    uint16_t dev = 0;
    uint64_t offset = 0; // sectors on the cache device
    uint8_t gen = 0;
    // Bit 63 is unused, but check keys (PTR_CHECK_DEV) carry a random pointer word that
    // may set it; kept so such keys re-encode byte for byte.
    bool bit63 = false;
};

struct Bkey {
    uint64_t inode = 0;
    uint64_t offset = 0; // end sector (exclusive)
    uint32_t size = 0;   // sectors
    bool dirty = false;
    uint8_t nptrs = 0;
    std::array<BkeyPtr, MAX_PTRS> ptrs{};
    // High-word bits outside the fields above (bit 63 that KEY() sets, KEY_CSUM, pads),
    // kept for byte-exact re-encoding.
    uint64_t high_other = 1ull << 63;

    uint64_t start() const { return offset - size; }
    size_t u64s() const { return 2 + nptrs; }
};

// The pointer word {DEV:12@51, OFFSET:43@8, GEN:8@0}.
constexpr uint64_t make_ptr(uint8_t gen, uint64_t offset, uint16_t dev) {
    return (static_cast<uint64_t>(dev & 0xfff) << 51) | ((offset & ((1ull << 43) - 1)) << 8) | gen;
}
// The high-word bits of the fields Bkey has members for; every other bit is high_other's.
inline constexpr uint64_t kKnownHighBits =
    (7ull << 60) | (1ull << 36) | (0xffffull << 20) | MAX_KEY_INODE;
// Those fields in their high-word positions.
constexpr uint64_t key_high_fields(uint64_t inode, uint32_t size, bool dirty, unsigned nptrs) {
    return (static_cast<uint64_t>(nptrs & 7) << 60) | (static_cast<uint64_t>(dirty) << 36) |
           (static_cast<uint64_t>(size & 0xffff) << 20) | (inode & MAX_KEY_INODE);
}
// encode_bkey of a key with one pointer and nothing else set (KEY()'s bit 63 only), which
// is every key a cache miss inserts, without building the Bkey: 3 words.
inline void encode_ptr_key(uint64_t inode, uint64_t offset, uint32_t size, bool dirty,
                           uint16_t dev, uint64_t ptr_offset, uint8_t gen, uint64_t* out) {
    out[0] = (1ull << 63) | key_high_fields(inode, size, dirty, 1);
    out[1] = offset;
    out[2] = make_ptr(gen, ptr_offset, dev);
}
BkeyPtr decode_ptr(uint64_t word);
// Appends 2 + nptrs u64s.
void encode_bkey(const Bkey& k, std::span<uint64_t> out);
// Decodes the key starting at `in[0]`; `in` must hold at least 2 + KEY_PTRS words (checked
// by the caller through bkey_u64s()).
Bkey decode_bkey(std::span<const uint64_t> in);
size_t bkey_u64s(uint64_t high_word);
// The high word as KEY() builds it (bit 63 set).
uint64_t bkey_high(const Bkey& k);
// Walks packed keys (advance by 2 + KEY_PTRS); a key running past the end is an error
// naming `structure` and the device byte offset of the offending key.
Result<std::vector<Bkey>> decode_bkeys(std::span<const uint64_t> words, const char* structure,
                                       uint64_t device_offset);
// inode:offset equal to ZERO_KEY (uuid-bucket keys and freeing keys; GC skips them).
bool bkey_is_zero(const Bkey& k);
// Orders by (inode, offset) like the kernel's bkey_cmp.
int bkey_cmp(const Bkey& a, const Bkey& b);
// How far gen `a` has moved past gen `b` (mod 256), 0 if b is ahead: ptr_stale when
// gen_after(bucket.gen, ptr.gen) != 0.
uint8_t gen_after(uint8_t a, uint8_t b);

} // namespace bucketscope::ondisk
