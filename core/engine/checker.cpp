// check_invariants(): the state half of the invariant checker (see checker.h).
//
// One pass per cache builds an owner byte per bucket from every list that may hold a bucket
// (free[0..3], free_inc, the open buckets' current buckets, the prio bucket sets, journal and
// uuid buckets), reporting a second owner as it goes; a second pass over the buckets checks
// what each bucket's own fields must satisfy; a last pass over the index checks every pointer
// against the bucket it names. Nothing is allocated per bucket beyond the owner bytes.

#include "core/engine/checker.h"

#include <algorithm>
#include <array>

namespace bucketscope {

namespace {

enum Owner : uint8_t {
    NOBODY = 0,
    FREE_BASE = 1, // + reserve
    FREE_INC = FREE_BASE + RESERVE_NR,
    OPEN,
    PRIO,
    JOURNAL,
    UUID,
    BTREE_NODE,
};

std::string owner_name(uint8_t o) {
    if (o >= FREE_BASE && o < FREE_INC)
        return std::string("free[") + to_string(static_cast<Reserve>(o - FREE_BASE)) + "]";
    switch (o) {
    case FREE_INC: return "free_inc";
    case OPEN: return "an open bucket";
    case PRIO: return "the prio buckets";
    case JOURNAL: return "the journal";
    case UUID: return "the uuid bucket";
    case BTREE_NODE: return "a btree node";
    default: return "nothing";
    }
}

class StateCheck {
  public:
    StateCheck(const CacheSet& c, const ExtentIndex& idx, const CheckContext& ctx)
        : c_(c), idx_(idx), ctx_(ctx), owners_(c.caches.size()) {}

    std::vector<Violation> run() {
        fill_dev_table();
        uint64_t available = 0;
        for (unsigned i = 0; i < c_.caches.size(); ++i) {
            collect_owners(i);
            available += check_buckets(i);
            if (c_.gc_mark_valid)
                check_metadata_roots(i);
        }
        if (ctx_.just_finished_gc)
            check_gc_finish(available);
        if (ctx_.check_index && idx_.has_root())
            check_index();
        return std::move(out_);
    }

  private:
    void report(unsigned inv, unsigned cache, uint64_t bucket, std::string what) {
        out_.push_back({inv, cache, bucket, std::move(what)});
    }

    // Records `who` as the owner of `b`; a bucket already owned is invariant 4.
    void own(unsigned i, uint64_t b, uint8_t who) {
        auto& owner = owners_[i];
        if (b >= owner.size()) {
            report(4, i, b, owner_name(who) + " holds a bucket beyond nbuckets");
            return;
        }
        if (owner[b])
            report(4, i, b, "on " + owner_name(who) + " and on " + owner_name(owner[b]));
        else
            owner[b] = who;
    }

    bool seeded(unsigned i, uint64_t b) const {
        if (i >= ctx_.initial_seeded.size())
            return false;
        const auto& s = ctx_.initial_seeded[i];
        return std::find(s.begin(), s.end(), b) != s.end();
    }

    void check_listed(unsigned i, uint64_t b, uint8_t who) {
        const Cache& ca = *c_.caches[i];
        own(i, b, who);
        if (b >= ca.geo.nbuckets)
            return;
        const Bucket& bk = ca.buckets[b];
        const std::string where = owner_name(who);
        if (b < ca.geo.first_bucket)
            report(7, i, b, "superblock-area bucket on " + where);
        if (bk.pin < 1)
            report(5, i, b, "unpinned bucket on " + where);
        if (who == OPEN)
            return;
        if (bk.mark() == GcMark::Dirty || bk.mark() == GcMark::Metadata)
            report(3, i, b, std::string(to_string(bk.mark())) + " bucket on " + where);
        if (who != FREE_INC && c_.sync && b < ca.disk_gens.size()) {
            const uint8_t disk = ca.disk_gens[b];
            if (!gen_is_durable(bk.gen, disk, seeded(i, b)))
                report(1, i, b,
                       "gen " + std::to_string(bk.gen) + " on " + where + " but the durable prio set has " +
                           std::to_string(disk));
        }
    }

