#pragma once
// Is it safe to write to this target? Asked before `format` (or anything else that
// writes) touches a path, so that a typo cannot destroy a filesystem.
//
// The probe only reads: it parses the mount table, looks at sysfs, opens block devices
// O_RDONLY|O_EXCL (which the kernel refuses with EBUSY while a filesystem, md/dm, bcache
// or anyone else holds the device) and asks libblkid for every signature it recognises.
// What it finds is reported in sentences that say exactly what was found ("carries an
// ext4 signature (magic at byte 1080)", "is mounted at /srv (xfs)"), so a refusal tells
// the user what they were about to overwrite.
//
// Mounted, busy, foreign signatures, or a target that could not be checked block writing
// unless forced. A bcache superblock is reported but does not block: replacing one cache
// superblock with another is what `format` is for. An image file counts as mounted when
// a loop device backed by it is mounted, and as busy when that loop device is held.

#include "core/device/mount_table.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bucketscope {

struct Signature {
    std::string type;          // blkid TYPE or PTTYPE: "ext4", "bcache", "gpt", ...
    std::string kind;          // "filesystem", "partition table", blkid's USAGE otherwise
    uint64_t magic_offset = 0; // byte offset of the magic, as blkid reports it
    bool is_bcache() const { return type == "bcache"; }
};

struct SafetyReport {
    std::string path;
    bool exists = false;
    bool block_device = false;
    std::vector<std::string> mounted;  // one sentence per mount found
    std::vector<std::string> busy;     // one sentence per holder or refused exclusive open
    std::vector<std::string> attached; // loop devices backed by this file (informational)
    std::vector<Signature> signatures;
    std::string unprobeable; // why the target could not be checked, if it could not

    bool is_mounted() const { return !mounted.empty(); }
    bool is_busy() const { return !busy.empty(); }
    bool has_bcache_signature() const;
    bool has_foreign_signature() const;

    // What forbids writing unless forced, one full sentence each ("<path> is mounted at /").
    std::vector<std::string> blockers() const;
    // What was found that does not forbid writing.
    std::vector<std::string> notes() const;
    bool allows_write(bool force) const { return force || blockers().empty(); }
};

// Probes `path` against this process's mount table.
SafetyReport probe_for_write(const std::string& path);
// Probes against a given mount table (tests use a table that names their temp file).
SafetyReport probe_for_write(const std::string& path, const std::vector<MountEntry>& mounts);

} // namespace bucketscope
