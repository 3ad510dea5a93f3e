// `super` and `inspect`: read-only views of a cache device. `super` prints the superblock
// field for field under the names bcache-super-show uses (so the two outputs diff
// cleanly); `inspect` prints what the kernel would report after registering the device,
// priority_stats verbatim. Both open the target O_RDONLY and never write.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cinttypes>
#include <cstdio>
#include <iostream>

#include "app/cli/commands.h"
#include "core/device/open_device.h"
#include "core/inspect/inspect.h"
#include "core/ondisk/superblock.h"

namespace bucketscope::cli {
namespace {

using ondisk::CacheSuperblock;
using json = nlohmann::json;

[[noreturn]] void fail(const std::string& msg, int status = 1) {
    std::cerr << "bucketscope-cli: " << msg << "\n";
    throw CLI::RuntimeError(status);
}

// super and inspect open their target O_RDONLY: the operating system, not only this
// program, guarantees that they write nothing.
std::unique_ptr<Device> open_target(const std::string& target) {
    auto opened = open_device(target, OpenMode::read_only);
    if (!opened)
        fail(opened.status.message);
    return std::move(opened.device);
}

std::string hex_upper(uint64_t v) {
    char s[24];
    std::snprintf(s, sizeof s, "%" PRIX64, v);
    return s;
}

std::string label_text(const CacheSuperblock& sb) {
    std::string l;
    for (uint8_t c : sb.label) {
        if (!c)
            break;
        l += static_cast<char>(c);
    }
    return l;
}

const char* version_text(const CacheSuperblock& sb) {
    switch (sb.version) {
    case ondisk::BCACHE_SB_VERSION_CDEV:
    case ondisk::BCACHE_SB_VERSION_CDEV_WITH_UUID:
    case ondisk::BCACHE_SB_VERSION_CDEV_WITH_FEATURES:
        return "cache device";
    case ondisk::BCACHE_SB_VERSION_BDEV:
    case ondisk::BCACHE_SB_VERSION_BDEV_WITH_OFFSET:
    case ondisk::BCACHE_SB_VERSION_BDEV_WITH_FEATURES:
        return "backing device";
    default:
        return "unknown";
    }
}

const char* cache_mode_text(unsigned m) {
    static const char* names[] = {"writethrough", "writeback", "writearound", "none"};
    return m < 4 ? names[m] : "unknown";
}

const char* bdev_state_text(unsigned s) {
    static const char* names[] = {"detached", "clean", "dirty", "inconsistent"};
    return s < 4 ? names[s] : "unknown";
}

// The fields bcache-super-show prints, in its order, plus the raw ones it leaves out.
json super_json(const CacheSuperblock& sb, uint64_t expected_csum) {
    json j;
    j["sb.magic"] = "ok";
    j["sb.first_sector"] = sb.offset;
    j["sb.csum"] = hex_upper(sb.csum);
    j["sb.csum_match"] = sb.csum == expected_csum;
    j["sb.version"] = sb.version;
    j["sb.version_name"] = version_text(sb);
    j["dev.label"] = label_text(sb);
    j["dev.uuid"] = ondisk::uuid_to_string(sb.uuid);
    j["dev.sectors_per_block"] = sb.block_size;
    j["dev.sectors_per_bucket"] = sb.bucket_sectors();
    if (sb.is_backing()) {
        j["dev.data.first_sector"] = sb.data_offset();
        j["dev.data.cache_mode"] = sb.bdev_cache_mode();
        j["dev.data.cache_mode_name"] = cache_mode_text(sb.bdev_cache_mode());
        j["dev.data.cache_state"] = sb.bdev_state();
        j["dev.data.cache_state_name"] = bdev_state_text(sb.bdev_state());
    } else {
        j["dev.cache.first_sector"] = sb.bucket_sectors() * sb.first_bucket;
        j["dev.cache.cache_sectors"] = sb.bucket_sectors() * (sb.nbuckets - sb.first_bucket);
        j["dev.cache.total_sectors"] = sb.bucket_sectors() * sb.nbuckets;
        j["dev.cache.ordered"] = sb.cache_sync() ? "yes" : "no";
        j["dev.cache.discard"] = sb.cache_discard() ? "yes" : "no";
        j["dev.cache.pos"] = sb.nr_this_dev;
        j["dev.cache.replacement"] = sb.cache_replacement();
        j["dev.cache.replacement_name"] = ondisk::replacement_name(sb.cache_replacement());
    }
    j["cset.uuid"] = ondisk::uuid_to_string(sb.set_uuid);
    j["nbuckets"] = sb.nbuckets;
    j["block_size"] = sb.block_size;
    j["bucket_size"] = sb.bucket_sectors();
    j["first_bucket"] = sb.first_bucket;
    j["nr_in_set"] = sb.nr_in_set;
    j["nr_this_dev"] = sb.nr_this_dev;
    j["njournal_buckets"] = sb.keys;
    j["journal_buckets"] = std::vector<uint64_t>(sb.d.begin(), sb.d.begin() + sb.keys);
    j["flags"] = sb.flags;
    j["seq"] = sb.seq;
    j["last_mount"] = sb.last_mount;
    j["feature_compat"] = sb.feature_compat;
    j["feature_incompat"] = sb.feature_incompat;
    j["feature_ro_compat"] = sb.feature_ro_compat;
    return j;
}

void print_super_text(const CacheSuperblock& sb, uint64_t expected_csum) {
    std::printf("sb.magic\t\tok\n");
    std::printf("sb.first_sector\t\t%" PRIu64 " [match]\n", sb.offset);
    if (sb.csum == expected_csum)
        std::printf("sb.csum\t\t\t%s [match]\n", hex_upper(sb.csum).c_str());
    else
        std::printf("sb.csum\t\t\t%s [expected %s]\n", hex_upper(sb.csum).c_str(),
                    hex_upper(expected_csum).c_str());
    std::printf("sb.version\t\t%" PRIu64 " [%s]\n\n", sb.version, version_text(sb));
    const std::string label = label_text(sb);
    std::printf("dev.label\t\t%s\n", label.empty() ? "(empty)" : label.c_str());
    std::printf("dev.uuid\t\t%s\n", ondisk::uuid_to_string(sb.uuid).c_str());
    std::printf("dev.sectors_per_block\t%u\n", sb.block_size);
    std::printf("dev.sectors_per_bucket\t%" PRIu64 "\n", sb.bucket_sectors());
    if (sb.is_backing()) {
        std::printf("dev.data.first_sector\t%" PRIu64 "\n", sb.data_offset());
        std::printf("dev.data.cache_mode\t%u [%s]\n", sb.bdev_cache_mode(),
                    cache_mode_text(sb.bdev_cache_mode()));
        std::printf("dev.data.cache_state\t%u [%s]\n", sb.bdev_state(), bdev_state_text(sb.bdev_state()));
    } else {
        const uint64_t bs = sb.bucket_sectors();
        std::printf("dev.cache.first_sector\t%" PRIu64 "\n", bs * sb.first_bucket);
        std::printf("dev.cache.cache_sectors\t%" PRIu64 "\n", bs * (sb.nbuckets - sb.first_bucket));
        std::printf("dev.cache.total_sectors\t%" PRIu64 "\n", bs * sb.nbuckets);
        std::printf("dev.cache.ordered\t%s\n", sb.cache_sync() ? "yes" : "no");
        std::printf("dev.cache.discard\t%s\n", sb.cache_discard() ? "yes" : "no");
        std::printf("dev.cache.pos\t\t%u\n", sb.nr_this_dev);
        std::printf("dev.cache.replacement\t%u", sb.cache_replacement());
        if (sb.cache_replacement() <= 2)
            std::printf(" [%s]", ondisk::replacement_name(sb.cache_replacement()));
        std::printf("\n");
    }
    std::printf("\ncset.uuid\t\t%s\n", ondisk::uuid_to_string(sb.set_uuid).c_str());
}

void run_super(const std::string& target, bool as_json) {
    auto dev = open_target(target);
    std::vector<std::byte> raw(ondisk::SB_SIZE);
    if (dev->size_bytes() < ondisk::SB_OFFSET + ondisk::SB_SIZE)
        fail(target + ": " + std::to_string(dev->size_bytes()) +
             " bytes, too small to hold a bcache superblock at byte 4096");
    if (Status st = dev->read(ondisk::SB_OFFSET, raw); !st)
        fail(st.message);
    ondisk::SuperblockLimits lim;
    lim.device_bytes = dev->size_bytes();
    auto sb = ondisk::parse_superblock(raw);
    if (!sb)
        fail(target + ": " + sb.error().to_string());
    auto problem = ondisk::validate_superblock(sb.value(), raw, lim);
    // Offset and magic decide whether this is a bcache superblock at all; anything else
    // is shown and then reported, as bcache-super-show does with [expected ...].
    if (problem && (problem->offset == ondisk::SB_OFFSET + 8 || problem->offset == ondisk::SB_OFFSET + 24))
        fail(target + ": " + problem->to_string());
    const uint64_t expected = ondisk::superblock_csum(raw);
    if (as_json)
        std::cout << super_json(sb.value(), expected).dump(2) << "\n";
    else
        print_super_text(sb.value(), expected);
    if (problem)
        fail(target + ": " + problem->to_string());
}

json stats_json(const inspect::PriorityStats& s) {
    return json{{"unused", s.unused},
                {"clean", s.clean},
                {"dirty", s.dirty},
                {"metadata", s.metadata},
                {"average", s.average},
                {"sectors_per_q", s.sectors_per_q},
                {"quantiles", s.quantiles}};
}

json totals_json(const inspect::InspectReport& r) {
    const inspect::InspectTotals& t = r.totals;
    return json{{"state", r.never_registered ? "formatted, never registered" : "registered"},
                {"nbuckets", t.nbuckets},
                {"bucket_sectors", t.bucket_sectors},
                {"unused_buckets", t.marks[0]},
                {"reclaimable_buckets", t.marks[1]},
                {"dirty_buckets", t.marks[2]},
                {"metadata_buckets", t.marks[3]},
                {"empty_buckets", t.empty_buckets},
                {"sectors_used", t.sectors_used},
                {"stale_pointers", t.stale_ptrs},
                {"journal_entries", t.journal_entries},
                {"journal_seq", t.journal_seq},
                {"journal_replay_entries", t.journal_replay},
                {"prio_buckets", r.prio_chain},
                {"prio_seq", t.prio_seq},
                {"uuid_bucket", r.uuid_bucket},
                {"uuids_in_use", t.uuids_in_use},
                {"flash_volumes", t.flash_volumes},
                {"btree_nodes", t.btree.nodes},
                {"btree_leaf_nodes", t.btree.leaf_nodes},
                {"btree_root_level", t.btree.root_level},
                {"btree_bsets", t.btree.bsets},
                {"extents", t.extents.extents},
                {"dirty_extents", t.extents.dirty_extents},
                {"live_sectors", t.extents.live_sectors},
                {"dirty_sectors", t.extents.dirty_sectors}};
}

void print_inspect_text(const std::string& target, const inspect::InspectReport& r, bool buckets) {
    const CacheSuperblock& sb = r.sb;
    const inspect::InspectTotals& t = r.totals;
    std::printf("device\t\t%s\n", target.c_str());
    std::printf("cset.uuid\t%s\n", ondisk::uuid_to_string(sb.set_uuid).c_str());
    std::printf("nbuckets\t%" PRIu64 " x %" PRIu64 " sectors, block %u sectors, first_bucket %u\n",
                sb.nbuckets, sb.bucket_sectors(), sb.block_size, sb.first_bucket);
    std::printf("replacement\t%s, discard %s\n", ondisk::replacement_name(sb.cache_replacement()),
                sb.cache_discard() ? "on" : "off");
    if (r.never_registered) {
        std::printf("state\t\tformatted, never registered (CACHE_SYNC clear): no journal, prios "
                    "or btree; every bucket is unused\n");
    } else {
        std::printf("state\t\tregistered (CACHE_SYNC set)\n");
        std::printf("journal\t\t%u buckets, %" PRIu64 " valid entries, newest seq %" PRIu64
                    ", %" PRIu64 " to replay\n",
                    sb.keys, t.journal_entries, t.journal_seq, t.journal_replay);
        std::printf("prios\t\t%zu prio buckets, seq %" PRIu64 "\n", r.prio_chain.size(), t.prio_seq);
        std::printf("btree\t\troot level %u, %" PRIu64 " nodes (%" PRIu64 " leaves), %" PRIu64
                    " extents (%" PRIu64 " dirty)\n",
                    t.btree.root_level, t.btree.nodes, t.btree.leaf_nodes, t.extents.extents,
                    t.extents.dirty_extents);
        std::printf("uuids\t\t%" PRIu64 " in use (%" PRIu64 " flash-only) in bucket %" PRIu64 "\n",
                    t.uuids_in_use, t.flash_volumes, r.uuid_bucket);
    }
    std::printf("\npriority_stats\n%s", inspect::format_priority_stats(r.stats).c_str());
    std::printf("\ntotals (buckets from first_bucket)\n");
    std::printf("unused\t\t%" PRIu64 "\nreclaimable\t%" PRIu64 "\ndirty\t\t%" PRIu64
                "\nmetadata\t%" PRIu64 "\nempty\t\t%" PRIu64 "\nsectors used\t%" PRIu64
                "\nstale pointers\t%" PRIu64 "\n",
                t.marks[0], t.marks[1], t.marks[2], t.marks[3], t.empty_buckets, t.sectors_used,
                t.stale_ptrs);
    if (!buckets)
        return;
    std::printf("\nbucket\tgen\tprio\tmark\tsectors_used\n");
    for (size_t i = 0; i < r.buckets.size(); ++i) {
        const inspect::BucketState& b = r.buckets[i];
        std::printf("%zu\t%u\t%u\t%s\t%u\n", i, b.gen, b.prio, inspect::mark_name(b.mark), b.sectors_used);
    }
}

void run_inspect(const std::string& target, bool as_json, bool buckets, const std::string& profile) {
    inspect::InspectOptions opt;
    if (profile == "v4.6")
        opt.profile = inspect::Profile::v4_6;
    else if (profile != "v6.2")
        fail("--profile " + profile + ": expected v6.2 or v4.6");
    auto dev = open_target(target);
    auto r = inspect::inspect_cache(*dev, opt);
    if (!r)
        fail(target + ": " + r.error().to_string());
    const inspect::InspectReport& rep = r.value();
    for (const std::string& w : rep.warnings)
        std::cerr << "bucketscope-cli: warning: " << target << ": " << w << "\n";
    if (!as_json) {
        print_inspect_text(target, rep, buckets);
        return;
    }
    json j;
    j["superblock"] = super_json(rep.sb, rep.sb.csum);
    j["priority_stats"] = stats_json(rep.stats);
    j["totals"] = totals_json(rep);
    j["warnings"] = rep.warnings;
    if (buckets) {
        json list = json::array();
        for (size_t i = 0; i < rep.buckets.size(); ++i) {
            const inspect::BucketState& b = rep.buckets[i];
            list.push_back({{"bucket", i},
                            {"gen", b.gen},
                            {"prio", b.prio},
                            {"mark", inspect::mark_name(b.mark)},
                            {"sectors_used", b.sectors_used}});
        }
        j["buckets"] = std::move(list);
    }
    std::cout << j.dump(1) << "\n";
}

} // namespace

void register_ondisk_commands(CLI::App& app) {
    {
        auto* cmd = app.add_subcommand("super", "Show a bcache superblock as bcache-super-show does");
        static std::string target;
        static bool as_json = false;
        cmd->add_option("TARGET", target, "image file or block device")->required();
        cmd->add_flag("--json", as_json, "print JSON");
        cmd->callback([] { run_super(target, as_json); });
    }
    {
        auto* cmd = app.add_subcommand(
            "inspect", "Read a kernel-written cache device (read-only) and show what the kernel "
                       "would report after registering it");
        static std::string target;
        static bool as_json = false;
        static bool buckets = false;
        static std::string profile = "v6.2";
        cmd->add_option("TARGET", target, "image file or block device")->required();
        cmd->add_flag("--json", as_json, "print JSON");
        cmd->add_flag("--buckets", buckets, "list every bucket");
        cmd->add_option("--profile", profile, "kernel whose view to compute: v6.2 or v4.6")
            ->check(CLI::IsMember({"v6.2", "v4.6"}));
        cmd->callback([] { run_inspect(target, as_json, buckets, profile); });
    }
}

} // namespace bucketscope::cli
