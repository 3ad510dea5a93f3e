#pragma once
// Streams a trace file in bounded memory, line by line or in fixed-size records, with
// transparent zstd decompression (detected by the frame magic, not the file name: traces
// are often shipped as .zst). Keeps the line number and the bytes consumed so readers can
// report "file:line" errors and progress.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

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
        if (buf_.size() - pos_ < n)
            refill(n);
        got = std::min(n, buf_.size() - pos_);
        const auto* p = reinterpret_cast<const std::byte*>(buf_.data() + pos_);
        pos_ += got;
        return p;
    }

    const std::string& path() const { return path_; }
    uint64_t line_number() const { return line_; }
    // Compressed bytes consumed so far and the file's size, for progress.
    uint64_t consumed() const { return consumed_; }
    uint64_t total() const { return total_; }

  private:
    bool fill();           // refills buf_ from the file (decompressing); false at the end
    void refill(size_t n); // fills until n bytes are buffered or the file ends

    std::string path_;
    std::FILE* file_ = nullptr;
    struct Zstd;
    std::unique_ptr<Zstd> zstd_;
    std::vector<char> in_;
    std::vector<char> buf_;
    size_t pos_ = 0;
    uint64_t line_ = 0;
    uint64_t consumed_ = 0;
    uint64_t total_ = 0;
    bool eof_ = false;
};

} // namespace bucketscope::workload
