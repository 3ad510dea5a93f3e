#pragma once
// A fresh directory under $TMPDIR (or /tmp) for one test, removed with everything in it
// when the test ends. Device tests create their images here and nowhere else.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace bucketscope::testing {

class TempDir {
  public:
    TempDir() {
        const char* base = std::getenv("TMPDIR");
        std::string templ = std::string(base && *base ? base : "/tmp") + "/bucketscope-XXXXXX";
        char* made = ::mkdtemp(templ.data());
        if (made)
            path_ = made;
    }
    ~TempDir() {
        std::error_code ec;
        if (!path_.empty())
            std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    bool ok() const { return !path_.empty(); }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

inline std::vector<char> slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The first `n` bytes of a file (fewer if it is shorter).
inline std::vector<char> head(const std::string& path, size_t n) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> data(n);
    in.read(data.data(), static_cast<std::streamsize>(n));
    data.resize(static_cast<size_t>(in.gcount()));
    return data;
}

// Writes `bytes` (all zero unless `fill` says otherwise) to a new file.
inline void write_file(const std::string& path, size_t bytes, char fill = 0) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    std::vector<char> data(bytes, fill);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

} // namespace bucketscope::testing
