// `bucketscope-cli sim`: the deterministic engine under the built-in write workload on a
// RAM device, printing its counters. Everything printed comes from the engine's virtual
// clock and seeded scheduler, never from wall time, so the same arguments print the same
// bytes on every run and machine.
#include "app/cli/commands.h"
#include "app/cli/metrics_report.h"
#include "app/cli/session_recording.h"
#include "core/device/ram_device.h"
#include "core/engine/engine.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace bucketscope::cli {

namespace {

// The RAM device holds every byte of the cache; keep it within what a laptop can spare.
constexpr uint64_t kMaxDeviceBytes = 1ull << 30;

struct SimArgs {
    uint64_t buckets = 0;
    std::string policy = "lru";
    uint64_t seed = 1;
    uint64_t steps = 0;
    bool json = false;
    std::string profile = "v6.2";
    uint32_t bucket_size = 64;
    unsigned caches = 1;
    bool discard = false;
    unsigned processes = 4;
    RecordOptions record;
};

std::string options_json(const SimArgs& a) {
    nlohmann::ordered_json j = {
        {"command", "sim"},         {"buckets", a.buckets},
        {"policy", a.policy},       {"seed", a.seed},
        {"steps", a.steps},         {"bucket_size", a.bucket_size},
        {"caches", a.caches},       {"discard", a.discard},
        {"processes", a.processes}, {"snapshot_interval", a.record.snapshot_interval_s}};
    return j.dump();
}

[[noreturn]] void fail(const std::string& msg) {
    std::cerr << "sim: " << msg << "\n";
    throw CLI::RuntimeError(2);
}

nlohmann::ordered_json to_json(const SimArgs& a, const EngineMetrics& m, uint64_t steps_run) {
    nlohmann::ordered_json j;
    j["buckets"] = a.buckets;
    j["bucket_size"] = a.bucket_size;
    j["caches"] = a.caches;
    j["policy"] = a.policy;
    j["profile"] = a.profile;
    j["seed"] = a.seed;
    j["steps"] = steps_run;
    append_json(j, metrics_json(m));
    j["requests"] = request_summary(m);
    return j;
}

void run_sim(const SimArgs& a) {
    EngineOptions o;
    if (!parse_policy(a.policy, o.policy))
        fail("--policy: '" + a.policy + "' is not one of lru, fifo, random");
    if (!parse_profile(a.profile, o.profile))
        fail("--profile: '" + a.profile + "' is not one of v6.2, v4.6");
    if (a.buckets <= 512)
        fail("--buckets: " + std::to_string(a.buckets) +
             " is too small: the kernel refuses caches of 512 buckets or fewer");
    const uint64_t bytes = a.buckets * (uint64_t(a.bucket_size) << 9);
    if (a.bucket_size == 0 || bytes / a.buckets != (uint64_t(a.bucket_size) << 9) ||
        bytes * a.caches > kMaxDeviceBytes)
        fail("--buckets " + std::to_string(a.buckets) + " x --bucket-size " +
             std::to_string(a.bucket_size) + " x --caches " + std::to_string(a.caches) +
             " needs more than the 1 GiB of RAM device the simulator allows");
    o.geometry.nbuckets = a.buckets;
    o.geometry.bucket_size = a.bucket_size;
    o.geometry.block_size = a.bucket_size < 8 ? static_cast<uint16_t>(a.bucket_size) : 8;
    o.geometry.first_bucket = 1;
    o.ncaches = a.caches;
    o.seed = a.seed;
    o.discard = a.discard;
    o.workload.processes = a.processes;
    o.event_capacity = event_capacity_for(a.record);

    std::vector<std::unique_ptr<RamDevice>> devs;
    std::vector<Device*> ptrs;
    for (unsigned i = 0; i < a.caches; ++i) {
        devs.push_back(std::make_unique<RamDevice>(bytes));
        ptrs.push_back(devs.back().get());
    }
    std::string why;
    auto engine = Engine::create(ptrs, o, &why);
    if (!engine)
        fail(why);
    CliSession session =
        start_cli_session("sim", *engine, devs.front()->name(), options_json(a), a.record);
    // Steps in slices so the recorder drains the event ring before it can overflow.
    constexpr uint64_t kSlice = 8192;
    uint64_t ran = 0;
    while (ran < a.steps) {
        const uint64_t want = std::min(kSlice, a.steps - ran);
        const uint64_t got = engine->step(want);
        ran += got;
        session.pump();
        if (got < want)
            break;
    }
    session.finish(ran < a.steps ? "blocked" : "completed");
    const EngineMetrics m = engine->metrics();
    const auto j = to_json(a, m, ran);
    if (a.json)
        std::cout << j.dump(2) << "\n";
    else
        print_text(j, "", std::cout);
    if (ran < a.steps) {
        std::cerr << "sim: every task blocked after " << ran << " of " << a.steps << " steps\n";
        throw CLI::RuntimeError(3);
    }
}

} // namespace

void register_sim(CLI::App& app) {
    auto args = std::make_shared<SimArgs>();
    CLI::App* cmd = app.add_subcommand(
        "sim", "Run the deterministic engine under the built-in write workload on a RAM device "
               "and print its counters");
    cmd->add_option("--buckets", args->buckets, "Buckets per cache (more than 512)")->required();
    cmd->add_option("--policy", args->policy, "Replacement policy: lru, fifo or random")
        ->capture_default_str();
    cmd->add_option("--seed", args->seed, "Seed of the scheduler and the workload")
        ->capture_default_str();
    cmd->add_option("--steps", args->steps, "Task steps to run")->required();
    cmd->add_flag("--json", args->json, "Print the counters as JSON");
    cmd->add_option("--profile", args->profile, "Kernel profile: v6.2 or v4.6")
        ->capture_default_str();
    cmd->add_option("--bucket-size", args->bucket_size, "Bucket size in sectors (power of two)")
        ->capture_default_str();
    cmd->add_option("--caches", args->caches, "Caches in the set (v4.6: up to 8)")
        ->capture_default_str();
    cmd->add_flag("--discard", args->discard, "Discard each bucket before reuse");
    cmd->add_option("--processes", args->processes, "Workload processes")->capture_default_str();
    add_record_options(cmd, args->record);
    cmd->callback([args] { run_sim(*args); });
}

} // namespace bucketscope::cli
