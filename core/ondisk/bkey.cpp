// bkey packing. A key is two header words plus one word per pointer; the field positions
// are the kernel's BITMASK layout (bcache-ondisk.md section 4). Bit 63 of the high word is
// is set by default because KEY() sets it; decode keeps it and any other unused bit, and
// the bit 63 of check-key pointer words, so keys re-encode byte for byte.

#include "core/ondisk/bkey.h"

#include <algorithm>

namespace bucketscope::ondisk {
namespace {

constexpr uint64_t field(uint64_t word, unsigned shift, unsigned bits) {
    return (word >> shift) & ((1ull << bits) - 1);
}

} // namespace

BkeyPtr decode_ptr(uint64_t word) {
    BkeyPtr p;
    p.dev = static_cast<uint16_t>(field(word, 51, 12));
    p.offset = field(word, 8, 43);
    p.gen = static_cast<uint8_t>(field(word, 0, 8));
    p.bit63 = (word >> 63) != 0;
    return p;
}

size_t bkey_u64s(uint64_t high_word) { return 2 + field(high_word, 60, 3); }

uint64_t bkey_high(const Bkey& k) {
    return (k.high_other & ~kKnownHighBits) | key_high_fields(k.inode, k.size, k.dirty, k.nptrs);
}

void encode_bkey(const Bkey& k, std::span<uint64_t> out) {
    out[0] = bkey_high(k);
    out[1] = k.offset;
    for (unsigned i = 0; i < k.nptrs; ++i)
        out[2 + i] = make_ptr(k.ptrs[i].gen, k.ptrs[i].offset, k.ptrs[i].dev) |
                     (static_cast<uint64_t>(k.ptrs[i].bit63) << 63);
}

Bkey decode_bkey(std::span<const uint64_t> in) {
    Bkey k;
    const uint64_t high = in[0];
    k.nptrs = static_cast<uint8_t>(field(high, 60, 3));
    k.dirty = field(high, 36, 1) != 0;
    k.size = static_cast<uint32_t>(field(high, 20, 16));
    k.inode = field(high, 0, 20);
    k.high_other = high & ~kKnownHighBits;
    k.offset = in.size() > 1 ? in[1] : 0;
    const size_t avail = in.size() > 2 ? in.size() - 2 : 0;
    for (size_t i = 0; i < std::min<size_t>(k.nptrs, avail); ++i)
        k.ptrs[i] = decode_ptr(in[2 + i]);
    return k;
}

Result<std::vector<Bkey>> decode_bkeys(std::span<const uint64_t> words, const char* structure,
                                       uint64_t device_offset) {
    std::vector<Bkey> keys;
    size_t i = 0;
    while (i < words.size()) {
        const size_t n = bkey_u64s(words[i]);
        if (i + n > words.size())
            return ParseError{structure, device_offset + 8 * i,
                              "key of " + std::to_string(n) + " u64s runs past the end of the " +
                                  std::to_string(words.size()) + " u64s of keys"};
        keys.push_back(decode_bkey(words.subspan(i, n)));
        i += n;
    }
    return keys;
}

bool bkey_is_zero(const Bkey& k) { return k.inode == 0 && k.offset == 0; }

int bkey_cmp(const Bkey& a, const Bkey& b) {
    if (a.inode != b.inode)
        return a.inode < b.inode ? -1 : 1;
    if (a.offset != b.offset)
        return a.offset < b.offset ? -1 : 1;
    return 0;
}

uint8_t gen_after(uint8_t a, uint8_t b) {
    const uint8_t r = static_cast<uint8_t>(a - b);
    return r > 128 ? 0 : r;
}

} // namespace bucketscope::ondisk
