#include "core/device/posix_io.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace bucketscope {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = other.release();
    }
    return *this;
}

UniqueFd::~UniqueFd() {
    if (fd_ >= 0)
        ::close(fd_);
}

int UniqueFd::release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
}

std::string errno_text(int err) {
    return std::string(std::strerror(err)) + " (errno " + std::to_string(err) + ")";
}

Status io_error(const std::string& device, const char* op, uint64_t offset, uint64_t length,
                int err) {
    return Status::error(device + ": " + op + " of " + std::to_string(length) +
                         " bytes at offset " + std::to_string(offset) +
                         " failed: " + errno_text(err));
}

Status check_range(const std::string& device, const char* op, uint64_t offset, uint64_t length,
                   uint64_t size) {
    if (!in_range(offset, length, size))
        return Status::error(device + ": " + op + " of " + std::to_string(length) +
                             " bytes at offset " + std::to_string(offset) +
                             " runs past the end of the device (" + std::to_string(size) +
                             " bytes)");
    return Status::ok();
}

Status read_only_error(const std::string& device, const char* op, uint64_t offset,
                       uint64_t length) {
    return Status::error(device + ": " + op + " of " + std::to_string(length) +
                         " bytes at offset " + std::to_string(offset) +
                         " refused: the device is open read-only");
}

Status sync_data(int fd, const std::string& device) {
    while (::fdatasync(fd) != 0) {
        if (errno != EINTR)
            return Status::error(device + ": flush (fdatasync) failed: " + errno_text(errno));
    }
    return Status::ok();
}

Status pread_full(int fd, const std::string& device, uint64_t offset, std::span<std::byte> out) {
    size_t done = 0;
    while (done < out.size()) {
        ssize_t n =
            ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return io_error(device, "read", offset + done, out.size() - done, errno);
        }
        if (n == 0)
            return Status::error(device + ": read of " + std::to_string(out.size()) +
                                 " bytes at offset " + std::to_string(offset) +
                                 " hit end of file at offset " + std::to_string(offset + done));
        done += static_cast<size_t>(n);
    }
    return Status::ok();
}

Status pwrite_full(int fd, const std::string& device, uint64_t offset,
                   std::span<const std::byte> data) {
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n =
            ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return io_error(device, "write", offset + done, data.size() - done, errno);
        }
        if (n == 0)
            return io_error(device, "write", offset + done, data.size() - done, ENOSPC);
        done += static_cast<size_t>(n);
    }
    return Status::ok();
}

} // namespace bucketscope
