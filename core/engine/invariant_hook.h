#pragma once
// EngineOptions::check_invariants: the checker of core/engine/checker.h wired into the
// engine. The InvariantMonitor sits in front of the runtime as the allocator's observer
// and gets the explicit push / invalidate-pass / prio-write / rescale probes from the
// tasks; check_invariants() runs after every step. Violations are kept as text, the first
// kMaxViolations of them. Everything runs with bucket_lock held.

#include <memory>
#include <string>
#include <vector>

#include "core/engine/checker.h"

namespace bucketscope {

class InvariantHook {
  public:
    static constexpr size_t kMaxViolations = 1000;

    InvariantHook(const CacheSet& c, const ExtentIndex& idx, const GcRoots& roots,
                  std::vector<std::vector<uint64_t>> seeded, AllocObserver* next,
                  uint32_t index_every);

    InvariantMonitor& monitor() { return monitor_; }
    // After every task step. `just_finished_gc`: the step ran bch_btree_gc_finish.
    void after_step(bool just_finished_gc);
    const std::vector<std::string>& messages() const { return messages_; }

  private:
    void record(const std::vector<Violation>& v);

    const CacheSet& c_;
    const ExtentIndex& idx_;
    CheckContext ctx_;
    InvariantMonitor monitor_;
    std::vector<std::string> messages_;
    uint32_t index_every_;
    uint64_t steps_ = 0;
};

} // namespace bucketscope
