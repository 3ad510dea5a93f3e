// ram:SIZE targets formatted on the fly; see ram_target_options.h.
#include "app/cli/ram_target_options.h"

#include <CLI/CLI.hpp>

#include "core/device/size_parse.h"

namespace bucketscope::cli {

void add_ram_options(CLI::App* cmd, RamArgs& a) {
    cmd->add_option("-b,--bucket-size", a.bucket_size, "ram: targets: bucket size (make-bcache -b)")
        ->capture_default_str();
    cmd->add_option("-w,--block-size", a.block_size,
                    "ram: targets: block size (make-bcache -w; default the RAM device's "
                    "512-byte sectors)");
    cmd->add_flag("--discard", a.discard, "ram: targets: discard buckets before reuse");
}

Status make_ram(const std::string& target, const RamArgs& a, ReplacementPolicy policy,
                workload::CacheTarget& out) {
    workload::RamTargetOptions ro;
    if (auto s = workload::parse_ram_target(target, ro.size_bytes); !s)
        return s;
    if (auto s = parse_size(a.bucket_size, ro.bucket_bytes); !s)
        return Status::error("--bucket-size: " + s.message);
    if (!a.block_size.empty())
        if (auto s = parse_size(a.block_size, ro.block_bytes); !s)
            return Status::error("--block-size: " + s.message);
    ro.policy = policy;
    ro.discard = a.discard;
    return workload::make_ram_target(ro, out);
}

} // namespace bucketscope::cli
