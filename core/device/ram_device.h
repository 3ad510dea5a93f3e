#pragma once
// A cache device held in memory. Discarded ranges read back as zeros, like a thinly
// provisioned SSD after TRIM.

#include "core/device/device.h"

#include <vector>

namespace bucketscope {

class RamDevice final : public Device {
  public:
    explicit RamDevice(uint64_t size_bytes);

    std::string name() const override;
    uint64_t size_bytes() const override { return bytes_.size(); }
    Status read(uint64_t offset, std::span<std::byte> out) override;
    Status write(uint64_t offset, std::span<const std::byte> data) override;
    Status discard(uint64_t offset, uint64_t length) override;
    Status flush() override { return Status::ok(); }

    uint64_t writes() const { return writes_; }
    uint64_t discards() const { return discards_; }

  private:
    std::vector<std::byte> bytes_;
    uint64_t writes_ = 0;
    uint64_t discards_ = 0;
};

} // namespace bucketscope
