#include "core/device/block_device.h"

#include <cerrno>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bucketscope {

namespace {

Status open_error(const std::string& path, OpenMode mode, int err) {
    std::string what = path + ": open for " +
                       (mode == OpenMode::read_only ? "reading" : "exclusive writing") +
                       " failed: " + errno_text(err);
    if (err == EBUSY)
        what += " (the device is mounted or held by another user: a filesystem, md/dm, "
                "bcache or another exclusive opener)";
    return Status::error(what);
}

} // namespace

BlockDevice::BlockDevice(std::string path, UniqueFd fd, uint64_t size, uint32_t lbs, bool direct,
                         OpenMode mode)
    : path_(std::move(path)), fd_(std::move(fd)), size_(size), logical_block_size_(lbs),
      direct_(direct), mode_(mode), io_(fd_.get(), direct ? lbs : 1, path_) {}

Opened<BlockDevice> BlockDevice::open(const std::string& path, OpenMode mode) {
    int flags = O_CLOEXEC | (mode == OpenMode::read_only ? O_RDONLY : (O_RDWR | O_EXCL));
    bool direct = true;
    UniqueFd fd(::open(path.c_str(), flags | O_DIRECT));
    if (!fd.valid() && errno == EINVAL) {
        direct = false;
        fd = UniqueFd(::open(path.c_str(), flags));
    }
    if (!fd.valid())
        return {nullptr, open_error(path, mode, errno)};

    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        return {nullptr, Status::error(path + ": stat failed: " + errno_text(errno))};
    if (!S_ISBLK(st.st_mode))
        return {nullptr, Status::error(path + ": not a block device")};

    uint64_t size = 0;
    if (::ioctl(fd.get(), BLKGETSIZE64, &size) != 0)
        return {nullptr, Status::error(path + ": BLKGETSIZE64 failed: " + errno_text(errno))};
    int lbs = 0;
    if (::ioctl(fd.get(), BLKSSZGET, &lbs) != 0)
        return {nullptr, Status::error(path + ": BLKSSZGET failed: " + errno_text(errno))};
    if (lbs < 512 || (lbs & (lbs - 1)) != 0)
        return {nullptr, Status::error(path + ": the kernel reports a logical block size of " +
                                       std::to_string(lbs) + " bytes, not a power of two >= 512")};
    return {std::unique_ptr<BlockDevice>(new BlockDevice(path, std::move(fd), size,
                                                         static_cast<uint32_t>(lbs), direct, mode)),
            Status::ok()};
}

Status BlockDevice::read(uint64_t offset, std::span<std::byte> out) {
    if (auto s = check_range(path_, "read", offset, out.size(), size_); !s)
        return s;
    return io_.read(offset, out);
}

Status BlockDevice::write(uint64_t offset, std::span<const std::byte> data) {
    if (read_only())
        return read_only_error(path_, "write", offset, data.size());
    if (auto s = check_range(path_, "write", offset, data.size(), size_); !s)
        return s;
    return io_.write(offset, data);
}

Status BlockDevice::discard(uint64_t offset, uint64_t length) {
    if (read_only())
        return read_only_error(path_, "discard", offset, length);
    if (auto s = check_range(path_, "discard", offset, length, size_); !s)
        return s;
    uint64_t mask = logical_block_size_ - 1;
    uint64_t lo = (offset + mask) & ~mask;
    uint64_t hi = (offset + length) & ~mask;
    if (hi <= lo)
        return Status::ok();
    uint64_t range[2] = {lo, hi - lo};
    if (::ioctl(fd_.get(), BLKDISCARD, range) == 0)
        return Status::ok();
    if (errno == EOPNOTSUPP)
        return Status::ok();
    return io_error(path_, "discard (BLKDISCARD)", lo, hi - lo, errno);
}

Status BlockDevice::flush() {
    if (read_only())
        return Status::ok();
    return sync_data(fd_.get(), path_);
}

} // namespace bucketscope
