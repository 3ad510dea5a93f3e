// Pages allocated on write; see sparse_ram_device.h.
#include "core/device/sparse_ram_device.h"

#include "core/device/posix_io.h"
#include "core/ondisk/zero_scan.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace bucketscope {

namespace {

// A whole page into the device. Nothing reads pages back during a replay, so they are
// streamed past the caches: no read for ownership of the destination, and the engine's
// own working set (index leaves, bucket array) is not evicted by the metadata it writes.
void copy_page(std::byte* dst, const std::byte* src) {
#if defined(__SSE2__)
    if (reinterpret_cast<uintptr_t>(dst) % 16 == 0) {
        auto* d = reinterpret_cast<__m128i*>(dst);
        const auto* s = reinterpret_cast<const __m128i*>(src);
        for (size_t i = 0; i < SparseRamDevice::kPage / 16; i += 4) {
            const __m128i a = _mm_loadu_si128(s + i), b = _mm_loadu_si128(s + i + 1);
            const __m128i c = _mm_loadu_si128(s + i + 2), e = _mm_loadu_si128(s + i + 3);
            _mm_stream_si128(d + i, a);
            _mm_stream_si128(d + i + 1, b);
            _mm_stream_si128(d + i + 2, c);
            _mm_stream_si128(d + i + 3, e);
        }
        return;
    }
#endif
    std::memcpy(dst, src, SparseRamDevice::kPage);
}

} // namespace

SparseRamDevice::SparseRamDevice(uint64_t size_bytes)
    : size_(size_bytes),
      chunks_((size_bytes + kPage * kPagesPerChunk - 1) / (kPage * kPagesPerChunk)),
      held_(chunks_.size()),
      any_held_(std::make_unique<std::atomic<uint64_t>[]>((chunks_.size() + 63) / 64)) {}

std::string SparseRamDevice::name() const {
    return "ram:" + std::to_string(size_);
}

std::byte* SparseRamDevice::held_page(uint64_t index) const {
    const auto& chunk = chunks_[index / kPagesPerChunk];
    return chunk ? chunk->pages[index % kPagesPerChunk] : nullptr;
}

std::byte* SparseRamDevice::page_for_write(uint64_t index, size_t keep, size_t n) {
    const uint64_t c = index / kPagesPerChunk;
    auto& chunk = chunks_[c];
    if (!chunk)
        chunk = std::make_unique<Chunk>();
    const unsigned i = unsigned(index % kPagesPerChunk);
    auto& p = chunk->pages[i];
    if (!p) {
        if (pool_.empty()) {
            p = slabs_.take(); // zeros
        } else {
            p = pool_.back();
            pool_.pop_back();
            // Most writes cover whole pages: no call then, as even an empty memset is a
            // masked store that waits behind the streaming stores of the page before.
            if (keep)
                std::memset(p, 0, keep);
            if (keep + n < kPage)
                std::memset(p + keep + n, 0, kPage - keep - n);
        }
        if (!held_[c])
            any_held_[c / 64].fetch_or(1ull << (c % 64), std::memory_order_relaxed);
        held_[c] = uint16_t(held_[c] | (1u << i));
        ++pages_;
    }
    return p;
}

void SparseRamDevice::drop(uint64_t chunk, unsigned i) {
    auto& p = chunks_[chunk]->pages[i];
    if (pool_.size() < kPoolPages)
        pool_.push_back(p);
    else
        slabs_.give_back(p);
    p = nullptr;
    held_[chunk] = uint16_t(held_[chunk] & ~(1u << i));
    if (!held_[chunk])
        any_held_[chunk / 64].fetch_and(~(1ull << (chunk % 64)), std::memory_order_relaxed);
    --pages_;
}

Status SparseRamDevice::read(uint64_t offset, std::span<std::byte> out) {
    if (!in_range(offset, out.size(), size_))
        return check_range(name(), "read", offset, out.size(), size_);
    std::lock_guard lk(lock_);
    size_t done = 0;
    while (done < out.size()) {
        const uint64_t at = offset + done;
        const size_t in_page = size_t(at % kPage);
        const size_t n = std::min<size_t>(out.size() - done, kPage - in_page);
        if (const std::byte* p = held_page(at / kPage))
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
        else if (n == kPage)
            copy_page(page_for_write(at / kPage, 0, n), src);
        else
            std::memcpy(page_for_write(at / kPage, in_page, n) + in_page, src, n);
        done += n;
    }
#if defined(__SSE2__)
    _mm_sfence(); // the streamed pages are ordered before the lock is released
#endif
}

bool SparseRamDevice::any_held(uint64_t at, uint64_t end) const {
    constexpr uint64_t kChunkBytes = kPage * kPagesPerChunk;
    if (at >= end)
        return false;
    const uint64_t first_chunk = at / kChunkBytes, last_chunk = (end - 1) / kChunkBytes;
    for (uint64_t w = first_chunk / 64; w <= last_chunk / 64; ++w) {
        uint64_t bits = any_held_[w].load(std::memory_order_relaxed);
        if (w == first_chunk / 64)
            bits &= ~0ull << (first_chunk % 64);
        if (w == last_chunk / 64)
            bits &= ~0ull >> (63 - last_chunk % 64);
        if (bits)
            return true;
    }
    return false;
}

void SparseRamDevice::zero_range(uint64_t at, uint64_t end) {
    constexpr uint64_t kChunkBytes = kPage * kPagesPerChunk;
    // Nothing held anywhere in the range: the common case, a data bucket forgotten.
    if (!any_held(at, end))
        return;
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
                    std::memset(chunks_[chunk]->pages[i] + (lo - page_at), 0, hi - lo);
            }
        }
        at = stop;
    }
}

Status SparseRamDevice::write(uint64_t offset, std::span<const std::byte> data) {
    if (!in_range(offset, data.size(), size_))
        return check_range(name(), "write", offset, data.size(), size_);
    std::lock_guard lk(lock_);
    store(offset, data);
    ++writes_;
    return Status::ok();
}

Status SparseRamDevice::write_zero_tail(uint64_t offset, std::span<const std::byte> data,
                                        size_t zeros_from) {
    if (!in_range(offset, data.size(), size_))
        return check_range(name(), "write", offset, data.size(), size_);
    std::lock_guard lk(lock_);
    // The head runs to the end of its last page (the caller's zeros fill it), so that page
    // is copied whole instead of zeroed and then partly overwritten.
    const uint64_t head_end =
        (offset + std::min(zeros_from, data.size()) + kPage - 1) / kPage * kPage;
    const size_t head = static_cast<size_t>(std::min<uint64_t>(head_end - offset, data.size()));
    store(offset, data.first(head));
    zero_range(offset + head, offset + data.size());
    ++writes_;
    return Status::ok();
}

Status SparseRamDevice::discard(uint64_t offset, uint64_t length) {
    if (!in_range(offset, length, size_))
        return check_range(name(), "discard", offset, length, size_);
    std::lock_guard lk(lock_);
    zero_range(offset, offset + length);
    ++discards_;
    return Status::ok();
}

void SparseRamDevice::forget(uint64_t offset, uint64_t length) {
    if (offset >= size_)
        return;
    const uint64_t end = std::min(size_, offset + std::min(length, size_));
    if (!any_held(offset, end))
        return;
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
