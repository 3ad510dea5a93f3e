// Pages allocated on write; see sparse_ram_device.h.
#include "core/device/sparse_ram_device.h"

#include "core/device/posix_io.h"
#include "core/ondisk/zero_scan.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace bucketscope {

SparseRamDevice::SparseRamDevice(uint64_t size_bytes)
    : size_(size_bytes),
      chunks_((size_bytes + kPage * kPagesPerChunk - 1) / (kPage * kPagesPerChunk)),
      held_(chunks_.size()) {}

std::string SparseRamDevice::name() const {
    return "ram:" + std::to_string(size_);
}

std::byte* SparseRamDevice::page(uint64_t index, bool create, bool whole) {
    auto& chunk = chunks_[index / kPagesPerChunk];
    if (!chunk) {
        if (!create)
            return nullptr;
        chunk = std::make_unique<Chunk>();
    }
    const unsigned i = unsigned(index % kPagesPerChunk);
    auto& p = chunk->pages[i];
    if (!p && create) {
        if (pool_.empty()) {
            p = std::make_unique<std::byte[]>(kPage); // value-initialised: zeros
        } else {
            p = std::move(pool_.back());
            pool_.pop_back();
            if (!whole)
                std::memset(p.get(), 0, kPage);
        }
        uint16_t& held = held_[index / kPagesPerChunk];
        held = uint16_t(held | (1u << i));
        ++pages_;
    }
    return p.get();
}

void SparseRamDevice::drop(uint64_t chunk, unsigned i) {
    auto& p = chunks_[chunk]->pages[i];
    if (pool_.size() < kPoolPages)
        pool_.push_back(std::move(p));
    else
        p.reset();
    held_[chunk] = uint16_t(held_[chunk] & ~(1u << i));
    --pages_;
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
            std::memcpy(page(at / kPage, true, n == kPage) + in_page, src, n);
        done += n;
    }
}

void SparseRamDevice::zero_range(uint64_t at, uint64_t end) {
    constexpr uint64_t kChunkBytes = kPage * kPagesPerChunk;
    while (at < end) {
        const uint64_t base = at - at % kChunkBytes;
        const uint64_t stop = std::min(end, base + kChunkBytes);
        const uint64_t chunk = base / kChunkBytes;
        if (held_[chunk]) {
            const unsigned first = unsigned((at - base) / kPage);
            const unsigned last = unsigned((stop - 1 - base) / kPage);
            const unsigned covered = ((2u << last) - 1) & ~((1u << first) - 1);
            for (unsigned held = held_[chunk] & covered; held; held &= held - 1) {
                const unsigned i = unsigned(std::countr_zero(held));
                const uint64_t page_at = base + i * kPage;
                const uint64_t lo = std::max(at, page_at), hi = std::min(stop, page_at + kPage);
                if (hi - lo == kPage)
                    drop(chunk, i);
                else
                    std::memset(chunks_[chunk]->pages[i].get() + (lo - page_at), 0, hi - lo);
            }
        }
        at = stop;
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
