// pread loop with EINTR retry; a read past the end is an error naming the range, since
// every structure inspect reads must lie inside the device.

#include "core/inspect/readonly_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bucketscope::inspect {

std::unique_ptr<ReadOnlyFile> ReadOnlyFile::open(const std::string& path, std::string& error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = path + ": cannot open read-only: " + std::strerror(errno);
        return nullptr;
    }
    struct stat st {};
    uint64_t size = 0;
    if (::fstat(fd, &st) != 0) {
        error = path + ": stat failed: " + std::strerror(errno);
    } else if (S_ISREG(st.st_mode)) {
        size = static_cast<uint64_t>(st.st_size);
    } else if (S_ISBLK(st.st_mode)) {
        if (::ioctl(fd, BLKGETSIZE64, &size) != 0)
            error = path + ": BLKGETSIZE64 failed: " + std::strerror(errno);
    } else {
        error = path + ": not a regular file or block device";
    }
    if (!error.empty()) {
        ::close(fd);
        return nullptr;
    }
    return std::unique_ptr<ReadOnlyFile>(new ReadOnlyFile(path, fd, size));
}

ReadOnlyFile::~ReadOnlyFile() { ::close(fd_); }

Status ReadOnlyFile::read(uint64_t offset, std::span<std::byte> out) {
    if (offset > size_ || out.size() > size_ - offset)
        return Status::error(path_ + ": read of " + std::to_string(out.size()) + " bytes at byte " +
                             std::to_string(offset) + " runs past the end of the device (" +
                             std::to_string(size_) + " bytes)");
    size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = ::pread(fd_, out.data() + done, out.size() - done,
                                  static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return Status::error(path_ + ": read at byte " + std::to_string(offset + done) +
                                 " failed: " + (n < 0 ? std::strerror(errno) : "unexpected end of file"));
        done += static_cast<size_t>(n);
    }
    return Status::ok();
}

Status ReadOnlyFile::write(uint64_t, std::span<const std::byte>) {
    return Status::error(path_ + ": opened read-only for inspection");
}

Status ReadOnlyFile::discard(uint64_t, uint64_t) {
    return Status::error(path_ + ": opened read-only for inspection");
}

} // namespace bucketscope::inspect
