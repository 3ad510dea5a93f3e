#pragma once
// struct jset: one journal entry (bcache-ondisk.md section 3). 240-byte header then
// `keys` u64s of packed bkeys; csum = bch_crc64 over [8, 240 + 8*keys).

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "core/ondisk/bkey.h"
#include "core/ondisk/result.h"

namespace bucketscope::ondisk {

inline constexpr uint64_t JSET_MAGIC = 0x245235c1a3625032ull;
inline constexpr uint32_t BCACHE_JSET_VERSION = 1;
inline constexpr size_t JSET_HEADER = 240;

struct Jset {
    uint64_t csum = 0;
    uint64_t magic = 0;
    uint64_t seq = 0;
    uint32_t version = BCACHE_JSET_VERSION;
    uint64_t last_seq = 0;
    Bkey uuid_bucket;
    Bkey btree_root;
    uint16_t btree_level = 0;
    std::array<uint64_t, 8> prio_bucket{};
    std::vector<Bkey> keys; // journalled leaf keys

    size_t bytes() const; // 240 + 8 * u64s of keys
};

// Encodes into a zeroed buffer of jset.bytes() rounded up to `block_bytes`, csum included.
std::vector<std::byte> encode_jset(const Jset& j, uint64_t set_magic, size_t block_bytes);

// encode_jset built up as the keys come: the journal packs each key into the open entry's
// buffer when it is journalled, and only the header is written when the entry is, so an
// entry's keys are neither kept unpacked nor copied.
class JsetWriter {
  public:
    JsetWriter() { reset(); }
    void add(const Bkey& k);
    // A key as encode_bkey packs it (`n` = 2 + its pointers).
    void add_packed(const uint64_t* words, size_t n);
    // Key words so far.
    size_t u64s() const { return (used_ - JSET_HEADER) / 8; }
    bool empty() const { return used_ == JSET_HEADER; }
    // Blocks the entry finish() would give takes.
    size_t blocks(size_t block_bytes) const { return (used_ + block_bytes - 1) / block_bytes; }
    // encode_jset of `header` (its `keys` ignored) holding the keys added. The writer is
    // empty afterwards; `spare` (a buffer done with, such as the last entry's) becomes the
    // next entry's, so the journal does not allocate one per entry.
    std::vector<std::byte> finish(const Jset& header, uint64_t set_magic, size_t block_bytes,
                                  std::vector<std::byte> spare = {});

  private:
    void reset(std::vector<std::byte> buf = {});

    size_t used_ = JSET_HEADER;
    std::vector<std::byte> buf_; // zeros from used_ on, and in the header until finish()
};
Result<Jset> decode_jset(std::span<const std::byte> buf, uint64_t set_magic,
                         uint64_t device_offset);

} // namespace bucketscope::ondisk
