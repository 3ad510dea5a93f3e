#pragma once
// Shared by the libFuzzer targets: the first bytes of an input choose the parameters a
// parser takes besides its buffer (set_magic, block size, version flags), so one corpus
// file exercises both the parameters and the bytes, and the magic derived from a known
// set_uuid (bcache-ondisk.md vector B) keeps valid seeds valid.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace bucketscope::fuzz {

// set_magic of set_uuid 01234567-89ab-cdef-0123-456789abcdef: the seeds use it.
inline constexpr uint64_t kSeedSetMagic = 0xefcdab8967452301ull;

class FuzzInput {
  public:
    FuzzInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}

    uint8_t byte() {
        if (pos_ >= size_)
            return 0;
        return data_[pos_++];
    }
    // The rest of the input, as the parser's buffer.
    std::span<const std::byte> rest() const {
        return {reinterpret_cast<const std::byte*>(data_) + pos_, size_ - pos_};
    }

  private:
    const uint8_t* data_;
    size_t size_;
    size_t pos_ = 0;
};

} // namespace bucketscope::fuzz
