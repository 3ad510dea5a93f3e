#pragma once
// One block request against the address space of a cached (backing) device or flash
// volume: what every trace reader and generator produces and what the workload driver turns
// into engine calls. Offsets and lengths are bytes; splitting to bucket and block
// granularity happens inside the engine, not here.

#include <cstdint>

namespace bucketscope::workload {

enum class Op : uint8_t { Read, Write, Discard, Flush };
const char* to_string(Op op);

struct Request {
    uint64_t time_ns = 0; // from the start of the trace
    Op op = Op::Read;
    uint64_t offset = 0;  // bytes
    uint64_t length = 0;  // bytes
    uint32_t process = 0; // pid / process index: selects the write point
    uint32_t device = 0;  // disk number, device minor, volume: which backing device
};

} // namespace bucketscope::workload
