// Bounds are checked against the device size before allocating, so an absurd length
// taken from a damaged structure never turns into a huge allocation.

#include "core/inspect/device_read.h"

namespace bucketscope::inspect {

ondisk::Result<std::vector<std::byte>> read_structure(Device& dev, const char* structure,
                                                      uint64_t offset, uint64_t length) {
    const uint64_t size = dev.size_bytes();
    if (offset > size || length > size - offset)
        return ondisk::ParseError{structure, offset,
                                  std::to_string(length) + " bytes needed but the device " +
                                      dev.name() + " ends at byte " + std::to_string(size) +
                                      " (truncated image?)"};
    std::vector<std::byte> buf(length);
    if (Status st = dev.read(offset, buf); !st)
        return ondisk::ParseError{structure, offset, "read failed: " + st.message};
    return buf;
}

} // namespace bucketscope::inspect
