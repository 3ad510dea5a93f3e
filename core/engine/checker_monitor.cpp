// InvariantMonitor: the event half of the invariant checker (see checker.h). Each hook looks
// at the one bucket or list an event touched, so it costs O(1) per event except rescale,
// whose probe copies the prios once per pass.

#include <algorithm>

#include "core/engine/checker.h"

namespace bucketscope {

InvariantMonitor::InvariantMonitor(const CacheSet& c, AllocObserver* next) : c_(c), next_(next) {}

void InvariantMonitor::set_initial_seeded(std::vector<std::vector<uint64_t>> seeded) {
    seeded_ = std::move(seeded);
    for (auto& s : seeded_)
        std::sort(s.begin(), s.end());
}

unsigned InvariantMonitor::cache_index(const Cache& ca) const {
    for (unsigned i = 0; i < c_.caches.size(); ++i)
        if (c_.caches[i].get() == &ca)
            return i;
    return 0;
}

bool InvariantMonitor::seeded(unsigned cache, uint64_t bucket) const {
    return cache < seeded_.size() &&
           std::binary_search(seeded_[cache].begin(), seeded_[cache].end(), bucket);
}

void InvariantMonitor::report(unsigned inv, unsigned cache, uint64_t bucket, std::string what) {
    violations_.push_back({inv, cache, bucket, std::move(what)});
}

std::vector<Violation> InvariantMonitor::take_violations() {
    return std::exchange(violations_, {});
}

void InvariantMonitor::on_invalidate(const Cache& ca, uint64_t bucket, uint16_t sectors) {
    ++events_;
    const unsigned i = cache_index(ca);
    const Bucket& b = ca.buckets[bucket];
    if (bucket < ca.geo.first_bucket)
        report(7, i, bucket, "superblock-area bucket invalidated");
    if (b.pin)
        report(3, i, bucket, "pinned bucket invalidated (pin " + std::to_string(b.pin) + ")");
    if (b.mark() == GcMark::Dirty || b.mark() == GcMark::Metadata)
        report(3, i, bucket, std::string(to_string(b.mark())) + " bucket invalidated");
    if (bucket_gc_gen(b) >= BUCKET_GC_GEN_MAX)
        report(2, i, bucket, "invalidation takes the gen " +
                                 std::to_string(bucket_gc_gen(b) + 1) + " past last_gc");
    if (!c_.gc_mark_valid)
        report(10, i, bucket, "invalidation while GC marks are not valid");
    if (ca.invalidate_needs_gc)
        report(10, i, bucket, "invalidation after the policy gave up, before GC finished");
    if (next_)
        next_->on_invalidate(ca, bucket, sectors);
}

void InvariantMonitor::on_alloc(const Cache& ca, uint64_t bucket, Reserve reserve) {
    ++events_;
    const unsigned i = cache_index(ca);
    const Bucket& b = ca.buckets[bucket];
    if (bucket < ca.geo.first_bucket)
        report(7, i, bucket, "superblock-area bucket allocated");
    if (b.pin != 1)
        report(5, i, bucket, "allocated with pin " + std::to_string(b.pin) + ", not 1");
    if (c_.sync && bucket < ca.disk_gens.size()) {
        const uint8_t disk = ca.disk_gens[bucket];
        if (!gen_is_durable(b.gen, disk, seeded(i, bucket)))
            report(1, i, bucket,
                   "allocated with gen " + std::to_string(b.gen) + " before it was persisted (" +
                       std::to_string(disk) + " on disk)");
    }
    if (next_)
        next_->on_alloc(ca, bucket, reserve);
}

void InvariantMonitor::on_alloc_fail(const Cache& ca, Reserve reserve) {
    if (next_)
        next_->on_alloc_fail(ca, reserve);
}

void InvariantMonitor::on_wake_gc() {
    if (next_)
        next_->on_wake_gc();
}

void InvariantMonitor::after_alloc(const Cache& ca, uint64_t bucket, Reserve reserve) {
    ++events_;
    const unsigned i = cache_index(ca);
    const Bucket& b = ca.buckets[bucket];
    const bool meta = reserve <= RESERVE_PRIO;
    const GcMark want_mark = meta ? GcMark::Metadata : GcMark::Reclaimable;
    const uint16_t want_prio = meta ? BTREE_PRIO : INITIAL_PRIO;
    const uint16_t want_sectors = ca.geo.bucket_size & MAX_GC_SECTORS_USED;
    if (b.mark() != want_mark || b.prio != want_prio || b.sectors_used() != want_sectors ||
        b.gc_move())
        report(6, i, bucket,
               std::string("after alloc from ") + to_string(reserve) + ": mark " +
                   to_string(b.mark()) + ", prio " + std::to_string(b.prio) + ", sectors " +
                   std::to_string(b.sectors_used()) + (b.gc_move() ? ", GC_MOVE set" : ""));
    if (b.pin != 1)
        report(5, i, bucket, "bch_bucket_alloc returned pin " + std::to_string(b.pin));
}

InvariantMonitor::PushProbe InvariantMonitor::before_push(const Cache& ca) const {
    PushProbe p;
    for (unsigned r = 0; r < RESERVE_NR; ++r)
        p.used[r] = ca.free[r].used();
    return p;
}

void InvariantMonitor::after_push(const Cache& ca, uint64_t bucket, const PushProbe& before,
                                  bool pushed) {
    ++events_;
    const unsigned i = cache_index(ca);
    // Where the kernel's order sends it: PRIO first, then the first reserve with room.
    int want = -1;
    if (before.used[RESERVE_PRIO] < ca.free[RESERVE_PRIO].capacity())
        want = RESERVE_PRIO;
    for (unsigned r = 0; r < RESERVE_NR && want < 0; ++r)
        if (before.used[r] < ca.free[r].capacity())
            want = static_cast<int>(r);
    int got = -1;
    for (unsigned r = 0; r < RESERVE_NR; ++r)
        if (ca.free[r].used() == before.used[r] + 1)
            got = static_cast<int>(r);
    if (!pushed && want >= 0)
        report(9, i, bucket, "push refused with room on free[" +
                                 std::string(to_string(static_cast<Reserve>(want))) + "]");
    if (pushed && got != want)
        report(9, i, bucket,
               "pushed to " +
                   (got < 0 ? std::string("no list")
                            : "free[" + std::string(to_string(static_cast<Reserve>(got))) + "]") +
                   (want < 0 ? std::string(" with every reserve full")
                             : " instead of free[" +
                                   std::string(to_string(static_cast<Reserve>(want))) + "]"));
}

void InvariantMonitor::after_invalidate_pass(const Cache& ca) {
    ++events_;
    const unsigned i = cache_index(ca);
    const bool full = ca.free_inc.full();
    if (!full && !ca.invalidate_needs_gc)
        report(10, i, NO_BUCKET, "pass ended with free_inc not full and without waking GC");
    // LRU only gives up when its heap runs dry, which cannot happen once free_inc is full.
    if (ca.policy == ReplacementPolicy::Lru && full && ca.invalidate_needs_gc)
        report(10, i, NO_BUCKET, "LRU gave up although free_inc filled");
}

void InvariantMonitor::on_prio_write(const Cache& ca, bool from_allocator) {
    ++events_;
    if (c_.sync && from_allocator && !ca.free_inc.full())
        report(11, cache_index(ca), NO_BUCKET,
               "allocator prio write with free_inc " + std::to_string(ca.free_inc.used()) + "/" +
                   std::to_string(ca.free_inc.capacity()));
}

void InvariantMonitor::after_prio_write(const Cache& ca) {
    ++events_;
    const unsigned i = cache_index(ca);
    for (uint64_t b : ca.prio_buckets)
        if (b && ca.buckets[b].pin)
            report(5, i, b, "prio bucket still pinned after the prio write");
    // The write exists to make free_inc's new gens durable before the buckets move on.
    ca.free_inc.for_each([&](uint64_t b) {
        if (b >= ca.disk_gens.size() || ca.disk_gens[b] != ca.buckets[b].gen)
            report(1, i, b, "free_inc bucket's gen not in the prio set just written");
    });
}

void InvariantMonitor::check_prio_read_back(const Cache& ca, std::span<const uint8_t> gens,
                                            std::span<const uint16_t> prios) {
    ++events_;
    const unsigned i = cache_index(ca);
    if (gens.size() < ca.geo.nbuckets || prios.size() < ca.geo.nbuckets) {
        report(14, i, NO_BUCKET, "prio chain read back " + std::to_string(gens.size()) +
                                     " entries for " + std::to_string(ca.geo.nbuckets) + " buckets");
        return;
    }
    for (uint64_t b = 0; b < ca.geo.nbuckets; ++b) {
        const Bucket& bk = ca.buckets[b];
        const bool own_entry =
            std::find(ca.prio_buckets.begin(), ca.prio_buckets.end(), b) != ca.prio_buckets.end();
        if (gens[b] != bk.gen || (!own_entry && prios[b] != bk.prio)) {
            report(14, i, b,
                   "read back gen " + std::to_string(gens[b]) + " prio " +
                       std::to_string(prios[b]) + ", wrote gen " + std::to_string(bk.gen) +
                       " prio " + std::to_string(bk.prio));
            return; // one mismatch says the chain is wrong; the rest would repeat it
        }
    }
}

InvariantMonitor::RescaleProbe InvariantMonitor::before_rescale() const {
    RescaleProbe p;
    for (const auto& ca : c_.caches) {
        auto& prio = p.prio.emplace_back(ca->geo.nbuckets);
        auto& pin = p.pin.emplace_back(ca->geo.nbuckets);
        for (uint64_t b = 0; b < ca->geo.nbuckets; ++b) {
            prio[b] = ca->buckets[b].prio;
            pin[b] = ca->buckets[b].pin;
        }
    }
    return p;
}

void InvariantMonitor::after_rescale(const RescaleProbe& before, bool ran) {
    ++events_;
    // v6.2 rescales its one cache; v4.6 every cache of the set.
    const size_t n = c_.profile == KernelProfile::V6_2 ? std::min<size_t>(1, c_.caches.size())
                                                        : c_.caches.size();
    for (unsigned i = 0; i < c_.caches.size() && i < before.prio.size(); ++i) {
        const Cache& ca = *c_.caches[i];
        for (uint64_t b = 0; b < ca.geo.nbuckets; ++b) {
            const uint16_t was = before.prio[i][b], now = ca.buckets[b].prio;
            const bool eligible = ran && i < n && b >= ca.geo.first_bucket && was != 0 &&
                                  was != BTREE_PRIO && before.pin[i][b] == 0;
            const uint16_t want = eligible ? static_cast<uint16_t>(was - 1) : was;
            if (now != want) {
                report(12, i, b,
                       "prio " + std::to_string(was) + " became " + std::to_string(now) +
                           (eligible ? ", expected one less" : ", expected unchanged"));
                continue;
            }
            if (eligible && c_.min_prio > now)
                report(12, i, b,
                       "min_prio " + std::to_string(c_.min_prio) + " above prio " +
                           std::to_string(now));
        }
    }
}

} // namespace bucketscope
