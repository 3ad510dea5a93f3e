// `bucketscope-cli format TARGET`: writes a cache superblock exactly as `make-bcache -C`
// does (see core/device/cache_format.h), after the safety probe has looked at TARGET.
//
// Every option is parsed before anything is probed or touched; core/device/format_target.h
// then probes, plans, creates and writes in that order. A missing TARGET is created as an
// image file of --size bytes; an existing one is never resized. A bcache
// superblock already on the target is replaced without --force (that is what format is
// for) but said so, as are the buckets that do not fit and kernels that would refuse
// the geometry. On success it prints the same summary make-bcache prints.

#include "app/cli/commands.h"
#include "core/device/format_target.h"
#include "core/device/size_parse.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace bucketscope::cli {

namespace {

struct FormatArgs {
    std::string target;
    std::string size;
    std::string bucket_size;
    std::string block_size;
    std::string policy = "lru";
    bool discard = false;
    bool force = false;
    std::string label;
    std::string uuid;
    std::string set_uuid;
};

[[noreturn]] void fail(const std::string& msg) {
    std::cerr << "format: " << msg << "\n";
    throw CLI::RuntimeError(1);
}

uint64_t size_arg(const std::string& option, const std::string& text) {
    uint64_t bytes = 0;
    if (auto s = parse_size(text, bytes); !s)
        fail(option + ": " + s.message);
    return bytes;
}

ondisk::Uuid uuid_arg(const std::string& option, const std::string& text) {
    auto u = ondisk::uuid_from_string(text);
    if (!u)
        fail(option + ": \"" + text + "\" is not a UUID (expected 32 hex digits, dashes allowed)");
    return *u;
}

FormatOptions options_from(const FormatArgs& a) {
    FormatOptions o;
    if (!a.size.empty())
        o.size_bytes = size_arg("--size", a.size);
    if (!a.bucket_size.empty())
        o.bucket_bytes = size_arg("--bucket-size", a.bucket_size);
    if (a.policy == "lru")
        o.policy = ondisk::CacheReplacement::lru;
    else if (a.policy == "fifo")
        o.policy = ondisk::CacheReplacement::fifo;
    else if (a.policy == "random")
        o.policy = ondisk::CacheReplacement::random;
    else
        fail("--policy: \"" + a.policy + "\" is not one of lru, fifo, random");
    o.discard = a.discard;
    o.label = a.label;
    if (!a.uuid.empty())
        o.uuid = uuid_arg("--uuid", a.uuid);
    if (!a.set_uuid.empty())
        o.set_uuid = uuid_arg("--set-uuid", a.set_uuid);
    return o;
}

// Says everything the probe found: why it refused, or what --force overrode.
void report_safety(const FormatOutcome& out, const std::string& target) {
    const auto blockers = out.safety.blockers();
    if (out.refused) {
        std::cerr << "format: refusing to format " << target << ":\n";
        for (const auto& b : blockers)
            std::cerr << "  " << b << "\n";
        std::cerr << "format: nothing was written; use --force to format it anyway\n";
        throw CLI::RuntimeError(1);
    }
    for (const auto& b : blockers)
        std::cerr << "format: warning (--force): " << b << "\n";
    for (const auto& n : out.safety.notes())
        std::cerr << "format: note: " << n << "\n";
}

void print_summary(const ondisk::CacheSuperblock& sb) {
    std::printf("UUID:\t\t\t%s\nSet UUID:\t\t%s\nversion:\t\t%u\nnbuckets:\t\t%llu\n"
                "block_size:\t\t%u\nbucket_size:\t\t%u\nnr_in_set:\t\t%u\nnr_this_dev:\t\t%u\n"
                "first_bucket:\t\t%u\n",
                ondisk::uuid_to_string(sb.uuid).c_str(),
                ondisk::uuid_to_string(sb.set_uuid).c_str(), static_cast<unsigned>(sb.version),
                static_cast<unsigned long long>(sb.nbuckets), sb.block_size, sb.bucket_size,
                sb.nr_in_set, sb.nr_this_dev, sb.first_bucket);
}

void run_format(const FormatArgs& a) {
    FormatRequest req;
    req.target = a.target;
    req.options = options_from(a);
    req.force = a.force;
    if (!a.block_size.empty())
        req.block_bytes = size_arg("--block-size", a.block_size);
    const bool exists = a.target.starts_with("ram:") || std::filesystem::exists(a.target);
    if (!exists && a.size.empty())
        fail(a.target + " does not exist; give --size to create an image file of that size");

    FormatOutcome out;
    const Status s = format_target(req, out);
    report_safety(out, a.target);
    for (const auto& w : out.plan.warnings)
        std::cerr << "format: warning: " << w << "\n";
    if (!s)
        fail(s.message);
    print_summary(out.plan.sb);
}

} // namespace

void register_format(CLI::App& app) {
    auto args = std::make_shared<FormatArgs>();
    auto* cmd = app.add_subcommand(
        "format", "Write a bcache cache-device superblock to TARGET, as make-bcache -C does");
    cmd->add_option("target", args->target, "Image file, block device or ram:SIZE")->required();
    cmd->add_option("--size", args->size,
                    "Bytes to format (K/M/G/T suffixes, s for sectors); creates TARGET if "
                    "missing. Default: the whole device");
    cmd->add_option("-b,--bucket-size", args->bucket_size,
                    "Bucket size in bytes (make-bcache -b; suffixes allowed). Default 512K");
    cmd->add_option("-w,--block-size", args->block_size,
                    "Block size in bytes (make-bcache -w). Default: the device's logical block "
                    "size, or st_blksize for an image file");
    cmd->add_option("--policy,--cache_replacement_policy", args->policy,
                    "Replacement policy: lru, fifo or random");
    cmd->add_flag("--discard", args->discard,
                  "Set CACHE_DISCARD (the kernel discards freed buckets)");
    cmd->add_flag("--force", args->force,
                  "Format even if TARGET is mounted, busy or carries another signature");
    cmd->add_option("--label", args->label, "Label (up to 32 bytes)");
    cmd->add_option("--uuid", args->uuid, "Device UUID (default: random)");
    cmd->add_option("--set-uuid,--cset-uuid", args->set_uuid, "Cache set UUID (default: random)");
    cmd->callback([args] { run_format(*args); });
}

} // namespace bucketscope::cli
