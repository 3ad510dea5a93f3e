#pragma once
// The engine's data blocks: self-describing 512-byte sectors, so that a checker can tell
// from the cache device alone whether an extent's pointer leads to the data that extent
// was written with.
//
// Why not the kernel's KEY_CSUM: bcache never implemented it. The flag exists in the bkey
// high word, but bkey_u64s() counts only 2 + KEY_PTRS words, so a key carrying a
// checksum word after its pointers would be misparsed by the kernel and by every reader
// that walks keys the kernel's way (inspect included). And one checksum per key breaks as
// soon as an overwrite trims the key (bch_cut_front / bch_cut_back): the surviving piece
// no longer covers the bytes the checksum was taken over. A header per sector survives any
// trim or split, because each sector names itself.
//
// Layout of every sector (little-endian):
//   0  u64 csum      bch_crc64 over bytes [8, 512)
//   8  u64 magic     set_magic ^ DATA_MAGIC: the sector belongs to this cache set
//  16  u64 write_id  which write put it there (increasing per sector over time)
//  24  u64 inode     KEY_INODE of the volume
//  32  u64 sector    the logical sector within the volume (KEY_START + i)
//  40  text          "bucketscope vol=.. sector=.. write=..\n", space-padded, for hexdumps
// A stale pointer may lead to anything (the bucket was reused); a live one must lead to
// sectors whose header names the key's inode and logical sectors and whose csum matches.

#include <cstddef>
#include <cstdint>
#include <span>

namespace bucketscope::ondisk {

inline constexpr size_t DATA_SECTOR_BYTES = 512;
inline constexpr size_t DATA_SECTOR_HEADER = 40;
inline constexpr uint64_t DATA_MAGIC = 0x3d1b5e7a9c4f2861ull;
// Volumes whose uuid entry's label starts with this hold data in this format: a checker
// may demand a valid header on every live sector of theirs.
inline constexpr const char* ENGINE_VOLUME_LABEL = "bucketscope";

struct DataSectorHeader {
    uint64_t write_id = 0;
    uint64_t inode = 0;
    uint64_t sector = 0;
};

// Fills `out` (a whole number of sectors) with the sectors of one write: sector i names
// logical sector first_sector + i.
void encode_data_sectors(std::span<std::byte> out, uint64_t set_magic, uint64_t inode,
                         uint64_t first_sector, uint64_t write_id);

enum class DataSectorStatus : uint8_t {
    ok,
    foreign,  // no header of this cache set: never written by the engine, or reused
    bad_csum, // a header of this set whose checksum does not match: torn or corrupted
};
const char* to_string(DataSectorStatus s);

// Reads the header of one sector (exactly DATA_SECTOR_BYTES).
DataSectorStatus decode_data_sector(std::span<const std::byte> sector, uint64_t set_magic,
                                    DataSectorHeader& out);

} // namespace bucketscope::ondisk
