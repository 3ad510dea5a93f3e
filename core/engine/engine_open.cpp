// Engine::open: the engine on a formatted cache device, registered as run_cache_set does
// (allocator-semantics.md 4.2 and 4.3), reading everything through core/inspect's readers
// so the engine and inspect can never disagree about what a device holds.
//
// With CACHE_SYNC (4.2), in the kernel's order:
//   1. the newest valid journal entry (every journal bucket scanned);
//   2. prio_read from its prio_bucket: prio, gen and last_gc of every bucket. A chain whose
//      checksum fails (a torn prio write) falls back to the newest older entry naming
//      another chain that verifies, with a note;
//   3. the uuid bucket and the btree root it names; bch_btree_check walks the tree, which
//      pulls gens forward for freeing keys and marks every key, and the engine rebuilds its
//      index from the nodes read (a torn last bset of a node is ignored: its keys are in
//      the journal);
//   4. bch_journal_mark pins and marks the buckets of journalled keys, then
//      bch_initial_gc_finish seeds the reserves;
//   5. the allocator, GC, journal and btree writer start and bch_journal_replay inserts the
//      journalled keys in order (splits as needed); then every leaf is written and a
//      journal entry with nothing left to replay, so a crash right after open replays
//      nothing twice.
// Without CACHE_SYNC (4.3) the device is a new cache: registration.cpp.
// Either way the superblock is written last, as the kernel's bcache_write_super does:
// seq + 1, version at least 3, last_mount, and the policy and discard in force.
#include <algorithm>
#include <ctime>

#include "core/engine/engine_impl.h"
#include "core/gc/gc.h"
#include "core/inspect/btree_check.h"
#include "core/inspect/inspect.h"
#include "core/inspect/journal_read.h"
#include "core/inspect/prio_read.h"

