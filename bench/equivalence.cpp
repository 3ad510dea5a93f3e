// The comparison loop. On a mismatch it stops at the first difference and describes both
// buckets as they were before the pass, with their LRU ranks as the reference computes
// them, which is usually enough to see which rule the engine got wrong.

#include "bench/equivalence.h"

#include <sstream>

#include "bench/rig.h"

namespace bucketscope::bench {

namespace {

// Larger states get a bounded number of passes: a run to give-up takes ~190 passes.
constexpr uint64_t kFullRunMaxBuckets = 1u << 17;
constexpr unsigned kBoundedPasses = 8;
constexpr unsigned kPassLimit = 100000;

std::vector<uint64_t> engine_victims(const Cache& ca) {
    std::vector<uint64_t> v;
    ca.free_inc.for_each([&](uint64_t b) { v.push_back(b); });
    return v;
}

std::vector<uint64_t> reference_victims(const ref_cache& rca) {
    std::vector<uint64_t> v;
    for (size_t i = 0, n = ref_fifo_used(&rca.free_inc); i < n; ++i)
        v.push_back(rca.free_inc.data[(rca.free_inc.front + i) & rca.free_inc.mask]);
    return v;
}

bool same_bucket(const Bucket& a, const Bucket& b) {
    return a.pin == b.pin && a.prio == b.prio && a.gen == b.gen && a.last_gc == b.last_gc &&
           a.gc_mark == b.gc_mark;
}

std::string describe(const std::vector<Bucket>& before, uint64_t bucket, uint16_t min_prio) {
    std::ostringstream s;
    if (bucket >= before.size()) {
        s << "bucket " << bucket << " (out of range)";
        return s.str();
    }
    const Bucket& b = before[bucket];
    s << "bucket " << bucket << " {mark " << to_string(b.mark()) << ", sectors "
      << b.sectors_used() << ", prio " << b.prio << ", pin " << b.pin << ", gen "
      << unsigned(b.gen) << ", last_gc " << unsigned(b.last_gc) << ", rank "
      << bucket_prio(min_prio, b) << "}";
    return s.str();
}

void run_reference_pass(ReplacementPolicy p, ref_cache& rca) {
    switch (p) {
    case ReplacementPolicy::Lru: ref_invalidate_buckets_lru(&rca); break;
    case ReplacementPolicy::Fifo: ref_invalidate_buckets_fifo(&rca); break;
    case ReplacementPolicy::Random: ref_invalidate_buckets_random(&rca); break;
    }
}

bool compare_queues(Rig& rig, CheckResult& r) {
    const Cache& ca = rig.cache();
    const ref_cache& rca = rig.rcache();
    std::ostringstream s;
    for (int i = 0; i < RESERVE_NR; ++i)
        if (ca.free[i].capacity() != rca.free[i].size)
            s << "free[" << to_string(Reserve(i)) << "] capacity " << ca.free[i].capacity()
              << " vs reference " << rca.free[i].size << "; ";
    if (ca.free_inc.capacity() != rca.free_inc.size)
        s << "free_inc capacity " << ca.free_inc.capacity() << " vs reference "
          << rca.free_inc.size << "; ";
    if (ca.heap.size() != rca.heap.size)
        s << "heap size " << ca.heap.size() << " vs reference " << rca.heap.size << "; ";
    r.detail = s.str();
    r.ok = r.detail.empty();
    return r.ok;
}

// One pass on both sides; false (with r.detail) at the first difference.
bool compare_pass(Rig& rig, ReplacementPolicy policy, CheckResult& r) {
    CacheSet& c = rig.set();
    Cache& ca = rig.cache();
    ref_cache_set& rc = rig.rset();
    ref_cache& rca = rig.rcache();
    std::ostringstream s;
    s << "pass " << r.passes << ": ";

    if (policy == ReplacementPolicy::Lru) {
        c.rescale = 0;
        rc.rescale = 0;
        bch_rescale_priorities(c, 1);
        ref_rescale_priorities(&rc, 1);
        if (c.min_prio != rc.min_prio) {
            s << "min_prio after rescale " << c.min_prio << " vs reference " << rc.min_prio;
            r.detail = s.str();
            return false;
        }
    }

    // The state before the pass, to describe a mismatch: a copy per pass is affordable
    // except for the long FIFO runs over the largest states, which describe the buckets as
    // the pass left them.
    std::vector<Bucket> snapshot;
    if (rig.nbuckets() <= kFullRunMaxBuckets || policy != ReplacementPolicy::Fifo)
        snapshot = rig.ref_buckets();
    const std::vector<Bucket>& before = snapshot.empty() ? rig.ref_buckets() : snapshot;
    invalidate_buckets(c, ca);
    run_reference_pass(policy, rca);
    const auto ev = engine_victims(ca);
    const auto rv = reference_victims(rca);

    for (size_t i = 0; i < ev.size() || i < rv.size(); ++i) {
        if (i < ev.size() && i < rv.size() && ev[i] == rv[i])
            continue;
        s << "victim " << i << " differs: engine ";
        s << (i < ev.size() ? describe(before, ev[i], c.min_prio) : "nothing (free_inc ended)");
        s << ", reference ";
        s << (i < rv.size() ? describe(before, rv[i], c.min_prio) : "nothing (free_inc ended)");
        s << " [min_prio " << c.min_prio << "]";
        r.detail = s.str();
        return false;
    }
    if (ca.invalidate_needs_gc != (rca.invalidate_needs_gc != 0) || c.need_gc != rc.need_gc) {
        s << "after " << ev.size() << " victims: invalidate_needs_gc "
          << ca.invalidate_needs_gc << " vs reference " << rca.invalidate_needs_gc
          << ", need_gc " << unsigned(c.need_gc) << " vs reference " << unsigned(rc.need_gc);
        r.detail = s.str();
        return false;
    }
    if (policy == ReplacementPolicy::Fifo && ca.fifo_last_bucket != rca.fifo_last_bucket) {
        s << "fifo cursor " << ca.fifo_last_bucket << " vs reference " << rca.fifo_last_bucket;
        r.detail = s.str();
        return false;
    }
    r.victims += ev.size();
    r.gave_up = ca.invalidate_needs_gc;
    return true;
}

bool compare_buckets(Rig& rig, CheckResult& r) {
    const auto& eb = rig.cache().buckets;
    const auto& rb = rig.ref_buckets();
    for (uint64_t i = 0; i < rig.nbuckets(); ++i) {
        if (same_bucket(eb[i], rb[i]))
            continue;
        std::ostringstream s;
        s << "after " << r.passes << " passes: engine " << describe(eb, i, rig.set().min_prio)
          << " vs reference " << describe(rb, i, rig.set().min_prio);
        r.detail = s.str();
        return false;
    }
    return true;
}

CheckResult check_policy(Rig& rig, ReplacementPolicy policy, const char* variant) {
    CheckResult r;
    r.policy = to_string(policy);
    r.variant = variant;
    r.nbuckets = rig.nbuckets();
    rig.reset();
    rig.cache().policy = policy;
    if (!compare_queues(rig, r))
        return r;

    const bool full_run =
        policy == ReplacementPolicy::Fifo || rig.nbuckets() <= kFullRunMaxBuckets;
    const unsigned limit = full_run ? kPassLimit : kBoundedPasses;
    while (r.passes < limit) {
        if (!compare_pass(rig, policy, r)) {
            r.ok = false;
            return r;
        }
        ++r.passes;
        if (r.gave_up)
            break;
        rig.cache().free_inc.clear();
        ref_fifo_clear(&rig.rcache().free_inc);
    }
    r.ok = compare_buckets(rig, r);
    return r;
}

} // namespace

std::vector<CheckResult> check_equivalence(uint64_t nbuckets) {
    std::vector<CheckResult> out;
    StateMix no_empty;
    no_empty.empty_pct = 0;
    const std::pair<const char*, StateMix> variants[] = {{"spec", StateMix{}},
                                                         {"no-empty", no_empty}};
    for (const auto& [name, mix] : variants) {
        Rig rig(nbuckets, Sharing::OwnCopy, mix);
        for (auto p : {ReplacementPolicy::Lru, ReplacementPolicy::Fifo, ReplacementPolicy::Random})
            out.push_back(check_policy(rig, p, name));
    }
    return out;
}

} // namespace bucketscope::bench
