// Decompression with libzstd's streaming API into a sparse file: the images are mostly
// zeros, so holes keep a 320 MiB image down to a few MiB on disk.

#include "fixture_util.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

#include "core/ondisk/crc64.h"

namespace bucketscope::testutil {
namespace fs = std::filesystem;

namespace {

fs::path temp_root() {
    static const fs::path root = [] {
        fs::path p = fs::temp_directory_path() / ("bucketscope-ondisk-" + std::to_string(getpid()));
        fs::create_directories(p);
        return p;
    }();
    return root;
}

// Holds its own copy of the path: function-local statics die in reverse order.
struct Cleanup {
    fs::path root = temp_root();
    ~Cleanup() {
        std::error_code ec;
        fs::remove_all(root, ec);
    }
};

void decompress(const fs::path& in, const fs::path& out) {
    std::ifstream src(in, std::ios::binary);
    if (!src)
        throw std::runtime_error("cannot open " + in.string());
    std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
    std::ofstream dst(out, std::ios::binary | std::ios::trunc);
    std::vector<char> ibuf(ZSTD_DStreamInSize()), obuf(ZSTD_DStreamOutSize());
    uint64_t written = 0;
    while (src.read(ibuf.data(), static_cast<std::streamsize>(ibuf.size())) || src.gcount() > 0) {
        ZSTD_inBuffer zin{ibuf.data(), static_cast<size_t>(src.gcount()), 0};
        while (zin.pos < zin.size) {
            ZSTD_outBuffer zout{obuf.data(), obuf.size(), 0};
            const size_t r = ZSTD_decompressStream(ctx.get(), &zout, &zin);
            if (ZSTD_isError(r))
                throw std::runtime_error(in.string() + ": " + ZSTD_getErrorName(r));
            bool zero = true;
            for (size_t i = 0; i < zout.pos && zero; ++i)
                zero = obuf[i] == 0;
            if (zero)
                dst.seekp(static_cast<std::streamoff>(zout.pos), std::ios::cur);
            else
                dst.write(obuf.data(), static_cast<std::streamsize>(zout.pos));
            written += zout.pos;
        }
    }
    dst.close();
    fs::resize_file(out, written);
}

} // namespace

fs::path fixture_dir() { return fs::path(BUCKETSCOPE_SHARED_DIR) / "fixtures" / "kernel"; }

std::vector<std::string> fixture_names() {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(fixture_dir())) {
        const std::string f = e.path().filename().string();
        const std::string suffix = ".img.zst";
        if (f.size() <= suffix.size() || f.compare(f.size() - suffix.size(), suffix.size(), suffix))
            continue;
        const std::string name = f.substr(0, f.size() - suffix.size());
        if (name.size() > 8 && name.ends_with(".backing"))
            continue;
        names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

// Decompressed images are cached across test processes (ctest runs each TEST in its own
// process) under a name keyed by the compressed file's size and mtime, published with an
// atomic rename; tests only read them and damage scratch copies.
fs::path fixture_image(const std::string& name) {
    static Cleanup cleanup;
    static std::map<std::string, fs::path> done;
    if (auto it = done.find(name); it != done.end())
        return it->second;
    const fs::path src = fixture_dir() / (name + ".img.zst");
    const auto stamp = fs::last_write_time(src).time_since_epoch().count();
    const fs::path cache = fs::temp_directory_path() / ("bucketscope-fixtures-" + std::to_string(getuid()));
    fs::create_directories(cache);
    const fs::path out = cache / (name + "-" + std::to_string(fs::file_size(src)) + "-" +
                                  std::to_string(stamp) + ".img");
    if (!fs::exists(out)) {
        const fs::path tmp = temp_root() / (name + ".img.part");
        decompress(src, tmp);
        fs::permissions(tmp, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
        fs::rename(tmp, out);
    }
    done[name] = out;
    return out;
}

fs::path scratch_copy(const fs::path& image, const std::string& tag) {
    static Cleanup cleanup;
    const fs::path out = temp_root() / (image.stem().string() + "-" + tag + ".img");
    fs::copy_file(image, out, fs::copy_options::overwrite_existing);
    fs::permissions(out, fs::perms::owner_read | fs::perms::owner_write);
    return out;
}

std::vector<std::byte> read_range(const fs::path& p, uint64_t offset, size_t len) {
    std::ifstream f(p, std::ios::binary);
    f.seekg(static_cast<std::streamoff>(offset));
    std::vector<std::byte> b(len);
    f.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(len));
    b.resize(static_cast<size_t>(std::max<std::streamsize>(f.gcount(), 0)));
    return b;
}

void write_range(const fs::path& p, uint64_t offset, const std::vector<std::byte>& data) {
    std::fstream f(p, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(offset));
    f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

uint64_t file_crc(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::vector<char> buf(1 << 20);
    uint64_t crc = 0;
    while (f.read(buf.data(), static_cast<std::streamsize>(buf.size())) || f.gcount() > 0)
        crc = ondisk::bch_crc64_update(
            crc, std::as_bytes(std::span(buf.data(), static_cast<size_t>(f.gcount()))));
    return crc;
}

std::map<std::string, std::string> read_super_show(const fs::path& p) {
    std::map<std::string, std::string> m;
    std::ifstream f(p);
    std::string line;
    while (std::getline(f, line)) {
        const auto tab = line.find('\t');
        if (tab == std::string::npos)
            continue;
        const auto v = line.find_first_not_of('\t', tab);
        m[line.substr(0, tab)] = v == std::string::npos ? "" : line.substr(v);
    }
    return m;
}

} // namespace bucketscope::testutil
