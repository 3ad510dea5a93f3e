#pragma once
// The block device the engine runs on: an image file, a real block device, RAM, or a
// fault-injecting wrapper around any of them (leveldb's Env, for a cache device).
//
// Offsets and lengths are in bytes. Errors come back as a Status naming the device, the
// operation and the offset; no method throws. A Device may be used from one thread at a
// time; the engine serialises its I/O.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace bucketscope {

struct Status {
    bool good = true;
    std::string message;

    static Status ok() { return {}; }
    static Status error(std::string msg) { return {false, std::move(msg)}; }
    bool is_ok() const { return good; }
    explicit operator bool() const { return good; }
};

// How a device is opened. read_only is enforced by the operating system (O_RDONLY), not
// only by the Device: a read-only device cannot modify its target even through a bug here.
enum class OpenMode { read_only, read_write };

// The outcome of opening a device: the device, or a Status saying why there is none.
template <typename T> struct Opened {
    std::unique_ptr<T> device;
    Status status;

    explicit operator bool() const { return device != nullptr; }
};

class Device {
  public:
    virtual ~Device() = default;

    // Human-readable name for messages: a path, "ram:64M", ...
    virtual std::string name() const = 0;
    virtual uint64_t size_bytes() const = 0;
    virtual uint32_t logical_block_size() const { return 512; }
    virtual bool read_only() const { return false; }

    virtual Status read(uint64_t offset, std::span<std::byte> out) = 0;
    virtual Status write(uint64_t offset, std::span<const std::byte> data) = 0;
    // write() of a buffer whose bytes from `zeros_from` on are known to be zero (a prio
    // set's empty tail). The device ends up holding every byte of `data` either way; one
    // that keeps zero pages out of memory uses the hint to skip reading the tail.
    virtual Status write_zero_tail(uint64_t offset, std::span<const std::byte> data,
                                   size_t zeros_from) {
        (void)zeros_from;
        return write(offset, data);
    }
    // Tell the device the range holds nothing worth keeping (BLKDISCARD / punch hole).
    virtual Status discard(uint64_t offset, uint64_t length) = 0;
    // The range was overwritten with data nobody kept (a data write with
    // EngineOptions::data_payload off, charged but not issued): a device that holds
    // contents only to give them back (SparseRamDevice) may drop what the range held
    // before, such as an old btree node, so a long replay's memory stays that of its live
    // metadata. Not an I/O: nothing is written and no counter moves. Safe from any thread.
    virtual void forget(uint64_t offset, uint64_t length) {
        (void)offset;
        (void)length;
    }
    // Make every completed write durable (fdatasync / FLUSH).
    virtual Status flush() = 0;
};

} // namespace bucketscope
