#pragma once
// A real block device: a cache SSD, a partition, a loop or dm device.
//
// Opening for writing takes the device exclusively (O_EXCL), which the kernel refuses
// with EBUSY while the device is mounted, registered with bcache, part of an md/dm stack
// or opened exclusively by anyone else: the same guard mkfs relies on. Size and logical
// block size come from the kernel (BLKGETSIZE64, BLKSSZGET), never from the caller.
// I/O bypasses the page cache (O_DIRECT) so reads see the medium and writes reach it in
// the order issued; requests not aligned to the logical block size are bounced through
// AlignedIo. discard is BLKDISCARD on the aligned part of the range; what a discarded
// range reads back as is up to the device (zeros on most SSDs, old data on some), and a
// device without discard support treats it as a no-op, as the kernel does.
//
// Read-only opens use O_RDONLY and no O_EXCL, so a mounted device can still be inspected.

#include "core/device/aligned_io.h"
#include "core/device/device.h"
#include "core/device/posix_io.h"

#include <string>

namespace bucketscope {

class BlockDevice final : public Device {
  public:
    static Opened<BlockDevice> open(const std::string& path, OpenMode mode);

    std::string name() const override { return path_; }
    uint64_t size_bytes() const override { return size_; }
    uint32_t logical_block_size() const override { return logical_block_size_; }
    bool read_only() const override { return mode_ == OpenMode::read_only; }
    // False when the device refused O_DIRECT and I/O goes through the page cache.
    bool direct() const { return direct_; }

    Status read(uint64_t offset, std::span<std::byte> out) override;
    Status write(uint64_t offset, std::span<const std::byte> data) override;
    Status discard(uint64_t offset, uint64_t length) override;
    Status flush() override;

  private:
    BlockDevice(std::string path, UniqueFd fd, uint64_t size, uint32_t lbs, bool direct,
                OpenMode mode);

    std::string path_;
    UniqueFd fd_;
    uint64_t size_;
    uint32_t logical_block_size_;
    bool direct_;
    OpenMode mode_;
    AlignedIo io_;
};

} // namespace bucketscope
