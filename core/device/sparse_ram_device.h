#pragma once
// A cache device in memory that only holds the pages something was written to: what the
// `ram:SIZE` replay targets run on, so a cache of tens of GiB costs the memory of its
// metadata (prio sets, journal, btree nodes) rather than its size.
//
// Storage is 4 KiB pages in 64 KiB chunks, allocated on first write. A page written with
// zeros only is not kept (and dropped if it was), discarded and forgotten ranges are
// dropped, and reads of pages never written return zeros, like a thinly provisioned SSD
// with zero detection. Reads and writes behave byte for byte like RamDevice otherwise.
//
// A replay writes a prio set into a new bucket for every free_inc batch and btree nodes
// into others, and those buckets later hold data the engine does not keep (forget()), so
// pages come and go all the time: dropped pages wait in a small pool for the next write,
// already faulted in; new pages come from PageSlabs' mapped slabs, already zero.
// A mutex makes the device safe from the threaded engine's tasks (uncontended otherwise).

#include "core/device/device.h"
#include "core/device/page_slabs.h"

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

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
    void forget(uint64_t offset, uint64_t length) override;
    Status flush() override { return Status::ok(); }

    uint64_t writes() const;
    uint64_t discards() const;
    // Bytes of pages held (the pool of spare pages not counted).
    uint64_t resident_bytes() const;

    static constexpr uint64_t kPage = 4096;

  private:
    static constexpr uint64_t kPagesPerChunk = 16;
    // Spare pages kept for reuse: a few prio sets' and nodes' worth.
    static constexpr size_t kPoolPages = 1024;
    static_assert(kPage == PageSlabs::kPage);
    struct Chunk {
        std::array<std::byte*, kPagesPerChunk> pages{}; // from slabs_
    };
    static_assert(kPagesPerChunk <= 16);
    // The page at `index`, nullptr if there is none.
    std::byte* held_page(uint64_t index) const;
    // The page at `index`, made if there is none: zeros except [keep, keep + n), which the
    // caller is about to overwrite (a pooled page is not zeroed there first).
    std::byte* page_for_write(uint64_t index, size_t keep, size_t n);
    void drop(uint64_t chunk, unsigned i);
    void store(uint64_t offset, std::span<const std::byte> data);
    // Drops whole pages of [at, end) and zeroes the partial ones it holds.
    void zero_range(uint64_t at, uint64_t end);

    uint64_t size_;
    mutable std::mutex lock_;
    std::vector<std::unique_ptr<Chunk>> chunks_;
    // Per chunk, bit i: its page i is held. Apart from the chunks so that a range (a
    // bucket's is 8 chunks) checks one cache line, not one scattered chunk per 64 KiB.
    std::vector<uint16_t> held_;
    // Bit c: chunk c holds a page (held_[c] != 0). Most forgotten ranges are data buckets
    // that never held metadata; this says so from 1 bit per 64 KiB (a few KiB per GiB, which
    // stays in cache) instead of a cache miss in held_, and without taking the lock: changed
    // only under it, read by forget() before it (a range seen empty is one forgotten just
    // before a racing write, which is as good an order as any).
    std::unique_ptr<std::atomic<uint64_t>[]> any_held_;
    // Whether any chunk of [at, end) holds a page.
    bool any_held(uint64_t at, uint64_t end) const;
    PageSlabs slabs_;
    std::vector<std::byte*> pool_; // dropped pages, contents stale
    uint64_t pages_ = 0;
    uint64_t writes_ = 0;
    uint64_t discards_ = 0;
};

} // namespace bucketscope
