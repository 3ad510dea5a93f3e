#include "core/workload/line_source.h"

#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace bucketscope::workload {

struct LineSource::Zstd {
    ZSTD_DCtx* ctx = ZSTD_createDCtx();
    ZSTD_inBuffer in{nullptr, 0, 0};
    std::vector<char> out = std::vector<char>(ZSTD_DStreamOutSize());
    ~Zstd() { ZSTD_freeDCtx(ctx); }
};

namespace {
constexpr size_t kChunk = 1 << 16;
constexpr unsigned char kZstdMagic[4] = {0x28, 0xb5, 0x2f, 0xfd};
} // namespace

LineSource::LineSource(const std::string& path) : path_(path) {
    file_ = std::fopen(path.c_str(), "rb");
    if (!file_)
        throw TraceError(path + ": cannot open trace: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(::fileno(file_), &st) == 0)
        total_ = static_cast<uint64_t>(st.st_size);
    unsigned char magic[4] = {};
    const size_t n = std::fread(magic, 1, 4, file_);
    std::rewind(file_);
    if (n == 4 && std::memcmp(magic, kZstdMagic, 4) == 0)
        zstd_ = std::make_unique<Zstd>();
    in_.resize(kChunk);
}

LineSource::~LineSource() {
    if (file_)
        std::fclose(file_);
}

bool LineSource::fill() {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<ptrdiff_t>(pos_));
    pos_ = 0;
    if (eof_)
        return false;
    if (!zstd_) {
        const size_t n = std::fread(in_.data(), 1, in_.size(), file_);
        consumed_ += n;
        if (n == 0) {
            eof_ = true;
            return false;
        }
        buf_.insert(buf_.end(), in_.data(), in_.data() + n);
        return true;
    }
    // Decompress until at least some output appears or the input ends.
    const size_t before = buf_.size();
    while (buf_.size() == before) {
        if (zstd_->in.pos == zstd_->in.size) {
            const size_t n = std::fread(in_.data(), 1, in_.size(), file_);
            consumed_ += n;
            if (n == 0) {
                eof_ = true;
                return false;
            }
            zstd_->in = {in_.data(), n, 0};
        }
        auto& out = zstd_->out;
        ZSTD_outBuffer ob{out.data(), out.size(), 0};
        const size_t r = ZSTD_decompressStream(zstd_->ctx, &ob, &zstd_->in);
        if (ZSTD_isError(r))
            throw TraceError(path_ + ": corrupt zstd data near compressed byte " +
                             std::to_string(consumed_) + ": " + ZSTD_getErrorName(r));
        buf_.insert(buf_.end(), out.data(), out.data() + ob.pos);
    }
    return true;
}

bool LineSource::getline(std::string& line) {
    for (;;) {
        const auto begin = buf_.begin() + static_cast<ptrdiff_t>(pos_);
        const auto nl = std::find(begin, buf_.end(), '\n');
        if (nl != buf_.end()) {
            line.assign(begin, nl);
            pos_ = static_cast<size_t>(nl - buf_.begin()) + 1;
            break;
        }
        if (buf_.size() - pos_ > kMaxLine)
            throw TraceError(path_ + ":" + std::to_string(line_ + 1) + ": line longer than " +
                             std::to_string(kMaxLine) + " bytes (is this the right format?)");
        if (!fill()) {
            if (pos_ == buf_.size())
                return false;
            line.assign(buf_.begin() + static_cast<ptrdiff_t>(pos_), buf_.end());
            pos_ = buf_.size();
            break;
        }
    }
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    ++line_;
    return true;
}

void LineSource::refill(size_t n) {
    while (buf_.size() - pos_ < n && fill()) {
    }
}

size_t LineSource::read(std::span<std::byte> out) {
    refill(out.size());
    const size_t n = std::min(out.size(), buf_.size() - pos_);
    std::memcpy(out.data(), buf_.data() + pos_, n);
    pos_ += n;
    return n;
}

} // namespace bucketscope::workload
