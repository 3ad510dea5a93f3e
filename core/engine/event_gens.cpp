#include "core/engine/event_gens.h"

#include <unordered_map>

namespace bucketscope {
namespace {

// The events after which a bucket's gen is one higher: an invalidation, or the freeing
// of a replaced btree node.
bool bumps_gen(const EngineEvent& e) {
    return e.kind == EventKind::Invalidate || e.kind == EventKind::BtreeNodeFree;
}

bool tracked(const EngineEvent& e, const BucketSnapshot& snap) {
    return e.dev == 0 && e.bucket < snap.gen.size();
}

} // namespace

std::vector<uint8_t> gens_after_events(const std::vector<EngineEvent>& events,
                                       const BucketSnapshot& snap) {
    std::vector<uint8_t> out(events.size(), 0);
    std::unordered_map<uint64_t, uint8_t> moved; // bucket -> its gen as we walk back
    for (size_t i = events.size(); i-- > 0;) {
        const EngineEvent& e = events[i];
        if (!tracked(e, snap))
            continue;
        uint8_t& gen = moved.try_emplace(e.bucket, snap.gen[e.bucket]).first->second;
        out[i] = gen;
        if (bumps_gen(e))
            gen = uint8_t(gen - 1);
    }
    return out;
}

std::vector<uint8_t> gens_after_events_from(const BucketSnapshot& snap,
                                            const std::vector<EngineEvent>& events) {
    std::vector<uint8_t> out(events.size(), 0);
    std::unordered_map<uint64_t, uint8_t> moved; // bucket -> its gen as we walk forward
    for (size_t i = 0; i < events.size(); ++i) {
        const EngineEvent& e = events[i];
        if (!tracked(e, snap))
            continue;
        uint8_t& gen = moved.try_emplace(e.bucket, snap.gen[e.bucket]).first->second;
        if (bumps_gen(e))
            gen = uint8_t(gen + 1);
        out[i] = gen;
    }
    return out;
}

} // namespace bucketscope
