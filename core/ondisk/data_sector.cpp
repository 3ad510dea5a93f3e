// Encoding and checking of the engine's self-describing data sectors; see data_sector.h.

#include "core/ondisk/data_sector.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstring>

#include "core/ondisk/crc64.h"
#include "core/ondisk/le.h"

namespace bucketscope::ondisk {

void encode_data_sectors(std::span<std::byte> out, uint64_t set_magic, uint64_t inode,
                         uint64_t first_sector, uint64_t write_id) {
    assert(out.size() % DATA_SECTOR_BYTES == 0);
    for (size_t off = 0; off < out.size(); off += DATA_SECTOR_BYTES) {
        const auto s = out.subspan(off, DATA_SECTOR_BYTES);
        const uint64_t sector = first_sector + off / DATA_SECTOR_BYTES;
        store_le<uint64_t>(s, 8, set_magic ^ DATA_MAGIC);
        store_le<uint64_t>(s, 16, write_id);
        store_le<uint64_t>(s, 24, inode);
        store_le<uint64_t>(s, 32, sector);
        char line[DATA_SECTOR_BYTES - DATA_SECTOR_HEADER + 1];
        const int n = std::snprintf(line, sizeof line, "bucketscope vol=%llu sector=%llu write=%llu\n",
                                    static_cast<unsigned long long>(inode),
                                    static_cast<unsigned long long>(sector),
                                    static_cast<unsigned long long>(write_id));
        const size_t text = std::min<size_t>(static_cast<size_t>(std::max(n, 0)), sizeof line - 1);
        std::byte* body = s.data() + DATA_SECTOR_HEADER;
        std::memcpy(body, line, text);
        std::memset(body + text, ' ', DATA_SECTOR_BYTES - DATA_SECTOR_HEADER - text);
        store_le<uint64_t>(s, 0, bch_crc64(s.subspan(8)));
    }
}

const char* to_string(DataSectorStatus s) {
    switch (s) {
    case DataSectorStatus::ok: return "ok";
    case DataSectorStatus::foreign: return "no data header of this cache set";
    case DataSectorStatus::bad_csum: return "bad data checksum";
    }
    return "?";
}

DataSectorStatus decode_data_sector(std::span<const std::byte> sector, uint64_t set_magic,
                                    DataSectorHeader& out) {
    assert(sector.size() == DATA_SECTOR_BYTES);
    if (le64(sector, 8) != (set_magic ^ DATA_MAGIC))
        return DataSectorStatus::foreign;
    if (le64(sector, 0) != bch_crc64(sector.subspan(8)))
        return DataSectorStatus::bad_csum;
    out.write_id = le64(sector, 16);
    out.inode = le64(sector, 24);
    out.sector = le64(sector, 32);
    return DataSectorStatus::ok;
}

} // namespace bucketscope::ondisk
