// Bypass and writeback decisions; see request_policy.h.
#include "core/engine/request_policy.h"

#include <algorithm>

#include "core/engine/request_state.h"
#include "core/engine/runtime.h"

namespace bucketscope {

const char* to_string(CacheMode m) {
    switch (m) {
    case CacheMode::Writethrough: return "writethrough";
    case CacheMode::Writeback: return "writeback";
    case CacheMode::Writearound: return "writearound";
    case CacheMode::None: return "none";
    }
    return "?";
}

bool parse_cache_mode(const std::string& s, CacheMode& out) {
    for (CacheMode m : {CacheMode::Writethrough, CacheMode::Writeback, CacheMode::Writearound,
                        CacheMode::None})
        if (s == to_string(m)) {
            out = m;
            return true;
        }
    return false;
}

bool check_should_bypass(Runtime& rt, VolumeState& v, ProcessState& p, bool write,
                         bool discard, uint64_t start, uint64_t sectors, bool* sequential) {
    const RequestPathOptions& o = rt.opts.requests;
    const uint32_t block = rt.opts.geometry.block_size;
    *sequential = false;
    auto skip = [&] {
        rt.metrics.sectors_bypassed += sectors;
        ++rt.metrics.bypassed_requests;
        return true;
    };
    if (rt.c.gc_in_use_percent > CUTOFF_CACHE_ADD || discard)
        return skip();
    if (o.cache_mode == CacheMode::None || (o.cache_mode == CacheMode::Writearound && write))
        return skip();
    // Unaligned I/O: the cache only holds whole blocks.
    if ((start & (block - 1)) || (sectors & (block - 1)))
        return skip();
    if (o.sequential_cutoff) {
        // Congestion (bch_get_congested) is not modelled: the cache is never congested.
        bool recycled = false;
        const uint64_t seq = v.recent.account(start, start + sectors, sectors << 9, rt.now(),
                                              recycled);
        if (recycled) {
            // add_sequential: fold the finished stream into the average (ewma, weight 8).
            p.sequential_io_avg = (p.sequential_io_avg * 7 + p.sequential_io) / 8;
            p.sequential_io = 0;
        }
        p.sequential_io = seq;
        const uint64_t run = std::max(p.sequential_io, p.sequential_io_avg) >> 9;
        if (run >= o.sequential_cutoff >> 9) {
            *sequential = true;
            ++rt.metrics.sequential_bypasses;
            return skip();
        }
    }
    rt.rescale(static_cast<int>(std::min<uint64_t>(sectors, INT32_MAX)));
    return false;
}

bool should_writeback(const RequestPathOptions& o, unsigned in_use, bool discard,
                      bool would_skip) {
    if (o.cache_mode != CacheMode::Writeback || in_use > o.cutoff_writeback_sync)
        return false;
    if (discard || would_skip)
        return false;
    return o.sync_writes || in_use <= o.cutoff_writeback;
}

void bch_writeback_add(Runtime& rt, VolumeState& v) {
    if (v.flash_only)
        return; // flash-only data has no backing device to go to
    if (!v.has_dirty) {
        v.has_dirty = true;
        rt.wake(kWritebackWait);
    }
}

} // namespace bucketscope
