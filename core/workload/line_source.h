#pragma once
// Streams a trace file in bounded memory, line by line or in fixed-size records, with
// transparent zstd decompression (detected by the frame magic, not the file name: traces
// are often shipped as .zst). Keeps the line number and the bytes consumed so readers can
// report "file:line" errors and progress.
//
// Bytes are read (or decompressed) straight into one buffer, which keeps the unread tail at
// its front: a record or line is copied once, by the kernel, on its way in.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>

namespace bucketscope::workload {

class TraceError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class LineSource {
  public:
    // Throws TraceError naming the path when it cannot be opened.
    explicit LineSource(const std::string& path);
    ~LineSource();
    LineSource(const LineSource&) = delete;
    LineSource& operator=(const LineSource&) = delete;

    // Next line without its '\n' (and '\r'); false at the end. A line longer than
    // kMaxLine throws TraceError: memory stays bounded even on a binary file read as text.
    bool getline(std::string& line);
    static constexpr size_t kMaxLine = 1 << 20;
    // Exactly out.size() bytes; returns how many were read (less only at the end).
    size_t read(std::span<std::byte> out);
    // The next `n` bytes where they lie in the buffer, valid until the next call; `got` says
    // how many there are (less than n only at the end). Fixed-size records are decoded in
    // place this way instead of being copied out one by one.
    const std::byte* take(size_t n, size_t& got) {
        if (end_ - pos_ < n)
            refill(n);
        got = std::min(n, end_ - pos_);
        const auto* p = reinterpret_cast<const std::byte*>(data_ + pos_);
        pos_ += got;
        return p;
    }

    const std::string& path() const { return path_; }
    uint64_t line_number() const { return line_; }
    // Compressed bytes consumed so far and the file's size, for progress.
    uint64_t consumed() const { return consumed_; }
    uint64_t total() const { return total_; }

  private:
    bool fill();           // appends the file's next bytes to the buffer; false at the end
    void refill(size_t n); // fills until n bytes are buffered or the file ends

    std::string path_;
    std::FILE* file_ = nullptr;
    struct Zstd;
    std::unique_ptr<Zstd> zstd_;
    // Buffered bytes are data_[pos_, end_); data_ is buf_'s (nullptr before the first fill).
    const char* data_ = nullptr;
    size_t pos_ = 0;
    size_t end_ = 0;
    std::unique_ptr<char[]> buf_;
    size_t buf_cap_ = 0;
    uint64_t line_ = 0;
    uint64_t consumed_ = 0;
    uint64_t total_ = 0;
    bool eof_ = false;
};

} // namespace bucketscope::workload
