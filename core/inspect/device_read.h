#pragma once
// Reads a byte range from the device for a named on-disk structure, turning a device
// error (short image, I/O error) into a ParseError that names the structure.

#include <vector>

#include "core/device/device.h"
#include "core/ondisk/result.h"

namespace bucketscope::inspect {

ondisk::Result<std::vector<std::byte>> read_structure(Device& dev, const char* structure,
                                                      uint64_t offset, uint64_t length);

} // namespace bucketscope::inspect
