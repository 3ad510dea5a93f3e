#pragma once
// Attaches a test's image file to a free loop device for the test's lifetime, so
// BlockDevice and the safety probe meet a real block device without touching any disk
// of the machine. Needs root and a working losetup; tests GTEST_SKIP otherwise.

#include <cstdio>
#include <string>
#include <unistd.h>

namespace bucketscope::testing {

class LoopDevice {
  public:
    // `extra` goes to losetup before the file, e.g. "--sector-size 4096".
    explicit LoopDevice(const std::string& image, const std::string& extra = "") {
        if (::geteuid() != 0)
            return;
        std::string cmd = "losetup --find --show " + extra + " '" + image + "' 2>/dev/null";
        FILE* p = ::popen(cmd.c_str(), "r");
        if (!p)
            return;
        char line[256] = {};
        if (std::fgets(line, sizeof line, p))
            path_ = line;
        if (::pclose(p) != 0)
            path_.clear();
        while (!path_.empty() && (path_.back() == '\n' || path_.back() == ' '))
            path_.pop_back();
    }
    ~LoopDevice() {
        if (!path_.empty())
            std::system(("losetup -d '" + path_ + "' 2>/dev/null").c_str());
    }
    LoopDevice(const LoopDevice&) = delete;
    LoopDevice& operator=(const LoopDevice&) = delete;

    bool ok() const { return !path_.empty(); }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

} // namespace bucketscope::testing
