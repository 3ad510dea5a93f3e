#pragma once
// Every signature libblkid recognises on a file or block device: filesystems, RAID and
// LVM members, swap, bcache superblocks, partition tables. The same scan wipefs does,
// read-only.

#include "core/device/device.h"
#include "core/device/safety_probe.h"

#include <string>
#include <vector>

namespace bucketscope {

// Appends what libblkid finds on `path` to `out`; fails only if the target cannot be
// scanned at all (unreadable, not a file or device).
Status probe_signatures(const std::string& path, std::vector<Signature>& out);

} // namespace bucketscope