    void collect_owners(unsigned i) {
        const Cache& ca = *c_.caches[i];
        owners_[i].assign(ca.geo.nbuckets, NOBODY);
        for (unsigned r = 0; r < RESERVE_NR; ++r)
            ca.free[r].for_each([&](uint64_t b) { check_listed(i, b, FREE_BASE + r); });
        ca.free_inc.for_each([&](uint64_t b) { check_listed(i, b, FREE_INC); });
        for (const OpenBucket& ob : c_.open_buckets) {
            if (!ob.sectors_free)
                continue; // finished: its pin went to the last extent written
            for (unsigned p = 0; p < ob.nptrs; ++p)
                if (ob.ptr_dev[p] == ca.geo.nr_this_dev)
                    check_listed(i, ob.ptr_bucket[p], OPEN);
        }
        // After a prio write both sets name the same buckets: count each bucket once.
        std::vector<uint64_t> prio(ca.prio_buckets);
        prio.insert(prio.end(), ca.prio_last_buckets.begin(), ca.prio_last_buckets.end());
        std::sort(prio.begin(), prio.end());
        prio.erase(std::unique(prio.begin(), prio.end()), prio.end());
        for (uint64_t b : prio) {
            if (!b)
                continue; // an unused slot
            own(i, b, PRIO);
            if (b < ca.geo.first_bucket)
                report(7, i, b, "prio bucket in the superblock area");
        }
        if (!ctx_.roots)
            return;
        if (i < ctx_.roots->journal_buckets.size())
            for (uint64_t b : ctx_.roots->journal_buckets[i]) {
                own(i, b, JOURNAL);
                if (b < ca.geo.first_bucket)
                    report(7, i, b, "journal bucket in the superblock area");
            }
        for (const Ptr& p : ctx_.roots->uuid_ptrs)
            if (ptr_cache(c_, p) == &ca)
                own(i, ptr_bucket(ca, p), UUID);
    }

    // Per-bucket fields; returns the buckets GC finish would count as available.
    uint64_t check_buckets(unsigned i) {
        const Cache& ca = *c_.caches[i];
        for (uint64_t b = 0; b < std::min<uint64_t>(ca.geo.first_bucket, ca.geo.nbuckets); ++b) {
            const Bucket& bk = ca.buckets[b];
            // A GC finish that ran while a prio slot was still 0 (unused) marked bucket 0
            // METADATA, and nothing below first_bucket is ever reset: harmless, allowed.
            const bool zero_slot_mark = b == 0 && bk.mark() == GcMark::Metadata;
            if (bk.pin || bk.sectors_used() || (bk.mark() != GcMark::None && !zero_slot_mark))
                report(7, i, b, "superblock-area bucket pinned, marked or holding sectors");
        }
        uint64_t available = 0;
        for (uint64_t b = ca.geo.first_bucket; b < ca.geo.nbuckets; ++b) {
            const Bucket& bk = ca.buckets[b];
            const uint8_t gc_gen = bucket_gc_gen(bk);
            // Only a btree node's freeing key may push past the limit, and inc_gen reports
            // that through need_gc: anything beyond both is unaccounted gen movement.
            if (gc_gen > BUCKET_GC_GEN_MAX && gc_gen > c_.need_gc)
                report(2, i, b,
                       "gen " + std::to_string(bk.gen) + " is " + std::to_string(gc_gen) +
                           " ahead of last_gc (limit 96, need_gc " + std::to_string(c_.need_gc) +
                           ")");
            if (bk.pin)
                continue;
            if (bk.mark() == GcMark::None && bk.sectors_used())
                report(13, i, b, "unpinned, mark 0 but " + std::to_string(bk.sectors_used()) +
                                     " sectors used");
            if (bk.mark() == GcMark::None || bk.mark() == GcMark::Reclaimable)
                ++available;
        }
        return available;
    }

    void check_metadata_roots(unsigned i) {
        const Cache& ca = *c_.caches[i];
        auto must_be_meta = [&](uint64_t b, const char* what) {
            if (b < ca.geo.nbuckets && ca.buckets[b].mark() != GcMark::Metadata)
                report(8, i, b, std::string(what) + " bucket is " + to_string(ca.buckets[b].mark()) +
                                    ", not metadata");
        };
        for (uint64_t b : ca.prio_buckets)
            if (b)
                must_be_meta(b, "current prio");
        for (uint64_t b : ca.prio_last_buckets)
            if (b)
                must_be_meta(b, "last prio");
        if (!ctx_.roots)
            return;
        if (i < ctx_.roots->journal_buckets.size())
            for (uint64_t b : ctx_.roots->journal_buckets[i])
                must_be_meta(b, "journal");
        for (const Ptr& p : ctx_.roots->uuid_ptrs)
            if (ptr_cache(c_, p) == &ca)
                must_be_meta(ptr_bucket(ca, p), "uuid");
    }

    void check_gc_finish(uint64_t available) {
        if (!c_.gc_mark_valid)
            report(13, 0, NO_BUCKET, "gc_mark_valid is 0 after GC finish");
        for (unsigned i = 0; i < c_.caches.size(); ++i)
            if (c_.caches[i]->invalidate_needs_gc)
                report(10, i, NO_BUCKET, "invalidate_needs_gc still set after GC finish");
        if (c_.profile == KernelProfile::V6_2 && c_.avail_nbuckets != available)
            report(13, 0, NO_BUCKET,
                   "avail_nbuckets " + std::to_string(c_.avail_nbuckets) + " but " +
                       std::to_string(available) + " unpinned buckets are unused or reclaimable");
    }

