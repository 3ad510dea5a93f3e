#pragma once
// From a user's TARGET to a device the engine may run on: what `run` (and `replay`, and
// the GUI's "open device") do before Engine::open.
//
//   1. the safety probe (core/device/safety_probe.h): a mounted or busy target, or one
//      carrying another signature, is refused unless forced, with what was found;
//   2. the target opened read-write (image file or block device, exclusively);
//   3. a bcache cache superblock must be on it: a target without one is an error that
//      says to run `format`. Nothing is ever formatted here, and nothing is written.
// A RAM target cannot hold a superblock across processes and is refused the same way.
//
// Test hook: `stop_after_writes` wraps the device in a FaultInjectingDevice that fails
// every write after the first N (the device "lost power"), which is how the crash and
// I/O-error tests drive `run`.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/device/device.h"
#include "core/device/fault_injecting_device.h"
#include "core/ondisk/superblock.h"

namespace bucketscope {

struct TargetOptions {
    bool force = false;             // write despite mounts, holders or foreign signatures
    uint64_t stop_after_writes = 0; // fault injection for tests; 0 = off
};

struct EngineTarget {
    std::unique_ptr<Device> base;
    std::unique_ptr<FaultInjectingDevice> fault; // with stop_after_writes
    ondisk::CacheSuperblock sb;                  // as found
    std::vector<std::string> warnings;           // blockers overridden by force

    Device& device() { return fault ? *fault : *base; }
};

// Fills `out` or returns why not (a message naming the target and what was found).
Status open_engine_target(const std::string& target, const TargetOptions& options,
                          EngineTarget& out);

} // namespace bucketscope
