#pragma once
// A cache device in memory that only holds the pages something was written to: what the
// `ram:SIZE` replay targets run on, so a cache of tens of GiB costs the memory of its
// metadata (prio sets, journal, btree nodes) rather than its size.
//
// Storage is 4 KiB pages in 64 KiB chunks, allocated on first write. A page written with
// zeros only is not kept (and dropped if it was), discarded ranges are dropped, and reads
// of pages never written return zeros, like a thinly provisioned SSD with zero detection.
// Reads and writes behave byte for byte like RamDevice otherwise.

#include <array>
#include <memory>
#include <vector>

#include "core/device/device.h"

namespace bucketscope {

class SparseRamDevice final : public Device {
  public:
    explicit SparseRamDevice(uint64_t size_bytes);

    std::string name() const override;
    uint64_t size_bytes() const override { return size_; }
    Status read(uint64_t offset, std::span<std::byte> out) override;
    Status write(uint64_t offset, std::span<const std::byte> data) override;
    // Stores data[0, zeros_from) as write() does and zeroes the rest like a discard.
    Status write_zero_tail(uint64_t offset, std::span<const std::byte> data,
                           size_t zeros_from) override;
    Status discard(uint64_t offset, uint64_t length) override;
    Status flush() override { return Status::ok(); }

    uint64_t writes() const { return writes_; }
    uint64_t discards() const { return discards_; }
    // Bytes of pages held.
    uint64_t resident_bytes() const { return pages_ * kPage; }

    static constexpr uint64_t kPage = 4096;

  private:
    static constexpr uint64_t kPagesPerChunk = 16;
    struct Chunk {
        std::array<std::unique_ptr<std::byte[]>, kPagesPerChunk> pages;
    };
    std::byte* page(uint64_t index, bool create);
    void drop(uint64_t index);
    void store(uint64_t offset, std::span<const std::byte> data);
    // Drops whole pages of [at, end) and zeroes the partial ones it holds.
    void zero_range(uint64_t at, uint64_t end);

    uint64_t size_;
    std::vector<std::unique_ptr<Chunk>> chunks_;
    uint64_t pages_ = 0;
    uint64_t writes_ = 0;
    uint64_t discards_ = 0;
};

} // namespace bucketscope
