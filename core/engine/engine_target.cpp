// Opening a TARGET for the engine; see engine_target.h.
#include "core/engine/engine_target.h"

#include <filesystem>

#include "core/device/open_device.h"
#include "core/device/safety_probe.h"
#include "core/inspect/inspect.h"

namespace bucketscope {

Status open_engine_target(const std::string& target, const TargetOptions& options,
                          EngineTarget& out) {
    out = EngineTarget{};
    const std::string format_hint = "; run `bucketscope-cli format " + target +
                                    "` first (nothing was written)";
    if (target.starts_with("ram:"))
        return Status::error(target + ": a RAM device holds no cache superblock" + format_hint);
    std::error_code ec;
    if (!std::filesystem::exists(target, ec))
        return Status::error(target + ": does not exist; create a cache image with "
                                      "`bucketscope-cli format " +
                             target + " --size SIZE`");

    const SafetyReport report = probe_for_write(target);
    const std::vector<std::string> blockers = report.blockers();
    if (!report.allows_write(options.force)) {
        std::string msg = "refusing to run on " + target + ":";
        for (const std::string& b : blockers)
            msg += "\n  " + b;
        msg += "\nnothing was written; use --force to run on it anyway";
        return Status::error(msg);
    }
    for (const std::string& b : blockers)
        out.warnings.push_back("--force: " + b);

    auto opened = open_device(target, OpenMode::read_write);
    if (!opened)
        return opened.status;
    out.base = std::move(opened.device);
    auto sb = inspect::read_cache_superblock(*out.base, inspect::Profile::v6_2);
    if (!sb) {
        const ondisk::ParseError& e = sb.error();
        if (e.offset == ondisk::SB_OFFSET + 24 || e.offset == ondisk::SB_OFFSET + 8 ||
            e.message.find("bytes needed") != std::string::npos)
            return Status::error(target + ": no bcache cache superblock (" + e.to_string() + ")" +
                                 format_hint);
        return Status::error(target + ": " + e.to_string());
    }
    out.sb = sb.value();
    if (options.stop_after_writes) {
        out.fault = std::make_unique<FaultInjectingDevice>(*out.base);
        out.fault->stop_after_writes(options.stop_after_writes);
    }
    return Status::ok();
}

} // namespace bucketscope
