#include "core/device/safety_probe.h"

#include "core/device/posix_io.h"
#include "core/device/signature_probe.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace bucketscope {

namespace fs = std::filesystem;

namespace {

std::string read_line(const fs::path& file) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    return line;
}

bool parse_dev_file(const fs::path& file, uint32_t& major, uint32_t& minor) {
    std::string text = read_line(file);
    return std::sscanf(text.c_str(), "%u:%u", &major, &minor) == 2;
}

std::string where(const MountEntry& m) {
    return "mounted at " + m.mount_point + " (" + m.fs_type + ", " + m.source + ")";
}

// Mounts of the device major:minor itself and of its partitions. `who` is how sentences
// refer to the device.
void find_device_mounts(uint32_t major, uint32_t minor, const std::string& who,
                        const std::vector<MountEntry>& mounts, std::vector<std::string>& out) {
    for (const auto& m : mounts)
        if (m.major == major && m.minor == minor)
            out.push_back(who + " is " + where(m));

    fs::path sys = "/sys/dev/block/" + std::to_string(major) + ":" + std::to_string(minor);
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(sys, ec)) {
        if (!fs::exists(entry.path() / "partition", ec))
            continue;
        uint32_t pmaj = 0, pmin = 0;
        if (!parse_dev_file(entry.path() / "dev", pmaj, pmin))
            continue;
        for (const auto& m : mounts)
            if (m.major == pmaj && m.minor == pmin)
                out.push_back(who + " has partition " + entry.path().filename().string() + " " +
                              where(m));
    }
}

// Holders (bcache, dm, md stacked on top) and whether the kernel refuses an exclusive
// open. Opening O_RDONLY|O_EXCL writes nothing and is released by close.
void find_device_users(const std::string& dev_path, uint32_t major, uint32_t minor,
                       const std::string& who, std::vector<std::string>& out) {
    fs::path holders =
        "/sys/dev/block/" + std::to_string(major) + ":" + std::to_string(minor) + "/holders";
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(holders, ec))
        out.push_back(who + " is held by " + entry.path().filename().string() +
                      " (a device stacked on it: bcache, dm or md)");
    UniqueFd fd(::open(dev_path.c_str(), O_RDONLY | O_EXCL | O_CLOEXEC));
    if (!fd.valid() && errno == EBUSY)
        out.push_back(who + " is busy: the kernel refused an exclusive open (" + errno_text(EBUSY) +
                      ")");
}

// Loop devices whose backing file is `real_path`.
void find_loop_users(const std::string& real_path, const std::vector<MountEntry>& mounts,
                     SafetyReport& report) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/sys/block", ec)) {
        std::string name = entry.path().filename().string();
        if (!name.starts_with("loop"))
            continue;
        std::string backing = read_line(entry.path() / "loop" / "backing_file");
        if (backing != real_path)
            continue;
        uint32_t major = 0, minor = 0;
        if (!parse_dev_file(entry.path() / "dev", major, minor))
            continue;
        std::string loop = "/dev/" + name;
        std::string who = report.path + " (through " + loop + ")";
        report.attached.push_back(report.path + " is the backing file of " + loop);
        find_device_mounts(major, minor, who, mounts, report.mounted);
        find_device_users(loop, major, minor, who, report.busy);
    }
}

} // namespace

bool SafetyReport::has_bcache_signature() const {
    for (const auto& s : signatures)
        if (s.is_bcache())
            return true;
    return false;
}

bool SafetyReport::has_foreign_signature() const {
    for (const auto& s : signatures)
        if (!s.is_bcache())
            return true;
    return false;
}

std::vector<std::string> SafetyReport::blockers() const {
    std::vector<std::string> out;
    if (!unprobeable.empty())
        out.push_back(unprobeable);
    out.insert(out.end(), mounted.begin(), mounted.end());
    out.insert(out.end(), busy.begin(), busy.end());
    for (const auto& s : signatures)
        if (!s.is_bcache())
            out.push_back(path + " carries another signature: " + s.type + " (" + s.kind +
                          ", magic at byte " + std::to_string(s.magic_offset) + ")");
    return out;
}

std::vector<std::string> SafetyReport::notes() const {
    std::vector<std::string> out = attached;
    for (const auto& s : signatures)
        if (s.is_bcache())
            out.push_back(path + " already carries a bcache superblock (magic at byte " +
                          std::to_string(s.magic_offset) + ")");
    return out;
}

SafetyReport probe_for_write(const std::string& path) {
    return probe_for_write(path, read_mountinfo());
}

SafetyReport probe_for_write(const std::string& path, const std::vector<MountEntry>& mounts) {
    SafetyReport report;
    report.path = path;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno != ENOENT)
            report.unprobeable = path + ": cannot be checked: " + errno_text(errno);
        return report;
    }
    report.exists = true;
    report.block_device = S_ISBLK(st.st_mode);

    char resolved[PATH_MAX];
    std::string real_path = ::realpath(path.c_str(), resolved) ? resolved : path;
    for (const auto& m : mounts)
        if (m.mount_point == real_path)
            report.mounted.push_back(path + " is a mount point: " + where(m));

    if (report.block_device) {
        uint32_t major = ::major(st.st_rdev), minor = ::minor(st.st_rdev);
        find_device_mounts(major, minor, path, mounts, report.mounted);
        find_device_users(path, major, minor, path, report.busy);
    } else if (S_ISREG(st.st_mode)) {
        find_loop_users(real_path, mounts, report);
    } else {
        if (report.mounted.empty())
            report.unprobeable = path + " is neither a regular file nor a block device";
        return report;
    }

    if (auto s = probe_signatures(path, report.signatures); !s)
        report.unprobeable = s.message;
    return report;
}

} // namespace bucketscope
