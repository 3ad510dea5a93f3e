#pragma once
// One entry point from a user's TARGET string to a Device.
//
// "ram:SIZE" (SIZE as parse_size reads it, e.g. "ram:64M") is an empty RamDevice; any
// other string is a path, and stat decides: a regular file opens as an ImageFileDevice,
// a block device as a BlockDevice. Nothing is created here: making a new image is
// `format`'s explicit job (ImageFileDevice::create).

#include "core/device/device.h"

#include <string>

namespace bucketscope {

Opened<Device> open_device(const std::string& target, OpenMode mode);

} // namespace bucketscope
