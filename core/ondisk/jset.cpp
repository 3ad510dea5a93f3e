// jset encode/decode. The header's two BKEY_PADDED fields are 8-u64 slots holding one
// packed key each; the payload is `keys` u64s of packed bkeys. Decode checks what
// journal_read_bucket checks (magic, size, csum) plus version and that the payload's
// keys consume exactly `keys` u64s, so a caller scanning a bucket block by block can
// treat any error as "no entry here".

#include "core/ondisk/jset.h"

#include <algorithm>

#include "core/ondisk/crc64.h"
#include "core/ondisk/le.h"

namespace bucketscope::ondisk {
namespace {

constexpr size_t kUuidBucketOff = 40;
constexpr size_t kBtreeRootOff = 104;
constexpr size_t kBtreeLevelOff = 168;
constexpr size_t kPrioBucketOff = 176;
constexpr size_t kPaddedKeyU64s = 8;

size_t keys_u64s(const std::vector<Bkey>& keys) {
    size_t n = 0;
    for (const Bkey& k : keys)
        n += k.u64s();
    return n;
}

void put_key(std::span<std::byte> buf, size_t off, const Bkey& k) {
    std::array<uint64_t, 2 + MAX_PTRS> w{};
    encode_bkey(k, w);
    for (size_t i = 0; i < k.u64s(); ++i)
        store_le<uint64_t>(buf, off + 8 * i, w[i]);
}

Result<Bkey> padded_key(std::span<const std::byte> buf, size_t off, uint64_t device_offset,
                        const char* what) {
    std::array<uint64_t, kPaddedKeyU64s> w{};
    for (size_t i = 0; i < w.size(); ++i)
        w[i] = le64(buf, off + 8 * i);
    if (bkey_u64s(w[0]) > kPaddedKeyU64s)
        return ParseError{"jset", device_offset + off,
                          std::string(what) + " key has " + std::to_string(bkey_u64s(w[0]) - 2) +
                              " pointers, expected at most 6 in its 8-u64 slot"};
    return decode_bkey(std::span<const uint64_t>(w.data(), bkey_u64s(w[0])));
}

} // namespace

size_t Jset::bytes() const { return JSET_HEADER + 8 * keys_u64s(keys); }

void JsetWriter::reset(std::vector<std::byte> buf) {
    buf_ = std::move(buf);
    buf_.clear();
    buf_.resize(JSET_HEADER);
    used_ = JSET_HEADER;
}

void JsetWriter::add_packed(const uint64_t* words, size_t n) {
    if (used_ + 8 * n > buf_.size())
        buf_.resize(std::max(2 * buf_.size(), used_ + 8 * n));
    std::byte* p = buf_.data() + used_;
    for (size_t i = 0; i < n; ++i)
        store_le64(p + 8 * i, words[i]);
    used_ += 8 * n;
}

void JsetWriter::add(const Bkey& k) {
    std::array<uint64_t, 2 + MAX_PTRS> w{};
    encode_bkey(k, w);
    add_packed(w.data(), k.u64s());
}

std::vector<std::byte> JsetWriter::finish(const Jset& j, uint64_t set_magic, size_t block_bytes,
                                          std::vector<std::byte> spare) {
    const size_t bytes = used_;
    // Past used_ the buffer is zeros, so cutting or growing it leaves the padding zero.
    buf_.resize(blocks(block_bytes) * block_bytes);
    std::span<std::byte> b(buf_);
    store_le<uint64_t>(b, 8, set_magic ^ JSET_MAGIC);
    store_le<uint64_t>(b, 16, j.seq);
    store_le<uint32_t>(b, 24, j.version);
    store_le<uint32_t>(b, 28, static_cast<uint32_t>(u64s()));
    store_le<uint64_t>(b, 32, j.last_seq);
    put_key(b, kUuidBucketOff, j.uuid_bucket);
    put_key(b, kBtreeRootOff, j.btree_root);
    store_le<uint16_t>(b, kBtreeLevelOff, j.btree_level);
    for (size_t i = 0; i < j.prio_bucket.size(); ++i)
        store_le<uint64_t>(b, kPrioBucketOff + 8 * i, j.prio_bucket[i]);
    store_le<uint64_t>(b, 0, bch_crc64(b.subspan(8, bytes - 8)));
    std::vector<std::byte> out = std::move(buf_);
    reset(std::move(spare));
    return out;
}

std::vector<std::byte> encode_jset(const Jset& j, uint64_t set_magic, size_t block_bytes) {
    JsetWriter w;
    for (const Bkey& k : j.keys)
        w.add(k);
    return w.finish(j, set_magic, block_bytes);
}

Result<Jset> decode_jset(std::span<const std::byte> buf, uint64_t set_magic,
                         uint64_t device_offset) {
    if (buf.size() < JSET_HEADER)
        return ParseError{"jset", device_offset,
                          "only " + std::to_string(buf.size()) +
                              " bytes left, expected a 240-byte header"};
    Jset j;
    j.csum = le64(buf, 0);
    j.magic = le64(buf, 8);
    if (j.magic != (set_magic ^ JSET_MAGIC))
        return ParseError{"jset", device_offset + 8,
                          "bad magic " + hex64(j.magic) + ", expected " +
                              hex64(set_magic ^ JSET_MAGIC)};
    const uint32_t nkeys = le32(buf, 28);
    const uint64_t bytes = JSET_HEADER + 8ull * nkeys;
    if (bytes > buf.size())
        return ParseError{"jset", device_offset + 28,
                          "keys = " + std::to_string(nkeys) + " u64s gives " +
                              std::to_string(bytes) + " bytes, more than the " +
                              std::to_string(buf.size()) + " bytes left in the journal bucket"};
    const uint64_t want = bch_crc64(buf.subspan(8, bytes - 8));
    if (j.csum != want)
        return ParseError{"jset", device_offset,
                          "bad csum " + hex64(j.csum) + ", expected " + hex64(want)};
    j.seq = le64(buf, 16);
    j.version = le32(buf, 24);
    if (j.version > BCACHE_JSET_VERSION)
        return ParseError{"jset", device_offset + 24,
                          "version " + std::to_string(j.version) + ", expected 0 or 1"};
    j.last_seq = le64(buf, 32);
    auto uuid = padded_key(buf, kUuidBucketOff, device_offset, "uuid_bucket");
    if (!uuid)
        return uuid.error();
    auto root = padded_key(buf, kBtreeRootOff, device_offset, "btree_root");
    if (!root)
        return root.error();
    j.uuid_bucket = uuid.value();
    j.btree_root = root.value();
    j.btree_level = le16(buf, kBtreeLevelOff);
    for (size_t i = 0; i < j.prio_bucket.size(); ++i)
        j.prio_bucket[i] = le64(buf, kPrioBucketOff + 8 * i);
    std::vector<uint64_t> words(nkeys);
    for (size_t i = 0; i < nkeys; ++i)
        words[i] = le64(buf, JSET_HEADER + 8 * i);
    auto keys = decode_bkeys(words, "jset", device_offset + JSET_HEADER);
    if (!keys)
        return keys.error();
    j.keys = std::move(keys.value());
    return j;
}

} // namespace bucketscope::ondisk
