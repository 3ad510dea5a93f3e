// Pages allocated on write; see sparse_ram_device.h.
#include "core/device/sparse_ram_device.h"

#include <algorithm>
#include <cstring>

#include "core/device/posix_io.h"
#include "core/ondisk/zero_scan.h"

namespace bucketscope {

SparseRamDevice::SparseRamDevice(uint64_t size_bytes)
    : size_(size_bytes), chunks_((size_bytes + kPage * kPagesPerChunk - 1) / (kPage * kPagesPerChunk)) {}

std::string SparseRamDevice::name() const { return "ram:" + std::to_string(size_); }

std::byte* SparseRamDevice::page(uint64_t index, bool create) {
    auto& chunk = chunks_[index / kPagesPerChunk];
    if (!chunk) {
        if (!create)
            return nullptr;
        chunk = std::make_unique<Chunk>();
    }
    auto& p = chunk->pages[index % kPagesPerChunk];
    if (!p && create) {
        if (pool_.empty()) {
            p = std::make_unique<std::byte[]>(kPage); // value-initialised: zeros
        } else {
            p = std::move(pool_.back());
            pool_.pop_back();
            std::memset(p.get(), 0, kPage);
        }
        ++chunk->held;
        ++pages_;
    }
    return p.get();
}

void SparseRamDevice::drop(uint64_t index) {
    auto& chunk = chunks_[index / kPagesPerChunk];
    if (!chunk)
        return;
    auto& p = chunk->pages[index % kPagesPerChunk];
    if (p) {
        if (pool_.size() < kPoolPages)
            pool_.push_back(std::move(p));
        else
            p.reset();
        --chunk->held;
        --pages_;
    }
}

Status SparseRamDevice::read(uint64_t offset, std::span<std::byte> out) {
    if (auto s = check_range(name(), "read", offset, out.size(), size_); !s)
        return s;
    std::lock_guard lk(lock_);
    size_t done = 0;
    while (done < out.size()) {
        const uint64_t at = offset + done;
        const size_t in_page = size_t(at % kPage);
        const size_t n = std::min<size_t>(out.size() - done, kPage - in_page);
        if (const std::byte* p = page(at / kPage, false))
            std::memcpy(out.data() + done, p + in_page, n);
        else
            std::memset(out.data() + done, 0, n);
        done += n;
    }
    return Status::ok();
}

void SparseRamDevice::store(uint64_t offset, std::span<const std::byte> data) {
    size_t done = 0;
    while (done < data.size()) {
        const uint64_t at = offset + done;
        const size_t in_page = size_t(at % kPage);
        const size_t n = std::min<size_t>(data.size() - done, kPage - in_page);
        const std::byte* src = data.data() + done;
        if (ondisk::all_zero(src, n))
            zero_range(at, at + n);
        else
            std::memcpy(page(at / kPage, true) + in_page, src, n);
        done += n;
    }
}

void SparseRamDevice::zero_range(uint64_t at, uint64_t end) {
    constexpr uint64_t kChunkBytes = kPage * kPagesPerChunk;
    while (at < end) {
        // Most of a bucket's range was never written (or is dropped already): skip a chunk
        // that holds nothing in one go.
        if (const auto& chunk = chunks_[at / kChunkBytes]; !chunk || chunk->held == 0) {
            at = std::min(end, (at / kChunkBytes + 1) * kChunkBytes);
            continue;
        }
        const uint64_t in_page = at % kPage;
        const uint64_t n = std::min(end - at, kPage - in_page);
        if (n == kPage)
            drop(at / kPage);
        else if (std::byte* p = page(at / kPage, false))
            std::memset(p + in_page, 0, n);
        at += n;
    }
}

Status SparseRamDevice::write(uint64_t offset, std::span<const std::byte> data) {
    if (auto s = check_range(name(), "write", offset, data.size(), size_); !s)
        return s;
    std::lock_guard lk(lock_);
    store(offset, data);
    ++writes_;
    return Status::ok();
}

Status SparseRamDevice::write_zero_tail(uint64_t offset, std::span<const std::byte> data,
                                        size_t zeros_from) {
    if (auto s = check_range(name(), "write", offset, data.size(), size_); !s)
        return s;
    std::lock_guard lk(lock_);
    const size_t head = std::min(zeros_from, data.size());
    store(offset, data.first(head));
    zero_range(offset + head, offset + data.size());
    ++writes_;
    return Status::ok();
}

Status SparseRamDevice::discard(uint64_t offset, uint64_t length) {
    if (auto s = check_range(name(), "discard", offset, length, size_); !s)
        return s;
    std::lock_guard lk(lock_);
    zero_range(offset, offset + length);
    ++discards_;
    return Status::ok();
}

void SparseRamDevice::forget(uint64_t offset, uint64_t length) {
    if (offset >= size_)
        return;
    const uint64_t end = std::min(size_, offset + std::min(length, size_));
    std::lock_guard lk(lock_);
    zero_range(offset, end);
}

uint64_t SparseRamDevice::writes() const {
    std::lock_guard lk(lock_);
    return writes_;
}

uint64_t SparseRamDevice::discards() const {
    std::lock_guard lk(lock_);
    return discards_;
}

uint64_t SparseRamDevice::resident_bytes() const {
    std::lock_guard lk(lock_);
    return pages_ * kPage;
}

} // namespace bucketscope
