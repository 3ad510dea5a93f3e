#pragma once
// Formatting a TARGET (image file, block device or ram:SIZE) from start to end, for every
// front end: `bucketscope-cli format` and the workbench's format dialog run this one
// procedure and differ only in how they show its outcome.
//
// Formatting destroys whatever the target held, so the order is fixed: probe the target
// (mounts, holders, signatures) and stop, touching nothing, unless it is safe or forced;
// then plan every size against the target (a missing target is planned before it is
// created, so a bad geometry leaves no file behind); create a missing target as an image
// file of options.size_bytes; only then write. An existing target is never resized.
// The progress stages are "probe", "plan" and "write"; a cancel is honoured up to the
// write and leaves the target as it was.

#include "core/device/cache_format.h"
#include "core/device/progress.h"
#include "core/device/safety_probe.h"

#include <optional>
#include <string>

namespace bucketscope {

struct FormatRequest {
    std::string target;
    FormatOptions options;               // size_bytes 0: the whole (existing) target
    std::optional<uint64_t> block_bytes; // unset: default_block_bytes() for the target
    bool force = false;                  // write despite the probe's blockers
};

struct FormatOutcome {
    SafetyReport safety;  // what the probe found (not probed: ram: targets)
    bool refused = false; // the probe found blockers and force was not given
    bool created = false; // the target did not exist and was created
    bool written = false; // the superblock reached the target
    FormatPlan plan;      // the superblock and the plan's warnings
};

// Errors name the target and what went wrong; a refusal is an error with `refused` set
// (the blockers are in `safety`), a cancel one whose message is kCancelledMessage.
Status format_target(const FormatRequest& request, FormatOutcome& outcome,
                     Progress* progress = nullptr);

} // namespace bucketscope
