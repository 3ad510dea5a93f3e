// uuid_entry arrays, both formats. v0 entries carry no flags or sectors; the kernel
// converts them on load, so decode fills those with 0 as it does.

#include "core/ondisk/uuid_entry.h"

#include "core/ondisk/le.h"

namespace bucketscope::ondisk {

bool UuidEntry::in_use() const {
    for (uint8_t c : uuid)
        if (c)
            return true;
    return false;
}

Result<std::vector<UuidEntry>> decode_uuid_bucket(std::span<const std::byte> buf, bool v0,
                                                  uint64_t device_offset) {
    const size_t size = v0 ? UUID_ENTRY_V0_BYTES : UUID_ENTRY_BYTES;
    if (buf.size() < size || buf.size() % size)
        return ParseError{"uuid_entry", device_offset,
                          "uuid bucket of " + std::to_string(buf.size()) +
                              " bytes, expected a non-zero multiple of " + std::to_string(size)};
    std::vector<UuidEntry> out(buf.size() / size);
    for (size_t i = 0; i < out.size(); ++i) {
        const auto e = buf.subspan(i * size, size);
        UuidEntry& u = out[i];
        for (size_t j = 0; j < 16; ++j)
            u.uuid[j] = static_cast<uint8_t>(e[j]);
        for (size_t j = 0; j < 32; ++j)
            u.label[j] = static_cast<uint8_t>(e[16 + j]);
        u.first_reg = le32(e, 48);
        u.last_reg = le32(e, 52);
        u.invalidated = le32(e, 56);
        if (!v0) {
            u.flags = le32(e, 60);
            u.sectors = le64(e, 64);
        }
    }
    return out;
}

std::vector<std::byte> encode_uuid_bucket(std::span<const UuidEntry> entries, bool v0,
                                          size_t bucket_bytes) {
    const size_t size = v0 ? UUID_ENTRY_V0_BYTES : UUID_ENTRY_BYTES;
    std::vector<std::byte> buf(bucket_bytes);
    std::span<std::byte> b(buf);
    for (size_t i = 0; i < entries.size() && (i + 1) * size <= bucket_bytes; ++i) {
        const auto e = b.subspan(i * size, size);
        const UuidEntry& u = entries[i];
        for (size_t j = 0; j < 16; ++j)
            e[j] = static_cast<std::byte>(u.uuid[j]);
        for (size_t j = 0; j < 32; ++j)
            e[16 + j] = static_cast<std::byte>(u.label[j]);
        store_le<uint32_t>(e, 48, u.first_reg);
        store_le<uint32_t>(e, 52, u.last_reg);
        store_le<uint32_t>(e, 56, u.invalidated);
        if (!v0) {
            store_le<uint32_t>(e, 60, u.flags);
            store_le<uint64_t>(e, 64, u.sectors);
        }
    }
    return buf;
}

} // namespace bucketscope::ondisk
