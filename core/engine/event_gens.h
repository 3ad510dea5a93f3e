#pragma once
// Each event's bucket gen, worked out from a snapshot rather than carried in the event:
// bch_inc_gen is the only place a gen moves while the engine runs, and each call emits an
// event (bcache_invalidate, or bcache_btree_node_free for a node a split replaced), so
// from the gens in one snapshot and the events between it and another moment, every
// event's gen follows. The live event log walks back from the snapshot taken with its
// drain; a replay walks forward or back from the nearest recorded snapshot.
//
// Only cache 0's buckets are tracked (the snapshot is of cache 0); other events get 0.

#include "core/engine/events.h"
#include "core/engine/snapshot.h"

#include <cstdint>
#include <vector>

namespace bucketscope {

// The gen of each event's bucket right after it, given `snap` taken after the last of
// `events` with nothing in between.
std::vector<uint8_t> gens_after_events(const std::vector<EngineEvent>& events,
                                       const BucketSnapshot& snap);
// The same given `snap` taken before the first of `events` with nothing in between.
std::vector<uint8_t> gens_after_events_from(const BucketSnapshot& snap,
                                            const std::vector<EngineEvent>& events);

} // namespace bucketscope
