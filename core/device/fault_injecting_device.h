#pragma once
// A Device that fails on purpose, for crash and error-path tests (leveldb's
// FaultInjectionTestEnv, for a cache device).
//
// It wraps another Device (borrowed: the inner device must outlive it) and passes every
// request through unless a rule says otherwise:
//   - fail_reads_at / fail_writes_at: a request whose byte range covers the offset fails
//     with EIO and transfers nothing (a bad sector);
//   - fail_after_ops(n): every operation after the first n fails with EIO;
//   - tear_write(k, prefix): the k-th write stores only its first `prefix` bytes and
//     reports EIO, as when power fails mid-write;
//   - stop_after_writes(n): writes after the first n fail, as do discards and flushes
//     (the device lost power); reads still work, so a test can look at what survived.
// Counts are of calls made through this wrapper, starting at 1. Errors look like the
// real ones (device, operation, offset, errno text) and add "(injected)".

#include "core/device/device.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace bucketscope {

class FaultInjectingDevice final : public Device {
  public:
    explicit FaultInjectingDevice(Device& inner) : inner_(inner) {}

    void fail_reads_at(uint64_t offset) { bad_read_offsets_.push_back(offset); }
    void fail_writes_at(uint64_t offset) { bad_write_offsets_.push_back(offset); }
    void fail_after_ops(uint64_t n) { ops_limit_ = n; }
    void tear_write(uint64_t nth_write, uint64_t prefix_bytes);
    void stop_after_writes(uint64_t n) { writes_limit_ = n; }
    // Drops every rule; counts keep running.
    void clear();

    uint64_t ops() const { return ops_; }
    uint64_t writes() const { return writes_; }
    uint64_t injected_failures() const { return injected_; }

    std::string name() const override { return inner_.name(); }
    uint64_t size_bytes() const override { return inner_.size_bytes(); }
    uint32_t logical_block_size() const override { return inner_.logical_block_size(); }
    bool read_only() const override { return inner_.read_only(); }

    Status read(uint64_t offset, std::span<std::byte> out) override;
    Status write(uint64_t offset, std::span<const std::byte> data) override;
    Status discard(uint64_t offset, uint64_t length) override;
    Status flush() override;

  private:
    struct Tear {
        uint64_t nth_write;
        uint64_t prefix_bytes;
    };

    Status injected(const char* op, uint64_t offset, uint64_t length);
    bool ops_exhausted() const { return ops_limit_ && ops_ > *ops_limit_; }
    // The device stops once the writes_limit_-th write is done.
    bool stopped() const { return writes_limit_ && writes_ >= *writes_limit_; }

    Device& inner_;
    std::vector<uint64_t> bad_read_offsets_;
    std::vector<uint64_t> bad_write_offsets_;
    std::optional<uint64_t> ops_limit_;
    std::optional<uint64_t> writes_limit_;
    std::optional<Tear> tear_;
    uint64_t ops_ = 0;
    uint64_t writes_ = 0;
    uint64_t injected_ = 0;
};

} // namespace bucketscope
