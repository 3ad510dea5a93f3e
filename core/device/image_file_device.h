#pragma once
// A cache device stored in a regular file: a copy of a real cache SSD (dd of /dev/sdX),
// an image the kernel wrote through a loop device, or one `format` created.
//
// The file's size is fixed when it is opened; I/O past it is refused rather than growing
// the file, as a real device would. discard punches a hole (fallocate PUNCH_HOLE |
// KEEP_SIZE) so a discarded bucket reads back as zeros and stops occupying disk space,
// which is what TRIM does on a thin SSD; on filesystems without hole punching it writes
// zeros instead, keeping the read-back contract. flush is fdatasync.
//
// A read-only device holds an O_RDONLY descriptor: write, discard and anything else that
// could modify the file fail in the kernel even if a caller ignores read_only().

#include "core/device/device.h"
#include "core/device/posix_io.h"

#include <string>

namespace bucketscope {

class ImageFileDevice final : public Device {
  public:
    // Opens an existing regular file.
    static Opened<ImageFileDevice> open(const std::string& path, OpenMode mode);
    // Creates a new file of `size_bytes` (sparse) and opens it read-write. Fails if the
    // path already exists: creating never replaces anything.
    static Opened<ImageFileDevice> create(const std::string& path, uint64_t size_bytes);

    std::string name() const override { return path_; }
    uint64_t size_bytes() const override { return size_; }
    bool read_only() const override { return mode_ == OpenMode::read_only; }

    Status read(uint64_t offset, std::span<std::byte> out) override;
    Status write(uint64_t offset, std::span<const std::byte> data) override;
    Status discard(uint64_t offset, uint64_t length) override;
    Status flush() override;

  private:
    ImageFileDevice(std::string path, UniqueFd fd, uint64_t size, OpenMode mode)
        : path_(std::move(path)), fd_(std::move(fd)), size_(size), mode_(mode) {}
    Status zero_fill(uint64_t offset, uint64_t length);

    std::string path_;
    UniqueFd fd_;
    uint64_t size_;
    OpenMode mode_;
};

} // namespace bucketscope
