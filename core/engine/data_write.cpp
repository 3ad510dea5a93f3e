// Building the data write of one grant; see data_write.h.
#include "core/engine/data_write.h"

#include <cassert>

#include "core/ondisk/data_sector.h"

namespace bucketscope {

IoRequest build_data_write(const Runtime& rt, const SectorGrant& grant, const DataWrite& what,
                           std::vector<std::byte>& buf) {
    assert(grant.nptrs == 1);
    const Ptr& p = grant.ptrs[0];
    buf.resize(uint64_t(grant.sectors) * ondisk::DATA_SECTOR_BYTES);
    ondisk::encode_data_sectors(buf, rt.set_magic, what.inode, what.logical_start,
                                what.write_id);
    IoRequest io;
    io.op = IoOp::Write;
    io.dev = p.dev;
    io.offset = p.offset * ondisk::DATA_SECTOR_BYTES;
    io.length = buf.size();
    io.data = buf.data();
    return io;
}

} // namespace bucketscope
