// The built-in workload's request sources; see builtin_source.h.
#include "core/engine/builtin_source.h"

#include <algorithm>

#include "core/alloc/random.h"

namespace bucketscope {

namespace {
constexpr uint32_t kCachedVolume = kCachedInode;
constexpr uint32_t kFlashVolume = kFlashInode;
constexpr unsigned kFlashVolumePercent = 15;

uint64_t journal_keys(uint64_t nbuckets) {
    return std::clamp<uint64_t>(nbuckets >> 7, 2, 256);
}
} // namespace

VolumeLayout volume_layout(const EngineOptions& opts) {
    const CacheGeometry& g = opts.geometry;
    const uint64_t per_cache =
        (g.nbuckets - g.first_bucket - journal_keys(g.nbuckets)) * g.bucket_size;
    const uint64_t capacity = per_cache * opts.ncaches;
    VolumeLayout v;
    v.cached_sectors = opts.workload.volume_sectors ? opts.workload.volume_sectors : 2 * capacity;
    v.flash_sectors = std::max<uint64_t>(capacity * kFlashVolumePercent / 100, g.block_size);
    const uint64_t block = g.block_size;
    v.cached_sectors = std::max(block, v.cached_sectors / block * block);
    v.flash_sectors = std::max(block, v.flash_sectors / block * block);
    return v;
}

std::vector<VolumeOptions> builtin_volumes() {
    std::vector<VolumeOptions> v(2);
    v[kFlashVolume].flash_only = true;
    return v;
}

BuiltinSource::BuiltinSource(unsigned process, uint64_t seed, bool flash_only,
                             const VolumeLayout& vol, const WorkloadParams& params,
                             uint32_t block_size)
    : process_(process), rng_(seed ^ (0x9e3779b97f4a7c15ull * (process + 1))),
      flash_only_(flash_only), volume_sectors_(flash_only ? vol.flash_sectors : vol.cached_sectors),
      params_(params), block_(block_size) {}

uint64_t BuiltinSource::draw(uint64_t n) { return n ? splitmix64_next(rng_) % n : 0; }

double BuiltinSource::progress() const {
    const uint64_t max = params_.max_writes_per_process;
    return max ? double(writes_) / double(max) : -1.0;
}

bool BuiltinSource::next(workload::Request& out) {
    if (params_.max_writes_per_process && writes_ >= params_.max_writes_per_process)
        return false;
    const uint64_t blocks = std::max<uint64_t>(1, params_.max_write_sectors / block_);
    out = workload::Request{};
    out.process = process_;
    out.device = flash_only_ ? kFlashVolume : kCachedVolume;
    ++taken_;
    if (draw(100) < params_.read_percent) {
        const uint64_t len = block_ * (1 + draw(blocks));
        const uint64_t start = draw(std::max<uint64_t>(1, volume_sectors_ / block_)) * block_;
        out.op = workload::Op::Read;
        out.offset = start << 9;
        out.length = std::min(len, volume_sectors_ - start) << 9;
        return true;
    }
    uint64_t len = block_ * (1 + draw(blocks));
    uint64_t start = next_sequential_;
    if (draw(100) >= params_.sequential_percent || start >= volume_sectors_)
        start = draw(std::max<uint64_t>(1, volume_sectors_ / block_)) * block_;
    len = std::min(len, volume_sectors_ - start);
    next_sequential_ = start + len;
    ++writes_;
    out.op = workload::Op::Write;
    out.offset = start << 9;
    out.length = len << 9;
    return true;
}

} // namespace bucketscope
