#include "core/device/image_file_device.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace bucketscope {

namespace {

// Zero-fill granularity when hole punching is unavailable: big enough to be quick, small
// enough not to matter on the stack of callers that discard whole buckets.
constexpr size_t kZeroChunk = 1 << 20;

} // namespace

Opened<ImageFileDevice> ImageFileDevice::open(const std::string& path, OpenMode mode) {
    int flags = (mode == OpenMode::read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC;
    UniqueFd fd(::open(path.c_str(), flags));
    if (!fd.valid())
        return {nullptr, Status::error(path + ": open for " +
                                       (mode == OpenMode::read_only ? "reading" : "writing") +
                                       " failed: " + errno_text(errno))};
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        return {nullptr, Status::error(path + ": stat failed: " + errno_text(errno))};
    if (!S_ISREG(st.st_mode))
        return {nullptr, Status::error(path + ": not a regular file (an image file device "
                                              "needs one; block devices open as BlockDevice)")};
    return {std::unique_ptr<ImageFileDevice>(
                new ImageFileDevice(path, std::move(fd), static_cast<uint64_t>(st.st_size), mode)),
            Status::ok()};
}

Opened<ImageFileDevice> ImageFileDevice::create(const std::string& path, uint64_t size_bytes) {
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!fd.valid())
        return {nullptr, Status::error(path + ": create failed: " + errno_text(errno))};
    if (::ftruncate(fd.get(), static_cast<off_t>(size_bytes)) != 0) {
        int err = errno;
        ::unlink(path.c_str());
        return {nullptr,
                Status::error(path + ": setting the size to " + std::to_string(size_bytes) +
                              " bytes failed: " + errno_text(err))};
    }
    return {std::unique_ptr<ImageFileDevice>(
                new ImageFileDevice(path, std::move(fd), size_bytes, OpenMode::read_write)),
            Status::ok()};
}

Status ImageFileDevice::read(uint64_t offset, std::span<std::byte> out) {
    if (auto s = check_range(path_, "read", offset, out.size(), size_); !s)
        return s;
    return pread_full(fd_.get(), path_, offset, out);
}

Status ImageFileDevice::write(uint64_t offset, std::span<const std::byte> data) {
    if (read_only())
        return read_only_error(path_, "write", offset, data.size());
    if (auto s = check_range(path_, "write", offset, data.size(), size_); !s)
        return s;
    return pwrite_full(fd_.get(), path_, offset, data);
}

Status ImageFileDevice::discard(uint64_t offset, uint64_t length) {
    if (read_only())
        return read_only_error(path_, "discard", offset, length);
    if (auto s = check_range(path_, "discard", offset, length, size_); !s)
        return s;
    if (length == 0)
        return Status::ok();
    if (::fallocate(fd_.get(), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                    static_cast<off_t>(offset), static_cast<off_t>(length)) == 0)
        return Status::ok();
    if (errno != EOPNOTSUPP && errno != ENOSYS)
        return io_error(path_, "discard (punch hole)", offset, length, errno);
    return zero_fill(offset, length);
}

Status ImageFileDevice::zero_fill(uint64_t offset, uint64_t length) {
    std::vector<std::byte> zeros(static_cast<size_t>(std::min<uint64_t>(length, kZeroChunk)));
    for (uint64_t done = 0; done < length;) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(length - done, zeros.size()));
        if (auto s = pwrite_full(fd_.get(), path_, offset + done, {zeros.data(), n}); !s)
            return s;
        done += n;
    }
    return Status::ok();
}

Status ImageFileDevice::flush() {
    if (read_only())
        return Status::ok();
    return sync_data(fd_.get(), path_);
}

} // namespace bucketscope
