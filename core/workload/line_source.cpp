#include "core/workload/line_source.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <vector>
#include <zstd.h>

namespace bucketscope::workload {

struct LineSource::Zstd {
    ZSTD_DCtx* ctx = ZSTD_createDCtx();
    ZSTD_inBuffer in{nullptr, 0, 0};
    std::vector<char> raw = std::vector<char>(ZSTD_DStreamInSize());
    ~Zstd() { ZSTD_freeDCtx(ctx); }
};

namespace {
// Bytes read or decompressed per fill(). Small enough to stay in cache until the records
// in it are decoded: a replay spends microseconds per record, and a 256 KiB buffer was
// evicted before its end, a cache miss every few records (10% of a 10M-request replay).
constexpr size_t kChunk = size_t{32} << 10;
constexpr unsigned char kZstdMagic[4] = {0x28, 0xb5, 0x2f, 0xfd};
} // namespace

LineSource::LineSource(const std::string& path) : path_(path) {
    file_ = std::fopen(path.c_str(), "rb");
    if (!file_)
        throw TraceError(path + ": cannot open trace: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(::fileno(file_), &st) == 0 && S_ISREG(st.st_mode))
        total_ = static_cast<uint64_t>(st.st_size);
    unsigned char magic[4] = {};
    const size_t n = std::fread(magic, 1, 4, file_);
    std::rewind(file_);
    if (n == 4 && std::memcmp(magic, kZstdMagic, 4) == 0)
        zstd_ = std::make_unique<Zstd>();
}

LineSource::~LineSource() {
    if (file_)
        std::fclose(file_);
}

bool LineSource::fill() {
    if (eof_)
        return false;
    // Unread bytes move to the front, then there is room for a chunk after them.
    const size_t left = end_ - pos_;
    if (pos_ && left)
        std::memmove(buf_.get(), buf_.get() + pos_, left);
    pos_ = 0;
    end_ = left;
    if (buf_cap_ < left + kChunk) {
        const size_t cap = std::max(2 * buf_cap_, left + kChunk);
        auto grown = std::make_unique<char[]>(cap);
        if (left)
            std::memcpy(grown.get(), buf_.get(), left);
        buf_ = std::move(grown);
        buf_cap_ = cap;
    }
    data_ = buf_.get();
    char* room = buf_.get() + end_;
    if (!zstd_) {
        const size_t n = std::fread(room, 1, kChunk, file_);
        consumed_ += n;
        end_ += n;
        eof_ = n == 0;
        return n != 0;
    }
    // Decompress until at least some output appears or the input ends.
    for (;;) {
        if (zstd_->in.pos == zstd_->in.size) {
            const size_t n = std::fread(zstd_->raw.data(), 1, zstd_->raw.size(), file_);
            consumed_ += n;
            if (n == 0) {
                eof_ = true;
                return false;
            }
            zstd_->in = {zstd_->raw.data(), n, 0};
        }
        ZSTD_outBuffer ob{room, kChunk, 0};
        const size_t r = ZSTD_decompressStream(zstd_->ctx, &ob, &zstd_->in);
        if (ZSTD_isError(r))
            throw TraceError(path_ + ": corrupt zstd data near compressed byte " +
                             std::to_string(consumed_) + ": " + ZSTD_getErrorName(r));
        if (ob.pos) {
            end_ += ob.pos;
            return true;
        }
    }
}

bool LineSource::getline(std::string& line) {
    size_t searched = pos_; // no '\n' in [pos_, searched)
    for (;;) {
        const size_t limit = std::min(end_, pos_ + kMaxLine + 1);
        const auto* nl =
            searched < limit
                ? static_cast<const char*>(std::memchr(data_ + searched, '\n', limit - searched))
                : nullptr;
        if (nl) {
            line.assign(data_ + pos_, nl);
            pos_ = size_t(nl - data_) + 1;
            break;
        }
        if (end_ - pos_ > kMaxLine)
            throw TraceError(path_ + ":" + std::to_string(line_ + 1) + ": line longer than " +
                             std::to_string(kMaxLine) + " bytes (is this the right format?)");
        searched = end_ - pos_; // fill() moves the unread bytes to the front
        if (!fill()) {
            if (pos_ == end_)
                return false;
            line.assign(data_ + pos_, data_ + end_);
            pos_ = end_;
            break;
        }
    }
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    ++line_;
    return true;
}

void LineSource::refill(size_t n) {
    while (end_ - pos_ < n && fill()) {
    }
}

size_t LineSource::read(std::span<std::byte> out) {
    size_t got = 0;
    const std::byte* p = take(out.size(), got);
    std::memcpy(out.data(), p, got);
    return got;
}

} // namespace bucketscope::workload
