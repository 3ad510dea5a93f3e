#pragma once
// The data write of a request, as bch_data_insert_start issues it: once bch_alloc_sectors
// has granted a piece of an open bucket, the piece's data goes to the cache device at the
// grant's pointer, with bucket_lock dropped (the task returns StepResult::do_io with the
// request built here, so both scheduler modes perform it outside the lock).
//
// The bytes are the engine's self-describing data sectors (core/ondisk/data_sector.h):
// every sector names its cache set, volume, logical sector and write, with a checksum, so
// `bucketscope-cli check` can verify from the device alone that every live pointer leads
// to the data its key was written with. This is the one place that builds data-write I/O;
// every request path (the built-in workload, trace replay, cache modes) calls it.

#include <cstdint>
#include <vector>

#include "core/engine/runtime.h"

namespace bucketscope {

// What the data is: `sectors` sectors of volume `inode` starting at logical sector
// `logical_start`, written by write `write_id` (Runtime::new_write_id()).
struct DataWrite {
    uint64_t inode = 0;
    uint64_t logical_start = 0;
    uint64_t write_id = 0;
};

// Fills `buf` with the grant's sectors and returns the write of them to the grant's first
// pointer (every key the allocator builds has exactly one). `buf` must stay untouched
// until the I/O has been performed. bucket_lock held.
IoRequest build_data_write(const Runtime& rt, const SectorGrant& grant, const DataWrite& what,
                           std::vector<std::byte>& buf);

} // namespace bucketscope
