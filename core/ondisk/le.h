#pragma once
// Little-endian loads and stores on byte buffers. Every bcache structure is little-endian
// on disk (bcache-ondisk.md, conventions), so parsers never reinterpret_cast raw bytes:
// that would tie the format to the host and to alignment.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <span>
#include <string>

namespace bucketscope::ondisk {

template <typename T> inline T load_le(std::span<const std::byte> buf, size_t off) {
    T v = 0;
    for (size_t i = 0; i < sizeof(T); ++i)
        v |= static_cast<T>(static_cast<T>(buf[off + i]) << (8 * i));
    return v;
}

template <typename T> inline void store_le(std::span<std::byte> buf, size_t off, T v) {
    for (size_t i = 0; i < sizeof(T); ++i)
        buf[off + i] = static_cast<std::byte>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff);
}

// store_le<uint64_t> into raw memory, one store on a little-endian host: for the encoders
// that write a key word at a time (bsets, jsets).
inline void store_le64(std::byte* p, uint64_t v) {
    if constexpr (std::endian::native != std::endian::little)
        for (size_t i = 0; i < 8; ++i)
            p[i] = static_cast<std::byte>((v >> (8 * i)) & 0xff);
    else
        std::memcpy(p, &v, 8);
}

inline uint16_t le16(std::span<const std::byte> b, size_t off) { return load_le<uint16_t>(b, off); }
inline uint32_t le32(std::span<const std::byte> b, size_t off) { return load_le<uint32_t>(b, off); }
inline uint64_t le64(std::span<const std::byte> b, size_t off) { return load_le<uint64_t>(b, off); }

inline std::string hex64(uint64_t v) {
    char s[24];
    std::snprintf(s, sizeof s, "0x%016llx", static_cast<unsigned long long>(v));
    return s;
}

} // namespace bucketscope::ondisk
