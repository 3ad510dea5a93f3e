#pragma once
// The decisions request.c and writeback.h make per request, apart from the mechanics:
// whether to bypass the cache (check_should_bypass), whether a write goes writeback
// (should_writeback), and bch_writeback_add. Internal to core/engine; bucket_lock held.

#include <cstdint>

#include "core/engine/request_options.h"

namespace bucketscope {

class Runtime;
struct VolumeState;
struct ProcessState;

// CUTOFF_CACHE_ADD: above this gc_stats.in_use nothing new is cached.
inline constexpr unsigned CUTOFF_CACHE_ADD = 95;

// check_should_bypass for a request of `sectors` at `start` to the cached volume `v` from
// process `p`. Not bypassed: rescales prios by `sectors` (bch_rescale_priorities) and
// returns false. Bypassed: counts the sectors as bypassed and returns true;
// `*sequential` says whether sequential_cutoff was the reason.
bool check_should_bypass(Runtime& rt, VolumeState& v, ProcessState& p, bool write,
                         bool discard, uint64_t start, uint64_t sectors, bool* sequential);

// should_writeback: writeback mode, not a discard, not bypassed, and gc_stats.in_use at
// most cutoff_writeback (cutoff_writeback_sync for sync writes).
bool should_writeback(const RequestPathOptions& o, unsigned in_use, bool discard,
                      bool would_skip);

// bch_writeback_add: the volume has dirty data; wake its writeback thread.
void bch_writeback_add(Runtime& rt, VolumeState& v);

} // namespace bucketscope
