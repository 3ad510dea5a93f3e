// The cache checker; see fsck.h. The reading half is inspect's (register_cache's order);
// this file adds the cross-checks between the structures and the data.

#include "core/inspect/fsck.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "core/inspect/btree_check.h"
#include "core/inspect/device_read.h"
#include "core/inspect/inspect.h"
#include "core/inspect/journal_read.h"
#include "core/inspect/prio_read.h"
#include "core/ondisk/data_sector.h"
#include "core/ondisk/extents.h"
#include "core/ondisk/uuid_entry.h"

namespace bucketscope::inspect {

using ondisk::Bkey;

namespace {

std::string key_text(const Bkey& k) {
    return std::to_string(k.inode) + ":" + std::to_string(k.start()) + "-" +
           std::to_string(k.offset);
}

class Checker {
  public:
    Checker(Device& dev, const CheckOptions& opt, CheckReport& r) : dev_(dev), opt_(opt), r_(r) {}
    void run();

  private:
    void problem(std::string what) {
        if (r_.problems.size() < opt_.max_listed)
            r_.problems.push_back(std::move(what));
        else
            ++r_.problems_not_listed;
    }
    bool read_uuids(const JournalEntry& newest);
    void check_leaf_ranges(const std::vector<BtreeNodeInfo>& nodes);
    void check_overlaps(std::vector<Bkey> keys, const char* what);
    void check_data(const Bkey& k, const BucketTable& table);
    void check_acks();