    // Which cache of the set (index into caches) a pointer names, or -1: a table by device
    // number, filled once per check from ptr_cache(), since every pointer asks.
    int cache_index(const Ptr& p) const { return dev_cache_[p.dev]; }
    void fill_dev_table() {
        dev_cache_.fill(-1);
        for (unsigned dev = 0; dev < MAX_CACHES_PER_SET; ++dev) {
            const Cache* ca = ptr_cache(c_, Ptr{static_cast<uint8_t>(dev), 0, 0});
            for (unsigned i = 0; i < c_.caches.size(); ++i)
                if (c_.caches[i].get() == ca)
                    dev_cache_[dev] = static_cast<int8_t>(i);
        }
    }

    void check_node(const IndexNode& n) {
        const int i = cache_index(n.ptr);
        if (i < 0) {
            report(0, 0, NO_BUCKET, "btree node pointer names no cache of the set");
            return;
        }
        const Cache& ca = *c_.caches[i];
        const uint64_t b = ptr_bucket(ca, n.ptr);
        if (b < ca.geo.first_bucket || b >= ca.geo.nbuckets) {
            report(7, i, b, "btree node outside [first_bucket, nbuckets)");
            return;
        }
        own(i, b, BTREE_NODE);
        const Bucket& bk = ca.buckets[b];
        if (gen_after(bk.gen, n.ptr.gen))
            report(0, i, b, "btree node pointer is stale");
        if (c_.gc_mark_valid && bk.mark() != GcMark::Metadata)
            report(13, i, b, std::string("btree node bucket is ") + to_string(bk.mark()));
    }

    // Leaf keys are checked as stored (one pointer, see LeafKey): unpacking 1.5k extents
    // per step would cost more than the checks.
    void check_extent(const LeafKey& k) {
        auto invalid = [&](const char* why) {
            report(0, 0, NO_BUCKET,
                   "invalid extent " + std::to_string(k.inode()) + ":" +
                       std::to_string(k.offset) + ": " + why);
        };
        if (!k.size || k.size > k.offset) {
            const char* why = "bad size";
            extent_invalid(c_, k.unpack(), &why);
            invalid(why);
            return;
        }
        const Ptr p = k.ptr();
        const int i = cache_index(p);
        if (i < 0)
            return; // a missing device: the pointer is unavailable, not wrong
        const Cache& ca = *c_.caches[i];
        uint64_t b = 0;
        if (const char* why = ptr_invalid(ca, p, k.size, b)) {
            invalid(why);
            return;
        }
        const Bucket& bk = ca.buckets[b];
        const uint8_t behind = static_cast<uint8_t>(bk.gen - p.gen);
        if (behind > 128) {
            report(2, i, b,
                   "pointer " + std::to_string(behind) + " gens behind its bucket would read as live");
            return;
        }
        if (behind)
            return; // stale: dead data, GC drops it
        const uint8_t owner = owners_[i][b];
        if (owner >= FREE_BASE && owner <= FREE_INC)
            report(3, i, b, "live extent data in a bucket on " + owner_name(owner));
        if (!c_.gc_mark_valid || bk.pin)
            return;
        if (bk.mark() == GcMark::None)
            report(13, i, b, "live extent data in an unmarked bucket");
        else if (bk.mark() == GcMark::Metadata)
            report(4, i, b, "live extent data in a metadata bucket");
        else if (k.dirty() && bk.mark() != GcMark::Dirty)
            report(13, i, b, "dirty extent data in a bucket not marked dirty");
    }

    void check_index() {
        for (const std::string& s : idx_.validate())
            report(0, 0, NO_BUCKET, s);
        idx_.for_each_node([&](uint32_t, const IndexNode& n) {
            check_node(n);
            for (const LeafKey& k : n.extents)
                check_extent(k);
        });
    }

    const CacheSet& c_;
    const ExtentIndex& idx_;
    const CheckContext& ctx_;
    std::vector<std::vector<uint8_t>> owners_;
    std::array<int8_t, 256> dev_cache_{};
    std::vector<Violation> out_;
};

} // namespace

std::string to_string(const Violation& v) {
    std::string s = "invariant " + std::to_string(v.invariant) + " (cache " +
                    std::to_string(v.cache);
    if (v.bucket != NO_BUCKET)
        s += ", bucket " + std::to_string(v.bucket);
    return s + "): " + v.what;
}

std::vector<Violation> check_invariants(const CacheSet& c, const ExtentIndex& idx,
                                        const CheckContext& ctx) {
    return StateCheck(c, idx, ctx).run();
}

} // namespace bucketscope
