#pragma once
// What the engine worker runs: one Engine and the devices under it, with what its session
// says about it. Either a demo engine on RAM devices the worker makes itself, or an engine
// on an image file or block device that open_device_run() opened on a LongJob, off the UI
// thread (registration reads the journal, the prio sets and the btree and runs the initial
// GC, which takes a while on a large device), and that the worker then takes over whole.
//
// open_device_run() is the GUI's `bucketscope-cli run TARGET` up to the first step:
// open_engine_target (the safety probe: mounted, busy and foreign targets refused unless
// forced; a target without a cache superblock refused; nothing ever formatted) and then
// Engine::open, which writes nothing before it has read a good superblock.

#include "core/device/progress.h"
#include "core/engine/engine.h"
#include "core/engine/engine_target.h"

#include <memory>
#include <string>
#include <vector>

namespace bucketscope {

struct EngineRun {
    std::vector<std::unique_ptr<Device>> ram; // a demo engine's devices
    std::unique_ptr<EngineTarget> target;     // an engine on a device
    std::unique_ptr<Engine> engine;           // after the devices: destroyed before them
    std::string device;                       // what the session names: "ram:SIZE" or the path
    std::string options_json;                 // the session's options
    std::vector<std::string> notes;           // the probe's overridden blockers, Engine::notes()

    bool on_device() const { return target != nullptr; }
};
using EngineRunPtr = std::shared_ptr<EngineRun>;

// Opens `path` for running with `opts` (geometry, policy and discard come from its
// superblock). Reports the stages "probe" and "register" through `progress`; a cancel
// before registration writes nothing, one during it closes the engine cleanly afterwards.
// Null with `why` when refused or failed.
EngineRunPtr open_device_run(const std::string& path, bool force, const EngineOptions& opts,
                             Progress& progress, std::string& why);

} // namespace bucketscope
