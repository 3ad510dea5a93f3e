#include "core/device/aligned_io.h"

#include "core/device/posix_io.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace bucketscope {

namespace {

constexpr uint64_t kBounceWindow = 1 << 20;
// Memory alignment for O_DIRECT: at least the logical block size, and a page is always
// enough whatever the device reports.
constexpr size_t kMemoryAlignment = 4096;

struct FreeDeleter {
    void operator()(std::byte* p) const { std::free(p); }
};
using BounceBuffer = std::unique_ptr<std::byte, FreeDeleter>;

BounceBuffer allocate_bounce(size_t bytes, uint32_t alignment) {
    size_t align = std::max<size_t>(kMemoryAlignment, alignment);
    void* p = nullptr;
    if (::posix_memalign(&p, align, bytes) != 0)
        return nullptr;
    return BounceBuffer(static_cast<std::byte*>(p));
}

uint64_t align_down(uint64_t v, uint32_t a) {
    return v & ~(uint64_t{a} - 1);
}
uint64_t align_up(uint64_t v, uint32_t a) {
    return align_down(v + a - 1, a);
}

} // namespace

bool AlignedIo::aligned(uint64_t offset, size_t length, const void* address) const {
    uint64_t mask = alignment_ - 1;
    return (offset & mask) == 0 && (length & mask) == 0 &&
           (reinterpret_cast<uintptr_t>(address) & (std::max<size_t>(alignment_, 1) - 1)) == 0;
}

Status AlignedIo::read(uint64_t offset, std::span<std::byte> out) const {
    if (alignment_ <= 1 || aligned(offset, out.size(), out.data()))
        return pread_full(fd_, name_, offset, out);
    ++bounced_;
    BounceBuffer bounce = allocate_bounce(kBounceWindow, alignment_);
    if (!bounce)
        return Status::error(name_ + ": no memory for a bounce buffer");
    for (size_t done = 0; done < out.size();) {
        uint64_t pos = offset + done;
        uint64_t lo = align_down(pos, alignment_);
        uint64_t hi = std::min(align_up(offset + out.size(), alignment_), lo + kBounceWindow);
        size_t window = static_cast<size_t>(hi - lo);
        if (auto s = pread_full(fd_, name_, lo, {bounce.get(), window}); !s)
            return s;
        size_t n = std::min<size_t>(out.size() - done, static_cast<size_t>(hi - pos));
        std::memcpy(out.data() + done, bounce.get() + (pos - lo), n);
        done += n;
    }
    return Status::ok();
}

Status AlignedIo::write(uint64_t offset, std::span<const std::byte> data) const {
    if (alignment_ <= 1 || aligned(offset, data.size(), data.data()))
        return pwrite_full(fd_, name_, offset, data);
    ++bounced_;
    BounceBuffer bounce = allocate_bounce(kBounceWindow, alignment_);
    if (!bounce)
        return Status::error(name_ + ": no memory for a bounce buffer");
    for (size_t done = 0; done < data.size();) {
        uint64_t pos = offset + done;
        uint64_t lo = align_down(pos, alignment_);
        uint64_t hi = std::min(align_up(offset + data.size(), alignment_), lo + kBounceWindow);
        size_t window = static_cast<size_t>(hi - lo);
        size_t n = std::min<size_t>(data.size() - done, static_cast<size_t>(hi - pos));
        // Only the blocks this write covers partly keep old bytes worth reading back.
        if (pos != lo) {
            if (auto s = pread_full(fd_, name_, lo, {bounce.get(), alignment_}); !s)
                return s;
        }
        uint64_t end = pos + n;
        if (end != hi && align_down(end, alignment_) != lo) {
            uint64_t tail = align_down(end, alignment_);
            if (auto s = pread_full(fd_, name_, tail, {bounce.get() + (tail - lo), alignment_}); !s)
                return s;
        } else if (end != hi && pos == lo) {
            if (auto s = pread_full(fd_, name_, lo, {bounce.get(), alignment_}); !s)
                return s;
        }
        std::memcpy(bounce.get() + (pos - lo), data.data() + done, n);
        if (auto s = pwrite_full(fd_, name_, lo, {bounce.get(), window}); !s)
            return s;
        done += n;
    }
    return Status::ok();
}

} // namespace bucketscope
