#include "core/device/ram_device.h"

#include <algorithm>
#include <cstring>

namespace bucketscope {

RamDevice::RamDevice(uint64_t size_bytes) : bytes_(size_bytes) {}

std::string RamDevice::name() const {
    return "ram:" + std::to_string(bytes_.size());
}

Status RamDevice::check_range(const char* op, uint64_t offset, uint64_t length) const {
    if (offset > bytes_.size() || length > bytes_.size() - offset)
        return Status::error(name() + ": " + op + " of " + std::to_string(length) +
                             " bytes at offset " + std::to_string(offset) +
                             " runs past the end of the device (" +
                             std::to_string(bytes_.size()) + " bytes)");
    return Status::ok();
}

Status RamDevice::read(uint64_t offset, std::span<std::byte> out) {
    if (auto s = check_range("read", offset, out.size()); !s)
        return s;
    std::memcpy(out.data(), bytes_.data() + offset, out.size());
    return Status::ok();
}

Status RamDevice::write(uint64_t offset, std::span<const std::byte> data) {
    if (auto s = check_range("write", offset, data.size()); !s)
        return s;
    std::memcpy(bytes_.data() + offset, data.data(), data.size());
    ++writes_;
    return Status::ok();
}

Status RamDevice::discard(uint64_t offset, uint64_t length) {
    if (auto s = check_range("discard", offset, length); !s)
        return s;
    std::fill_n(bytes_.begin() + static_cast<ptrdiff_t>(offset), length, std::byte{0});
    ++discards_;
    return Status::ok();
}

} // namespace bucketscope
