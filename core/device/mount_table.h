#pragma once
// What is mounted where, from /proc/self/mountinfo (proc(5)).
//
// Each line: mount id, parent id, major:minor, root, mount point, options, optional
// fields, "-", filesystem type, source, super options. The device number identifies the
// block device under a mount even when the source column says something else
// (/dev/root, a by-uuid link, a dm name), so the safety probe matches on it. Paths
// escape space, tab, newline and backslash as octal (\040 ...); they are decoded here.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bucketscope {

struct MountEntry {
    uint32_t major = 0;
    uint32_t minor = 0;
    std::string mount_point;
    std::string fs_type;
    std::string source;
};

// Lines that do not parse are skipped: a probe must not fail because one line is odd.
std::vector<MountEntry> parse_mountinfo(std::string_view text);
// This process's mount table; empty if /proc is not mounted.
std::vector<MountEntry> read_mountinfo();

} // namespace bucketscope