namespace bucketscope {

namespace {

constexpr uint64_t kReplayReportEvery = 256; // journal keys between progress reports

inspect::Profile inspect_profile(KernelProfile p) {
    return p == KernelProfile::V4_6 ? inspect::Profile::v4_6 : inspect::Profile::v6_2;
}

Ptr to_ptr(const ondisk::BkeyPtr& p) { return Ptr{static_cast<uint8_t>(p.dev), p.gen, p.offset}; }

// A journalled or btree key as the index holds extents: its first pointer, which must
// name this cache (PTR_CHECK_DEV placeholders and foreign devices are dropped).
bool to_extent(const ondisk::Bkey& k, Extent& out) {
    if (k.nptrs == 0 || k.ptrs[0].dev != 0)
        return false;
    out = Extent{};
    out.inode = k.inode;
    out.offset = k.offset;
    out.size = k.size;
    out.dirty = k.dirty;
    out.nptrs = 1;
    out.ptrs[0] = to_ptr(k.ptrs[0]);
    return true;
}

Status write_superblock(Device& dev, const ondisk::CacheSuperblock& sb) {
    const std::vector<std::byte> bytes = ondisk::encode_superblock(sb);
    if (Status st = dev.write(ondisk::SB_OFFSET, bytes); !st)
        return st;
    return dev.flush();
}

// Step 2, with the fall-back for a torn newest chain.
bool read_prio_chain(Engine::Impl& e, const inspect::JournalScan& scan,
                     inspect::BucketTable& table, inspect::PrioChain& chain, Progress* progress,
                     std::string* why) {
    const ondisk::CacheSuperblock& sb = *e.sb;
    Device& dev = *e.devices[0];
    const inspect::Profile prof = inspect_profile(e.opts.profile);
    const uint64_t first = scan.newest().jset.prio_bucket[sb.nr_this_dev];
    auto r = inspect::read_prios(dev, sb, first, prof, table.buckets(), progress);
    if (r) {
        chain = r.value();
        return true;
    }
    if (progress && progress->cancelled()) {
        if (why)
            *why = kCancelledMessage;
        return false;
    }
    for (auto it = scan.history.rbegin(); it != scan.history.rend(); ++it) {
        const uint64_t older = it->prio_bucket[sb.nr_this_dev];
        if (older == first)
            continue;
        inspect::BucketTable fresh(sb, prof);
        auto o = inspect::read_prios(dev, sb, older, prof, fresh.buckets());
        if (!o)
            continue;
        table.buckets() = fresh.buckets();
        chain = o.value();
        e.notes.push_back("the prio set named by journal entry " +
                          std::to_string(scan.newest().jset.seq) + " is unreadable (" +
                          r.error().to_string() + "); using the one journal entry " +
                          std::to_string(it->seq) + " names (bucket " + std::to_string(older) +
                          ")");
        return true;
    }
    if (why)
        *why = r.error().to_string();
    return false;
}

// Steps 3: the btree, as the walk reads it, into the index and the btree store.
bool load_btree(Engine::Impl& e, const inspect::JournalEntry& newest, inspect::BucketTable& table,
                Progress* progress, std::string* why) {
    std::vector<inspect::BtreeNodeInfo> infos;
    inspect::BtreeWalkOptions walk;
    walk.tolerate_torn_tail = true;
    walk.progress = progress;
    walk.visit = [&](const inspect::BtreeNodeInfo& n) { infos.push_back(n); };
    ondisk::ExtentSet leaves;
    auto r = inspect::check_btree(*e.devices[0], *e.sb, table, newest.jset.btree_root,
                                  newest.jset.btree_level, newest.device_offset, leaves, walk);
    if (!r) {
        if (why)
            *why = r.error().to_string();
        return false;
    }
    std::vector<LoadedNode> nodes;
    nodes.reserve(infos.size());
    for (const inspect::BtreeNodeInfo& n : infos) {
        LoadedNode l;
        l.level = static_cast<uint8_t>(n.level);
        l.ptr = to_ptr(n.key.ptrs[0]);
        l.max = KeyPos{n.key.inode, n.key.offset};
        l.parent = n.parent == UINT64_MAX ? UINT32_MAX : static_cast<uint32_t>(n.parent);
        if (n.level == 0)
            for (const ondisk::Bkey& k : n.keys) {
                Extent x;
                if (to_extent(k, x))
                    l.extents.push_back(x);
            }
        if (n.torn_tail)
            e.notes.push_back("btree node at sector " + std::to_string(l.ptr.offset) +
                              ": a torn last bset was ignored (its keys are replayed from the "
                              "journal)");
        nodes.push_back(std::move(l));
    }
    const std::vector<uint32_t> ids = e.index->load(nodes);
    for (size_t i = 0; i < ids.size(); ++i)
        e.btree->adopt_written(ids[i], infos[i].bset_seq,
                               static_cast<uint32_t>(infos[i].written_blocks));
    return true;
}

// Step 5's insert of one journalled key (or, pointerless, its erase), getting node buckets
// as any inserter does: an erase grows a leaf's unwritten set like an insert.
bool replay_key(Engine::Impl& e, const Extent& k, uint64_t seq, std::string* why) {
    CacheSet& c = e.c;
    while (const size_t need = e.btree->buckets_to_fund(k)) {
        std::vector<Ptr> nodes(need);
        size_t got = 0;
        for (; got < need; ++got)
            if (!bch_bucket_alloc_set(c, RESERVE_BTREE, 1, &nodes[got], e.rt->obs()))
                break;
        if (got == need) {
            e.btree->add_reserved(nodes);
            break;
        }
        for (size_t i = 0; i < got; ++i) {
            Cache& ca = *ptr_cache(c, nodes[i]);
            __bch_bucket_free(c, ca, ca.buckets[ptr_bucket(ca, nodes[i])]);
        }
        bkey_put(c, nodes.data(), static_cast<unsigned>(got));
        e.rt->wake_allocators();
        if (!e.sched->step_one(/*workload=*/false)) {
            if (why)
                *why = "journal replay: no bucket for a btree node";
            return false;
        }
    }
    e.btree->set_insert_seq(seq);
    if (k.nptrs)
        e.index->insert(k);
    else
        e.index->erase(k.inode, k.start(), k.size);
    e.btree->set_insert_seq(0);
    if (e.btree->replacement_due()) {
        e.rt->wake(kBtreeWork);
        e.drive([&] { return !e.btree->replacement_due() || e.rt->io_disabled(); });
    }
    return !e.rt->io_disabled();
}

} // namespace

bool load_cache_set(Engine::Impl& e, Progress* progress, std::string* why) {
    CacheSet& c = e.c;
    Cache& ca = *c.caches.front();
    Runtime& rt = *e.rt;
    const ondisk::CacheSuperblock& sb = *e.sb;
    Device& dev = *e.devices[0];
    auto fail = [&](const std::string& msg) {
        if (why)
            *why = dev.name() + ": " + msg;
        return false;
    };

    ca.geo.njournal_buckets = sb.keys;
    rt.roots.journal_buckets = {std::vector<uint64_t>(sb.d.begin(), sb.d.begin() + sb.keys)};

    // 1.
    auto scan = inspect::read_journal(dev, sb, progress);
    if (!scan)
        return fail(scan.error().to_string());
    const inspect::JournalEntry& newest = scan.value().newest();

    // 2.
    inspect::BucketTable table(sb, inspect_profile(e.opts.profile));
    inspect::PrioChain chain;
    std::string err;
    if (!read_prio_chain(e, scan.value(), table, chain, progress, &err))
        return fail(err);
    if (chain.buckets.size() != ca.prio_buckets.size())
        return fail("the prio chain has " + std::to_string(chain.buckets.size()) +
                    " buckets, the geometry needs " + std::to_string(ca.prio_buckets.size()));

    // 3.
    const ondisk::Bkey& uk = newest.jset.uuid_bucket;
    if (table.btree_ptr_invalid(uk) || !table.ptr_available(uk.ptrs[0]))
        return fail("journal entry " + std::to_string(newest.jset.seq) +
                    ": bad uuid pointer, expected one pointer to a bucket of this cache");
    rt.uuid_bucket = to_ptr(uk.ptrs[0]);
    rt.has_uuid_bucket = true;
    rt.roots.uuid_ptrs = {rt.uuid_bucket};
    if (!load_btree(e, newest, table, progress, &err))
        return fail(err);
    for (uint64_t b = 0; b < ca.geo.nbuckets; ++b) {
        Bucket& g = ca.buckets[b];
        g.gen = g.last_gc = table.buckets()[b].gen;
        g.prio = table.buckets()[b].prio;
        // A freeing key's pull is as durable as the prio set: a crash brings both back.
        ca.disk_gens[b] = g.gen;
    }
    ca.prio_buckets = chain.buckets;
    ca.prio_last_buckets = chain.buckets;
    e.prio.front()->resume(chain.seq);
    bch_btree_check(c, *e.index);

    // 4. bch_journal_mark: the replayed keys' buckets hold live data GC has not seen.
    std::vector<Ptr> marked;
    for (const inspect::JournalEntry& j : scan.value().replay)
        for (const ondisk::Bkey& k : j.jset.keys) {
            Extent x;
            if (!to_extent(k, x) || extent_invalid(c, x) || ptr_stale(c, x.ptrs[0]))
                continue;
            ++ca.buckets[ptr_bucket(ca, x.ptrs[0])].pin;
            btree_mark_extent(c, x);
            marked.push_back(x.ptrs[0]);
        }
    e.initial_seeded = bch_initial_gc_finish(c, rt.roots, rt.obs());
    c.sync = true;
    e.journal->resume(newest.jset.seq, newest.jset.last_seq, scan.value().newest_bucket,
                      scan.value().newest_end_blocks, scan.value().bucket_max_seq);

    // 5. From here on the engine writes: a cancel asked for now is left to the caller, who
    // closes the engine cleanly once it is open (a half-done replay would be redone by the
    // next open anyway, but then nothing would have been gained by stopping).
    e.add_kernel_tasks();
    uint64_t to_replay = 0, replayed = 0;
    for (const inspect::JournalEntry& j : scan.value().replay)
        to_replay += j.jset.keys.size();
    for (const inspect::JournalEntry& j : scan.value().replay)
        for (const ondisk::Bkey& k : j.jset.keys) {
            if (replayed++ % kReplayReportEvery == 0)
                report_progress(progress, "journal replay", replayed - 1, to_replay);
            Extent x;
            if (k.nptrs == 0) {
                if (!k.size || k.size > k.offset)
                    continue;
                x.inode = k.inode;
                x.offset = k.offset;
                x.size = k.size;
            } else if (!to_extent(k, x) || extent_invalid(c, x)) {
                continue;
            }
            if (!replay_key(e, x, j.jset.seq, &err))
                return fail(err);
        }
    bkey_put(c, marked.data(), static_cast<unsigned>(marked.size()));
    rt.wake_allocators();
    e.btree->request_flush_all();
    rt.wake(kBtreeWork);
    if (!e.drive([&] { return e.btree->clean() || rt.io_disabled(); }) || rt.io_disabled())
        return fail("after journal replay: " +
                    (rt.io_disabled() ? rt.last_error : std::string("btree writes stalled")));
    const uint64_t target = e.journal->request_meta();
    rt.wake(kJournalWork);
    if (!e.drive([&] { return e.journal->durable(target) || rt.io_disabled(); }) ||
        rt.io_disabled())
        return fail("after journal replay: " +
                    (rt.io_disabled() ? rt.last_error : std::string("journal write stalled")));
    return true;
}

std::unique_ptr<Engine> Engine::open(Device& device, const EngineOptions& base,
                                     const DeviceSettings& settings, std::string* why,
                                     Progress* progress) {
    auto fail = [&](const std::string& msg) -> std::unique_ptr<Engine> {
        if (why)
            *why = msg;
        return nullptr;
    };
    auto read = inspect::read_cache_superblock(device, inspect_profile(base.profile));
    if (!read)
        return fail(device.name() + ": " + read.error().to_string());
    ondisk::CacheSuperblock sb = read.value();
    if (sb.nr_in_set != 1 || sb.nr_this_dev != 0)
        return fail(device.name() + ": cache " + std::to_string(sb.nr_this_dev) + " of a set of " +
                    std::to_string(sb.nr_in_set) + "; the engine opens single-cache sets only");
    if (sb.bucket_sectors() > 0xffff)
        return fail(device.name() + ": buckets of " + std::to_string(sb.bucket_sectors()) +
                    " sectors, more than the engine's 16-bit extent sizes can fill");

    EngineOptions o = base;
    o.ncaches = 1;
    o.geometry = CacheGeometry{};
    o.geometry.nbuckets = sb.nbuckets;
    o.geometry.bucket_size = static_cast<uint32_t>(sb.bucket_sectors());
    o.geometry.block_size = sb.block_size;
    o.geometry.first_bucket = sb.first_bucket;
    o.policy = settings.policy.value_or(sb.cache_replacement() <= 2
                                            ? static_cast<ReplacementPolicy>(sb.cache_replacement())
                                            : ReplacementPolicy::Lru);
    o.discard = settings.discard.value_or(sb.cache_discard());

    std::string err;
    auto e = Impl::build({&device}, o, &err);
    if (!e)
        return fail(device.name() + ": " + err);
    e->sb = sb;
    e->rt->set_magic = sb.set_magic();
    {
        std::lock_guard lk(e->c.bucket_lock);
        if (!sb.cache_sync()) {
            e->notes.push_back(device.name() +
                               ": CACHE_SYNC clear: registering as a new cache (invalidating "
                               "existing data)");
            if (!register_new_cache_set(*e, &err))
                return fail(device.name() + ": " + err);
            e->add_kernel_tasks();
        } else if (!load_cache_set(*e, progress, &err)) {
            // Only the reads before anything is written stop for a cancel.
            return fail(progress && progress->cancelled() ? kCancelledMessage : err);
        }

        // bcache_write_super.
        const Cache& ca = *e->c.caches.front();
        ondisk::CacheSuperblock& s = *e->sb;
        s.keys = ca.geo.njournal_buckets;
        for (uint16_t i = 0; i < s.keys; ++i)
            s.d[i] = s.first_bucket + i;
        s.set_cache_sync(true);
        s.set_cache_replacement(static_cast<unsigned>(o.policy));
        s.set_cache_discard(o.discard);
        s.version = std::max<uint64_t>(s.version, ondisk::BCACHE_SB_VERSION_CDEV_WITH_UUID);
        s.seq += 1;
        s.last_mount = static_cast<uint32_t>(std::time(nullptr));
        if (Status st = write_superblock(device, s); !st)
            return fail(st.message);
        // Data written from now on is told apart from every earlier run's by the seq.
        e->rt->write_id_base = s.seq;
        e->add_workload_tasks();
        e->finish();
    }
    return std::unique_ptr<Engine>(new Engine(std::move(e)));
}

} // namespace bucketscope
