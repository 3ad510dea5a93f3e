// The engine's self-describing data sectors: every sector names its set, volume, logical
// sector and write; damage and foreign bytes are told apart.

#include "core/ondisk/crc64.h"
#include "core/ondisk/data_sector.h"
#include "core/ondisk/le.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bucketscope::ondisk {
namespace {

constexpr uint64_t kSetMagic = 0x1122334455667788ull;

TEST(DataSector, EverySectorNamesItsLogicalAddressAndWrite) {
    std::vector<std::byte> buf(3 * DATA_SECTOR_BYTES);
    encode_data_sectors(buf, kSetMagic, 1, 800, 42);
    for (size_t i = 0; i < 3; ++i) {
        const auto s = std::span<const std::byte>(buf).subspan(i * DATA_SECTOR_BYTES,
                                                               DATA_SECTOR_BYTES);
        DataSectorHeader h;
        ASSERT_EQ(decode_data_sector(s, kSetMagic, h), DataSectorStatus::ok) << i;
        EXPECT_EQ(h.inode, 1u);
        EXPECT_EQ(h.sector, 800 + i);
        EXPECT_EQ(h.write_id, 42u);
        EXPECT_EQ(le64(s, 0), bch_crc64(s.subspan(8)));
        const std::string text(reinterpret_cast<const char*>(s.data()) + DATA_SECTOR_HEADER, 48);
        EXPECT_EQ(text.rfind("bucketscope vol=1 sector=" + std::to_string(800 + i), 0), 0u)
            << text;
    }
}

TEST(DataSector, DamageAndForeignBytesAreToldApart) {
    std::vector<std::byte> buf(DATA_SECTOR_BYTES);
    encode_data_sectors(buf, kSetMagic, 0, 8, 7);
    DataSectorHeader h;
    EXPECT_EQ(decode_data_sector(buf, kSetMagic ^ 1, h), DataSectorStatus::foreign)
        << "another cache set's sector";
    std::vector<std::byte> zero(DATA_SECTOR_BYTES);
    EXPECT_EQ(decode_data_sector(zero, kSetMagic, h), DataSectorStatus::foreign);
    for (size_t off : {size_t{0}, size_t{16}, size_t{300}, DATA_SECTOR_BYTES - 1}) {
        auto bad = buf;
        bad[off] ^= std::byte{0x40};
        EXPECT_EQ(decode_data_sector(bad, kSetMagic, h), DataSectorStatus::bad_csum) << off;
    }
}

} // namespace
} // namespace bucketscope::ondisk
