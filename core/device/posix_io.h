#pragma once
// The POSIX plumbing every file-backed Device shares: an owning file descriptor, full
// pread/pwrite loops and the error messages.
//
// pread and pwrite may transfer less than asked (signals, device limits) and may fail
// with EINTR; the loops here retry until the whole range is done, so a Device never
// returns half a block without saying so. Every error names the device, the operation,
// the byte offset and the errno text, because "Input/output error" alone tells a user
// nothing about which of several devices, or where on it, something went wrong.

#include "core/device/device.h"

#include <cstdint>
#include <span>
#include <string>

namespace bucketscope {

// Owns one file descriptor; closes it on destruction. Move-only.
class UniqueFd {
  public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd();

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    int release();

  private:
    int fd_ = -1;
};

// "Input/output error (errno 5)".
std::string errno_text(int err);

// "<device>: <op> of <length> bytes at offset <offset> failed: <errno text>".
Status io_error(const std::string& device, const char* op, uint64_t offset, uint64_t length,
                int err);

// Whether [offset, offset + length) lies inside a device of `size` bytes.
inline bool in_range(uint64_t offset, uint64_t length, uint64_t size) {
    return offset <= size && length <= size - offset;
}

// Refuses a range that does not lie inside a device of `size` bytes, naming the offset.
Status check_range(const std::string& device, const char* op, uint64_t offset, uint64_t length,
                   uint64_t size);

// "<device>: <op> of <length> bytes at offset <offset> refused: the device is open read-only".
Status read_only_error(const std::string& device, const char* op, uint64_t offset, uint64_t length);

// fdatasync, retried on EINTR.
Status sync_data(int fd, const std::string& device);

// Reads exactly out.size() bytes at `offset`, retrying on EINTR and short reads. Reaching
// end of file early is an error that names the offset where the data stopped.
Status pread_full(int fd, const std::string& device, uint64_t offset, std::span<std::byte> out);
// Writes exactly data.size() bytes at `offset`, retrying on EINTR and short writes.
Status pwrite_full(int fd, const std::string& device, uint64_t offset,
                   std::span<const std::byte> data);

} // namespace bucketscope
