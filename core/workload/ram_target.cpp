// RAM cache targets formatted as make-bcache does; see ram_target.h.
#include "core/workload/ram_target.h"

#include "core/device/size_parse.h"
#include "core/device/sparse_ram_device.h"

namespace bucketscope::workload {

std::vector<Device*> CacheTarget::device_ptrs() const {
    std::vector<Device*> out;
    for (const auto& d : devices)
        out.push_back(d.get());
    return out;
}

bool is_ram_target(const std::string& target) { return target.starts_with("ram:"); }

Status parse_ram_target(const std::string& target, uint64_t& bytes) {
    if (!is_ram_target(target))
        return Status::error(target + ": not a RAM target (expected ram:SIZE, e.g. ram:8G)");
    if (auto s = parse_size(std::string_view(target).substr(4), bytes); !s)
        return Status::error(target + ": " + s.message);
    if (bytes == 0)
        return Status::error(target + ": a RAM target needs a size above 0");
    return Status::ok();
}

Status make_ram_target(const RamTargetOptions& o, CacheTarget& out) {
    auto dev = std::make_unique<SparseRamDevice>(o.size_bytes);
    FormatOptions f;
    f.size_bytes = o.size_bytes;
    f.bucket_bytes = o.bucket_bytes;
    f.block_bytes = o.block_bytes ? o.block_bytes : dev->logical_block_size();
    f.policy = static_cast<ondisk::CacheReplacement>(o.policy);
    f.discard = o.discard;
    FormatPlan plan;
    if (auto s = plan_cache_format(f, o.size_bytes, dev->logical_block_size(), plan); !s)
        return s;
    if (auto s = write_cache_superblock(*dev, plan.sb); !s)
        return s;
    out.name = dev->name();
    out.sb = plan.sb;
    out.warnings = plan.warnings;
    out.devices.clear();
    out.devices.push_back(std::move(dev));
    return Status::ok();
}

void apply_superblock(const ondisk::CacheSuperblock& sb, EngineOptions& opts) {
    opts.geometry.nbuckets = sb.nbuckets;
    opts.geometry.bucket_size = static_cast<uint32_t>(sb.bucket_sectors());
    opts.geometry.block_size = sb.block_size;
    opts.geometry.first_bucket = sb.first_bucket;
    opts.policy = static_cast<ReplacementPolicy>(sb.cache_replacement());
    opts.discard = sb.cache_discard();
}

std::unique_ptr<Engine> create_engine(const CacheTarget& t, EngineOptions opts, std::string* why) {
    apply_superblock(t.sb, opts);
    opts.ncaches = static_cast<unsigned>(t.devices.size());
    return Engine::create(t.device_ptrs(), opts, why);
}

} // namespace bucketscope::workload
