// `bucketscope-cli victims`: which buckets one invalidate pass would take, in order.
//
// Loads a bucket state CSV (core/alloc/state_csv.h), builds a cache around it with the
// kernel's queue sizes for that many buckets, runs exactly one invalidate_buckets() pass
// with the chosen policy and prints the buckets it pushed to free_inc, one per line. This
// is the allocator's decision in isolation, so it can be compared line for line with the
// kernel's procedure on hand-made states.
//
// Sizes: free_inc and the LRU heap come from cache_alloc() for nbuckets; --count caps
// free_inc. The kernel refuses caches of 512 buckets or fewer, so for those the smallest
// sizes it ever runs with (free 1: free_inc 4, heap 8) are used, with a note on stderr.
// GC marks are taken as valid. min_prio defaults to what a rescale pass would leave with
// these prios (without changing them); the FIFO cursor defaults to first_bucket.
//
// Exit status: 1 when the state file is missing or corrupt, 2 for bad options.
#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdio>
#include <iostream>

#include "app/cli/commands.h"
#include "core/alloc/alloc.h"
#include "core/alloc/state_csv.h"

namespace bucketscope::cli {

namespace {

constexpr uint32_t kNominalBucketSize = 1024; // the pass does not depend on it

struct VictimsArgs {
    std::string state;
    std::string policy;
    std::string profile = "v6.2";
    std::string seed, count, first_bucket, min_prio, fifo_cursor;
};

[[noreturn]] void fail(int status, const std::string& msg) {
    std::cerr << "victims: " << msg << "\n";
    throw CLI::RuntimeError(status);
}

// An optional unsigned option: the default when absent, exit 2 when malformed.
uint64_t number_option(const char* name, const std::string& text, uint64_t def, uint64_t max) {
    if (text.empty())
        return def;
    uint64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v > max)
        fail(2, std::string(name) + ": expected an integer from 0 to " + std::to_string(max) +
                    ", got '" + text + "'");
    return v;
}

// What bch_rescale_priorities leaves in min_prio, minus the decrement: the smallest prio
// among the buckets a rescale ages.
uint16_t rescale_min_prio(const std::vector<Bucket>& buckets, uint64_t first_bucket) {
    uint16_t m = 0xffff;
    for (uint64_t i = first_bucket; i < buckets.size(); ++i) {
        const Bucket& b = buckets[i];
        if (b.prio != 0 && b.prio != BTREE_PRIO && b.pin == 0 && b.prio < m)
            m = b.prio;
    }
    return m;
}

void run_victims(const VictimsArgs& a) {
    if (a.state.empty())
        fail(2, "--state FILE is required");
    if (a.policy.empty())
        fail(2, "--policy lru|fifo|random is required");
    ReplacementPolicy policy;
    if (!parse_policy(a.policy, policy))
        fail(2, "--policy: expected lru, fifo or random, got '" + a.policy + "'");
    KernelProfile profile;
    if (!parse_profile(a.profile, profile))
        fail(2, "--profile: expected v6.2 or v4.6, got '" + a.profile + "'");
    const uint64_t seed = number_option("--seed", a.seed, 0, UINT64_MAX);
    const uint64_t first_bucket = number_option("--first-bucket", a.first_bucket, 1, 0xffff);
    const uint64_t count = number_option("--count", a.count, UINT64_MAX, UINT64_MAX);
    const uint64_t min_prio = number_option("--min-prio", a.min_prio, 0, 0xffff);
    const uint64_t cursor = number_option("--fifo-cursor", a.fifo_cursor, first_bucket, UINT64_MAX);

    std::vector<Bucket> buckets;
    std::string error;
    if (!load_bucket_state_csv(a.state, buckets, error))
        fail(1, error);
    if (buckets.empty())
        fail(1, a.state + ": no bucket rows");
    if (first_bucket >= buckets.size())
        fail(2, "--first-bucket " + std::to_string(first_bucket) + " leaves no buckets: " +
                    a.state + " has " + std::to_string(buckets.size()));

    CacheGeometry geo;
    geo.nbuckets = buckets.size();
    geo.bucket_size = kNominalBucketSize;
    geo.first_bucket = static_cast<uint16_t>(first_bucket);
    QueueSizes sizes;
    if (!compute_queue_sizes(geo, profile, sizes)) {
        sizes.free = {1, 1, 1, 1};
        sizes.free_inc = 4;
        sizes.heap = 8;
        std::cerr << "victims: note: the kernel refuses caches of 512 buckets or fewer; using "
                     "its smallest running sizes (free_inc 4, heap 8)\n";
    }
    if (count < sizes.free_inc)
        sizes.free_inc = count;

    CacheSet c;
    c.profile = profile;
    c.nbuckets = geo.nbuckets;
    c.gc_mark_valid = true;
    c.min_prio = a.min_prio.empty() ? rescale_min_prio(buckets, first_bucket)
                                    : static_cast<uint16_t>(min_prio);
    c.caches.push_back(make_cache(geo, profile, policy, sizes));
    Cache& ca = *c.caches.front();
    ca.buckets = std::move(buckets);
    ca.fifo_last_bucket = cursor;
    ca.random_state = seed;

    invalidate_buckets(c, ca);

    std::string out;
    ca.free_inc.for_each([&](uint64_t b) {
        out += std::to_string(b);
        out += '\n';
    });
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    if (ca.invalidate_needs_gc)
        std::cerr << "victims: note: the policy gave up with " << ca.free_inc.used() << " of "
                  << ca.free_inc.capacity()
                  << " free_inc slots filled (the kernel would now wait for GC)\n";
}

} // namespace

void register_victims(CLI::App& app) {
    auto args = std::make_shared<VictimsArgs>();
    auto* cmd = app.add_subcommand(
        "victims", "Print the buckets one invalidate pass moves to free_inc, in order");
    cmd->add_option("--state", args->state,
                    "Bucket state CSV: bucket,gen,prio,mark,sectors_used,pin");
    cmd->add_option("--policy", args->policy, "Replacement policy: lru, fifo or random");
    cmd->add_option("--seed", args->seed, "Random policy seed (default 0)");
    cmd->add_option("--count", args->count, "Cap free_inc at N buckets");
    cmd->add_option("--first-bucket", args->first_bucket, "First usable bucket (default 1)");
    cmd->add_option("--min-prio", args->min_prio,
                    "min_prio for the LRU ranking (default: as a rescale pass leaves it)");
    cmd->add_option("--fifo-cursor", args->fifo_cursor,
                    "FIFO cursor, fifo_last_bucket (default: first bucket)");
    cmd->add_option("--profile", args->profile, "Kernel profile: v6.2 or v4.6 (default v6.2)");
    cmd->callback([args] { run_victims(*args); });
}

} // namespace bucketscope::cli
