#pragma once
// The built-in workload (EngineOptions::workload) as request sources, one per process:
// what `sim` and the GUI's demo engine run when no trace or generator is given.
//
// Each process has its own seeded generator and writes to one volume: the cached (backing)
// device, volume 0, twice the cache's data capacity by default so the cache is always
// under eviction pressure; or a flash-only volume, volume 1, kept to a share of the cache
// because its data can never be evicted, only overwritten. Writes are 1..max_write_sectors
// blocks and continue where the process's last write ended with sequential_percent
// probability; reads pick a random block range. Requests then go through the request path
// like any other (workload_task.h).

#include <cstdint>

#include "core/engine/engine.h"
#include "core/workload/request_source.h"

namespace bucketscope {

// The volumes' KEY_INODEs (uuid slots).
inline constexpr uint64_t kCachedInode = 0;
inline constexpr uint64_t kFlashInode = 1;

struct VolumeLayout {
    uint64_t cached_sectors = 0;
    uint64_t flash_sectors = 0;
};
VolumeLayout volume_layout(const EngineOptions& opts);

// The request path's volumes for the built-in workload: 0 cached, 1 flash-only.
std::vector<VolumeOptions> builtin_volumes();

class BuiltinSource final : public workload::RequestSource {
  public:
    BuiltinSource(unsigned process, uint64_t seed, bool flash_only, const VolumeLayout& vol,
                  const WorkloadParams& params, uint32_t block_size);
    bool next(workload::Request& out) override;
    double progress() const override;

  private:
    uint64_t draw(uint64_t n); // uniform-ish in [0, n)

    unsigned process_;
    uint64_t rng_;
    bool flash_only_;
    uint64_t volume_sectors_;
    WorkloadParams params_;
    uint32_t block_;
    uint64_t writes_ = 0;
    uint64_t next_sequential_ = 0;
};

} // namespace bucketscope
