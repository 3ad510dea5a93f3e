#include "core/device/fault_injecting_device.h"

#include "core/device/posix_io.h"

#include <algorithm>
#include <cerrno>

namespace bucketscope {

namespace {

bool covers(const std::vector<uint64_t>& offsets, uint64_t offset, uint64_t length) {
    return std::any_of(offsets.begin(), offsets.end(),
                       [&](uint64_t o) { return o >= offset && o - offset < length; });
}

} // namespace

void FaultInjectingDevice::tear_write(uint64_t nth_write, uint64_t prefix_bytes) {
    tear_ = Tear{nth_write, prefix_bytes};
}

void FaultInjectingDevice::clear() {
    bad_read_offsets_.clear();
    bad_write_offsets_.clear();
    ops_limit_.reset();
    writes_limit_.reset();
    tear_.reset();
}

Status FaultInjectingDevice::injected(const char* op, uint64_t offset, uint64_t length) {
    ++injected_;
    Status s = io_error(name(), op, offset, length, EIO);
    s.message += " (injected)";
    return s;
}

Status FaultInjectingDevice::read(uint64_t offset, std::span<std::byte> out) {
    ++ops_;
    if (ops_exhausted() || covers(bad_read_offsets_, offset, out.size()))
        return injected("read", offset, out.size());
    return inner_.read(offset, out);
}

Status FaultInjectingDevice::write(uint64_t offset, std::span<const std::byte> data) {
    ++ops_;
    bool was_stopped = stopped();
    ++writes_;
    if (ops_exhausted() || was_stopped || covers(bad_write_offsets_, offset, data.size()))
        return injected("write", offset, data.size());
    if (tear_ && tear_->nth_write == writes_) {
        size_t prefix = static_cast<size_t>(std::min<uint64_t>(tear_->prefix_bytes, data.size()));
        if (prefix > 0) {
            if (auto s = inner_.write(offset, data.first(prefix)); !s)
                return s;
        }
        return injected("write (torn)", offset, data.size());
    }
    return inner_.write(offset, data);
}

Status FaultInjectingDevice::discard(uint64_t offset, uint64_t length) {
    ++ops_;
    if (ops_exhausted() || stopped())
        return injected("discard", offset, length);
    return inner_.discard(offset, length);
}

Status FaultInjectingDevice::flush() {
    ++ops_;
    if (ops_exhausted() || stopped()) {
        ++injected_;
        return Status::error(name() + ": flush failed: " + errno_text(EIO) + " (injected)");
    }
    return inner_.flush();
}

} // namespace bucketscope
