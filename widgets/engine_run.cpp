// Engine::open reports its reads (journal, prio sets, btree) and the journal replay through
// the job's Progress and stops for a cancel while it only reads; a cancel that comes later is
// looked at once it returns, and the engine is closed cleanly.
#include "widgets/engine_run.h"

namespace bucketscope {

EngineRunPtr open_device_run(const std::string& path, bool force, const EngineOptions& opts,
                             Progress& progress, std::string& why) {
    if (!progress.report("probe", 0)) {
        why = kCancelledMessage;
        return nullptr;
    }
    auto run = std::make_shared<EngineRun>();
    run->target = std::make_unique<EngineTarget>();
    TargetOptions topt;
    topt.force = force;
    if (const Status s = open_engine_target(path, topt, *run->target); !s) {
        why = s.message;
        return nullptr;
    }
    if (!progress.report("register", 0)) {
        why = kCancelledMessage;
        return nullptr;
    }
    // On a real device a hit reads the cache, as the kernel's does.
    EngineOptions device_opts = opts;
    device_opts.read_hits = true;
    run->engine = Engine::open(run->target->device(), device_opts, {}, &why, &progress);
    if (!run->engine)
        return nullptr;
    if (!run->engine->last_error().empty()) {
        why = run->engine->last_error();
        return nullptr;
    }
    if (!progress.report("register", 1, 1)) {
        run->engine->close();
        why = kCancelledMessage;
        return nullptr;
    }
    run->device = path;
    run->notes = run->target->warnings;
    for (const std::string& n : run->engine->notes())
        run->notes.push_back(n);
    return run;
}

} // namespace bucketscope
