// See invariant_hook.h.
#include "core/engine/invariant_hook.h"

namespace bucketscope {

InvariantHook::InvariantHook(const CacheSet& c, const ExtentIndex& idx, const GcRoots& roots,
                             std::vector<std::vector<uint64_t>> seeded, AllocObserver* next,
                             uint32_t index_every)
    : c_(c), idx_(idx), monitor_(c, next), index_every_(index_every ? index_every : 1) {
    ctx_.roots = &roots;
    ctx_.initial_seeded = seeded;
    monitor_.set_initial_seeded(std::move(seeded));
}

void InvariantHook::record(const std::vector<Violation>& v) {
    for (const Violation& x : v) {
        if (messages_.size() >= kMaxViolations)
            return;
        messages_.push_back(to_string(x));
    }
}

void InvariantHook::after_step(bool just_finished_gc) {
    ctx_.just_finished_gc = just_finished_gc;
    ctx_.check_index = just_finished_gc || ++steps_ % index_every_ == 0;
    record(check_invariants(c_, idx_, ctx_));
    record(monitor_.take_violations());
}

} // namespace bucketscope
