#pragma once
// I/O of any offset, length and buffer on a descriptor that only takes aligned requests.
//
// A block device opened with O_DIRECT bypasses the page cache, so what bucketscope reads is
// what is on the medium, and what it writes is not left in memory to be flushed later in
// a different order. In exchange the kernel insists that the offset, the length and the
// memory address are multiples of the logical block size. Requests that already are go
// straight through; the rest go through an aligned bounce buffer: reads read the
// enclosing aligned range and copy out, writes read-modify-write the partial head and
// tail blocks. Windows are bounded so a large unaligned request does not allocate its
// own size.

#include "core/device/device.h"

#include <cstdint>
#include <span>
#include <string>

namespace bucketscope {

class AlignedIo {
  public:
    // `fd` is borrowed. `alignment` is the logical block size (a power of two); 1 means
    // the descriptor takes any request and nothing is bounced.
    AlignedIo(int fd, uint32_t alignment, std::string device_name)
        : fd_(fd), alignment_(alignment), name_(std::move(device_name)) {}

    Status read(uint64_t offset, std::span<std::byte> out) const;
    Status write(uint64_t offset, std::span<const std::byte> data) const;

    // How many requests needed the bounce buffer (for tests and diagnostics).
    uint64_t bounced() const { return bounced_; }

  private:
    bool aligned(uint64_t offset, size_t length, const void* address) const;

    int fd_;
    uint32_t alignment_;
    std::string name_;
    mutable uint64_t bounced_ = 0;
};

} // namespace bucketscope
