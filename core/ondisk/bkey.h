#pragma once
// bkey encoding (bcache-ondisk.md section 4): high word {PTRS:3@60, DIRTY@36, SIZE:16@20,
// INODE:20@0} with bit 63 set by KEY(), low word = KEY_OFFSET (the extent's end sector),
// then one u64 per pointer {DEV:12@51, OFFSET:43@8, GEN:8@0}.

#include <array>
#include <cstdint>
#include <span>

namespace bucketscope::ondisk {

inline constexpr unsigned MAX_PTRS = 7;
inline constexpr uint64_t MAX_KEY_INODE = (1ull << 20) - 1;
inline constexpr uint64_t MAX_KEY_OFFSET = ~0ull >> 1;

struct BkeyPtr {
    uint16_t dev = 0;
    uint64_t offset = 0; // sectors on the cache device
    uint8_t gen = 0;
};

struct Bkey {
    uint64_t inode = 0;
    uint64_t offset = 0; // end sector (exclusive)
    uint32_t size = 0;   // sectors
    bool dirty = false;
    uint8_t nptrs = 0;
    std::array<BkeyPtr, MAX_PTRS> ptrs{};

    uint64_t start() const { return offset - size; }
    size_t u64s() const { return 2 + nptrs; }
};

uint64_t make_ptr(uint8_t gen, uint64_t offset, uint16_t dev);
BkeyPtr decode_ptr(uint64_t word);
// Appends 2 + nptrs u64s.
void encode_bkey(const Bkey& k, std::span<uint64_t> out);
// Decodes the key starting at `in[0]`; `in` must hold at least 2 + KEY_PTRS words (checked
// by the caller through bkey_u64s()).
Bkey decode_bkey(std::span<const uint64_t> in);
size_t bkey_u64s(uint64_t high_word);

} // namespace bucketscope::ondisk
