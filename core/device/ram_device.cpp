#include "core/device/ram_device.h"

#include "core/device/posix_io.h"

#include <algorithm>
#include <cstring>

namespace bucketscope {

RamDevice::RamDevice(uint64_t size_bytes) : bytes_(size_bytes) {}

std::string RamDevice::name() const {
    return "ram:" + std::to_string(bytes_.size());
}

Status RamDevice::read(uint64_t offset, std::span<std::byte> out) {
    if (!in_range(offset, out.size(), bytes_.size()))
        return check_range(name(), "read", offset, out.size(), bytes_.size());
    std::memcpy(out.data(), bytes_.data() + offset, out.size());
    return Status::ok();
}

Status RamDevice::write(uint64_t offset, std::span<const std::byte> data) {
    if (!in_range(offset, data.size(), bytes_.size()))
        return check_range(name(), "write", offset, data.size(), bytes_.size());
    std::memcpy(bytes_.data() + offset, data.data(), data.size());
    ++writes_;
    return Status::ok();
}

Status RamDevice::discard(uint64_t offset, uint64_t length) {
    if (!in_range(offset, length, bytes_.size()))
        return check_range(name(), "discard", offset, length, bytes_.size());
    std::fill_n(bytes_.begin() + static_cast<ptrdiff_t>(offset), length, std::byte{0});
    ++discards_;
    return Status::ok();
}

} // namespace bucketscope
