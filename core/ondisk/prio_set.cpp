// prio_set encode/decode. The csum covers [8, buffer end), i.e. the whole bucket-sized
// buffer including entries past nbuckets and whatever tail bytes the kernel's reused
// buffer held, so the encoder only overwrites header and entries and leaves the rest.
// Decode follows v6.1 prio_read: csum first, then magic.

#include "core/ondisk/prio_set.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>

#include "core/ondisk/crc64.h"
#include "core/ondisk/le.h"
#include "core/ondisk/zero_scan.h"

namespace bucketscope::ondisk {

size_t encode_prio_set(std::span<std::byte> buf, uint64_t set_magic, uint64_t seq,
                       uint64_t next_bucket, std::span<const BucketDisk> entries,
                       size_t zeros_from) {
    const size_t n = std::min(entries.size(), (buf.size() - PRIO_SET_HEADER) / 3);
    std::byte* out = buf.data() + PRIO_SET_HEADER;
    size_t i = 0;
    if constexpr (std::endian::native == std::endian::little) {
        // Four-byte stores, each fourth byte overwritten by the next entry; the last entry
        // is stored bytewise below so nothing past it is touched.
        for (; i + 1 < n; ++i, out += 3) {
            const uint32_t w = uint32_t(entries[i].prio) | uint32_t(entries[i].gen) << 16;
            std::memcpy(out, &w, 4);
        }
    }
    for (; i < n; ++i, out += 3) {
        out[0] = static_cast<std::byte>(entries[i].prio);
        out[1] = static_cast<std::byte>(entries[i].prio >> 8);
        out[2] = static_cast<std::byte>(entries[i].gen);
    }
    return seal_prio_set(buf, set_magic, seq, next_bucket, n, zeros_from);
}

size_t seal_prio_set(std::span<std::byte> buf, uint64_t set_magic, uint64_t seq,
                     uint64_t next_bucket, size_t n, size_t zeros_from) {
    store_le<uint64_t>(buf, 8, set_magic ^ PSET_MAGIC);
    store_le<uint64_t>(buf, 16, seq);
    store_le<uint32_t>(buf, 24, 0);
    store_le<uint32_t>(buf, 28, 0);
    store_le<uint64_t>(buf, 32, next_bucket);
    const size_t off = PRIO_SET_HEADER + 3 * std::min(n, (buf.size() - PRIO_SET_HEADER) / 3);
    // The csum covers the whole bucket; past the entries it is usually all zeros, which
    // crc64_be_zero_tail skips without reading; only [off, zeros_from) is scanned for the
    // last non-zero byte.
    const size_t scan_end = std::max(off, std::min(zeros_from, buf.size()));
    const size_t last = off + nonzero_end(buf.data() + off, scan_end - off);
    store_le<uint64_t>(buf, 0, ~crc64_be_zero_tail(~0ull, buf.subspan(8), last - 8));
    return off;
}

Result<PrioSet> decode_prio_set(std::span<const std::byte> buf, uint64_t set_magic,
                                uint64_t device_offset, std::vector<ParseError>* tolerated) {
    if (buf.size() < PRIO_SET_HEADER + 3)
        return ParseError{"prio_set", device_offset,
                          "buffer of " + std::to_string(buf.size()) +
                              " bytes, expected at least one bucket_disk after the 40-byte header"};
    PrioSet p;
    p.csum = le64(buf, 0);
    const uint64_t want = bch_crc64(buf.subspan(8));
    auto refuse = [&](ParseError e) -> std::optional<ParseError> {
        if (!tolerated)
            return e;
        tolerated->push_back(std::move(e));
        return std::nullopt;
    };
    if (p.csum != want)
        if (auto e = refuse({"prio_set", device_offset,
                             "bad csum " + hex64(p.csum) + ", expected " + hex64(want) +
                                 " (crc64 over bytes 8.." + std::to_string(buf.size()) + ")"}))
            return *e;
    p.magic = le64(buf, 8);
    if (p.magic != (set_magic ^ PSET_MAGIC))
        if (auto e = refuse({"prio_set", device_offset + 8,
                             "bad magic " + hex64(p.magic) + ", expected " +
                                 hex64(set_magic ^ PSET_MAGIC)}))
            return *e;
    p.seq = le64(buf, 16);
    p.version = le32(buf, 24);
    p.next_bucket = le64(buf, 32);
    const size_t n = (buf.size() - PRIO_SET_HEADER) / 3;
    p.entries.resize(n);
    for (size_t i = 0; i < n; ++i) {
        const size_t off = PRIO_SET_HEADER + 3 * i;
        p.entries[i].prio = le16(buf, off);
        p.entries[i].gen = static_cast<uint8_t>(buf[off + 2]);
    }
    return p;
}

} // namespace bucketscope::ondisk