    Device& dev_;
    const CheckOptions& opt_;
    CheckReport& r_;
    std::set<uint64_t> engine_inodes_;
    // (inode, sector) -> write id found there, for the ack check.
    std::unordered_map<uint64_t, std::unordered_map<uint64_t, uint64_t>> found_;
};

void Checker::run() {
    auto sb = read_cache_superblock(dev_, opt_.profile);
    if (!sb) {
        problem(sb.error().to_string());
        return;
    }
    r_.sb = sb.value();
    if (!r_.sb.cache_sync()) {
        r_.never_registered = true;
        r_.notes.push_back("CACHE_SYNC clear: formatted, never registered; nothing to check");
        return;
    }
    auto journal = read_journal(dev_, r_.sb);
    if (!journal) {
        problem(journal.error().to_string());
        return;
    }
    const JournalEntry& newest = journal.value().newest();
    r_.stats.journal_entries = journal.value().entries_found;
    r_.stats.journal_replay = journal.value().replay.size();

    BucketTable table(r_.sb, opt_.profile);
    auto chain = read_prios(dev_, r_.sb, newest.jset.prio_bucket[r_.sb.nr_this_dev],
                            opt_.profile, table.buckets());
    if (!chain) {
        problem("the prio set journal entry " + std::to_string(newest.jset.seq) +
                " names: " + chain.error().to_string());
        return;
    }
    r_.stats.prio_buckets = chain.value().buckets.size();
    if (!read_uuids(newest))
        return;

    std::vector<BtreeNodeInfo> nodes;
    BtreeWalkOptions walk;
    walk.tolerate_torn_tail = true;
    walk.visit = [&](const BtreeNodeInfo& n) { nodes.push_back(n); };
    ondisk::ExtentSet leaves;
    auto btree = check_btree(dev_, r_.sb, table, newest.jset.btree_root, newest.jset.btree_level,
                             newest.device_offset, leaves, walk);
    if (!btree) {
        problem(btree.error().to_string());
        return;
    }
    r_.stats.btree_nodes = btree.value().nodes;
    std::vector<Bkey> tree_keys;
    for (const BtreeNodeInfo& n : nodes) {
        if (n.torn_tail)
            r_.notes.push_back("btree node at sector " + std::to_string(n.key.ptrs[0].offset) +
                               ": a torn last bset is ignored (a crash during an append; its "
                               "keys are in the journal)");
        if (n.level == 0)
            for (const Bkey& k : n.keys)
                if (k.nptrs)
                    tree_keys.push_back(k);
    }
    check_leaf_ranges(nodes);
    check_overlaps(tree_keys, "btree keys");

    for (const JournalEntry& e : journal.value().replay)
        for (const Bkey& k : e.jset.keys) {
            if (!table.extent_invalid(k))
                table.pin(k);
            leaves.insert(k);
        }
    mark_extents(table, leaves);

    std::vector<std::pair<uint64_t, uint64_t>> physical; // live [start, end) cache sectors
    for (const Bkey& k : leaves.keys()) {
        if (!k.nptrs)
            continue;
        ++r_.stats.extents;
        if (table.extent_invalid(k)) {
            problem("extent " + key_text(k) + ": invalid (size or pointer outside its bucket)");
            continue;
        }
        bool live = true;
        for (unsigned i = 0; i < k.nptrs; ++i) {
            const ondisk::BkeyPtr& p = k.ptrs[i];
            if (!table.ptr_available(p)) {
                live = false;
                continue;
            }
            const BucketState& b = table.buckets()[table.bucket_of(p.offset)];
            const uint8_t behind = static_cast<uint8_t>(b.gen - p.gen);
            if (behind > BUCKET_GC_GEN_MAX && behind <= 128)
                problem("extent " + key_text(k) + ": pointer gen " + std::to_string(p.gen) +
                        " is " + std::to_string(behind) + " gens behind bucket " +
                        std::to_string(table.bucket_of(p.offset)) + " (at most " +
                        std::to_string(BUCKET_GC_GEN_MAX) + ")");
            if (table.ptr_stale(p))
                live = false;
        }
        if (!live) {
            ++r_.stats.stale_extents;
            continue;
        }
        ++r_.stats.live_extents;
        for (unsigned i = 0; i < k.nptrs; ++i)
            if (table.ptr_available(k.ptrs[i]))
                physical.emplace_back(k.ptrs[i].offset, k.ptrs[i].offset + k.size);
        check_data(k, table);
    }
    std::sort(physical.begin(), physical.end());
    for (size_t i = 1; i < physical.size(); ++i)
        if (physical[i].first < physical[i - 1].second)
            problem("two live extents share cache sectors " + std::to_string(physical[i].first) +
                    "-" + std::to_string(std::min(physical[i].second, physical[i - 1].second)));
    if (opt_.acks)
        check_acks();
}

bool Checker::read_uuids(const JournalEntry& newest) {
    const Bkey& k = newest.jset.uuid_bucket;
    if (k.nptrs == 0 || k.ptrs[0].offset == 0) {
        problem("journal entry " + std::to_string(newest.jset.seq) + ": no uuid bucket");
        return false;
    }
    const uint64_t offset = k.ptrs[0].offset * 512;
    auto raw = read_structure(dev_, "uuid_entry", offset, prio_buffer_bytes(r_.sb, opt_.profile));
    if (!raw) {
        problem(raw.error().to_string());
        return false;
    }
    auto uuids = ondisk::decode_uuid_bucket(raw.value(), newest.jset.version < 1, offset);
    if (!uuids) {
        problem(uuids.error().to_string());
        return false;
    }
    const std::string prefix = ondisk::ENGINE_VOLUME_LABEL;
    for (size_t i = 0; i < uuids.value().size(); ++i) {
        const ondisk::UuidEntry& u = uuids.value()[i];
        const std::string label(reinterpret_cast<const char*>(u.label.data()),
                                std::find(u.label.begin(), u.label.end(), 0) - u.label.begin());
        if (u.in_use() && label.rfind(prefix, 0) == 0)
            engine_inodes_.insert(i);
    }
    return true;
}

void Checker::check_leaf_ranges(const std::vector<BtreeNodeInfo>& nodes) {
    // A node's range is (the key of the sibling before it, its own key].
    std::vector<ondisk::Bkey> low(nodes.size());
    std::map<uint64_t, ondisk::Bkey> last_child; // parent index -> key of the latest child
    for (size_t i = 0; i < nodes.size(); ++i) {
        const BtreeNodeInfo& n = nodes[i];
        if (n.parent != UINT64_MAX) {
            auto it = last_child.find(n.parent);
            low[i] = it != last_child.end() ? it->second : low[n.parent];
            last_child[n.parent] = n.key;
        }
        if (n.level != 0)
            continue;
        for (const Bkey& k : n.keys) {
            if (!k.nptrs || !k.size)
                continue;
            const Bkey& lo = low[i];
            const bool before = k.inode < lo.inode || (k.inode == lo.inode && k.start() < lo.offset);
            if (before || ondisk::bkey_cmp(k, n.key) > 0)
                problem("btree leaf at sector " + std::to_string(n.key.ptrs[0].offset) +
                        ": extent " + key_text(k) + " is outside the leaf's range " +
                        std::to_string(lo.inode) + ":" + std::to_string(lo.offset) + " - " +
                        std::to_string(n.key.inode) + ":" + std::to_string(n.key.offset));
        }
    }
}

void Checker::check_overlaps(std::vector<Bkey> keys, const char* what) {
    std::sort(keys.begin(), keys.end(), [](const Bkey& a, const Bkey& b) {
        return a.inode != b.inode ? a.inode < b.inode : a.start() < b.start();
    });
    for (size_t i = 1; i < keys.size(); ++i)
        if (keys[i].inode == keys[i - 1].inode && keys[i].start() < keys[i - 1].offset)
            problem(std::string(what) + " " + key_text(keys[i - 1]) + " and " + key_text(keys[i]) +
                    " map the same volume sectors");
}

void Checker::check_data(const Bkey& k, const BucketTable& table) {
    const ondisk::BkeyPtr& p = k.ptrs[0];
    if (!table.ptr_available(p))
        return;
    auto raw = read_structure(dev_, "data", p.offset * 512, uint64_t{k.size} * 512);
    if (!raw) {
        problem("extent " + key_text(k) + ": " + raw.error().to_string());
        return;
    }
    const bool ours = engine_inodes_.count(k.inode) != 0;
    const std::span<const std::byte> data(raw.value());
    uint64_t bad = 0;
    std::string first;
    for (uint32_t i = 0; i < k.size; ++i) {
        ondisk::DataSectorHeader h;
        const auto st = ondisk::decode_data_sector(
            data.subspan(size_t{i} * ondisk::DATA_SECTOR_BYTES, ondisk::DATA_SECTOR_BYTES),
            r_.sb.set_magic(), h);
        if (st == ondisk::DataSectorStatus::foreign && !ours) {
            ++r_.stats.unverified_sectors;
            continue;
        }
        const uint64_t want = k.start() + i;
        if (st == ondisk::DataSectorStatus::ok && h.inode == k.inode && h.sector == want) {
            ++r_.stats.verified_sectors;
            found_[k.inode][want] = h.write_id;
            continue;
        }
        if (!bad++)
            first = "sector " + std::to_string(want) + " at cache sector " +
                    std::to_string(p.offset + i) + ": " +
                    (st != ondisk::DataSectorStatus::ok
                         ? std::string(ondisk::to_string(st))
                         : "holds volume " + std::to_string(h.inode) + " sector " +
                               std::to_string(h.sector) + " (write " +
                               std::to_string(h.write_id) + ")");
    }
    if (bad)
        problem("extent " + key_text(k) + " (live, gen " + std::to_string(p.gen) + "): " +
                std::to_string(bad) + " of " + std::to_string(k.size) +
                " sectors do not hold its data; first: " + first);
}

void Checker::check_acks() {
    // The last acknowledged write of each sector (acks come in insertion order), and what
    // each write had acknowledged.
    std::unordered_map<uint64_t, std::unordered_map<uint64_t, const AckRecord*>> last;
    std::unordered_map<uint64_t, std::vector<const AckRecord*>> by_write;
    for (const AckRecord& a : *opt_.acks) {
        by_write[a.write_id].push_back(&a);
        for (uint64_t s = a.start; s < a.start + a.sectors; ++s)
            last[a.inode][s] = &a;
    }
    auto acked = [&](uint64_t write_id, uint64_t inode, uint64_t sector) {
        const auto w = by_write.find(write_id);
        if (w == by_write.end())
            return false;
        return std::any_of(w->second.begin(), w->second.end(), [&](const AckRecord* a) {
            return a->inode == inode && a->start <= sector && sector < a->start + a->sectors;
        });
    };
    std::set<const AckRecord*> reported;
    for (const auto& [inode, sectors] : last)
        for (const auto& [sector, a] : sectors) {
            ++r_.stats.acks;
            uint64_t holder = 0;
            bool present = false;
            if (const auto vol = found_.find(inode); vol != found_.end())
                if (const auto it = vol->second.find(sector); it != vol->second.end()) {
                    holder = it->second;
                    present = true;
                }
            std::string what;
            if (!present) {
                if (!a->dirty) {
                    ++r_.stats.acks_evicted; // clean data may be evicted
                    continue;
                }
                what = "sector " + std::to_string(sector) + " is not in the cache";
            } else if (holder == a->write_id || !acked(holder, inode, sector)) {
                continue; // that write, or a later one still in flight when the cache stopped
            } else {
                what = "sector " + std::to_string(sector) + " holds the older write " +
                       std::to_string(holder);
            }
            if (reported.insert(a).second)
                problem(std::string("acknowledged ") + (a->dirty ? "dirty " : "") + "write " +
                        std::to_string(a->write_id) + " (volume " + std::to_string(inode) +
                        " sectors " + std::to_string(a->start) + "-" +
                        std::to_string(a->start + a->sectors) + ", journal seq " +
                        std::to_string(a->journal_seq) + ") is lost: " + what);
        }
}

} // namespace

CheckReport check_cache(Device& dev, const CheckOptions& options) {
    CheckReport r;
    Checker(dev, options, r).run();
    return r;
}

} // namespace bucketscope::inspect
