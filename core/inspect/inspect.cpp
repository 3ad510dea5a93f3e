// Registration replayed on an image, in run_cache_set's order: journal, prios, root and
// uuid pointers, btree check, journal marks, gc_finish marks (uuid, journal and prio
// buckets become METADATA without sectors, hence also count as Unused), reserve seeding.
// A cache without CACHE_SYNC has no metadata to read: the kernel would discard whatever
// it holds, so every bucket is reported unused with gen and prio 0.

#include "core/inspect/inspect.h"

#include "core/alloc/fifo.h"
#include "core/inspect/device_read.h"
#include "core/inspect/journal_read.h"
#include "core/inspect/prio_read.h"
#include "core/ondisk/uuid_entry.h"

namespace bucketscope::inspect {

using ondisk::ParseError;
using ondisk::Result;

namespace {

} // namespace

Result<ondisk::CacheSuperblock> read_cache_superblock(Device& dev, Profile profile) {
    auto raw = read_structure(dev, "superblock", ondisk::SB_OFFSET, ondisk::SB_SIZE);
    if (!raw)
        return raw.error();
    ondisk::SuperblockLimits lim;
    lim.device_bytes = dev.size_bytes();
    lim.logical_block_bytes = dev.logical_block_size();
    if (profile == Profile::v4_6)
        lim.max_version = ondisk::BCACHE_SB_VERSION_BDEV_WITH_OFFSET;
    auto sb = ondisk::decode_superblock(raw.value(), lim);
    if (sb && sb.value().is_backing())
        return ParseError{"superblock", ondisk::SB_OFFSET + 16,
                          "version " + std::to_string(sb.value().version) +
                              " is a backing device; inspect needs a cache device"};
    return sb;
}

namespace {

std::optional<ParseError> read_uuids(Device& dev, const ondisk::CacheSuperblock& sb,
                                     const BucketTable& table, const JournalEntry& newest,
                                     Profile profile, InspectReport& r) {
    const ondisk::Bkey& k = newest.jset.uuid_bucket;
    if (table.btree_ptr_invalid(k) || !table.ptr_available(k.ptrs[0]))
        return ParseError{"jset", newest.device_offset + 40,
                          "bad uuid pointer: expected one pointer to a bucket of this cache"};
    r.uuid_bucket = table.bucket_of(k.ptrs[0].offset);
    const uint64_t offset = k.ptrs[0].offset * 512;
    auto raw = read_structure(dev, "uuid_entry", offset, prio_buffer_bytes(sb, profile));
    if (!raw)
        return raw.error();
    auto uuids = ondisk::decode_uuid_bucket(raw.value(), newest.jset.version < 1, offset);
    if (!uuids)
        return uuids.error();
    for (const auto& u : uuids.value()) {
        r.totals.uuids_in_use += u.in_use();
        r.totals.flash_volumes += u.in_use() && u.flash_only();
    }
    return std::nullopt;
}

std::optional<ParseError> register_cache(Device& dev, const InspectOptions& opt, InspectReport& r) {
    const ondisk::CacheSuperblock& sb = r.sb;
    BucketTable table(sb, opt.profile);
    auto journal = read_journal(dev, sb, opt.progress);
    if (!journal)
        return journal.error();
    const JournalEntry& newest = journal.value().newest();
    r.totals.journal_entries = journal.value().entries_found;
    r.totals.journal_seq = newest.jset.seq;
    r.totals.journal_replay = journal.value().replay.size();

    auto chain = read_prios(dev, sb, newest.jset.prio_bucket[sb.nr_this_dev], opt.profile,
                            table.buckets(), opt.progress);
    if (!chain)
        return chain.error();
    r.prio_chain = chain.value().buckets;
    for (const ParseError& w : chain.value().warnings)
        r.warnings.push_back(w.to_string());
    r.totals.prio_buckets = r.prio_chain.size();
    r.totals.prio_seq = chain.value().seq;

    if (auto e = read_uuids(dev, sb, table, newest, opt.profile, r))
        return e;
    ondisk::ExtentSet leaves;
    BtreeWalkOptions walk;
    walk.progress = opt.progress;
    auto btree = check_btree(dev, sb, table, newest.jset.btree_root, newest.jset.btree_level,
                             newest.device_offset, leaves, walk);
    if (!btree)
        return btree.error();
    r.totals.btree = btree.value();

    // Journal replay on top of the btree: the kernel marks journalled keys before it
    // replays them, but what GC then counts (and what debugfs lists) is the tree after
    // replay, where a journalled key has overwritten what it replaced.
    for (const JournalEntry& e : journal.value().replay)
        for (const ondisk::Bkey& k : e.jset.keys) {
            if (!table.extent_invalid(k))
                table.pin(k);
            leaves.insert(k);
        }
    if (!report_progress(opt.progress, "extents", 0, leaves.size()))
        return ParseError{"bkey", 0, kCancelledMessage};
    r.totals.extents = mark_extents(table, leaves);

    for (unsigned i = 0; i < newest.jset.uuid_bucket.nptrs; ++i)
        table.mark_metadata(table.bucket_of(newest.jset.uuid_bucket.ptrs[i].offset));
    for (size_t i = 0; i < sb.keys; ++i)
        table.mark_metadata(sb.d[i]);
    for (uint64_t b : r.prio_chain)
        table.mark_metadata(b);

    if (opt.seed_reserves) {
        const bool v6 = opt.profile == Profile::v6_2;
        const size_t prio_cap = v6 ? r.prio_chain.size() : init_fifo_capacity(r.prio_chain.size());
        const size_t btree_cap = init_fifo_capacity(v6 && sb.keys ? sb.keys : 8);
        table.seed_reserves(prio_cap + btree_cap);
    }
    r.buckets = std::move(table.buckets());
    return std::nullopt;
}

} // namespace

Result<InspectReport> inspect_cache(Device& dev, const InspectOptions& opt) {
    auto sb = read_cache_superblock(dev, opt.profile);
    if (!sb)
        return sb.error();
    InspectReport r;
    r.sb = sb.value();
    if (!r.sb.cache_sync()) {
        r.never_registered = true;
        r.buckets.assign(r.sb.nbuckets, BucketState{});
    } else if (auto e = register_cache(dev, opt, r)) {
        return *e;
    }
    const uint64_t bucket_sectors = r.sb.bucket_sectors();
    r.stats = priority_stats(r.buckets, r.sb.first_bucket, bucket_sectors, opt.profile);
    InspectTotals& t = r.totals;
    t.nbuckets = r.sb.nbuckets;
    t.bucket_sectors = bucket_sectors;
    for (uint64_t i = 0; i < r.buckets.size(); ++i) {
        const BucketState& b = r.buckets[i];
        t.stale_ptrs += b.stale_ptrs;
        if (i < r.sb.first_bucket)
            continue;
        ++t.marks[static_cast<unsigned>(b.mark)];
        t.empty_buckets += b.sectors_used == 0;
        t.sectors_used += b.sectors_used;
    }
    return r;
}

} // namespace bucketscope::inspect
