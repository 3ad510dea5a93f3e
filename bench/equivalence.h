#pragma once
// Checks that the engine picks the same victims as the kernel's procedure (the reference)
// on the generated states, before anything is timed: a fast engine that evicts different
// buckets would make the benchmark meaningless.
//
// For each policy it runs the same sequence of invalidate passes on both sides, each from
// its own copy of the state, until the policy gives up (or a pass limit for the larger
// LRU and random states), emptying free_inc between passes but leaving the victims pinned
// as the allocator would. LRU passes are each preceded by a forced rescale on both sides,
// so min_prio moves and the ranking formula is exercised with different offsets. After
// every pass the victim order, invalidate_needs_gc, need_gc and min_prio must match; at
// the end every bucket's gen, prio, pin, last_gc and gc_mark must match.

#include <cstdint>
#include <string>
#include <vector>

namespace bucketscope::bench {

struct CheckResult {
    std::string policy;  // lru, fifo, random
    std::string variant; // "spec" (issue 2's mix) or "no-empty"
    uint64_t nbuckets = 0;
    unsigned passes = 0;
    uint64_t victims = 0;
    bool gave_up = false; // the last pass ran out of candidates on both sides
    bool ok = true;
    std::string detail; // where and how the two sides first differed
};

std::vector<CheckResult> check_equivalence(uint64_t nbuckets);

} // namespace bucketscope::bench
