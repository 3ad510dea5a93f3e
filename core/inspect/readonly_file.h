#pragma once
// A minimal read-only Device over a regular file or block device, private to inspect:
// O_RDONLY and pread only, so inspecting can never modify its target even through a bug
// here. Every mutating method fails.

#include <memory>
#include <string>

#include "core/device/device.h"

namespace bucketscope::inspect {

class ReadOnlyFile final : public Device {
  public:
    // Null and `error` filled when the target cannot be opened or sized.
    static std::unique_ptr<ReadOnlyFile> open(const std::string& path, std::string& error);
    ~ReadOnlyFile() override;
    ReadOnlyFile(const ReadOnlyFile&) = delete;
    ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;

    std::string name() const override { return path_; }
    uint64_t size_bytes() const override { return size_; }
    bool read_only() const override { return true; }
    Status read(uint64_t offset, std::span<std::byte> out) override;
    Status write(uint64_t, std::span<const std::byte>) override;
    Status discard(uint64_t, uint64_t) override;
    Status flush() override { return Status::ok(); }

  private:
    ReadOnlyFile(std::string path, int fd, uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
    std::string path_;
    int fd_;
    uint64_t size_;
};

} // namespace bucketscope::inspect
